//! Export: exact text, the formula guard, and import of our own exports giving the same trades.

use std::sync::Arc;

use tradelens_core::clean::MAX_AMOUNT;
use tradelens_core::decode::generic::{CsvDecoder, JsonDecoder, NdjsonStream};
use tradelens_core::engine::{BucketSize, Engine, EngineSpec, GroupBy, Metric, SketchSpec};
use tradelens_core::export::import::{own_mapping, OwnCsv};
use tradelens_core::export::{self, engine_rows, rfc3339_ms, Format};
use tradelens_core::model::{Dim, Field, Label, Side, Trade};

/// Labels a hostile user could name a product or customer. None has whitespace at either end
/// or is empty: the generic decoders trim fields and read empty as absent (documented).
const HOSTILE: &[&str] = &[
    "BTC-USD",
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2",
    "@SUM(A1:A9)",
    "'=already guarded?",
    "''",
    "'",
    "'plain",
    "a,b",
    "say \"hi\"",
    "line1\nline2",
    "cr\rinside",
    "tab\tinside",
    "back\\slash",
    "\u{1}control",
    "ünïcødé 😀 中文",
    "=HYPERLINK(\"http://x\",\"y\")",
];

fn random_trades(seed: u64, n: usize) -> Vec<Trade> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let label =
        |rng: &mut fastrand::Rng| -> Label { Arc::from(HOSTILE[rng.usize(..HOSTILE.len())]) };
    // Year 0 to year 9999, the years RFC 3339 writes with four digits.
    let (t_lo, t_hi) = (-62_167_219_200_000i64, 253_402_300_799_999i64);
    // Amounts the cleaner accepts (above 0, at most MAX_AMOUNT, and so is price × quantity):
    // the generic decoders reject others, naming the line.
    let float = |rng: &mut fastrand::Rng| -> f64 {
        match rng.u8(..4) {
            // Any bit pattern in range: subnormals, values near the limit.
            0 => loop {
                let x = f64::from_bits(rng.u64(..));
                if x > 0.0 && x <= MAX_AMOUNT {
                    break x;
                }
            },
            1 => (rng.f64() * 100_000.0 * 100.0).round() / 100.0 + 0.01, // a cent price
            2 => rng.f64() * 1e-8 + f64::MIN_POSITIVE,
            _ => rng.f64() * 1e12 + 1.0,
        }
    };
    let amounts = |rng: &mut fastrand::Rng| loop {
        let (p, q) = (float(rng), float(rng));
        if p * q <= MAX_AMOUNT {
            break (p, q);
        }
    };
    (0..n)
        .map(|_| {
            let (price, qty) = amounts(&mut rng);
            Trade {
                id: rng.u64(..),
                time_ms: rng.i64(t_lo..=t_hi),
                price,
                qty,
                side: [None, Some(Side::Buy), Some(Side::Sell)][rng.usize(..3)],
                symbol: label(&mut rng),
                dims: std::array::from_fn(|_| rng.bool().then(|| label(&mut rng))),
            }
        })
        .collect()
}

/// Trades equal, with prices and quantities compared bit for bit (so -0.0 != 0.0).
fn assert_same(got: &[Trade], want: &[Trade]) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g, w);
        assert_eq!(g.price.to_bits(), w.price.to_bits(), "price of {}", w.id);
        assert_eq!(g.qty.to_bits(), w.qty.to_bits(), "qty of {}", w.id);
    }
}

/// Feeds `bytes` in random pieces, as a file read in chunks would arrive.
fn pieces(bytes: &[u8], rng: &mut fastrand::Rng) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let end = (at + rng.usize(1..200)).min(bytes.len());
        out.push(bytes[at..end].to_vec());
        at = end;
    }
    out
}

#[test]
fn importing_our_own_export_gives_the_same_trades() {
    let want = random_trades(1, 3000);
    let mut rng = fastrand::Rng::with_seed(2);

    let csv = export::trades(Format::Csv, &want);
    let mut r = OwnCsv::new();
    let mut got = Vec::new();
    for p in pieces(csv.as_bytes(), &mut rng) {
        let d = r.feed(&p).unwrap();
        assert!(d.rejects.is_empty(), "{:?}", d.rejects);
        got.extend(d.trades);
    }
    got.extend(r.finish().unwrap().trades);
    assert!(r.is_own());
    assert_same(&got, &want);

    let json = export::trades(Format::Json, &want);
    let d = JsonDecoder::new(own_mapping()).decode_array(&json).unwrap();
    assert!(d.rejects.is_empty(), "{:?}", d.rejects);
    assert_same(&d.trades, &want);

    let ndjson = export::trades(Format::Ndjson, &want);
    let mut s = NdjsonStream::new(own_mapping(), 1 << 16);
    let mut got = Vec::new();
    for p in pieces(ndjson.as_bytes(), &mut rng) {
        got.extend(s.feed(&p).trades);
    }
    let end = s.finish();
    assert!(end.rejects.is_empty());
    got.extend(end.trades);
    assert_same(&got, &want);
}

