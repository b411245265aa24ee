//! Ordinary least squares by Householder QR on centred, unit-norm-scaled columns, refined in
//! extended precision against the original columns (see `refine`).
//!
//! ```
//! use tradelens_core::stats::ols;
//! let x = [1.0, 2.0, 3.0, 4.0, 5.0];
//! let y = [2.1, 3.9, 6.2, 7.8, 10.1];
//! let fit = ols::fit(&[("x", &x)], &y, true).unwrap();
//! assert!((fit.coefficients[1].estimate - 1.99).abs() < 1e-12);
//! let pi = fit.prediction_interval(&[6.0], 0.95).unwrap();
//! assert!(pi.lower < pi.estimate && pi.estimate < pi.upper);
//! ```

use thiserror::Error;

use super::{dist, shifted_mean, valid_level, Interval};
use super::{qr, refine};
use crate::sum::Sum;

/// Name given to the intercept in [`OlsFit::coefficients`].
pub const INTERCEPT: &str = "(Intercept)";

/// Why a least squares fit was refused.
#[derive(Clone, Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum OlsError {
    /// A column's length differs from the response's.
    #[error("column `{column}` has {len} values but the response has {expected}")]
    LengthMismatch {
        /// The column.
        column: String,
        /// Its length.
        len: usize,
        /// The response's length.
        expected: usize,
    },
    /// A value is NaN or infinite.
    #[error("column `{column}` row {row} is not finite ({value})")]
    NonFinite {
        /// The column (`y` for the response).
        column: String,
        /// Row index.
        row: usize,
        /// The value.
        value: f64,
    },
    /// No more observations than parameters: nothing is left to estimate the error.
    #[error("{n} observations cannot fit {parameters} parameters (need n > p)")]
    TooFewObservations {
        /// Observations.
        n: usize,
        /// Parameters, the intercept included.
        parameters: usize,
    },
    /// Columns that are (numerically) linear combinations of the columns before them, or
    /// constant when an intercept is fitted.
    #[error("rank-deficient design: {columns:?} depend linearly on the columns before them (or are constant next to the intercept)")]
    RankDeficient {
        /// The dependent columns, by name.
        columns: Vec<String>,
    },
    /// A model with no parameter at all (no column, no intercept).
    #[error("the model has no parameter: give a column or an intercept")]
    NoParameters,
    /// A confidence level outside (0, 1).
    #[error("confidence level {level} is not strictly between 0 and 1")]
    BadLevel {
        /// The level given.
        level: f64,
    },
    /// A new point with the wrong number of regressors.
    #[error("the point has {len} regressors, the model {expected}")]
    WrongPointLength {
        /// Regressors given.
        len: usize,
        /// Regressors in the model (intercept excluded).
        expected: usize,
    },
}

/// One estimated coefficient.
#[derive(Clone, Debug, PartialEq)]
pub struct Coefficient {
    /// Column name, or [`INTERCEPT`].
    pub name: String,
    /// Estimate.
    pub estimate: f64,
    /// Standard error.
    pub std_error: f64,
    /// t statistic; `None` when the standard error is zero (a perfect fit).
    pub t: Option<f64>,
    /// Two-sided p-value of t; `None` with `t`.
    pub p_value: Option<f64>,
}

/// A fitted linear model.
#[derive(Clone, Debug)]
pub struct OlsFit {
    /// The intercept first (when fitted), then one per column in the order given.
    pub coefficients: Vec<Coefficient>,
    /// R² (uncentred when there is no intercept, as R does); `None` when y has no variation.
    pub r_squared: Option<f64>,
    /// R² adjusted for the number of parameters.
    pub adj_r_squared: Option<f64>,
    /// sqrt(RSS / df_residual).
    pub residual_std_error: f64,
    /// F statistic of all slopes against none; `None` without slopes or with RSS = 0.
    pub f_statistic: Option<f64>,
    /// Upper-tail p-value of the F statistic.
    pub f_p_value: Option<f64>,
    /// Observations.
    pub n: usize,
    /// Model degrees of freedom (slopes).
    pub df_model: usize,
    /// Residual degrees of freedom, n - p.
    pub df_residual: usize,
    /// y - fitted, in row order.
    pub residuals: Vec<f64>,
    /// Fitted values, in row order.
    pub fitted: Vec<f64>,
    model: Model,
}

/// What predictions need: the scaled solution and its R factor.
#[derive(Clone, Debug)]
struct Model {
    n: usize,
    intercept: bool,
    y_mean: f64,
    means: Vec<f64>,
    scales: Vec<f64>,
    scaled_coef: Vec<f64>,
    r: Vec<Vec<f64>>,
    sigma: f64,
}

