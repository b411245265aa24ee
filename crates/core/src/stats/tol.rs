//! Every numerical tolerance of the statistics module, in one place, with the reason for each.
//!
//! The runtime thresholds decide what the algorithms accept; the `TEST_*` bounds are what the
//! tests promise, kept here so a reader can see the accuracy claims side by side.

/// A column whose distance from the span of the earlier (scaled, unit-norm) columns is below
/// this is declared linearly dependent. Columns are scaled to unit norm first, so the bound is
/// relative: about 1e5 times the rounding a Householder step makes on 80 rows, small enough to
/// accept NIST Filip's degree-10 design in a scaled basis, large enough that an exact copy of a
/// column (residual ~1e-16) is refused.
pub const RANK_TOL: f64 = 1e-10;

/// Relative convergence threshold of the continued fraction of the incomplete beta function.
pub const BETA_CF_EPS: f64 = 1e-15;

/// Iteration cap of the incomplete beta continued fraction; it converges in O(sqrt(max(a, b)))
/// steps, so 1000 covers every degrees-of-freedom value a dashboard can produce.
pub const BETA_CF_MAX_ITER: usize = 1000;

/// Lentz's guard against division by zero in the continued fraction.
pub const LENTZ_TINY: f64 = 1e-300;

/// Relative width at which the quantile bisection stops.
pub const QUANTILE_REL_EPS: f64 = 1e-13;

/// Test bound: distribution functions against published table values (tables print 4 to 6
/// digits; the values we compare with are quoted to more, from exact identities or R).
pub const TEST_DIST_TABLE: f64 = 1e-6;

/// Test bound: distribution identities that hold exactly in real arithmetic.
pub const TEST_DIST_EXACT: f64 = 1e-12;

/// Test bound: relative error of NIST Longley coefficients and standard errors (certified to
/// 15 digits; measured 2.6e-14 on x86-64 before iterative refinement, 2.4e-15 with it, so at
/// least 11 digits required with margin for another floating-point unit).
pub const TEST_LONGLEY_REL: f64 = 1e-11;

/// Test bound: relative error of NIST Filip coefficients, fitted in the scaled basis and
/// expanded back to powers of x (measured 7.5e-15, 1.2e-14 with iterative refinement: the
/// expansion's rounding dominates; raw powers, merely centred and scaled column by column,
/// give only 4.7e-8).
pub const TEST_FILIP_REL: f64 = 1e-10;

/// Test bound: relative error of least squares against references computed exactly with
/// integers (nearly collinear columns, no intercept, epoch-ms times, degree 10): the issue asks
/// for at least 9 significant digits on such ill-conditioned designs.
pub const TEST_EXACT_LS_REL: f64 = 1e-9;

/// Test bound: a law that holds exactly in real arithmetic, checked on well-conditioned data
/// (merge == single pass, residuals orthogonal to X, rolling == fresh fit).
pub const TEST_LAW: f64 = 1e-9;

/// Test bound: extra relative slack on the DDSketch bound α, for a value on a bucket boundary
/// whose logarithm rounds into the next bucket (ln and exp each err by about 1 ulp).
pub const TEST_SKETCH_SLACK: f64 = 1e-9;

/// Test bound: a HyperLogLog estimate must fall within this many standard errors.
pub const TEST_HLL_SIGMAS: f64 = 3.0;
