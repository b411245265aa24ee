//! Quantile and distinct-count sketches: merge equals a single pass, and the stated error
//! bounds hold against exact answers computed here.

use tradelens_core::stats::sketch::{DistinctCount, QuantileSketch, SketchError};
use tradelens_core::stats::tol::{TEST_HLL_SIGMAS, TEST_SKETCH_SLACK};

/// Heavy-tailed trade sizes: lognormal(0, 2) (Box-Muller), a few exact zeros, and a few
/// negative values (refunds), so every bucket family is exercised.
fn skewed(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..n)
        .map(|i| {
            let (u1, u2) = (1.0 - rng.f64(), rng.f64());
            let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
            let v = (2.0 * z).exp();
            match i % 97 {
                0 => 0.0,
                1 => -v,
                _ => v,
            }
        })
        .collect()
}

#[test]
fn quantiles_are_within_the_stated_relative_error() {
    let xs = skewed(200_000, 11);
    let mut sketch = QuantileSketch::default();
    xs.iter().for_each(|&x| sketch.push(x));
    let mut sorted = xs.clone();
    sorted.sort_by(f64::total_cmp);
    let alpha = sketch.alpha();
    for q in [
        0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0,
    ] {
        let exact = sorted[(q * (sorted.len() - 1) as f64).floor() as usize];
        let got = sketch.quantile(q).unwrap();
        let bound = alpha * (1.0 + TEST_SKETCH_SLACK) * exact.abs();
        assert!(
            (got - exact).abs() <= bound,
            "q {q}: {got} vs exact {exact}"
        );
    }
    let [p50, p90, p95, p99] = sketch.p50_p90_p95_p99().unwrap();
    assert!(p50 < p90 && p90 < p95 && p95 < p99);
}

#[test]
fn quantile_merge_equals_single_pass() {
    let xs = skewed(50_000, 12);
    let mut whole = QuantileSketch::default();
    xs.iter().for_each(|&x| whole.push(x));
    let mut parts: Vec<QuantileSketch> = (0..4).map(|_| QuantileSketch::default()).collect();
    for (i, &x) in xs.iter().enumerate() {
        parts[i % 4].push(x);
    }
    let mut merged = QuantileSketch::default();
    for p in &parts {
        merged.merge(p).unwrap();
    }
    assert_eq!(merged, whole);
}

#[test]
fn quantile_edge_cases() {
    let empty = QuantileSketch::default();
    assert_eq!(empty.quantile(0.5), None);
    assert_eq!(
        QuantileSketch::new(0.0),
        Err(SketchError::BadAccuracy { alpha: 0.0 })
    );
    let mut a = QuantileSketch::new(0.02).unwrap();
    a.push(5.0);
    assert_eq!(a.quantile(1.5), None);
    assert!(matches!(
        a.merge(&QuantileSketch::default()),
        Err(SketchError::AccuracyMismatch { .. })
    ));
    // A single value comes back exactly (clamped to [min, max]).
    assert_eq!(a.quantile(0.5), Some(5.0));
}

#[test]
fn distinct_count_is_within_three_standard_errors_on_100k_items() {
    let mut hll = DistinctCount::default();
    for id in 0..100_000u64 {
        hll.push_u64(id);
        hll.push_u64(id); // duplicates change nothing
    }
    let err = (hll.estimate() - 100_000.0).abs() / 100_000.0;
    let se = hll.relative_standard_error();
    assert!((se - 1.04 / 64.0).abs() < 1e-15, "p = 12 means m = 4096");
    assert!(err <= TEST_HLL_SIGMAS * se, "relative error {err}, se {se}");

    let mut words = DistinctCount::default();
    for i in 0..100_000 {
        words.push(&format!("order-{i}"));
    }
    let err = (words.estimate() - 100_000.0).abs() / 100_000.0;
    assert!(err <= TEST_HLL_SIGMAS * se, "relative error {err}");
}

#[test]
fn distinct_count_small_counts_use_linear_counting() {
    let mut hll = DistinctCount::default();
    (0..100u64).for_each(|i| hll.push_u64(i));
    assert!((hll.estimate() - 100.0).abs() <= 3.0);
    assert_eq!(DistinctCount::default().estimate(), 0.0);
}

#[test]
fn distinct_count_merge_equals_single_pass() {
    let mut whole = DistinctCount::default();
    let mut left = DistinctCount::default();
    let mut right = DistinctCount::default();
    for id in 0..30_000u64 {
        whole.push_u64(id);
        // Overlapping halves: a union, not a sum.
        if id < 20_000 {
            left.push_u64(id);
        }
        if id >= 10_000 {
            right.push_u64(id);
        }
    }
    left.merge(&right).unwrap();
    assert_eq!(left, whole);
    let other = DistinctCount::new(10).unwrap();
    assert_eq!(
        left.merge(&other),
        Err(SketchError::PrecisionMismatch {
            ours: 12,
            theirs: 10
        })
    );
}
