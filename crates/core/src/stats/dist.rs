//! Distribution functions the regressions need: ln-gamma, the regularized incomplete beta, the
//! Student t and F distributions, and the standard normal quantile.
//!
//! Hand-written instead of pulling a statistics crate: the ones that exist bring a linear
//! algebra crate along, and this goes to wasm. Each function is a few dozen lines of a
//! textbook algorithm (Lanczos, Lentz's continued fraction, bisection) with known-answer tests.

use super::tol;

/// ln Γ(x) for x > 0 by the Lanczos approximation (g = 7, nine coefficients), accurate to
/// about 1e-15 relative. `None` for x <= 0 or non-finite x.
pub fn ln_gamma(x: f64) -> Option<f64> {
    if !(x > 0.0 && x.is_finite()) {
        return None;
    }
    Some(ln_gamma_pos(x))
}

fn ln_gamma_pos(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1-x) = π / sin(πx); keeps the series in its accurate range.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma_pos(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The regularized incomplete beta function I_x(a, b), by the continued fraction of Numerical
/// Recipes §6.4 evaluated with the modified Lentz method, using the symmetry
/// I_x(a, b) = 1 - I_{1-x}(b, a) where the fraction converges slowly. `None` if a or b is not
/// positive, x is outside [0, 1], or the fraction fails to converge.
pub fn beta_inc(a: f64, b: f64, x: f64) -> Option<f64> {
    if !(a > 0.0 && b > 0.0 && a.is_finite() && b.is_finite() && (0.0..=1.0).contains(&x)) {
        return None;
    }
    if x == 0.0 {
        return Some(0.0);
    }
    if x == 1.0 {
        return Some(1.0);
    }
    let ln_front =
        ln_gamma_pos(a + b) - ln_gamma_pos(a) - ln_gamma_pos(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        Some(front * beta_cf(a, b, x)? / a)
    } else {
        Some(1.0 - front * beta_cf(b, a, 1.0 - x)? / b)
    }
}

fn beta_cf(a: f64, b: f64, x: f64) -> Option<f64> {
    let tiny = tol::LENTZ_TINY;
    let guard = |v: f64| if v.abs() < tiny { tiny } else { v };
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - qab * x / qap);
    let mut h = d;
    for m in 1..=tol::BETA_CF_MAX_ITER {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 / guard(1.0 + aa * d);
        c = guard(1.0 + aa / c);
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 / guard(1.0 + aa * d);
        c = guard(1.0 + aa / c);
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < tol::BETA_CF_EPS {
            return Some(h);
        }
    }
    None
}

/// P(T <= t) for Student's t with `df` > 0 degrees of freedom. `None` for invalid input.
pub fn t_cdf(t: f64, df: f64) -> Option<f64> {
    if df.is_nan() || df <= 0.0 || t.is_nan() {
        return None;
    }
    if t.is_infinite() {
        return Some(if t > 0.0 { 1.0 } else { 0.0 });
    }
    // P(|T| > |t|) = I_{df/(df+t²)}(df/2, 1/2).
    let tail = beta_inc(df / 2.0, 0.5, df / (df + t * t))?;
    Some(if t > 0.0 {
        1.0 - tail / 2.0
    } else {
        tail / 2.0
    })
}

/// Two-sided p-value P(|T| >= |t|) of Student's t with `df` degrees of freedom.
pub fn t_two_sided_p(t: f64, df: f64) -> Option<f64> {
    if df.is_nan() || df <= 0.0 || t.is_nan() {
        return None;
    }
    if t.is_infinite() {
        return Some(0.0);
    }
    beta_inc(df / 2.0, 0.5, df / (df + t * t))
}

