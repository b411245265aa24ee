//! Rows to CSV.

use super::cell::{guard, quote};
use super::Cell;

pub(super) fn write<'a>(columns: &[&str], rows: impl Iterator<Item = Vec<Cell<'a>>>) -> String {
    let mut out = String::new();
    let header: Vec<_> = columns.iter().map(|c| quote(c)).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match cell {
                Cell::Num(n) => out.push_str(n.as_deref().unwrap_or("")),
                Cell::Id(id) => out.push_str(&id.to_string()),
                Cell::Text(t) => out.push_str(&quote(&guard(t.unwrap_or("")))),
            }
        }
        out.push_str("\r\n");
    }
    out
}
