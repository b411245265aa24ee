//! Forecasts of an evenly spaced series with prediction intervals, and a backtest that scores
//! methods on held-out history so a user can pick one.
//!
//! Two methods: a least squares fit of trend plus hour-of-day and day-of-week Fourier terms
//! ([`seasonal`]), and additive Holt-Winters ([`holt_winters`]).

pub mod holt_winters;
pub mod seasonal;

use thiserror::Error;

use super::ols::OlsError;
use super::Interval;

pub use holt_winters::HoltWintersSpec;
pub use seasonal::SeasonalSpec;

/// An evenly spaced series: `values[i]` is the bucket starting at `start_ms + i · step_ms`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Series<'a> {
    /// Start of the first bucket, epoch milliseconds.
    pub start_ms: i64,
    /// Bucket width in milliseconds.
    pub step_ms: i64,
    /// One value per bucket.
    pub values: &'a [f64],
}

impl Series<'_> {
    /// Start time of bucket i (i may run past the end, for forecasts).
    pub fn time_of(&self, i: usize) -> i64 {
        // Saturating: an absurd step or horizon must not overflow into a panic.
        self.start_ms.saturating_add(
            self.step_ms
                .saturating_mul(i64::try_from(i).unwrap_or(i64::MAX)),
        )
    }
}

/// A forecasting method and its settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Method {
    /// Trend plus Fourier seasonality by least squares.
    Seasonal(SeasonalSpec),
    /// Additive Holt-Winters.
    HoltWinters(HoltWintersSpec),
}

impl Method {
    /// A short name for tables.
    pub fn name(&self) -> &'static str {
        match self {
            Method::Seasonal(_) => "trend + seasonal regression",
            Method::HoltWinters(_) => "Holt-Winters (additive)",
        }
    }
}

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

impl Method {
    /// The seasonal regression suited to a history of `len` buckets of `step_ms`: a daily
    /// cycle only once a whole day is seen, a weekly one only once two weeks are (on less, the
    /// week's slow waves are nearly collinear with the trend and extrapolate wildly).
    pub fn seasonal_for(len: usize, step_ms: i64, utc_offset_minutes: i32) -> Method {
        let span = step_ms.saturating_mul(i64::try_from(len).unwrap_or(i64::MAX));
        Method::Seasonal(SeasonalSpec {
            trend: true,
            daily_harmonics: if span >= DAY_MS { 3 } else { 0 },
            weekly_harmonics: if span >= 14 * DAY_MS { 2 } else { 0 },
            utc_offset_minutes,
        })
    }

    /// Holt-Winters with the longest season of which the history holds two: a day, else an
    /// hour (intraday data). `None` when the buckets are a day or longer and fewer than two
    /// weeks are held, or the step is not positive.
    pub fn holt_winters_for(len: usize, step_ms: i64) -> Option<Method> {
        if step_ms <= 0 {
            return None;
        }
        [7 * DAY_MS, DAY_MS, HOUR_MS]
            .into_iter()
            .map(|cycle| usize::try_from(cycle / step_ms).unwrap_or(0))
            .find(|&period| period >= 2 && len >= 2 * period)
            .map(|period| Method::HoltWinters(HoltWintersSpec { period }))
    }
}

/// Forecasts 1..=h steps past the end of a series.
#[derive(Clone, Debug, PartialEq)]
pub struct Forecast {
    /// `points[i]` forecasts bucket n + i: point forecast and prediction interval.
    pub points: Vec<Interval>,
    /// Level of the prediction intervals.
    pub level: f64,
}

