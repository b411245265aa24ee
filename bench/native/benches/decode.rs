//! Decoding speed, MB/s and trades/s, next to a baseline measured in the same run: splitting
//! the same bytes into lines and parsing each line's numbers with `str::parse` only (no JSON,
//! no validation), the least any decoder must do.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tradelens_bench::{binance_messages, csv_mapping, csv_text, demo_trades, DECODE_HOURS};
use tradelens_core::decode::binance::Binance;
use tradelens_core::decode::generic::CsvDecoder;
use tradelens_core::decode::time::EpochUnit;
use tradelens_core::demo::DemoMode;

fn baseline(text: &str) -> f64 {
    text.lines()
        .flat_map(|l| l.split(','))
        .filter_map(|f| f.parse::<f64>().ok())
        .sum()
}

fn decode(c: &mut Criterion) {
    let trades = demo_trades(DemoMode::Exchange, DECODE_HOURS);
    let lines = binance_messages(&trades);
    let ws_bytes: usize = lines.iter().map(|l| l.len()).sum();
    // For trades/s: criterion reports one throughput per group, so the counts go to stderr.
    eprintln!("binance: {} messages, {ws_bytes} bytes", lines.len());
    let mut group = c.benchmark_group("decode_binance_ws");
    group.throughput(Throughput::Bytes(ws_bytes as u64));
    group.bench_function("binance_trade_messages", |b| {
        b.iter(|| {
            let mut d = Binance::new(EpochUnit::Millis, "BTCUSDT");
            let n: usize = lines
                .iter()
                .map(|l| d.decode(l).map_or(0, |x| x.trades.len()))
                .sum();
            black_box(n)
        })
    });
    group.finish();

    let csv = csv_text(&trades);
    eprintln!("csv: {} rows, {} bytes", csv.lines().count() - 1, csv.len());
    let mut group = c.benchmark_group("decode_csv");
    group.throughput(Throughput::Bytes(csv.len() as u64));
    group.bench_function("baseline_split_and_parse", |b| {
        b.iter(|| black_box(baseline(&csv)))
    });
    group.bench_function("generic_csv_64k_chunks", |b| {
        b.iter(|| {
            let mut d = CsvDecoder::new(csv_mapping(), 1 << 20);
            let mut n = 0;
            for chunk in csv.as_bytes().chunks(64 * 1024) {
                n += d.feed(chunk).map_or(0, |x| x.trades.len());
            }
            n += d.finish().map_or(0, |x| x.trades.len());
            black_box(n)
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = decode
}
criterion_main!(benches);
