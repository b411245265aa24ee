//! The dashboard's and the Analysis page's building blocks.

pub mod alerts;
pub mod analysis;
mod chart_interact;
pub mod chart_metric;
mod chart_panel;
mod controls;
mod export;
pub mod feeds;
mod forecast;
mod grid;
mod kpi;
mod panel_kinds;
mod panels;
mod settings_menu;
mod share_link;
pub mod storage_panel;
mod tabs;

pub use alerts::{provide_alerts_context, AlertsPanel};
pub use analysis::AnalysisPage;
pub use controls::Controls;
pub use export::ExportBar;
pub use forecast::{outlook, ForecastPanel, MethodChoice, Outlook};
pub use grid::PanelGrid;
pub use kpi::{KpiCard, KpiRow};
pub use panel_kinds::{
    CandlesPanel, HeatmapPanel, HistValue, HistogramPanel, ScatterPanel, TablePanel,
};
pub use panels::{RevenuePanel, TopPanel};
pub use settings_menu::SettingsMenu;
pub use share_link::ShareLink;
pub use storage_panel::StoragePanel;
pub use tabs::{tab_id, Tab, TabBar};
