//! Least squares against the NIST Statistical Reference Datasets (StRD) for linear regression,
//! and the laws a least squares solution obeys.
//!
//! Data and certified values are transcribed from the StRD files `Longley.dat` and `Filip.dat`
//! (NIST Information Technology Laboratory, Statistical Engineering Division, "StRD Linear
//! Least Squares Regression", certified values computed in 500-digit arithmetic). Longley
//! (1967, JASA 62, 819-841) is rated "higher difficulty": six nearly collinear regressors.
//! Filip (Filippelli, NIST) is a degree-10 polynomial rated "higher difficulty"; many packages
//! declare its design singular.

use tradelens_core::stats::ols::{self, OlsError, INTERCEPT};
use tradelens_core::stats::poly;
use tradelens_core::stats::tol::{TEST_FILIP_REL, TEST_LAW, TEST_LONGLEY_REL};

fn rel(got: f64, want: f64) -> f64 {
    (got - want).abs() / want.abs()
}

/// Longley: y (total employment), then x1..x6 (GNP deflator, GNP, unemployed, armed forces,
/// population, year).
const LONGLEY: [[f64; 7]; 16] = [
    [60323.0, 83.0, 234289.0, 2356.0, 1590.0, 107608.0, 1947.0],
    [61122.0, 88.5, 259426.0, 2325.0, 1456.0, 108632.0, 1948.0],
    [60171.0, 88.2, 258054.0, 3682.0, 1616.0, 109773.0, 1949.0],
    [61187.0, 89.5, 284599.0, 3351.0, 1650.0, 110929.0, 1950.0],
    [63221.0, 96.2, 328975.0, 2099.0, 3099.0, 112075.0, 1951.0],
    [63639.0, 98.1, 346999.0, 1932.0, 3594.0, 113270.0, 1952.0],
    [64989.0, 99.0, 365385.0, 1870.0, 3547.0, 115094.0, 1953.0],
    [63761.0, 100.0, 363112.0, 3578.0, 3350.0, 116219.0, 1954.0],
    [66019.0, 101.2, 397469.0, 2904.0, 3048.0, 117388.0, 1955.0],
    [67857.0, 104.6, 419180.0, 2822.0, 2857.0, 118734.0, 1956.0],
    [68169.0, 108.4, 442769.0, 2936.0, 2798.0, 120445.0, 1957.0],
    [66513.0, 110.8, 444546.0, 4681.0, 2637.0, 121950.0, 1958.0],
    [68655.0, 112.6, 482704.0, 3813.0, 2552.0, 123366.0, 1959.0],
    [69564.0, 114.2, 502601.0, 3931.0, 2514.0, 125368.0, 1960.0],
    [69331.0, 115.7, 518173.0, 4806.0, 2572.0, 127852.0, 1961.0],
    [70551.0, 116.9, 554894.0, 4007.0, 2827.0, 130081.0, 1962.0],
];

/// Certified (estimate, standard deviation of estimate) of B0 (intercept) to B6.
const LONGLEY_CERT: [(f64, f64); 7] = [
    (-3482258.63459582, 890420.383607373),
    (15.0618722713733, 84.9149257747669),
    (-0.358191792925910e-01, 0.334910077722432e-01),
    (-2.02022980381683, 0.488399681651699),
    (-1.03322686717359, 0.214274163161675),
    (-0.511041056535807e-01, 0.226073200069370),
    (1829.15146461355, 455.478499142212),
];
const LONGLEY_RESID_SD: f64 = 304.854073561965;
const LONGLEY_R2: f64 = 0.995479004577296;
/// Certified F statistic of the regression (6 and 9 degrees of freedom).
const LONGLEY_F: f64 = 330.285339234588;

const NAMES: [&str; 6] = [
    "deflator",
    "gnp",
    "unemployed",
    "armed",
    "population",
    "year",
];

fn longley_columns() -> (Vec<Vec<f64>>, Vec<f64>) {
    let cols = (1..7)
        .map(|j| LONGLEY.iter().map(|r| r[j]).collect())
        .collect();
    (cols, LONGLEY.iter().map(|r| r[0]).collect())
}

