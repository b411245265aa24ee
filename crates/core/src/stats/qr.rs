//! Householder QR least squares on columns the caller has already centred and scaled, with
//! rank detection column by column (no pivoting, so the columns keep their order and names).

use super::tol;
use crate::sum::Sum;

/// The factorization of an n×p design: R (p×p, upper triangular) and Q'y.
#[derive(Clone, Debug)]
pub(crate) struct Qr {
    /// R by rows, `r[i][j]` for j >= i.
    pub r: Vec<Vec<f64>>,
    /// The solution b of R b = (Q'y)[..p].
    pub coef: Vec<f64>,
    /// Q as Householder reflectors (v, beta), the i-th acting on rows i.., for refinement.
    reflectors: Vec<(Vec<f64>, f64)>,
}

impl Qr {
    /// The first p entries of Q'f: the coordinates of f in the columns' span.
    pub(crate) fn qt_head(&self, f: &[f64]) -> Vec<f64> {
        let mut x = f.to_vec();
        for (i, (v, beta)) in self.reflectors.iter().enumerate() {
            apply(v, *beta, &mut x[i..]);
        }
        x.truncate(self.reflectors.len());
        x
    }

    /// Q [h; 0] for h of length p: the vector of the span with coordinates h (length n).
    pub(crate) fn q_head(&self, h: &[f64], n: usize) -> Vec<f64> {
        let mut x = vec![0.0; n];
        x[..h.len()].copy_from_slice(h);
        for (i, (v, beta)) in self.reflectors.iter().enumerate().rev() {
            apply(v, *beta, &mut x[i..]);
        }
        x
    }
}

/// Factorizes the columns (each of length n, already scaled to unit norm or zero) and solves
/// for y. `Err(indices)` lists every column that is numerically a combination of the columns
/// before it: its distance from their span, |R_jj|, is below [`tol::RANK_TOL`] times its norm.
///
/// Cost: O(n p²) flops and O(n p) memory.
pub(crate) fn solve(columns: &[Vec<f64>], y: &[f64]) -> Result<Qr, Vec<usize>> {
    let n = y.len();
    let mut reflectors: Vec<(Vec<f64>, f64)> = Vec::with_capacity(columns.len());
    let mut r_cols: Vec<Vec<f64>> = Vec::with_capacity(columns.len());
    let mut dependent = Vec::new();
    for (j, col) in columns.iter().enumerate() {
        let mut a = col.clone();
        let k = reflectors.len();
        for (i, (v, beta)) in reflectors.iter().enumerate() {
            apply(v, *beta, &mut a[i..]);
        }
        let col_norm = norm(col);
        let tail_norm = norm(&a[k..n]);
        if col_norm == 0.0 || tail_norm <= tol::RANK_TOL * col_norm {
            dependent.push(j);
            continue;
        }
        let alpha = if a[k] > 0.0 { -tail_norm } else { tail_norm };
        let mut v = a[k..n].to_vec();
        v[0] -= alpha;
        let vtv: f64 = v.iter().map(|x| x * x).sum();
        let beta = 2.0 / vtv;
        let mut r_col = a[..k].to_vec();
        r_col.push(alpha);
        r_cols.push(r_col);
        reflectors.push((v, beta));
    }
    if !dependent.is_empty() {
        return Err(dependent);
    }
    let p = reflectors.len();
    let mut qty = y.to_vec();
    for (i, (v, beta)) in reflectors.iter().enumerate() {
        apply(v, *beta, &mut qty[i..]);
    }
    let mut r = vec![vec![0.0; p]; p];
    for (j, col) in r_cols.iter().enumerate() {
        for (i, &x) in col.iter().enumerate() {
            r[i][j] = x;
        }
    }
    let coef = back_substitute(&r, &qty[..p]);
    Ok(Qr {
        r,
        coef,
        reflectors,
    })
}

/// Applies H = I - beta v v' to x (same length as v).
fn apply(v: &[f64], beta: f64, x: &mut [f64]) {
    let dot: Sum = v.iter().zip(x.iter()).map(|(a, b)| a * b).collect();
    let s = beta * dot.value();
    for (xi, vi) in x.iter_mut().zip(v) {
        *xi -= s * vi;
    }
}

fn norm(x: &[f64]) -> f64 {
    let s: Sum = x.iter().map(|v| v * v).collect();
    s.value().sqrt()
}

/// Solves R b = c for upper triangular R with a non-zero diagonal.
pub(crate) fn back_substitute(r: &[Vec<f64>], c: &[f64]) -> Vec<f64> {
    let p = c.len();
    let mut b = vec![0.0; p];
    for i in (0..p).rev() {
        let mut s = Sum::default();
        s.push(c[i]);
        for j in i + 1..p {
            s.push(-r[i][j] * b[j]);
        }
        b[i] = s.value() / r[i][i];
    }
    b
}

/// Solves R' z = w (forward substitution); ||z||² = w' (R'R)⁻¹ w.
pub(crate) fn forward_substitute_transpose(r: &[Vec<f64>], w: &[f64]) -> Vec<f64> {
    let p = w.len();
    let mut z = vec![0.0; p];
    for i in 0..p {
        let mut s = Sum::default();
        s.push(w[i]);
        for k in 0..i {
            s.push(-r[k][i] * z[k]);
        }
        z[i] = s.value() / r[i][i];
    }
    z
}

/// (R'R)⁻¹ = R⁻¹ R⁻ᵀ in full: entry (i, j) is the dot product of rows i and j of R⁻¹.
pub(crate) fn inverse_gram(r: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let p = r.len();
    let rows: Vec<Vec<f64>> = (0..p)
        .map(|j| {
            let mut e = vec![0.0; p];
            e[j] = 1.0;
            forward_substitute_transpose(r, &e)
        })
        .collect();
    (0..p)
        .map(|i| {
            (0..p)
                .map(|j| rows[i].iter().zip(&rows[j]).map(|(a, b)| a * b).sum())
                .collect()
        })
        .collect()
}

/// The diagonal of (R'R)⁻¹ = R⁻¹ R⁻ᵀ: row sums of squares of R⁻¹.
pub(crate) fn inverse_gram_diagonal(r: &[Vec<f64>]) -> Vec<f64> {
    let p = r.len();
    (0..p)
        .map(|j| {
            // Row j of R⁻¹ is e_jᵀ R⁻¹, i.e. the solution of R' z = e_j read as z.
            let mut e = vec![0.0; p];
            e[j] = 1.0;
            let z = forward_substitute_transpose(r, &e);
            z.iter().map(|v| v * v).sum()
        })
        .collect()
}
