//! Forecasts: exact recovery on noise-free series, interval formulas, and the backtest.

use tradelens_core::stats::anomaly;
use tradelens_core::stats::forecast::{
    self, backtest, holt_winters, smape, ForecastError, HoltWintersSpec, Method, SeasonalSpec,
    Series,
};
use tradelens_core::stats::tol::TEST_LAW;

const HOUR: i64 = 3_600_000;
/// Monday 2023-11-13 00:00 UTC.
const START: i64 = 1_699_833_600_000;

/// Four weeks of hourly values: trend, a daily and a weekly wave, and optional noise drawn
/// from a seeded generator (uniform, ±noise).
fn hourly(noise: f64, seed: u64) -> Vec<f64> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..24 * 28)
        .map(|i| {
            let day = std::f64::consts::TAU * (i % 24) as f64 / 24.0;
            let week = std::f64::consts::TAU * (i % 168) as f64 / 168.0;
            100.0
                + 0.02 * i as f64
                + 10.0 * day.sin()
                + 4.0 * week.cos()
                + noise * (2.0 * rng.f64() - 1.0)
        })
        .collect()
}

#[test]
fn seasonal_regression_recovers_a_noise_free_series() {
    // The series is exactly trend + first daily and weekly harmonics, which the default spec
    // includes, so its forecast must be exact; the start is a Monday at midnight UTC, so the
    // phases line up with the series' own.
    let y = hourly(0.0, 0);
    let n = 24 * 21;
    let series = Series {
        start_ms: START,
        step_ms: HOUR,
        values: &y[..n],
    };
    let fc =
        forecast::forecast(&Method::Seasonal(SeasonalSpec::default()), series, 48, 0.95).unwrap();
    for (p, want) in fc.points.iter().zip(&y[n..]) {
        assert!(
            (p.estimate - want).abs() < TEST_LAW * want.abs(),
            "{p:?} vs {want}"
        );
    }
}

#[test]
fn holt_winters_recovers_a_noise_free_trend_and_season() {
    // y_t = 10 + 0.5 t + s_{t mod 12} with Σs = 0: the two-season initialisation is then exact
    // (season means differ by 0.5·12, deviations from the line are s), every one-step error
    // is 0, and any parameters forecast the continuation exactly.
    let s = [
        3.0, 1.0, -2.0, 0.5, -1.5, 4.0, -3.0, 0.0, 2.0, -1.0, -0.5, -2.5,
    ];
    let y: Vec<f64> = (0..100)
        .map(|t| 10.0 + 0.5 * t as f64 + s[t % 12])
        .collect();
    let hw = holt_winters::fit(&HoltWintersSpec { period: 12 }, &y[..80]).unwrap();
    assert!(hw.sse < 1e-18, "sse {}", hw.sse);
    let fc = hw.forecast(20, 0.95).unwrap();
    for (p, want) in fc.points.iter().zip(&y[80..]) {
        assert!((p.estimate - want).abs() < TEST_LAW, "{p:?} vs {want}");
    }
}

#[test]
fn holt_winters_interval_follows_the_class_one_variance() {
    // var_h = σ²[1 + Σ_{j<h} (α + βj + γ[j mod m = 0])²] (Hyndman et al. 2008, Table 6.1).
    let y = hourly(3.0, 5);
    let (m, alpha, beta, gamma) = (24, 0.3, 0.03, 0.2);
    let hw = holt_winters::run(&HoltWintersSpec { period: m }, &y, alpha, beta, gamma).unwrap();
    let fc = hw.forecast(30, 0.95).unwrap();
    let z = 1.959_963_984_540_054;
    for h in [1usize, 2, 24, 25, 30] {
        let sum: f64 = (1..h)
            .map(|j| {
                let c = alpha + beta * j as f64 + if j % m == 0 { gamma } else { 0.0 };
                c * c
            })
            .sum();
        let want = z * (hw.sigma2 * (1.0 + sum)).sqrt();
        let p = fc.points[h - 1];
        assert!((p.upper - p.estimate - want).abs() < 1e-8 * want, "h {h}");
    }
}

#[test]
fn backtest_scores_both_methods() {
    let y = hourly(2.0, 9);
    let series = Series {
        start_ms: START,
        step_ms: HOUR,
        values: &y,
    };
    let methods = [
        Method::Seasonal(SeasonalSpec::default()),
        Method::HoltWinters(HoltWintersSpec { period: 24 }),
    ];
    let scores = backtest(series, 48, &methods, 0.95);
    for s in &scores {
        let s = s.as_ref().unwrap();
        // Noise of ±2 on values near 110: a good forecast is off by about 1%.
        assert!(s.smape < 3.0, "{} sMAPE {}", s.method.name(), s.smape);
        assert!(
            s.coverage >= 0.8,
            "{} coverage {}",
            s.method.name(),
            s.coverage
        );
    }
    // Too short a history for Holt-Winters is that method's error alone.
    let short = Series {
        values: &y[..40],
        ..series
    };
    let scores = backtest(short, 10, &methods, 0.95);
    assert!(scores[0].is_ok());
    assert!(matches!(
        scores[1],
        Err(ForecastError::NotEnoughHistory { needed: 52, .. })
    ));
}

