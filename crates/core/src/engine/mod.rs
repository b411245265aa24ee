//! The streaming aggregation engine: trades in, per-bucket and per-group aggregates out,
//! updated incrementally as trades arrive in any order.

mod agg;
mod batch;
mod bucket;
mod follow;
mod group;
mod group_totals;
pub mod measure;
mod metric;
mod range;
pub mod series;
mod sketch;
mod table;
pub mod trend;

pub use agg::Agg;
pub use batch::{Columns, ColumnsError};
pub use bucket::BucketSize;
use bucket::BucketSpan;
pub use follow::Follower;
pub use group::{GroupBy, GroupKey};
use group_totals::GroupTotals;
pub use metric::Metric;
pub use sketch::{DistinctOf, SketchSpec};
pub use table::{LabelId, Table, NO_LABEL};

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use crate::model::{Field, Label, Trade};
use crate::store::rollup::{Rollup, MINUTE_MS};
use crate::zone::Zone;

/// What the engine aggregates by: a bucket width, up to two group-by fields, and the sketches
/// every aggregate keeps (none by default: percentiles and distinct counts are opt-in).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineSpec {
    /// Bucket width.
    pub bucket: BucketSize,
    /// Group trades within each bucket by these fields (none, one or a pair).
    pub group_by: GroupBy,
    /// Sketches kept per aggregate, for the percentile and distinct-count metrics.
    pub sketches: SketchSpec,
}

impl Default for EngineSpec {
    fn default() -> Self {
        EngineSpec {
            bucket: BucketSize::M15,
            group_by: GroupBy::one(Field::Symbol),
            sketches: SketchSpec::NONE,
        }
    }
}

/// One time bucket: its total and, when grouping, one aggregate per group.
#[derive(Clone, Debug, Default)]
pub struct Bucket {
    /// All trades of the bucket.
    pub total: Agg,
    /// Per group, in order of first appearance; few groups per bucket, so a vector beats a map.
    pub groups: Vec<(GroupKey, Agg)>,
}

impl Bucket {
    /// The aggregate of one group, if the bucket has trades of it.
    pub fn group(&self, key: GroupKey) -> Option<&Agg> {
        self.groups.iter().find(|(g, _)| *g == key).map(|(_, a)| a)
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
    /// Every bucket, in the order they were made (removed only all at once).
    buckets: Vec<Bucket>,
    /// Position in `buckets` by bucket start.
    bucket_starts: BTreeMap<i64, usize>,
    /// The bucket of the last trade folded (its position in `buckets`, and whether it was
    /// older than the newest then) and the instants that share it: trades mostly come in time
    /// order, so most skip the zone, the division of [`BucketSize::start_in`] and the map.
    /// Cleared whenever a bucket may have been made out of its sight.
    last_bucket: Option<(BucketSpan, usize, bool)>,
    /// See [`Engine::late_folds`].
    late_folds: u64,
    /// Totals per group (per symbol when not grouping).
    group_totals: GroupTotals,
    total: Agg,
    /// (second, trades in it), ascending, the last [`RATE_HORIZON_S`] seconds of event time.
    per_second: VecDeque<(i64, u32)>,
    /// History known only as one-minute rollups: (minute start, symbol, aggregate, source).
    summaries: Vec<(i64, LabelId, Agg, u8)>,
    /// Bumped whenever trades or rollups are taken out (not when added), so a [`Follower`]
    /// knows to start over.
    generation: u64,
}

impl Engine {
    /// An empty engine aggregating by `spec`.
    pub fn new(spec: EngineSpec) -> Self {
        Engine {
            spec,
            total: Agg::with_sketches(spec.sketches),
            ..Engine::default()
        }
    }

    /// The current bucket width, group-by and sketches.
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

    /// Changes the bucket width, group-by or sketches and recomputes every aggregate from the
    /// stored trades (linear in their number).
    pub fn set_spec(&mut self, spec: EngineSpec) {
        if spec != self.spec {
            let resketch = spec.sketches != self.spec.sketches;
            self.spec = spec;
            self.rebuild();
            if resketch {
                // The total follows neither bucket nor group: only new sketches change it.
                self.recount_total();
            }
        }
    }

