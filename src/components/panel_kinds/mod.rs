//! Panel kinds beyond the KPI, line and bar panels: candles with volume, a histogram, a
//! scatter with its fitted line, an hour-by-weekday heatmap and the virtualised trade table.
//! Each reads the engine through [`Live::with_engine`](crate::live::Live::with_engine) and
//! takes its settings as props, so the dashboard grid can host any number of them.

mod candles;
mod heatmap;
mod histogram;
mod scatter;
mod table;

pub use candles::CandlesPanel;
pub use heatmap::HeatmapPanel;
pub use histogram::HistogramPanel;
pub use scatter::ScatterPanel;
pub use table::TablePanel;
pub use tradelens_core::views::histogram::HistValue;
