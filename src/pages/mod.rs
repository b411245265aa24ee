//! Whole pages of the app.

mod feeds;

pub use feeds::FeedsPage;
