//! Export of trades and aggregates as CSV, JSON (one array) and NDJSON (one object a line).
//!
//! # Trades
//!
//! Columns, in every format: `id, time, price, qty, side, symbol, category, region, channel,
//! customer`.
//! - `id`: decimal digits in CSV; a JSON *string* in JSON and NDJSON, because ids use all 64
//!   bits and a JavaScript number keeps 53.
//! - `time`: RFC 3339 in UTC with milliseconds, `2023-11-14T22:13:20.123Z`.
//! - `price`, `qty`: Rust's shortest round-trip decimal (`{}`), never an exponent, so parsing
//!   the text gives back the same f64 bits. Non-finite values (which cleaning never lets
//!   through) are an empty cell or `null`.
//! - `side`: `buy`, `sell`, or empty / `null`; labels: the text, or empty / `null` when absent.
//!
//! [`import`] reads these files back with the core's generic decoders and
//! [`import::own_mapping`], giving the same trades (see there for what does not round-trip).
//!
//! # Aggregates
//!
//! Columns `bucket_start, group` (and `group_2` when grouping by two fields), then one per
//! [`Metric`] asked for, named by [`Metric::name`]; an undefined metric (the VWAP of a
//! bucket without volume) is an empty cell or `null`, as is a group's missing label.
//!
//! # CSV formula injection
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula, and tab or
//! carriage return can smuggle one in. Following OWASP's CSV-injection guidance, every *text*
//! cell (time, side, symbol, dimensions, group) that starts with one of those characters gets
//! a leading apostrophe, which spreadsheets show as text and do not display. So that the guard
//! can be undone exactly, a text cell that starts with an apostrophe gets one too. Numeric
//! columns are never touched: a negative number stays a number (prices and quantities from
//! the decoders are positive; metrics such as volume delta can be negative). Cells holding a
//! comma, quote, CR or LF are quoted, quotes doubled (RFC 4180); lines end with CRLF.

mod cell;
mod chart;
mod csv;
pub mod import;
mod json;

pub use self::cell::{guard, unguard};
pub use self::chart::{bars_csv, series_csv};

use crate::engine::{Agg, Engine, GroupBy, Metric};
use crate::format::UtcTime;
use crate::model::{Field, Label, Trade};

/// The trade columns, in order: also the header of a trades CSV.
pub const TRADE_COLUMNS: [&str; 10] = [
    "id", "time", "price", "qty", "side", "symbol", "category", "region", "channel", "customer",
];

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// RFC 4180 CSV with a header row, formula-guarded text cells.
    Csv,
    /// One JSON array of objects.
    Json,
    /// One JSON object per line.
    Ndjson,
}

impl Format {
    /// File extension, without the dot.
    pub const fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
        }
    }

    /// MIME type for a download.
    pub const fn mime(self) -> &'static str {
        match self {
            Format::Csv => "text/csv",
            Format::Json => "application/json",
            Format::Ndjson => "application/x-ndjson",
        }
    }
}

/// RFC 3339 in UTC with milliseconds: `2023-11-14T22:13:20.123Z`. Years outside 0..=9999
/// are written with a sign and five or more digits (ISO 8601 expanded years), which the
/// decoders do not read.
pub fn rfc3339_ms(ms: i64) -> String {
    let t = UtcTime::from_millis(ms);
    let year = if (0..=9999).contains(&t.year) {
        format!("{:04}", t.year)
    } else {
        format!("{:+05}", t.year)
    };
    format!(
        "{year}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second,
        ms.rem_euclid(1000)
    )
}

/// A number's text: shortest round-trip decimal, `None` when not finite.
fn number(x: f64) -> Option<String> {
    x.is_finite().then(|| format!("{x}"))
}

/// One cell of a row, before a format writes it.
#[derive(Clone, Debug, PartialEq)]
enum Cell<'a> {
    /// A number, written bare; `None` is empty / null.
    Num(Option<String>),
    /// An id: bare digits in CSV, a string in JSON.
    Id(u64),
    /// Text; `None` is empty / null.
    Text(Option<&'a str>),
}

fn trade_cells(t: &Trade) -> [Cell<'_>; 10] {
    let side = t.side.map(|s| match s {
        crate::model::Side::Buy => "buy",
        crate::model::Side::Sell => "sell",
    });
    let dim = |d: usize| Cell::Text(t.dims[d].as_deref());
    [
        Cell::Id(t.id),
        Cell::Num(None), // time, replaced by the writer (it owns the string)
        Cell::Num(number(t.price)),
        Cell::Num(number(t.qty)),
        Cell::Text(side),
        Cell::Text(Some(&t.symbol)),
        dim(0),
        dim(1),
        dim(2),
        dim(3),
    ]
}

