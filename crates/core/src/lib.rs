//! # tradelens-core
//!
//! The domain of TradeLens without any web dependency: the trade model, a deterministic demo
//! feed, and the streaming aggregation engine. The browser app and the command line both run
//! this crate; everything here runs natively too.
//!
//! ## A short tour
//!
//! ```
//! use tradelens_core::demo::{DemoConfig, DemoFeed, DemoMode};
//! use tradelens_core::engine::{BucketSize, Engine, EngineSpec};
//! use tradelens_core::model::{Dim, Field};
//!
//! // One hour of demo orders, generated instantly from a seed.
//! let start = 1_700_000_000_000;
//! let mut feed = DemoFeed::new(DemoConfig::default_for(DemoMode::Orders), start);
//! let orders = feed.generate_until(start + 3_600_000);
//!
//! // Revenue per 15 minutes, by category, updated as orders arrive.
//! let mut engine = Engine::new(EngineSpec {
//!     bucket: BucketSize::M15,
//!     group_by: Some(Field::Dim(Dim::Category)),
//! });
//! engine.extend(&orders);
//! assert_eq!(engine.total().count() as usize, orders.len());
//! for (start_ms, bucket) in engine.buckets() {
//!     let revenue = bucket.total.notional();
//!     assert!(revenue > 0.0, "bucket at {start_ms} has revenue");
//! }
//! ```
//!
//! ## Errors and panics
//!
//! Nothing in this crate panics on any input: an undefined statistic (the VWAP of an empty
//! bucket, say) is `None`, never NaN. Operations that can fail on input will return their own
//! error type.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod clean;
pub mod decode;
pub mod demo;
pub mod engine;
pub mod format;
pub mod model;
pub mod sum;