/// The p-quantile of Student's t with `df` degrees of freedom, by bisection on [`t_cdf`] to a
/// relative width of [`tol::QUANTILE_REL_EPS`]. `None` unless 0 < p < 1 and df > 0.
pub fn t_quantile(p: f64, df: f64) -> Option<f64> {
    if !(p > 0.0 && p < 1.0 && df > 0.0) {
        return None;
    }
    if p == 0.5 {
        return Some(0.0);
    }
    if p < 0.5 {
        return t_quantile(1.0 - p, df).map(|q| -q);
    }
    let mut hi = 1.0;
    while t_cdf(hi, df)? < p {
        hi *= 2.0;
        if hi > 1e300 {
            return None;
        }
    }
    let mut lo = 0.0;
    for _ in 0..2000 {
        let mid = 0.5 * (lo + hi);
        if t_cdf(mid, df)? < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= tol::QUANTILE_REL_EPS * hi {
            break;
        }
    }
    Some(0.5 * (lo + hi))
}

/// P(F <= f) for the F distribution with (d1, d2) degrees of freedom.
pub fn f_cdf(f: f64, d1: f64, d2: f64) -> Option<f64> {
    if !(d1 > 0.0 && d2 > 0.0) || f.is_nan() {
        return None;
    }
    if f <= 0.0 {
        return Some(0.0);
    }
    if f.is_infinite() {
        return Some(1.0);
    }
    beta_inc(d1 / 2.0, d2 / 2.0, d1 * f / (d1 * f + d2))
}

/// Upper tail P(F > f), computed directly (not as 1 - cdf) so small p-values keep their digits.
pub fn f_sf(f: f64, d1: f64, d2: f64) -> Option<f64> {
    if !(d1 > 0.0 && d2 > 0.0) || f.is_nan() {
        return None;
    }
    if f <= 0.0 {
        return Some(1.0);
    }
    if f.is_infinite() {
        return Some(0.0);
    }
    beta_inc(d2 / 2.0, d1 / 2.0, d2 / (d2 + d1 * f))
}

