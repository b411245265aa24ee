//! A DDSketch-style quantile sketch (Masson, Rim & Lee, VLDB 2019) with logarithmic buckets.
//!
//! Guarantee: with relative accuracy α, for any q the value returned is within α·|x_q| of the
//! exact order statistic x_q of rank ⌊q (n - 1)⌋ (0-based). Bucket i holds values in
//! (γ^(i-1), γ^i] with γ = (1 + α)/(1 - α), and reports 2γ^i/(γ + 1), which is within α of
//! every value of the bucket. Memory: one bucket per occupied power of γ; at α = 0.01 the
//! values 1e-9 … 1e12 span at most ln(1e21)/ln γ ≈ 2,420 buckets, whatever the count.

use std::collections::BTreeMap;

use super::SketchError;

/// Values closer to zero than this go to the zero bucket (ln would underflow the index).
const MIN_INDEXABLE: f64 = 1e-300;

/// Quantiles of a stream, within a stated relative error, mergeable.
#[derive(Clone, Debug, PartialEq)]
pub struct QuantileSketch {
    alpha: f64,
    ln_gamma: f64,
    positive: BTreeMap<i32, u64>,
    negative: BTreeMap<i32, u64>,
    zero: u64,
    count: u64,
    min: f64,
    max: f64,
}

impl QuantileSketch {
    /// The relative accuracy used by [`QuantileSketch::default`]: 1%.
    pub const DEFAULT_ALPHA: f64 = 0.01;

    /// An empty sketch with relative accuracy `alpha` in (0, 1).
    pub fn new(alpha: f64) -> Result<Self, SketchError> {
        if !(alpha > 0.0 && alpha < 1.0) {
            return Err(SketchError::BadAccuracy { alpha });
        }
        Ok(QuantileSketch {
            alpha,
            ln_gamma: ((1.0 + alpha) / (1.0 - alpha)).ln(),
            positive: BTreeMap::new(),
            negative: BTreeMap::new(),
            zero: 0,
            count: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        })
    }

    /// The relative accuracy α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Adds one value; NaN and infinities are ignored (they have no bucket).
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.count += 1;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
        if x.abs() < MIN_INDEXABLE {
            self.zero += 1;
        } else if x > 0.0 {
            *self.positive.entry(self.index(x)).or_insert(0) += 1;
        } else {
            *self.negative.entry(self.index(-x)).or_insert(0) += 1;
        }
    }

    /// Adds another sketch of the same accuracy; the result is the sketch of both streams.
    pub fn merge(&mut self, other: &QuantileSketch) -> Result<(), SketchError> {
        if other.alpha != self.alpha {
            return Err(SketchError::AccuracyMismatch {
                ours: self.alpha,
                theirs: other.alpha,
            });
        }
        for (i, c) in &other.positive {
            *self.positive.entry(*i).or_insert(0) += c;
        }
        for (i, c) in &other.negative {
            *self.negative.entry(*i).or_insert(0) += c;
        }
        self.zero += other.zero;
        self.count += other.count;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        Ok(())
    }

    /// Number of values pushed.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The q-quantile, 0 <= q <= 1; `None` when empty or q is outside [0, 1].
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 || !(0.0..=1.0).contains(&q) {
            return None;
        }
        let rank = (q * (self.count - 1) as f64).floor() as u64;
        let mut seen = 0u64;
        // Ascending order: negatives from the largest magnitude, zero, positives.
        for (i, c) in self.negative.iter().rev() {
            seen += c;
            if seen > rank {
                return Some(self.clamp(-self.value(*i)));
            }
        }
        seen += self.zero;
        if seen > rank {
            return Some(0.0);
        }
        for (i, c) in &self.positive {
            seen += c;
            if seen > rank {
                return Some(self.clamp(self.value(*i)));
            }
        }
        Some(self.max)
    }

    /// Median, 90th, 95th and 99th percentiles.
    pub fn p50_p90_p95_p99(&self) -> Option<[f64; 4]> {
        Some([
            self.quantile(0.5)?,
            self.quantile(0.9)?,
            self.quantile(0.95)?,
            self.quantile(0.99)?,
        ])
    }

    fn index(&self, v: f64) -> i32 {
        (v.ln() / self.ln_gamma).ceil() as i32
    }

    /// 2γ^i / (γ + 1), written with exponentials of ln γ.
    fn value(&self, i: i32) -> f64 {
        let gamma = self.ln_gamma.exp();
        2.0 * (i as f64 * self.ln_gamma).exp() / (gamma + 1.0)
    }

    /// The exact quantile lies in [min, max], so clamping only moves the estimate closer.
    fn clamp(&self, v: f64) -> f64 {
        v.clamp(self.min, self.max)
    }
}

impl Default for QuantileSketch {
    fn default() -> Self {
        QuantileSketch {
            alpha: Self::DEFAULT_ALPHA,
            ln_gamma: ((1.0 + Self::DEFAULT_ALPHA) / (1.0 - Self::DEFAULT_ALPHA)).ln(),
            positive: BTreeMap::new(),
            negative: BTreeMap::new(),
            zero: 0,
            count: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}
