//! HyperLogLog distinct counting (Flajolet, Fusy, Gandouet & Meunier, 2007).
//!
//! With precision p there are m = 2^p one-byte registers and the relative standard error of
//! the estimate is 1.04/√m: 1.625% at the default p = 12 (4 KiB). Below 2.5m the estimate
//! switches to linear counting, as in the paper; with a 64-bit hash no large-range correction
//! is needed.

use std::hash::{Hash, Hasher};

use super::SketchError;

/// Approximate number of distinct items of a stream, mergeable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DistinctCount {
    precision: u8,
    registers: Vec<u8>,
}

impl DistinctCount {
    /// Default precision: 4096 registers, standard error 1.625%.
    pub const DEFAULT_PRECISION: u8 = 12;
    /// Smallest precision accepted.
    pub const MIN_PRECISION: u8 = 4;
    /// Largest precision accepted.
    pub const MAX_PRECISION: u8 = 18;

    /// An empty sketch with 2^precision registers.
    pub fn new(precision: u8) -> Result<Self, SketchError> {
        if !(Self::MIN_PRECISION..=Self::MAX_PRECISION).contains(&precision) {
            return Err(SketchError::BadPrecision {
                precision,
                min: Self::MIN_PRECISION,
                max: Self::MAX_PRECISION,
            });
        }
        Ok(DistinctCount {
            precision,
            registers: vec![0; 1 << precision],
        })
    }

    /// Adds an item by its `Hash`. The hash is FNV-1a followed by a 64-bit mixer, so it is the
    /// same on every run and platform for the same bytes (but `usize` hashes as 4 bytes on
    /// wasm32 and 8 natively: push `u64` for ids shared between the two).
    pub fn push<T: Hash + ?Sized>(&mut self, item: &T) {
        let mut h = FnvMix::default();
        item.hash(&mut h);
        self.push_hash(h.finish());
    }

    /// Adds a 64-bit id (mixed first, so sequential ids spread over the registers).
    pub fn push_u64(&mut self, id: u64) {
        self.push_hash(mix64(id));
    }

    /// Folds in another sketch of the same precision: register-wise maximum.
    pub fn merge(&mut self, other: &DistinctCount) -> Result<(), SketchError> {
        if other.precision != self.precision {
            return Err(SketchError::PrecisionMismatch {
                ours: self.precision,
                theirs: other.precision,
            });
        }
        for (a, b) in self.registers.iter_mut().zip(&other.registers) {
            *a = (*a).max(*b);
        }
        Ok(())
    }

    /// Estimated number of distinct items.
    pub fn estimate(&self) -> f64 {
        let m = self.registers.len() as f64;
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let (mut sum, mut zeros) = (0.0, 0usize);
        for &r in &self.registers {
            sum += (-(r as f64)).exp2();
            zeros += usize::from(r == 0);
        }
        let raw = alpha * m * m / sum;
        if raw <= 2.5 * m && zeros > 0 {
            m * (m / zeros as f64).ln()
        } else {
            raw
        }
    }

    /// The relative standard error 1.04/√m of [`DistinctCount::estimate`].
    pub fn relative_standard_error(&self) -> f64 {
        1.04 / (self.registers.len() as f64).sqrt()
    }

    fn push_hash(&mut self, h: u64) {
        let p = u32::from(self.precision);
        let idx = (h >> (64 - p)) as usize;
        // A guard bit below the remaining 64 - p bits caps the run of zeros at 64 - p.
        let w = (h << p) | (1u64 << (p - 1));
        let rho = (w.leading_zeros() + 1) as u8;
        let reg = &mut self.registers[idx];
        *reg = (*reg).max(rho);
    }
}

impl Default for DistinctCount {
    fn default() -> Self {
        DistinctCount {
            precision: Self::DEFAULT_PRECISION,
            registers: vec![0; 1 << Self::DEFAULT_PRECISION],
        }
    }
}

/// The SplitMix64 finalizer: a bijection on u64 with full avalanche.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a over the bytes written, mixed on finish: stable, unlike `DefaultHasher`.
struct FnvMix(u64);

impl Default for FnvMix {
    fn default() -> Self {
        FnvMix(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for FnvMix {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        mix64(self.0)
    }
}