fn named<'a>(names: &'a [&'a str], cols: &'a [Vec<f64>]) -> Vec<(&'a str, &'a [f64])> {
    names
        .iter()
        .copied()
        .zip(cols.iter().map(|c| c.as_slice()))
        .collect()
}

#[test]
fn longley_matches_nist_certified_values() {
    let (cols, y) = longley_columns();
    let fit = ols::fit(&named(&NAMES, &cols), &y, true).unwrap();
    assert_eq!(fit.coefficients[0].name, INTERCEPT);
    for (c, (b, sd)) in fit.coefficients.iter().zip(LONGLEY_CERT) {
        assert!(
            rel(c.estimate, b) < TEST_LONGLEY_REL,
            "{}: {} vs {b}",
            c.name,
            c.estimate
        );
        assert!(
            rel(c.std_error, sd) < TEST_LONGLEY_REL,
            "{}: {} vs {sd}",
            c.name,
            c.std_error
        );
    }
    assert!(rel(fit.residual_std_error, LONGLEY_RESID_SD) < TEST_LONGLEY_REL);
    assert!(rel(fit.r_squared.unwrap(), LONGLEY_R2) < TEST_LONGLEY_REL);
    assert!(rel(fit.f_statistic.unwrap(), LONGLEY_F) < TEST_LONGLEY_REL);
    assert_eq!((fit.n, fit.df_model, fit.df_residual), (16, 6, 9));
}

#[test]
fn longley_residuals_are_orthogonal_to_every_column() {
    // The normal equations X'e = 0 hold for the least squares solution; relative to |x||e|.
    let (cols, y) = longley_columns();
    let fit = ols::fit(&named(&NAMES, &cols), &y, true).unwrap();
    let e = &fit.residuals;
    let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>().sqrt();
    let ones = vec![1.0; y.len()];
    for col in cols.iter().chain(std::iter::once(&ones)) {
        let dot: f64 = col.iter().zip(e).map(|(a, b)| a * b).sum();
        assert!(dot.abs() <= TEST_LAW * norm(col) * norm(e), "x'e = {dot}");
    }
}

#[test]
fn residuals_are_orthogonal_to_x_on_random_designs() {
    // Law: X'e = 0 for any design of full rank, here 20 seeded designs with columns at very
    // different offsets and scales (epoch ms, prices, small counts).
    for seed in 0..20 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let n = 30 + rng.usize(..50);
        let cols: Vec<Vec<f64>> = vec![
            (0..n)
                .map(|i| 1.7e12 + 60_000.0 * i as f64 + rng.f64() * 1e3)
                .collect(),
            (0..n).map(|_| 65_000.0 + 100.0 * rng.f64()).collect(),
            (0..n).map(|_| rng.u32(0..20) as f64).collect(),
        ];
        let y: Vec<f64> = (0..n)
            .map(|i| 3.0 + 1e-8 * (cols[0][i] - 1.7e12) + 0.01 * cols[1][i] + rng.f64())
            .collect();
        let names = ["t", "price", "count"];
        let fit = ols::fit(&named(&names, &cols), &y, true).unwrap();
        let e = &fit.residuals;
        let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>().sqrt();
        for col in &cols {
            // Orthogonal to the centred column (the intercept takes the mean).
            let m = col.iter().sum::<f64>() / n as f64;
            let c: Vec<f64> = col.iter().map(|v| v - m).collect();
            let dot: f64 = c.iter().zip(e).map(|(a, b)| a * b).sum();
            assert!(
                dot.abs() <= TEST_LAW * norm(&c) * norm(e),
                "seed {seed}: {dot}"
            );
        }
        assert!(e.iter().sum::<f64>().abs() <= TEST_LAW * norm(e) * (n as f64).sqrt());
    }
}

