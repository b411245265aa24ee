//! The hostile corpus: markup, huge numbers, NaN, cut-off JSON, over-long records and wrong
//! encodings. Each gives a reject (or a refusal of the whole input) that says where and what,
//! and the rows around it still decode, whatever the chunking.

mod common;

use tradelens_core::clean::{CleanConfig, Cleaner, Reason};
use tradelens_core::decode::binance::Binance;
use tradelens_core::decode::encoding::sniff;
use tradelens_core::decode::generic::{CsvDecoder, JsonArrayStream, Mapping, NdjsonStream};
use tradelens_core::decode::time::EpochUnit;
use tradelens_core::decode::{DecodeError, Decoded, Position, Role};
use tradelens_core::model::Trade;

fn mapping() -> Mapping {
    let mut m = Mapping::new("time", "price");
    m.id = Some("id".into());
    m.qty = Some("qty".into());
    m.symbol = Some("product".into());
    m.time_format = tradelens_core::decode::generic::TimeFormat::Epoch(EpochUnit::Millis);
    m
}

/// Every way of cutting `bytes` into chunks gives the same result as one chunk.
fn same_for_any_chunking(bytes: &[u8], run: impl Fn(&[&[u8]]) -> Decoded) -> Decoded {
    let whole = run(&[bytes]);
    for seed in 0..16 {
        assert_eq!(run(&common::chunks(bytes, seed)), whole, "seed {seed}");
    }
    whole
}

/// A stream decoder as one function of a chunk and whether the stream ends there.
type Step = Box<dyn FnMut(&[u8], bool) -> Decoded>;

/// Feeds `bytes` to fresh decoders made by `start`, whole and in chunks.
fn streamed(bytes: &[u8], start: impl Fn() -> Step) -> Decoded {
    same_for_any_chunking(bytes, |chunks| {
        let mut step = start();
        let mut out = Decoded::default();
        for c in chunks {
            out.append(step(c, false));
        }
        out.append(step(&[], true));
        out
    })
}

fn csv(bytes: &[u8]) -> Decoded {
    streamed(bytes, || {
        let mut d = CsvDecoder::new(mapping(), 64);
        Box::new(move |c, eof| if eof { d.finish() } else { d.feed(c) }.unwrap())
    })
}

fn ndjson(bytes: &[u8]) -> Decoded {
    streamed(bytes, || {
        let mut d = NdjsonStream::new(mapping(), 96);
        Box::new(move |c, eof| if eof { d.finish() } else { d.feed(c) })
    })
}

fn array(bytes: &[u8]) -> Decoded {
    streamed(bytes, || {
        let mut d = JsonArrayStream::new(mapping(), 96);
        Box::new(move |c, eof| if eof { d.finish() } else { d.feed(c) }.unwrap())
    })
}

fn ids(d: &Decoded) -> Vec<u64> {
    d.trades.iter().map(|t| t.id).collect()
}

fn errors(d: &Decoded) -> Vec<String> {
    d.rejects.iter().map(|r| r.error.to_string()).collect()
}

#[test]
fn markup_and_formulas_are_kept_as_plain_text() {
    let text = "id,time,price,qty,product\n\
                1,1700000000000,10,1,<img src=x onerror=alert(1)>\n\
                2,1700000000000,10,1,javascript:alert(1)\n\
                3,1700000000000,10,1,\"=HYPERLINK(\"\"javascript:alert(1)\"\",\"\"x\"\")\"\n";
    let d = csv(text.as_bytes());
    let symbols: Vec<&str> = d.trades.iter().map(|t| &*t.symbol).collect();
    assert_eq!(
        symbols,
        vec![
            "<img src=x onerror=alert(1)>",
            "javascript:alert(1)",
            "=HYPERLINK(\"javascript:alert(1)\",\"x\")"
        ]
    );
}

#[test]
fn bad_amounts_are_rejected_naming_line_and_value() {
    // Regression: `-0`, and 1e308 × 2 (which overflowed revenue to infinity and then NaN),
    // reached the engine or were rejected without a line.
    let text = "id,time,price,qty,product\n\
                1,1700000000000,1e400,1,a\n\
                2,1700000000000,NaN,1,a\n\
                3,1700000000000,-0,1,a\n\
                4,1700000000000,10,Infinity,a\n\
                5,1700000000000,1e308,2,a\n\
                6,1700000000000,1e14,100,a\n\
                99999999999999999999999,1700000000000,10,1,a\n\
                8,99999999999999999999999,10,1,a\n";
    let d = csv(text.as_bytes());
    // A 23-digit id is not a number that fits: like any textual id, it is hashed.
    assert_eq!(d.trades.len(), 1);
    assert_eq!(
        errors(&d),
        vec![
            "line 2: field `price` (price) has value `1e400`, expected a decimal number",
            "line 3: field `price` (price) has value `NaN`, expected a decimal number",
            "line 4: field `price` (price) has value `-0`, expected a number above 0 and at most 1e15",
            "line 5: field `qty` (quantity) has value `Infinity`, expected a decimal number",
            "line 6: field `price` (price) has value `1e308`, expected a number above 0 and at most 1e15",
            "line 7: field `qty` (quantity) has value `100 (price × quantity = 1e16)`, expected price × quantity at most 1e15",
            "line 9: field `time` (time) has value `99999999999999999999999`, expected a time in the mapped format",
        ]
    );
}

