//! The app's IndexedDB layer: trades of each feed in columnar chunks, one transaction per
//! batch, restored newest first at load. The pure decisions (chunk layout, dedup, rollups,
//! retention, restore order, schema) are in `tradelens_core::store`; this module does the
//! browser calls, through `indexed_db_futures`.
//!
//! - [`db`]: open at the current schema, migrate, watch `blocked` / `versionchange` / close.
//! - [`store`]: write a batch (chunks + rollups) in one transaction; delete chunks.
//! - [`saver`]: the bounded queue and the single writer that owns the connection.
//! - [`restore`]: read chunks back in pages, newest first.
//! - [`quota`]: usage and quota, persistent storage.
//! - [`export`]: downloads of trades and aggregates.
//! - [`tabs`]: one writer per feed across tabs (Web Locks), saved-batch announcements.
//! - [`context`]: the Leptos context the app and the live feeds use, and the banner.
//! - [`demo`]: the demo feed's persistence (restore and resume, buffered saves).
//! - [`feeds`]: live feeds' persistence (list, batches, restore, one connection per feed).
//!
//! Inside a transaction only IndexedDB requests are awaited (a transaction commits as soon as
//! it has no pending request at the end of a task).

pub mod context;
pub mod db;
pub mod demo;
mod error;
pub mod export;
pub mod feeds;
pub mod quota;
pub mod record;
pub mod restore;
pub mod saver;
pub mod store;
pub mod tabs;

pub use context::{provide_storage_context, Storage, StorageBanner, StorageStatus};
pub use error::StorageError;
pub use saver::{FeedSize, Saver, SaverOptions};
pub use store::SaveReport;