fn one_trade(symbol: &str) -> Trade {
    Trade {
        id: 86_327_327,
        time_ms: 1_700_000_000_123,
        price: 37_000.1,
        qty: 0.5,
        side: Some(Side::Sell),
        symbol: symbol.into(),
        dims: [Some("=cmd".into()), None, Some("a,\"b\"".into()), None],
    }
}

#[test]
fn known_answer_text() {
    // 1_700_000_000_123 ms = 2023-11-14T22:13:20.123Z (19675 days + 80000.123 s).
    let t = one_trade("BTCUSDT");
    assert_eq!(
        export::trades(Format::Csv, std::slice::from_ref(&t)),
        "id,time,price,qty,side,symbol,category,region,channel,customer\r\n\
         86327327,2023-11-14T22:13:20.123Z,37000.1,0.5,sell,BTCUSDT,'=cmd,,\"a,\"\"b\"\"\",\r\n"
    );
    assert_eq!(
        export::trades(Format::Ndjson, std::slice::from_ref(&t)),
        "{\"id\":\"86327327\",\"time\":\"2023-11-14T22:13:20.123Z\",\"price\":37000.1,\
         \"qty\":0.5,\"side\":\"sell\",\"symbol\":\"BTCUSDT\",\"category\":\"=cmd\",\
         \"region\":null,\"channel\":\"a,\\\"b\\\"\",\"customer\":null}\n"
    );
    assert_eq!(export::trades(Format::Json, &[]), "[\n]\n");
    assert_eq!(rfc3339_ms(-1), "1969-12-31T23:59:59.999Z");
    assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
}

#[test]
fn a_generic_reader_sees_the_guard_and_ours_removes_it() {
    let t = one_trade("@SUM(A1)");
    let csv = export::trades(Format::Csv, std::slice::from_ref(&t));
    // No cell of the file starts with a formula character.
    for line in csv.lines().skip(1) {
        for cell in line.split(',') {
            assert!(!cell.starts_with(['=', '+', '@', '\t', '\r']), "{cell:?}");
        }
    }
    let mut plain = CsvDecoder::new(own_mapping(), 1 << 16);
    let mut d = plain.feed(csv.as_bytes()).unwrap();
    d.append(plain.finish().unwrap());
    assert_eq!(&*d.trades[0].symbol, "'@SUM(A1)");
    assert_eq!(d.trades[0].dims[0].as_deref(), Some("'=cmd"));

    let mut ours = OwnCsv::new();
    let mut d = ours.feed(csv.as_bytes()).unwrap();
    d.append(ours.finish().unwrap());
    assert_same(&d.trades, &[t]);

    // A foreign file with the same columns in another order is not ours: left as read.
    let foreign = "time,id,price,qty,side,symbol,category,region,channel,customer\n\
                   2023-11-14T22:13:20.123Z,1,2,3,buy,'=x,,,,\n";
    let mut r = OwnCsv::new();
    let mut d = r.feed(foreign.as_bytes()).unwrap();
    d.append(r.finish().unwrap());
    assert!(!r.is_own());
    assert_eq!(&*d.trades[0].symbol, "'=x");
}

