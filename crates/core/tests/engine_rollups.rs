//! History known only as one-minute rollups (raw trades deleted by retention) gives the same
//! buckets as the raw trades did, for buckets of a minute or wider, across a daylight-saving
//! change; narrower buckets leave it out; price moments say they are unknown.
//!
//! The reference is computed here from the trades with exact integer arithmetic (whole cents
//! and thousandths), bucketed by local calendar day written out by hand.

use std::collections::BTreeMap;
use std::sync::Arc;

use fastrand::Rng;
use tradelens_core::engine::{BucketSize, Engine, EngineSpec, Metric};
use tradelens_core::model::{Field, Label, Side, Trade};
use tradelens_core::store::rollup::Rollups;
use tradelens_core::zone::Zone;

const H: i64 = 3_600_000;
/// 2024-03-31T00:00:00Z: Berlin goes from +01 to +02 at 01:00Z that day.
const MAR31: i64 = 1_711_843_200_000;

fn berlin() -> Zone {
    Zone::with_transitions("Europe/Berlin", H, vec![(MAR31 + H, 2 * H)]).unwrap()
}

/// (trade, cents, thousandths) over three days around the change, shuffled.
fn trades() -> Vec<(Trade, i64, i64)> {
    let mut rng = Rng::with_seed(31);
    let symbols: [Label; 2] = ["BTC-EUR".into(), "ETH-EUR".into()];
    let mut out: Vec<(Trade, i64, i64)> = (0..20_000u64)
        .map(|id| {
            let cents = rng.i64(1..10_000_000);
            let milli = rng.i64(1..5_000_000);
            let t = Trade {
                id,
                time_ms: MAR31 - 36 * H + rng.i64(0..72 * H),
                price: cents as f64 / 100.0,
                qty: milli as f64 / 1000.0,
                side: Some(if rng.bool() { Side::Buy } else { Side::Sell }),
                symbol: symbols[rng.usize(0..2)].clone(),
                dims: Default::default(),
            };
            (t, cents, milli)
        })
        .collect();
    rng.shuffle(&mut out);
    out
}

fn rel_eq(a: f64, exact: f64) -> bool {
    (a - exact).abs() <= 1e-12 * exact.abs()
}

/// Start of the Berlin calendar day holding `utc_ms`, written out for these three days.
fn berlin_day(utc_ms: i64) -> i64 {
    // Mar 29 00:00 CET = Mar 28 23:00Z; Mar 30 00:00 CET = Mar 29 23:00Z; Mar 31 00:00 CET = Mar 30 23:00Z; Apr 1 00:00 CEST =
    // Mar 31 22:00Z; Apr 2 00:00 CEST = Apr 1 22:00Z.
    let starts = [
        MAR31 - 49 * H,
        MAR31 - 25 * H,
        MAR31 - H,
        MAR31 + 22 * H,
        MAR31 + 46 * H,
    ];
    *starts.iter().rev().find(|&&s| s <= utc_ms).unwrap()
}

