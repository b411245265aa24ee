//! Additive Holt-Winters, in the error-correction form of ETS(A,A,A) (Hyndman, Koehler, Ord &
//! Snyder, *Forecasting with Exponential Smoothing*, 2008, ch. 3):
//!
//! ```text
//! ŷ_t = ℓ_{t-1} + b_{t-1} + s_{t-m}        e_t = y_t - ŷ_t
//! ℓ_t = ℓ_{t-1} + b_{t-1} + α e_t          b_t = b_{t-1} + β e_t      s_t = s_{t-m} + γ e_t
//! ```
//!
//! with 0 < α < 1, 0 <= β <= α, 0 <= γ <= 1 - α (the usual region). Parameters are chosen by
//! minimising the one-step sum of squared errors over a grid of 11 × 7 × 7 values of
//! (α, β/α, γ/(1-α)) — 539 passes over the series, a few milliseconds for thousands of points.
//!
//! Prediction intervals follow Hyndman et al. (2008) Table 6.1, class 1:
//! var_h = σ² [1 + Σ_{j=1}^{h-1} c_j²] with c_j = α + βj + γ·[j mod m = 0], and bounds
//! ŷ ± z_{(1+level)/2} sqrt(var_h), σ² = SSE / (number of one-step errors - 3).
//!
//! Initial states come from the first two seasons: the level from the first season's mean,
//! the trend from the change of mean between the two seasons, seasonals as deviations from
//! that line. The errors are summed from the second season on.

use super::{Forecast, ForecastError};
use crate::stats::{dist, Interval};

const ALPHAS: [f64; 11] = [0.02, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.98];
const BETA_FRACTIONS: [f64; 7] = [0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5];
const GAMMA_FRACTIONS: [f64; 7] = [0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7];
const METHOD: &str = "Holt-Winters (additive)";

/// Settings of Holt-Winters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HoltWintersSpec {
    /// Season length m in buckets (24 for hourly data with a daily cycle).
    pub period: usize,
}

/// A fitted model: smoothing parameters, final states and the error variance.
#[derive(Clone, Debug, PartialEq)]
pub struct HoltWinters {
    /// Level smoothing α.
    pub alpha: f64,
    /// Trend smoothing β (error-correction form, β <= α).
    pub beta: f64,
    /// Seasonal smoothing γ (γ <= 1 - α).
    pub gamma: f64,
    /// One-step residual variance σ².
    pub sigma2: f64,
    /// Sum of squared one-step errors at the chosen parameters.
    pub sse: f64,
    level: f64,
    trend: f64,
    /// Seasonal states indexed by t mod m.
    seasonal: Vec<f64>,
    /// Number of observations fitted.
    n: usize,
}

/// Fits Holt-Winters with the grid-chosen parameters.
pub fn fit(spec: &HoltWintersSpec, y: &[f64]) -> Result<HoltWinters, ForecastError> {
    check_history(spec.period, y)?;
    let m = spec.period;
    let mut best: Option<HoltWinters> = None;
    for &alpha in &ALPHAS {
        for &bf in &BETA_FRACTIONS {
            for &gf in &GAMMA_FRACTIONS {
                let hw = recurse(y, m, alpha, alpha * bf, (1.0 - alpha) * gf);
                if best.as_ref().is_none_or(|b| hw.sse < b.sse) {
                    best = Some(hw);
                }
            }
        }
    }
    // The grid is non-empty, so `best` is set; the fallback keeps this free of panics.
    Ok(best.unwrap_or_else(|| recurse(y, m, 0.5, 0.0, 0.0)))
}

/// Runs the recursions with parameters fixed by the caller (0 < α < 1, 0 <= β <= α,
/// 0 <= γ <= 1 - α).
pub fn run(
    spec: &HoltWintersSpec,
    y: &[f64],
    alpha: f64,
    beta: f64,
    gamma: f64,
) -> Result<HoltWinters, ForecastError> {
    check_history(spec.period, y)?;
    let checks = [
        ("alpha", alpha, alpha > 0.0 && alpha < 1.0),
        ("beta", beta, (0.0..=alpha).contains(&beta)),
        ("gamma", gamma, (0.0..=1.0 - alpha).contains(&gamma)),
    ];
    for (name, value, ok) in checks {
        if !ok {
            return Err(ForecastError::BadSetting { name, value });
        }
    }
    Ok(recurse(y, spec.period, alpha, beta, gamma))
}

fn check_history(m: usize, y: &[f64]) -> Result<(), ForecastError> {
    if m < 2 {
        return Err(ForecastError::BadSetting {
            name: "period",
            value: m as f64,
        });
    }
    // Two seasons to initialise, and more than three one-step errors for σ².
    let needed = 2 * m + 4;
    if y.len() < needed {
        return Err(ForecastError::NotEnoughHistory {
            method: METHOD,
            needed,
            got: y.len(),
        });
    }
    if let Some(index) = y.iter().position(|v| !v.is_finite()) {
        return Err(ForecastError::NonFinite {
            index,
            value: y[index],
        });
    }
    Ok(())
}

/// The recursions; the caller has checked that y holds at least two seasons.
fn recurse(y: &[f64], m: usize, alpha: f64, beta: f64, gamma: f64) -> HoltWinters {
    let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
    let (m1, m2) = (mean(&y[..m]), mean(&y[m..2 * m]));
    let trend0 = (m2 - m1) / m as f64;
    // The first season's mean is the level at its middle, (m - 1)/2.
    let centre = (m as f64 - 1.0) / 2.0;
    let mut seasonal: Vec<f64> = (0..m)
        .map(|i| y[i] - (m1 + trend0 * (i as f64 - centre)))
        .collect();
    let mut level = m1 + trend0 * centre;
    let mut trend = trend0;
    let mut sse = 0.0;
    for (t, &yt) in y.iter().enumerate().skip(m) {
        let s = &mut seasonal[t % m];
        let e = yt - (level + trend + *s);
        sse += e * e;
        level += trend + alpha * e;
        trend += beta * e;
        *s += gamma * e;
    }
    let errors = y.len() - m;
    HoltWinters {
        alpha,
        beta,
        gamma,
        sigma2: sse / (errors.saturating_sub(3).max(1)) as f64,
        sse,
        level,
        trend,
        seasonal,
        n: y.len(),
    }
}

impl HoltWinters {
    /// Point forecasts and prediction intervals 1..=h steps ahead.
    pub fn forecast(&self, h: usize, level: f64) -> Result<Forecast, ForecastError> {
        let z = dist::normal_quantile(0.5 + level / 2.0).ok_or(ForecastError::BadSetting {
            name: "level",
            value: level,
        })?;
        let m = self.seasonal.len();
        let mut sum_c2 = 0.0;
        let points = (1..=h)
            .map(|step| {
                if step > 1 {
                    let j = step - 1;
                    let seasonal_hit = if j % m == 0 { self.gamma } else { 0.0 };
                    let c = self.alpha + self.beta * j as f64 + seasonal_hit;
                    sum_c2 += c * c;
                }
                let t = self.n - 1 + step;
                let estimate = self.level + step as f64 * self.trend + self.seasonal[t % m];
                let half = z * (self.sigma2 * (1.0 + sum_c2)).sqrt();
                Interval {
                    estimate,
                    lower: estimate - half,
                    upper: estimate + half,
                }
            })
            .collect();
        Ok(Forecast { points, level })
    }
}