/// Fits y on the named columns, with an intercept if `intercept`.
///
/// Columns are centred by their means (when there is an intercept) and scaled to unit norm
/// before the QR factorization, so their units and offsets (epoch milliseconds, prices in the
/// tens of thousands) do not degrade the solution; a few steps of iterative refinement then
/// remove what the rounding of that data costs on nearly collinear designs. Cost O(n p²).
pub fn fit(columns: &[(&str, &[f64])], y: &[f64], intercept: bool) -> Result<OlsFit, OlsError> {
    let n = y.len();
    let p = columns.len() + usize::from(intercept);
    if p == 0 {
        return Err(OlsError::NoParameters);
    }
    check_finite("y", y)?;
    for (name, col) in columns {
        if col.len() != n {
            return Err(OlsError::LengthMismatch {
                column: name.to_string(),
                len: col.len(),
                expected: n,
            });
        }
        check_finite(name, col)?;
    }
    if n <= p {
        return Err(OlsError::TooFewObservations { n, parameters: p });
    }

    let y_mean = if intercept { shifted_mean(y) } else { 0.0 };
    let yc: Vec<f64> = y.iter().map(|v| v - y_mean).collect();
    let mut means = Vec::with_capacity(columns.len());
    let mut scales = Vec::with_capacity(columns.len());
    let mut scaled = Vec::with_capacity(columns.len());
    for (_, col) in columns {
        let m = if intercept { shifted_mean(col) } else { 0.0 };
        let c: Vec<f64> = col.iter().map(|v| v - m).collect();
        let s = c.iter().map(|v| v * v).collect::<Sum>().value().sqrt();
        let inv = if s > 0.0 { 1.0 / s } else { 0.0 };
        scaled.push(c.iter().map(|v| v * inv).collect::<Vec<f64>>());
        means.push(m);
        scales.push(s);
    }

    let factor = qr::solve(&scaled, &yc).map_err(|idx| OlsError::RankDeficient {
        columns: idx.iter().map(|&j| columns[j].0.to_string()).collect(),
    })?;

    // The QR solution in original units, then refined against the original columns.
    let raw: Vec<&[f64]> = columns.iter().map(|(_, c)| *c).collect();
    let design = refine::Design {
        columns: &raw,
        intercept,
        means: &means,
        scales: &scales,
    };
    let mut phi = Vec::with_capacity(p);
    if intercept {
        phi.push(y_mean);
    }
    phi.extend(&factor.coef);
    let (theta, residuals) = refine::refine(&design, y, &factor, refine::to_theta(&design, &phi));
    let phi = refine::to_phi(&design, &theta);
    let (fit_at_means, coef) = if intercept {
        (phi[0], phi[1..].to_vec())
    } else {
        (0.0, phi)
    };

    let mut fitted = Vec::with_capacity(n);
    let (mut rss, mut ess, mut tss) = (Sum::default(), Sum::default(), Sum::default());
    for i in 0..n {
        let e = residuals[i];
        // y - e exactly as y's deviation from the mean minus e, so the centred sums keep
        // their digits when y has a large offset.
        let fc = yc[i] - e;
        fitted.push(y_mean + fc);
        rss.push(e * e);
        ess.push(fc * fc);
        tss.push(yc[i] * yc[i]);
    }
    let (rss, ess, tss) = (rss.value(), ess.value(), tss.value());
    let df_residual = n - p;
    let df_model = columns.len();
    let sigma2 = rss / df_residual as f64;
    let sigma = sigma2.sqrt();

    let r_squared = (tss > 0.0).then(|| 1.0 - rss / tss);
    let adj_r_squared = r_squared.map(|r2| {
        let n_eff = (n - usize::from(intercept)) as f64;
        1.0 - (1.0 - r2) * n_eff / df_residual as f64
    });
    let (f_statistic, f_p_value) = if df_model > 0 && rss > 0.0 {
        let f = (ess / df_model as f64) / sigma2;
        (Some(f), dist::f_sf(f, df_model as f64, df_residual as f64))
    } else {
        (None, None)
    };

    let model = Model {
        n,
        intercept,
        y_mean: fit_at_means,
        means,
        scales,
        scaled_coef: coef,
        r: factor.r,
        sigma,
    };
    let df = df_residual as f64;
    let coefficient = |name: &str, estimate: f64, std_error: f64| {
        let t = (std_error > 0.0).then(|| estimate / std_error);
        Coefficient {
            name: name.to_string(),
            estimate,
            std_error,
            t,
            p_value: t.and_then(|t| dist::t_two_sided_p(t, df)),
        }
    };
    let mut coefficients = Vec::with_capacity(p);
    let slopes = &theta[usize::from(intercept)..];
    if intercept {
        let origin = vec![0.0; columns.len()];
        let (_, se_unit) = model.mean_at(&origin);
        coefficients.push(coefficient(INTERCEPT, theta[0], sigma * se_unit));
    }
    let gram_diag = qr::inverse_gram_diagonal(&model.r);
    for (j, (name, _)) in columns.iter().enumerate() {
        let s = model.scales[j];
        let estimate = slopes[j];
        let std_error = sigma * gram_diag[j].sqrt() / s;
        coefficients.push(coefficient(name, estimate, std_error));
    }

    Ok(OlsFit {
        coefficients,
        r_squared,
        adj_r_squared,
        residual_std_error: sigma,
        f_statistic,
        f_p_value,
        n,
        df_model,
        df_residual,
        residuals,
        fitted,
        model,
    })
}

