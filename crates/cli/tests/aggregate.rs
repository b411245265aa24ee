//! `tradelens aggregate` against a plain computation done here, trade by trade.

mod common;

use std::collections::BTreeMap;

use common::{close, parse_csv, path, run, stderr, stdout, TempDir};

struct T {
    time_ms: i64,
    price: f64,
    qty: f64,
    buy: bool,
    symbol: &'static str,
    region: &'static str,
}

/// 2024-03-29T12:00Z: trades every 7 minutes 13 seconds for three days, across the Berlin
/// change to summer time at 2024-03-31T01:00Z. Prices and sizes from a small LCG.
fn trades() -> Vec<T> {
    let start = 1_711_713_600_000_i64;
    let mut seed: u64 = 42;
    let mut next = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) as f64 / (1u64 << 31) as f64
    };
    (0..600)
        .map(|i| T {
            time_ms: start + i * 433_000,
            price: (100.0 + 10.0 * next() * 100.0).round() / 100.0,
            qty: (1.0 + 50.0 * next()).round() / 10.0,
            buy: next() < 0.5,
            symbol: ["BTC", "ETH"][(i % 2) as usize],
            region: ["eu", "us", "asia"][(i % 3) as usize],
        })
        .collect()
}

fn csv(trades: &[T]) -> String {
    let mut s = String::from("id,ts,px,size,side,sym,reg\n");
    for (i, t) in trades.iter().enumerate() {
        s += &format!(
            "{i},{},{},{},{},{},{}\n",
            t.time_ms,
            t.price,
            t.qty,
            if t.buy { "buy" } else { "sell" },
            t.symbol,
            t.region
        );
    }
    s
}

#[derive(Default)]
struct Plain {
    count: u64,
    volume: f64,
    notional: f64,
    buy: f64,
    sell: f64,
    /// (time, price) of every trade, to take open/close by time order.
    prices: Vec<(i64, f64)>,
}

fn check(out: &str, expected: &BTreeMap<(String, String), Plain>, groups: usize) {
    let (header, rows) = parse_csv(out);
    assert_eq!(
        &header[groups + 1..],
        [
            "count",
            "volume",
            "notional",
            "vwap",
            "open",
            "high",
            "low",
            "close",
            "buy_volume",
            "sell_volume"
        ]
    );
    assert_eq!(rows.len(), expected.len(), "{out}");
    for (row, ((bucket, group), p)) in rows.iter().zip(expected) {
        assert_eq!(&row[0], bucket);
        assert_eq!(row[1..=groups].join("|"), *group);
        let v: Vec<f64> = row[groups + 1..]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let mut by_time = p.prices.clone();
        by_time.sort_by_key(|&(t, _)| t);
        let high = by_time.iter().map(|x| x.1).fold(f64::MIN, f64::max);
        let low = by_time.iter().map(|x| x.1).fold(f64::MAX, f64::min);
        let want = [
            p.count as f64,
            p.volume,
            p.notional,
            p.notional / p.volume,
            by_time[0].1,
            high,
            low,
            by_time[by_time.len() - 1].1,
            p.buy,
            p.sell,
        ];
        for (k, (got, want)) in v.iter().zip(want).enumerate() {
            assert!(
                close(*got, want),
                "{bucket} {group} column {k}: {got} vs {want}"
            );
        }
    }
}