#[test]
fn large_offset_regressor_gives_the_exact_line() {
    // x = 1.7e12 + 60,000 i (epoch ms, one a minute), y = 42 + 2.5e-6 (x - 1.7e12) + 0.3 d_i
    // with d = (+1, -1, -1, +1) repeated: d sums to 0 and Σ i·d_i = 0 - 1 - 2 + 3 = 0 for every
    // block of four, so d is orthogonal to [1, x] and the least squares line is exactly the
    // generating one: slope 2.5e-6 per ms, intercept 42 - 2.5e-6 · 1.7e12 = -4,249,958.
    let n = 400;
    let x: Vec<f64> = (0..n).map(|i| 1.7e12 + 60_000.0 * i as f64).collect();
    let d = [1.0, -1.0, -1.0, 1.0];
    let y: Vec<f64> = (0..n)
        .map(|i| 42.0 + 2.5e-6 * (x[i] - 1.7e12) + 0.3 * d[i % 4])
        .collect();
    let fit = ols::fit(&[("t", &x)], &y, true).unwrap();
    assert!(rel(fit.coefficients[1].estimate, 2.5e-6) < TEST_LAW);
    assert!(rel(fit.coefficients[0].estimate, -4_249_958.0) < TEST_LAW);
    assert!(rel(fit.predict(&[x[100]]).unwrap(), 42.0 + 2.5e-6 * 6e6) < TEST_LAW);
}

#[test]
fn collinear_columns_are_refused_by_name() {
    let (cols, y) = longley_columns();
    let mut with_copy = cols.clone();
    // gnp_twice = 2 gnp: exactly dependent. constant: absorbed by the intercept.
    with_copy.push(cols[1].iter().map(|v| 2.0 * v).collect());
    with_copy.push(vec![7.0; y.len()]);
    let names = [NAMES.as_slice(), &["gnp_twice", "constant"]].concat();
    let err = ols::fit(&named(&names, &with_copy), &y, true).unwrap_err();
    assert_eq!(
        err,
        OlsError::RankDeficient {
            columns: vec!["gnp_twice".into(), "constant".into()]
        }
    );
}

#[test]
fn too_few_observations_are_refused() {
    let x = [1.0, 2.0];
    let err = ols::fit(&[("x", &x)], &[1.0, 3.0], true).unwrap_err();
    assert_eq!(
        err,
        OlsError::TooFewObservations {
            n: 2,
            parameters: 2
        }
    );
}

#[test]
fn intervals_follow_the_textbook_formulas() {
    // Simple regression: se(mean at x0) = σ sqrt(1/n + (x0 - x̄)² / Sxx).
    let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let y = [1.2, 1.9, 3.2, 3.8, 5.1, 6.3];
    let fit = ols::fit(&[("x", &x)], &y, true).unwrap();
    let (n, xbar, sxx) = (6.0, 3.5, 17.5);
    let t = tradelens_core::stats::dist::t_quantile(0.975, 4.0).unwrap();
    let s = fit.residual_std_error;
    let x0 = 8.0;
    let ci = fit.mean_interval(&[x0], 0.95).unwrap();
    let pi = fit.prediction_interval(&[x0], 0.95).unwrap();
    let h: f64 = 1.0 / n + (x0 - xbar) * (x0 - xbar) / sxx;
    assert!(rel(ci.upper - ci.estimate, t * s * h.sqrt()) < TEST_LAW);
    assert!(rel(pi.upper - pi.estimate, t * s * (1.0 + h).sqrt()) < TEST_LAW);
    // Intercept standard error is the mean interval at x0 = 0 in disguise.
    let se0 = s * (1.0 / n + xbar * xbar / sxx).sqrt();
    assert!(rel(fit.coefficients[0].std_error, se0) < TEST_LAW);
    assert!(fit.f_p_value.unwrap() < 1e-4);
}

#[test]
fn without_intercept_matches_the_closed_form() {
    // y = b x through the origin: b = Σxy / Σx², R² uncentred.
    let x = [1.0, 2.0, 3.0, 4.0];
    let y = [2.0, 4.1, 5.9, 8.2];
    let fit = ols::fit(&[("x", &x)], &y, false).unwrap();
    let b = (2.0 + 8.2 + 17.7 + 32.8) / 30.0;
    assert!(rel(fit.coefficients[0].estimate, b) < TEST_LAW);
    assert_eq!(fit.df_residual, 3);
}

#[test]
fn filip_matches_nist_certified_values_in_a_scaled_basis() {
    let (x, y): (Vec<f64>, Vec<f64>) = FILIP.iter().copied().unzip();
    let fit = poly::fit(&x, &y, 10).unwrap();
    let b = fit.power_coefficients();
    for (k, (got, want)) in b.iter().zip(FILIP_CERT).enumerate() {
        assert!(rel(*got, want) < TEST_FILIP_REL, "B{k}: {got} vs {want}");
    }
    assert!(rel(fit.ols.residual_std_error, FILIP_RESID_SD) < TEST_FILIP_REL);
    assert!(rel(fit.ols.r_squared.unwrap(), FILIP_R2) < TEST_FILIP_REL);
}

