//! The evaluator: one per rule, fed closed buckets in time order, yielding firing and
//! resolved transitions. The backtest runs this same evaluator over stored history, so what
//! it marks is what the live rule would have done.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::rule::{Condition, Rule, RuleError};
use crate::format::compact;
use crate::stats::anomaly::robust_scale;
use crate::stats::forecast::{self, Method, Series};

/// Buckets the forecast condition fits its trend to.
pub const FORECAST_HISTORY: usize = 120;
/// Fewest buckets before the forecast condition judges anything: a trend line with an
/// interval needs a few residual degrees of freedom to mean something.
pub const FORECAST_MIN_HISTORY: usize = 8;

/// A rule's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// The condition held long enough: alarmed.
    Firing,
    /// It stopped holding after firing.
    Resolved,
}

/// A transition of a rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The rule's id.
    pub rule_id: u32,
    /// Start of the bucket (or the clock reading) at which it happened, epoch ms.
    pub at_ms: i64,
    /// The new state.
    pub state: State,
    /// The bucket's value; `None` for a silence or a bucket without one.
    pub value: Option<f64>,
    /// What happened, for people.
    pub message: String,
}

/// Evaluates one rule.
///
/// Time is bucket starts: the condition has held "for" `for_ms` when the first bucket of an
/// unbroken run of alarming buckets starts at least `for_ms` before the current one (so with
/// `for_ms` 0 a single bucket fires). A bucket without a value breaks a run (and resolves a
/// firing rule) for every condition but [`Condition::NoData`], for which it is the point.
/// Cooldown: a firing at `t` needs `t >= last transition + cooldown_ms`; a run that is still
/// alarming when the cooldown ends fires then. Buckets at or before the latest one seen are
/// ignored (counted in [`Evaluator::out_of_order`]): a closed bucket is not judged twice.
#[derive(Clone, Debug)]
pub struct Evaluator {
    rule: Rule,
    /// Earlier finite values, oldest first, at most what the condition looks back over.
    history: VecDeque<(i64, f64)>,
    keep: usize,
    /// The latest bucket judged.
    last_bucket: Option<i64>,
    /// The latest clock reading ([`Evaluator::tick`]).
    clock: Option<i64>,
    /// Start of the current alarming run.
    run_since: Option<i64>,
    firing: bool,
    last_transition: Option<i64>,
    /// Latest bucket with a value, or the first time seen (silence counts from there).
    last_data: Option<i64>,
    out_of_order: u64,
}

impl Evaluator {
    /// An evaluator for a valid rule.
    pub fn new(rule: Rule) -> Result<Evaluator, RuleError> {
        rule.validate()?;
        let keep = match rule.condition {
            Condition::PctChange { over_buckets, .. } => over_buckets,
            Condition::RobustZ { window, .. } => window,
            Condition::OutsideForecast { .. } => FORECAST_HISTORY,
            _ => 0,
        };
        Ok(Evaluator {
            rule,
            history: VecDeque::with_capacity(keep + 1),
            keep,
            last_bucket: None,
            clock: None,
            run_since: None,
            firing: false,
            last_transition: None,
            last_data: None,
            out_of_order: 0,
        })
    }

    /// The rule.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// Whether the rule is firing.
    pub fn is_firing(&self) -> bool {
        self.firing
    }

    /// Buckets ignored for arriving at or before a bucket already judged.
    pub fn out_of_order(&self) -> u64 {
        self.out_of_order
    }

    /// The start of the latest bucket judged: the next one to feed starts after it.
    pub fn last_bucket(&self) -> Option<i64> {
        self.last_bucket
    }

    /// Judges the closed bucket starting at `at_ms` with `value` (`None` or non-finite: no
    /// value).
    pub fn observe(&mut self, at_ms: i64, value: Option<f64>) -> Option<Event> {
        if self.last_bucket.is_some_and(|last| at_ms <= last) {
            self.out_of_order += 1;
            return None;
        }
        self.last_bucket = Some(at_ms);
        let value = value.filter(|v| v.is_finite());
        if value.is_some() || self.last_data.is_none() {
            self.last_data = Some(at_ms);
        }
        let holds = match value {
            Some(v) => self.holds(at_ms, v),
            // Silence is measured up to the clock when it has run ahead of the bucket.
            None => self.silent_at(self.clock.map_or(at_ms, |c| c.max(at_ms))),
        };
        if let Some(v) = value {
            if self.keep > 0 {
                if self.history.len() == self.keep {
                    self.history.pop_front();
                }
                self.history.push_back((at_ms, v));
            }
        }
        self.step(at_ms, holds, value)
    }

    /// Reads the wall clock: only a [`Condition::NoData`] rule can change on it. A reading
    /// before the latest bucket or reading is ignored. Buckets may still be fed after a
    /// reading (a bucket closes after its start): an event they cause is dated no earlier
    /// than the reading, so the history never runs backwards.
    pub fn tick(&mut self, now_ms: i64) -> Option<Event> {
        if !matches!(self.rule.condition, Condition::NoData { .. }) {
            return None;
        }
        if self.last_bucket.is_some_and(|last| now_ms < last)
            || self.clock.is_some_and(|last| now_ms < last)
        {
            return None;
        }
        self.clock = Some(now_ms);
        if self.last_data.is_none() {
            self.last_data = Some(now_ms);
        }
        let holds = self.silent_at(now_ms);
        self.step(now_ms, holds, None)
    }

