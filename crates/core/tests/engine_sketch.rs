//! Percentile and distinct-count metrics of the engine against exact answers computed here
//! (sorting and sets, no sketch), on messy trades: repeated prices, replayed trades, late
//! arrivals, shuffled order, trades without a customer. Percentiles must lie within the
//! DDSketch bound α|x| of the exact order statistic of rank ⌊q (n - 1)⌋ (plus an ulp-sized
//! slack), distinct counts within three HyperLogLog standard errors.

use std::collections::{BTreeMap, HashSet};

use fastrand::Rng;
use tradelens_core::engine::{
    Agg, BucketSize, Columns, DistinctOf, Engine, EngineSpec, GroupBy, Metric, SketchSpec,
};
use tradelens_core::model::{Dim, Field, Label, Side, Trade};
use tradelens_core::stats::sketch::{DistinctCount, QuantileSketch};
use tradelens_core::stats::tol::{TEST_HLL_SIGMAS, TEST_SKETCH_SLACK};

const HOUR: i64 = 3_600_000;
const BASE: i64 = 1_700_000_000_000 - 1_700_000_000_000 % HOUR;
const CUSTOMER: Field = Field::Dim(Dim::Customer);

/// The percentile metrics and their q, price then size.
const PRICE_PCTS: [(Metric, f64); 4] = [
    (Metric::PriceP50, 0.5),
    (Metric::PriceP90, 0.9),
    (Metric::PriceP95, 0.95),
    (Metric::PriceP99, 0.99),
];
const SIZE_PCTS: [(Metric, f64); 4] = [
    (Metric::SizeP50, 0.5),
    (Metric::SizeP90, 0.9),
    (Metric::SizeP95, 0.95),
    (Metric::SizeP99, 0.99),
];

/// Six hours of trades in three symbols, shuffled: prices in cents from a few levels (many
/// exact repeats), sizes heavy-tailed in thousandths, one trade in 8 late by up to two hours,
/// one in 20 replayed (same id, pushed twice: the engine does not dedup), customers drawn with
/// a skew from 3,000 (many repeat), one trade in 10 without a customer.
fn messy_trades(seed: u64, n: usize) -> Vec<Trade> {
    let mut rng = Rng::with_seed(seed);
    let symbols: Vec<Label> = ["AAA", "BBB", "CCC"].iter().map(|&s| s.into()).collect();
    let customers: Vec<Label> = (0..3_000).map(|k| format!("cust-{k}").into()).collect();
    let mut trades: Vec<Trade> = Vec::with_capacity(n + n / 20);
    for i in 0..n {
        let s = rng.usize(0..symbols.len());
        let level = [0.5, 20.0, 1_000.0][s];
        let price = if rng.usize(0..4) == 0 {
            level // a quarter of the trades at one price
        } else {
            (level * (1.0 + 0.2 * rng.f64()) * 100.0).round() / 100.0
        };
        let (u1, u2) = (1.0 - rng.f64(), rng.f64());
        let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
        let qty = ((1.5 * z).exp() * 1_000.0).round().max(1.0) / 1_000.0;
        let late = if rng.usize(0..8) == 0 {
            rng.i64(0..2 * HOUR)
        } else {
            0
        };
        let mut dims: [Option<Label>; 4] = Default::default();
        if rng.usize(0..10) != 0 {
            // Skewed: low customer numbers come back far more often.
            let upto = rng.usize(1..=customers.len());
            let k = rng.usize(0..upto);
            dims[Dim::Customer.index()] = Some(customers[k].clone());
        }
        let t = Trade {
            id: i as u64,
            time_ms: BASE + 2 * HOUR + (i as i64 * 6 * HOUR / n as i64) - late,
            price,
            qty,
            side: Some(if rng.bool() { Side::Buy } else { Side::Sell }),
            symbol: symbols[s].clone(),
            dims,
        };
        if rng.usize(0..20) == 0 {
            trades.push(t.clone());
        }
        trades.push(t);
    }
    rng.shuffle(&mut trades);
    trades
}

