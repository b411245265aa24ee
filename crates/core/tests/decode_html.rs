//! HTML pages: the mapping text, cell selectors, and extracted cells through the generic
//! conversions. The cells here are written by hand, as a parser would extract them.

mod common;

use tradelens_core::decode::generic::{split_entries, Mapping, TimeFormat, TARGETS};
use tradelens_core::decode::html::{
    guess_fields, normalize, suggest_cells, CellInfo, CellRow, CellSelector, HtmlDecoder,
    HtmlMapping, HtmlMappingError,
};
use tradelens_core::decode::text::fnv1a;
use tradelens_core::decode::time::EpochUnit;
use tradelens_core::decode::{Control, DecodeError, Position, Role};
use tradelens_core::feed::preview::{preview_cells, SampleFormat};
use tradelens_core::model::{Dim, Side};

fn row(cells: &[Option<&str>]) -> CellRow {
    cells.iter().map(|c| c.map(str::to_string)).collect()
}

fn decoder(text: &str) -> HtmlDecoder {
    HtmlDecoder::new(HtmlMapping::parse(text).unwrap()).unwrap()
}

#[test]
fn mapping_text_splits_only_before_a_field_name() {
    let m = HtmlMapping::parse(
        "row=table#orders > tbody > tr, time=td.t time@datetime,price=td.p, td.price,\
         qty=td:nth-child(4),symbol=td[data-x=\"a,b\"],category=td.cat",
    )
    .unwrap();
    assert_eq!(m.rows, "table#orders > tbody > tr");
    assert_eq!(m.fields.time, "td.t time@datetime");
    // `, td.price` is not followed by FIELD=: the selector list keeps its comma.
    assert_eq!(m.fields.price, "td.p, td.price");
    assert_eq!(m.fields.qty.as_deref(), Some("td:nth-child(4)"));
    assert_eq!(m.fields.symbol.as_deref(), Some("td[data-x=\"a,b\"]"));
    assert_eq!(
        m.fields.dims[Dim::Category.index()].as_deref(),
        Some("td.cat")
    );
    assert_eq!(m.fields.id, None);
    // The generic splitter is the same rule, for any list of field names.
    assert_eq!(
        split_entries("price=Amount, net,time = Created (UTC) ,", &TARGETS),
        ["price=Amount, net", "time = Created (UTC)"]
    );
    assert_eq!(split_entries(" , ", &TARGETS), Vec::<&str>::new());
}

#[test]
fn cells_are_distinct_and_in_mapping_order() {
    let m = HtmlMapping::parse("row=tr,price=td.p,time=@data-t,id=td.p,side=td.s").unwrap();
    let cells = m.cells().unwrap();
    let specs: Vec<String> = cells.iter().map(CellSelector::spec).collect();
    // Order of `Mapping::sources`: id, time, price, qty, side, symbol, dims; td.p once.
    assert_eq!(specs, ["td.p", "@data-t", "td.s"]);
    assert_eq!(
        cells[1],
        CellSelector {
            css: String::new(),
            attr: Some("data-t".into())
        }
    );
}

#[test]
fn selectors_are_checked_for_balance_and_attribute_names() {
    let ok = |s: &str| CellSelector::parse("price", s).unwrap();
    assert_eq!(ok(" td.p ").css, "td.p");
    let t = ok("td time @ DateTime");
    assert_eq!(
        (t.css.as_str(), t.attr.as_deref()),
        ("td time", Some("datetime"))
    );
    // An @ inside brackets or quotes belongs to the CSS.
    let mail = ok("a[href$=\"@example.org\"]");
    assert_eq!(mail.attr, None);
    assert_eq!(mail.css, "a[href$=\"@example.org\"]");
    let both = ok("a[title='x@y']@href");
    assert_eq!(
        (both.css.as_str(), both.attr.as_deref()),
        ("a[title='x@y']", Some("href"))
    );
    let err = |s: &str| CellSelector::parse("price", s).unwrap_err();
    assert!(matches!(err(""), HtmlMappingError::Empty { .. }));
    assert!(matches!(err("   "), HtmlMappingError::Empty { .. }));
    for bad in ["td[x", "td)", "td:not(.a", "td[x='a]", "td\\", "td@x\"y"] {
        assert!(
            matches!(err(bad), HtmlMappingError::Unbalanced { .. }),
            "{bad}"
        );
    }
    for bad in ["td@", "td@1x", "td@on click", "td@x=y", "td@<b>"] {
        assert!(
            matches!(err(bad), HtmlMappingError::BadAttribute { .. }),
            "{bad}"
        );
    }
    assert!(matches!(
        err(&"a".repeat(2000)),
        HtmlMappingError::TooLong { limit: 1024, .. }
    ));
    let msg = err("td[x").to_string();
    assert_eq!(
        msg,
        "the selector for `price` has an unbalanced bracket, parenthesis or quote: `td[x`"
    );
}

