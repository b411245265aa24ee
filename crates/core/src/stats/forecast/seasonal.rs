//! Trend plus hour-of-day and day-of-week seasonality, fitted by least squares on Fourier
//! terms: sin/cos(2πk · phase) for k = 1..K of each cycle.
//!
//! Fourier terms instead of 24 + 6 dummies: a few harmonics describe a smooth daily shape with
//! far fewer parameters, which matters for the few weeks of history a dashboard holds. A
//! harmonic the sampling cannot resolve (k ≥ buckets per cycle / 2) is left out, so an hourly
//! series gets at most 11 daily harmonics and a daily series no daily terms at all.
//! Phases use a fixed UTC offset: a daylight-saving change shifts the pattern by an hour for
//! the rest of the history (an error of one bucket, not a failure).

use super::{Forecast, ForecastError, Series};
use crate::stats::{ols, Interval};

const DAY_MS: i64 = 86_400_000;
const WEEK_MS: i64 = 7 * DAY_MS;
/// 1970-01-01 was a Thursday; shifting by 3 days starts weeks on Monday.
const MONDAY_SHIFT_MS: i64 = 3 * DAY_MS;

/// Settings of the seasonal regression.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeasonalSpec {
    /// Fit a linear trend.
    pub trend: bool,
    /// Harmonics of the 24-hour cycle.
    pub daily_harmonics: usize,
    /// Harmonics of the 7-day cycle.
    pub weekly_harmonics: usize,
    /// Offset of local time from UTC, minutes (for the phase of day and week).
    pub utc_offset_minutes: i32,
}

impl Default for SeasonalSpec {
    fn default() -> Self {
        SeasonalSpec {
            trend: true,
            daily_harmonics: 3,
            weekly_harmonics: 2,
            utc_offset_minutes: 0,
        }
    }
}

/// The regressors of a bucket starting at `t`: names and values, in one fixed order.
fn regressors(spec: &SeasonalSpec, step_ms: i64, origin: i64, t: i64) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    if spec.trend {
        // Days since the first bucket; OLS centres and scales it again.
        out.push(("trend".to_string(), (t - origin) as f64 / DAY_MS as f64));
    }
    let local = t + i64::from(spec.utc_offset_minutes) * 60_000;
    let cycles = [
        ("day", DAY_MS, local, spec.daily_harmonics),
        (
            "week",
            WEEK_MS,
            local + MONDAY_SHIFT_MS,
            spec.weekly_harmonics,
        ),
    ];
    for (name, period, shifted, harmonics) in cycles {
        let per_cycle = period / step_ms.max(1);
        let phase = shifted.rem_euclid(period) as f64 / period as f64;
        for k in 1..=harmonics {
            // Nyquist: with per_cycle samples a cycle, harmonic k is resolvable for 2k < per_cycle.
            if 2 * (k as i64) >= per_cycle {
                break;
            }
            let a = std::f64::consts::TAU * k as f64 * phase;
            out.push((format!("sin {name} {k}"), a.sin()));
            out.push((format!("cos {name} {k}"), a.cos()));
        }
    }
    out
}

/// The least squares fit of the seasonal design on the series.
fn fit_design(spec: &SeasonalSpec, series: Series<'_>) -> Result<ols::OlsFit, ForecastError> {
    if series.step_ms <= 0 {
        return Err(ForecastError::BadSetting {
            name: "step_ms",
            value: series.step_ms as f64,
        });
    }
    let n = series.values.len();
    let origin = series.start_ms;
    let rows: Vec<Vec<(String, f64)>> = (0..n)
        .map(|i| regressors(spec, series.step_ms, origin, series.time_of(i)))
        .collect();
    let p = rows.first().map_or(0, Vec::len);
    if n <= p + 1 {
        return Err(ForecastError::NotEnoughHistory {
            method: "trend + seasonal regression",
            needed: p + 2,
            got: n,
        });
    }
    let names: Vec<String> = rows[0].iter().map(|(name, _)| name.clone()).collect();
    let columns: Vec<Vec<f64>> = (0..p)
        .map(|j| rows.iter().map(|r| r[j].1).collect())
        .collect();
    let named: Vec<(&str, &[f64])> = names
        .iter()
        .zip(&columns)
        .map(|(name, c)| (name.as_str(), c.as_slice()))
        .collect();
    Ok(ols::fit(&named, series.values, true)?)
}

/// Prediction intervals at buckets `range` of the series' time grid (past its end for
/// forecasts, within it for in-sample checks).
fn intervals(
    spec: &SeasonalSpec,
    series: Series<'_>,
    fit: &ols::OlsFit,
    range: std::ops::Range<usize>,
    level: f64,
) -> Result<Vec<Interval>, ForecastError> {
    range
        .map(|i| {
            let x: Vec<f64> = regressors(spec, series.step_ms, series.start_ms, series.time_of(i))
                .into_iter()
                .map(|(_, v)| v)
                .collect();
            Ok(fit.prediction_interval(&x, level)?)
        })
        .collect()
}

pub(super) fn forecast(
    spec: &SeasonalSpec,
    series: Series<'_>,
    h: usize,
    level: f64,
) -> Result<Forecast, ForecastError> {
    let fit = fit_design(spec, series)?;
    let n = series.values.len();
    let points = intervals(spec, series, &fit, n..n + h, level)?;
    Ok(Forecast { points, level })
}

pub(super) fn in_sample(
    spec: &SeasonalSpec,
    series: Series<'_>,
    level: f64,
) -> Result<Vec<Interval>, ForecastError> {
    let fit = fit_design(spec, series)?;
    intervals(spec, series, &fit, 0..series.values.len(), level)
}