/// The exact q-quantile as the sketch defines it: the order statistic of rank ⌊q (n - 1)⌋.
fn exact_quantile(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v[(q * (v.len() - 1) as f64).floor() as usize]
}

fn assert_percentiles(agg: &Agg, members: &[&Trade], what: &str) {
    let prices: Vec<f64> = members.iter().map(|t| t.price).collect();
    let sizes: Vec<f64> = members.iter().map(|t| t.qty).collect();
    let alpha = QuantileSketch::DEFAULT_ALPHA * (1.0 + TEST_SKETCH_SLACK);
    for (values, pcts) in [(&prices, PRICE_PCTS), (&sizes, SIZE_PCTS)] {
        for (metric, q) in pcts {
            let exact = exact_quantile(values, q);
            let got = metric
                .of(agg)
                .unwrap_or_else(|| panic!("{what}: {metric} undefined"));
            assert!(
                (got - exact).abs() <= alpha * exact.abs(),
                "{what}: {metric} {got} vs exact {exact}"
            );
        }
    }
}

fn assert_distinct(got: Option<f64>, exact: usize, what: &str) {
    let got = got.unwrap_or_else(|| panic!("{what}: distinct undefined"));
    let se = DistinctCount::default().relative_standard_error();
    let exact = exact as f64;
    assert!(
        (got - exact).abs() <= TEST_HLL_SIGMAS * se * exact,
        "{what}: distinct {got} vs exact {exact}"
    );
}

fn customers(members: &[&Trade]) -> usize {
    members
        .iter()
        .filter_map(|t| t.field(CUSTOMER))
        .collect::<HashSet<_>>()
        .len()
}

fn ids(members: &[&Trade]) -> usize {
    members.iter().map(|t| t.id).collect::<HashSet<_>>().len()
}

fn spec(distinct: DistinctOf) -> EngineSpec {
    EngineSpec {
        bucket: BucketSize::H1,
        group_by: GroupBy::one(Field::Symbol),
        sketches: SketchSpec::all(distinct),
    }
}

/// The trades of each (hour, symbol), and of each hour (symbol `None`), by a plain loop.
fn cells(trades: &[Trade]) -> BTreeMap<(i64, Option<String>), Vec<&Trade>> {
    let mut cells: BTreeMap<(i64, Option<String>), Vec<&Trade>> = BTreeMap::new();
    for t in trades {
        let hour = t.time_ms - (t.time_ms - BASE).rem_euclid(HOUR);
        cells.entry((hour, None)).or_default().push(t);
        cells
            .entry((hour, Some(t.symbol.to_string())))
            .or_default()
            .push(t);
    }
    cells
}

/// The engine's aggregate for a cell of [`cells`].
fn engine_cell<'e>(e: &'e Engine, hour: i64, symbol: &Option<String>) -> &'e Agg {
    let (_, bucket) = e
        .buckets()
        .find(|(k, _)| *k == hour)
        .unwrap_or_else(|| panic!("no bucket at {hour}"));
    match symbol {
        None => &bucket.total,
        Some(s) => bucket
            .groups
            .iter()
            .find(|(key, _)| e.label(key[0]).is_some_and(|l| &**l == s))
            .map(|(_, a)| a)
            .unwrap_or_else(|| panic!("no group {s} at {hour}")),
    }
}

#[test]
fn percentiles_and_distinct_customers_are_within_the_stated_bounds() {
    let trades = messy_trades(1, 20_000);
    let mut engine = Engine::new(spec(DistinctOf::Field(CUSTOMER)));
    engine.extend(&trades);
    let cells = cells(&trades);
    assert!(cells.len() >= 24, "{} cells", cells.len());
    for ((hour, symbol), members) in &cells {
        let agg = engine_cell(&engine, *hour, symbol);
        let what = format!("{symbol:?} at {hour}");
        assert_eq!(agg.count(), members.len() as u64, "{what}");
        assert_percentiles(agg, members, &what);
        assert_distinct(Metric::Distinct.of(agg), customers(members), &what);
    }
    let all: Vec<&Trade> = trades.iter().collect();
    assert_percentiles(engine.total(), &all, "total");
    assert_distinct(engine.total().distinct(), customers(&all), "total");
    for (key, agg) in engine.top_groups(3) {
        let name = engine.label(key[0]).unwrap();
        let members: Vec<&Trade> = trades.iter().filter(|t| &t.symbol == name).collect();
        assert_percentiles(agg, &members, name);
        assert_distinct(agg.distinct(), customers(&members), name);
    }
}

