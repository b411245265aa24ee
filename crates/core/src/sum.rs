//! Compensated summation.

/// A running sum with Neumaier's compensation: the error stays near one rounding of the total
/// however many terms are added, where a plain `+=` loses digits as the total grows.
///
/// The rounding error of each addition is found with Knuth's TwoSum, six additions and no
/// branch, rather than Neumaier's comparison of magnitudes: both give that error exactly, so
/// the sums are the same to the last bit, but the comparison's branch is mispredicted whenever
/// terms and total swap in size (price deviations around a mean, say), and the engine folds
/// five sums into four aggregates for every trade.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sum {
    sum: f64,
    compensation: f64,
}

impl Sum {
    /// Adds one term.
    pub fn push(&mut self, x: f64) {
        let (t, error) = two_sum(self.sum, x);
        self.compensation += error;
        self.sum = t;
    }

    /// Adds another partial sum, keeping both compensations.
    pub fn merge(&mut self, other: &Sum) {
        self.push(other.sum);
        self.compensation += other.compensation;
    }

    /// The running sum and its compensation, for storage.
    pub fn parts(&self) -> (f64, f64) {
        (self.sum, self.compensation)
    }

    /// A sum from stored [`Sum::parts`], continuing exactly where it left off.
    pub fn from_parts(sum: f64, compensation: f64) -> Sum {
        Sum { sum, compensation }
    }

    /// The compensated total.
    pub fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

/// a + b = s + e exactly, s the rounded sum (Knuth's TwoSum; finite inputs, no overflow).
pub(crate) fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

impl FromIterator<f64> for Sum {
    fn from_iter<I: IntoIterator<Item = f64>>(iter: I) -> Self {
        let mut s = Sum::default();
        for x in iter {
            s.push(x);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_what_a_plain_sum_loses() {
        // 1e16 + 1 + ... + 1 (ten ones) - 1e16 = 10 exactly; a plain loop returns 0 because
        // each 1 is below half an ulp of 1e16 (the ulp there is 2).
        let mut terms = vec![1e16];
        terms.extend(std::iter::repeat_n(1.0, 10));
        terms.push(-1e16);
        let plain: f64 = terms.iter().sum();
        assert_eq!(plain, 0.0);
        assert_eq!(terms.into_iter().collect::<Sum>().value(), 10.0);
    }

    #[test]
    fn same_bits_as_neumaiers_comparison() {
        // Neumaier's formulation (the one this type used before TwoSum): whichever of total
        // and term is larger in magnitude loses the rounding. Both find the exact error, so
        // every partial sum and compensation must agree bit for bit.
        fn neumaier(sum: &mut f64, compensation: &mut f64, x: f64) {
            let t = *sum + x;
            if sum.abs() >= x.abs() {
                *compensation += (*sum - t) + x;
            } else {
                *compensation += (x - t) + *sum;
            }
            *sum = t;
        }
        let mut rng = fastrand::Rng::with_seed(11);
        let (mut sum, mut compensation) = (0.0, 0.0);
        let mut s = Sum::default();
        for _ in 0..200_000 {
            // Signs and magnitudes over 40 decades, with exact zeros and repeats.
            let x = match rng.u8(0..10) {
                0 => 0.0,
                1 => -sum,
                _ => (rng.f64() - 0.5) * 10f64.powi(rng.i32(-20..20)),
            };
            neumaier(&mut sum, &mut compensation, x);
            s.push(x);
            let (a, b) = s.parts();
            assert_eq!(
                (a.to_bits(), b.to_bits()),
                (sum.to_bits(), compensation.to_bits())
            );
        }
    }

    #[test]
    fn merge_equals_single_pass() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| (i as f64 * 0.37).sin() * 1e6 + 0.1)
            .collect();
        let whole: Sum = xs.iter().copied().collect();
        let mut left: Sum = xs[..400].iter().copied().collect();
        let right: Sum = xs[400..].iter().copied().collect();
        left.merge(&right);
        assert!((left.value() - whole.value()).abs() <= f64::EPSILON * whole.value().abs());
    }
}
