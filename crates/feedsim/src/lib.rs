//! # tradelens-feedsim
//!
//! A loopback exchange and order-feed simulator for TradeLens end-to-end tests and demos. One
//! port (127.0.0.1 only) serves:
//!
//! - WebSocket streams in each venue's own format ([`binance`], [`coinbase`], [`kraken`]),
//! - their REST trade endpoints, with venue-style pagination and errors,
//! - generic order feeds for polling, SSE and file import ([`generic`]), and the same behind
//!   an API key ([`keyed`]),
//! - a control API for fault injection and a record of what was sent ([`control`]).
//!
//! Trades come from `tradelens_core::demo` (deterministic per seed and start time) on three
//! instruments whose names per venue are listed in [`symbols`].
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use tradelens_feedsim::{Config, Server};
//! let server = Server::start(Config { rate: 500.0, ..Config::default() }).await?;
//! println!("ws://{}/ws/btcusdt@trade", server.local_addr());
//! server.shutdown();
//! server.wait().await;
//! # Ok(()) }
//! ```
//!
//! ## Bounds
//! Connections are capped (`--max-connections`), request heads at 16 KiB and bodies at 64 KiB,
//! client WebSocket messages at 64 KiB; a stream that falls `--queue` batches behind, or whose
//! socket does not take a batch within 5 s, is dropped rather than buffered.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod binance;
pub mod coinbase;
pub mod config;
pub mod control;
pub mod format;
pub mod generic;
pub mod http;
pub mod keyed;
pub mod kraken;
pub mod market;
pub mod sent;
pub mod server;
pub mod symbols;
pub mod ws;

pub use config::{Config, ConfigError};
pub use server::{Hub, Server};