#[test]
fn a_mapping_needs_rows_time_and_price() {
    let e = |t: &str| HtmlMapping::parse(t).unwrap_err();
    assert_eq!(
        e("time=a,price=b"),
        HtmlMappingError::Missing { field: "row" }
    );
    assert_eq!(
        e("row=tr,price=b"),
        HtmlMappingError::Missing { field: "time" }
    );
    assert_eq!(
        e("row=tr,time=a"),
        HtmlMappingError::Missing { field: "price" }
    );
    // An unknown field is not split off, so it shows as an `=` no selector can have.
    let typo = e("row=tr,time=a,price=b,colour=c");
    assert!(matches!(&typo, HtmlMappingError::StrayEquals { field, .. } if field == "price"));
    assert!(typo.to_string().contains("misspelt field"), "{typo}");
    assert!(matches!(
        e("tr,time=a,price=b"),
        HtmlMappingError::NotAnEntry { .. }
    ));
    assert!(matches!(
        e("row=tr@class,time=a,price=b"),
        HtmlMappingError::RowAttribute { .. }
    ));
    assert!(matches!(
        e("row=tr,time=a,price=b[x"),
        HtmlMappingError::Unbalanced { field, .. } if field == "price"
    ));
    // A field given twice keeps its last selector.
    let m = HtmlMapping::parse("row=tr,time=a,price=b,price=c").unwrap();
    assert_eq!(m.fields.price, "c");
}

#[test]
fn rows_convert_like_csv_rows_and_errors_name_row_and_selector() {
    let mut d = decoder(
        "row=tbody tr,id=td.id,time=td.t time@datetime,price=td.p,qty=td.q,side=td.s,\
         symbol=td.sym,region=td.r",
    );
    // Cell order: id, time, price, qty, side, symbol, region.
    let rows = vec![
        row(&[
            Some("1001"),
            Some("2025-10-07T09:50:26Z"),
            Some(" 10.50 "),
            Some("2"),
            Some("BUY"),
            Some("Blue \n   shirt"),
            Some("DE"),
        ]),
        row(&[
            Some("1002"),
            Some("2025-10-07T09:51:00Z"),
            Some("abc"),
            Some("1"),
            None,
            Some("cap"),
            None,
        ]),
        row(&[
            Some("1003"),
            None,
            Some("3"),
            Some("1"),
            None,
            Some("cap"),
            None,
        ]),
        row(&[
            Some("1004"),
            Some("2025-10-07T09:52:00Z"),
            Some("4"),
            Some("1"),
            Some("long"),
            Some("cap"),
            None,
        ]),
    ];
    let out = d.decode_rows(&rows, 1);
    assert_eq!(out.trades.len(), 1);
    let t = &out.trades[0];
    // 2025-10-07T09:50:26Z = 1759830626 s since the epoch.
    assert_eq!(
        (t.id, t.time_ms, t.price, t.qty),
        (1001, 1_759_830_626_000, 10.5, 2.0)
    );
    assert_eq!(t.side, Some(Side::Buy));
    assert_eq!(&*t.symbol, "Blue shirt");
    assert_eq!(t.dims[Dim::Region.index()].as_deref(), Some("DE"));
    let errors: Vec<String> = out.rejects.iter().map(|r| r.error.to_string()).collect();
    assert_eq!(
        errors,
        [
            "row 2: field `td.p` (price) has value `abc`, expected a decimal number",
            "row 3: field `td.t time@datetime` (time) is missing",
            "row 4: field `td.s` (side) has value `long`, expected buy/sell/b/s/bid/ask",
        ]
    );
    // The raw text of a reject is its cells as a CSV line, in cell order.
    assert_eq!(out.rejects[0].raw, "1002,2025-10-07T09:51:00Z,abc,1,,cap,");
    // A page decoded from another first row numbers from there.
    let again = d.decode_rows(&rows[1..2], 7);
    assert_eq!(again.rejects[0].error.position(), Some(&Position::Row(7)));
}

