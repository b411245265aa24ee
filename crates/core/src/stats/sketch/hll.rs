//! HyperLogLog distinct counting (Flajolet, Fusy, Gandouet & Meunier, 2007).
//!
//! With precision p there are m = 2^p one-byte registers and the relative standard error of
//! the estimate is 1.04/√m: 1.625% at the default p = 12 (4 KiB). Below 2.5m the estimate
//! switches to linear counting, as in the paper; with a 64-bit hash no large-range correction
//! is needed.
//!
//! A sketch starts sparse, as HyperLogLog++ does (Heule, Nunkesser & Hall, 2013): only its
//! non-zero registers, as a sorted list, until they would take more room than half the
//! registers; then it turns into the plain array. The registers are the same either way, and
//! so is the estimate, to the bit: sparse is a representation, not an approximation. The
//! engine keeps one sketch per bucket and group, most of which see a few distinct values.

use std::hash::{Hash, Hasher};

use super::SketchError;

/// The registers, sparse or dense.
#[derive(Clone, Debug)]
enum Registers {
    /// The non-zero registers as `index << 8 | value`, ascending by index.
    Sparse(Vec<u32>),
    /// Every register, by index.
    Dense(Vec<u8>),
}

/// Approximate number of distinct items of a stream, mergeable.
#[derive(Clone, Debug)]
pub struct DistinctCount {
    precision: u8,
    registers: Registers,
}

impl PartialEq for DistinctCount {
    /// Equal precision and equal registers, whichever way each sketch holds them.
    fn eq(&self, other: &DistinctCount) -> bool {
        self.precision == other.precision && self.nonzero().eq(other.nonzero())
    }
}

