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

/// Regression: a late trade into a closed bucket inside the window left the slope stale, as
/// the trend refitted only when a bucket closed.
#[test]
fn a_late_trade_in_the_window_refits_once_to_the_closed_form() {
    let mut e = minute_engine();
    let mut trend = RollingTrend::new();
    for i in 0..30 {
        e.push(&trade(i as u64 + 1, T0 + i * MIN, volume(i)));
    }
    trend.update(&e, Metric::Volume, 12);
    let (refits, resets) = (trend.refits(), trend.resets());
    let before = trend.latest().unwrap().clone();
    let fits = trend.history().len();
    // Three late trades in one tick: two in closed minutes of the window (17..=28), one in a
    // minute before it.
    e.push(&trade(101, T0 + 20 * MIN + 7, 5.0));
    e.push(&trade(102, T0 + 25 * MIN + 9, 2.5));
    e.push(&trade(103, T0 + 3 * MIN, 9.0));
    assert!(trend.update(&e, Metric::Volume, 12));
    assert_eq!((trend.refits(), trend.resets()), (refits + 1, resets));
    let mut want: Vec<f64> = (17..29).map(volume).collect();
    want[20 - 17] += 5.0;
    want[25 - 17] += 2.5;
    let got = trend.latest().unwrap();
    assert_ne!(got.slope, before.slope);
    assert!((got.slope - slope(&want)).abs() <= TEST_LAW * slope(&want).abs());
    // The fit replaced the latest point: same newest bucket, as many points as before.
    assert_eq!(got.bucket_ms, before.bucket_ms);
    assert_eq!(trend.history().len(), fits);
    // The same as fitting afresh.
    let mut fresh = RollingTrend::new();
    fresh.update(&e, Metric::Volume, 12);
    assert_eq!(fresh.latest(), trend.latest());
    // A late trade before the window changes nothing and fits nothing.
    e.push(&trade(104, T0 + 2 * MIN, 1.0));
    assert!(!trend.update(&e, Metric::Volume, 12));
    assert_eq!(trend.refits(), refits + 1);
    // Nor does a tick with no trade at all.
    assert!(!trend.update(&e, Metric::Volume, 12));
}

/// A late trade can give a value to a bucket that had none (a price metric over a minute
/// without trades): the bucket joins the window, pushing its oldest row out.
#[test]
fn a_late_trade_in_an_empty_minute_adds_a_row() {
    let mut e = minute_engine();
    let price = |i: i64| 100.0 + 0.25 * (i * i % 7) as f64;
    for i in (0..30).filter(|&i| i != 25) {
        e.push(&Trade {
            price: price(i),
            ..trade(i as u64 + 1, T0 + i * MIN, 1.0)
        });
    }
    let mut trend = RollingTrend::new();
    trend.update(&e, Metric::High, 6);
    // Minute 25 has no high and 29 is open: the window holds 22, 23, 24, 26, 27, 28.
    e.push(&Trade {
        price: 97.0,
        ..trade(200, T0 + 25 * MIN + 1, 1.0)
    });
    assert!(trend.update(&e, Metric::High, 6));
    // Now 23..=28, x being the minute (the trend counts buckets from the first).
    let x: Vec<f64> = (23..29).map(|i| i as f64).collect();
    let y: Vec<f64> = (23..29)
        .map(|i| if i == 25 { 97.0 } else { price(i) })
        .collect();
    // Slope by Sxy / Sxx about the means.
    let (mx, my) = (mean(&x), mean(&y));
    let sxy: f64 = x.iter().zip(&y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let got = trend.latest().unwrap();
    assert_eq!(got.n, 6);
    assert!((got.slope - sxy / sxx).abs() <= TEST_LAW * (sxy / sxx).abs());
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}
