//! The dashboard's building blocks.

mod controls;
pub mod feeds;
mod kpi;
mod panels;

pub use controls::Controls;
pub use kpi::{KpiCard, KpiRow};
pub use panels::{RevenuePanel, TopPanel};
