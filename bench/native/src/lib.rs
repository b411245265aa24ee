//! Shared inputs for the native benchmarks: the same seeded demo data for every run.

use tradelens_core::demo::{DemoConfig, DemoFeed, DemoMode};
use tradelens_core::model::Trade;

/// Start of every generated stretch: 2025-11-24T00:00:00Z, a Monday.
pub const START_MS: i64 = 1_763_942_400_000;

/// `hours` of demo trades in `mode` from [`START_MS`], seed 42.
pub fn demo_trades(mode: DemoMode, hours: i64) -> Vec<Trade> {
    DemoFeed::new(DemoConfig::default_for(mode), START_MS)
        .generate_until(START_MS + hours * 3_600_000)
}
