//! Compensated summation.

/// A running sum with Neumaier's compensation: the error stays near one rounding of the total
/// however many terms are added, where a plain `+=` loses digits as the total grows.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sum {
    sum: f64,
    compensation: f64,
}

impl Sum {
    /// Adds one term.
    pub fn push(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
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
