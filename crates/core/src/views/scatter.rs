//! One point per bucket for two metrics, with the least-squares line through them.

use crate::engine::{Engine, Metric};
use crate::stats::ols::{self, OlsError};

/// The straight line fitted to the points by ordinary least squares.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FittedLine {
    /// Change in y per unit of x.
    pub slope: f64,
    /// y at x = 0.
    pub intercept: f64,
    /// Share of y's variance the line explains; `None` when y does not vary.
    pub r_squared: Option<f64>,
}

impl FittedLine {
    /// The line's y at `x`.
    pub fn at(&self, x: f64) -> f64 {
        self.intercept + self.slope * x
    }
}

/// Points and their fitted line.
#[derive(Clone, Debug, PartialEq)]
pub struct Scatter {
    /// (x, y) per bucket where both metrics are defined, oldest bucket first.
    pub points: Vec<(f64, f64)>,
    /// The fitted line, or why there is none (too few points, x constant).
    pub fit: Result<FittedLine, OlsError>,
}

/// The `max` newest buckets' totals as (x metric, y metric) points, and the line y = a + b x
/// fitted to them (QR least squares, [`ols::fit`]).
pub fn scatter(e: &Engine, x: Metric, y: Metric, max: usize) -> Scatter {
    let mut points: Vec<(f64, f64)> = e
        .buckets()
        .rev()
        .filter_map(|(_, b)| Some((x.of(&b.total)?, y.of(&b.total)?)))
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .take(max)
        .collect();
    points.reverse();
    let fit = fit_line(&points);
    Scatter { points, fit }
}

/// The least-squares line through `points`.
pub fn fit_line(points: &[(f64, f64)]) -> Result<FittedLine, OlsError> {
    let (xs, ys): (Vec<f64>, Vec<f64>) = points.iter().copied().unzip();
    let fit = ols::fit(&[("x", &xs)], &ys, true)?;
    // With an intercept, the coefficients are the intercept then the slope.
    match fit.coefficients.as_slice() {
        [a, b] => Ok(FittedLine {
            slope: b.estimate,
            intercept: a.estimate,
            r_squared: fit.r_squared,
        }),
        _ => Err(OlsError::NoParameters),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{BucketSize, EngineSpec, GroupBy, SketchSpec};
    use crate::model::Trade;

    const TOL: f64 = 1e-12;

    #[test]
    fn line_by_hand() {
        // x = 1, 2, 3, 4; y = 2, 4, 5, 8: mean x 2.5, mean y 4.75; Sxx = 5,
        // Sxy = (-1.5)(-2.75) + (-0.5)(-0.75) + (0.5)(0.25) + (1.5)(3.25) = 9.5;
        // slope 1.9, intercept 4.75 - 1.9 * 2.5 = 0; fitted 1.9, 3.8, 5.7, 7.6,
        // RSS = 0.01 + 0.04 + 0.49 + 0.16 = 0.7, TSS = 18.75, R² = 1 - 0.7 / 18.75.
        let f = fit_line(&[(1.0, 2.0), (2.0, 4.0), (3.0, 5.0), (4.0, 8.0)]).unwrap();
        assert!((f.slope - 1.9).abs() < TOL);
        assert!(f.intercept.abs() < TOL);
        assert!((f.r_squared.unwrap() - (1.0 - 0.7 / 18.75)).abs() < TOL);
        assert!((f.at(10.0) - 19.0).abs() < 1e-11);
    }

    #[test]
    fn undefined_fits_say_why() {
        assert!(matches!(
            fit_line(&[(1.0, 1.0), (2.0, 2.0)]),
            Err(OlsError::TooFewObservations { .. })
        ));
        assert!(matches!(
            fit_line(&[(1.0, 1.0), (1.0, 2.0), (1.0, 3.0)]),
            Err(OlsError::RankDeficient { .. })
        ));
    }

    #[test]
    fn one_point_per_bucket() {
        let mut e = Engine::new(EngineSpec {
            bucket: BucketSize::M1,
            group_by: GroupBy::NONE,
            sketches: SketchSpec::NONE,
        });
        // Minute k holds k + 1 trades of quantity 1 at price 10 k: count k + 1,
        // notional 10 k (k + 1).
        let mut id = 0;
        for k in 0..5i64 {
            for _ in 0..=k {
                id += 1;
                e.push(&Trade {
                    id,
                    time_ms: k * 60_000 + id as i64,
                    price: 10.0 * k as f64,
                    qty: 1.0,
                    side: None,
                    symbol: "A".into(),
                    dims: Default::default(),
                });
            }
        }
        let s = scatter(&e, Metric::Count, Metric::Notional, 100);
        let want: Vec<(f64, f64)> = (0..5)
            .map(|k| ((k + 1) as f64, (10 * k * (k + 1)) as f64))
            .collect();
        assert_eq!(s.points, want);
        assert!(s.fit.is_ok());
        assert_eq!(
            scatter(&e, Metric::Count, Metric::Notional, 2).points,
            want[3..]
        );
    }
}