/// The p-quantile of the standard normal distribution, by Acklam's rational approximation
/// (relative error below 1.2e-9). `None` unless 0 < p < 1.
pub fn normal_quantile(p: f64) -> Option<f64> {
    if !(p > 0.0 && p < 1.0) {
        return None;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.02425;
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let z = if p < P_LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    };
    Some(z)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::tol::{TEST_DIST_EXACT, TEST_DIST_TABLE};

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs().max(f64::MIN_POSITIVE)
    }

    #[test]
    fn ln_gamma_known_answers() {
        // Γ(1/2) = √π, so ln Γ(1/2) = ln(π)/2 = 0.5723649429247001.
        let half = std::f64::consts::PI.ln() / 2.0;
        assert!(rel(ln_gamma(0.5).unwrap(), half) < TEST_DIST_EXACT);
        // Γ(10) = 9! = 362880.
        assert!(rel(ln_gamma(10.0).unwrap(), 362_880f64.ln()) < TEST_DIST_EXACT);
        // Γ(171) = 170! ≈ 7.257e306; ln 170! = Σ ln k, summed directly.
        let ln_170_fact: f64 = (1..=170).map(|k| (k as f64).ln()).sum();
        assert!(rel(ln_gamma(171.0).unwrap(), ln_170_fact) < TEST_DIST_EXACT);
        assert_eq!(ln_gamma(0.0), None);
        assert_eq!(ln_gamma(-1.0), None);
    }

    #[test]
    fn beta_inc_identities() {
        for &x in &[0.01, 0.2, 0.5, 0.77, 0.999] {
            // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 - (1-x)^b.
            assert!((beta_inc(1.0, 1.0, x).unwrap() - x).abs() < TEST_DIST_EXACT);
            let a = 3.5;
            assert!((beta_inc(a, 1.0, x).unwrap() - x.powf(a)).abs() < TEST_DIST_EXACT);
            let b = 7.25;
            let want = 1.0 - (1.0 - x).powf(b);
            assert!((beta_inc(1.0, b, x).unwrap() - want).abs() < TEST_DIST_EXACT);
            // Symmetry: I_x(a, b) = 1 - I_{1-x}(b, a).
            let s = beta_inc(2.5, 40.0, x).unwrap() + beta_inc(40.0, 2.5, 1.0 - x).unwrap();
            assert!((s - 1.0).abs() < TEST_DIST_EXACT);
        }
        // I_{1/2}(a, a) = 1/2 by symmetry, for any a.
        assert!((beta_inc(123.0, 123.0, 0.5).unwrap() - 0.5).abs() < TEST_DIST_EXACT);
        assert_eq!(beta_inc(0.0, 1.0, 0.5), None);
        assert_eq!(beta_inc(1.0, 1.0, 1.5), None);
    }

    #[test]
    fn t_quantiles_match_tables() {
        // Two-sided 95% critical values of Student's t. Printed tables (e.g. NIST/SEMATECH
        // e-Handbook §1.3.6.7.2) give 12.706, 2.571, 2.228, 2.042, 1.984; the longer digits
        // are R's qt(0.975, df).
        let table = [
            (1.0, 12.706_204_736_174_7),
            (5.0, 2.570_581_835_636_31),
            (10.0, 2.228_138_851_986_27),
            (30.0, 2.042_272_456_301_24),
            (100.0, 1.983_971_518_523_55),
        ];
        for (df, want) in table {
            let got = t_quantile(0.975, df).unwrap();
            assert!(rel(got, want) < TEST_DIST_TABLE, "df {df}: {got} vs {want}");
            assert!((t_cdf(want, df).unwrap() - 0.975).abs() < TEST_DIST_TABLE);
            assert!((t_two_sided_p(want, df).unwrap() - 0.05).abs() < TEST_DIST_TABLE);
        }
        // df = 1 is the Cauchy distribution: P(T <= 1) = 1/2 + atan(1)/π = 3/4 exactly.
        assert!((t_cdf(1.0, 1.0).unwrap() - 0.75).abs() < TEST_DIST_EXACT);
        // df = 2 has the closed form P(T <= t) = 1/2 + t / (2 sqrt(2 + t²)).
        let t: f64 = 1.3;
        let want = 0.5 + t / (2.0 * (2.0 + t * t).sqrt());
        assert!((t_cdf(t, 2.0).unwrap() - want).abs() < TEST_DIST_EXACT);
        assert_eq!(t_quantile(0.025, 10.0).map(|q| -q), t_quantile(0.975, 10.0));
    }

    #[test]
    fn f_distribution_matches_tables() {
        // Upper 5% points of F (NIST/SEMATECH e-Handbook §1.3.6.7.3 prints 161.448, 3.708,
        // 2.534); the longer digits are R's qf(0.95, d1, d2).
        let table = [
            (1.0, 1.0, 161.447_638_797_588),
            (3.0, 10.0, 3.708_264_819_620_39),
            (5.0, 30.0, 2.533_554_548_046_67),
        ];
        for (d1, d2, f) in table {
            assert!((f_cdf(f, d1, d2).unwrap() - 0.95).abs() < TEST_DIST_TABLE);
            assert!((f_sf(f, d1, d2).unwrap() - 0.05).abs() < TEST_DIST_TABLE);
        }
        // F(1, ν) is the square of t(ν): P(F <= t²) = 2 P(T <= t) - 1.
        let (t, nu): (f64, f64) = (1.7, 9.0);
        let lhs = f_cdf(t * t, 1.0, nu).unwrap();
        let rhs = 2.0 * t_cdf(t, nu).unwrap() - 1.0;
        assert!((lhs - rhs).abs() < TEST_DIST_EXACT);
    }

    #[test]
    fn normal_quantile_known_answers() {
        // z_{0.975} = 1.959963984540054 and z_{0.995} = 2.575829303548901 (Abramowitz &
        // Stegun Table 26.5 prints 1.959964 and 2.575829).
        assert!(rel(normal_quantile(0.975).unwrap(), 1.959_963_984_540_054) < TEST_DIST_TABLE);
        assert!(rel(normal_quantile(0.995).unwrap(), 2.575_829_303_548_901) < TEST_DIST_TABLE);
        assert!(rel(-normal_quantile(0.001).unwrap(), 3.090_232_306_167_813) < TEST_DIST_TABLE);
        assert_eq!(normal_quantile(0.5), Some(0.0));
        assert_eq!(normal_quantile(1.0), None);
    }
}
