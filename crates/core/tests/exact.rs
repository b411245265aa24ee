//! A million messy trades (out of order, late, duplicated) through cleaning and the engine,
//! against a reference computed here with exact integer arithmetic.
//!
//! Prices are whole cents and quantities whole thousandths, so every sum is an exact i128:
//! notional in units of 1e-5 (cents x thousandths), volume in thousandths. The engine gets the
//! same values as f64 (cents / 100, thousandths / 1000, each correctly rounded) and must agree
//! to a relative 1e-12.

use std::collections::BTreeMap;

use fastrand::Rng;
use tradelens_core::clean::{CleanConfig, Cleaner, IdOrder};
use tradelens_core::decode::Decoded;
use tradelens_core::engine::{BucketSize, Engine, EngineSpec, GroupBy, Metric, SketchSpec};
use tradelens_core::model::{Field, Label, Side, Trade};

const N: usize = 1_000_000;
const START: i64 = 1_735_689_600_000; // 2025-01-01T00:00:00Z
const SPAN_MS: i64 = 6 * 3_600_000;
const REL: f64 = 1e-12;

struct Raw {
    id: u64,
    time_ms: i64,
    cents: i64,
    milli: i64,
    side: Side,
    symbol: usize,
}

fn rel_eq(a: f64, exact: f64) -> bool {
    (a - exact).abs() <= REL * exact.abs()
}

#[derive(Default)]
struct Exact {
    count: u64,
    volume_milli: i128,
    notional: i128,
    buy_milli: i128,
    cents_sum: i128,
    open: Option<(i64, u64, i64)>,
    close: Option<(i64, u64, i64)>,
    high: i64,
    low: i64,
}

#[test]
fn a_million_messy_trades_match_exact_arithmetic() {
    let mut rng = Rng::with_seed(2025);
    let symbols: Vec<Label> = ["BTC-USD", "ETH-USD", "SOL-USD", "DOGE-USD", "PEPE-USD"]
        .iter()
        .map(|&s| s.into())
        .collect();
    // Ids are consecutive in time order (as venues number them); prices span 1 cent to
    // $100,000 and quantities 0.001 to 1,000,000 units: sums mix magnitudes across 18 decades.
    let mut times: Vec<i64> = (0..N).map(|_| START + rng.i64(0..SPAN_MS)).collect();
    times.sort_unstable();
    let raws: Vec<Raw> = times
        .into_iter()
        .enumerate()
        .map(|(i, time_ms)| Raw {
            id: i as u64,
            time_ms,
            cents: 10i64.pow(rng.u32(0..8)) * rng.i64(1..10),
            milli: 10i64.pow(rng.u32(0..9)) * rng.i64(1..10),
            side: if rng.bool() { Side::Buy } else { Side::Sell },
            symbol: rng.usize(0..symbols.len()),
        })
        .collect();
    let trade = |r: &Raw| Trade {
        id: r.id,
        time_ms: r.time_ms,
        price: r.cents as f64 / 100.0,
        qty: r.milli as f64 / 1000.0,
        side: Some(r.side),
        symbol: symbols[r.symbol].clone(),
        dims: Default::default(),
    };

    // Arrival: most trades within a second of their time, one in ten up to ten minutes late,
    // and one in twenty sent again up to a minute after the first time.
    let mut arrivals: Vec<(i64, usize)> = Vec::with_capacity(N + N / 10);
    for (i, r) in raws.iter().enumerate() {
        let late = if rng.u8(0..10) == 0 {
            rng.i64(0..600_000)
        } else {
            rng.i64(0..1_000)
        };
        arrivals.push((r.time_ms + late, i));
        if rng.u8(0..20) == 0 {
            arrivals.push((r.time_ms + late + rng.i64(1..60_000), i));
        }
    }
    arrivals.sort_unstable();
    let duplicates = arrivals.len() - N;

    // No outlier test: it flags, never drops, so it cannot change an aggregate.
    let config = CleanConfig {
        outlier_symbols: 0,
        ..CleanConfig::default()
    };
    let mut cleaner = Cleaner::new(config);
    cleaner.set_id_order("sim", IdOrder::Consecutive);
    let mut engine = Engine::new(EngineSpec {
        bucket: BucketSize::M1,
        group_by: GroupBy::one(Field::Symbol),
        sketches: SketchSpec::NONE,
    });
    for batch in arrivals.chunks(1_000) {
        let decoded = Decoded {
            trades: batch.iter().map(|&(_, i)| trade(&raws[i])).collect(),
            ..Decoded::default()
        };
        let now = batch.last().map_or(START, |b| b.0);
        engine.extend(&cleaner.clean("sim", decoded, now).accepted);
    }
    assert_eq!(
        engine.len(),
        N,
        "{duplicates} duplicates were sent; every one must be dropped"
    );

    // The exact reference.
    let mut exact: BTreeMap<(i64, usize), Exact> = BTreeMap::new();
    for r in &raws {
        let e = exact
            .entry((r.time_ms - (r.time_ms - START) % 60_000, r.symbol))
            .or_default();
        let key = (r.time_ms, r.id, r.cents);
        e.count += 1;
        e.volume_milli += i128::from(r.milli);
        e.notional += i128::from(r.cents) * i128::from(r.milli);
        e.cents_sum += i128::from(r.cents);
        if r.side == Side::Buy {
            e.buy_milli += i128::from(r.milli);
        }
        if e.open.is_none_or(|o| (key.0, key.1) < (o.0, o.1)) {
            e.open = Some(key);
        }
        if e.close.is_none_or(|c| (key.0, key.1) > (c.0, c.1)) {
            e.close = Some(key);
        }
        e.high = if e.count == 1 {
            r.cents
        } else {
            e.high.max(r.cents)
        };
        e.low = if e.count == 1 {
            r.cents
        } else {
            e.low.min(r.cents)
        };
    }

    let mut checked = 0;
    for (start, bucket) in engine.buckets() {
        for (key, agg) in &bucket.groups {
            let name = engine.label(key[0]).unwrap();
            let s = symbols.iter().position(|l| l == name).unwrap();
            let e = &exact[&(start, s)];
            let what = format!("{name} at {start}");
            assert_eq!(agg.count(), e.count, "{what}");
            assert!(
                rel_eq(agg.volume(), e.volume_milli as f64 / 1e3),
                "{what}: volume"
            );
            assert!(
                rel_eq(agg.notional(), e.notional as f64 / 1e5),
                "{what}: notional"
            );
            assert!(
                rel_eq(agg.buy_volume(), e.buy_milli as f64 / 1e3),
                "{what}: buy volume"
            );
            // VWAP = notional / volume = (notional / 1e5) / (volume / 1e3).
            let vwap = (e.notional as f64 / e.volume_milli as f64) / 100.0;
            assert!(rel_eq(Metric::Vwap.of(agg).unwrap(), vwap), "{what}: vwap");
            let mean = e.cents_sum as f64 / e.count as f64 / 100.0;
            assert!(rel_eq(agg.mean_price().unwrap(), mean), "{what}: mean");
            let price = |c: i64| c as f64 / 100.0;
            assert_eq!(agg.open(), e.open.map(|o| price(o.2)), "{what}: open");
            assert_eq!(agg.close(), e.close.map(|c| price(c.2)), "{what}: close");
            assert_eq!(agg.high(), Some(price(e.high)), "{what}: high");
            assert_eq!(agg.low(), Some(price(e.low)), "{what}: low");
            checked += 1;
        }
    }
    assert_eq!(
        checked,
        exact.len(),
        "every (minute, symbol) of the reference is in the engine"
    );
}
