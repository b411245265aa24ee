//! Binance WebSocket and REST payloads, in both time units: any input is an error or trades.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tradelens_core::decode::binance::Binance;
use tradelens_core::decode::time::EpochUnit;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for unit in [EpochUnit::Millis, EpochUnit::Micros] {
            let _ = Binance::new(unit, "BTCUSDT").decode(text);
        }
    }
});
