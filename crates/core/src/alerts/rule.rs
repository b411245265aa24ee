//! What an alert rule says, and the checks that make a stored or shared rule safe to run.
//!
//! The serde form is plain (field names, a tagged condition, the metric by its machine name)
//! because rules travel through localStorage and share links, where a reader may be a later
//! build.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::engine::Metric;

/// The longest rule name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 80;
/// The longest "for", cooldown or silence a rule may ask for: a week.
pub const MAX_DURATION_MS: i64 = 7 * 86_400_000;
/// The most buckets a window may span: a day of minutes.
pub const MAX_WINDOW: usize = 1_440;
/// The fewest buckets a robust z-score window may hold: with fewer, the median and MAD move
/// with every point and mean little.
pub const MIN_Z_WINDOW: usize = 5;
/// Thresholds, percentages and z-scores beyond this are refused: no dashboard value needs
/// more, and the bound keeps arithmetic on them finite.
pub const MAX_MAGNITUDE: f64 = 1e15;

/// The series a rule watches: a metric of one group, or of the bucket totals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSeries {
    /// The metric, by its machine name in the serde form.
    #[serde(with = "metric_name")]
    pub metric: Metric,
    /// A group's name as the engine writes it ("BTCUSDT", "Home · Europe"); `None` for the
    /// totals.
    #[serde(default)]
    pub group: Option<String>,
}

/// When a bucket's value counts as alarming.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// Strictly above the threshold.
    Above {
        /// The threshold.
        value: f64,
    },
    /// Strictly below the threshold.
    Below {
        /// The threshold.
        value: f64,
    },
    /// Changed by at least `pct` percent against the value `over_buckets` buckets earlier: a
    /// rise when `pct` is positive, a fall when negative.
    PctChange {
        /// Percent, non-zero.
        pct: f64,
        /// How many buckets back the comparison goes.
        over_buckets: usize,
    },
    /// More than `z` robust z-scores (median, scaled MAD) from the previous `window` values.
    RobustZ {
        /// The z-score, positive.
        z: f64,
        /// Buckets before the current one that set the median and scale.
        window: usize,
    },
    /// Outside the prediction interval at `level` of a trend forecast fitted to the previous
    /// buckets.
    OutsideForecast {
        /// Interval level, within (0, 1).
        level: f64,
    },
    /// No bucket with a value for `secs` seconds.
    NoData {
        /// Seconds of silence.
        secs: i64,
    },
}

/// An alert rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Identifies the rule in events and the history.
    pub id: u32,
    /// A name for people.
    pub name: String,
    /// What it watches.
    pub series: RuleSeries,
    /// When it is alarmed.
    pub condition: Condition,
    /// How long the condition must hold, without a break, before the rule fires.
    #[serde(default)]
    pub for_ms: i64,
    /// No new firing sooner than this after the rule last fired or resolved.
    #[serde(default)]
    pub cooldown_ms: i64,
}

/// Why a rule is refused.
#[derive(Clone, Debug, PartialEq, Error)]
#[non_exhaustive]
pub enum RuleError {
    /// The name is empty or only blanks.
    #[error("the rule needs a name")]
    EmptyName,
    /// The name is longer than [`MAX_NAME_CHARS`].
    #[error("the name has {chars} characters; at most {MAX_NAME_CHARS} are allowed")]
    NameTooLong {
        /// Its length in characters.
        chars: usize,
    },
    /// The name holds a control character.
    #[error("the name holds a control character (U+{code:04X}) at character {at}")]
    ControlInName {
        /// The character's code point.
        code: u32,
        /// Its position, in characters from 0.
        at: usize,
    },
    /// A number is NaN or infinite.
    #[error("{field} must be a finite number, got {value}")]
    NotFinite {
        /// The field.
        field: &'static str,
        /// Its value.
        value: f64,
    },
    /// A number is outside what the field allows.
    #[error("{field} = {value} is outside {min} ..= {max}")]
    OutOfRange {
        /// The field.
        field: &'static str,
        /// Its value.
        value: f64,
        /// Smallest allowed.
        min: f64,
        /// Largest allowed.
        max: f64,
    },
    /// A percent change of zero would fire on every bucket.
    #[error("a percent change of 0 would fire on every bucket")]
    ZeroPct,
    /// The group name is empty or holds a control character.
    #[error("the group name must be non-empty text without control characters")]
    BadGroup,
}

fn finite(field: &'static str, value: f64) -> Result<f64, RuleError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(RuleError::NotFinite { field, value })
    }
}

fn within(field: &'static str, value: f64, min: f64, max: f64) -> Result<(), RuleError> {
    finite(field, value)?;
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(RuleError::OutOfRange {
            field,
            value,
            min,
            max,
        })
    }
}

