//! Streaming CSV and the generic JSON/NDJSON/CSV decoders with a field mapping.

mod common;

use tradelens_core::decode::csv::{CsvStream, Record};
use tradelens_core::decode::generic::{CsvDecoder, JsonDecoder, Mapping, NdjsonStream, TimeFormat};
use tradelens_core::decode::time::EpochUnit;
use tradelens_core::decode::{DecodeError, Decoded, Position, Role};
use tradelens_core::model::{Dim, Side};

const TRICKY: &str = "\u{feff}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n\r\nπ,€,last\r\nno,final,newline";

fn read_all(chunks: &[&[u8]], limit: usize) -> Vec<Result<Record, DecodeError>> {
    let mut s = CsvStream::new(limit);
    let mut out = Vec::new();
    for c in chunks {
        s.feed(c, &mut out);
    }
    s.finish(&mut out);
    out
}

#[test]
fn quoted_fields_bom_crlf_and_lines() {
    let out = read_all(&[TRICKY.as_bytes()], 1024);
    let recs: Vec<Record> = out.into_iter().map(Result::unwrap).collect();
    let fields: Vec<Vec<&str>> = recs
        .iter()
        .map(|r| r.fields.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        fields,
        vec![
            vec!["a", "b", "c"],
            vec!["x, y", "say \"hi\"", "two\r\nlines"],
            vec!["π", "€", "last"],
            vec!["no", "final", "newline"],
        ]
    );
    // Line 2 holds a field spanning two lines; line 4 is blank.
    let lines: Vec<u64> = recs.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![1, 2, 5, 6]);
}

#[test]
fn any_split_gives_the_same_records() {
    let whole = read_all(&[TRICKY.as_bytes()], 1024);
    let bytes = TRICKY.as_bytes();
    for cut in 0..=bytes.len() {
        assert_eq!(
            read_all(&[&bytes[..cut], &bytes[cut..]], 1024),
            whole,
            "cut at {cut}"
        );
    }
    for seed in 0..20 {
        assert_eq!(
            read_all(&common::chunks(bytes, seed), 1024),
            whole,
            "seed {seed}"
        );
    }
}

#[test]
fn record_past_the_limit_is_an_error_and_reading_goes_on() {
    let text = format!("a,b\n{},x\nok,1\n", "z".repeat(100));
    let out = read_all(&[text.as_bytes()], 32);
    assert_eq!(out[0].as_ref().unwrap().fields, vec!["a", "b"]);
    assert_eq!(
        out[1],
        Err(DecodeError::TooLong {
            at: Position::Line(2),
            limit: 32
        })
    );
    assert_eq!(out[2].as_ref().unwrap().fields, vec!["ok", "1"]);
}

#[test]
fn a_chunk_ending_at_the_third_byte_does_not_end_the_header() {
    // Regression: the first three bytes are held back to look for a byte order mark; when a
    // chunk ended right there, the empty rest went to csv-core, which reads an empty input as
    // the end of the stream, and the header was cut in two ("id," then "time,...").
    let text = b"id,time\n1,2\n";
    for size in [1, 3] {
        let chunks: Vec<&[u8]> = text.chunks(size).collect();
        let out = read_all(&chunks, 64);
        assert_eq!(
            out[0].as_ref().unwrap().fields,
            vec!["id", "time"],
            "{size}"
        );
    }
}

#[test]
fn invalid_utf8_is_an_error_with_offset() {
    let out = read_all(&[b"ab,c\xff\n"], 64);
    assert_eq!(
        out[0],
        Err(DecodeError::Utf8 {
            at: Position::Line(1),
            offset: 4,
            byte: 0xff,
        })
    );
}

fn trade_mapping() -> Mapping {
    let mut m = Mapping::new("ts", "px");
    m.id = Some("id".into());
    m.qty = Some("qty".into());
    m.side = Some("side".into());
    m.symbol = Some("sym".into());
    m.dims[Dim::Region.index()] = Some("region".into());
    m.time_format = TimeFormat::Epoch(EpochUnit::Millis);
    m
}

