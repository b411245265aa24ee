//! Price elasticity of demand: the slope of ln(quantity) on ln(price), per product.
//!
//! In ln q = a + e ln p + ε, e is the percentage change of quantity for a 1% change of price.
//! Logarithms need positive data, so a zero or negative price or quantity is refused with its
//! row rather than dropped silently.
//!
//! Demand also moves with traffic (time of day, day of week, a spike), and when price changes
//! (promotions) happen at busy or quiet hours the plain slope takes the traffic for a price
//! effect. [`fit_with_traffic`] adds ln(traffic) as a control: in
//! ln q = a + e ln p + g ln T + ε, e is the elasticity at a given traffic T.

use std::collections::BTreeMap;

use thiserror::Error;

use super::ols::{self, OlsError};
use super::{dist, valid_level, Interval};

/// Why an elasticity could not be estimated.
#[derive(Clone, Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum ElasticityError {
    /// A price or quantity that is zero, negative or not finite: its logarithm is undefined.
    #[error("{field} at row {row} is {value}; a log-log fit needs positive values")]
    NonPositive {
        /// `"price"` or `"quantity"`.
        field: &'static str,
        /// Row index.
        row: usize,
        /// The value.
        value: f64,
    },
    /// Prices and quantities of different lengths.
    #[error("{prices} prices but {quantities} quantities")]
    LengthMismatch {
        /// Number of prices.
        prices: usize,
        /// Number of quantities.
        quantities: usize,
    },
    /// A confidence level outside (0, 1).
    #[error("confidence level {level} is not strictly between 0 and 1")]
    BadLevel {
        /// The level given.
        level: f64,
    },
    /// The regression failed (fewer than three points, or a single price).
    #[error(transparent)]
    Ols(#[from] OlsError),
}

/// An estimated elasticity.
#[derive(Clone, Debug, PartialEq)]
pub struct Elasticity {
    /// The slope e of ln q on ln p.
    pub elasticity: f64,
    /// Its standard error.
    pub std_error: f64,
    /// Confidence interval of e at `level`: e ± t_{(1+level)/2, n-2} · se.
    pub interval: Interval,
    /// The confidence level of `interval`.
    pub level: f64,
    /// The intercept a (ln q at p = 1).
    pub intercept: f64,
    /// R² of the log-log fit; `None` when all quantities are equal.
    pub r_squared: Option<f64>,
    /// Observations.
    pub n: usize,
}

/// Estimates the elasticity of quantity with respect to price.
pub fn fit(prices: &[f64], quantities: &[f64], level: f64) -> Result<Elasticity, ElasticityError> {
    if prices.len() != quantities.len() {
        return Err(ElasticityError::LengthMismatch {
            prices: prices.len(),
            quantities: quantities.len(),
        });
    }
    if !valid_level(level) {
        return Err(ElasticityError::BadLevel { level });
    }
    let ln_p = logs("price", prices)?;
    let ln_q = logs("quantity", quantities)?;
    let fit = ols::fit(&[("ln price", &ln_p)], &ln_q, true)?;
    slope_of(&fit, level)
}

/// Estimates the elasticity of quantity with respect to price at a given traffic: the price
/// coefficient of ln q on ln p and ln traffic. `traffic[i]` is any positive measure of demand
/// for everything else in the same period (units sold of other categories, visits).
pub fn fit_with_traffic(
    prices: &[f64],
    quantities: &[f64],
    traffic: &[f64],
    level: f64,
) -> Result<Elasticity, ElasticityError> {
    if prices.len() != quantities.len() {
        return Err(ElasticityError::LengthMismatch {
            prices: prices.len(),
            quantities: quantities.len(),
        });
    }
    if !valid_level(level) {
        return Err(ElasticityError::BadLevel { level });
    }
    let ln_p = logs("price", prices)?;
    let ln_q = logs("quantity", quantities)?;
    let ln_t = logs("traffic", traffic)?;
    let fit = ols::fit(&[("ln price", &ln_p), ("ln traffic", &ln_t)], &ln_q, true)?;
    slope_of(&fit, level)
}

/// The elasticity (the coefficient of ln price, right after the intercept) of a fit.
fn slope_of(fit: &ols::OlsFit, level: f64) -> Result<Elasticity, ElasticityError> {
    let slope = &fit.coefficients[1];
    let t = dist::t_quantile(0.5 + level / 2.0, fit.df_residual as f64)
        .ok_or(ElasticityError::BadLevel { level })?;
    let half = t * slope.std_error;
    Ok(Elasticity {
        elasticity: slope.estimate,
        std_error: slope.std_error,
        interval: Interval {
            estimate: slope.estimate,
            lower: slope.estimate - half,
            upper: slope.estimate + half,
        },
        level,
        intercept: fit.coefficients[0].estimate,
        r_squared: fit.r_squared,
        n: fit.n,
    })
}

