//! Iterative refinement of a least squares solution on the augmented system (Björck, "Iterative
//! refinement of linear least squares solutions I", BIT 7, 1967).
//!
//! Householder QR is backward stable, yet its solution can be off by about κ² ε tan θ (κ the
//! condition number of the design, θ the angle between y and the columns' span): the rounding
//! of the data when centring and scaling, and of every reflection, acts like a perturbation of
//! X that the residual amplifies. With nearly collinear columns (κ ≈ 1e6) and a residual of a
//! tenth of y, that leaves 6 digits. Refining x and the residual r together, with the
//! residuals of both equations r + Xx = y and X'r = 0 computed in about twice the working
//! precision from the *original* columns, converges to the solution of the exact problem at a
//! rate near κ ε, to about κ ε: one or two steps reach 9 or more digits.
//!
//! Each step solves the correction system with the factorization already made (of the centred,
//! scaled columns, the intercept column orthogonal to them): no new factorization.

use super::qr::{back_substitute, forward_substitute_transpose, Qr};
use crate::sum::{two_sum, Sum};

/// Most refinement steps taken; each costs O(n p), against O(n p²) for the factorization.
const MAX_STEPS: usize = 4;

/// A step smaller than this, relative to the solution, ends the refinement once applied: the
/// next would be smaller by the contraction factor, about κ ε (at most 1e-6 at the rank
/// threshold), so the solution is then good to the last digits. A well-conditioned fit stops
/// after one step, a nearly collinear one after two.
const CONVERGED: f64 = 1.5e-8;

/// The original design: columns as given, with the means and scales the factorization used.
pub(crate) struct Design<'a> {
    pub columns: &'a [&'a [f64]],
    pub intercept: bool,
    /// Column means (zeros without an intercept).
    pub means: &'a [f64],
    /// Norms of the centred columns (all non-zero: zero columns are refused before).
    pub scales: &'a [f64],
}

/// Refines `theta` (intercept first when fitted, then one coefficient per column, in original
/// units) and returns it with the residuals y - X theta, computed in extended precision.
pub(crate) fn refine(
    d: &Design<'_>,
    y: &[f64],
    qr: &Qr,
    mut theta: Vec<f64>,
) -> (Vec<f64>, Vec<f64>) {
    let n = y.len();
    // A first residual in plain arithmetic: the first step's f corrects it.
    let mut r: Vec<f64> = (0..n).map(|i| plain_residual(d, y, &theta, i)).collect();
    let mut last = f64::INFINITY;
    for _ in 0..MAX_STEPS {
        let f: Vec<f64> = (0..n).map(|i| residual(d, y, &theta, r[i], i)).collect();
        let g = normal_residual(d, &r);
        let (d_phi, d_r) = correction(d, qr, &f, &g);
        // A step that does not shrink (a design near the rank threshold, where refinement
        // cannot help) is not taken: the previous iterate stays.
        let size = norm(&d_phi);
        if size.is_nan() || size >= last / 2.0 {
            break;
        }
        last = size;
        let d_theta = to_theta(d, &d_phi);
        theta.iter_mut().zip(&d_theta).for_each(|(t, dt)| *t += dt);
        r.iter_mut().zip(&d_r).for_each(|(ri, dr)| *ri += dr);
        if size <= CONVERGED * norm(&to_phi(d, &theta)) {
            break;
        }
    }
    (theta, r)
}

/// y_i - (X theta)_i in plain arithmetic.
fn plain_residual(d: &Design<'_>, y: &[f64], theta: &[f64], i: usize) -> f64 {
    let (theta0, slopes) = split(d, theta);
    let fit: f64 = d.columns.iter().zip(slopes).map(|(c, b)| c[i] * b).sum();
    y[i] - theta0.unwrap_or(0.0) - fit
}

/// y_i - r - (X theta)_i in extended precision: products split exactly, sums compensated.
fn residual(d: &Design<'_>, y: &[f64], theta: &[f64], r: f64, i: usize) -> f64 {
    let mut s = Sum::default();
    s.push(y[i]);
    s.push(-r);
    let slopes = if d.intercept {
        s.push(-theta[0]);
        &theta[1..]
    } else {
        theta
    };
    for (col, &b) in d.columns.iter().zip(slopes) {
        let (p, e) = two_product(col[i], b);
        s.push(-p);
        s.push(-e);
    }
    s.value()
}

/// g = -A'r for A = [1, (x_j - m_j) / s_j], the factorized design, in extended precision:
/// the residual of the normal equations, tiny next to its terms at a solution.
fn normal_residual(d: &Design<'_>, r: &[f64]) -> Vec<f64> {
    let mut g = Vec::with_capacity(d.columns.len() + 1);
    if d.intercept {
        let mut s = Sum::default();
        r.iter().for_each(|&v| s.push(v));
        g.push(-s.value());
    }
    for ((col, &m), &scale) in d.columns.iter().zip(d.means).zip(d.scales) {
        let mut s = Sum::default();
        for (&x, &ri) in col.iter().zip(r) {
            let (c, c_err) = two_sum(x, -m);
            let (p, e) = two_product(c, ri);
            s.push(p);
            s.push(e);
            s.push(c_err * ri);
        }
        g.push(-s.value() / scale);
    }
    g
}

