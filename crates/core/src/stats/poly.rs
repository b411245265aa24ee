//! Polynomial trend of y on x (typically epoch-millisecond times) up to degree 10.
//!
//! x is mapped to u = (x - centre) / half_range in [-1, 1] before powers are formed: raw powers
//! of 1.7e12 overflow past degree 25 and are collinear to the last digit long before that,
//! while powers of u on [-1, 1] stay well conditioned enough for QR through degree 10.
//! Coefficients are reported in the u basis; [`PolyFit::power_coefficients`] expands them
//! into powers of x for data whose x is near the origin (NIST Filip, say).

use thiserror::Error;

use super::ols::{self, OlsError, OlsFit};
use super::Interval;

/// The highest degree fitted.
pub const MAX_DEGREE: usize = 10;

/// Why a polynomial fit was refused.
#[derive(Clone, Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum PolyError {
    /// Degree above [`MAX_DEGREE`].
    #[error("degree {degree} is above the maximum {max}")]
    DegreeTooHigh {
        /// Requested degree.
        degree: usize,
        /// [`MAX_DEGREE`].
        max: usize,
    },
    /// x and y lengths differ.
    #[error("x has {x_len} values, y has {y_len}")]
    LengthMismatch {
        /// Length of x.
        x_len: usize,
        /// Length of y.
        y_len: usize,
    },
    /// All x equal (or x empty or non-finite): no trend can be fitted.
    #[error("x has no spread (min {min}, max {max})")]
    NoSpread {
        /// Smallest x.
        min: f64,
        /// Largest x.
        max: f64,
    },
    /// The least squares fit failed.
    #[error(transparent)]
    Ols(#[from] OlsError),
}

/// A fitted polynomial y = Σ c_k u^k with u = (x - centre) / half_range.
#[derive(Clone, Debug)]
pub struct PolyFit {
    /// Degree.
    pub degree: usize,
    /// Middle of the x range.
    pub centre: f64,
    /// Half the x range.
    pub half_range: f64,
    /// The underlying fit; its columns are named `u^1` … `u^d` after the intercept.
    pub ols: OlsFit,
}

/// Fits a polynomial of the given degree (0..=10) to (x, y).
pub fn fit(x: &[f64], y: &[f64], degree: usize) -> Result<PolyFit, PolyError> {
    if degree > MAX_DEGREE {
        return Err(PolyError::DegreeTooHigh {
            degree,
            max: MAX_DEGREE,
        });
    }
    if x.len() != y.len() {
        return Err(PolyError::LengthMismatch {
            x_len: x.len(),
            y_len: y.len(),
        });
    }
    let min = x.iter().copied().fold(f64::INFINITY, f64::min);
    let max = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !(min.is_finite() && max.is_finite() && max > min) {
        return Err(PolyError::NoSpread { min, max });
    }
    // min + (max - min)/2, not (min + max)/2: the latter can overflow for huge x.
    let half_range = (max - min) / 2.0;
    let centre = min + half_range;
    let u: Vec<f64> = x.iter().map(|v| (v - centre) / half_range).collect();
    let names: Vec<String> = (1..=degree).map(|k| format!("u^{k}")).collect();
    let powers: Vec<Vec<f64>> = (1..=degree)
        .map(|k| u.iter().map(|v| v.powi(k as i32)).collect())
        .collect();
    let columns: Vec<(&str, &[f64])> = names
        .iter()
        .zip(&powers)
        .map(|(n, p)| (n.as_str(), p.as_slice()))
        .collect();
    let ols = ols::fit(&columns, y, true)?;
    Ok(PolyFit {
        degree,
        centre,
        half_range,
        ols,
    })
}

impl PolyFit {
    /// u = (x - centre) / half_range.
    pub fn to_unit(&self, x: f64) -> f64 {
        (x - self.centre) / self.half_range
    }

