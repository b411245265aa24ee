//! The trade table as people read it: the newest trades, sorted by any column through an index
//! permutation (the columns themselves never move).

use std::cmp::Ordering;

use crate::engine::Table;
use crate::model::{Label, Side};

/// Most trades the table view holds: the newest ones.
pub const MAX_ROWS: usize = 100_000;

/// A column of the trade table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    /// Event time.
    Time,
    /// Symbol or product.
    Symbol,
    /// Taker side.
    Side,
    /// Price.
    Price,
    /// Quantity.
    Qty,
    /// Price times quantity.
    Notional,
}

impl Column {
    /// Every column, in display order.
    pub const ALL: [Column; 6] = [
        Column::Time,
        Column::Symbol,
        Column::Side,
        Column::Price,
        Column::Qty,
        Column::Notional,
    ];

    /// Header text.
    pub const fn title(self) -> &'static str {
        match self {
            Column::Time => "Time",
            Column::Symbol => "Symbol",
            Column::Side => "Side",
            Column::Price => "Price",
            Column::Qty => "Qty",
            Column::Notional => "Notional",
        }
    }

    /// Machine name (settings, test hooks).
    pub const fn name(self) -> &'static str {
        match self {
            Column::Time => "time",
            Column::Symbol => "symbol",
            Column::Side => "side",
            Column::Price => "price",
            Column::Qty => "qty",
            Column::Notional => "notional",
        }
    }
}

/// Sort direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Smallest first.
    Ascending,
    /// Largest first.
    Descending,
}

impl Direction {
    /// The other direction.
    pub const fn flipped(self) -> Direction {
        match self {
            Direction::Ascending => Direction::Descending,
            Direction::Descending => Direction::Ascending,
        }
    }
}

/// A sort order: a column and a direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SortBy {
    /// The column compared.
    pub column: Column,
    /// Its direction.
    pub direction: Direction,
}

impl Default for SortBy {
    /// Newest first.
    fn default() -> Self {
        SortBy {
            column: Column::Time,
            direction: Direction::Descending,
        }
    }
}

/// One trade as the table shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct RowView<'a> {
    /// Event time (ms since the epoch).
    pub time_ms: i64,
    /// Symbol or product.
    pub symbol: Option<&'a Label>,
    /// Taker side, when known.
    pub side: Option<Side>,
    /// Price.
    pub price: f64,
    /// Quantity.
    pub qty: f64,
    /// Price times quantity.
    pub notional: f64,
}

/// The trade at a table row.
pub fn row_view(t: &Table, row: usize) -> RowView<'_> {
    RowView {
        time_ms: t.time_ms[row],
        symbol: t.label(t.label_id(crate::model::Field::Symbol, row)),
        side: t.side(row),
        price: t.price[row],
        qty: t.qty[row],
        notional: t.price[row] * t.qty[row],
    }
}

/// Rows of a sorted view: table row indexes in display order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SortedRows {
    /// Table rows, in the order shown.
    pub rows: Vec<u32>,
    /// Trades left out because only the newest [`MAX_ROWS`] are kept.
    pub left_out: usize,
}

/// Orders two rows by time, then id: the order trades happened in, whatever their arrival.
fn by_time(t: &Table, a: usize, b: usize) -> Ordering {
    t.time_ms[a]
        .cmp(&t.time_ms[b])
        .then(t.id[a].cmp(&t.id[b]))
        .then(a.cmp(&b))
}

fn side_rank(s: Option<Side>) -> u8 {
    match s {
        None => 0,
        Some(Side::Buy) => 1,
        Some(Side::Sell) => 2,
    }
}

/// Orders two rows by `column` ascending, ties by time.
fn compare(t: &Table, column: Column, a: usize, b: usize) -> Ordering {
    let primary = match column {
        Column::Time => Ordering::Equal,
        Column::Symbol => {
            let label = |r| t.label(t.label_id(crate::model::Field::Symbol, r));
            label(a).cmp(&label(b))
        }
        Column::Side => side_rank(t.side(a)).cmp(&side_rank(t.side(b))),
        Column::Price => t.price[a].total_cmp(&t.price[b]),
        Column::Qty => t.qty[a].total_cmp(&t.qty[b]),
        Column::Notional => (t.price[a] * t.qty[a]).total_cmp(&(t.price[b] * t.qty[b])),
    };
    primary.then_with(|| by_time(t, a, b))
}