/// Certified B0..B10 of y = Σ B_k x^k.
const FILIP_CERT: [f64; 11] = [
    -1467.48961422980,
    -2772.17959193342,
    -2316.37108160893,
    -1127.97394098372,
    -354.478233703349,
    -75.1242017393757,
    -10.8753180355343,
    -1.06221498588947,
    -0.670191154593408e-01,
    -0.246781078275479e-02,
    -0.402962525080404e-04,
];
const FILIP_RESID_SD: f64 = 0.334801051324544e-02;
const FILIP_R2: f64 = 0.996727416185620;

/// Filip: (x, y), 82 observations.
const FILIP: [(f64, f64); 82] = [
    (-6.860120914, 0.8116),
    (-4.324130045, 0.9072),
    (-4.358625055, 0.9052),
    (-4.358426747, 0.9039),
    (-6.955852379, 0.8053),
    (-6.661145254, 0.8377),
    (-6.355462942, 0.8667),
    (-6.118102026, 0.8809),
    (-7.115148017, 0.7975),
    (-6.815308569, 0.8162),
    (-6.519993057, 0.8515),
    (-6.204119983, 0.8766),
    (-5.853871964, 0.8885),
    (-6.109523091, 0.8859),
    (-5.79832982, 0.8959),
    (-5.482672118, 0.8913),
    (-5.171791386, 0.8959),
    (-4.851705903, 0.8971),
    (-4.517126416, 0.9021),
    (-4.143573228, 0.909),
    (-3.709075441, 0.9139),
    (-3.499489089, 0.9199),
    (-6.300769497, 0.8692),
    (-5.953504836, 0.8872),
    (-5.642065153, 0.89),
    (-5.031376979, 0.891),
    (-4.680685696, 0.8977),
    (-4.329846955, 0.9035),
    (-3.928486195, 0.9078),
    (-8.56735134, 0.7675),
    (-8.363211311, 0.7705),
    (-8.107682739, 0.7713),
    (-7.823908741, 0.7736),
    (-7.522878745, 0.7775),
    (-7.218819279, 0.7841),
    (-6.920818754, 0.7971),
    (-6.628932138, 0.8329),
    (-6.323946875, 0.8641),
    (-5.991399828, 0.8804),
    (-8.781464495, 0.7668),
    (-8.663140179, 0.7633),
    (-8.473531488, 0.7678),
    (-8.247337057, 0.7697),
    (-7.971428747, 0.77),
    (-7.676129393, 0.7749),
    (-7.352812702, 0.7796),
    (-7.072065318, 0.7897),
    (-6.774174009, 0.8131),
    (-6.478861916, 0.8498),
    (-6.159517513, 0.8741),
    (-6.835647144, 0.8061),
    (-6.53165267, 0.846),
    (-6.224098421, 0.8751),
    (-5.910094889, 0.8856),
    (-5.598599459, 0.8919),
    (-5.290645224, 0.8934),
    (-4.974284616, 0.894),
    (-4.64454848, 0.8957),
    (-4.290560426, 0.9047),
    (-3.885055584, 0.9129),
    (-3.408378962, 0.9209),
    (-3.13200249, 0.9219),
    (-8.726767166, 0.7739),
    (-8.66695597, 0.7681),
    (-8.511026475, 0.7665),
    (-8.165388579, 0.7703),
    (-7.886056648, 0.7702),
    (-7.588043762, 0.7761),
    (-7.283412422, 0.7809),
    (-6.995678626, 0.7961),
    (-6.691862621, 0.8253),
    (-6.392544977, 0.8602),
    (-6.067374056, 0.8809),
    (-6.684029655, 0.8301),
    (-6.378719832, 0.8664),
    (-6.065855188, 0.8834),
    (-5.752272167, 0.8898),
    (-5.132414673, 0.8964),
    (-4.811352704, 0.8963),
    (-4.098269308, 0.9074),
    (-3.66174277, 0.9119),
    (-3.2644011, 0.9228),
];