impl Rule {
    /// Checks every field; a rule that passes can be evaluated without surprises.
    pub fn validate(&self) -> Result<(), RuleError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(RuleError::EmptyName);
        }
        let chars = self.name.chars().count();
        if chars > MAX_NAME_CHARS {
            return Err(RuleError::NameTooLong { chars });
        }
        if let Some((at, c)) = self.name.chars().enumerate().find(|(_, c)| c.is_control()) {
            return Err(RuleError::ControlInName {
                code: u32::from(c),
                at,
            });
        }
        if let Some(g) = &self.series.group {
            if g.is_empty() || g.chars().count() > 200 || g.chars().any(char::is_control) {
                return Err(RuleError::BadGroup);
            }
        }
        let max_ms = MAX_DURATION_MS as f64;
        within("for", self.for_ms as f64, 0.0, max_ms)?;
        within("cooldown", self.cooldown_ms as f64, 0.0, max_ms)?;
        let max_window = MAX_WINDOW as f64;
        match self.condition {
            Condition::Above { value } | Condition::Below { value } => {
                within("threshold", value, -MAX_MAGNITUDE, MAX_MAGNITUDE)?;
            }
            Condition::PctChange { pct, over_buckets } => {
                within("percent", pct, -MAX_MAGNITUDE, MAX_MAGNITUDE)?;
                if pct == 0.0 {
                    return Err(RuleError::ZeroPct);
                }
                within("buckets back", over_buckets as f64, 1.0, max_window)?;
            }
            Condition::RobustZ { z, window } => {
                within("z-score", z, f64::MIN_POSITIVE, MAX_MAGNITUDE)?;
                within("window", window as f64, MIN_Z_WINDOW as f64, max_window)?;
            }
            Condition::OutsideForecast { level } => {
                // 0.5 ..= 0.9999: a narrower band fires on ordinary noise, a wider one needs
                // quantiles the t table does not resolve.
                within("level", level, 0.5, 0.9999)?;
            }
            Condition::NoData { secs } => {
                within("seconds", secs as f64, 1.0, max_ms / 1e3)?;
            }
        }
        Ok(())
    }
}

/// Serialises a [`Metric`] as its machine name.
mod metric_name {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    use crate::engine::Metric;

    pub fn serialize<S: Serializer>(m: &Metric, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(m.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Metric, D::Error> {
        // Owned: a borrowed &str fails on inputs that cannot lend one (a `serde_json::Value`,
        // an escaped string).
        let name = String::deserialize(d)?;
        Metric::from_name(&name).ok_or_else(|| D::Error::custom(format!("unknown metric `{name}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn rule(condition: Condition) -> Rule {
        Rule {
            id: 1,
            name: "High above 100".into(),
            series: RuleSeries {
                metric: Metric::High,
                group: None,
            },
            condition,
            for_ms: 0,
            cooldown_ms: 0,
        }
    }

    #[test]
    fn a_sensible_rule_passes() {
        assert_eq!(rule(Condition::Above { value: 100.0 }).validate(), Ok(()));
        assert_eq!(
            rule(Condition::RobustZ { z: 3.5, window: 60 }).validate(),
            Ok(())
        );
    }

    #[test]
    fn non_finite_numbers_are_refused() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let err = rule(Condition::Above { value: v }).validate().unwrap_err();
            assert!(matches!(
                err,
                RuleError::NotFinite {
                    field: "threshold",
                    ..
                }
            ));
            let err = rule(Condition::OutsideForecast { level: v })
                .validate()
                .unwrap_err();
            assert!(matches!(err, RuleError::NotFinite { field: "level", .. }));
        }
    }

    #[test]
    fn fields_out_of_range_are_refused() {
        let mut r = rule(Condition::Above { value: 1.0 });
        r.for_ms = -1;
        assert!(matches!(
            r.validate(),
            Err(RuleError::OutOfRange { field: "for", .. })
        ));
        r.for_ms = MAX_DURATION_MS + 1;
        assert!(matches!(
            r.validate(),
            Err(RuleError::OutOfRange { field: "for", .. })
        ));
        let r = rule(Condition::RobustZ { z: 3.0, window: 4 });
        assert!(matches!(
            r.validate(),
            Err(RuleError::OutOfRange {
                field: "window",
                ..
            })
        ));
        let r = rule(Condition::PctChange {
            pct: 0.0,
            over_buckets: 1,
        });
        assert_eq!(r.validate(), Err(RuleError::ZeroPct));
        let r = rule(Condition::NoData { secs: 0 });
        assert!(matches!(
            r.validate(),
            Err(RuleError::OutOfRange {
                field: "seconds",
                ..
            })
        ));
    }

    #[test]
    fn names_are_checked() {
        let mut r = rule(Condition::Above { value: 1.0 });
        r.name = "  ".into();
        assert_eq!(r.validate(), Err(RuleError::EmptyName));
        r.name = "é".repeat(81);
        assert_eq!(r.validate(), Err(RuleError::NameTooLong { chars: 81 }));
        r.name = "é".repeat(80);
        assert_eq!(r.validate(), Ok(()));
        r.name = "ab\u{7}".into();
        assert_eq!(
            r.validate(),
            Err(RuleError::ControlInName { code: 7, at: 2 })
        );
    }

    #[test]
    fn serde_form_is_plain_and_round_trips() {
        let mut r = rule(Condition::PctChange {
            pct: -5.0,
            over_buckets: 3,
        });
        r.series.group = Some("BTCUSDT".into());
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(
            json,
            r#"{"id":1,"name":"High above 100","series":{"metric":"high","group":"BTCUSDT"},"condition":{"kind":"pct_change","pct":-5.0,"over_buckets":3},"for_ms":0,"cooldown_ms":0}"#
        );
        assert_eq!(serde_json::from_str::<Rule>(&json).unwrap(), r);
        // Regression: the metric was read as a borrowed &str, which a `Value` cannot lend,
        // so every stored rule read through a `Value` was refused.
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(serde_json::from_value::<Rule>(value).unwrap(), r);
        let bad = json.replace("\"high\"", "\"nope\"");
        assert!(serde_json::from_str::<Rule>(&bad).is_err());
    }
}
