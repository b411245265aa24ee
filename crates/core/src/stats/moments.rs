//! Streaming mean, variance and standard deviation that shift by a reference value.
//!
//! The accumulator keeps compensated sums of d = x - K and d², where K is the first value
//! pushed (or one given). Around a large offset (prices near 1e9, epoch milliseconds) the
//! deviations are small, so the textbook Σx² - (Σx)²/n cancellation never happens.

use crate::sum::Sum;

/// Count, mean and variance of a stream, with push and merge.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Moments {
    shift: Option<f64>,
    n: u64,
    s1: Sum,
    s2: Sum,
}

impl Moments {
    /// An empty accumulator that will shift by the first value it sees.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty accumulator that shifts by `reference` (use a typical value of the data).
    pub fn with_reference(reference: f64) -> Self {
        Moments {
            shift: Some(reference),
            ..Self::default()
        }
    }

    /// Adds one value. Non-finite values are ignored: one NaN would poison every statistic.
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        let k = *self.shift.get_or_insert(x);
        let d = x - k;
        self.n += 1;
        self.s1.push(d);
        self.s2.push(d * d);
    }

    /// Folds in another accumulator. Its sums are moved to this one's reference with
    /// δ = K' - K: Σ(x - K) = Σd' + n'δ and Σ(x - K)² = Σd'² + 2δΣd' + n'δ².
    pub fn merge(&mut self, other: &Moments) {
        let Some(k_other) = other.shift else {
            return;
        };
        if other.n == 0 {
            return;
        }
        let k = *self.shift.get_or_insert(k_other);
        let delta = k_other - k;
        let (n2, s1) = (other.n as f64, other.s1.value());
        self.n += other.n;
        self.s1.merge(&other.s1);
        self.s1.push(n2 * delta);
        self.s2.merge(&other.s2);
        self.s2.push(2.0 * delta * s1);
        self.s2.push(n2 * delta * delta);
    }

    /// Number of values.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Mean; `None` when empty.
    pub fn mean(&self) -> Option<f64> {
        let k = self.shift?;
        (self.n > 0).then(|| k + self.s1.value() / self.n as f64)
    }

    /// Unbiased sample variance (divisor n - 1); `None` below two values.
    pub fn variance(&self) -> Option<f64> {
        (self.n >= 2).then(|| self.sum_sq_dev() / (self.n - 1) as f64)
    }

    /// Population variance (divisor n); `None` when empty.
    pub fn population_variance(&self) -> Option<f64> {
        (self.n >= 1).then(|| self.sum_sq_dev() / self.n as f64)
    }

    /// Sample standard deviation; `None` below two values.
    pub fn std_dev(&self) -> Option<f64> {
        self.variance().map(f64::sqrt)
    }

    /// Σ(x - mean)² = Σd² - (Σd)²/n, clamped at 0 against a last-bit negative.
    fn sum_sq_dev(&self) -> f64 {
        let s1 = self.s1.value();
        (self.s2.value() - s1 * s1 / self.n as f64).max(0.0)
    }
}

impl FromIterator<f64> for Moments {
    fn from_iter<I: IntoIterator<Item = f64>>(iter: I) -> Self {
        let mut m = Moments::new();
        for x in iter {
            m.push(x);
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::tol::TEST_LAW;

    /// 1e9 plus noise in quarter units, so the deviations and their squares are exact in f64
    /// and the exact variance can be computed in the test.
    fn offset_data() -> (Vec<f64>, Vec<f64>) {
        let mut rng = fastrand::Rng::with_seed(7);
        let noise: Vec<f64> = (0..10_000)
            .map(|_| rng.i32(-400..=400) as f64 * 0.25)
            .collect();
        (noise.iter().map(|d| 1e9 + d).collect(), noise)
    }

    #[test]
    fn variance_is_accurate_for_data_with_a_large_offset() {
        let (xs, noise) = offset_data();
        // Exact: the variance of x is that of the noise; with quarters in [-100, 100] every
        // sum below is an exact f64 (|Σd²| < 2^53 / 16), and the mean is exact in binary.
        let n = noise.len() as f64;
        let sum: f64 = noise.iter().sum();
        let sum_sq: f64 = noise.iter().map(|d| d * d).sum();
        let exact = (sum_sq - sum * sum / n) / (n - 1.0);
        let m: Moments = xs.iter().copied().collect();
        let got = m.variance().unwrap();
        assert!((got - exact).abs() <= 1e-12 * exact, "{got} vs {exact}");
        assert!((m.mean().unwrap() - (1e9 + sum / n)).abs() <= 1e-15 * 1e9);
        // The naive one-pass formula on raw values is wrong here in the leading digit or worse.
        let raw_sum: f64 = xs.iter().sum();
        let raw_sq: f64 = xs.iter().map(|x| x * x).sum();
        let naive = (raw_sq - raw_sum * raw_sum / n) / (n - 1.0);
        assert!((naive - exact).abs() > 0.01 * exact);
    }

    #[test]
    fn merge_equals_single_pass() {
        let (xs, _) = offset_data();
        let whole: Moments = xs.iter().copied().collect();
        // Parts with different references (the first value, and a round 1e9 + 50): the merge
        // has to move sums from one shift to the other.
        let mut left: Moments = xs[..3000].iter().copied().collect();
        let mut right = Moments::with_reference(1e9 + 50.0);
        xs[3000..].iter().for_each(|&x| right.push(x));
        left.merge(&right);
        assert_eq!(left.count(), whole.count());
        let (a, b) = (left.variance().unwrap(), whole.variance().unwrap());
        assert!((a - b).abs() <= TEST_LAW * b, "{a} vs {b}");
        assert!((left.mean().unwrap() - whole.mean().unwrap()).abs() <= 1e-6);
    }

    #[test]
    fn undefined_statistics_are_none() {
        let mut m = Moments::new();
        assert_eq!((m.mean(), m.variance()), (None, None));
        m.push(3.0);
        assert_eq!(
            (m.mean(), m.variance(), m.std_dev()),
            (Some(3.0), None, None)
        );
        m.push(f64::NAN);
        assert_eq!(m.count(), 1);
        let mut empty = Moments::new();
        empty.merge(&Moments::new());
        assert_eq!(empty.count(), 0);
    }
}
