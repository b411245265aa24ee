//! Alert rules over any series, evaluated as buckets close.
//!
//! A [`Rule`] watches one metric of one group (or of the totals) for a [`Condition`]:
//! a threshold, a percent change, a robust z-score, a miss of the forecast band, or silence.
//! An [`Evaluator`] per rule takes closed buckets in time order (and the clock, for silence)
//! and yields [`Event`]s when the rule starts firing or resolves, honouring the rule's "for"
//! duration and cooldown. [`backtest`] runs the same evaluator over stored history.
//!
//! ```
//! use tradelens_core::alerts::{backtest, Condition, Rule, RuleSeries, State};
//! use tradelens_core::engine::Metric;
//!
//! let rule = Rule {
//!     id: 7,
//!     name: "spike".into(),
//!     series: RuleSeries { metric: Metric::High, group: None },
//!     condition: Condition::Above { value: 100.0 },
//!     for_ms: 0,
//!     cooldown_ms: 0,
//! };
//! let series = [(0, Some(99.0)), (60_000, Some(150.0)), (120_000, Some(98.0))];
//! let events = backtest(&rule, &series)?;
//! assert_eq!(events.len(), 2);
//! assert_eq!((events[0].at_ms, events[0].state), (60_000, State::Firing));
//! assert_eq!((events[1].at_ms, events[1].state), (120_000, State::Resolved));
//! # Ok::<(), tradelens_core::alerts::RuleError>(())
//! ```

mod eval;
mod rule;

pub use eval::{
    backtest, describe, Evaluator, Event, State, FORECAST_HISTORY, FORECAST_MIN_HISTORY,
};
pub use rule::{
    Condition, Rule, RuleError, RuleSeries, MAX_DURATION_MS, MAX_MAGNITUDE, MAX_NAME_CHARS,
    MAX_WINDOW, MIN_Z_WINDOW,
};