#[test]
fn berlin_days_across_the_spring_change_match_a_plain_computation() {
    let dir = TempDir::new("agg-berlin");
    let ts = trades();
    let file = dir.file("trades.csv", &csv(&ts));
    let out = run(&[
        "aggregate",
        "--input",
        path(&file),
        "--format",
        "csv",
        "--map",
        "id=id,time=ts,price=px,qty=size,side=side,symbol=sym",
        "--bucket",
        "1d",
        "--by",
        "symbol",
        "--tz",
        "Europe/Berlin",
        "--metrics",
        "count,volume,notional,vwap,open,high,low,close,buy_volume,sell_volume",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Berlin local days in UTC: 29 Mar 23:00 → 30 Mar 23:00 (CET, +01:00), 30 Mar 23:00 →
    // 31 Mar 22:00 (23 hours: clocks jump from 02:00 to 03:00), then days at +02:00.
    let day = |t: i64| -> &str {
        match t {
            t if t < 1_711_753_200_000 => "2024-03-29T00:00:00+01:00",
            t if t < 1_711_839_600_000 => "2024-03-30T00:00:00+01:00",
            t if t < 1_711_922_400_000 => "2024-03-31T00:00:00+01:00",
            t if t < 1_712_008_800_000 => "2024-04-01T00:00:00+02:00",
            _ => "2024-04-02T00:00:00+02:00",
        }
    };
    let mut expected: BTreeMap<(String, String), Plain> = BTreeMap::new();
    for t in &ts {
        let p = expected
            .entry((day(t.time_ms).to_string(), t.symbol.to_string()))
            .or_default();
        p.count += 1;
        p.volume += t.qty;
        p.notional += t.price * t.qty;
        if t.buy {
            p.buy += t.qty;
        } else {
            p.sell += t.qty;
        }
        p.prices.push((t.time_ms, t.price));
    }
    let text = stdout(&out);
    assert!(text.contains("\n2024-03-31T00:00:00+01:00,BTC,"));
    assert!(text.contains("\n2024-04-01T00:00:00+02:00,ETH,"));
    check(&text, &expected, 1);
}

#[test]
fn hourly_utc_by_two_fields_with_the_format_detected() {
    let dir = TempDir::new("agg-utc");
    let ts = trades();
    let file = dir.file("trades.csv", &csv(&ts));
    let out = run(&[
        "aggregate",
        "--input",
        path(&file),
        "--map",
        "id=id,time=ts,price=px,qty=size,side=side,symbol=sym,region=reg",
        "--bucket",
        "4h",
        "--by",
        "region,symbol",
        "--metrics",
        "count,volume,notional,vwap,open,high,low,close,buy_volume,sell_volume",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut expected: BTreeMap<(String, String), Plain> = BTreeMap::new();
    for t in &ts {
        let start = t.time_ms - t.time_ms.rem_euclid(4 * 3_600_000);
        // 1_711_670_400_000 is 2024-03-29T00:00:00Z.
        let hours = (start - 1_711_670_400_000) / 3_600_000;
        let (day, hour) = (29 + hours / 24, hours % 24);
        let (month, day) = if day > 31 { (4, day - 31) } else { (3, day) };
        let bucket = format!("2024-{month:02}-{day:02}T{hour:02}:00:00+00:00");
        let p = expected
            .entry((bucket, format!("{}|{}", t.region, t.symbol)))
            .or_default();
        p.count += 1;
        p.volume += t.qty;
        p.notional += t.price * t.qty;
        if t.buy {
            p.buy += t.qty;
        } else {
            p.sell += t.qty;
        }
        p.prices.push((t.time_ms, t.price));
    }
    check(&stdout(&out), &expected, 2);
}

#[test]
fn venue_and_json_formats_are_read() {
    let dir = TempDir::new("agg-venues");
    let binance = dir.file(
        "btcusdt.json",
        r#"[{"id":1,"price":"100.5","qty":"2","quoteQty":"201","time":1711800000000,"isBuyerMaker":true,"isBestMatch":true},
            {"id":2,"price":"101.5","qty":"1","quoteQty":"101.5","time":1711800001000,"isBuyerMaker":false,"isBestMatch":true}]"#,
    );
    let kraken = dir.file(
        "kraken.ndjson",
        "{\"error\":[],\"result\":{\"XXBTZUSD\":[[\"100.0\",\"1.0\",1711800000.5,\"b\",\"m\",\"\",1],[\"102.0\",\"3.0\",1711800002.25,\"s\",\"l\",\"\",2]],\"last\":\"1711800002250000000\"}}\n",
    );
    let json = dir.file(
        "orders.json",
        r#"[{"o":{"at":"2024-03-30T12:00:00Z","amount":"10","n":"3"}},{"o":{"at":"2024-03-30T12:30:00Z","amount":"20","n":"1"}}]"#,
    );
    let cases: [(&std::path::Path, &[&str], &str); 3] = [
        (
            &binance,
            &[],
            "2024-03-30T12:00:00+00:00,BTCUSDT,2,3,302.5,",
        ),
        (&kraken, &[], "2024-03-30T12:00:00+00:00,XXBTZUSD,2,4,406,"),
        (
            &json,
            &["--map", "time=/o/at,price=/o/amount,qty=/o/n"],
            "2024-03-30T12:00:00+00:00,all,2,4,50,",
        ),
    ];
    for (file, extra, want) in cases {
        let mut args = vec![
            "aggregate",
            "--input",
            path(file),
            "--bucket",
            "1h",
            "--by",
            "symbol",
        ];
        args.extend_from_slice(extra);
        let out = run(&args);
        assert!(out.status.success(), "{}: {}", file.display(), stderr(&out));
        assert!(
            stdout(&out).contains(want),
            "{}: {}",
            file.display(),
            stdout(&out)
        );
    }
}

#[test]
fn usage_and_data_errors_exit_with_2_and_1() {
    let dir = TempDir::new("agg-errors");
    let file = dir.file("t.csv", "ts,px\n1711800000000,1\n");
    let usage = run(&["aggregate", "--input", path(&file), "--bucket", "3h"]);
    assert_eq!(usage.status.code(), Some(2));
    assert!(stderr(&usage).contains("--bucket: `3h`"));
    let missing = run(&["aggregate", "--input", path(&file), "--bucket", "1h"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("no column `time`"),
        "{}",
        stderr(&missing)
    );
    let nofile = run(&[
        "aggregate",
        "--input",
        "/nonexistent/x.csv",
        "--bucket",
        "1h",
    ]);
    assert_eq!(nofile.status.code(), Some(1));
    let tz = run(&[
        "aggregate",
        "--input",
        path(&file),
        "--map",
        "time=ts,price=px",
        "--bucket",
        "1h",
        "--tz",
        "Nowhere/Atlantis",
    ]);
    assert_eq!(tz.status.code(), Some(1));
    assert!(stderr(&tz).contains("Nowhere/Atlantis"));
}

#[test]
fn percentiles_and_distinct_counts_are_within_their_bounds_of_exact_answers() {
    use tradelens_core::stats::tol::{TEST_HLL_SIGMAS, TEST_SKETCH_SLACK};
    let dir = TempDir::new("agg-sketch");
    let ts = trades();
    let file = dir.file("trades.csv", &csv(&ts));
    // Exact per (UTC day, symbol): values sorted here, distinct regions and ids as sets.
    let mut cells: BTreeMap<(String, String), Vec<&T>> = BTreeMap::new();
    for t in &ts {
        let day = (t.time_ms - 1_711_670_400_000).div_euclid(86_400_000);
        // 1_711_670_400_000 is 2024-03-29T00:00:00Z; the three days reach into April.
        let (month, day) = match 29 + day {
            d if d > 31 => (4, d - 31),
            d => (3, d),
        };
        let bucket = format!("2024-{month:02}-{day:02}T00:00:00+00:00");
        cells
            .entry((bucket, t.symbol.to_string()))
            .or_default()
            .push(t);
    }
    let quantile = |mut v: Vec<f64>, q: f64| {
        v.sort_by(f64::total_cmp);
        v[(q * (v.len() - 1) as f64).floor() as usize]
    };
    for (key, exact_distinct) in [
        (
            "id",
            Box::new(|m: &[&T]| m.len()) as Box<dyn Fn(&[&T]) -> usize>,
        ),
        (
            "region",
            Box::new(|m: &[&T]| {
                let mut r: Vec<&str> = m.iter().map(|t| t.region).collect();
                r.sort_unstable();
                r.dedup();
                r.len()
            }),
        ),
    ] {
        let out = run(&[
            "aggregate",
            "--input",
            path(&file),
            "--map",
            "id=id,time=ts,price=px,qty=size,side=side,symbol=sym,region=reg",
            "--bucket",
            "1d",
            "--by",
            "symbol",
            "--metrics",
            "count,price_p50,price_p99,size_p90,distinct",
            "--distinct",
            key,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let (header, rows) = parse_csv(&stdout(&out));
        assert_eq!(
            header,
            [
                "bucket_start",
                "symbol",
                "count",
                "price_p50",
                "price_p99",
                "size_p90",
                "distinct"
            ]
        );
        assert_eq!(rows.len(), cells.len());
        for row in rows {
            let members = &cells[&(row[0].clone(), row[1].clone())];
            let num = |i: usize| row[i].parse::<f64>().unwrap();
            assert_eq!(num(2), members.len() as f64);
            let prices: Vec<f64> = members.iter().map(|t| t.price).collect();
            let sizes: Vec<f64> = members.iter().map(|t| t.qty).collect();
            for (col, values, q) in [(3, &prices, 0.5), (4, &prices, 0.99), (5, &sizes, 0.9)] {
                let exact = quantile(values.clone(), q);
                assert!(
                    (num(col) - exact).abs() <= 0.01 * (1.0 + TEST_SKETCH_SLACK) * exact,
                    "{row:?}: {} vs exact {exact}",
                    header[col]
                );
            }
            let exact = exact_distinct(members) as f64;
            // 1.04 / sqrt(4096): the sketch's relative standard error.
            assert!(
                (num(6) - exact).abs() <= TEST_HLL_SIGMAS * 1.04 / 64.0 * exact,
                "{row:?}: distinct {key} vs exact {exact}"
            );
        }
    }
    let bad = run(&[
        "aggregate",
        "--input",
        path(&file),
        "--bucket",
        "1d",
        "--distinct",
        "price",
    ]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
}