#[test]
fn generic_csv_with_mapping_streamed() {
    let text = "id,ts,px,qty,side,sym,region\n1,1700000000000,101.5,2,BUY,ABC,EU\nord-7,1700000000001.9,99,1,Ask,ABC,\n";
    let mut d = CsvDecoder::new(trade_mapping(), 1024);
    let mut all = Decoded::default();
    for c in common::chunks(text.as_bytes(), 3) {
        all.append(d.feed(c).unwrap());
    }
    all.append(d.finish().unwrap());
    assert_eq!(all.trades.len(), 2, "{:?}", all.rejects);
    let (a, b) = (&all.trades[0], &all.trades[1]);
    assert_eq!(
        (a.id, a.time_ms, a.price, a.qty, a.side),
        (1, 1_700_000_000_000, 101.5, 2.0, Some(Side::Buy))
    );
    assert_eq!(a.dims[Dim::Region.index()].as_deref(), Some("EU"));
    assert_eq!(b.id, tradelens_core::decode::text::fnv1a(b"ord-7"));
    // 1700000000001.9 ms floors to ...001.
    assert_eq!(
        (b.time_ms, b.side, b.dims[Dim::Region.index()].clone()),
        (1_700_000_000_001, Some(Side::Sell), None)
    );
}

#[test]
fn generic_csv_decimal_comma_and_datetime() {
    let mut m = Mapping::new("Datum", "Preis");
    m.decimal_comma = true;
    m.time_format = TimeFormat::DateTime {
        default_offset_min: Some(60),
    };
    let mut d = CsvDecoder::with_stream(m, CsvStream::with_delimiter(256, b';'));
    let mut out = d
        .feed("Datum;Preis\n2025-01-02 10:00:00;1.234,50\n".as_bytes())
        .unwrap();
    out.append(d.finish().unwrap());
    let t = &out.trades[0];
    assert_eq!(t.price, 1234.5);
    // 10:00 at +01:00 is 09:00Z.
    assert_eq!(t.time_ms % 86_400_000, 9 * 3_600_000);
    assert_eq!((t.qty, &*t.symbol), (1.0, "all"));
}

#[test]
fn generic_csv_errors() {
    let mut d = CsvDecoder::new(trade_mapping(), 1024);
    assert_eq!(
        d.feed(b"id,ts,qty,side,sym\n").unwrap_err(),
        DecodeError::MissingColumn {
            column: "px".into()
        }
    );
    let mut d = CsvDecoder::new(trade_mapping(), 1024);
    let out = d.feed(b"id,ts,px,qty,side,sym,region\n1,1700000000000,1e999,2,buy,A,\n2,,1,1,buy,A,\n3,1,1,1,long,A,\n").unwrap();
    let errs: Vec<(Option<&Position>, Option<Role>)> = out
        .rejects
        .iter()
        .map(|r| (r.error.position(), r.error.role()))
        .collect();
    assert_eq!(
        errs,
        vec![
            (Some(&Position::Line(2)), Some(Role::Price)),
            (Some(&Position::Line(3)), Some(Role::Time)),
            (Some(&Position::Line(4)), Some(Role::Side)),
        ]
    );
    assert!(out.rejects[0].raw.contains("1e999"));
}