    fn silent_at(&self, at_ms: i64) -> bool {
        match (self.rule.condition.clone(), self.last_data) {
            (Condition::NoData { secs }, Some(last)) => at_ms - last >= secs * 1000,
            _ => false,
        }
    }

    /// Whether `v` at `at_ms` is alarming, against the history before it.
    fn holds(&self, at_ms: i64, v: f64) -> bool {
        match self.rule.condition {
            Condition::Above { value } => v > value,
            Condition::Below { value } => v < value,
            Condition::PctChange { pct, over_buckets } => {
                if self.history.len() < over_buckets {
                    return false;
                }
                let base = self.history[self.history.len() - over_buckets].1;
                if base == 0.0 {
                    return false;
                }
                let change = (v - base) / base.abs() * 100.0;
                if pct > 0.0 {
                    change >= pct
                } else {
                    change <= pct
                }
            }
            Condition::RobustZ { z, window } => {
                if self.history.len() < window {
                    return false;
                }
                let values: Vec<f64> = self.history.iter().map(|&(_, v)| v).collect();
                robust_scale(&values).is_some_and(|s| ((v - s.median) / s.scale).abs() > z)
            }
            Condition::OutsideForecast { level } => self.outside_forecast(at_ms, v, level),
            Condition::NoData { .. } => false,
        }
    }

    /// Whether `v` falls outside the one-step-ahead interval of a trend fitted to the history.
    /// The history is taken as evenly spaced at its mean step (buckets without a value leave
    /// gaps it closes up); a fit that fails judges nothing.
    fn outside_forecast(&self, at_ms: i64, v: f64, level: f64) -> bool {
        let n = self.history.len();
        if n < FORECAST_MIN_HISTORY {
            return false;
        }
        let first = self.history[0].0;
        let span = at_ms - first;
        let step = span / i64::try_from(n).unwrap_or(i64::MAX);
        if step <= 0 {
            return false;
        }
        let values: Vec<f64> = self.history.iter().map(|&(_, v)| v).collect();
        let series = Series {
            start_ms: first,
            step_ms: step,
            values: &values,
        };
        let method = Method::seasonal_for(n, step, 0);
        match forecast::forecast(&method, series, 1, level) {
            Ok(f) => f.points.first().is_some_and(|iv| !iv.contains(v)),
            Err(_) => false,
        }
    }

    fn step(&mut self, at_ms: i64, holds: bool, value: Option<f64>) -> Option<Event> {
        let at_ms = self.clock.map_or(at_ms, |c| c.max(at_ms));
        if !holds {
            self.run_since = None;
            if self.firing {
                self.firing = false;
                self.last_transition = Some(at_ms);
                return Some(self.event(at_ms, State::Resolved, value));
            }
            return None;
        }
        let since = *self.run_since.get_or_insert(at_ms);
        if self.firing {
            return None;
        }
        let held = at_ms - since >= self.rule.for_ms;
        let cooled = self
            .last_transition
            .is_none_or(|t| at_ms - t >= self.rule.cooldown_ms);
        if held && cooled {
            self.firing = true;
            self.last_transition = Some(at_ms);
            return Some(self.event(at_ms, State::Firing, value));
        }
        None
    }

    fn event(&self, at_ms: i64, state: State, value: Option<f64>) -> Event {
        let metric = self.rule.series.metric.name();
        let what = match (&self.rule.condition, state) {
            (Condition::NoData { secs }, State::Firing) => format!("no data for {secs} s"),
            (Condition::NoData { .. }, State::Resolved) => "data again".to_string(),
            (c, State::Firing) => format!("{metric} {} {}", shown(value), describe(c)),
            (_, State::Resolved) => format!("{metric} {} back to normal", shown(value)),
        };
        Event {
            rule_id: self.rule.id,
            at_ms,
            state,
            value,
            message: format!("{}: {what}", self.rule.name),
        }
    }
}

fn shown(value: Option<f64>) -> String {
    value.map_or_else(|| "(no value)".to_string(), compact)
}

/// The condition, as the end of a sentence whose subject is the value.
pub fn describe(c: &Condition) -> String {
    match *c {
        Condition::Above { value } => format!("above {}", compact(value)),
        Condition::Below { value } => format!("below {}", compact(value)),
        Condition::PctChange { pct, over_buckets } => {
            format!("changed {pct:+}% over {over_buckets} buckets")
        }
        Condition::RobustZ { z, window } => {
            format!("beyond {z} robust z-scores of the last {window} buckets")
        }
        Condition::OutsideForecast { level } => {
            format!("outside the {}% forecast band", level * 100.0)
        }
        Condition::NoData { secs } => format!("silent for {secs} s"),
    }
}

/// The transitions `rule` would have made over `series` (bucket starts in time order, `None`
/// for a bucket without a value): the live evaluator run over history, the buckets' own
/// starts serving as the clock.
pub fn backtest(rule: &Rule, series: &[(i64, Option<f64>)]) -> Result<Vec<Event>, RuleError> {
    let mut ev = Evaluator::new(rule.clone())?;
    Ok(series
        .iter()
        .filter_map(|&(at, v)| ev.observe(at, v))
        .collect())
}
