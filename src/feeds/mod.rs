//! Feed clients: every source of trades besides the demo, and the context that runs them.
//!
//! One concept per file: [`websocket`] (venue streams), [`poll`] (HTTP polling with
//! conditional requests, CORS detection), [`sse`] (EventSource), [`file`] (chunked file
//! import), [`html`] (HTML pages through the browser's own parser), [`manager`] (the
//! [`Feeds`] context: each feed's decoder, the shared cleaner, the live engine, and each
//! feed's status), [`keys`] (API keys kept in this browser, bound to an origin),
//! [`use_feed()`] (start a feed from a component). Decisions (back-off,
//! silence, gaps, polling) live in `tradelens_core::feed`; these files only do the browser
//! side.

mod decoder;
mod error;
pub mod file;
pub mod html;
pub mod keys;
pub mod manager;
pub mod poll;
pub mod spec;
pub mod sse;
pub mod timer;
mod use_feed;
pub mod websocket;

pub use error::FeedError;
pub use manager::{provide_feeds_context, FeedEntry, FeedId, FeedSpec, FeedStatus, Feeds, Phase};
pub use use_feed::{use_feed, use_feed_with_options, UseFeedOptions, UseFeedReturn};
