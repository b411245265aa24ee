//! A histogram of trade prices or sizes, binned by the Freedman–Diaconis rule.

use crate::engine::Table;

/// Fewest bins a histogram gets.
pub const MIN_BINS: usize = 5;
/// Most bins a histogram gets.
pub const MAX_BINS: usize = 100;

/// What a histogram counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum HistValue {
    /// One value per trade: its price.
    #[default]
    Price,
    /// One value per trade: its quantity.
    Size,
}

impl HistValue {
    /// Both choices.
    pub const ALL: [HistValue; 2] = [HistValue::Price, HistValue::Size];

    /// Machine name (settings, URLs).
    pub const fn name(self) -> &'static str {
        match self {
            HistValue::Price => "price",
            HistValue::Size => "size",
        }
    }

    /// Parses [`HistValue::name`].
    pub fn from_name(name: &str) -> Option<HistValue> {
        HistValue::ALL.into_iter().find(|v| v.name() == name)
    }

    /// The column of the table holding this value.
    pub fn column(self, table: &Table) -> &[f64] {
        match self {
            HistValue::Price => &table.price,
            HistValue::Size => &table.qty,
        }
    }
}

/// Equal-width bins from `lo`; bin `i` holds values in `[lo + i w, lo + (i + 1) w)`, the last
/// one also its upper edge.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    /// Lower edge of the first bin.
    pub lo: f64,
    /// Bin width (positive).
    pub width: f64,
    /// Values per bin.
    pub counts: Vec<u64>,
}

impl Histogram {
    /// Upper edge of the last bin.
    pub fn hi(&self) -> f64 {
        self.lo + self.width * self.counts.len() as f64
    }

    /// Values counted.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// The `q` quantile of sorted values by linear interpolation between order statistics
/// (Hyndman–Fan type 7, R's default).
fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let i = h.floor() as usize;
    match sorted.get(i + 1) {
        Some(&next) => sorted[i] + (h - i as f64) * (next - sorted[i]),
        None => sorted[i],
    }
}

/// Number of bins for sorted, finite values spanning a positive range: the Freedman–Diaconis
/// width 2 IQR n^(-1/3) fitted into the range, clamped to [`MIN_BINS`]..=[`MAX_BINS`]. With a
/// zero interquartile range (most values equal) the rule gives no width, and Sturges'
/// ⌈log2 n⌉ + 1 bins stand in.
pub fn bin_count(sorted: &[f64]) -> usize {
    let n = sorted.len();
    let (Some(&min), Some(&max)) = (sorted.first(), sorted.last()) else {
        return MIN_BINS;
    };
    let iqr = quantile_sorted(sorted, 0.75) - quantile_sorted(sorted, 0.25);
    bins_for(n, max - min, iqr)
}

/// The rule of [`bin_count`] for `n` values spanning `range` with interquartile range `iqr`.
fn bins_for(n: usize, range: f64, iqr: f64) -> usize {
    let h = 2.0 * iqr / (n as f64).cbrt();
    let bins = if h > 0.0 {
        (range / h).ceil()
    } else {
        (n as f64).log2().ceil() + 1.0
    };
    // A float-to-int cast saturates, so a huge ratio lands on the clamp.
    (bins as usize).clamp(MIN_BINS, MAX_BINS)
}

/// The `q` quantile (type 7, as [`quantile_sorted`]) of unsorted values, by selection: the
/// two order statistics it interpolates between, without sorting. Reorders `v`.
fn quantile_select(v: &mut [f64], q: f64) -> f64 {
    let h = (v.len() - 1) as f64 * q;
    let i = h.floor() as usize;
    let (_, &mut at, above) = v.select_nth_unstable_by(i, f64::total_cmp);
    match above.iter().copied().min_by(f64::total_cmp) {
        Some(next) => at + (h - i as f64) * (next - at),
        None => at,
    }
}