impl Eq for DistinctCount {}

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
            registers: Registers::Sparse(Vec::new()),
        })
    }

    /// Adds an item by its `Hash`. The hash is FNV-1a followed by a 64-bit mixer, so it is the
    /// same on every run and platform for the same bytes (but `usize` hashes as 4 bytes on
    /// wasm32 and 8 natively: push `u64` for ids shared between the two).
    pub fn push<T: Hash + ?Sized>(&mut self, item: &T) {
        self.push_hash(Self::hash_of(item));
    }

    /// The stable 64-bit hash [`DistinctCount::push`] uses: a key to hand to
    /// [`DistinctCount::push_u64`] later, or from another process, for the same item.
    pub fn hash_of<T: Hash + ?Sized>(item: &T) -> u64 {
        let mut h = FnvMix::default();
        item.hash(&mut h);
        h.finish()
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
        match &other.registers {
            Registers::Dense(theirs) => {
                self.densify();
                if let Registers::Dense(ours) = &mut self.registers {
                    for (a, b) in ours.iter_mut().zip(theirs) {
                        *a = (*a).max(*b);
                    }
                }
            }
            Registers::Sparse(theirs) => {
                for &e in theirs {
                    self.raise(e >> 8, e as u8);
                }
            }
        }
        Ok(())
    }

    /// Estimated number of distinct items.
    pub fn estimate(&self) -> f64 {
        let m = self.m() as f64;
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        // Non-zero registers in index order, then the zeros (2^-0 = 1 each): the same sum,
        // in the same order, whether the registers are sparse or dense.
        let (mut sum, mut nonzero) = (0.0, 0usize);
        for (_, r) in self.nonzero() {
            sum += (-f64::from(r)).exp2();
            nonzero += 1;
        }
        let zeros = self.m() - nonzero;
        sum += zeros as f64;
        let raw = alpha * m * m / sum;
        if raw <= 2.5 * m && zeros > 0 {
            m * (m / zeros as f64).ln()
        } else {
            raw
        }
    }

    /// The relative standard error 1.04/√m of [`DistinctCount::estimate`].
    pub fn relative_standard_error(&self) -> f64 {
        1.04 / (self.m() as f64).sqrt()
    }

    /// Bytes held by the registers (sparse: 4 per non-zero register; dense: one per register).
    pub fn register_bytes(&self) -> usize {
        match &self.registers {
            Registers::Sparse(v) => v.len() * 4,
            Registers::Dense(v) => v.len(),
        }
    }

    fn m(&self) -> usize {
        1 << self.precision
    }

    fn push_hash(&mut self, h: u64) {
        let p = u32::from(self.precision);
        let idx = (h >> (64 - p)) as u32;
        // A guard bit below the remaining 64 - p bits caps the run of zeros at 64 - p.
        let w = (h << p) | (1u64 << (p - 1));
        let rho = (w.leading_zeros() + 1) as u8;
        self.raise(idx, rho);
    }

    /// Sets register `idx` to at least `value`.
    fn raise(&mut self, idx: u32, value: u8) {
        let limit = self.m() / 8;
        match &mut self.registers {
            Registers::Dense(r) => {
                let reg = &mut r[idx as usize];
                *reg = (*reg).max(value);
            }
            Registers::Sparse(v) => {
                let entry = idx << 8 | u32::from(value);
                match v.binary_search_by_key(&idx, |e| e >> 8) {
                    Ok(i) => v[i] = v[i].max(entry),
                    Err(i) => {
                        v.insert(i, entry);
                        // 4 bytes an entry: past m/8 entries the list outgrows half the array.
                        if v.len() > limit {
                            self.densify();
                        }
                    }
                }
            }
        }
    }

    /// Turns a sparse sketch into the plain array.
    fn densify(&mut self) {
        if let Registers::Sparse(v) = &self.registers {
            let mut r = vec![0u8; self.m()];
            for &e in v {
                r[(e >> 8) as usize] = e as u8;
            }
            self.registers = Registers::Dense(r);
        }
    }

    /// (index, value) of every non-zero register, ascending by index.
    fn nonzero(&self) -> impl Iterator<Item = (u32, u8)> + '_ {
        let (sparse, dense) = match &self.registers {
            Registers::Sparse(v) => (Some(v.iter().map(|&e| (e >> 8, e as u8))), None),
            Registers::Dense(r) => (
                None,
                Some(
                    r.iter()
                        .enumerate()
                        .filter(|(_, &v)| v != 0)
                        .map(|(i, &v)| (i as u32, v)),
                ),
            ),
        };
        sparse
            .into_iter()
            .flatten()
            .chain(dense.into_iter().flatten())
    }
}

impl Default for DistinctCount {
    fn default() -> Self {
        DistinctCount {
            precision: Self::DEFAULT_PRECISION,
            registers: Registers::Sparse(Vec::new()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_and_dense_registers_give_the_same_estimate_to_the_bit() {
        // Sizes on both sides of the switch at m/8 = 512 non-zero registers.
        for n in [0u64, 1, 7, 100, 450, 600, 3_000, 50_000] {
            let mut sketch = DistinctCount::default();
            (0..n).for_each(|i| sketch.push_u64(i * 7_919));
            let mut dense = sketch.clone();
            dense.densify();
            assert!(matches!(dense.registers, Registers::Dense(_)));
            assert_eq!(sketch, dense, "n = {n}");
            assert_eq!(
                sketch.estimate().to_bits(),
                dense.estimate().to_bits(),
                "n = {n}"
            );
        }
    }

    #[test]
    fn a_few_items_take_a_few_bytes_and_many_take_the_array() {
        let mut few = DistinctCount::default();
        (0..10u64).for_each(|i| few.push_u64(i));
        assert!(few.register_bytes() <= 40, "{}", few.register_bytes());
        let mut many = DistinctCount::default();
        (0..10_000u64).for_each(|i| many.push_u64(i));
        assert_eq!(many.register_bytes(), 4096);
        // Merging a dense sketch into a sparse one, and the other way, is the union.
        let mut a = few.clone();
        a.merge(&many).unwrap();
        let mut b = many.clone();
        b.merge(&few).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, many, "0..10 is within 0..10000");
    }
}