    fn rebuild(&mut self) {
        self.late_folds += 1;
        self.last_bucket = None;
        self.buckets.clear();
        self.bucket_starts.clear();
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

    /// Adds one rollup's aggregate, as [`Engine::push_rollups`] does (a [`Follower`] copying
    /// another engine's).
    fn push_summary(&mut self, minute_ms: i64, symbol: &Label, agg: Agg) {
        let symbol = self.table.intern_label(symbol);
        self.total.merge(&agg);
        self.summaries
            .push((minute_ms, symbol, agg, self.table.current_source));
        self.aggregate_summary(self.summaries.len() - 1);
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
        self.generation += 1;
        self.per_second.clear();
        for row in 0..self.table.len() {
            self.count_second(self.table.time_ms[row]);
        }
        self.recount_total();
        self.rebuild();
        gone
    }

    /// Recomputes the total over every stored trade and rollup.
    fn recount_total(&mut self) {
        self.total = self.new_agg();
        for row in 0..self.table.len() {
            let distinct = self.distinct_key(row);
            fold_row(&mut self.total, &self.table, row, distinct);
        }
        for s in &self.summaries {
            self.total.merge(&s.2);
        }
    }

    /// Trades included only through rollups.
    pub fn summarised(&self) -> u64 {
        self.total.summarised()
    }

    fn aggregate_summary(&mut self, i: usize) {
        let (minute, symbol, ref agg, _) = self.summaries[i];
        // Rollups know only the symbol: they join groups keyed by the symbol alone.
        let by_symbol = self.spec.group_by.keyed_by_symbol_alone();
        let key: GroupKey = [symbol, NO_LABEL];
        if by_symbol {
            let g = self.group_totals.id(key, Agg::default);
            self.group_totals.total_mut(g).merge(agg);
        }
        if self.spec.bucket.millis() < MINUTE_MS {
            return;
        }
        let start = self.spec.bucket.start_in(&self.zone, minute);
        if self
            .bucket_starts
            .last_key_value()
            .is_some_and(|(&newest, _)| start < newest)
        {
            self.late_folds += 1;
        }
        // The bucket may be new and the newest: the next trade looks again.
        self.last_bucket = None;
        // Not bucket_at: `agg` borrows the summaries, so only the bucket fields may be taken.
        let at = *self.bucket_starts.entry(start).or_insert_with(|| {
            self.buckets.push(Bucket::default());
            self.buckets.len() - 1
        });
        let bucket = &mut self.buckets[at];
        bucket.total.merge(agg);
        if by_symbol && self.spec.group_by.is_grouping() {
            match bucket.groups.iter_mut().find(|(g, _)| *g == key) {
                Some((_, a)) => a.merge(agg),
                None => bucket.groups.push((key, agg.clone())),
            }
        }
    }

    /// An empty aggregate with the sketches of the spec.
    pub(crate) fn new_agg(&self) -> Agg {
        Agg::with_sketches(self.spec.sketches)
    }

    /// Adds one trade.
    pub fn push(&mut self, trade: &Trade) {
        let row = self.table.push(trade);
        let distinct = self.distinct_key(row);
        fold_row(&mut self.total, &self.table, row, distinct);
        self.count_second(trade.time_ms);
        self.aggregate_row(row);
    }

    /// Adds trades in order.
    pub fn extend<'a>(&mut self, trades: impl IntoIterator<Item = &'a Trade>) {
        let trades = trades.into_iter();
        // Grown once rather than doubling as it goes: every doubling copies the columns.
        self.table.reserve(trades.size_hint().0);
        for t in trades {
            self.push(t);
        }
    }

