//! TradeLens in the browser: the Leptos app, its charts and its live demo feed.
//!
//! Components live in this library (not in `main.rs`) so the browser tests can mount them.

pub mod alerts;
pub mod app;
pub mod charts;
pub mod components;
pub mod fatal;
pub mod feeds;
pub mod live;
pub mod pages;
pub mod settings;
pub mod share;
pub mod storage;
pub mod theme;
pub mod zone;

pub use app::App;

/// Milliseconds since the epoch, from the browser's clock.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}
