//! Shared inputs for the benchmarks: the same seeded demo data for every run, and the decoding
//! corpus built from it, which the browser benchmarks (`bench/wasm`) use too, so native and
//! browser decode the very same bytes.

use tradelens_core::decode::generic::{Mapping, TimeFormat};
use tradelens_core::decode::time::EpochUnit;
use tradelens_core::demo::{DemoConfig, DemoFeed, DemoMode};
use tradelens_core::model::{Side, Trade};

/// Start of every generated stretch: 2025-11-24T00:00:00Z, a Monday.
pub const START_MS: i64 = 1_763_942_400_000;

/// `hours` of demo trades in `mode` from [`START_MS`], seed 42.
pub fn demo_trades(mode: DemoMode, hours: i64) -> Vec<Trade> {
    DemoFeed::new(DemoConfig::default_for(mode), START_MS)
        .generate_until(START_MS + hours * 3_600_000)
}

/// Hours of exchange demo trades in the decoding corpus (about 106,000 trades).
pub const DECODE_HOURS: i64 = 2;

/// Each trade of `trades` as a Binance `@trade` message, as the socket delivers them.
pub fn binance_messages(trades: &[Trade]) -> Vec<String> {
    trades
        .iter()
        .map(|t| {
            format!(
                r#"{{"e":"trade","E":{},"s":"BTCUSDT","t":{},"p":"{}","q":"{}","T":{},"m":{},"M":true}}"#,
                t.time_ms,
                t.id,
                t.price,
                t.qty,
                t.time_ms,
                t.side == Some(Side::Sell)
            )
        })
        .collect()
}

/// `trades` as one generic CSV text: `id,time,price,qty,symbol`, times in epoch ms.
pub fn csv_text(trades: &[Trade]) -> String {
    let mut s = String::from("id,time,price,qty,symbol\n");
    for t in trades {
        s.push_str(&format!(
            "{},{},{},{},{}\n",
            t.id, t.time_ms, t.price, t.qty, t.symbol
        ));
    }
    s
}

/// The mapping that reads [`csv_text`].
pub fn csv_mapping() -> Mapping {
    let mut mapping = Mapping::new("time", "price");
    mapping.qty = Some("qty".into());
    mapping.id = Some("id".into());
    mapping.symbol = Some("symbol".into());
    mapping.time_format = TimeFormat::Epoch(EpochUnit::Millis);
    mapping
}