/// The histogram of the finite values; `None` when there is none. Linear in the number of
/// values (quartiles by selection): it is recomputed over every stored trade while they
/// stream in.
pub fn histogram(values: &[f64]) -> Option<Histogram> {
    let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return None;
    }
    let (min, max) = finite
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let n = finite.len();
    if max <= min {
        // One distinct value: unit-wide bins with it in the middle one.
        let mut counts = vec![0; MIN_BINS];
        counts[MIN_BINS / 2] = n as u64;
        return Some(Histogram {
            lo: min - (MIN_BINS / 2) as f64 - 0.5,
            width: 1.0,
            counts,
        });
    }
    let iqr = quantile_select(&mut finite, 0.75) - quantile_select(&mut finite, 0.25);
    let bins = bins_for(n, max - min, iqr);
    let width = (max - min) / bins as f64;
    let mut counts = vec![0u64; bins];
    for v in &finite {
        let i = (((v - min) / width) as usize).min(bins - 1);
        counts[i] += 1;
    }
    Some(Histogram {
        lo: min,
        width,
        counts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_by_selection_agree_with_sorting() {
        let mut seed = 11u64;
        for n in 1..300 {
            let v: Vec<f64> = (0..n)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 33) % 97) as f64 * 0.25
                })
                .collect();
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            for q in [0.0, 0.25, 0.5, 0.75, 1.0] {
                assert_eq!(
                    quantile_select(&mut v.clone(), q),
                    quantile_sorted(&sorted, q)
                );
            }
            // The histogram from selection is the one the sorted rule gives.
            if sorted[0] < sorted[n - 1] {
                assert_eq!(histogram(&v).unwrap().counts.len(), bin_count(&sorted));
            }
        }
    }

    #[test]
    fn freedman_diaconis_by_hand() {
        // 0, 1, ..., 99: quartiles 24.75 and 74.25 (type 7: h = 99 q), IQR 49.5,
        // width 2 * 49.5 / 100^(1/3) = 99 / 4.6416 = 21.33, range 99 -> ceil(4.64) = 5 bins.
        let v: Vec<f64> = (0..100).map(f64::from).collect();
        assert_eq!(bin_count(&v), 5);
        // 0, 1, ..., 999: quartiles 249.75 and 749.25, IQR 499.5, width 999 / 1000^(1/3) =
        // 99.9, range 999 -> 10 bins of 99.9, a hundred values in each.
        let v: Vec<f64> = (0..1000).map(f64::from).collect();
        assert_eq!(bin_count(&v), 10);
        let h = histogram(&v).unwrap();
        assert_eq!(h.counts, vec![100; 10]);
        assert_eq!((h.lo, h.hi()), (0.0, 999.0));
    }

    #[test]
    fn clamped_both_ways() {
        // Two clusters: quartiles 0 and 1 (type 7), IQR 1 = the range, width
        // 2 / 4^(1/3) = 1.26 -> one bin, clamped up to 5.
        let v = [0.0, 0.0, 1.0, 1.0];
        assert_eq!(bin_count(&v), MIN_BINS);
        // A tight bulk and one far outlier: quartiles 0.5 and 1.5 over 1001 values, width
        // 2 / 1001^(1/3) = 0.2, range 1e6 -> 5 million bins, clamped to 100.
        let mut v: Vec<f64> = (0..1000).map(|i| f64::from(i) / 500.0).collect();
        v.push(1e6);
        v.sort_unstable_by(f64::total_cmp);
        assert_eq!(bin_count(&v), MAX_BINS);
    }

    #[test]
    fn zero_iqr_uses_sturges() {
        // 33 values, 31 equal: IQR 0; Sturges ceil(log2 33) + 1 = 6 + 1 = 7.
        let mut v = vec![5.0; 31];
        v.insert(0, 1.0);
        v.push(9.0);
        assert_eq!(bin_count(&v), 7);
        let h = histogram(&v).unwrap();
        // Range 1..9 in 7 bins of 8/7: 1 in the first, 5 in bin 3 ((5-1)/(8/7) = 3.5), 9
        // on the upper edge of the last.
        assert_eq!(h.counts, vec![1, 0, 0, 31, 0, 0, 1]);
    }

    #[test]
    fn edges_and_bad_values() {
        assert_eq!(histogram(&[]), None);
        assert_eq!(histogram(&[f64::NAN, f64::INFINITY]), None);
        let h = histogram(&[3.0, 3.0, f64::NAN]).unwrap();
        assert_eq!(h.counts, vec![0, 0, 2, 0, 0]);
        assert!(h.lo < 3.0 && 3.0 < h.hi());
        // Every finite value is counted exactly once.
        let v: Vec<f64> = (0..5000)
            .map(|i| (f64::from(i) * 0.37).sin() * 100.0)
            .collect();
        assert_eq!(histogram(&v).unwrap().total(), 5000);
    }
}