#[test]
fn distinct_trade_ids_see_through_replayed_trades() {
    let trades = messy_trades(2, 20_000);
    let mut engine = Engine::new(spec(DistinctOf::TradeId));
    engine.extend(&trades);
    let all: Vec<&Trade> = trades.iter().collect();
    // About one trade in 20 was pushed twice: count and distinct ids differ by that much.
    let unique = ids(&all);
    assert!(unique < trades.len() - 500, "{unique} of {}", trades.len());
    assert_distinct(engine.total().distinct(), unique, "total");
    for ((hour, symbol), members) in &cells(&trades) {
        let agg = engine_cell(&engine, *hour, symbol);
        assert_distinct(
            agg.distinct(),
            ids(members),
            &format!("{symbol:?} at {hour}"),
        );
    }
}

#[test]
fn sketches_of_two_halves_merged_equal_the_sketch_of_the_whole() {
    let trades = messy_trades(3, 20_000);
    let (first, second) = trades.split_at(trades.len() / 2);
    let sketches = SketchSpec::all(DistinctOf::Field(CUSTOMER));
    let fold = |ts: &[Trade]| {
        let mut a = Agg::with_sketches(sketches);
        for t in ts {
            a.push(t.time_ms, t.id, t.price, t.qty, t.side);
            if let Some(c) = t.field(CUSTOMER) {
                a.push_distinct(DistinctCount::hash_of(&**c));
            }
        }
        a
    };
    let whole = fold(&trades);
    for (mut a, b) in [(fold(first), fold(second)), (fold(second), fold(first))] {
        a.merge(&b);
        for (metric, _) in PRICE_PCTS.iter().chain(&SIZE_PCTS) {
            assert_eq!(metric.of(&a), metric.of(&whole), "{metric}");
        }
        assert_eq!(a.distinct(), whole.distinct());
    }
    let all: Vec<&Trade> = trades.iter().collect();
    assert_percentiles(&whole, &all, "whole");
    assert_distinct(whole.distinct(), customers(&all), "whole");

    // The same through two engines: their bucket totals merge into the whole engine's, because
    // a distinct count keys a label by its text's hash, not by the engine's own label ids.
    let engine = |ts: &[Trade]| {
        let mut e = Engine::new(spec(DistinctOf::Field(CUSTOMER)));
        e.extend(ts);
        e
    };
    let (left, right, both) = (engine(first), engine(second), engine(&trades));
    for (hour, bucket) in both.buckets() {
        let mut merged = Agg::default();
        for half in [&left, &right] {
            if let Some((_, b)) = half.buckets().find(|(k, _)| *k == hour) {
                merged.merge(&b.total);
            }
        }
        for (metric, _) in PRICE_PCTS.iter().chain(&SIZE_PCTS) {
            assert_eq!(
                metric.of(&merged),
                metric.of(&bucket.total),
                "{metric} at {hour}"
            );
        }
        assert_eq!(merged.distinct(), bucket.total.distinct(), "at {hour}");
    }
}

