//! Min/max decimation per pixel column: a million points drawn as a few thousand, with the
//! same picture.
//!
//! A polyline through every point of a column covers, in that column, exactly the vertical
//! span from its lowest to its highest point, entered at the column's first point and left at
//! its last. Keeping those four points (first, min, max, last, in time order) per column
//! therefore draws the same pixels in each column, and the joins between columns are the
//! same segments. Output is at most `4 * columns` points inside the range, plus the nearest
//! point on each side of it, so the line still runs to the plot's edges.
//!
//! Input must be sorted by time (ties allowed): that is what makes one pass enough, and what
//! lets the range's ends be found by binary search, so points outside the range are never
//! read. Disorder among the points in the range is refused with [`DecimateError::Unsorted`]
//! (and `out` is left as it was) rather than sorted here, which would need a copy; disorder
//! outside the range goes unseen and only changes which neighbours are kept. Points whose value is NaN or infinite are skipped: they cannot
//! be drawn (a gap in the data is shown by the line joining its neighbours, as before).

use std::fmt;

/// Why a series could not be decimated.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecimateError {
    /// The point at `index` is earlier than the one before it.
    Unsorted {
        /// Position of the first point out of order.
        index: usize,
        /// Its time (ms).
        time_ms: i64,
        /// The time of the point before it (ms).
        previous_ms: i64,
    },
}

impl fmt::Display for DecimateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecimateError::Unsorted {
                index,
                time_ms,
                previous_ms,
            } => write!(
                f,
                "points are not in time order: point {index} at {time_ms} ms follows one at \
                 {previous_ms} ms"
            ),
        }
    }
}

impl std::error::Error for DecimateError {}

/// The points of one pixel column seen so far, as indices into the input.
#[derive(Clone, Copy)]
struct Column {
    /// First instant of the column.
    since: i64,
    /// First instant of the next column.
    until: i64,
    first: usize,
    min: usize,
    max: usize,
    last: usize,
    /// The values at `min` and `max`, kept here so the loop does not reload them.
    low: f64,
    high: f64,
}

/// Appends to `out` the points of `points` (sorted by time) that draw the same polyline over
/// `x0..=x1` split into `columns` equal pixel columns: per column its first, lowest, highest
/// and last point in time order, plus the last point before `x0` and the first after `x1`.
/// When the range holds at most `4 * columns` drawable points, all of them are kept. With
/// `columns == 0` or an empty range (`x1 < x0`) only those two neighbours can be kept.
pub fn decimate(
    points: &[(i64, f64)],
    x0: i64,
    x1: i64,
    columns: usize,
    out: &mut Vec<(i64, f64)>,
) -> Result<(), DecimateError> {
    let written = out.len();
    let result = decimate_into(points, x0, x1, columns, out);
    if result.is_err() {
        out.truncate(written);
    }
    result
}

