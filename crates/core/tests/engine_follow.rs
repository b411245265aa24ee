//! A follower (a panel's own engine) holds exactly the followed engine's trades of its
//! symbol, bucketed by its own spec, whether it catches up in one step or many, and starts
//! over when the followed engine takes trades out or changes zone.
//!
//! The reference counts and sums are computed here with exact integer arithmetic (whole cents
//! and units), bucketed by hand.

use std::collections::BTreeMap;
use std::sync::Arc;

use fastrand::Rng;
use tradelens_core::engine::{BucketSize, Engine, EngineSpec, Follower, GroupBy, Metric};
use tradelens_core::model::{Label, Side, Trade};
use tradelens_core::zone::Zone;

const H: i64 = 3_600_000;
const T0: i64 = 1_764_000_000_000 - 1_764_000_000_000 % H;

/// (trade, cents, units) spread over 12 hours, in a shuffled order.
fn trades(seed: u64, n: u64) -> Vec<(Trade, i64, i64)> {
    let mut rng = Rng::with_seed(seed);
    let symbols: [Label; 3] = ["BTC".into(), "ETH".into(), "SOL".into()];
    (0..n)
        .map(|id| {
            let (cents, units) = (rng.i64(1..1_000_000), rng.i64(1..50));
            let t = Trade {
                id,
                time_ms: T0 + rng.i64(0..12 * H),
                price: cents as f64 / 100.0,
                qty: units as f64,
                side: Some(if rng.bool() { Side::Buy } else { Side::Sell }),
                symbol: symbols[rng.usize(0..3)].clone(),
                dims: Default::default(),
            };
            (t, cents, units)
        })
        .collect()
}

/// Count and notional (in cents) per hour of the trades of `symbol`.
fn reference(all: &[(Trade, i64, i64)], symbol: &str) -> BTreeMap<i64, (u64, i64)> {
    let mut out = BTreeMap::new();
    for (t, cents, units) in all.iter().filter(|(t, ..)| &*t.symbol == symbol) {
        let e = out
            .entry(t.time_ms - (t.time_ms - T0) % H)
            .or_insert((0, 0));
        e.0 += 1;
        e.1 += cents * units;
    }
    out
}

fn hourly(e: &Engine) -> BTreeMap<i64, (u64, i64)> {
    e.buckets()
        .map(|(k, b)| {
            let count = Metric::Count.of(&b.total).unwrap() as u64;
            let cents = (Metric::Notional.of(&b.total).unwrap() * 100.0).round() as i64;
            (k, (count, cents))
        })
        .collect()
}

fn minute_spec() -> EngineSpec {
    EngineSpec {
        bucket: BucketSize::M1,
        group_by: GroupBy::NONE,
        sketches: Default::default(),
    }
}

fn hour_spec() -> EngineSpec {
    EngineSpec {
        bucket: BucketSize::H1,
        ..minute_spec()
    }
}

#[test]
fn a_follower_holds_its_symbols_trades_by_its_own_spec_step_by_step() {
    let all = trades(7, 30_000);
    let mut main = Engine::new(minute_spec());
    main.set_zone(Arc::new(Zone::utc()));
    let (mut f, mut own) = (Follower::new(Some("ETH".into())), Engine::new(hour_spec()));
    // Caught up after every batch of uneven size, and once more with nothing new.
    let mut fed = 0;
    for size in [1, 999, 7_000, 22_000] {
        let batch: Vec<Trade> = all[fed..fed + size].iter().map(|x| x.0.clone()).collect();
        main.extend(&batch);
        fed += size;
        f.sync(&main, &mut own);
        assert_eq!(hourly(&own), reference(&all[..fed], "ETH"), "after {fed}");
    }
    assert!(!f.sync(&main, &mut own), "nothing new");
    assert_eq!(
        main.spec(),
        minute_spec(),
        "the followed engine keeps its own spec"
    );
    // Notional per hour, exactly to the cent (every product is a whole number of cents).
    assert_eq!(hourly(&own), reference(&all, "ETH"));
}

#[test]
fn a_follower_starts_over_when_trades_are_taken_out_and_follows_a_new_zone() {
    let all = trades(8, 5_000);
    let (first, second) = all.split_at(2_000);
    let mut main = Engine::new(minute_spec());
    main.set_zone(Arc::new(Zone::utc()));
    main.set_source(1);
    main.extend(first.iter().map(|x| &x.0));
    main.set_source(0);
    main.extend(second.iter().map(|x| &x.0));
    let (mut f, mut own) = (Follower::new(None), Engine::new(hour_spec()));
    f.sync(&main, &mut own);
    assert_eq!(own.len(), 5_000);
    // The first source goes (a demo replaced, say): the follower holds only the rest.
    main.remove_source(1);
    assert!(f.sync(&main, &mut own));
    assert_eq!(own.len(), 3_000);
    let count: u64 = hourly(&own).values().map(|v| v.0).sum();
    assert_eq!(count, 3_000);
    // Half an hour east: the follower's hours move with the followed engine's zone.
    main.set_zone(Arc::new(Zone::fixed("+00:30", H / 2).unwrap()));
    assert!(f.sync(&main, &mut own));
    assert_eq!(own.spec(), hour_spec());
    assert!(own.buckets().all(|(k, _)| (k - T0).rem_euclid(H) == H / 2));
}

#[test]
fn a_filter_on_a_symbol_not_seen_yet_matches_once_it_arrives() {
    let mut main = Engine::new(minute_spec());
    let (mut f, mut own) = (Follower::new(Some("DOGE".into())), Engine::new(hour_spec()));
    main.extend(trades(9, 100).iter().map(|x| &x.0));
    f.sync(&main, &mut own);
    assert_eq!(own.len(), 0);
    let doge = Trade {
        symbol: "DOGE".into(),
        ..trades(9, 1)[0].0.clone()
    };
    main.push(&doge);
    f.sync(&main, &mut own);
    assert_eq!(own.len(), 1);
    f.set_symbol(None);
    f.sync(&main, &mut own);
    assert_eq!(own.len(), 101);
}