#[test]
fn smape_known_answer() {
    // 100/2 · (2·10/210 + 2·20/380) = 50 · (0.0952381 + 0.1052632) = 10.02506...
    let got = smape(&[100.0, 200.0], &[110.0, 180.0]).unwrap();
    assert!((got - 50.0 * (20.0 / 210.0 + 40.0 / 380.0)).abs() < 1e-12);
    assert_eq!(smape(&[0.0], &[0.0]), Some(0.0));
    assert_eq!(smape(&[], &[]), None);
}

#[test]
fn a_spike_outside_the_interval_is_marked() {
    let mut y = hourly(1.0, 3);
    let n = y.len() - 24;
    y[n + 5] += 40.0;
    let series = Series {
        start_ms: START,
        step_ms: HOUR,
        values: &y[..n],
    };
    let fc =
        forecast::forecast(&Method::Seasonal(SeasonalSpec::default()), series, 24, 0.99).unwrap();
    let marked = anomaly::outside_intervals(&y[n..], &fc.points);
    assert_eq!(marked.iter().map(|a| a.index).collect::<Vec<_>>(), vec![5]);
}

#[test]
fn holt_winters_refuses_parameters_outside_the_usual_region() {
    let y = hourly(1.0, 1);
    let spec = HoltWintersSpec { period: 24 };
    assert_eq!(
        holt_winters::run(&spec, &y, 0.5, 0.6, 0.1).unwrap_err(),
        ForecastError::BadSetting {
            name: "beta",
            value: 0.6
        }
    );
    assert!(holt_winters::run(&spec, &y, 0.5, 0.1, 0.5).is_ok());
    assert!(matches!(
        holt_winters::fit(&HoltWintersSpec { period: 1 }, &y),
        Err(ForecastError::BadSetting { name: "period", .. })
    ));
}

#[test]
fn methods_follow_the_history_held() {
    // One day of 15-minute buckets: daily terms, no weekly; Holt-Winters on an hourly season
    // (two days would be needed for a daily one).
    let Method::Seasonal(s) = Method::seasonal_for(96, 15 * 60_000, 60) else {
        panic!("seasonal expected")
    };
    assert_eq!(
        (s.daily_harmonics, s.weekly_harmonics, s.utc_offset_minutes),
        (3, 0, 60)
    );
    assert_eq!(
        Method::holt_winters_for(96, 15 * 60_000),
        Some(Method::HoltWinters(HoltWintersSpec { period: 4 }))
    );
    // Four weeks of hours: everything, and a weekly Holt-Winters season.
    let Method::Seasonal(s) = Method::seasonal_for(24 * 28, HOUR, 0) else {
        panic!("seasonal expected")
    };
    assert_eq!((s.daily_harmonics, s.weekly_harmonics), (3, 2));
    assert_eq!(
        Method::holt_winters_for(24 * 28, HOUR),
        Some(Method::HoltWinters(HoltWintersSpec { period: 168 }))
    );
    // Two days of hours: a daily season. Daily buckets for ten days: nothing fits.
    assert_eq!(
        Method::holt_winters_for(48, HOUR),
        Some(Method::HoltWinters(HoltWintersSpec { period: 24 }))
    );
    assert_eq!(Method::holt_winters_for(10, 24 * HOUR), None);
    assert_eq!(Method::holt_winters_for(10, 0), None);
}

#[test]
fn in_sample_intervals_mark_a_planted_spike_and_an_outage() {
    // Three weeks of the noisy hourly series (noise ±1, so σ ≈ 0.58): a 99% interval is about
    // ±1.5 wide, and a +20 spike and a drop to 0 lie far outside it, while nearly every other
    // point lies inside (a uniform error never exceeds 1, under 2σ).
    let mut y = hourly(1.0, 7)[..24 * 21].to_vec();
    y[100] += 20.0;
    y[300] = 0.0;
    let series = Series {
        start_ms: START,
        step_ms: HOUR,
        values: &y,
    };
    let spec = SeasonalSpec::default();
    let intervals = forecast::seasonal_in_sample(&spec, series, 0.99).unwrap();
    assert_eq!(intervals.len(), y.len());
    let marked: Vec<usize> = anomaly::outside_intervals(&y, &intervals)
        .iter()
        .map(|a| a.index)
        .collect();
    assert!(marked.contains(&100) && marked.contains(&300), "{marked:?}");
    assert!(marked.len() <= 4, "{marked:?}");
    assert!(matches!(
        forecast::seasonal_in_sample(&spec, series, 1.5),
        Err(ForecastError::BadSetting { name: "level", .. })
    ));
}