    /// Coefficients c_0 … c_d of powers of u.
    pub fn scaled_coefficients(&self) -> Vec<f64> {
        self.ols.coefficients.iter().map(|c| c.estimate).collect()
    }

    /// The fitted value at x.
    pub fn predict(&self, x: f64) -> f64 {
        // Horner in u: every |u^k| <= 1 inside the data range, so no term dominates.
        let u = self.to_unit(x);
        self.scaled_coefficients()
            .iter()
            .rev()
            .fold(0.0, |acc, c| acc * u + c)
    }

    /// Confidence interval of the mean at x.
    pub fn mean_interval(&self, x: f64, level: f64) -> Result<Interval, PolyError> {
        Ok(self.ols.mean_interval(&self.powers(x), level)?)
    }

    /// Prediction interval of a new observation at x.
    pub fn prediction_interval(&self, x: f64, level: f64) -> Result<Interval, PolyError> {
        Ok(self.ols.prediction_interval(&self.powers(x), level)?)
    }

    /// Coefficients b_0 … b_d of powers of x itself, by expanding Σ c_k ((x - m)/h)^k with
    /// Horner's scheme. Meaningful only when x is near the origin: for epoch-millisecond x the
    /// terms cancel catastrophically (and b_k is below 1e-12k anyway), so use
    /// [`PolyFit::predict`] there.
    pub fn power_coefficients(&self) -> Vec<f64> {
        let c = self.scaled_coefficients();
        let (a, b) = (1.0 / self.half_range, -self.centre / self.half_range);
        // q(x) accumulates c_d u + c_{d-1}, then q·u + c_{d-2}, … with u = a x + b.
        let mut q = vec![c[self.degree]];
        for k in (0..self.degree).rev() {
            let mut next = vec![0.0; q.len() + 1];
            for (j, qj) in q.iter().enumerate() {
                next[j] += qj * b;
                next[j + 1] += qj * a;
            }
            next[0] += c[k];
            q = next;
        }
        q
    }

    /// Standard errors of [`PolyFit::power_coefficients`]: the square roots of the diagonal of
    /// T Cov(c) Tᵀ, where T maps the coefficients c of powers of u = a x + b to those of x,
    /// T[j][k] = C(k, j) aʲ bᵏ⁻ʲ for k >= j. Same caveat as the coefficients: for x far from
    /// the origin the expansion cancels catastrophically.
    pub fn power_std_errors(&self) -> Vec<f64> {
        let d = self.degree;
        let (a, b) = (1.0 / self.half_range, -self.centre / self.half_range);
        let mut t = vec![vec![0.0; d + 1]; d + 1];
        for (k, binom_row) in binomials(d).iter().enumerate() {
            for (j, &binom) in binom_row.iter().enumerate() {
                t[j][k] = binom * a.powi(j as i32) * b.powi((k - j) as i32);
            }
        }
        let cov = self.ols.covariance();
        (0..=d)
            .map(|j| {
                let mut v = 0.0;
                for (k, ck) in cov.iter().enumerate() {
                    for (l, c) in ck.iter().enumerate() {
                        v += t[j][k] * c * t[j][l];
                    }
                }
                v.max(0.0).sqrt()
            })
            .collect()
    }

    fn powers(&self, x: f64) -> Vec<f64> {
        let u = self.to_unit(x);
        (1..=self.degree).map(|k| u.powi(k as i32)).collect()
    }
}

/// Rows 0..=d of Pascal's triangle: row k holds C(k, 0) … C(k, k).
fn binomials(d: usize) -> Vec<Vec<f64>> {
    let mut rows: Vec<Vec<f64>> = vec![vec![1.0]];
    for k in 1..=d {
        let prev = &rows[k - 1];
        let row = (0..=k)
            .map(|j| {
                let left = if j > 0 { prev[j - 1] } else { 0.0 };
                left + prev.get(j).copied().unwrap_or(0.0)
            })
            .collect();
        rows.push(row);
    }
    rows
}
