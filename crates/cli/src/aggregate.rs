//! `tradelens aggregate`: trades folded into one [`Agg`] per (bucket, group) as they stream
//! past, so memory grows with the number of output rows, never with the number of trades.
//! (The core's `Engine` groups by two fields too, but keeps every trade to recompute on a new
//! bucket size: that would make memory grow with the file, so the command keeps its own fold.)
//! Percentile and distinct-count metrics add a sketch per row only when asked for: a few KiB
//! at most, whatever the number of trades.

use std::collections::HashMap;
use std::io::Write;

use tradelens_core::engine::{Agg, BucketSize, DistinctOf, Metric, SketchSpec};
use tradelens_core::model::{Field, Label, Trade};
use tradelens_core::stats::sketch::DistinctCount;
use tradelens_core::zone::Zone;

use crate::args::AggregateArgs;
use crate::input::CleanStream;
use crate::tz;
use crate::CliError;

/// A group key: the values of up to two fields (`None` where a trade lacks the field).
pub type Group = [Option<Label>; 2];

/// Folds trades into buckets of a zone's local time, per group.
pub struct Aggregator {
    bucket: BucketSize,
    zone: Zone,
    by: Vec<Field>,
    /// Sketches each row keeps (none unless a percentile or distinct metric is asked for).
    sketches: SketchSpec,
    aggs: HashMap<(i64, Group), Agg>,
    /// The bucket of the last trade, [start, end), to skip the zone lookup for the next.
    last: Option<(i64, i64)>,
}

impl Aggregator {
    /// An empty aggregator.
    pub fn new(bucket: BucketSize, zone: Zone, by: Vec<Field>) -> Aggregator {
        Aggregator {
            bucket,
            zone,
            by,
            sketches: SketchSpec::NONE,
            aggs: HashMap::new(),
            last: None,
        }
    }

    /// The same, keeping the sketches `metrics` need, distinct counts counting `distinct`.
    pub fn with_sketches(mut self, metrics: &[Metric], distinct: DistinctOf) -> Aggregator {
        self.sketches = SketchSpec::for_metrics(metrics, distinct);
        self
    }

    /// The zone buckets follow.
    pub fn zone(&self) -> &Zone {
        &self.zone
    }

    /// Adds one trade.
    pub fn push(&mut self, t: &Trade) {
        let start = match self.last {
            Some((s, e)) if (s..e).contains(&t.time_ms) => s,
            _ => {
                let s = self.bucket.start_in(&self.zone, t.time_ms);
                let e = self.bucket.next_start_in(&self.zone, s);
                self.last = Some((s, e));
                s
            }
        };
        let mut group: Group = Default::default();
        for (slot, f) in group.iter_mut().zip(&self.by) {
            *slot = t.field(*f).cloned();
        }
        let sketches = self.sketches;
        let agg = self
            .aggs
            .entry((start, group))
            .or_insert_with(|| Agg::with_sketches(sketches));
        agg.push(t.time_ms, t.id, t.price, t.qty, t.side);
        // The keys the engine uses too: the id, or the stable hash of the label's text.
        let key = match sketches.distinct {
            None => None,
            Some(DistinctOf::TradeId) => Some(t.id),
            Some(DistinctOf::Field(f)) => t.field(f).map(|l| DistinctCount::hash_of(&**l)),
        };
        if let Some(k) = key {
            agg.push_distinct(k);
        }
    }

    /// Every (bucket start, group, aggregate), sorted by start then group values.
    pub fn rows(self) -> Vec<(i64, Group, Agg)> {
        let mut rows: Vec<(i64, Group, Agg)> =
            self.aggs.into_iter().map(|((s, g), a)| (s, g, a)).collect();
        rows.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        rows
    }
}

/// One CSV field, quoted when it needs to be.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A number as CSV text: the shortest text that reads back as the same `f64`; empty when
/// undefined.
pub fn number(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite())
        .map_or_else(String::new, |v| format!("{v}"))
}

/// Runs `aggregate`, writing CSV to `out`.
pub fn run(args: &AggregateArgs, out: &mut impl Write) -> Result<(), CliError> {
    let zone = match &args.tz {
        Some(spec) => tz::resolve(spec)?,
        None => Zone::utc(),
    };
    let mut stream = CleanStream::open(&args.input)?;
    let mut agg = Aggregator::new(args.bucket, zone, args.by.clone())
        .with_sketches(&args.metrics, args.distinct);
    while let Some(batch) = stream.next_batch()? {
        for t in &batch {
            agg.push(t);
        }
    }
    let zone = agg.zone().clone();
    let mut header = vec!["bucket_start".to_string()];
    header.extend(args.by.iter().map(|f| f.name().to_string()));
    header.extend(args.metrics.iter().map(|m| m.name().to_string()));
    writeln!(out, "{}", header.join(","))?;
    for (start, group, a) in agg.rows() {
        let mut row = vec![tz::rfc3339(&zone, start)];
        for g in group.iter().take(args.by.len()) {
            row.push(csv_field(g.as_deref().unwrap_or("")));
        }
        row.extend(args.metrics.iter().map(|m: &Metric| number(m.of(&a))));
        writeln!(out, "{}", row.join(","))?;
    }
    out.flush()?;
    report_rejects(&stream);
    Ok(())
}

/// One line on stderr when cleaning dropped rows, so a script's output stays pure CSV.
pub fn report_rejects(stream: &CleanStream) {
    let total = &stream.cleaner.report().total;
    let rejected = total.rejected();
    if rejected > 0 {
        eprintln!(
            "tradelens: {rejected} row(s) rejected, {} accepted; run `tradelens validate` for details",
            total.accepted
        );
    }
}