/// Why a forecast could not be made.
#[derive(Clone, Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum ForecastError {
    /// Too little history for the method.
    #[error("{method} needs at least {needed} points of history, got {got}")]
    NotEnoughHistory {
        /// The method.
        method: &'static str,
        /// Points needed.
        needed: usize,
        /// Points given.
        got: usize,
    },
    /// A value is NaN or infinite.
    #[error("value at index {index} is not finite ({value})")]
    NonFinite {
        /// Index in the series.
        index: usize,
        /// The value.
        value: f64,
    },
    /// A setting out of range (period below 2, non-positive step, level outside (0, 1)).
    #[error("invalid setting {name} = {value}")]
    BadSetting {
        /// Setting name.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// The regression behind the seasonal method failed.
    #[error(transparent)]
    Ols(#[from] OlsError),
}

/// Forecasts h steps ahead with intervals at `level`.
pub fn forecast(
    method: &Method,
    series: Series<'_>,
    h: usize,
    level: f64,
) -> Result<Forecast, ForecastError> {
    if let Some(index) = series.values.iter().position(|v| !v.is_finite()) {
        return Err(ForecastError::NonFinite {
            index,
            value: series.values[index],
        });
    }
    if !super::valid_level(level) {
        return Err(ForecastError::BadSetting {
            name: "level",
            value: level,
        });
    }
    match method {
        Method::Seasonal(spec) => seasonal::forecast(spec, series, h, level),
        Method::HoltWinters(spec) => holt_winters::fit(spec, series.values)?.forecast(h, level),
    }
}

/// The prediction interval of every bucket of the history under the seasonal regression
/// fitted to that history: a bucket outside its interval is unusual for its time of day and
/// week (pair with [`crate::stats::anomaly::outside_intervals`]). Holt-Winters has no such
/// in-sample interval here: its one-step errors are not kept.
pub fn seasonal_in_sample(
    spec: &SeasonalSpec,
    series: Series<'_>,
    level: f64,
) -> Result<Vec<Interval>, ForecastError> {
    if let Some(index) = series.values.iter().position(|v| !v.is_finite()) {
        return Err(ForecastError::NonFinite {
            index,
            value: series.values[index],
        });
    }
    if !super::valid_level(level) {
        return Err(ForecastError::BadSetting {
            name: "level",
            value: level,
        });
    }
    seasonal::in_sample(spec, series, level)
}

/// Symmetric mean absolute percentage error, in percent:
/// 100/h · Σ 2|F - A| / (|A| + |F|), a term with A = F = 0 counting 0. `None` when empty or
/// lengths differ.
pub fn smape(actual: &[f64], forecast: &[f64]) -> Option<f64> {
    if actual.is_empty() || actual.len() != forecast.len() {
        return None;
    }
    let total: f64 = actual
        .iter()
        .zip(forecast)
        .map(|(a, f)| {
            let d = a.abs() + f.abs();
            if d == 0.0 {
                0.0
            } else {
                2.0 * (f - a).abs() / d
            }
        })
        .sum();
    Some(100.0 * total / actual.len() as f64)
}

/// How one method did on held-out history.
#[derive(Clone, Debug, PartialEq)]
pub struct BacktestScore {
    /// The method.
    pub method: Method,
    /// sMAPE (%) of its forecasts of the held-out points.
    pub smape: f64,
    /// Fraction of held-out points inside the prediction intervals.
    pub coverage: f64,
}

/// Fits each method on all but the last `holdout` points, forecasts them, and scores each.
/// One method's failure (too little history, say) does not hide the others' scores.
pub fn backtest(
    series: Series<'_>,
    holdout: usize,
    methods: &[Method],
    level: f64,
) -> Vec<Result<BacktestScore, ForecastError>> {
    let n = series.values.len();
    methods
        .iter()
        .map(|method| {
            if holdout == 0 || holdout >= n {
                return Err(ForecastError::NotEnoughHistory {
                    method: method.name(),
                    needed: holdout + 1,
                    got: n,
                });
            }
            let (train, test) = series.values.split_at(n - holdout);
            let fc = forecast(
                method,
                Series {
                    values: train,
                    ..series
                },
                holdout,
                level,
            )?;
            let point: Vec<f64> = fc.points.iter().map(|p| p.estimate).collect();
            let inside = fc
                .points
                .iter()
                .zip(test)
                .filter(|(p, a)| p.contains(**a))
                .count();
            Ok(BacktestScore {
                method: *method,
                smape: smape(test, &point).unwrap_or(0.0),
                coverage: inside as f64 / holdout as f64,
            })
        })
        .collect()
}
