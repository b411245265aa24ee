//! The engine's buckets as columns: pairing, even spacing and per-product demand.

use std::sync::Arc;

use tradelens_core::demo::{DemoConfig, DemoFeed, DemoMode};
use tradelens_core::engine::measure::{
    demand_points, paired, product_elasticities, revenue_series, Measure,
};
use tradelens_core::engine::{BucketSize, Engine, EngineSpec, GroupBy, SketchSpec};
use tradelens_core::model::{Dim, Field, Trade};

/// A whole minute (28 333 333 · 60 000), so minute buckets start at T0.
const T0: i64 = 1_699_999_980_000;
const MIN: i64 = 60_000;

fn trade(id: u64, time_ms: i64, price: f64, qty: f64, symbol: &str) -> Trade {
    Trade {
        id,
        time_ms,
        price,
        qty,
        side: None,
        symbol: Arc::from(symbol),
        dims: [None, None, None, None],
    }
}

fn minute_engine(trades: &[Trade]) -> Engine {
    let mut e = Engine::new(EngineSpec {
        bucket: BucketSize::M1,
        group_by: GroupBy::NONE,
        sketches: SketchSpec::NONE,
    });
    e.extend(trades);
    e
}

#[test]
fn paired_columns_follow_the_buckets() {
    // Two trades in minute 0 (revenue 2·3 + 4·1 = 10), one in minute 2 (revenue 5).
    let e = minute_engine(&[
        trade(1, T0, 2.0, 3.0, "a"),
        trade(2, T0 + 10, 4.0, 1.0, "b"),
        trade(3, T0 + 2 * MIN, 5.0, 1.0, "a"),
    ]);
    let (x, y) = paired(&e, Measure::Time, Measure::Revenue);
    assert_eq!(x, vec![T0 as f64, (T0 + 2 * MIN) as f64]);
    assert_eq!(y, vec![10.0, 5.0]);
    let (vwap, count) = paired(&e, Measure::Vwap, Measure::Count);
    assert_eq!(vwap, vec![2.5, 5.0]);
    assert_eq!(count, vec![2.0, 1.0]);
    let (mean, _) = paired(&e, Measure::MeanValue, Measure::Volume);
    assert_eq!(mean, vec![5.0, 5.0]);
}

#[test]
fn a_zero_volume_bucket_leaves_both_columns() {
    // VWAP is undefined without volume: the bucket goes, in x and y alike.
    let e = minute_engine(&[
        trade(1, T0, 2.0, 0.0, "a"),
        trade(2, T0 + MIN, 3.0, 1.0, "a"),
    ]);
    let (x, y) = paired(&e, Measure::Vwap, Measure::Time);
    assert_eq!((x.len(), y.len()), (1, 1));
    assert_eq!(y, vec![(T0 + MIN) as f64]);
}

#[test]
fn measure_names_round_trip() {
    for m in Measure::ALL {
        assert_eq!(Measure::from_name(m.name()), Some(m));
    }
    assert_eq!(Measure::from_name("nope"), None);
}

#[test]
fn revenue_series_fills_empty_buckets_with_zero_and_keeps_the_last() {
    let e = minute_engine(&[
        trade(1, T0, 2.0, 1.0, "a"),
        trade(2, T0 + 3 * MIN, 4.0, 1.0, "a"),
    ]);
    let s = revenue_series(&e, 100).unwrap();
    assert_eq!(s.values, vec![2.0, 0.0, 0.0, 4.0]);
    assert_eq!(s.step_ms, MIN);
    assert_eq!(s.times[3] - s.times[0], 3 * MIN);
    let tail = revenue_series(&e, 2).unwrap();
    assert_eq!(tail.values, vec![0.0, 4.0]);
    assert_eq!(tail.start_ms, s.times[2]);
    assert!(revenue_series(&minute_engine(&[]), 10).is_none());
}