/// Solves [I A; A' 0] [dr; dphi] = [f; g] with A = Q1 R1, Q1 = [1/√n, Q_A] and R1 =
/// diag(√n, R_A): h = R1⁻ᵀ g, c = Q1'f, dphi = R1⁻¹ (c - h), dr = f - Q1 (c - h).
fn correction(d: &Design<'_>, qr: &Qr, f: &[f64], g: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let n = f.len();
    let root_n = (n as f64).sqrt();
    let (g0, g_a) = split(d, g);
    let h_a = forward_substitute_transpose(&qr.r, g_a);
    let c_a = qr.qt_head(f);
    let w_a: Vec<f64> = c_a.iter().zip(&h_a).map(|(c, h)| c - h).collect();
    let mut dr = qr.q_head(&w_a, n);
    let mut d_phi = Vec::with_capacity(g.len());
    if let Some(g0) = g0 {
        let c0 = f.iter().copied().collect::<Sum>().value() / root_n;
        let w0 = c0 - g0 / root_n;
        d_phi.push(w0 / root_n);
        dr.iter_mut().for_each(|v| *v += w0 / root_n);
    }
    d_phi.extend(back_substitute(&qr.r, &w_a));
    for (v, fi) in dr.iter_mut().zip(f) {
        *v = fi - *v;
    }
    (d_phi, dr)
}

/// The intercept part (if fitted) and the slopes part of a vector in factorized coordinates.
fn split<'v>(d: &Design<'_>, v: &'v [f64]) -> (Option<f64>, &'v [f64]) {
    if d.intercept {
        (Some(v[0]), &v[1..])
    } else {
        (None, v)
    }
}

/// Original coefficients from factorized ones: theta_j = phi_j / s_j, and the intercept
/// theta_0 = phi_0 - Σ m_j theta_j (phi_0 is the fit at the column means).
pub(crate) fn to_theta(d: &Design<'_>, phi: &[f64]) -> Vec<f64> {
    let (phi0, slopes) = split(d, phi);
    let slopes: Vec<f64> = slopes.iter().zip(d.scales).map(|(p, s)| p / s).collect();
    let mut out = Vec::with_capacity(phi.len());
    if let Some(phi0) = phi0 {
        let mut s = Sum::default();
        s.push(phi0);
        for (b, m) in slopes.iter().zip(d.means) {
            s.push(-b * m);
        }
        out.push(s.value());
    }
    out.extend(slopes);
    out
}

/// Factorized coefficients from original ones (the inverse of [`to_theta`]).
pub(crate) fn to_phi(d: &Design<'_>, theta: &[f64]) -> Vec<f64> {
    let (theta0, slopes) = split(d, theta);
    let mut out = Vec::with_capacity(theta.len());
    if let Some(theta0) = theta0 {
        let mut s = Sum::default();
        s.push(theta0);
        for (b, m) in slopes.iter().zip(d.means) {
            s.push(b * m);
        }
        out.push(s.value());
    }
    out.extend(slopes.iter().zip(d.scales).map(|(b, s)| b * s));
    out
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// a · b = p + e exactly (Dekker's product with Veltkamp's split; no fused multiply-add, which
/// wasm32 would emulate in software). Exact unless a or b is beyond about 1e300.
fn two_product(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    let (a1, a2) = split_half(a);
    let (b1, b2) = split_half(b);
    (p, ((a1 * b1 - p) + a1 * b2 + a2 * b1) + a2 * b2)
}

/// x = hi + lo with hi holding the upper 26 bits of the significand.
fn split_half(x: f64) -> (f64, f64) {
    let c = 134_217_729.0 * x; // 2^27 + 1
    let hi = c - (c - x);
    (hi, x - hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_free_transformations_are_exact() {
        // (1 + 2^-30)² = 1 + 2^-29 + 2^-60: the last term is below the ulp of 1.
        let a = 1.0 + 2f64.powi(-30);
        let (p, e) = two_product(a, a);
        assert_eq!(p, 1.0 + 2f64.powi(-29));
        assert_eq!(e, 2f64.powi(-60));
        let (s, e) = two_sum(1.0, 2f64.powi(-60));
        assert_eq!((s, e), (1.0, 2f64.powi(-60)));
        // (2^40 + 1)(2^40 + 3) = 2^80 + 2^42 + 3: the 3 falls off the f64 product.
        let (p, e) = two_product(2f64.powi(40) + 1.0, 2f64.powi(40) + 3.0);
        assert_eq!((p, e), (2f64.powi(80) + 2f64.powi(42), 3.0));
    }
}
