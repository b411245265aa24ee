//! The regression the Analysis page shows: y on x (a straight line) or on time (a polynomial),
//! with its table and the curves and residuals its charts draw. All statistics come from
//! `tradelens_core::stats`; this file only picks and arranges them.

use tradelens_core::engine::measure::{paired, Measure};
use tradelens_core::engine::Engine;
use tradelens_core::stats::ols::{Coefficient, OlsFit};
use tradelens_core::stats::{poly, Interval};

/// Level of the bands and intervals.
pub const LEVEL: f64 = 0.95;
/// Points on the drawn curve and bands.
const CURVE_POINTS: usize = 120;

/// What to regress on what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FitChoice {
    /// Response.
    pub y: Measure,
    /// Regressor (`Measure::Time` for a trend).
    pub x: Measure,
    /// Polynomial degree when x is time (1..=10); ignored otherwise.
    pub degree: usize,
}

/// One point of the fitted curve: x, the fit, its confidence and prediction intervals.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurvePoint {
    /// Where.
    pub x: f64,
    /// Confidence interval of the mean (its estimate is the fitted value).
    pub mean: Interval,
    /// Prediction interval of a new bucket.
    pub prediction: Interval,
}

/// A fit ready to show.
#[derive(Clone, Debug)]
pub struct FitView {
    /// The least squares fit (coefficients, R², F, residuals...).
    pub ols: OlsFit,
    /// Whether coefficients are of powers of the scaled time u.
    pub time_basis: Option<(f64, f64)>,
    /// The curve over the x range.
    pub curve: Vec<CurvePoint>,
}

/// The data and the fit (or why it was refused).
#[derive(Clone, Debug)]
pub struct Analysis {
    /// x of each bucket.
    pub x: Vec<f64>,
    /// y of each bucket.
    pub y: Vec<f64>,
    /// The fit, or the refusal in words.
    pub fit: Result<FitView, String>,
}

impl FitView {
    /// The coefficients, intercept first.
    pub fn coefficients(&self) -> &[Coefficient] {
        &self.ols.coefficients
    }
}

fn grid(x: &[f64]) -> Vec<f64> {
    let lo = x.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !(lo.is_finite() && hi.is_finite()) {
        return Vec::new();
    }
    (0..CURVE_POINTS)
        .map(|i| lo + (hi - lo) * i as f64 / (CURVE_POINTS - 1) as f64)
        .collect()
}

/// Fits `choice` over the engine's buckets.
pub fn analyse(engine: &Engine, choice: FitChoice) -> Analysis {
    let (x, y) = paired(engine, choice.x, choice.y);
    let fit = if choice.x == Measure::Time {
        poly::fit(&x, &y, choice.degree)
            .and_then(|p| {
                let curve = grid(&x)
                    .into_iter()
                    .map(|g| {
                        Ok(CurvePoint {
                            x: g,
                            mean: p.mean_interval(g, LEVEL)?,
                            prediction: p.prediction_interval(g, LEVEL)?,
                        })
                    })
                    .collect::<Result<Vec<_>, poly::PolyError>>()?;
                Ok(FitView {
                    time_basis: Some((p.centre, p.half_range)),
                    ols: p.ols,
                    curve,
                })
            })
            .map_err(|e| e.to_string())
    } else {
        let name = measure_label(choice.x);
        tradelens_core::stats::ols::fit(&[(name, &x)], &y, true)
            .and_then(|f| {
                let curve = grid(&x)
                    .into_iter()
                    .map(|g| {
                        Ok(CurvePoint {
                            x: g,
                            mean: f.mean_interval(&[g], LEVEL)?,
                            prediction: f.prediction_interval(&[g], LEVEL)?,
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(FitView {
                    ols: f,
                    time_basis: None,
                    curve,
                })
            })
            .map_err(|e| e.to_string())
    };
    Analysis { x, y, fit }
}

/// The name of a measure in tables and pickers.
pub fn measure_label(m: Measure) -> &'static str {
    match m {
        Measure::Revenue => "Revenue",
        Measure::Count => "Count",
        Measure::Volume => "Volume (units)",
        Measure::Vwap => "VWAP (mean unit price)",
        Measure::MeanValue => "Mean order value",
        Measure::Time => "Time",
    }
}
