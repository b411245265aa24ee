//! The engine against an independent computation: a plain loop over the same trades, written
//! here without the engine's types, over messy input arriving out of order.

use fastrand::Rng;
use tradelens_core::engine::{Agg, BucketSize, Engine, EngineSpec, GroupBy, SketchSpec, NO_LABEL};
use tradelens_core::model::{Dim, Field, Label, Side, Trade};

/// Relative tolerance for sums of up to a few thousand terms of mixed magnitude: the reference
/// is a plain left-to-right sum in time order, whose error bound is n * eps * sum|x|; for the
/// sizes here that stays below 1e-11 of the total.
const REL_TOL: f64 = 1e-11;

fn close_enough(a: f64, b: f64) -> bool {
    (a - b).abs() <= REL_TOL * a.abs().max(b.abs()).max(1.0)
}

/// Messy trades: prices over six orders of magnitude, tiny and huge quantities, duplicate
/// timestamps, some without a category or a region.
fn messy_trades(seed: u64, n: usize) -> Vec<Trade> {
    let mut rng = Rng::with_seed(seed);
    let symbols: Vec<Label> = ["A", "B", "C"].iter().map(|&s| s.into()).collect();
    let cats: Vec<Label> = ["x", "y"].iter().map(|&s| s.into()).collect();
    let regions: Vec<Label> = ["eu", "us", "asia"].iter().map(|&s| s.into()).collect();
    let base = 1_700_000_000_000i64;
    (0..n)
        .map(|i| {
            let mut dims: [Option<Label>; 4] = Default::default();
            if rng.usize(0..5) != 0 {
                dims[Dim::Category.index()] = Some(cats[rng.usize(0..2)].clone());
            }
            if rng.usize(0..7) != 0 {
                dims[Dim::Region.index()] = Some(regions[rng.usize(0..3)].clone());
            }
            Trade {
                id: i as u64,
                // Many trades share a millisecond: ties are broken by id.
                time_ms: base + rng.i64(0..600) * 250,
                price: 10f64.powf(rng.f64() * 6.0 - 2.0),
                qty: 10f64.powf(rng.f64() * 8.0 - 4.0),
                side: if rng.bool() {
                    Some(Side::Buy)
                } else {
                    Some(Side::Sell)
                },
                symbol: symbols[rng.usize(0..3)].clone(),
                dims,
            }
        })
        .collect()
}

/// What the reference computes for one (bucket, group).
#[derive(Debug)]
struct Expected {
    count: u64,
    volume: f64,
    notional: f64,
    open: f64,
    close: f64,
    high: f64,
    low: f64,
    buy: f64,
    sell: f64,
    mean: f64,
    /// Sample standard deviation by the two-pass formula.
    std: Option<f64>,
}

/// A group as text: one entry per grouped field, `None` where the trade lacks it.
type Names = Vec<Option<String>>;

fn names_of(t: &Trade, fields: &[Field]) -> Names {
    fields
        .iter()
        .map(|&f| t.field(f).map(|l| l.to_string()))
        .collect()
}

