//! Rows to a JSON array or NDJSON.

use std::fmt::Write;

use super::Cell;

/// A JSON string literal: quotes, backslashes and control characters escaped.
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

pub(super) fn write<'a>(
    columns: &[&str],
    rows: impl Iterator<Item = Vec<Cell<'a>>>,
    ndjson: bool,
) -> String {
    let mut out = String::new();
    if !ndjson {
        out.push('[');
    }
    for (k, row) in rows.enumerate() {
        if !ndjson && k > 0 {
            out.push(',');
        }
        if !ndjson {
            out.push('\n');
        }
        out.push('{');
        for (i, (name, cell)) in columns.iter().zip(&row).enumerate() {
            if i > 0 {
                out.push(',');
            }
            string(&mut out, name);
            out.push(':');
            match cell {
                Cell::Num(Some(n)) => out.push_str(n),
                Cell::Id(id) => string(&mut out, &id.to_string()),
                Cell::Text(Some(t)) => string(&mut out, t),
                Cell::Num(None) | Cell::Text(None) => out.push_str("null"),
            }
        }
        out.push('}');
        if ndjson {
            out.push('\n');
        }
    }
    if !ndjson {
        out.push_str("\n]\n");
    }
    out
}
