//! The streaming aggregation engine: trades in, per-bucket and per-group aggregates out,
//! updated incrementally as trades arrive in any order.

mod agg;
mod batch;
mod bucket;
pub mod measure;
mod metric;
pub mod series;
mod table;

pub use agg::Agg;
pub use batch::{Columns, ColumnsError};
pub use bucket::BucketSize;
pub use metric::Metric;
pub use table::{LabelId, Table, NO_LABEL};

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use crate::model::{Field, Label, Trade};
use crate::store::rollup::{Rollup, MINUTE_MS};
use crate::zone::Zone;

/// What the engine aggregates by: a bucket width and an optional group-by field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineSpec {
    /// Bucket width.
    pub bucket: BucketSize,
    /// Group trades within each bucket by this field, if set.
    pub group_by: Option<Field>,
}

impl Default for EngineSpec {
    fn default() -> Self {
        EngineSpec {
            bucket: BucketSize::M15,
            group_by: Some(Field::Symbol),
        }
    }
}

/// One time bucket: its total and, when grouping, one aggregate per group.
#[derive(Clone, Debug, Default)]
pub struct Bucket {
    /// All trades of the bucket.
    pub total: Agg,
    /// Per group, in order of first appearance; few groups per bucket, so a vector beats a map.
    pub groups: Vec<(LabelId, Agg)>,
}

impl Bucket {
    /// The aggregate of one group, if the bucket has trades of it.
    pub fn group(&self, id: LabelId) -> Option<&Agg> {
        self.groups.iter().find(|(g, _)| *g == id).map(|(_, a)| a)
    }
}

/// How many seconds of per-second counts are kept for the trade rate.
const RATE_HORIZON_S: i64 = 300;

/// Streaming aggregates over every trade pushed so far.
#[derive(Clone, Debug, Default)]
pub struct Engine {
    spec: EngineSpec,
    /// Buckets follow this zone's local time.
    zone: Arc<Zone>,
    table: Table,
    buckets: BTreeMap<i64, Bucket>,
    /// Totals per value of the group-by field (the symbol when not grouping).
    group_totals: HashMap<LabelId, Agg>,
    total: Agg,
    /// (second, trades in it), ascending, the last [`RATE_HORIZON_S`] seconds of event time.
    per_second: VecDeque<(i64, u32)>,
    /// History known only as one-minute rollups: (minute start, symbol, aggregate, source).
    summaries: Vec<(i64, LabelId, Agg, u8)>,
}

impl Engine {
    /// An empty engine aggregating by `spec`.
    pub fn new(spec: EngineSpec) -> Self {
        Engine {
            spec,
            ..Engine::default()
        }
    }

    /// The current bucket width and group-by.
    pub fn spec(&self) -> EngineSpec {
        self.spec
    }

    /// The time zone buckets follow.
    pub fn zone(&self) -> &Arc<Zone> {
        &self.zone
    }

    /// Changes the time zone and recomputes every aggregate from the stored trades.
    pub fn set_zone(&mut self, zone: Arc<Zone>) {
        if zone != self.zone {
            self.zone = zone;
            self.rebuild();
        }
    }

    /// Changes the bucket width or group-by and recomputes every aggregate from the stored
    /// trades (linear in their number).
    pub fn set_spec(&mut self, spec: EngineSpec) {
        if spec != self.spec {
            self.spec = spec;
            self.rebuild();
        }
    }

    fn rebuild(&mut self) {
        self.buckets.clear();
        self.group_totals.clear();
        for row in 0..self.table.len() {
            self.aggregate_row(row);
        }
        for i in 0..self.summaries.len() {
            self.aggregate_summary(i);
        }
    }

