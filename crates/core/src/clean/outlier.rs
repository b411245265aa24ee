//! Robust outlier test on recent prices: median and MAD over a rolling window.
//!
//! The robust z-score of a price `x` is `0.6745 * |x - median| / MAD` (Iglewicz and Hoaglin:
//! 0.6745 makes the MAD of normal data comparable to a standard deviation). The MAD is
//! floored at one basis point of the median, so a quiet market whose recent prices are all
//! equal does not make every tick an outlier.

use std::collections::VecDeque;

/// Recent prices of one symbol of one feed.
#[derive(Clone, Debug, Default)]
pub struct PriceWindow {
    prices: VecDeque<f64>,
}

/// The median of `v` (not empty), reordering it. A selection, not a sort: this runs for every
/// accepted trade, over the whole window.
fn median(v: &mut [f64]) -> f64 {
    let n = v.len();
    let (below, mid, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    let mid = *mid;
    if n % 2 == 1 {
        mid
    } else {
        // The largest of the lower half is the other middle value.
        let lower = below.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lower + mid) / 2.0
    }
}

impl PriceWindow {
    /// The robust z-score of `price` against the window, if it holds at least `min` prices.
    pub fn robust_z(&self, price: f64, min: usize) -> Option<f64> {
        if self.prices.len() < min.max(1) {
            return None;
        }
        let mut v: Vec<f64> = self.prices.iter().copied().collect();
        let med = median(&mut v);
        for x in &mut v {
            *x = (*x - med).abs();
        }
        let mad = median(&mut v).max(med.abs() * 1e-4).max(f64::MIN_POSITIVE);
        let z = 0.6745 * (price - med).abs() / mad;
        z.is_finite().then_some(z)
    }

    /// Adds a price, dropping the oldest past `capacity`.
    pub fn push(&mut self, price: f64, capacity: usize) {
        self.prices.push_back(price);
        while self.prices.len() > capacity.max(1) {
            self.prices.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_agrees_with_sorting() {
        let mut seed = 7u64;
        for n in 1..70 {
            let v: Vec<f64> = (0..n)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 40) % 50) as f64 / 4.0
                })
                .collect();
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let want = if n % 2 == 1 {
                sorted[n / 2]
            } else {
                (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
            };
            assert_eq!(median(&mut v.clone()), want, "{v:?}");
        }
    }

    #[test]
    fn known_answer() {
        let mut w = PriceWindow::default();
        for p in [1.0, 2.0, 3.0, 4.0, 5.0] {
            w.push(p, 5);
        }
        // median 3, deviations [2,1,0,1,2] -> MAD 1; z(10) = 0.6745 * 7 / 1.
        assert_eq!(w.robust_z(10.0, 5), Some(0.6745 * 7.0));
        assert_eq!(w.robust_z(10.0, 6), None);
    }
}
