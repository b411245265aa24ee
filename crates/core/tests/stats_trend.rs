//! Polynomial trends on epoch-millisecond times, and rolling regressions.

use tradelens_core::stats::ols;
use tradelens_core::stats::poly::{self, PolyError};
use tradelens_core::stats::rolling::{RollingError, RollingOls};
use tradelens_core::stats::tol::TEST_LAW;

/// One reading a minute for 500 minutes from 2023-11-14 22:13:20 UTC (1.7e12 ms).
fn minutes() -> Vec<f64> {
    (0..500).map(|i| 1.7e12 + 60_000.0 * i as f64).collect()
}

#[test]
fn degree_seven_polynomial_in_epoch_ms_is_recovered() {
    // y = Σ c_k u^k with u = (t - centre)/half_range exactly as the fit defines it: the
    // centre is 1.7e12 + 60,000·499/2 = 1,700,014,970,000 and the half range 14,970,000 ms.
    let t = minutes();
    let c = [3.0, -2.0, 0.5, 4.0, -1.25, 0.75, 2.0, -0.5];
    let (centre, half) = (1_700_014_970_000.0, 14_970_000.0);
    let truth = |x: f64| {
        let u = (x - centre) / half;
        c.iter().rev().fold(0.0, |acc, ck| acc * u + ck)
    };
    let y: Vec<f64> = t.iter().map(|&x| truth(x)).collect();
    let fit = poly::fit(&t, &y, 7).unwrap();
    assert_eq!((fit.centre, fit.half_range), (centre, half));
    for (got, want) in fit.scaled_coefficients().iter().zip(c) {
        assert!((got - want).abs() < TEST_LAW, "{got} vs {want}");
    }
    // In and just beyond the data (forecasting half an hour ahead).
    for x in [t[0], t[250], t[499], t[499] + 1_800_000.0] {
        assert!((fit.predict(x) - truth(x)).abs() < TEST_LAW * truth(x).abs().max(1.0));
    }
}

#[test]
fn degree_ten_with_noise_gives_intervals_that_cover() {
    let t = minutes();
    let y: Vec<f64> = t
        .iter()
        .enumerate()
        .map(|(i, x)| ((x - 1.7e12) / 3.6e6).sin() + 0.01 * ((i * 7919 % 13) as f64 - 6.0))
        .collect();
    let fit = poly::fit(&t, &y, 10).unwrap();
    let ci = fit.mean_interval(t[100], 0.95).unwrap();
    let pi = fit.prediction_interval(t[100], 0.95).unwrap();
    assert!(pi.lower < ci.lower && ci.upper < pi.upper);
    assert!(pi.contains(y[100]));
    assert_eq!(
        poly::fit(&t, &y, 11).unwrap_err(),
        PolyError::DegreeTooHigh {
            degree: 11,
            max: 10
        }
    );
    assert!(matches!(
        poly::fit(&[5.0; 4], &[1.0; 4], 1),
        Err(PolyError::NoSpread { .. })
    ));
}

#[test]
fn rolling_fit_equals_a_fresh_fit_on_the_same_window() {
    let t = minutes();
    let y: Vec<f64> = t
        .iter()
        .enumerate()
        .map(|(i, x)| 100.0 + 1e-6 * (x - 1.7e12) + ((i * 31 % 17) as f64 - 8.0))
        .collect();
    let window = 60;
    let mut rolling = RollingOls::new(&["t"], window, true).unwrap();
    for i in 0..t.len() {
        rolling.push(&[t[i]], y[i]).unwrap();
        if i < 2 {
            continue; // two points cannot fit a line and leave a residual
        }
        let start = (i + 1).saturating_sub(window);
        let fresh = ols::fit(&[("t", &t[start..=i])], &y[start..=i], true).unwrap();
        let got = rolling.fit().unwrap();
        for (a, b) in got.coefficients.iter().zip(&fresh.coefficients) {
            assert!((a.estimate - b.estimate).abs() <= TEST_LAW * b.estimate.abs());
            assert!((a.std_error - b.std_error).abs() <= TEST_LAW * b.std_error);
        }
        assert_eq!(rolling.is_full(), i + 1 >= window);
    }
    // The slope is per millisecond: 1e-6 by construction, within three standard errors.
    let slope = rolling.fit().unwrap().coefficients[1].clone();
    assert!(
        (slope.estimate - 1e-6).abs() < 3.0 * slope.std_error,
        "{slope:?}"
    );
    assert_eq!(
        RollingOls::new(&["t"], 2, true).unwrap_err(),
        RollingError::WindowTooSmall {
            window: 2,
            parameters: 2
        }
    );
}

#[test]
fn power_std_errors_equal_those_of_a_fit_on_raw_powers() {
    // The polynomial in powers of x is the same linear model as the one in powers of u, only
    // reparametrized, so on well-conditioned data (x in 0..3, degree 3) a fit on the raw
    // columns x, x², x³ must give the same estimates and standard errors as the expansion.
    let x: Vec<f64> = (0..40).map(|i| i as f64 * 0.075).collect();
    let y: Vec<f64> = x
        .iter()
        .enumerate()
        .map(|(i, v)| 1.0 - 2.0 * v + 0.5 * v * v * v + 0.1 * ((i * 7 % 11) as f64 - 5.0))
        .collect();
    let fit = poly::fit(&x, &y, 3).unwrap();
    let powers: Vec<Vec<f64>> = (1..=3)
        .map(|k| x.iter().map(|v| v.powi(k)).collect())
        .collect();
    let cols: Vec<(&str, &[f64])> = ["x", "x2", "x3"]
        .iter()
        .zip(&powers)
        .map(|(n, p)| (*n, p.as_slice()))
        .collect();
    let raw = ols::fit(&cols, &y, true).unwrap();
    let est = fit.power_coefficients();
    let se = fit.power_std_errors();
    for (k, c) in raw.coefficients.iter().enumerate() {
        assert!(
            (est[k] - c.estimate).abs() <= TEST_LAW * c.estimate.abs().max(1.0),
            "b{k}"
        );
        assert!(
            (se[k] - c.std_error).abs() <= TEST_LAW * c.std_error,
            "se{k}"
        );
    }
    // The covariance's diagonal is the squared standard errors, in both fits.
    let cov = raw.covariance();
    for (k, c) in raw.coefficients.iter().enumerate() {
        assert!((cov[k][k].sqrt() - c.std_error).abs() <= TEST_LAW * c.std_error);
        assert!((cov[k][1] - cov[1][k]).abs() <= TEST_LAW * cov[k][k].abs().max(1e-300));
    }
}
