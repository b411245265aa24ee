//! Marking unusual points: outside a forecast's prediction interval, or more than k robust
//! z-scores from the median.
//!
//! The robust z-score is (x - median) / (1.4826 · MAD), MAD being the median absolute
//! deviation; 1.4826 = 1/Φ⁻¹(3/4) makes the scale equal the standard deviation for normal
//! data while a few wild points cannot inflate it (they would inflate a plain standard
//! deviation and hide themselves).

use super::Interval;

/// 1/Φ⁻¹(0.75): MAD times this estimates σ for normal data.
pub const MAD_TO_SIGMA: f64 = 1.482_602_218_505_602;

/// Why a point was marked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reason {
    /// Outside the forecast's prediction interval.
    OutsideInterval {
        /// The interval it fell outside.
        interval: Interval,
    },
    /// More than k robust z-scores from the median.
    RobustZ {
        /// Its robust z-score.
        z: f64,
    },
}

/// A marked point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Anomaly {
    /// Index in the input.
    pub index: usize,
    /// The value.
    pub value: f64,
    /// Why it was marked.
    pub reason: Reason,
}

/// Median and scaled MAD of the finite values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RobustScale {
    /// Median.
    pub median: f64,
    /// 1.4826 · median(|x - median|).
    pub scale: f64,
}

/// The robust location and scale; `None` when there are no finite values or the MAD is zero
/// (more than half the values equal: every other value would be infinitely far).
pub fn robust_scale(values: &[f64]) -> Option<RobustScale> {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let centre = median_of(finite.clone())?;
    let mad = median_of(finite.iter().map(|v| (v - centre).abs()).collect())?;
    let scale = MAD_TO_SIGMA * mad;
    (scale > 0.0).then_some(RobustScale {
        median: centre,
        scale,
    })
}

/// Points more than `k` robust z-scores from the median; `None` when the scale is undefined
/// (see [`robust_scale`]).
pub fn robust_outliers(values: &[f64], k: f64) -> Option<Vec<Anomaly>> {
    let RobustScale { median, scale } = robust_scale(values)?;
    Some(
        values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .filter_map(|(index, &value)| {
                let z = (value - median) / scale;
                (z.abs() > k).then_some(Anomaly {
                    index,
                    value,
                    reason: Reason::RobustZ { z },
                })
            })
            .collect(),
    )
}

/// Actual values outside their forecast intervals (paired by position; extra entries on
/// either side are ignored).
pub fn outside_intervals(actual: &[f64], intervals: &[Interval]) -> Vec<Anomaly> {
    actual
        .iter()
        .zip(intervals)
        .enumerate()
        .filter(|(_, (a, iv))| a.is_finite() && !iv.contains(**a))
        .map(|(index, (&value, &interval))| Anomaly {
            index,
            value,
            reason: Reason::OutsideInterval { interval },
        })
        .collect()
}

fn median_of(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robust_scale_known_answer() {
        // Values 1..=9 and one 1000: median of ten = (5 + 6)/2 = 5.5; deviations 4.5, 3.5,
        // 2.5, 1.5, 0.5, 0.5, 1.5, 2.5, 3.5, 994.5 have median (2.5 + 2.5)/2 = 2.5.
        let mut v: Vec<f64> = (1..=9).map(f64::from).collect();
        v.push(1000.0);
        let s = robust_scale(&v).unwrap();
        assert_eq!(s.median, 5.5);
        assert!((s.scale - 2.5 * MAD_TO_SIGMA).abs() < 1e-12);
        let out = robust_outliers(&v, 3.5).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].index, out[0].value), (9, 1000.0));
    }

    #[test]
    fn constant_majority_has_no_scale() {
        assert_eq!(robust_scale(&[2.0, 2.0, 2.0, 7.0]), None);
        assert_eq!(robust_outliers(&[], 3.0), None);
    }

    #[test]
    fn interval_misses_are_marked() {
        let iv = |lower, upper| Interval {
            estimate: (lower + upper) / 2.0,
            lower,
            upper,
        };
        let out = outside_intervals(
            &[1.0, 5.0, -1.0],
            &[iv(0.0, 2.0), iv(0.0, 2.0), iv(-1.0, 0.0)],
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].index, 1);
    }
}