fn decimate_into(
    points: &[(i64, f64)],
    x0: i64,
    x1: i64,
    columns: usize,
    out: &mut Vec<(i64, f64)>,
) -> Result<(), DecimateError> {
    let drawable = |p: &&(i64, f64)| p.1.is_finite();
    // The range's ends by binary search: points outside it are not read, so a zoomed view
    // costs its own points (and two logarithms), not the whole series.
    let start = points.partition_point(|p| p.0 < x0);
    let end = points.partition_point(|p| p.0 <= x1).max(start);
    // Points before the range: only the last one matters (the line comes in from it).
    if let Some(&p) = points[..start].iter().rev().find(drawable) {
        out.push(p);
    }
    let inside = &points[start..end];
    let unsorted = |i: usize| DecimateError::Unsorted {
        index: start + i,
        time_ms: inside[i].0,
        previous_ms: inside[i - 1].0,
    };
    if inside.len() <= columns.saturating_mul(4) {
        for (i, p) in inside.iter().enumerate() {
            if i > 0 && p.0 < inside[i - 1].0 {
                return Err(unsorted(i));
            }
            if p.1.is_finite() {
                out.push(*p);
            }
        }
    } else if columns > 0 && x1 >= x0 {
        let span = i128::from(x1) - i128::from(x0) + 1;
        let column_of = |t: i64| {
            let c = (i128::from(t) - i128::from(x0)) * columns as i128 / span;
            c.clamp(0, columns as i128 - 1) as usize
        };
        let mut open: Option<Column> = None;
        let mut previous = i64::MIN;
        for (i, &(t, v)) in inside.iter().enumerate() {
            if t < previous {
                return Err(unsorted(i));
            }
            previous = t;
            if !v.is_finite() {
                continue;
            }
            match &mut open {
                // Same column as the open one: checked cheaply by its end time first.
                Some(col) if t < col.until && t >= col.since => {
                    if v < col.low {
                        (col.min, col.low) = (i, v);
                    }
                    if v > col.high {
                        (col.max, col.high) = (i, v);
                    }
                    col.last = i;
                }
                _ => {
                    if let Some(col) = open {
                        flush(inside, col, out);
                    }
                    let c = column_of(t);
                    open = Some(Column {
                        since: column_start(x0, span, columns, c),
                        until: column_start(x0, span, columns, c + 1),
                        first: i,
                        min: i,
                        max: i,
                        last: i,
                        low: v,
                        high: v,
                    });
                }
            }
        }
        if let Some(col) = open {
            flush(inside, col, out);
        }
    }
    // Points after the range: only the first one matters (the line leaves towards it).
    if let Some(&p) = points[end..].iter().find(drawable) {
        out.push(p);
    }
    Ok(())
}