#[test]
fn time_formats_and_decimal_commas_are_the_generic_ones() {
    let mut m = HtmlMapping::parse("row=tr,time=td.t,price=td.p,qty=td.q").unwrap();
    m.fields.time_format = TimeFormat::Epoch(EpochUnit::Millis);
    m.fields.decimal_comma = true;
    let mut d = HtmlDecoder::new(m).unwrap();
    let out = d.decode_rows(
        &[row(&[Some("1700000000123"), Some("1.234,5"), Some("0,25")])],
        1,
    );
    assert!(out.rejects.is_empty(), "{:?}", out.rejects);
    assert_eq!(
        (
            out.trades[0].time_ms,
            out.trades[0].price,
            out.trades[0].qty
        ),
        (1_700_000_000_123, 1234.5, 0.25)
    );
    // Without an offset a date-time is refused unless the mapping gives a default offset.
    let mut d = decoder("row=tr,time=td.t,price=td.p");
    let out = d.decode_rows(&[row(&[Some("2025-10-07 09:50:26"), Some("1")])], 1);
    assert_eq!(out.rejects[0].error.role(), Some(Role::Time));
    let mut m = HtmlMapping::parse("row=tr,time=td.t,price=td.p").unwrap();
    m.fields.time_format = TimeFormat::DateTime {
        default_offset_min: Some(60),
    };
    let out = HtmlDecoder::new(m)
        .unwrap()
        .decode_rows(&[row(&[Some("2025-10-07 09:50:26"), Some("1")])], 1);
    // 09:50:26 at +01:00 is 08:50:26Z.
    assert_eq!(out.trades[0].time_ms, 1_759_830_626_000 - 3_600_000);
}