fn write_rows<'a>(
    format: Format,
    columns: &[&str],
    rows: impl Iterator<Item = Vec<Cell<'a>>>,
) -> String {
    match format {
        Format::Csv => csv::write(columns, rows),
        Format::Json => json::write(columns, rows, false),
        Format::Ndjson => json::write(columns, rows, true),
    }
}

/// Trades in `format` (the current filter's trades, say), in the order given.
pub fn trades(format: Format, trades: &[Trade]) -> String {
    let times: Vec<String> = trades.iter().map(|t| rfc3339_ms(t.time_ms)).collect();
    let rows = trades.iter().zip(&times).map(|(t, time)| {
        let mut cells = trade_cells(t).to_vec();
        cells[1] = Cell::Text(Some(time));
        cells
    });
    write_rows(format, &TRADE_COLUMNS, rows)
}

/// Which trades and aggregate rows an export holds: the dashboard's current filter, a time
/// range and at most one value of a field (the group-by field: one product, one symbol).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportFilter {
    /// Trades at or after this time, and buckets starting at or after it (ms).
    pub from_ms: Option<i64>,
    /// Trades before this time, and buckets starting before it (ms).
    pub to_ms: Option<i64>,
    /// Only trades whose `field` is this value, and only that group's rows.
    pub only: Option<(Field, Label)>,
}

impl ExportFilter {
    fn in_range(&self, t: i64) -> bool {
        self.from_ms.is_none_or(|f| t >= f) && self.to_ms.is_none_or(|u| t < u)
    }

    /// Whether `trade` passes.
    pub fn keeps_trade(&self, trade: &Trade) -> bool {
        self.in_range(trade.time_ms)
            && self
                .only
                .as_ref()
                .is_none_or(|(f, v)| trade.field(*f) == Some(v))
    }

    /// Whether an aggregate row passes: its bucket starts in the range, and with a value
    /// chosen, it is a row of that value's group (`group_by`'s first field must be the
    /// chosen field; with a second field, every row of the value's sub-groups passes).
    pub fn keeps_row(&self, row: &AggRow<'_>, group_by: GroupBy) -> bool {
        self.in_range(row.bucket_start_ms)
            && match &self.only {
                None => true,
                Some((f, v)) => group_by.first() == Some(*f) && row.group.first() == Some(&Some(v)),
            }
    }
}

/// One row of aggregates: a bucket start, a group (none for a bucket's total) and its
/// aggregate.
#[derive(Clone, Debug)]
pub struct AggRow<'a> {
    /// Start of the bucket, ms since the epoch (UTC).
    pub bucket_start_ms: i64,
    /// The group's labels, one per group-by field (`None` where its trades lack the field);
    /// empty for the bucket total.
    pub group: Vec<Option<&'a Label>>,
    /// The aggregate.
    pub agg: &'a Agg,
}

/// The rows of an engine: per bucket, one row per group when grouping, else the total.
pub fn engine_rows(engine: &Engine) -> Vec<AggRow<'_>> {
    let mut out = Vec::new();
    for (start, bucket) in engine.buckets() {
        if engine.spec().group_by.is_grouping() && !bucket.groups.is_empty() {
            for (key, agg) in &bucket.groups {
                out.push(AggRow {
                    bucket_start_ms: start,
                    group: engine.group_labels(*key),
                    agg,
                });
            }
        } else {
            out.push(AggRow {
                bucket_start_ms: start,
                group: Vec::new(),
                agg: &bucket.total,
            });
        }
    }
    out
}

/// Names of the group columns: `group`, then `group_2` when grouping by two fields.
const GROUP_COLUMNS: [&str; 2] = ["group", "group_2"];

/// Aggregates in `format`: `bucket_start`, `group` (and `group_2` when rows are grouped by
/// two fields), then `metrics` by name.
pub fn aggregates(format: Format, metrics: &[Metric], rows: &[AggRow<'_>]) -> String {
    let groups = rows
        .iter()
        .map(|r| r.group.len())
        .max()
        .unwrap_or(0)
        .clamp(1, GROUP_COLUMNS.len());
    let mut columns = vec!["bucket_start"];
    columns.extend(&GROUP_COLUMNS[..groups]);
    columns.extend(metrics.iter().map(|m| m.name()));
    let times: Vec<String> = rows.iter().map(|r| rfc3339_ms(r.bucket_start_ms)).collect();
    let cells = rows.iter().zip(&times).map(|(r, time)| {
        let mut cells = vec![Cell::Text(Some(time))];
        cells.extend(
            (0..groups).map(|i| Cell::Text(r.group.get(i).copied().flatten().map(|g| &**g))),
        );
        cells.extend(
            metrics
                .iter()
                .map(|m| Cell::Num(m.of(r.agg).and_then(number))),
        );
        cells
    });
    write_rows(format, &columns, cells)
}
