//! Least squares fits per second against two baselines measured in the same run:
//! - `baseline_read`: one pass summing every value of the design and the response, the least
//!   any fit must do;
//! - `baseline_normal_equations`: X'X and X'y accumulated in one plain loop and solved by
//!   Gaussian elimination: the fast textbook method the core refuses, as it squares the
//!   condition number (Filip's design is singular to it).
//!
//! The core's fits centre and scale the columns, factor them by Householder QR, then refine
//! the solution in double-double against the original columns (`stats::refine`), and compute
//! standard errors, R² and the F test. Throughput is one element per fit, so criterion's
//! elem/s is fits per second.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tradelens_core::stats::{ols, poly};

/// A small LCG: the same inputs on every run, no dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// 10,000 rows of three regressors of very different scales (epoch-ms times a minute apart
/// with jitter, prices near 65,000, small counts) and a noisy linear response.
fn three_columns(n: usize) -> (Vec<Vec<f64>>, Vec<f64>) {
    let mut rng = Lcg(42);
    let t: Vec<f64> = (0..n)
        .map(|i| 1.7e12 + 60_000.0 * i as f64 + 1_000.0 * rng.next())
        .collect();
    let price: Vec<f64> = (0..n).map(|_| 65_000.0 + 100.0 * rng.next()).collect();
    let count: Vec<f64> = (0..n).map(|_| (20.0 * rng.next()).floor()).collect();
    let y = (0..n)
        .map(|i| 3.0 + 1e-8 * (t[i] - 1.7e12) + 0.01 * price[i] - 0.5 * count[i] + rng.next())
        .collect();
    (vec![t, price, count], y)
}

/// A day of minutes in epoch ms and a wavy, noisy response, for a degree-10 trend.
fn minutes(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Lcg(7);
    let t: Vec<f64> = (0..n).map(|i| 1.7e12 + 60_000.0 * i as f64).collect();
    let y = (0..n)
        .map(|i| {
            let u = i as f64 / n as f64;
            100.0 + 30.0 * (6.0 * u).sin() + 10.0 * (17.0 * u).cos() + rng.next()
        })
        .collect();
    (t, y)
}

/// Every value read once.
fn read(columns: &[&[f64]], y: &[f64]) -> f64 {
    let mut s: f64 = y.iter().sum();
    for c in columns {
        s += c.iter().sum::<f64>();
    }
    s
}

/// Normal equations with an intercept, from rows built by `row` (p regressors each).
fn normal_equations(n: usize, p: usize, row: impl Fn(usize, &mut [f64]), y: &[f64]) -> Vec<f64> {
    let k = p + 1;
    let mut a = vec![0.0; k * k];
    let mut b = vec![0.0; k];
    let mut x = vec![0.0; k];
    for (i, &yi) in y.iter().enumerate().take(n) {
        x[0] = 1.0;
        row(i, &mut x[1..]);
        for r in 0..k {
            b[r] += x[r] * yi;
            for c in 0..k {
                a[r * k + c] += x[r] * x[c];
            }
        }
    }
    gauss(&mut a, &mut b, k)
}

/// Solves a x = b (k×k, row-major) by elimination with partial pivoting.
fn gauss(a: &mut [f64], b: &mut [f64], k: usize) -> Vec<f64> {
    for col in 0..k {
        let pivot = (col..k)
            .max_by(|&i, &j| a[i * k + col].abs().total_cmp(&a[j * k + col].abs()))
            .unwrap_or(col);
        for c in 0..k {
            a.swap(col * k + c, pivot * k + c);
        }
        b.swap(col, pivot);
        for r in col + 1..k {
            let f = a[r * k + col] / a[col * k + col];
            for c in col..k {
                a[r * k + c] -= f * a[col * k + c];
            }
            b[r] -= f * b[col];
        }
    }
    let mut x = vec![0.0; k];
    for r in (0..k).rev() {
        let s: f64 = (r + 1..k).map(|c| a[r * k + c] * x[c]).sum();
        x[r] = (b[r] - s) / a[r * k + r];
    }
    x
}

fn fits(c: &mut Criterion) {
    let n = 10_000;
    let (cols, y) = three_columns(n);
    let refs: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
    let named: Vec<(&str, &[f64])> = ["t", "price", "count"]
        .into_iter()
        .zip(refs.clone())
        .collect();
    let mut group = c.benchmark_group("fit_10k_x3");
    group.throughput(Throughput::Elements(1));
    group.bench_function("baseline_read", |b| b.iter(|| black_box(read(&refs, &y))));
    group.bench_function("baseline_normal_equations", |b| {
        b.iter(|| {
            black_box(normal_equations(
                n,
                3,
                |i, x| {
                    // Centred times, as anyone using normal equations on epoch ms would.
                    x[0] = refs[0][i] - 1.7e12;
                    x[1] = refs[1][i];
                    x[2] = refs[2][i];
                },
                &y,
            ))
        })
    });
    group.bench_function("ols_qr", |b| {
        b.iter(|| black_box(ols::fit(&named, &y, true).map(|f| f.r_squared)))
    });
    group.finish();

    let n = 1_440;
    let (t, y) = minutes(n);
    let mut group = c.benchmark_group("fit_poly10_1440");
    group.throughput(Throughput::Elements(1));
    group.bench_function("baseline_read", |b| b.iter(|| black_box(read(&[&t], &y))));
    let (lo, hi) = (t[0], t[n - 1]);
    group.bench_function("baseline_normal_equations", |b| {
        b.iter(|| {
            black_box(normal_equations(
                n,
                10,
                |i, x| {
                    // Powers of u in [-1, 1], not of epoch ms (those overflow the normal
                    // equations' accuracy at once).
                    let u = (2.0 * t[i] - lo - hi) / (hi - lo);
                    let mut p = 1.0;
                    for v in x.iter_mut() {
                        p *= u;
                        *v = p;
                    }
                },
                &y,
            ))
        })
    });
    group.bench_function("poly_qr", |b| {
        b.iter(|| black_box(poly::fit(&t, &y, 10).map(|f| f.ols.r_squared)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = fits
}
criterion_main!(benches);