#[test]
fn hostile_cells_are_text_or_rejects_never_trades_with_bad_numbers() {
    let mut d = decoder("row=tr,id=td.id,time=td.t,price=td.p,symbol=td.s");
    let t = "2025-10-07T09:50:26Z";
    // f64::MAX written out in full: 309 digits.
    let max = format!("{:.0}", f64::MAX);
    let cases: [(&str, &str, &str); 9] = [
        ("1", "NaN", "tea"),
        ("2", "inf", "tea"),
        ("3", "1e400", "tea"),
        ("4", "-Infinity", "tea"),
        ("5", "<b>5</b>", "tea"),
        ("6", "0x10", "tea"),
        ("7", "12.5", "<img src=x onerror=alert(1)>"),
        ("javascript:alert(1)", "3", "=HYPERLINK(\"x\")"),
        ("9", max.as_str(), "big"),
    ];
    let rows: Vec<CellRow> = cases
        .iter()
        .map(|(id, p, s)| row(&[Some(id), Some(t), Some(p), Some(s)]))
        .collect();
    let out = d.decode_rows(&rows, 1);
    // Rows 1-6 have no finite decimal price; row 9's price is f64::MAX written out in full,
    // past the largest amount the generic decoders take (`clean::MAX_AMOUNT`).
    let rejected: Vec<u64> = out
        .rejects
        .iter()
        .map(|r| match r.error.position() {
            Some(Position::Row(n)) => *n,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(rejected, [1, 2, 3, 4, 5, 6, 9]);
    for r in &out.rejects {
        assert_eq!(r.error.role(), Some(Role::Price));
    }
    assert_eq!(out.trades.len(), 2);
    assert!(out.trades.iter().all(|t| t.price.is_finite()));
    // Markup and formulas stay text: whoever shows them must show them as text.
    assert_eq!(&*out.trades[0].symbol, "<img src=x onerror=alert(1)>");
    assert_eq!(&*out.trades[1].symbol, "=HYPERLINK(\"x\")");
    // A textual id is hashed like any other.
    assert_eq!(out.trades[1].id, fnv1a(b"javascript:alert(1)"));
    // A huge epoch does not overflow into a time.
    let mut m = HtmlMapping::parse("row=tr,time=td.t,price=td.p").unwrap();
    m.fields.time_format = TimeFormat::Epoch(EpochUnit::Seconds);
    let out = HtmlDecoder::new(m)
        .unwrap()
        .decode_rows(&[row(&[Some("99999999999999999999999999"), Some("1")])], 1);
    assert!(matches!(
        &out.rejects[0].error,
        DecodeError::Invalid {
            role: Role::Time,
            ..
        }
    ));
}

#[test]
fn header_rows_are_skipped_and_ids_hash_the_cells() {
    let mut d = decoder("row=tr,time=td.t,price=td.p");
    let rows = vec![
        row(&[None, None]),
        row(&[Some("2025-10-07T09:50:26Z"), Some("10.5")]),
        // Same cells, other whitespace: the same order once normalised.
        row(&[Some(" 2025-10-07T09:50:26Z\n"), Some("10.5 ")]),
        // Fewer cells than the mapping has: the rest are absent.
        row(&[Some("2025-10-07T09:50:27Z")]),
    ];
    let out = d.decode_rows(&rows, 1);
    assert!(matches!(
        &out.events[..],
        [Control::Skipped {
            at: Position::Row(1),
            ..
        }]
    ));
    assert_eq!(out.trades.len(), 2);
    // Without an id cell, the id is FNV-1a of the cells as one CSV line.
    assert_eq!(out.trades[0].id, fnv1a(b"2025-10-07T09:50:26Z,10.5"));
    assert_eq!(out.trades[0].id, out.trades[1].id);
    assert_eq!(out.rejects.len(), 1);
    assert_eq!(out.rejects[0].error.role(), Some(Role::Price));
}

#[test]
fn cell_text_is_normalised_once_for_every_parser() {
    assert_eq!(normalize("  a \n\t b\u{a0} c  "), "a b c");
    assert_eq!(normalize("plain text"), "plain text");
    assert!(matches!(normalize(" x "), std::borrow::Cow::Borrowed("x")));
    assert_eq!(normalize("\n\n"), "");
}

#[test]
fn suggestions_prefer_unique_classes_and_datetime_attributes() {
    let cell = |tag: &str, classes: &[&str], header: Option<&str>, dt: bool| CellInfo {
        tag: tag.into(),
        classes: classes.iter().map(|c| c.to_string()).collect(),
        header: header.map(str::to_string),
        has_datetime: dt,
    };
    let row = [
        cell("td", &["num", "id"], Some("Order"), false),
        cell("td", &["when"], Some(" Time "), true),
        cell("td", &["num"], Some("Price"), false),
        cell("td", &["num"], Some("Quantity"), false),
        cell("td", &["x y"], None, false),
        cell("th", &[], Some("Product"), false),
    ];
    let s = suggest_cells(&row);
    let pairs: Vec<(&str, &str)> = s
        .iter()
        .map(|s| (s.spec.as_str(), s.label.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("td.id", "Order"),
            ("td.when time@datetime", "Time"),
            ("td.when", "Time"),
            ("td:nth-child(3)", "Price"),
            ("td:nth-child(4)", "Quantity"),
            ("td:nth-child(5)", "column 5"),
            ("th:nth-child(6)", "Product"),
        ]
    );
    let m = guess_fields(&s).unwrap();
    assert_eq!(m.time, "td.when time@datetime");
    assert_eq!(m.price, "td:nth-child(3)");
    assert_eq!(m.qty.as_deref(), Some("td:nth-child(4)"));
    assert_eq!(m.symbol.as_deref(), Some("th:nth-child(6)"));
    assert_eq!(m.id, None);
    assert_eq!(guess_fields(&s[3..]), None, "no time column");
}

#[test]
fn the_preview_decodes_only_the_first_rows() {
    let m = HtmlMapping::parse("row=tr,time=td.t,price=td.p").unwrap();
    let rows: Vec<CellRow> = (0..20)
        .map(|i| {
            row(&[
                Some("2025-10-07T09:50:26Z"),
                Some(if i % 2 == 0 { "1" } else { "x" }),
            ])
        })
        .collect();
    let p = preview_cells(&m, &rows, vec!["td.t".into()], 3).unwrap();
    assert_eq!((p.decoded.trades.len(), p.decoded.rejects.len()), (3, 3));
    assert_eq!(p.fields, ["td.t"]);
    assert_eq!(SampleFormat::guess("saved/Orders.HTM"), SampleFormat::Html);
    assert_eq!(SampleFormat::from_name("html"), Some(SampleFormat::Html));
    let bad = HtmlMapping {
        rows: "tr".into(),
        fields: Mapping::new("td[", "td.p"),
    };
    assert!(preview_cells(&bad, &rows, vec![], 3).is_err());
}

#[test]
fn arbitrary_mapping_texts_and_cells_never_panic() {
    let mut rng = fastrand::Rng::with_seed(7);
    let alphabet: Vec<char> = "row=time,price@[]()'\"\\ td.:#>*+~ idqtysideÿ€\n\t0123456789-eE"
        .chars()
        .collect();
    let text = |rng: &mut fastrand::Rng, n: usize| -> String {
        (0..rng.usize(0..n))
            .map(|_| alphabet[rng.usize(0..alphabet.len())])
            .collect()
    };
    let mut decoded = 0;
    for _ in 0..3000 {
        let t = format!(
            "row={},time={},price={}",
            text(&mut rng, 8),
            text(&mut rng, 8),
            text(&mut rng, 8)
        );
        let Ok(m) = HtmlMapping::parse(&t) else {
            continue;
        };
        let Ok(mut d) = HtmlDecoder::new(m) else {
            continue;
        };
        let rows: Vec<CellRow> = (0..rng.usize(0..5))
            .map(|_| {
                (0..rng.usize(0..6))
                    .map(|_| rng.bool().then(|| text(&mut rng, 24)))
                    .collect()
            })
            .collect();
        let out = d.decode_rows(&rows, u64::MAX - 2);
        assert!(out.trades.iter().all(|t| t.price.is_finite()));
        decoded += 1;
    }
    assert!(decoded > 100, "only {decoded} mappings parsed");
}