#[test]
fn sketch_metrics_are_undefined_unless_kept_and_appear_when_the_spec_asks() {
    let trades = messy_trades(4, 3_000);
    let mut engine = Engine::new(EngineSpec {
        sketches: SketchSpec::NONE,
        ..spec(DistinctOf::TradeId)
    });
    engine.extend(&trades);
    for m in [Metric::PriceP50, Metric::SizeP99, Metric::Distinct] {
        assert_eq!(m.of(engine.total()), None, "{m}");
        assert!(!engine.spec().sketches.provides(m));
    }
    assert!(engine.spec().sketches.provides(Metric::Vwap));
    // Only the size sketch: prices stay undefined, sizes come from the stored trades.
    let sizes_only =
        SketchSpec::for_metrics(&[Metric::Count, Metric::SizeP90], DistinctOf::TradeId);
    assert_eq!(
        sizes_only,
        SketchSpec {
            price: false,
            size: true,
            distinct: None
        }
    );
    engine.set_spec(EngineSpec {
        sketches: sizes_only,
        ..engine.spec()
    });
    assert_eq!(Metric::PriceP50.of(engine.total()), None);
    let sizes: Vec<f64> = trades.iter().map(|t| t.qty).collect();
    let exact = exact_quantile(&sizes, 0.9);
    let got = Metric::SizeP90.of(engine.total()).unwrap();
    assert!((got - exact).abs() <= 0.01 * (1.0 + TEST_SKETCH_SLACK) * exact);
    // A series by name: one p90 per hour, as the fresh engine computes it.
    let mut fresh = Engine::new(engine.spec());
    fresh.extend(&trades);
    let series = engine.series(Metric::SizeP90, None, i64::MIN);
    assert!(series.len() >= 6);
    assert_eq!(series, fresh.series(Metric::SizeP90, None, i64::MIN));
    // Names round-trip, for URLs, exports and --metrics.
    for m in Metric::ALL {
        assert_eq!(Metric::from_name(m.name()), Some(m));
    }
    assert_eq!(Metric::from_name("price_p95"), Some(Metric::PriceP95));
}

#[test]
fn batches_keep_the_same_sketches_as_trades_pushed_one_by_one() {
    let trades = messy_trades(5, 6_000);
    let labels: Vec<Label> = ["AAA", "BBB", "CCC"].iter().map(|&s| s.into()).collect();
    let symbol: Vec<u32> = trades
        .iter()
        .map(|t| labels.iter().position(|l| *l == t.symbol).unwrap() as u32)
        .collect();
    let (id, time_ms, price, qty, side): (Vec<u64>, Vec<i64>, Vec<f64>, Vec<f64>, Vec<_>) = (
        trades.iter().map(|t| t.id).collect(),
        trades.iter().map(|t| t.time_ms).collect(),
        trades.iter().map(|t| t.price).collect(),
        trades.iter().map(|t| t.qty).collect(),
        trades.iter().map(|t| t.side).collect(),
    );
    for distinct in [DistinctOf::TradeId, DistinctOf::Field(Field::Symbol)] {
        let mut one = Engine::new(spec(distinct));
        one.extend(&trades);
        let mut batch = Engine::new(spec(distinct));
        for range in [0..1_000, 1_000..1_001, 1_001..trades.len()] {
            batch
                .extend_columns(Columns {
                    id: &id[range.clone()],
                    time_ms: &time_ms[range.clone()],
                    price: &price[range.clone()],
                    qty: &qty[range.clone()],
                    side: &side[range.clone()],
                    symbol: &symbol[range.clone()],
                    labels: &labels,
                })
                .unwrap();
        }
        let sketched = PRICE_PCTS
            .iter()
            .chain(&SIZE_PCTS)
            .map(|(m, _)| *m)
            .chain([Metric::Distinct]);
        for m in sketched {
            assert_eq!(m.of(one.total()), m.of(batch.total()), "{m} total");
            assert_eq!(
                one.series(m, None, i64::MIN),
                batch.series(m, None, i64::MIN),
                "{m} per bucket"
            );
        }
        let all: Vec<&Trade> = trades.iter().collect();
        let exact = match distinct {
            DistinctOf::TradeId => ids(&all),
            DistinctOf::Field(_) => labels.len(),
        };
        assert_distinct(batch.total().distinct(), exact, "batch total");
    }
}
