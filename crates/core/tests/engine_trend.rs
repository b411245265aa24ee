//! The rolling trend over closed buckets: refitted only when a bucket closes, and the same
//! whether fed one bucket at a time or computed afresh.

use std::sync::Arc;

use tradelens_core::engine::trend::RollingTrend;
use tradelens_core::engine::{BucketSize, Engine, EngineSpec, GroupBy, Metric, SketchSpec};
use tradelens_core::model::Trade;
use tradelens_core::stats::tol::TEST_LAW;

/// A whole minute (28 333 333 · 60 000), so minute buckets start at T0.
const T0: i64 = 1_699_999_980_000;
const MIN: i64 = 60_000;

fn trade(id: u64, time_ms: i64, qty: f64) -> Trade {
    Trade {
        id,
        time_ms,
        price: 2.0,
        qty,
        side: None,
        symbol: Arc::from("X"),
        dims: [None, None, None, None],
    }
}

fn minute_engine() -> Engine {
    Engine::new(EngineSpec {
        bucket: BucketSize::M1,
        group_by: GroupBy::NONE,
        sketches: SketchSpec::NONE,
    })
}

/// Volume of minute i: a line 3 + 0.5 i plus a wiggle, so R² is below 1.
fn volume(i: i64) -> f64 {
    3.0 + 0.5 * i as f64 + [0.4, -0.3, 0.1, -0.2][(i % 4) as usize]
}

/// Slope of y on 0, 1, 2, ... by the closed form Sxy / Sxx about the means.
fn slope(y: &[f64]) -> f64 {
    let n = y.len() as f64;
    let mx = (n - 1.0) / 2.0;
    let my = y.iter().sum::<f64>() / n;
    let sxy: f64 = y
        .iter()
        .enumerate()
        .map(|(i, v)| (i as f64 - mx) * (v - my))
        .sum();
    let sxx: f64 = (0..y.len()).map(|i| (i as f64 - mx).powi(2)).sum();
    sxy / sxx
}

#[test]
fn refits_only_when_a_bucket_closes_and_matches_the_closed_form() {
    let mut e = minute_engine();
    let mut trend = RollingTrend::new();
    let mut id = 0;
    for i in 0..30 {
        id += 1;
        e.push(&trade(id, T0 + i * MIN, volume(i)));
    }
    assert!(trend.update(&e, Metric::Volume, 12));
    let refits = trend.refits();
    // Minute 29 is open: the fit covers minutes 17..=28.
    let want: Vec<f64> = (17..29).map(volume).collect();
    let got = trend.latest().unwrap();
    assert_eq!(got.n, 12);
    assert_eq!(got.bucket_ms, T0 + 28 * MIN);
    assert!((got.slope - slope(&want)).abs() <= TEST_LAW * slope(&want).abs());
    // More trades in the open minute: nothing closes, nothing is refitted.
    id += 1;
    e.push(&trade(id, T0 + 29 * MIN + 500, 1.0));
    assert!(!trend.update(&e, Metric::Volume, 12));
    assert_eq!(trend.refits(), refits);
    // Minute 30 opens: minute 29 (with its extra unit) closes and is fitted once.
    id += 1;
    e.push(&trade(id, T0 + 30 * MIN, 1.0));
    assert!(trend.update(&e, Metric::Volume, 12));
    assert_eq!(trend.refits(), refits + 1);
    let mut want: Vec<f64> = (18..29).map(volume).collect();
    want.push(volume(29) + 1.0);
    let got = trend.latest().unwrap();
    assert!((got.slope - slope(&want)).abs() <= TEST_LAW * slope(&want).abs());
    // Fed bucket by bucket == computed afresh.
    let mut fresh = RollingTrend::new();
    fresh.update(&e, Metric::Volume, 12);
    assert_eq!(fresh.latest(), trend.latest());
    assert_eq!(trend.resets(), 1);
    // A different window starts over.
    trend.update(&e, Metric::Volume, 24);
    assert_eq!(trend.resets(), 2);
    assert_eq!(trend.latest().unwrap().n, 24);
}

#[test]
fn a_window_too_small_is_an_error_not_a_panic() {
    let mut e = minute_engine();
    e.push(&trade(1, T0, 1.0));
    e.push(&trade(2, T0 + MIN, 1.0));
    let mut trend = RollingTrend::new();
    trend.update(&e, Metric::Volume, 2);
    assert!(trend.latest().is_none());
    assert!(trend.error().is_some());
}
