//! What the dashboard's panel kinds show, prepared from an [`Engine`](crate::engine::Engine):
//! candles with volume, a histogram of trade prices or sizes, a scatter of two metrics with a
//! fitted line, an hour-of-day by weekday heatmap, and the sorted trade table. The app only
//! draws these; every number is computed here.

pub mod candles;
pub mod heatmap;
pub mod histogram;
pub mod scatter;
pub mod table;
