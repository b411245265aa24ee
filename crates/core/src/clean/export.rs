//! The quarantine as CSV, safe to open in a spreadsheet.
//!
//! Raw rows come from outside: a cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage
//! return could run as a formula in a spreadsheet (CSV injection), so such a cell gets a
//! leading apostrophe, which spreadsheets show as text.

use super::QuarantineEntry;

/// One CSV cell: guarded against formulas, quoted when needed.
pub fn csv_cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// The entries as CSV with a header: `reason,feed,position,detail,raw`, CRLF line ends.
pub fn quarantine_csv<'a>(entries: impl IntoIterator<Item = &'a QuarantineEntry>) -> String {
    let mut out = String::from("reason,feed,position,detail,raw\r\n");
    for e in entries {
        let position = e
            .position
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_default();
        let cells = [
            csv_cell(e.reason.name()),
            csv_cell(&e.feed),
            csv_cell(&position),
            csv_cell(&e.detail),
            csv_cell(&e.raw),
        ];
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}