#[test]
fn the_cleaner_bounds_amounts_from_any_decoder() {
    let t = |id, price, qty| Trade {
        id,
        time_ms: 1_700_000_000_000,
        price,
        qty,
        side: None,
        symbol: "X".into(),
        dims: Default::default(),
    };
    let mut c = Cleaner::new(CleanConfig::default());
    let batch = Decoded {
        trades: vec![
            t(1, 1e308, 2.0),
            t(2, -0.0, 1.0),
            t(3, 1e10, 1e10),
            t(4, 1e15, 1.0),
            t(5, f64::NAN, 1.0),
        ],
        ..Decoded::default()
    };
    let out = c.clean("f", batch, 1_700_000_000_000);
    assert_eq!(out.accepted.iter().map(|t| t.id).collect::<Vec<_>>(), [4]);
    let counts = &c.report().total.by_reason;
    assert_eq!(counts[&Reason::InvalidPrice], 3);
    assert_eq!(counts[&Reason::InvalidQuantity], 1);
    // Huge numbers are written short in the quarantine.
    let raw: Vec<&str> = c.quarantine().entries().map(|e| e.raw.as_str()).collect();
    assert!(raw[0].contains("price=1e308 qty=2"), "{}", raw[0]);
}

#[test]
fn a_cut_off_array_keeps_its_whole_elements() {
    let head = r#"[{"id":1,"time":1700000000000,"price":10,"qty":1,"product":"a"},
                  {"id":2,"time":1700000000000,"price":11,"qty":1,"product":"b"}"#;
    let cut_inside = format!(r#"{head},{{"id":3,"time":17000"#);
    let d = array(cut_inside.as_bytes());
    assert_eq!(ids(&d), [1, 2]);
    assert_eq!(
        d.rejects[0].error,
        DecodeError::Truncated {
            at: Position::Item(2)
        }
    );
    assert_eq!(d.rejects[0].raw, r#"{"id":3,"time":17000"#);
    // Cut just before the closing bracket: every element is there, the end is not.
    for cut in [format!("{head},"), head.to_string()] {
        let d = array(cut.as_bytes());
        assert_eq!(ids(&d), [1, 2]);
        assert_eq!(
            errors(&d),
            ["item 2: the text ends in the middle of a JSON value: it was cut off (truncated)"]
        );
    }
    let mut d = JsonArrayStream::new(mapping(), 96);
    assert_eq!(
        d.feed(b"{\"id\":1}\n").unwrap_err().to_string(),
        "expected a JSON array (`[`), found `{`"
    );
}

#[test]
fn huge_json_numbers_reject_their_element() {
    let text = r#"[{"id":1,"time":1700000000000,"price":1e400,"qty":1,"product":"a"},
                   {"id":99999999999999999999999,"time":1700000000000,"price":10,"qty":1,"product":"a"}]"#;
    let d = array(text.as_bytes());
    assert_eq!(d.trades.len(), 1);
    assert_eq!(
        errors(&d),
        ["malformed JSON at item 0: number out of range (at line 1, column 42 of the item)"]
    );
}

#[test]
fn a_cut_off_last_ndjson_line_is_named() {
    let text = "{\"id\":1,\"time\":1700000000000,\"price\":10,\"qty\":1,\"product\":\"a\"}\n\
                {\"id\":2,\"time\":1700000000000,\"price\":11,\"qty\":1,\"product\":\"b\"}\n\
                {\"id\":3,\"time\":17";
    let d = ndjson(text.as_bytes());
    assert_eq!(ids(&d), [1, 2]);
    assert_eq!(
        errors(&d),
        ["line 3: the text ends in the middle of a JSON value: it was cut off (truncated)"]
    );
}

#[test]
fn an_over_long_line_is_skipped_and_the_rest_decodes() {
    let row = |id: u32| {
        format!("{{\"id\":{id},\"time\":1700000000000,\"price\":1,\"qty\":1,\"product\":\"a\"}}\n")
    };
    let text = format!("{}{{\"pad\":\"{}\"}}\n{}", row(1), "x".repeat(500), row(3));
    let d = ndjson(text.as_bytes());
    assert_eq!(ids(&d), [1, 3]);
    assert_eq!(
        errors(&d),
        ["line 2: the record is longer than 96 bytes, the limit: skipped"]
    );
    let text = format!(
        "[{},{{\"pad\":\"{}\"}},{}]",
        row(1),
        "x".repeat(500),
        row(3)
    );
    let d = array(text.as_bytes());
    assert_eq!(ids(&d), [1, 3]);
    assert_eq!(
        errors(&d),
        ["item 1: the record is longer than 96 bytes, the limit: skipped"]
    );
}

#[test]
fn bytes_that_are_not_utf8_are_named_with_their_offset() {
    // Latin-1 "é" (E9) in line 3 of a file with a UTF-8 byte order mark: the offset counts the
    // mark, as a hex editor would.
    let text = b"\xef\xbb\xbfid,time,price,qty,product\n1,1700000000000,10,1,caf\xc3\xa9\n2,1700000000000,10,1,\"caf\xe9\"\n";
    let d = csv(text);
    assert_eq!(ids(&d), [1]);
    let offset = text.iter().position(|&b| b == 0xe9).unwrap() as u64;
    assert_eq!(
        d.rejects[0].error,
        DecodeError::Utf8 {
            at: Position::Line(3),
            offset,
            byte: 0xe9
        }
    );
    assert_eq!(
        errors(&d),
        [format!("line 3: not valid UTF-8: byte 0xE9 at offset {offset} (text in Latin-1 or Windows-1252? save it as UTF-8)")]
    );
    let nd = b"{\"id\":1,\"time\":1700000000000,\"price\":1,\"qty\":1,\"product\":\"ok\"}\n{\"id\":2,\"product\":\"\xc0\xaf\"}\n";
    let d = ndjson(nd);
    assert_eq!(ids(&d), [1]);
    let offset = nd.iter().position(|&b| b == 0xc0).unwrap() as u64;
    assert!(
        matches!(d.rejects[0].error, DecodeError::Utf8 { at: Position::Line(2), offset: o, byte: 0xc0 } if o == offset)
    );
    let arr =
        b"[{\"id\":1,\"time\":1700000000000,\"price\":1,\"qty\":1,\"product\":\"\xed\xa0\x80\"}]";
    let d = array(arr);
    assert!(matches!(
        d.rejects[0].error,
        DecodeError::Utf8 {
            at: Position::Item(0),
            offset: 59,
            byte: 0xed
        }
    ));
}

#[test]
fn a_utf8_byte_order_mark_simply_works() {
    let row = "{\"id\":1,\"time\":1700000000000,\"price\":1,\"qty\":1,\"product\":\"a\"}";
    let d = ndjson(format!("\u{feff}{row}\n").as_bytes());
    assert_eq!((ids(&d), d.rejects.len()), (vec![1], 0));
    let d = array(format!("\u{feff}[{row}]").as_bytes());
    assert_eq!((ids(&d), d.rejects.len()), (vec![1], 0));
    let d = csv("\u{feff}id,time,price,qty,product\n1,1700000000000,1,1,a\n".as_bytes());
    assert_eq!((ids(&d), d.rejects.len()), (vec![1], 0));
    assert_eq!(sniff("\u{feff}id".as_bytes()), Ok(3));
}

#[test]
fn utf16_is_refused_as_a_whole_with_a_reason() {
    let utf16: Vec<u8> = "\u{feff}id,time,price\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert_eq!(
        sniff(&utf16).unwrap_err().to_string(),
        "the text is UTF-16 little-endian, not UTF-8 (it starts with the byte order mark FF FE): save it as UTF-8 and try again"
    );
}