/// The newest `max` trades of the table (by time, then id), in the order `sort` asks.
pub fn sorted_rows(t: &Table, sort: SortBy, max: usize) -> SortedRows {
    let n = t.len().min(u32::MAX as usize);
    let mut rows: Vec<u32> = (0..n as u32).collect();
    let left_out = n.saturating_sub(max);
    if max == 0 {
        rows.clear();
    } else if left_out > 0 {
        // Newest first around the cut, then drop the oldest: O(n), not a full sort.
        rows.select_nth_unstable_by(max - 1, |&a, &b| by_time(t, b as usize, a as usize));
        rows.truncate(max);
    }
    rows.sort_unstable_by(|&a, &b| {
        let o = compare(t, sort.column, a as usize, b as usize);
        match sort.direction {
            Direction::Ascending => o,
            Direction::Descending => o.reverse(),
        }
    });
    SortedRows { rows, left_out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Trade;

    fn table() -> Table {
        let mut t = Table::default();
        // (id, time, price, qty, side, symbol), pushed out of time order.
        let rows = [
            (1, 300, 10.0, 5.0, Some(Side::Buy), "B"),
            (2, 100, 30.0, 1.0, Some(Side::Sell), "A"),
            (3, 200, 20.0, 2.0, None, "C"),
            (4, 400, 5.0, 4.0, Some(Side::Buy), "A"),
        ];
        for (id, time_ms, price, qty, side, symbol) in rows {
            t.push(&Trade {
                id,
                time_ms,
                price,
                qty,
                side,
                symbol: symbol.into(),
                dims: Default::default(),
            });
        }
        t
    }

    fn ids(t: &Table, s: &SortedRows) -> Vec<u64> {
        s.rows.iter().map(|&r| t.id[r as usize]).collect()
    }

    #[test]
    fn every_column_both_ways_by_hand() {
        let t = table();
        // Notionals: id1 50, id2 30, id3 40, id4 20. Sides: none < buy < sell.
        let cases = [
            (Column::Time, vec![2, 3, 1, 4]),
            (Column::Symbol, vec![2, 4, 1, 3]),
            (Column::Side, vec![3, 1, 4, 2]),
            (Column::Price, vec![4, 1, 3, 2]),
            (Column::Qty, vec![2, 3, 4, 1]),
            (Column::Notional, vec![4, 2, 3, 1]),
        ];
        for (column, asc) in cases {
            let up = sorted_rows(
                &t,
                SortBy {
                    column,
                    direction: Direction::Ascending,
                },
                10,
            );
            assert_eq!(ids(&t, &up), asc, "{column:?} ascending");
            let down = sorted_rows(
                &t,
                SortBy {
                    column,
                    direction: Direction::Descending,
                },
                10,
            );
            let mut desc = asc.clone();
            desc.reverse();
            assert_eq!(ids(&t, &down), desc, "{column:?} descending");
            assert_eq!(up.left_out, 0);
        }
    }

    #[test]
    fn keeps_only_the_newest() {
        let t = table();
        let s = sorted_rows(
            &t,
            SortBy {
                column: Column::Price,
                direction: Direction::Ascending,
            },
            2,
        );
        // The two newest are ids 1 (t 300) and 4 (t 400); by price 5 then 10.
        assert_eq!(ids(&t, &s), vec![4, 1]);
        assert_eq!(s.left_out, 2);
        assert_eq!(
            sorted_rows(&t, SortBy::default(), 0).rows,
            Vec::<u32>::new()
        );
    }

    #[test]
    fn a_large_table_is_a_permutation_of_the_newest() {
        let mut t = Table::default();
        let n = 120_000u64;
        for i in 0..n {
            // Times scrambled by a multiplicative step coprime with n.
            let time = ((i * 7_919) % n) as i64;
            t.push(&Trade {
                id: i,
                time_ms: time,
                price: (i % 977) as f64,
                qty: 1.0,
                side: None,
                symbol: "A".into(),
                dims: Default::default(),
            });
        }
        let s = sorted_rows(
            &t,
            SortBy {
                column: Column::Price,
                direction: Direction::Descending,
            },
            MAX_ROWS,
        );
        assert_eq!(s.rows.len(), MAX_ROWS);
        assert_eq!(s.left_out, 20_000);
        // Every time 20000..120000 exactly once: the newest 100,000.
        let mut times: Vec<i64> = s.rows.iter().map(|&r| t.time_ms[r as usize]).collect();
        assert!(s
            .rows
            .windows(2)
            .all(|w| t.price[w[0] as usize] >= t.price[w[1] as usize]));
        times.sort_unstable();
        assert_eq!(times, (20_000..120_000).collect::<Vec<i64>>());
        let v = row_view(&t, s.rows[0] as usize);
        assert_eq!(
            (v.price, v.notional, v.symbol.map(|l| &**l)),
            (976.0, 976.0, Some("A"))
        );
    }
}
