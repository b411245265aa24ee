//! Min/max decimation of a million points to a HiDPI plot's 1,600 pixel columns, against a
//! baseline measured in the same run: one pass reading every point (the least any
//! decimation must do). Throughput is points, so criterion's elem/s is points per second.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tradelens_core::plot::decimate;

const N: usize = 1_000_000;
const COLUMNS: usize = 1_600;

/// A million points one second apart, a random walk (xorshift: no dependency).
fn walk() -> Vec<(i64, f64)> {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut v = 1_000.0f64;
    (0..N)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            v += (x % 2001) as f64 / 100.0 - 10.0;
            (1_764_000_000_000 + i as i64 * 1_000, v)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let points = walk();
    let (x0, x1) = (points[0].0, points[N - 1].0);
    let mut g = c.benchmark_group("plot");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("baseline_read", |b| {
        b.iter(|| {
            let (mut lo, mut hi) = (f64::MAX, f64::MIN);
            for &(_, v) in black_box(&points) {
                lo = lo.min(v);
                hi = hi.max(v);
            }
            (lo, hi)
        })
    });
    let mut out = Vec::with_capacity(4 * COLUMNS + 2);
    g.bench_function("decimate_1m_to_1600_columns", |b| {
        b.iter(|| {
            out.clear();
            decimate(black_box(&points), x0, x1, COLUMNS, &mut out).unwrap();
            out.len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