fn check_finite(name: &str, x: &[f64]) -> Result<(), OlsError> {
    match x.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(OlsError::NonFinite {
            column: name.to_string(),
            row,
            value: x[row],
        }),
        None => Ok(()),
    }
}

impl Model {
    /// The fitted mean at x0 and sqrt(h0) with h0 = x0' (X'X)⁻¹ x0 (the leverage of the new
    /// point, in units of σ²), computed from R without forming (X'X)⁻¹.
    fn mean_at(&self, x0: &[f64]) -> (f64, f64) {
        let w: Vec<f64> = x0
            .iter()
            .zip(self.means.iter().zip(&self.scales))
            .map(|(x, (m, s))| (x - m) / s)
            .collect();
        let mut est = Sum::default();
        est.push(self.y_mean);
        for (wj, b) in w.iter().zip(&self.scaled_coef) {
            est.push(wj * b);
        }
        let z = qr::forward_substitute_transpose(&self.r, &w);
        let mut h: f64 = z.iter().map(|v| v * v).sum();
        if self.intercept {
            // Centring makes the intercept's estimate (the mean of y) uncorrelated with the
            // slopes, so its variance σ²/n simply adds.
            h += 1.0 / self.n as f64;
        }
        (est.value(), h.sqrt())
    }
}

impl OlsFit {
    /// The fitted mean response at a new point (one value per column, intercept excluded).
    pub fn predict(&self, x0: &[f64]) -> Result<f64, OlsError> {
        self.check_point(x0)?;
        Ok(self.model.mean_at(x0).0)
    }

    /// Confidence interval of the mean response at x0: ŷ ± t_{(1+level)/2, n-p} σ sqrt(h0).
    pub fn mean_interval(&self, x0: &[f64], level: f64) -> Result<Interval, OlsError> {
        self.interval(x0, level, 0.0)
    }

    /// Prediction interval for one new observation at x0: ŷ ± t σ sqrt(1 + h0).
    pub fn prediction_interval(&self, x0: &[f64], level: f64) -> Result<Interval, OlsError> {
        self.interval(x0, level, 1.0)
    }

    /// Coefficient by name.
    pub fn coefficient(&self, name: &str) -> Option<&Coefficient> {
        self.coefficients.iter().find(|c| c.name == name)
    }

    /// Covariance matrix of the coefficients, in the order of [`OlsFit::coefficients`]
    /// (intercept first): σ² (X'X)⁻¹, computed from R of the centred, scaled columns.
    ///
    /// With slopes' covariance C = σ² S⁻¹ (R'R)⁻¹ S⁻¹ (S the column scales), the intercept
    /// β₀ = ȳ - m'β (m the column means) has variance σ²/n + m'Cm and covariance -(Cm)ⱼ with
    /// slope j: centring makes ȳ uncorrelated with the slopes.
    pub fn covariance(&self) -> Vec<Vec<f64>> {
        let m = &self.model;
        let s2 = self.sigma2();
        let g = qr::inverse_gram(&m.r);
        let k = m.scales.len();
        let slopes: Vec<Vec<f64>> = (0..k)
            .map(|i| {
                (0..k)
                    .map(|j| s2 * g[i][j] / (m.scales[i] * m.scales[j]))
                    .collect()
            })
            .collect();
        if !m.intercept {
            return slopes;
        }
        let cm: Vec<f64> = slopes
            .iter()
            .map(|row| row.iter().zip(&m.means).map(|(c, mu)| c * mu).sum())
            .collect();
        let var0 = s2 / m.n as f64 + cm.iter().zip(&m.means).map(|(a, b)| a * b).sum::<f64>();
        let mut out = Vec::with_capacity(k + 1);
        out.push(std::iter::once(var0).chain(cm.iter().map(|v| -v)).collect());
        for (i, row) in slopes.into_iter().enumerate() {
            out.push(std::iter::once(-cm[i]).chain(row).collect());
        }
        out
    }

    /// Residual variance estimate σ² = RSS / (n - p).
    pub fn sigma2(&self) -> f64 {
        self.model.sigma * self.model.sigma
    }

    fn interval(&self, x0: &[f64], level: f64, extra: f64) -> Result<Interval, OlsError> {
        self.check_point(x0)?;
        if !valid_level(level) {
            return Err(OlsError::BadLevel { level });
        }
        let (estimate, root_h) = self.model.mean_at(x0);
        let t = dist::t_quantile(0.5 + level / 2.0, self.df_residual as f64)
            .ok_or(OlsError::BadLevel { level })?;
        let half = t * self.model.sigma * (root_h * root_h + extra).sqrt();
        Ok(Interval {
            estimate,
            lower: estimate - half,
            upper: estimate + half,
        })
    }

    fn check_point(&self, x0: &[f64]) -> Result<(), OlsError> {
        let expected = self.model.means.len();
        if x0.len() != expected {
            return Err(OlsError::WrongPointLength {
                len: x0.len(),
                expected,
            });
        }
        Ok(())
    }
}