    /// Adds history known only as one-minute rollups (raw trades deleted by retention), for
    /// minutes no pushed trade belongs to: the caller passes minutes before its oldest kept
    /// trade. They count in the totals, in group totals by symbol, and in buckets of a
    /// minute or wider (a narrower bucket cannot split a minute, so it leaves them out).
    pub fn push_rollups<'a>(&mut self, rollups: impl IntoIterator<Item = &'a Rollup>) {
        for r in rollups {
            let symbol = self.table.intern_label(r.symbol());
            let agg = Agg::from_rollup(r);
            self.total.merge(&agg);
            self.summaries
                .push((r.minute_ms(), symbol, agg, self.table.current_source));
            self.aggregate_summary(self.summaries.len() - 1);
        }
    }

    /// Tags the trades (and rollups) pushed from now on as coming from `source` (0 by
    /// default), so they can be taken out together ([`Engine::remove_source`]): the demo's
    /// generated history, say, replaced by the stored one while other feeds' trades stay.
    pub fn set_source(&mut self, source: u8) {
        self.table.current_source = source;
    }

    /// Takes out every trade and rollup pushed from `source` and recomputes the aggregates
    /// from the rest (linear in what is left); returns how many trades went.
    pub fn remove_source(&mut self, source: u8) -> usize {
        let gone = self.table.remove_source(source);
        let before = self.summaries.len();
        self.summaries.retain(|s| s.3 != source);
        if gone == 0 && before == self.summaries.len() {
            return 0;
        }
        self.total = Agg::default();
        self.per_second.clear();
        for row in 0..self.table.len() {
            let t = &self.table;
            let (time, id, price, qty, side) = (
                t.time_ms[row],
                t.id[row],
                t.price[row],
                t.qty[row],
                t.side(row),
            );
            self.total.push(time, id, price, qty, side);
            self.count_second(time);
        }
        for s in &self.summaries {
            self.total.merge(&s.2);
        }
        self.rebuild();
        gone
    }

    /// Trades included only through rollups.
    pub fn summarised(&self) -> u64 {
        self.total.summarised()
    }

    fn aggregate_summary(&mut self, i: usize) {
        let (minute, symbol, ref agg, _) = self.summaries[i];
        let by_symbol = matches!(self.spec.group_by, None | Some(Field::Symbol));
        if by_symbol {
            self.group_totals.entry(symbol).or_default().merge(agg);
        }
        if self.spec.bucket.millis() < MINUTE_MS {
            return;
        }
        let bucket = self
            .buckets
            .entry(self.spec.bucket.start_in(&self.zone, minute))
            .or_default();
        bucket.total.merge(agg);
        if self.spec.group_by == Some(Field::Symbol) {
            match bucket.groups.iter_mut().find(|(g, _)| *g == symbol) {
                Some((_, a)) => a.merge(agg),
                None => bucket.groups.push((symbol, agg.clone())),
            }
        }
    }

    /// Adds one trade.
    pub fn push(&mut self, trade: &Trade) {
        let row = self.table.push(trade);
        self.total
            .push(trade.time_ms, trade.id, trade.price, trade.qty, trade.side);
        self.count_second(trade.time_ms);
        self.aggregate_row(row);
    }

    /// Adds trades in order.
    pub fn extend<'a>(&mut self, trades: impl IntoIterator<Item = &'a Trade>) {
        for t in trades {
            self.push(t);
        }
    }

    fn aggregate_row(&mut self, row: usize) {
        let t = &self.table;
        let (time, id, price, qty, side) = (
            t.time_ms[row],
            t.id[row],
            t.price[row],
            t.qty[row],
            t.side(row),
        );
        let bucket = self
            .buckets
            .entry(self.spec.bucket.start_in(&self.zone, time))
            .or_default();
        bucket.total.push(time, id, price, qty, side);
        let field = self.spec.group_by.unwrap_or(Field::Symbol);
        let key = t.label_id(field, row);
        if self.spec.group_by.is_some() {
            match bucket.groups.iter_mut().find(|(g, _)| *g == key) {
                Some((_, agg)) => agg.push(time, id, price, qty, side),
                None => {
                    let mut agg = Agg::default();
                    agg.push(time, id, price, qty, side);
                    bucket.groups.push((key, agg));
                }
            }
        }
        self.group_totals
            .entry(key)
            .or_default()
            .push(time, id, price, qty, side);
    }

    fn count_second(&mut self, time_ms: i64) {
        self.count_seconds(time_ms, 1);
    }

    /// Counts `n` trades in the second holding `time_ms` (the batch path counts each run of
    /// trades within one second at once).
    fn count_seconds(&mut self, time_ms: i64, n: u32) {
        let sec = time_ms.div_euclid(1000);
        let newest = self.per_second.back().map_or(sec, |&(s, _)| s.max(sec));
        if sec <= newest - RATE_HORIZON_S {
            return;
        }
        match self.per_second.binary_search_by_key(&sec, |&(s, _)| s) {
            Ok(i) => self.per_second[i].1 += n,
            Err(i) => self.per_second.insert(i, (sec, n)),
        }
        while self
            .per_second
            .front()
            .is_some_and(|&(s, _)| s <= newest - RATE_HORIZON_S)
        {
            self.per_second.pop_front();
        }
    }

    /// Trades per second over the `window_s` whole seconds ending with the one holding `now_ms`
    /// (at most five minutes back).
    pub fn rate_per_second(&self, now_ms: i64, window_s: i64) -> f64 {
        let window_s = window_s.clamp(1, RATE_HORIZON_S);
        let now = now_ms.div_euclid(1000);
        let n: u64 = self
            .per_second
            .iter()
            .filter(|&&(s, _)| s > now - window_s && s <= now)
            .map(|&(_, c)| u64::from(c))
            .sum();
        n as f64 / window_s as f64
    }

    /// Aggregate over every trade.
    pub fn total(&self) -> &Agg {
        &self.total
    }

    /// Number of trades pushed.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether no trade has been pushed.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Buckets in time order, keyed by their start (ms since the epoch).
    pub fn buckets(&self) -> impl DoubleEndedIterator<Item = (i64, &Bucket)> {
        self.buckets.iter().map(|(&k, v)| (k, v))
    }

    /// Buckets starting at or after `from_ms`.
    pub fn buckets_from(&self, from_ms: i64) -> impl DoubleEndedIterator<Item = (i64, &Bucket)> {
        self.buckets.range(from_ms..).map(|(&k, v)| (k, v))
    }

    /// One value per bucket from `from_ms` to the last bucket, empty buckets included (zero for
    /// sums, `None` for prices), for one group or, with `group = None`, the bucket totals.
    pub fn series(
        &self,
        metric: Metric,
        group: Option<LabelId>,
        from_ms: i64,
    ) -> Vec<(i64, Option<f64>)> {
        let Some((&last, _)) = self.buckets.iter().next_back() else {
            return Vec::new();
        };
        let first = match self.buckets.range(from_ms..).next() {
            Some((&k, _)) => k,
            None => return Vec::new(),
        };
        let empty = if metric.is_additive() {
            Some(0.0)
        } else {
            None
        };
        let mut out = Vec::new();
        let mut start = first;
        while start <= last {
            let agg = self.buckets.get(&start).and_then(|b| match group {
                None => Some(&b.total),
                Some(g) => b.group(g),
            });
            out.push((start, agg.map_or(empty, |a| metric.of(a))));
            let next = self.spec.bucket.next_start_in(&self.zone, start);
            // A zone table can never send time backwards, but a loop must not trust that.
            if next <= start {
                break;
            }
            start = next;
        }
        out
    }

    /// The `n` groups with the highest notional over all trades, highest first, by the group-by
    /// field (by symbol when not grouping). Ties are broken by label so the order is stable.
    pub fn top_groups(&self, n: usize) -> Vec<(LabelId, &Agg)> {
        let mut all: Vec<(LabelId, &Agg)> =
            self.group_totals.iter().map(|(&k, v)| (k, v)).collect();
        all.sort_by(|a, b| {
            b.1.notional()
                .total_cmp(&a.1.notional())
                .then_with(|| self.label(a.0).cmp(&self.label(b.0)))
        });
        all.truncate(n);
        all
    }

    /// The text of a label id (a group key), `None` for [`NO_LABEL`].
    pub fn label(&self, id: LabelId) -> Option<&Label> {
        self.table.label(id)
    }

    /// The stored trades, column by column.
    pub fn table(&self) -> &Table {
        &self.table
    }
}