/// One elasticity per product from (product, price, quantity) rows; each product's result
/// stands alone, so one product's bad row does not hide the others' estimates.
pub fn fit_by_product<K: Ord>(
    rows: impl IntoIterator<Item = (K, f64, f64)>,
    level: f64,
) -> BTreeMap<K, Result<Elasticity, ElasticityError>> {
    let mut groups: BTreeMap<K, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for (k, p, q) in rows {
        let g = groups.entry(k).or_default();
        g.0.push(p);
        g.1.push(q);
    }
    groups
        .into_iter()
        .map(|(k, (p, q))| (k, fit(&p, &q, level)))
        .collect()
}

fn logs(field: &'static str, x: &[f64]) -> Result<Vec<f64>, ElasticityError> {
    x.iter()
        .enumerate()
        .map(|(row, &value)| {
            if value > 0.0 && value.is_finite() {
                Ok(value.ln())
            } else {
                Err(ElasticityError::NonPositive { field, row, value })
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::tol::TEST_LAW;

    #[test]
    fn recovers_a_constant_elasticity() {
        // q = 500 p^-1.5 · exp(±0.05) alternately: in logs, ln q = ln 500 - 1.5 ln p ± 0.05.
        let prices: Vec<f64> = (1..=40).map(|i| 5.0 + 0.5 * i as f64).collect();
        let q: Vec<f64> = prices
            .iter()
            .enumerate()
            .map(|(i, p)| 500.0 * p.powf(-1.5) * if i % 2 == 0 { 1.05 } else { 0.95 })
            .collect();
        let e = fit(&prices, &q, 0.95).unwrap();
        assert!(e.interval.contains(-1.5), "{e:?}");
        // Known answer: the slope equals Sxy/Sxx in logs, computed directly.
        let lp: Vec<f64> = prices.iter().map(|p| p.ln()).collect();
        let lq: Vec<f64> = q.iter().map(|v| v.ln()).collect();
        let (mp, mq) = (lp.iter().sum::<f64>() / 40.0, lq.iter().sum::<f64>() / 40.0);
        let sxy: f64 = lp.iter().zip(&lq).map(|(a, b)| (a - mp) * (b - mq)).sum();
        let sxx: f64 = lp.iter().map(|a| (a - mp) * (a - mp)).sum();
        assert!((e.elasticity - sxy / sxx).abs() < TEST_LAW);
    }

    #[test]
    fn traffic_control_removes_the_bias_of_busy_hour_promotions() {
        // Promotions (low prices) fall in busy hours: traffic T and price move together, and
        // q = 50 · p^-1.5 · T exactly. The plain slope mixes both effects; with ln T as a
        // control the price coefficient is the true -1.5 (noise-free, so to rounding).
        let traffic: Vec<f64> = (0..48)
            .map(|i| 100.0 + 80.0 * (i as f64 / 4.0).sin())
            .collect();
        let prices: Vec<f64> = traffic
            .iter()
            .enumerate()
            .map(|(i, t)| 20.0 - 0.05 * t + if i % 3 == 0 { 1.0 } else { 0.0 })
            .collect();
        let q: Vec<f64> = prices
            .iter()
            .zip(&traffic)
            .map(|(p, t)| 50.0 * p.powf(-1.5) * t)
            .collect();
        let plain = fit(&prices, &q, 0.95).unwrap();
        assert!(!plain.interval.contains(-1.5), "{plain:?}");
        let controlled = fit_with_traffic(&prices, &q, &traffic, 0.95).unwrap();
        assert!(
            (controlled.elasticity + 1.5).abs() < TEST_LAW,
            "{controlled:?}"
        );
        assert_eq!(controlled.n, 48);
        let err = fit_with_traffic(&[1.0, 2.0], &[1.0, 2.0], &[1.0, 0.0], 0.95).unwrap_err();
        assert!(matches!(
            err,
            ElasticityError::NonPositive {
                field: "traffic",
                row: 1,
                ..
            }
        ));
    }

    #[test]
    fn refuses_non_positive_values_by_row() {
        let err = fit(&[1.0, 2.0, 0.0, 4.0], &[4.0, 3.0, 2.0, 1.0], 0.95).unwrap_err();
        assert_eq!(
            err,
            ElasticityError::NonPositive {
                field: "price",
                row: 2,
                value: 0.0
            }
        );
        let err = fit(&[1.0, 2.0, 3.0], &[1.0, -2.0, 1.0], 0.95).unwrap_err();
        assert!(matches!(
            err,
            ElasticityError::NonPositive {
                field: "quantity",
                row: 1,
                ..
            }
        ));
    }

    #[test]
    fn per_product_results_stand_alone() {
        let rows = vec![
            ("tea", 2.0, 10.0),
            ("tea", 3.0, 7.0),
            ("tea", 4.0, 5.5),
            ("tea", 5.0, 4.1),
            ("mug", 8.0, 3.0),
            ("mug", 8.0, 4.0),
            ("mug", 8.0, 5.0),
        ];
        let out = fit_by_product(rows, 0.9);
        assert!(out["tea"].as_ref().unwrap().elasticity < 0.0);
        // One price only: no slope can be estimated, and the error says which column.
        assert!(matches!(
            &out["mug"],
            Err(ElasticityError::Ols(OlsError::RankDeficient { columns })) if columns == &["ln price"]
        ));
    }
}