    /// Folds the stored trade at `row` into its bucket, its group in the bucket and its group's
    /// total (the engine total is the caller's: a rebuild leaves it as it is).
    fn aggregate_row(&mut self, row: usize) {
        let time = self.table.time_ms[row];
        let at = self.bucket_of(time);
        let t = &self.table;
        let (id, price, qty, side) = (t.id[row], t.price[row], t.qty[row], t.side(row));
        let distinct = self.distinct_key(row);
        let fold = |agg: &mut Agg| {
            agg.push(time, id, price, qty, side);
            if let Some(k) = distinct {
                agg.push_distinct(k);
            }
        };
        let empty = || Agg::with_sketches(self.spec.sketches);
        let bucket = &mut self.buckets[at];
        fold(&mut bucket.total);
        let key = self.spec.group_by.key(t, row);
        let g = self.group_totals.id(key, empty);
        if self.spec.group_by.is_grouping() {
            let i = match self.group_totals.place(g) {
                (b, i) if b == at => i,
                _ => {
                    let i = match bucket.groups.iter().position(|(k, _)| *k == key) {
                        Some(i) => i,
                        None => {
                            bucket.groups.push((key, empty()));
                            bucket.groups.len() - 1
                        }
                    };
                    self.group_totals.set_place(g, (at, i));
                    i
                }
            };
            fold(&mut bucket.groups[i].1);
        }
        fold(self.group_totals.total_mut(g));
    }

    /// Position in `buckets` of the bucket holding `time_ms` ([`BucketSize::start_in`]),
    /// made empty if new, for one trade to be folded into it (counted in
    /// [`Engine::late_folds`] if the bucket is older than the newest); the instants sharing it
    /// are remembered for the next call.
    fn bucket_of(&mut self, time_ms: i64) -> usize {
        let (at, late) = match self.last_bucket {
            Some((span, at, late)) if span.contains(time_ms) => (at, late),
            _ => {
                let span = self.spec.bucket.span_in(&self.zone, time_ms);
                let sketches = self.spec.sketches;
                let at = self.bucket_at(span.start, || Bucket {
                    total: Agg::with_sketches(sketches),
                    groups: Vec::new(),
                });
                let late = self
                    .bucket_starts
                    .last_key_value()
                    .is_some_and(|(&newest, _)| span.start < newest);
                self.last_bucket = Some((span, at, late));
                (at, late)
            }
        };
        self.late_folds += u64::from(late);
        at
    }

    /// Position in `buckets` of the bucket starting at `start`, made by `new` if there is none.
    fn bucket_at(&mut self, start: i64, new: impl FnOnce() -> Bucket) -> usize {
        *self.bucket_starts.entry(start).or_insert_with(|| {
            self.buckets.push(new());
            self.buckets.len() - 1
        })
    }

    /// The key the distinct count counts for the trade at `row`, if one is kept and the trade
    /// has a value: its id, or the stable hash of the field's text (computed once per label),
    /// so sketches of different engines or runs merge.
    pub(crate) fn distinct_key(&self, row: usize) -> Option<u64> {
        match self.spec.sketches.distinct? {
            DistinctOf::TradeId => Some(self.table.id[row]),
            DistinctOf::Field(f) => self.table.label_hash(self.table.label_id(f, row)),
        }
    }

    fn count_second(&mut self, time_ms: i64) {
        self.count_seconds(time_ms, 1);
    }

