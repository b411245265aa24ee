//! A chart panel's data as CSV: what its "CSV" button downloads.
//!
//! Series: `time` (RFC 3339 UTC, milliseconds), then one column per series named by it; one
//! row per instant any series has a point at, in time order, a series without a point there
//! left empty. Bars: `name`, then the value column. Names come from the data (products,
//! symbols), so header cells get the same formula guard as text cells.

use std::collections::BTreeMap;

use super::cell::guard;
use super::{csv, number, rfc3339_ms, Cell};

/// Series as CSV: a `time` column, then one per `(name, points)`.
pub fn series_csv(series: &[(&str, &[(i64, f64)])]) -> String {
    let mut rows: BTreeMap<i64, Vec<Option<f64>>> = BTreeMap::new();
    for (i, (_, points)) in series.iter().enumerate() {
        for &(t, v) in *points {
            rows.entry(t).or_insert_with(|| vec![None; series.len()])[i] = Some(v);
        }
    }
    let names: Vec<String> = series.iter().map(|(n, _)| guard(n).into_owned()).collect();
    let mut columns = vec!["time"];
    columns.extend(names.iter().map(String::as_str));
    let times: Vec<String> = rows.keys().map(|&t| rfc3339_ms(t)).collect();
    let cells = rows.values().zip(&times).map(|(values, time)| {
        let mut cells = vec![Cell::Text(Some(time.as_str()))];
        cells.extend(values.iter().map(|v| Cell::Num(v.and_then(number))));
        cells
    });
    csv::write(&columns, cells)
}

/// Bars as CSV: `name`, then `value_column`.
pub fn bars_csv(value_column: &str, bars: &[(&str, f64)]) -> String {
    let value_column = guard(value_column);
    let rows = bars
        .iter()
        .map(|&(name, v)| vec![Cell::Text(Some(name)), Cell::Num(number(v))]);
    csv::write(&["name", &value_column], rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_share_rows_by_instant_and_names_are_guarded() {
        let a = [(0, 1.5), (60_000, 2.0)];
        let b = [(60_000, -3.0), (120_000, f64::NAN)];
        let csv = series_csv(&[("Total", &a), ("=cmd", &b)]);
        assert_eq!(
            csv,
            "time,Total,'=cmd\r\n\
             1970-01-01T00:00:00.000Z,1.5,\r\n\
             1970-01-01T00:01:00.000Z,2,-3\r\n\
             1970-01-01T00:02:00.000Z,,\r\n"
        );
    }

    #[test]
    fn bars_guard_names_but_not_numbers() {
        let csv = bars_csv("notional", &[("@SUM(A1)", 10.0), ("Plain, quoted", -1.0)]);
        assert_eq!(
            csv,
            "name,notional\r\n'@SUM(A1),10\r\n\"Plain, quoted\",-1\r\n"
        );
    }
}
