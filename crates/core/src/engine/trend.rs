//! A rolling straight-line trend of one metric over the last N closed buckets, refitted only
//! when a bucket closes.
//!
//! The last bucket of the engine is still filling, so it never enters the fit. The state
//! remembers which bucket was open at the previous update; when a later bucket appears, every
//! bucket from the remembered one up to (not including) the new last one has closed and is fed
//! to the window, and the line is refitted once. A change of the view (bucket size, group-by,
//! sketches, zone), of the metric or of N, or trades vanishing from the engine, starts over.
//!
//! Late trades landing in an already closed bucket are not refitted: a closed bucket's value is
//! taken as final, which is what lets a tick inside the open bucket cost one map lookup.

use std::sync::Arc;

use crate::stats::ols::OlsFit;
use crate::stats::rolling::RollingOls;
use crate::zone::Zone;

use super::{Engine, EngineSpec, Metric};

/// Name of the regressor: the bucket's ordinal, so the slope is per bucket.
pub const BUCKET_REGRESSOR: &str = "Bucket";

/// Slopes kept for the chart of the slope over time.
pub const HISTORY: usize = 240;

/// The trend fitted when one bucket closed.
#[derive(Clone, Debug, PartialEq)]
pub struct TrendPoint {
    /// Start (ms since the epoch) of the newest bucket in the fit.
    pub bucket_ms: i64,
    /// Change of the metric per bucket.
    pub slope: f64,
    /// Standard error of the slope.
    pub std_error: f64,
    /// R²; `None` when the values in the window do not vary.
    pub r_squared: Option<f64>,
    /// Buckets in the fit.
    pub n: usize,
}

/// What the trend was computed for; any change starts it over.
#[derive(Clone, Debug)]
struct Key {
    metric: Metric,
    window: usize,
    spec: EngineSpec,
    zone: Arc<Zone>,
}

impl Key {
    fn same(&self, other: &Key) -> bool {
        self.metric == other.metric
            && self.window == other.window
            && self.spec == other.spec
            && Arc::ptr_eq(&self.zone, &other.zone)
    }
}

/// The rolling trend and how it got there.
#[derive(Clone, Debug, Default)]
pub struct RollingTrend {
    key: Option<Key>,
    ols: Option<RollingOls>,
    /// Start of the bucket that was open at the last update.
    open_ms: Option<i64>,
    /// Ordinal of the next bucket to close (the x of the regression).
    next_x: f64,
    /// Trades in the engine at the last update: fewer means trades were replaced.
    trades: usize,
    history: Vec<TrendPoint>,
    refits: u64,
    resets: u64,
    last_error: Option<String>,
}

impl RollingTrend {
    /// An empty trend; the first [`RollingTrend::update`] fills it.
    pub fn new() -> Self {
        Self::default()
    }

    /// Brings the trend up to date with `engine`: feeds the buckets closed since the last call
    /// and refits once if there were any; starts over if the view, `metric` or `window`
    /// changed. Returns whether anything changed.
    pub fn update(&mut self, engine: &Engine, metric: Metric, window: usize) -> bool {
        let key = Key {
            metric,
            window,
            spec: engine.spec(),
            zone: engine.zone().clone(),
        };
        let open = engine.buckets().next_back().map(|(k, _)| k);
        let unchanged = self.key.as_ref().is_some_and(|k| k.same(&key)) && self.ols.is_some();
        if unchanged && engine.len() >= self.trades {
            if open == self.open_ms {
                return false;
            }
            if let Some(from) = self.open_ms {
                let series = engine.series(metric, None, from);
                if series.first().map(|(k, _)| *k) == Some(from) {
                    self.trades = engine.len();
                    self.feed_closed(&series);
                    return true;
                }
            }
        }
        self.reset(engine, key);
        true
    }

    fn reset(&mut self, engine: &Engine, key: Key) {
        self.resets += 1;
        self.history.clear();
        self.next_x = 0.0;
        self.trades = engine.len();
        self.open_ms = None;
        self.last_error = None;
        match RollingOls::new(&[BUCKET_REGRESSOR], key.window, true) {
            Ok(ols) => self.ols = Some(ols),
            Err(e) => {
                self.ols = None;
                self.last_error = Some(e.to_string());
                self.key = Some(key);
                return;
            }
        }
        let series = engine.series(key.metric, None, i64::MIN);
        self.key = Some(key);
        self.feed_closed(&series);
    }

    /// Feeds all but the last (open) bucket of `series` to the window, fitting after each
    /// closed bucket the history can show (usually the one that just closed; starting over,
    /// up to [`HISTORY`] of them). Counts as one refit however many buckets closed.
    fn feed_closed(&mut self, series: &[(i64, Option<f64>)]) {
        let Some(((open, _), closed)) = series.split_last() else {
            return;
        };
        self.open_ms = Some(*open);
        let Some(ols) = self.ols.as_mut() else { return };
        // Older buckets could only reach the window to be evicted again.
        let skip = closed.len().saturating_sub(HISTORY + ols.window());
        self.next_x += skip as f64;
        for (i, &(start, value)) in closed.iter().enumerate().skip(skip) {
            let x = self.next_x;
            self.next_x += 1.0;
            // An empty bucket of a price-like metric has no value: it keeps its ordinal.
            let Some(y) = value.filter(|y| y.is_finite()) else {
                continue;
            };
            // One regressor per row, as the window was built with: cannot fail.
            if ols.push(&[x], y).is_err() {
                continue;
            }
            let last = i + 1 == closed.len();
            if !last && closed.len() - i > HISTORY {
                continue;
            }
            match ols.fit() {
                Ok(f) => {
                    self.last_error = None;
                    if let Some(p) = point(start, &f) {
                        push_point(&mut self.history, p);
                    }
                }
                Err(e) => self.last_error = Some(e.to_string()),
            }
        }
        if !closed.is_empty() {
            self.refits += 1;
        }
    }

    /// The latest fit, if any bucket has closed with enough data.
    pub fn latest(&self) -> Option<&TrendPoint> {
        self.history.last()
    }

    /// Slopes fitted as buckets closed, oldest first (at most [`HISTORY`]).
    pub fn history(&self) -> &[TrendPoint] {
        &self.history
    }

    /// Updates that fed newly closed buckets and refitted.
    pub fn refits(&self) -> u64 {
        self.refits
    }

    /// Times the trend started over.
    pub fn resets(&self) -> u64 {
        self.resets
    }

    /// Start of the bucket still open at the last update.
    pub fn open_bucket(&self) -> Option<i64> {
        self.open_ms
    }

    /// Why the latest fit failed (too few buckets, constant values...), if it did.
    pub fn error(&self) -> Option<&str> {
        self.last_error.as_deref()
    }
}

fn push_point(history: &mut Vec<TrendPoint>, p: TrendPoint) {
    if history.len() == HISTORY {
        history.remove(0);
    }
    history.push(p);
}

fn point(bucket_ms: i64, f: &OlsFit) -> Option<TrendPoint> {
    let slope = f.coefficient(BUCKET_REGRESSOR)?;
    Some(TrendPoint {
        bucket_ms,
        slope: slope.estimate,
        std_error: slope.std_error,
        r_squared: f.r_squared,
        n: f.n,
    })
}