fn with_category(mut t: Trade, category: &str) -> Trade {
    t.dims[Dim::Category.index()] = Some(Arc::from(category));
    t
}

#[test]
fn demand_points_match_a_plain_loop_whatever_the_group_by() {
    let trades = [
        with_category(trade(1, T0, 2.0, 3.0, "a"), "x"),
        with_category(trade(2, T0 + 1, 4.0, 1.0, "a"), "x"),
        with_category(trade(3, T0 + 2, 5.0, 2.0, "b"), "x"),
        with_category(trade(4, T0 + 3, 7.0, 5.0, "c"), "y"),
        with_category(trade(5, T0 + MIN, 1.0, 1.0, "a"), "x"),
        with_category(trade(6, T0 + MIN, 1.0, 2.0, "c"), "y"),
    ];
    for group_by in [
        GroupBy::NONE,
        GroupBy::one(Field::Dim(Dim::Region)),
        GroupBy::two(Field::Dim(Dim::Category), Field::Symbol),
    ] {
        let mut e = minute_engine(&trades);
        e.set_spec(EngineSpec {
            bucket: BucketSize::M1,
            group_by,
            sketches: SketchSpec::NONE,
        });
        let mut got: Vec<(String, i64, f64, f64, f64)> = demand_points(&e)
            .iter()
            .map(|p| {
                let name = e.label(p.product).unwrap().to_string();
                (name, p.bucket_ms - T0, p.price, p.units, p.traffic)
            })
            .collect();
        got.sort_by(|a, b| a.partial_cmp(b).unwrap());
        // Minute 0: a sold 4 units for 10 (2.5 a unit), b 2 at 5, c 5 at 7. Traffic of a and b
        // (category x) is c's 5 units; c's is x's 6. Minute 1: a 1 at 1 (traffic 2), c 2 at 1
        // (traffic 1).
        assert_eq!(
            got,
            vec![
                ("a".to_owned(), 0, 2.5, 4.0, 5.0),
                ("a".to_owned(), MIN, 1.0, 1.0, 2.0),
                ("b".to_owned(), 0, 5.0, 2.0, 5.0),
                ("c".to_owned(), 0, 7.0, 5.0, 6.0),
                ("c".to_owned(), MIN, 1.0, 2.0, 1.0),
            ],
            "group by {group_by:?}"
        );
    }
}

#[test]
fn products_without_a_category_count_every_other_product_as_traffic() {
    let e = minute_engine(&[trade(1, T0, 2.0, 3.0, "a"), trade(2, T0 + 1, 4.0, 1.0, "b")]);
    let traffic: Vec<f64> = demand_points(&e).iter().map(|p| p.traffic).collect();
    assert_eq!(traffic, vec![1.0, 3.0]);
}

#[test]
fn demo_elasticity_of_the_t_shirt_is_recovered() {
    // The day the app's browser tests replay (NOW - 24 h .. NOW), in 15-minute buckets. The
    // true elasticity of the Organic T-shirt is -1.8 (demo catalogue). Without the traffic
    // control the slope is about -4: the day's apparel promotion fell in busy hours.
    const NOW: i64 = 1_764_000_000_000;
    let start = NOW - 24 * 3_600_000;
    let mut feed = DemoFeed::new(DemoConfig::default_for(DemoMode::Orders), start);
    let mut e = Engine::new(EngineSpec {
        bucket: BucketSize::M15,
        group_by: GroupBy::NONE,
        sketches: SketchSpec::NONE,
    });
    e.extend(&feed.generate_until(NOW));
    let all = product_elasticities(&e, 0.95);
    assert_eq!(all.len(), 12);
    let shirt = all
        .iter()
        .find(|p| &*p.product == "Organic T-shirt")
        .unwrap();
    let fit = shirt.fit.as_ref().unwrap();
    assert!(fit.interval.contains(-1.8), "{fit:?}");
    assert!(fit.n >= 90, "{fit:?}");
}
