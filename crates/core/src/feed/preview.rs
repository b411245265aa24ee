//! Mapping preview: before anything is ingested, show the fields a sample has, which field
//! feeds which trade field, and what the first rows decode to (or why they fail).

use serde_json::Value;

use crate::decode::csv::CsvTable;
use crate::decode::generic::{CsvDecoder, JsonArrayStream, Mapping, NdjsonStream};
use crate::decode::html::{CellRow, HtmlDecoder, HtmlMapping, HtmlMappingError};
use crate::decode::split::{ArraySplitter, Piece};
use crate::decode::{DecodeError, Decoded};

/// How a generic sample is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SampleFormat {
    /// A JSON array of objects.
    JsonArray,
    /// One JSON object per line.
    Ndjson,
    /// CSV with a header row.
    Csv,
    /// An HTML page: rows and cells picked by CSS selectors ([`crate::decode::html`]). The
    /// core cannot read its bytes; an HTML parser extracts the cells first.
    Html,
}

impl SampleFormat {
    /// Every format.
    pub const ALL: [SampleFormat; 4] = [
        SampleFormat::JsonArray,
        SampleFormat::Ndjson,
        SampleFormat::Csv,
        SampleFormat::Html,
    ];

    /// Machine name.
    pub const fn name(self) -> &'static str {
        match self {
            SampleFormat::JsonArray => "json",
            SampleFormat::Ndjson => "ndjson",
            SampleFormat::Csv => "csv",
            SampleFormat::Html => "html",
        }
    }

    /// Parses [`SampleFormat::name`].
    pub fn from_name(name: &str) -> Option<SampleFormat> {
        SampleFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// A guess from a file name or URL path.
    pub fn guess(name: &str) -> SampleFormat {
        let lower = name.to_ascii_lowercase();
        let path = lower.split(['?', '#']).next().unwrap_or("");
        if path.ends_with(".csv") {
            SampleFormat::Csv
        } else if path.ends_with(".ndjson") || path.ends_with(".jsonl") {
            SampleFormat::Ndjson
        } else if path.ends_with(".html") || path.ends_with(".htm") {
            SampleFormat::Html
        } else {
            SampleFormat::JsonArray
        }
    }
}

/// What a sample shows under a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Preview {
    /// Field names found in the sample (CSV header, keys of the first JSON object).
    pub fields: Vec<String>,
    /// The first rows decoded with the mapping: trades and rejects.
    pub decoded: Decoded,
}

/// Bytes of a sample looked at, at most.
pub const SAMPLE_LIMIT: usize = 64 * 1024;

/// Decodes at most `max_rows` rows of `sample` (itself cut to [`SAMPLE_LIMIT`] bytes, at the
/// last line end, so a cut row is not shown as broken).
pub fn preview(
    format: SampleFormat,
    sample: &[u8],
    mapping: &Mapping,
    max_rows: usize,
) -> Result<Preview, DecodeError> {
    let sample = whole_lines(sample);
    let mut decoded = match format {
        SampleFormat::Csv => {
            let mut d = CsvDecoder::new(mapping.clone(), SAMPLE_LIMIT);
            let mut out = d.feed(sample)?;
            out.append(d.finish()?);
            out
        }
        SampleFormat::Ndjson => {
            let mut d = NdjsonStream::new(mapping.clone(), SAMPLE_LIMIT);
            let mut out = d.feed(sample);
            out.append(d.finish());
            out
        }
        SampleFormat::JsonArray => {
            // The sample is cut from a longer file: its last element may be cut too.
            let mut d = JsonArrayStream::new(mapping.clone(), SAMPLE_LIMIT);
            let mut out = d.feed(sample)?;
            out.append(d.finish_sample()?);
            out
        }
        SampleFormat::Html => {
            return Err(DecodeError::shape(
                crate::decode::Position::Message,
                "an HTML page is read by an HTML parser: preview its extracted cells with preview_cells",
            ))
        }
    };
    first_rows(&mut decoded, max_rows);
    Ok(Preview {
        fields: fields(format, sample),
        decoded,
    })
}

/// What the first `max_rows` rows extracted from an HTML page decode to under `mapping`;
/// `fields` are the cell selectors offered for the page.
pub fn preview_cells(
    mapping: &HtmlMapping,
    rows: &[CellRow],
    fields: Vec<String>,
    max_rows: usize,
) -> Result<Preview, HtmlMappingError> {
    let mut decoded = HtmlDecoder::new(mapping.clone())?.decode_rows(rows, 1);
    first_rows(&mut decoded, max_rows);
    Ok(Preview { fields, decoded })
}

fn first_rows(decoded: &mut Decoded, max_rows: usize) {
    decoded.trades.truncate(max_rows);
    decoded.rejects.truncate(max_rows);
    decoded.events.truncate(max_rows);
}

/// The field names of a sample (none for HTML: its cells are found by an HTML parser).
pub fn fields(format: SampleFormat, sample: &[u8]) -> Vec<String> {
    let sample = whole_lines(sample);
    match format {
        SampleFormat::Csv => {
            let mut t = CsvTable::new(SAMPLE_LIMIT);
            let first_line = sample.split(|&b| b == b'\n').next().unwrap_or(&[]);
            let _ = t.feed(first_line, true);
            t.header().map(|h| h.names().to_vec()).unwrap_or_default()
        }
        SampleFormat::Ndjson => {
            let text = String::from_utf8_lossy(sample);
            let text = text.trim_start_matches('\u{feff}');
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            keys(serde_json::from_str::<Value>(first).ok().as_ref())
        }
        SampleFormat::JsonArray => {
            // The first element, even when the sample ends in the middle of the array.
            let mut pieces = Vec::new();
            ArraySplitter::new(SAMPLE_LIMIT).feed(sample, false, &mut pieces);
            let first = pieces.into_iter().find_map(|p| match p {
                Piece::Whole { bytes, .. } => Some(bytes),
                _ => None,
            });
            keys(
                first
                    .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                    .as_ref(),
            )
        }
        SampleFormat::Html => Vec::new(),
    }
}

fn keys(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn whole_lines(sample: &[u8]) -> &[u8] {
    if sample.len() <= SAMPLE_LIMIT {
        return sample;
    }
    let cut = &sample[..SAMPLE_LIMIT];
    match cut.iter().rposition(|&b| b == b'\n') {
        Some(k) => &cut[..=k],
        None => cut,
    }
}

/// A first guess at a mapping from field names: `price`, `time`/`timestamp`/`created_at`,
/// `id`, `qty`/`quantity`/`size`/`amount`, `side`, `symbol`/`product`. `None` when no price or
/// no time field is recognisable.
pub fn guess_mapping(fields: &[String]) -> Option<Mapping> {
    let find = |names: &[&str]| {
        names.iter().find_map(|n| {
            fields
                .iter()
                .find(|f| f.trim().eq_ignore_ascii_case(n))
                .cloned()
        })
    };
    let time = find(&[
        "time",
        "timestamp",
        "created_at",
        "created at",
        "date",
        "ts",
    ])?;
    let price = find(&["price", "unit_price", "amount", "total"])?;
    let mut m = Mapping::new(&time, &price);
    m.id = find(&["id", "trade_id", "order_id", "name"]);
    m.qty = find(&["qty", "quantity", "size", "volume"]);
    m.side = find(&["side"]);
    m.symbol = find(&["symbol", "product", "product_id", "sku", "item"]);
    Some(m)
}