#[test]
fn generic_json_array_and_ndjson() {
    let mut m = Mapping::new("/t", "/trade/price");
    m.qty = Some("/trade/qty".into());
    m.id = Some("id".into());
    m.symbol = Some("sym".into());
    let mut d = JsonDecoder::new(m);
    let arr = r#"[{"id":"a1","t":"2024-05-01T00:00:00Z","sym":"X","trade":{"price":0.1,"qty":"3"}},{"id":2,"t":"bad","sym":"X","trade":{"price":1,"qty":1}}, 5]"#;
    let out = d.decode_array(arr).unwrap();
    assert_eq!(out.trades.len(), 1);
    assert_eq!((out.trades[0].price, out.trades[0].qty), (0.1, 3.0));
    assert_eq!(out.rejects[0].error.role(), Some(Role::Time));
    assert!(matches!(
        out.rejects[1].error,
        DecodeError::Shape {
            at: Position::Item(2),
            ..
        }
    ));
    let nd = "{\"id\":1,\"t\":\"2024-05-01T00:00:00Z\",\"sym\":\"X\",\"trade\":{\"price\":2,\"qty\":1}}\n\n{oops\n";
    let out = d.decode_ndjson(nd, 1);
    assert_eq!(out.trades.len(), 1);
    assert_eq!(out.rejects[0].error.position(), Some(&Position::Line(3)));
    assert!(matches!(
        d.decode_array("[1,"),
        Err(DecodeError::Truncated { .. })
    ));
    assert!(matches!(
        d.decode_array("[1,}"),
        Err(DecodeError::Json { .. })
    ));
}

#[test]
fn json_numbers_are_correctly_rounded() {
    // 1 + 2^-53 is exactly halfway between 1 and the next f64 (1 + 2^-52): ties go to even, 1.
    // One more digit at the end tips it over to 1 + 2^-52.
    let mut m = Mapping::new("t", "p");
    m.time_format = TimeFormat::Epoch(EpochUnit::Seconds);
    let mut d = JsonDecoder::new(m);
    let text = r#"[{"t":1700000000,"p":1.00000000000000011102230246251565404236316680908203125},
                   {"t":1700000000,"p":1.00000000000000011102230246251565404236316680908203126}]"#;
    let out = d.decode_array(text).unwrap();
    assert_eq!(out.trades[0].price, 1.0);
    assert_eq!(out.trades[1].price, 1.0 + f64::EPSILON);
}

#[test]
fn ndjson_stream_any_split_and_line_limit() {
    let nd = "{\"id\":1,\"ts\":1700000000000,\"px\":\"1.5\",\"qty\":2,\"side\":\"b\",\"sym\":\"Ä\"}\r\n\n{\"id\":2,\"ts\":1700000000001,\"px\":3,\"qty\":1,\"sym\":\"B\",\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n{\"id\":3,\"ts\":1700000000002,\"px\":4,\"qty\":1,\"sym\":\"C\"}";
    let run = |seed: u64| {
        let mut s = NdjsonStream::new(trade_mapping(), 100);
        let mut out = Decoded::default();
        for c in common::chunks(nd.as_bytes(), seed) {
            out.append(s.feed(c));
        }
        out.append(s.finish());
        out
    };
    let first = run(0);
    let ids: Vec<u64> = first.trades.iter().map(|t| t.id).collect();
    assert_eq!(ids, vec![1, 3]);
    assert_eq!(&*first.trades[0].symbol, "Ä");
    assert_eq!(
        first.rejects[0].error,
        DecodeError::TooLong {
            at: Position::Line(3),
            limit: 100
        }
    );
    for seed in 1..20 {
        assert_eq!(run(seed), first, "seed {seed}");
    }
}

#[test]
fn never_panics_on_mutated_input() {
    let csv = "id,ts,px,qty,side,sym,region\n1,1700000000000,101.5,2,BUY,ABC,EU\n\"q\"\"x\",1,\"2,5\",1,s,\"A\nB\",\n";
    for (k, m) in common::mutations(csv.as_bytes(), 11, 600)
        .iter()
        .enumerate()
    {
        let mut d = CsvDecoder::new(trade_mapping(), 48);
        for c in common::chunks(m, k as u64) {
            let _ = d.feed(c);
        }
        let _ = d.finish();
    }
    let mut d = JsonDecoder::new(trade_mapping());
    let json =
        r#"[{"id":1,"ts":1700000000000,"px":"1.5","qty":2,"side":"b","sym":"A","region":null}]"#;
    for m in common::text_mutations(json, 12, 600) {
        let _ = d.decode_array(&m);
        let _ = d.decode_ndjson(&m, 1);
        let mut s = NdjsonStream::new(trade_mapping(), 40);
        let _ = s.feed(m.as_bytes());
        let _ = s.finish();
    }
}
