//! Engine ingest against a plain baseline in the same run: a HashMap keyed by (bucket, symbol)
//! holding count, volume and notional with naive sums, no OHLC, no stored columns. The ratio
//! engine / baseline is the cost of everything the engine does beyond that (columnar storage,
//! compensated sums, OHLC, interning, the trade rate). The `_sketches` rows keep every sketch
//! (price and size quantiles, distinct trade ids), to set against the same path without.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use tradelens_bench::{demo_trades, START_MS};
use tradelens_core::demo::{DemoConfig, DemoFeed, DemoMode};
use tradelens_core::engine::{
    BucketSize, Columns, DistinctOf, Engine, EngineSpec, GroupBy, SketchSpec,
};
use tradelens_core::model::{Field, Label, Side, Trade};

fn baseline(trades: &[Trade]) -> usize {
    let mut map: HashMap<(i64, &str), (u64, f64, f64)> = HashMap::new();
    for t in trades {
        let e = map.entry((t.time_ms / 60_000, &t.symbol)).or_default();
        e.0 += 1;
        e.1 += t.qty;
        e.2 += t.price * t.qty;
    }
    map.len()
}

fn ingest(c: &mut Criterion) {
    let trades = demo_trades(DemoMode::Exchange, 3);
    let mut group = c.benchmark_group("ingest");
    group.throughput(Throughput::Elements(trades.len() as u64));
    group.bench_function("baseline_hashmap", |b| {
        b.iter(|| black_box(baseline(&trades)))
    });
    group.bench_function("engine_1m_by_symbol", |b| {
        b.iter_batched(
            || {
                Engine::new(EngineSpec {
                    bucket: BucketSize::M1,
                    group_by: GroupBy::one(Field::Symbol),
                    sketches: SketchSpec::NONE,
                })
            },
            |mut engine| {
                engine.extend(&trades);
                black_box(engine.len())
            },
            BatchSize::LargeInput,
        )
    });
    // The per-trade path keeping every sketch (price and size quantiles, distinct trade ids)
    // against the same path without: what opting in to percentiles costs per trade.
    group.bench_function("engine_1m_by_symbol_sketches", |b| {
        b.iter_batched(
            || {
                Engine::new(EngineSpec {
                    bucket: BucketSize::M1,
                    group_by: GroupBy::one(Field::Symbol),
                    sketches: SketchSpec::all(DistinctOf::TradeId),
                })
            },
            |mut engine| {
                engine.extend(&trades);
                black_box(engine.len())
            },
            BatchSize::LargeInput,
        )
    });
    // The same trades as columns through the batch path (symbols indexed into a label list).
    let mut labels: Vec<Label> = Vec::new();
    let symbol: Vec<u32> = trades
        .iter()
        .map(|t| match labels.iter().position(|l| *l == t.symbol) {
            Some(i) => i as u32,
            None => {
                labels.push(t.symbol.clone());
                labels.len() as u32 - 1
            }
        })
        .collect();
    let id: Vec<u64> = trades.iter().map(|t| t.id).collect();
    let time_ms: Vec<i64> = trades.iter().map(|t| t.time_ms).collect();
    let price: Vec<f64> = trades.iter().map(|t| t.price).collect();
    let qty: Vec<f64> = trades.iter().map(|t| t.qty).collect();
    let side: Vec<Option<Side>> = trades.iter().map(|t| t.side).collect();
    let columns = || Columns {
        id: &id,
        time_ms: &time_ms,
        price: &price,
        qty: &qty,
        side: &side,
        symbol: &symbol,
        labels: &labels,
    };
    for (name, sketches) in [
        ("engine_1m_by_symbol_columns", SketchSpec::NONE),
        (
            "engine_1m_by_symbol_columns_sketches",
            SketchSpec::all(DistinctOf::TradeId),
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    Engine::new(EngineSpec {
                        bucket: BucketSize::M1,
                        group_by: GroupBy::one(Field::Symbol),
                        sketches,
                    })
                },
                |mut engine| {
                    engine
                        .extend_columns(columns())
                        .expect("columns of equal length");
                    black_box(engine.len())
                },
                BatchSize::LargeInput,
            )
        });
    }
    let mut full = Engine::new(EngineSpec {
        bucket: BucketSize::M1,
        group_by: GroupBy::one(Field::Symbol),
        sketches: SketchSpec::NONE,
    });
    full.extend(&trades);
    group.bench_function("engine_respec_to_15m", |b| {
        b.iter_batched(
            || full.clone(),
            |mut engine| {
                engine.set_spec(EngineSpec {
                    bucket: BucketSize::M15,
                    group_by: GroupBy::NONE,
                    sketches: SketchSpec::NONE,
                });
                black_box(engine.len())
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn generate(c: &mut Criterion) {
    let mut group = c.benchmark_group("demo");
    let n = demo_trades(DemoMode::Orders, 24).len();
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("orders_24h", |b| {
        b.iter(|| {
            let mut feed = DemoFeed::new(DemoConfig::default_for(DemoMode::Orders), START_MS);
            black_box(feed.generate_until(START_MS + 24 * 3_600_000).len())
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = ingest, generate
}
criterion_main!(benches);
