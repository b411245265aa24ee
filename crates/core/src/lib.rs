//! # tradelens-core
//!
//! The domain of TradeLens without any web dependency: the trade model, a deterministic demo
//! feed, decoders for venue and shop formats, cleaning, the streaming aggregation engine with
//! calendar buckets in any time zone, and the statistics run on its output (least squares,
//! trends, elasticities, forecasts, anomaly marks, moments and sketches), the pure half of
//! storage (chunk layout, dedup, rollups, retention, schema) and CSV/JSON/NDJSON export. The
//! browser app and the command line both run this crate; everything here runs natively too.
//!
//! ## A short tour
//!
//! ```
//! use tradelens_core::demo::{DemoConfig, DemoFeed, DemoMode};
//! use tradelens_core::engine::{BucketSize, Engine, EngineSpec, GroupBy, SketchSpec};
//! use tradelens_core::model::{Dim, Field};
//!
//! // One hour of demo orders, generated instantly from a seed.
//! let start = 1_700_000_000_000;
//! let mut feed = DemoFeed::new(DemoConfig::default_for(DemoMode::Orders), start);
//! let orders = feed.generate_until(start + 3_600_000);
//!
//! // Revenue per 15 minutes, by category and region, updated as orders arrive.
//! let mut engine = Engine::new(EngineSpec {
//!     bucket: BucketSize::M15,
//!     group_by: GroupBy::two(Field::Dim(Dim::Category), Field::Dim(Dim::Region)),
//!     sketches: SketchSpec::NONE,
//! });
//! engine.extend(&orders);
//! assert_eq!(engine.total().count() as usize, orders.len());
//! for (start_ms, bucket) in engine.buckets() {
//!     let revenue = bucket.total.notional();
//!     assert!(revenue > 0.0, "bucket at {start_ms} has revenue");
//! }
//! // The best-selling (category, region) pair, named like "Home · Europe".
//! let (top, _) = engine.top_groups(1)[0];
//! assert!(engine.group_name(top, "(none)").contains(" · "));
//! ```
//!
//! Statistics fold the same way, and a trend is fitted by QR on scaled epoch-ms times:
//!
//! ```
//! use tradelens_core::stats::{moments::Moments, poly, sketch::QuantileSketch};
//!
//! let t: Vec<f64> = (0..60).map(|i| 1.7e12 + 60_000.0 * i as f64).collect();
//! let price: Vec<f64> = (0..60).map(|i| 65_000.0 + 0.5 * i as f64 + (i % 3) as f64).collect();
//! let trend = poly::fit(&t, &price, 1).unwrap();
//! let next = trend.prediction_interval(1.7e12 + 3_600_000.0, 0.95).unwrap();
//! assert!(next.lower < next.estimate && next.estimate < next.upper);
//!
//! let mut m = Moments::new();
//! let mut q = QuantileSketch::default(); // p50 … p99 within 1% relative error
//! for &p in &price {
//!     m.push(p);
//!     q.push(p);
//! }
//! assert!(m.std_dev().unwrap() > 0.0);
//! assert!(q.quantile(0.99).unwrap() <= 65_032.0 * 1.01);
//! ```
//!
//! Real feeds go through a decoder and cleaning first:
//!
//! ```
//! use tradelens_core::clean::{CleanConfig, Cleaner, IdOrder, Reason};
//! use tradelens_core::decode::binance::Binance;
//! use tradelens_core::decode::time::EpochUnit;
//!
//! let now = 1_700_000_000_000;
//! let mut binance = Binance::new(EpochUnit::Millis, "BTCUSDT");
//! let msg = r#"{"e":"trade","E":1700000000000,"s":"BTCUSDT","t":1,"p":"37000.10","q":"0.5","T":1700000000000,"m":true}"#;
//! let batch = binance.decode(msg)?;
//!
//! let mut cleaner = Cleaner::new(CleanConfig::default());
//! cleaner.set_id_order("binance:BTCUSDT", IdOrder::Consecutive);
//! assert_eq!(cleaner.clean("binance:BTCUSDT", batch.clone(), now).accepted.len(), 1);
//! // A replayed message is a no-op, and the report says why.
//! assert!(cleaner.clean("binance:BTCUSDT", batch, now).accepted.is_empty());
//! assert_eq!(cleaner.report().total.by_reason[&Reason::Duplicate], 1);
//! # Ok::<(), tradelens_core::decode::DecodeError>(())
//! ```
//!
//! Accepted trades are stored in columnar chunks; a replayed batch stores nothing, and
//! one-minute rollups outlive the raw trades. Our own exports import back unchanged:
//!
//! ```
//! use tradelens_core::export::{self, import::OwnCsv, Format};
//! use tradelens_core::model::{Side, Trade};
//! use tradelens_core::store::dedup::{ChunkIndex, DedupLimits};
//! use tradelens_core::store::rollup::Rollups;
//! use tradelens_core::store::{Chunk, ChunkBuilder};
//!
//! let batch: Vec<Trade> = (1..=3)
//!     .map(|id| Trade {
//!         id,
//!         time_ms: 1_700_000_000_000 + id as i64,
//!         price: 37_000.0 + id as f64,
//!         qty: 0.5,
//!         side: Some(Side::Buy),
//!         symbol: "=BTCUSDT".into(),
//!         dims: Default::default(),
//!     })
//!     .collect();
//!
//! let mut index = ChunkIndex::new(DedupLimits::default());
//! let mut builder = ChunkBuilder::new(3, 5_000);
//! let fresh = index.admit(batch.clone()).fresh;
//! let mut chunk = None;
//! for t in &fresh {
//!     chunk = builder.push(t, 0).unwrap();
//! }
//! let chunk = chunk.expect("three trades fill a chunk of three");
//! let (meta, bytes) = (chunk.meta("binance:BTCUSDT", 0), chunk.encode());
//! index.add_chunk(&meta, Some(chunk.ids()));
//! assert_eq!(Chunk::decode(&bytes).unwrap().trades(), batch);
//! // Replaying the batch, in any order, stores nothing.
//! assert!(index.admit(batch.iter().rev().cloned().collect()).fresh.is_empty());
//!
//! let minutes = Rollups::from_trades(&batch);
//! assert_eq!(minutes.get("=BTCUSDT", 1_699_999_980_000).unwrap().count(), 3);
//!
//! let csv = export::trades(Format::Csv, &batch);
//! assert!(csv.contains(",'=BTCUSDT,")); // inert in a spreadsheet
//! let mut import = OwnCsv::new();
//! let mut back = import.feed(csv.as_bytes())?;
//! back.append(import.finish()?);
//! assert_eq!(back.trades, batch);
//! # Ok::<(), tradelens_core::decode::DecodeError>(())
//! ```
//!
//! ## Errors and panics
//!
//! Nothing in this crate panics on any input: an undefined statistic (the VWAP of an empty
//! bucket, say) is `None`, never NaN. Operations that can fail on input return their own
//! error type: decoders return [`decode::DecodeError`], which says where (line and column,
//! item, or line of a record), which field and which value; a single bad trade in an otherwise
//! good message becomes a [`decode::Reject`] that cleaning quarantines with a reason. Stored
//! bytes that fail their checks are a [`store::ChunkError`], never a panic.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod alerts;
pub mod civil;
pub mod clean;
pub mod dashboard;
pub mod decode;
pub mod demo;
pub mod engine;
pub mod export;
pub mod feed;
pub mod format;
pub mod model;
pub mod plot;
pub mod settings;
pub mod share;
pub mod stats;
pub mod store;
pub mod sum;
pub mod views;
pub mod zone;