fn reference(trades: &[Trade], width_ms: i64, fields: &[Field]) -> Vec<((i64, Names), Expected)> {
    let mut sorted: Vec<&Trade> = trades.iter().collect();
    sorted.sort_by_key(|t| (t.time_ms, t.id));
    let mut keys: Vec<(i64, Names)> = Vec::new();
    for t in &sorted {
        // Times here are positive, so integer division rounds down.
        let key = ((t.time_ms / width_ms) * width_ms, names_of(t, fields));
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys.into_iter()
        .map(|key| {
            let members: Vec<&&Trade> = sorted
                .iter()
                .filter(|t| {
                    (t.time_ms / width_ms) * width_ms == key.0 && names_of(t, fields) == key.1
                })
                .collect();
            let e = Expected {
                count: members.len() as u64,
                volume: members.iter().map(|t| t.qty).sum(),
                notional: members.iter().map(|t| t.price * t.qty).sum(),
                open: members.first().map(|t| t.price).unwrap(),
                close: members.last().map(|t| t.price).unwrap(),
                high: members.iter().map(|t| t.price).fold(f64::MIN, f64::max),
                low: members.iter().map(|t| t.price).fold(f64::MAX, f64::min),
                buy: members
                    .iter()
                    .filter(|t| t.side == Some(Side::Buy))
                    .map(|t| t.qty)
                    .sum(),
                sell: members
                    .iter()
                    .filter(|t| t.side == Some(Side::Sell))
                    .map(|t| t.qty)
                    .sum(),
                mean: members.iter().map(|t| t.price).sum::<f64>() / members.len() as f64,
                std: None,
            };
            let n = members.len() as f64;
            let e = Expected {
                std: (members.len() > 1).then(|| {
                    (members
                        .iter()
                        .map(|t| (t.price - e.mean).powi(2))
                        .sum::<f64>()
                        / (n - 1.0))
                        .sqrt()
                }),
                ..e
            };
            (key, e)
        })
        .collect()
}

fn assert_matches(agg: &Agg, e: &Expected, what: &str) {
    assert_eq!(agg.count(), e.count, "{what}: count");
    assert!(
        close_enough(agg.volume(), e.volume),
        "{what}: volume {} vs {}",
        agg.volume(),
        e.volume
    );
    assert!(
        close_enough(agg.notional(), e.notional),
        "{what}: notional {} vs {}",
        agg.notional(),
        e.notional
    );
    assert!(
        close_enough(agg.vwap().unwrap(), e.notional / e.volume),
        "{what}: vwap {:?} vs {}",
        agg.vwap(),
        e.notional / e.volume
    );
    assert_eq!(agg.open(), Some(e.open), "{what}: open");
    assert_eq!(agg.close(), Some(e.close), "{what}: close");
    assert_eq!(agg.high(), Some(e.high), "{what}: high");
    assert_eq!(agg.low(), Some(e.low), "{what}: low");
    assert!(close_enough(agg.buy_volume(), e.buy), "{what}: buy volume");
    assert!(
        close_enough(agg.sell_volume(), e.sell),
        "{what}: sell volume"
    );
    assert!(
        close_enough(agg.mean_price().unwrap(), e.mean),
        "{what}: mean"
    );
    match (agg.std_price(), e.std) {
        // Prices span six orders of magnitude: the std agrees to the sum tolerance.
        (Some(a), Some(b)) => assert!(close_enough(a, b), "{what}: std {a} vs {b}"),
        (a, b) => assert_eq!(a.is_some(), b.is_some(), "{what}: std defined"),
    }
    let imbalance = (e.buy - e.sell) / (e.buy + e.sell);
    assert!(
        close_enough(agg.imbalance().unwrap(), imbalance),
        "{what}: imbalance"
    );
}

fn check(engine: &Engine, trades: &[Trade]) {
    let spec = engine.spec();
    let fields: Vec<Field> = spec.group_by.fields().collect();
    let expected = reference(trades, spec.bucket.millis(), &fields);
    let engine_buckets: Vec<i64> = engine.buckets().map(|(k, _)| k).collect();
    let mut expected_buckets: Vec<i64> = expected.iter().map(|((b, _), _)| *b).collect();
    expected_buckets.dedup();
    expected_buckets.sort_unstable();
    expected_buckets.dedup();
    assert_eq!(engine_buckets, expected_buckets, "bucket starts");
    for ((start, group), e) in &expected {
        let (_, bucket) = engine.buckets().find(|(k, _)| k == start).unwrap();
        if fields.is_empty() {
            assert_matches(&bucket.total, e, &format!("bucket {start}"));
            assert!(bucket.groups.is_empty(), "no groups without a group-by");
            continue;
        }
        let (key, agg) = bucket
            .groups
            .iter()
            .find(|(key, _)| {
                let names: Names = engine
                    .group_labels(*key)
                    .into_iter()
                    .map(|l| l.map(|l| l.to_string()))
                    .collect();
                names == *group
            })
            .unwrap_or_else(|| panic!("bucket {start} lacks group {group:?}"));
        for (i, name) in group.iter().enumerate() {
            assert_eq!(key[i] == NO_LABEL, name.is_none(), "{group:?}: key {key:?}");
        }
        assert_matches(agg, e, &format!("bucket {start} group {group:?}"));
    }
    // No group beyond those the reference found.
    let groups: usize = engine.buckets().map(|(_, b)| b.groups.len()).sum();
    let expected_groups = if fields.is_empty() { 0 } else { expected.len() };
    assert_eq!(groups, expected_groups, "number of (bucket, group) cells");
}

/// Every group-by the engine takes: none, one field, and pairs of fields.
fn group_bys() -> [GroupBy; 5] {
    let (category, region) = (Field::Dim(Dim::Category), Field::Dim(Dim::Region));
    [
        GroupBy::NONE,
        GroupBy::one(Field::Symbol),
        GroupBy::one(category),
        GroupBy::two(Field::Symbol, region),
        GroupBy::two(category, region),
    ]
}

#[test]
fn matches_a_plain_loop_for_every_bucket_size_and_group_by() {
    let trades = messy_trades(1, 3_000);
    for bucket in [
        BucketSize::S1,
        BucketSize::S15,
        BucketSize::M1,
        BucketSize::H1,
    ] {
        for group_by in group_bys() {
            let mut engine = Engine::new(EngineSpec {
                bucket,
                group_by,
                sketches: SketchSpec::NONE,
            });
            engine.extend(&trades);
            check(&engine, &trades);
        }
    }
}

#[test]
fn out_of_order_arrival_gives_the_same_aggregates() {
    let trades = messy_trades(2, 2_000);
    let mut shuffled = trades.clone();
    Rng::with_seed(99).shuffle(&mut shuffled);
    for group_by in group_bys() {
        let mut engine = Engine::new(EngineSpec {
            bucket: BucketSize::M1,
            group_by,
            sketches: SketchSpec::NONE,
        });
        engine.extend(&shuffled);
        check(&engine, &trades);
    }
    let mut engine = Engine::new(EngineSpec {
        bucket: BucketSize::M1,
        group_by: GroupBy::one(Field::Symbol),
        sketches: SketchSpec::NONE,
    });
    engine.extend(&shuffled);
    // The totals also agree with a plain sum.
    let notional: f64 = trades.iter().map(|t| t.price * t.qty).sum();
    assert!(close_enough(engine.total().notional(), notional));
}

#[test]
fn changing_the_spec_recomputes_from_stored_trades() {
    let trades = messy_trades(3, 1_500);
    let mut engine = Engine::new(EngineSpec {
        bucket: BucketSize::S1,
        group_by: GroupBy::NONE,
        sketches: SketchSpec::NONE,
    });
    engine.extend(&trades);
    // None -> one field -> a pair -> the other pair -> none, each from the stored trades.
    for group_by in group_bys().into_iter().skip(1).chain([GroupBy::NONE]) {
        engine.set_spec(EngineSpec {
            bucket: BucketSize::M5,
            group_by,
            sketches: SketchSpec::NONE,
        });
        check(&engine, &trades);
    }
}

#[test]
fn top_groups_rank_by_notional() {
    let trades = messy_trades(4, 1_000);
    let mut engine = Engine::new(EngineSpec {
        bucket: BucketSize::M1,
        group_by: GroupBy::one(Field::Symbol),
        sketches: SketchSpec::NONE,
    });
    engine.extend(&trades);
    let top = engine.top_groups(3);
    assert_eq!(top.len(), 3);
    for (key, agg) in &top {
        let name = engine.label(key[0]).unwrap();
        let expected: f64 = trades
            .iter()
            .filter(|t| &t.symbol == name)
            .map(|t| t.price * t.qty)
            .sum();
        assert!(close_enough(agg.notional(), expected));
    }
    assert!(top
        .windows(2)
        .all(|w| w[0].1.notional() >= w[1].1.notional()));
}

#[test]
fn top_pairs_rank_by_notional_and_series_follow_one_pair() {
    use tradelens_core::engine::Metric;
    let trades = messy_trades(7, 2_000);
    let region = Field::Dim(Dim::Region);
    let mut engine = Engine::new(EngineSpec {
        bucket: BucketSize::M1,
        group_by: GroupBy::two(Field::Symbol, region),
        sketches: SketchSpec::NONE,
    });
    engine.extend(&trades);
    // 3 symbols x (3 regions + none) = 12 pairs, all present in 2,000 trades.
    let top = engine.top_groups(100);
    assert_eq!(top.len(), 12);
    assert!(top
        .windows(2)
        .all(|w| w[0].1.notional() >= w[1].1.notional()));
    for (key, agg) in &top {
        let labels = engine.group_labels(*key);
        assert_eq!(labels.len(), 2);
        let of_pair: Vec<&Trade> = trades
            .iter()
            .filter(|t| Some(&t.symbol) == labels[0] && t.field(region) == labels[1])
            .collect();
        assert_eq!(agg.count(), of_pair.len() as u64, "{labels:?}");
        let notional: f64 = of_pair.iter().map(|t| t.price * t.qty).sum();
        assert!(close_enough(agg.notional(), notional), "{labels:?}");
        // The pair's series over the buckets counts the same trades.
        let counted: f64 = engine
            .series(Metric::Count, Some(*key), i64::MIN)
            .into_iter()
            .map(|(_, v)| v.unwrap_or(0.0))
            .sum();
        assert_eq!(counted, of_pair.len() as f64, "{labels:?}");
    }
    let (best, _) = top[0];
    let name = engine.group_name(best, "(none)");
    assert_eq!(name.split(" · ").count(), 2, "{name}");
}

#[test]
fn rate_counts_the_trades_of_the_last_seconds() {
    let mut engine = Engine::default();
    let mut trades = messy_trades(5, 100);
    // 30 trades in second 10, 20 in second 11, 50 far earlier; the rate over the two seconds
    // ending at 11.5 s is (30 + 20) / 2 = 25 per second.
    for (i, t) in trades.iter_mut().enumerate() {
        t.time_ms = match i {
            0..30 => 10_000 + i as i64,
            30..50 => 11_000 + i as i64,
            _ => 1_000,
        };
    }
    engine.extend(&trades);
    assert_eq!(engine.rate_per_second(11_500, 2), 25.0);
    assert_eq!(engine.rate_per_second(11_500, 1), 20.0);
}

#[test]
fn series_fill_empty_buckets_with_zero_for_sums_and_none_for_prices() {
    use tradelens_core::engine::Metric;
    // Trades in minutes 0 and 2 only: minute 1 is an empty bucket.
    let mut trades = messy_trades(6, 3);
    for (i, t) in trades.iter_mut().enumerate() {
        t.time_ms = 1_700_000_040_000 + i as i64 * 60_000;
    }
    trades.remove(1);
    let mut engine = Engine::new(EngineSpec {
        bucket: BucketSize::M1,
        group_by: GroupBy::NONE,
        sketches: SketchSpec::NONE,
    });
    engine.extend(&trades);
    let counts: Vec<Option<f64>> = engine
        .series(Metric::Count, None, 0)
        .into_iter()
        .map(|p| p.1)
        .collect();
    assert_eq!(counts, vec![Some(1.0), Some(0.0), Some(1.0)]);
    let closes: Vec<Option<f64>> = engine
        .series(Metric::Close, None, 0)
        .into_iter()
        .map(|p| p.1)
        .collect();
    assert_eq!(
        closes,
        vec![Some(trades[0].price), None, Some(trades[1].price)]
    );
}