#[test]
fn rollups_give_the_buckets_raw_trades_gave() {
    let all = trades();
    // Trades before the cut are known only as rollups; after it, raw.
    let cut = MAR31 + 3 * H;
    let (old, new): (Vec<_>, Vec<_>) = all.iter().partition(|(t, _, _)| t.time_ms < cut);
    let old_trades: Vec<Trade> = old.iter().map(|(t, _, _)| t.clone()).collect();
    let rollups = Rollups::from_trades(&old_trades);

    let spec = EngineSpec {
        bucket: BucketSize::D1,
        group_by: Field::Symbol.into(),
        ..EngineSpec::default()
    };
    let mut engine = Engine::new(spec);
    engine.set_zone(Arc::new(berlin()));
    engine.extend(new.iter().map(|(t, _, _)| t));
    engine.push_rollups(rollups.iter());
    assert_eq!(engine.summarised(), old.len() as u64);
    assert_eq!(engine.total().count(), all.len() as u64);

    // Exact reference per Berlin day: count, volume (thousandths), notional (1e-5), buy.
    #[derive(Default)]
    struct Ex {
        count: u64,
        milli: i128,
        notional: i128,
        first: Option<(i64, u64, i64)>,
        high: i64,
    }
    let mut reference: BTreeMap<i64, Ex> = BTreeMap::new();
    for (t, cents, milli) in &all {
        let e = reference.entry(berlin_day(t.time_ms)).or_default();
        e.count += 1;
        e.milli += *milli as i128;
        e.notional += *cents as i128 * *milli as i128;
        e.high = e.high.max(*cents);
        if e.first.is_none_or(|f| (t.time_ms, t.id) < (f.0, f.1)) {
            e.first = Some((t.time_ms, t.id, *cents));
        }
    }
    let buckets: Vec<_> = engine.buckets().collect();
    assert_eq!(buckets.len(), reference.len());
    for ((start, b), (ref_start, e)) in buckets.iter().zip(&reference) {
        assert_eq!(start, ref_start);
        let a = &b.total;
        assert_eq!(a.count(), e.count);
        assert!(rel_eq(a.volume(), e.milli as f64 / 1e3), "volume {start}");
        assert!(
            rel_eq(a.notional(), e.notional as f64 / 1e5),
            "notional {start}"
        );
        assert_eq!(a.high(), Some(e.high as f64 / 100.0));
        assert_eq!(a.open(), Some(e.first.unwrap().2 as f64 / 100.0));
        // Days with rolled-up trades cannot know their mean price; the last day can.
        let rolled = old.iter().any(|(t, _, _)| berlin_day(t.time_ms) == *start);
        assert_eq!(a.mean_price().is_none(), rolled, "mean {start}");
        assert!(Metric::from_name("vwap").and_then(|m| m.of(a)).is_some());
    }
    // Group totals by symbol include the rolled-up trades too.
    let by_symbol: u64 = engine.top_groups(10).iter().map(|(_, a)| a.count()).sum();
    assert_eq!(by_symbol, all.len() as u64);

    // Changing the bucket keeps them (rebuild), at every width of a minute or more.
    for bucket in [
        BucketSize::M1,
        BucketSize::M15,
        BucketSize::H1,
        BucketSize::W1,
    ] {
        engine.set_spec(EngineSpec { bucket, ..spec });
        let n: u64 = engine.buckets().map(|(_, b)| b.total.count()).sum();
        assert_eq!(n, all.len() as u64, "{bucket:?}");
    }
    // A one-second bucket cannot split a minute: only raw trades are bucketed.
    engine.set_spec(EngineSpec {
        bucket: BucketSize::S1,
        ..spec
    });
    let n: u64 = engine.buckets().map(|(_, b)| b.total.count()).sum();
    assert_eq!(n, new.len() as u64);
    assert_eq!(engine.total().count(), all.len() as u64);
}

#[test]
fn removing_a_source_leaves_what_the_other_sources_alone_give() {
    let all = trades();
    let (demo, other): (Vec<_>, Vec<_>) = all.iter().partition(|(t, _, _)| t.id % 3 == 0);
    let spec = EngineSpec {
        bucket: BucketSize::H1,
        group_by: Field::Symbol.into(),
        ..EngineSpec::default()
    };
    let old_demo: Vec<Trade> = demo.iter().map(|(t, _, _)| t.clone()).take(100).collect();
    let mut mixed = Engine::new(spec);
    // Interleaved: demo trades and rollups tagged 1, the rest 0.
    for (i, (t, _, _)) in all.iter().enumerate() {
        mixed.set_source(u8::from(t.id % 3 == 0));
        mixed.push(t);
        if i == 500 {
            mixed.set_source(1);
            mixed.push_rollups(Rollups::from_trades(&old_demo).iter());
        }
    }
    mixed.set_source(0);
    assert_eq!(mixed.remove_source(1), demo.len());
    let mut alone = Engine::new(spec);
    alone.extend(other.iter().map(|(t, _, _)| t));
    assert_eq!(mixed.len(), alone.len());
    assert_eq!(mixed.summarised(), 0);
    assert_eq!(mixed.total().count(), other.len() as u64);
    assert_eq!(mixed.total().volume(), alone.total().volume());
    let a: Vec<(i64, u64, Option<f64>)> = mixed
        .buckets()
        .map(|(k, b)| (k, b.total.count(), b.total.vwap()))
        .collect();
    let b: Vec<(i64, u64, Option<f64>)> = alone
        .buckets()
        .map(|(k, b)| (k, b.total.count(), b.total.vwap()))
        .collect();
    assert_eq!(a, b);
    assert_eq!(mixed.table().id, alone.table().id);
    // Nothing of source 1 is left to remove.
    assert_eq!(mixed.remove_source(1), 0);
}