    /// Counts `n` trades in the second holding `time_ms` (the batch path counts each run of
    /// trades within one second at once).
    fn count_seconds(&mut self, time_ms: i64, n: u32) {
        let sec = time_ms.div_euclid(1000);
        // Most trades arrive in the newest second: no search, and nothing falls out.
        if let Some((newest, count)) = self.per_second.back_mut() {
            if *newest == sec {
                *count += n;
                return;
            }
        }
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

    /// How many trades (and rollups) have been folded into a bucket older than the newest,
    /// plus one for each time the buckets were computed again: while it stays the same, no
    /// closed bucket has changed. The rolling trend watches it to refit after late trades.
    pub fn late_folds(&self) -> u64 {
        self.late_folds
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
        self.bucket_starts
            .iter()
            .map(|(&start, &at)| (start, &self.buckets[at]))
    }

    /// Buckets starting at or after `from_ms`.
    pub fn buckets_from(&self, from_ms: i64) -> impl DoubleEndedIterator<Item = (i64, &Bucket)> {
        self.bucket_starts
            .range(from_ms..)
            .map(|(&start, &at)| (start, &self.buckets[at]))
    }

    /// One value per bucket from `from_ms` to the last bucket, empty buckets included (zero for
    /// sums, `None` for prices), for one group or, with `group = None`, the bucket totals.
    pub fn series(
        &self,
        metric: Metric,
        group: Option<GroupKey>,
        from_ms: i64,
    ) -> Vec<(i64, Option<f64>)> {
        let Some((&last, _)) = self.bucket_starts.iter().next_back() else {
            return Vec::new();
        };
        let first = match self.bucket_starts.range(from_ms..).next() {
            Some((&k, _)) => k,
            None => return Vec::new(),
        };
        self.series_between(metric, group, first, last)
    }

    /// [`Engine::series`] from the bucket starting at `first`, which need not hold trades, to
    /// the one starting at `last`.
    pub(crate) fn series_between(
        &self,
        metric: Metric,
        group: Option<GroupKey>,
        first: i64,
        last: i64,
    ) -> Vec<(i64, Option<f64>)> {
        let empty = if metric.is_additive() {
            Some(0.0)
        } else {
            None
        };
        let mut out = Vec::new();
        let mut start = first;
        while start <= last {
            let bucket = self.bucket_starts.get(&start).map(|&at| &self.buckets[at]);
            let agg = bucket.and_then(|b| match group {
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
    /// fields (by symbol when not grouping). Ties are broken by labels so the order is stable.
    pub fn top_groups(&self, n: usize) -> Vec<(GroupKey, &Agg)> {
        self.top_of(self.group_totals.iter().collect(), n)
    }

    /// The `n` of `all` with the highest notional, highest first, ties broken by labels.
    fn top_of<A: std::borrow::Borrow<Agg>>(
        &self,
        mut all: Vec<(GroupKey, A)>,
        n: usize,
    ) -> Vec<(GroupKey, A)> {
        all.sort_by(|a, b| {
            b.1.borrow()
                .notional()
                .total_cmp(&a.1.borrow().notional())
                .then_with(|| self.label(a.0[0]).cmp(&self.label(b.0[0])))
                .then_with(|| self.label(a.0[1]).cmp(&self.label(b.0[1])))
        });
        all.truncate(n);
        all
    }

    /// The text of a label id, `None` for [`NO_LABEL`].
    pub fn label(&self, id: LabelId) -> Option<&Label> {
        self.table.label(id)
    }

    /// The labels of a group key, one per group-by field (one, the symbol, when not
    /// grouping); `None` where the group's trades lack the field.
    pub fn group_labels(&self, key: GroupKey) -> Vec<Option<&Label>> {
        let n = self.spec.group_by.len().max(1);
        key[..n].iter().map(|&id| self.label(id)).collect()
    }

    /// A group's name for people: its labels joined by " · ", `missing` standing for an
    /// absent value ("Berlin · (none)").
    pub fn group_name(&self, key: GroupKey, missing: &str) -> String {
        self.group_labels(key)
            .into_iter()
            .map(|l| l.map_or(missing, |l| &**l))
            .collect::<Vec<&str>>()
            .join(" · ")
    }

    /// The stored trades, column by column.
    pub fn table(&self) -> &Table {
        &self.table
    }
}

/// Folds the stored trade at `row` into `agg`, with its distinct-count key if one is kept.
fn fold_row(agg: &mut Agg, t: &Table, row: usize, distinct: Option<u64>) {
    agg.push(
        t.time_ms[row],
        t.id[row],
        t.price[row],
        t.qty[row],
        t.side(row),
    );
    if let Some(k) = distinct {
        agg.push_distinct(k);
    }
}