#[test]
fn aggregates_in_three_formats() {
    // Two BTC trades in the minute 22:13 and one ETH trade: buckets of one minute by symbol.
    // BTC: volume 1 + 3 = 4, notional 10*1 + 20*3 = 70, VWAP 70 / 4 = 17.5.
    let base = one_trade("BTC");
    let mk = |id, price, qty, symbol: &str, side| Trade {
        id,
        price,
        qty,
        symbol: symbol.into(),
        side,
        ..base.clone()
    };
    let trades = [
        mk(1, 10.0, 1.0, "BTC", Some(Side::Buy)),
        mk(2, 20.0, 3.0, "BTC", Some(Side::Sell)),
        mk(3, 5.0, 0.0, "=ETH", None),
    ];
    let mut e = Engine::new(EngineSpec {
        bucket: BucketSize::M1,
        group_by: GroupBy::one(Field::Symbol),
        sketches: SketchSpec::NONE,
    });
    e.extend(&trades);
    let rows = engine_rows(&e);
    let metrics = [Metric::Count, Metric::Vwap, Metric::VolumeDelta];
    assert_eq!(
        export::aggregates(Format::Csv, &metrics, &rows),
        "bucket_start,group,count,vwap,volume_delta\r\n\
         2023-11-14T22:13:00.000Z,BTC,2,17.5,-2\r\n\
         2023-11-14T22:13:00.000Z,'=ETH,1,,0\r\n"
    );
    assert_eq!(
        export::aggregates(Format::Ndjson, &metrics, &rows[1..]),
        "{\"bucket_start\":\"2023-11-14T22:13:00.000Z\",\"group\":\"=ETH\",\"count\":1,\
         \"vwap\":null,\"volume_delta\":0}\n"
    );
    let json = export::aggregates(Format::Json, &metrics, &rows);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["vwap"], 17.5);
    assert_eq!(v[1]["group"], "=ETH");
}

#[test]
fn the_export_filter_keeps_a_range_and_one_group() {
    use tradelens_core::engine::{BucketSize, Engine, EngineSpec};
    use tradelens_core::export::{engine_rows, ExportFilter};
    use tradelens_core::model::{Field, Label, Trade};
    let labels: [Label; 3] = ["a".into(), "b".into(), "c".into()];
    let trades: Vec<Trade> = (0..300u64)
        .map(|i| Trade {
            id: i,
            time_ms: i as i64 * 60_000,
            price: 1.0 + i as f64,
            qty: 1.0,
            side: None,
            symbol: labels[(i % 3) as usize].clone(),
            dims: Default::default(),
        })
        .collect();
    let filter = ExportFilter {
        from_ms: Some(60 * 60_000),
        to_ms: Some(120 * 60_000),
        only: Some((Field::Symbol, "b".into())),
    };
    let kept: Vec<u64> = trades
        .iter()
        .filter(|t| filter.keeps_trade(t))
        .map(|t| t.id)
        .collect();
    // Minutes 60..120, every third starting at the first id ≡ 1 (mod 3): 61, 64, ..., 118.
    assert_eq!(kept, (61..120).step_by(3).collect::<Vec<u64>>());
    let mut engine = Engine::new(EngineSpec {
        bucket: BucketSize::H1,
        group_by: Field::Symbol.into(),
        ..EngineSpec::default()
    });
    engine.extend(&trades);
    let rows: Vec<_> = engine_rows(&engine)
        .into_iter()
        .filter(|r| filter.keeps_row(r, Field::Symbol.into()))
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].bucket_start_ms, 3_600_000);
    assert_eq!(rows[0].agg.count(), 20);
    // Grouped by another field, a symbol filter keeps no aggregate row.
    let none = engine_rows(&engine)
        .into_iter()
        .filter(|r| filter.keeps_row(r, tradelens_core::engine::GroupBy::NONE))
        .count();
    assert_eq!(none, 0);
}

#[test]
fn aggregates_grouped_by_two_fields_have_two_group_columns() {
    // Symbol x region: BTC in eu twice (count 2), BTC without a region once, ETH in us once.
    let base = one_trade("BTC");
    let mk = |id, symbol: &str, region: Option<&str>| {
        let mut t = Trade {
            id,
            symbol: symbol.into(),
            ..base.clone()
        };
        t.dims[Dim::Region.index()] = region.map(Label::from);
        t
    };
    let trades = [
        mk(1, "BTC", Some("eu")),
        mk(2, "BTC", Some("eu")),
        mk(3, "BTC", None),
        mk(4, "ETH", Some("us")),
    ];
    let mut e = Engine::new(EngineSpec {
        bucket: BucketSize::M1,
        group_by: GroupBy::two(Field::Symbol, Field::Dim(Dim::Region)),
        sketches: SketchSpec::NONE,
    });
    e.extend(&trades);
    let rows = engine_rows(&e);
    assert_eq!(
        export::aggregates(Format::Csv, &[Metric::Count], &rows),
        "bucket_start,group,group_2,count\r\n\
         2023-11-14T22:13:00.000Z,BTC,eu,2\r\n\
         2023-11-14T22:13:00.000Z,BTC,,1\r\n\
         2023-11-14T22:13:00.000Z,ETH,us,1\r\n"
    );
    let json = export::aggregates(Format::Json, &[Metric::Count], &rows);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[1]["group"], "BTC");
    assert_eq!(v[1]["group_2"], serde_json::Value::Null);
}
