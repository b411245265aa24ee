//! HTML pages: the first line is a mapping text (`row=...,time=...,price=...`), the rest a
//! page. The mapping is parsed by the core; the page goes through the command line's parser
//! (html5ever + selectors) and its cells through the core's HtmlDecoder. The rest is also read
//! as cells directly (rows by line, cells by tab, `\x01` for an absent cell), which reaches
//! the conversions with any text, and as sample cells for the selector suggestions.
//!
//! And a law: `quiet_styles` changes nothing a mapping reads, as html5ever reads the page
//! (`outline`; pages with inline SVG or MathML excepted, see `quiet_styles`).
#![no_main]
use libfuzzer_sys::fuzz_target;
use tradelens_cli::html::{outline, parse_scripting_off};
use tradelens_core::decode::generic::TimeFormat;
use tradelens_core::decode::html::{
    guess_fields, quiet_styles, suggest_cells, CellInfo, CellRow, HtmlDecoder, HtmlMapping,
};
use tradelens_core::decode::time::EpochUnit;

const FALLBACK: &str = "row=tr,id=@data-id,time=td.t time@datetime,price=td.p,qty=td:nth-child(3),side=td.s,symbol=td.sym,region=td.r";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (first, page) = text.split_once('\n').unwrap_or((&text, ""));
    let mut mapping = HtmlMapping::parse(first)
        .unwrap_or_else(|_| HtmlMapping::parse(FALLBACK).expect("the fallback parses"));
    mapping.fields.time_format = match data.first().map_or(0, |b| b % 4) {
        0 => TimeFormat::DateTime {
            default_offset_min: Some(0),
        },
        1 => TimeFormat::Epoch(EpochUnit::Millis),
        2 => TimeFormat::Epoch(EpochUnit::Seconds),
        _ => TimeFormat::DateTime {
            default_offset_min: None,
        },
    };
    mapping.fields.decimal_comma = data.last().is_some_and(|b| b % 2 == 1);
    quiet_styles_is_invisible(page);
    let Ok(mut decoder) = HtmlDecoder::new(mapping.clone()) else {
        return;
    };
    let n = decoder.cells().len();
    if let Ok(rows) = tradelens_cli::html::extract(page, &mapping) {
        for r in &rows {
            assert_eq!(r.len(), n);
        }
        check(decoder.decode_rows(&rows, 1));
    }
    let rows: Vec<CellRow> = page
        .lines()
        .map(|l| {
            l.split('\t')
                .map(|c| (c != "\u{1}").then(|| c.to_string()))
                .collect()
        })
        .collect();
    check(decoder.decode_rows(&rows, u64::MAX - 1));
    let cells: Vec<CellInfo> = page
        .lines()
        .take(16)
        .map(|l| {
            let mut words = l.split(' ');
            CellInfo {
                tag: words.next().unwrap_or("").to_string(),
                classes: words.map(str::to_string).collect(),
                header: Some(l.to_string()),
                has_datetime: l.len() % 2 == 0,
            }
        })
        .collect();
    let suggested = suggest_cells(&cells);
    if let Some(m) = guess_fields(&suggested) {
        assert!(!m.time.is_empty() && !m.price.is_empty());
    }
});

fn check(out: tradelens_core::decode::Decoded) {
    for t in &out.trades {
        assert!(t.price.is_finite() && t.qty.is_finite());
    }
}

fn quiet_styles_is_invisible(page: &str) {
    // The outline reads each element's text: quadratic, so small pages only.
    let lower = page.to_ascii_lowercase();
    if page.len() > 8192 || ["svg", "math"].iter().any(|w| lower.contains(w)) {
        return;
    }
    let quiet = quiet_styles(page);
    let (before, after) = (parse_scripting_off(page), parse_scripting_off(&quiet));
    assert_eq!(outline(&before), outline(&after), "{page:?}");
}
