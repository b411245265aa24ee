//! Statistics on the aggregated series: least squares (plain, polynomial, log-log, rolling),
//! forecasts with prediction intervals, anomaly marks, streaming moments and mergeable
//! sketches.
//!
//! Every accumulator here has `push` and `merge`, and merging partial results equals one pass.
//! Data are shifted by a reference value (moments) or centred and scaled (regressions) before
//! any arithmetic, because epoch-millisecond times and large prices otherwise lose digits.
//! Least squares is solved by Householder QR on scaled columns, never through X'X, then
//! refined against the original columns in extended precision (`refine`). A
//! statistic that is undefined is `None` or an error variant, never NaN.

pub mod anomaly;
pub mod dist;
pub mod elasticity;
pub mod forecast;
pub mod moments;
pub mod ols;
pub mod poly;
mod qr;
mod refine;
pub mod rolling;
pub mod sketch;
pub mod tol;

/// A point estimate with the two ends of an interval around it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// The point estimate.
    pub estimate: f64,
    /// Lower end.
    pub lower: f64,
    /// Upper end.
    pub upper: f64,
}

impl Interval {
    /// Whether `x` lies within [lower, upper].
    pub fn contains(&self, x: f64) -> bool {
        self.lower <= x && x <= self.upper
    }
}

/// True for a confidence level strictly between 0 and 1.
pub(crate) fn valid_level(level: f64) -> bool {
    level > 0.0 && level < 1.0
}

/// Mean by shifting by the first value, so a large common offset does not cost digits.
pub(crate) fn shifted_mean(x: &[f64]) -> f64 {
    let Some(&first) = x.first() else {
        return 0.0;
    };
    let s: crate::sum::Sum = x.iter().map(|v| v - first).collect();
    first + s.value() / x.len() as f64
}
