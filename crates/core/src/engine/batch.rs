//! Batch ingest: trades handed over as columns, folded per run of trades in the same bucket.
//!
//! [`Engine::push`] updates four aggregates per trade (the engine total, the bucket total, the
//! bucket's group and the group total) and looks the bucket up in a `BTreeMap` every time.
//! A batch instead folds each run of consecutive trades that fall in one bucket into one
//! aggregate per group, then merges those into the engine once per (run, group): one
//! aggregate update per trade and one map lookup per run. Likewise trades within one second
//! are counted for the trade rate once per run (per trade, that count was a quarter of the
//! ingest time natively). Counts, open, high, low, close and
//! the order of groups are exactly those of pushing the trades one by one; sums can differ in
//! the last bits, as merging compensated sums rounds differently from pushing their terms.

use super::group_totals::slot;
use super::{Agg, Engine, GroupKey, SketchSpec};
use crate::model::{Label, Side};

/// Trades as columns for [`Engine::extend_columns`]: one entry per trade in every slice.
#[derive(Clone, Copy, Debug)]
pub struct Columns<'a> {
    /// Trade ids.
    pub id: &'a [u64],
    /// Event times (ms since the epoch).
    pub time_ms: &'a [i64],
    /// Prices.
    pub price: &'a [f64],
    /// Quantities.
    pub qty: &'a [f64],
    /// Taker sides.
    pub side: &'a [Option<Side>],
    /// Each trade's symbol, as an index into `labels`.
    pub symbol: &'a [u32],
    /// The symbols the `symbol` column indexes.
    pub labels: &'a [Label],
}

/// Why [`Engine::extend_columns`] refused a batch (it then adds nothing).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ColumnsError {
    /// A column's length differs from the `id` column's.
    #[error("column {column} has {len} entries, the id column {expected}")]
    Length {
        /// The column's name.
        column: &'static str,
        /// Its length.
        len: usize,
        /// The `id` column's length.
        expected: usize,
    },
    /// A symbol index points past the labels.
    #[error("row {row}: symbol index {index} is not among the {labels} labels")]
    Symbol {
        /// The row.
        row: usize,
        /// The index found there.
        index: u32,
        /// How many labels were given.
        labels: usize,
    },
}

impl Columns<'_> {
    /// Number of trades.
    pub fn len(&self) -> usize {
        self.id.len()
    }

    /// Whether the batch holds no trade.
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    fn check(&self) -> Result<(), ColumnsError> {
        let expected = self.len();
        for (column, len) in [
            ("time_ms", self.time_ms.len()),
            ("price", self.price.len()),
            ("qty", self.qty.len()),
            ("side", self.side.len()),
            ("symbol", self.symbol.len()),
        ] {
            if len != expected {
                return Err(ColumnsError::Length {
                    column,
                    len,
                    expected,
                });
            }
        }
        match self
            .symbol
            .iter()
            .position(|&s| s as usize >= self.labels.len())
        {
            Some(row) => Err(ColumnsError::Symbol {
                row,
                index: self.symbol[row],
                labels: self.labels.len(),
            }),
            None => Ok(()),
        }
    }
}

/// The per-group aggregates of a run of trades in one bucket.
#[derive(Default)]
struct Run {
    /// Sketches each new aggregate keeps.
    sketches: SketchSpec,
    /// Position of the run's bucket in the engine's.
    bucket: Option<usize>,
    /// In order of first appearance, as the bucket keeps its groups.
    groups: Vec<(GroupKey, Agg)>,
    /// Per entry of `groups`, position + 1 of the next group with the same first label; 0
    /// ends the chain. Grouping by one field, every chain has one link.
    next: Vec<u32>,
    /// Position + 1 in `groups` of the first group with a first label, by slot (see
    /// [`slot`]); 0 when absent.
    index: Vec<u32>,
}

impl Run {
    /// The aggregate of a group, added if new. A dense index on the first label and a short
    /// chain over the second: no hashing and no allocation once the run's groups are known.
    fn agg(&mut self, key: GroupKey) -> &mut Agg {
        let s = slot(key[0]);
        if s >= self.index.len() {
            self.index.resize(s + 1, 0);
        }
        let mut link = self.index[s];
        let mut last = None;
        while link != 0 {
            let at = link as usize - 1;
            if self.groups[at].0 == key {
                return &mut self.groups[at].1;
            }
            last = Some(at);
            link = self.next[at];
        }
        self.groups.push((key, Agg::with_sketches(self.sketches)));
        self.next.push(0);
        let added = self.groups.len() as u32;
        match last {
            Some(at) => self.next[at] = added,
            None => self.index[s] = added,
        }
        &mut self.groups[added as usize - 1].1
    }
}

impl Engine {
    /// Adds trades given as columns, in order: the same aggregates as pushing them one by one
    /// with [`Engine::push`] (sums to rounding), faster. Trades carry no dimensions, so
    /// grouping by one gives them "no value" for it. Adds nothing on error.
    pub fn extend_columns(&mut self, trades: Columns<'_>) -> Result<(), ColumnsError> {
        trades.check()?;
        let first = self.table.len();
        self.table.push_columns(&trades);
        let by = self.spec.group_by;
        let mut run = Run {
            sketches: self.spec.sketches,
            ..Run::default()
        };
        // Trades in one second are counted for the rate together: (second, first time, n).
        let mut second: Option<(i64, i64, u32)> = None;
        for row in first..self.table.len() {
            let t = &self.table;
            let (time, id, price, qty, side, key) = (
                t.time_ms[row],
                t.id[row],
                t.price[row],
                t.qty[row],
                t.side(row),
                by.key(t, row),
            );
            let at = self.bucket_of(time);
            if run.bucket != Some(at) {
                self.merge_run(&mut run);
                run.bucket = Some(at);
            }
            let agg = run.agg(key);
            agg.push(time, id, price, qty, side);
            if let Some(k) = self.distinct_key(row) {
                agg.push_distinct(k);
            }
            match &mut second {
                Some((sec, _, n)) if *sec == time.div_euclid(1000) => *n += 1,
                _ => {
                    if let Some((_, at, n)) = second {
                        self.count_seconds(at, n);
                    }
                    second = Some((time.div_euclid(1000), time, 1));
                }
            }
        }
        if let Some((_, at, n)) = second {
            self.count_seconds(at, n);
        }
        self.merge_run(&mut run);
        Ok(())
    }

    fn merge_run(&mut self, run: &mut Run) {
        let Some(at) = run.bucket.take() else {
            return;
        };
        let bucket = &mut self.buckets[at];
        run.next.clear();
        for (key, agg) in run.groups.drain(..) {
            run.index[slot(key[0])] = 0;
            bucket.total.merge(&agg);
            self.total.merge(&agg);
            let g = self.group_totals.id(key, Agg::default);
            self.group_totals.total_mut(g).merge(&agg);
            if self.spec.group_by.is_grouping() {
                match bucket.groups.iter_mut().find(|(g, _)| *g == key) {
                    Some((_, a)) => a.merge(&agg),
                    None => bucket.groups.push((key, agg)),
                }
            }
        }
    }
}