/// The first instant of column `c` (of `columns` over `span` ms from `x0`): the least `t`
/// with `(t - x0) * columns / span >= c`, saturated into `i64`.
fn column_start(x0: i64, span: i128, columns: usize, c: usize) -> i64 {
    let offset = (c as i128 * span + columns as i128 - 1) / columns as i128;
    (i128::from(x0) + offset).clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// Pushes a column's first, min, max and last points in time order, each once.
fn flush(points: &[(i64, f64)], col: Column, out: &mut Vec<(i64, f64)>) {
    let mut picks = [col.first, col.min, col.max, col.last];
    picks.sort_unstable();
    let mut previous = None;
    for i in picks {
        if previous != Some(i) {
            out.push(points[i]);
            previous = Some(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic wiggly series: `n` points one ms apart from `t0`.
    fn series(n: usize, t0: i64) -> Vec<(i64, f64)> {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        (0..n)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (t0 + i as i64, (x % 10_000) as f64 / 7.0 - 500.0)
            })
            .collect()
    }

    fn run(points: &[(i64, f64)], x0: i64, x1: i64, columns: usize) -> Vec<(i64, f64)> {
        let mut out = Vec::new();
        decimate(points, x0, x1, columns, &mut out).unwrap();
        out
    }

    /// Per column of `columns` over `x0..=x1`: (first, min, max, last) values, computed
    /// directly by bucketing every point (the independent reading of the same picture).
    fn extents(
        points: &[(i64, f64)],
        x0: i64,
        x1: i64,
        columns: usize,
    ) -> Vec<Option<(f64, f64, f64, f64)>> {
        let mut out: Vec<Option<(f64, f64, f64, f64)>> = vec![None; columns];
        let span = x1 - x0 + 1;
        for &(t, v) in points {
            if t < x0 || t > x1 || !v.is_finite() {
                continue;
            }
            // Column c covers [x0 + c * span / columns, x0 + (c + 1) * span / columns).
            let c = (0..columns)
                .rev()
                .find(|&c| (t - x0) * columns as i64 >= c as i64 * span)
                .unwrap_or(0);
            out[c] = Some(match out[c] {
                None => (v, v, v, v),
                Some((f, lo, hi, _)) => (f, lo.min(v), hi.max(v), v),
            });
        }
        out
    }

    #[test]
    fn extents_are_preserved_per_column() {
        let t0 = 1_700_000_000_000;
        let points = series(100_000, t0);
        for &(columns, x0, x1) in &[
            (800, t0, t0 + 99_999),
            (333, t0 + 1_000, t0 + 50_000),
            (1, t0, t0 + 99_999),
        ] {
            let out = run(&points, x0, x1, columns);
            assert_eq!(
                extents(&out, x0, x1, columns),
                extents(&points, x0, x1, columns)
            );
            let inside = out.iter().filter(|p| (x0..=x1).contains(&p.0)).count();
            assert!(
                inside <= 4 * columns,
                "{inside} points for {columns} columns"
            );
            // The neighbours outside the range are kept, so the line reaches the edges.
            if x0 > t0 {
                assert_eq!(out[0], points[(x0 - t0 - 1) as usize]);
            }
            if x1 < t0 + 99_999 {
                assert_eq!(*out.last().unwrap(), points[(x1 - t0 + 1) as usize]);
            }
            // A subsequence of the input, in time order.
            assert!(out.windows(2).all(|w| w[0].0 < w[1].0));
            assert!(out.iter().all(|p| points.contains(p)));
        }
    }

    #[test]
    fn a_small_series_is_kept_whole() {
        let points = series(40, 0);
        assert_eq!(run(&points, 0, 39, 10), points);
        assert_eq!(run(&points, 0, 39, 1_000), points);
    }

    #[test]
    fn nan_and_infinite_values_are_skipped() {
        let mut points = series(1_000, 0);
        points[10].1 = f64::NAN;
        points[500].1 = f64::INFINITY;
        points[999].1 = f64::NEG_INFINITY;
        for columns in [5, 1_000] {
            let out = run(&points, 0, 999, columns);
            assert!(out.iter().all(|p| p.1.is_finite()));
            assert_eq!(
                extents(&out, 0, 999, 5),
                extents(&points, 0, 999, 5),
                "{columns} columns"
            );
        }
    }

    #[test]
    fn unsorted_input_is_refused_with_where() {
        let points = [(0, 1.0), (5, 2.0), (3, 3.0)];
        let mut out = Vec::new();
        assert_eq!(
            decimate(&points, 0, 10, 4, &mut out),
            Err(DecimateError::Unsorted {
                index: 2,
                time_ms: 3,
                previous_ms: 5
            })
        );
        assert!(out.is_empty());
        // Also on the column path, and `out` keeps what it held before.
        let mut many: Vec<(i64, f64)> = (0..100).map(|i| (i, 0.0)).collect();
        many.swap(50, 60);
        out.push((-1, 0.0));
        assert!(matches!(
            decimate(&many, 0, 99, 2, &mut out),
            Err(DecimateError::Unsorted { index: 51, .. })
        ));
        assert_eq!(out, vec![(-1, 0.0)]);
        out.clear();
        // Equal times are in order.
        assert!(decimate(&[(1, 1.0), (1, 2.0)], 0, 10, 4, &mut out).is_ok());
        // Disorder outside the range is not read: no error, no panic.
        assert!(decimate(&[(30, 1.0), (20, 1.0), (1, 2.0)], 0, 10, 4, &mut out).is_ok());
    }

    #[test]
    fn degenerate_ranges_do_not_panic() {
        let points = series(100, 0);
        assert_eq!(run(&points, 50, 40, 10), vec![points[49], points[50]]);
        assert_eq!(run(&points, 10, 20, 0), vec![points[9], points[21]]);
        assert!(run(&[], 0, 10, 10).is_empty());
        // Extreme times: no overflow in the column arithmetic.
        let wide = [(i64::MIN, 1.0), (0, 2.0), (i64::MAX, 3.0)];
        assert_eq!(run(&wide, i64::MIN, i64::MAX, 1), wide.to_vec());
        let many: Vec<_> = (0..100).map(|i| (i64::MAX - 100 + i, i as f64)).collect();
        let out = run(&many, i64::MIN, i64::MAX, 2);
        assert_eq!(out, vec![many[0], many[99]]);
    }
}
