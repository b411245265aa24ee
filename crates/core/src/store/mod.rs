//! Storage, the pure part: what the app writes to IndexedDB and how it decides what to write,
//! keep and delete. The IndexedDB calls themselves live in the app (`src/storage`).
//!
//! - [`chunk`]: trades of one feed in columnar chunks, a versioned checked binary layout;
//!   [`meta::ChunkMeta`] is a chunk's index entry, [`builder::ChunkBuilder`] cuts chunks.
//! - [`dedup`]: which trades of an incoming batch are new, so replaying a batch stores nothing.
//! - [`rollup`]: one-minute OHLCV/VWAP rollups per (feed, symbol, minute), kept longer.
//! - [`restore`]: which chunks to read at load, newest first, in pages.
//! - [`retention`]: which chunks and rollups to delete under a per-feed policy.
//! - [`schema`]: the database's versions as data, and forward migration plans.

pub mod builder;
pub mod bytes;
pub mod chunk;
pub mod dedup;
mod envelope;
mod error;
pub mod meta;
pub mod restore;
pub mod retention;
pub mod rollup;
pub mod schema;

pub use builder::ChunkBuilder;
pub use chunk::{Chunk, ChunkError};
pub use meta::ChunkMeta;