#[test]
fn venue_numbers_out_of_range_name_their_field() {
    let msg = |t: &str, p: &str| {
        format!(
            r#"{{"e":"trade","E":1700000000000,"s":"BTCUSDT","t":{t},"p":"{p}","q":"1","T":1700000000000,"m":true}}"#
        )
    };
    let mut b = Binance::new(EpochUnit::Millis, "BTCUSDT");
    let d = b.decode(&msg("99999999999999999999999", "1")).unwrap();
    assert_eq!(
        errors(&d),
        ["message: field `t` (id) has value `99999999999999999999999`, expected a non-negative integer or a string"]
    );
    let d = b.decode(&msg("1", "1e400")).unwrap();
    assert_eq!(d.rejects[0].error.role(), Some(Role::Price));
    let d = b
        .decode(&msg("1", "1").replace("\"T\":1700000000000", "\"T\":1e400"))
        .unwrap();
    assert_eq!(
        errors(&d),
        ["message: field `T` (time) has value `1e400`, expected an integer"]
    );
    assert!(matches!(
        b.decode(r#"{"e":"trade","E":"#),
        Err(DecodeError::Truncated { .. })
    ));
}

#[test]
fn a_stray_symbol_on_a_single_symbol_stream_is_rejected() {
    let mut b = Binance::new(EpochUnit::Millis, "BTCUSDT");
    let text = r#"{"e":"trade","E":1700000000000,"s":"<img src=x onerror=alert(1)>","t":7,"p":"1","q":"1","T":1700000000000,"m":true}"#;
    let mut d = b.decode(text).unwrap();
    d.keep_symbol("btcusdt", text);
    assert!(d.trades.is_empty());
    assert_eq!(
        errors(&d),
        ["message: field `symbol` (symbol) has value `<img src=x onerror=alert(1)>`, expected the symbol this feed subscribed to"]
    );
    assert_eq!(d.rejects[0].raw, text);
    let mut d = b
        .decode(&text.replace("<img src=x onerror=alert(1)>", "BTCUSDT"))
        .unwrap();
    d.keep_symbol("btcusdt", text);
    assert_eq!(d.trades.len(), 1);
}
