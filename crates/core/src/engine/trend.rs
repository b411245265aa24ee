//! A rolling straight-line trend of one metric over the last N closed buckets, refitted only
//! when a bucket closes or a late trade changes one in the window.
//!
//! The last bucket of the engine is still filling, so it never enters the fit. The state
//! remembers which bucket was open at the previous update; when a later bucket appears, every
//! bucket from the remembered one up to (not including) the new last one has closed and is fed
//! to the window, and the line is refitted once. A change of the view (bucket size, group-by,
//! sketches, zone), of the metric or of N, or trades vanishing from the engine, starts over.
//!
//! Late trades landing in an already closed bucket are noticed through the engine's count of
//! them ([`Engine::late_folds`]), so a tick without any still costs one map lookup and a
//! comparison. After some, the update reads again the buckets the window can hold; if any of
//! their values changed, it rebuilds the window and refits once, however many late trades
//! there were, and the fit replaces the latest point of the history (earlier points stay as
//! they were fitted). Late trades in buckets older than the window change nothing.

use std::collections::VecDeque;
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
    /// The engine's [`Engine::late_folds`] at the last update.
    late_folds: u64,
    /// (bucket start, x, y) of each row in the window, oldest first.
    rows: VecDeque<(i64, f64, f64)>,
    /// (bucket start, x) of the first bucket fed since starting over: while the window is not
    /// full, a late trade in any bucket from there can add a row.
    first_fed: Option<(i64, f64)>,
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

    /// Brings the trend up to date with `engine`: takes in late trades in the window's buckets
    /// and feeds the buckets closed since the last call, refitting once if either changed the
    /// window; starts over if the view, `metric` or `window` changed. Returns whether anything
    /// changed.
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
            let late = engine.late_folds() != self.late_folds;
            if open == self.open_ms && !late {
                return false;
            }
            if let Some(from) = self.open_ms {
                let series = engine.series(metric, None, from);
                if series.first().map(|(k, _)| *k) == Some(from) {
                    self.trades = engine.len();
                    self.late_folds = engine.late_folds();
                    let revised = match late.then(|| self.revise_window(engine, metric, from)) {
                        None => false,
                        Some(Some(revised)) => revised,
                        // Buckets lost values (history taken out): start over.
                        Some(None) => {
                            self.reset(engine, key);
                            return true;
                        }
                    };
                    if open != self.open_ms {
                        self.feed_closed(&series);
                        return true;
                    }
                    if revised {
                        self.refit_latest();
                    }
                    return revised;
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
        self.late_folds = engine.late_folds();
        self.rows.clear();
        self.first_fed = None;
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
            self.first_fed.get_or_insert((start, x));
            // An empty bucket of a price-like metric has no value: it keeps its ordinal.
            let Some(y) = value.filter(|y| y.is_finite()) else {
                continue;
            };
            // One regressor per row, as the window was built with: cannot fail.
            if ols.push(&[x], y).is_err() {
                continue;
            }
            if self.rows.len() == ols.window() {
                self.rows.pop_front();
            }
            self.rows.push_back((start, x, y));
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

    /// After late trades: reads again the closed buckets (before `open`) the window can hold
    /// and, if that changes its rows, rebuilds it from them. Trades only add to buckets, so a
    /// bucket with a value keeps one: the window's rows are still among the buckets from its
    /// oldest row on (from the first bucket fed, while it is not full). Fits nothing; returns
    /// whether the rows changed, or `None` if there are fewer (values were taken out, as when
    /// the engine drops a source's rollups), which only starting over gets right.
    fn revise_window(&mut self, engine: &Engine, metric: Metric, open: i64) -> Option<bool> {
        let Some(window) = self.ols.as_ref().map(RollingOls::window) else {
            return Some(false);
        };
        let from = match self.rows.front() {
            Some(&(start, x, _)) if self.rows.len() == window => Some((start, x)),
            _ => self.first_fed,
        };
        let Some((from, x0)) = from else {
            return Some(false);
        };
        let series = engine.series_between(metric, None, from, open);
        let mut rows: VecDeque<(i64, f64, f64)> = series
            .iter()
            .take_while(|(start, _)| *start < open)
            .enumerate()
            .filter_map(|(i, &(start, value))| {
                let y = value.filter(|y| y.is_finite())?;
                Some((start, x0 + i as f64, y))
            })
            .collect();
        rows.drain(..rows.len().saturating_sub(window));
        if rows.len() < self.rows.len() {
            return None;
        }
        if rows == self.rows {
            return Some(false);
        }
        let Ok(mut ols) = RollingOls::new(&[BUCKET_REGRESSOR], window, true) else {
            return Some(false);
        };
        for &(_, x, y) in &rows {
            // One regressor per row, as the window was built with: cannot fail.
            let _ = ols.push(&[x], y);
        }
        self.ols = Some(ols);
        self.rows = rows;
        Some(true)
    }

    /// Fits the window again after [`RollingTrend::revise_window`]; the fit takes the place of
    /// the latest point if that was fitted at the same newest bucket. Counts as one refit.
    fn refit_latest(&mut self) {
        let (Some(ols), Some(&(start, _, _))) = (self.ols.as_ref(), self.rows.back()) else {
            return;
        };
        match ols.fit() {
            Ok(f) => {
                self.last_error = None;
                if let Some(p) = point(start, &f) {
                    if self.history.last().is_some_and(|l| l.bucket_ms == start) {
                        self.history.pop();
                    }
                    push_point(&mut self.history, p);
                }
            }
            Err(e) => self.last_error = Some(e.to_string()),
        }
        self.refits += 1;
    }

    /// The latest fit, if any bucket has closed with enough data.
    pub fn latest(&self) -> Option<&TrendPoint> {
        self.history.last()
    }

    /// Slopes fitted as buckets closed, oldest first (at most [`HISTORY`]).
    pub fn history(&self) -> &[TrendPoint] {
        &self.history
    }

    /// Updates that fed newly closed buckets, or took in late trades, and refitted.
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
