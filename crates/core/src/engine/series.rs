//! Derived series over consecutive buckets: running totals, rolling windows and change against
//! the previous period. Inputs are dense (one value per bucket, `None` where undefined).

use crate::sum::Sum;

/// Running total (cumulative volume delta from per-bucket volume deltas); `None` counts as 0.
pub fn cumulative(values: &[Option<f64>]) -> Vec<f64> {
    let mut total = Sum::default();
    values
        .iter()
        .map(|v| {
            total.push(v.unwrap_or(0.0));
            total.value()
        })
        .collect()
}

/// Sum of the last `n` values at each point (fewer at the start); `None` counts as 0.
pub fn rolling_sum(values: &[Option<f64>], n: usize) -> Vec<f64> {
    let n = n.max(1);
    (0..values.len())
        .map(|i| {
            values[i.saturating_sub(n - 1)..=i]
                .iter()
                .map(|v| v.unwrap_or(0.0))
                .collect::<Sum>()
                .value()
        })
        .collect()
}

/// Mean of the defined values among the last `n` at each point; `None` if none is defined.
pub fn rolling_mean(values: &[Option<f64>], n: usize) -> Vec<Option<f64>> {
    let n = n.max(1);
    (0..values.len())
        .map(|i| {
            let window: Vec<f64> = values[i.saturating_sub(n - 1)..=i]
                .iter()
                .flatten()
                .copied()
                .collect();
            (!window.is_empty())
                .then(|| window.iter().copied().collect::<Sum>().value() / window.len() as f64)
        })
        .collect()
}

/// Relative change against the value `lag` buckets earlier: (v - prev) / |prev|; `None` where
/// either is undefined or the earlier value is zero.
pub fn change(values: &[Option<f64>], lag: usize) -> Vec<Option<f64>> {
    (0..values.len())
        .map(|i| {
            let prev = i.checked_sub(lag.max(1)).and_then(|j| values[j])?;
            let v = values[i]?;
            (prev != 0.0).then(|| (v - prev) / prev.abs())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_series_known_answers() {
        let v = [Some(1.0), None, Some(3.0), Some(-2.0)];
        assert_eq!(cumulative(&v), vec![1.0, 1.0, 4.0, 2.0]);
        // Windows of 2: [1], [1, 0], [0, 3], [3, -2].
        assert_eq!(rolling_sum(&v, 2), vec![1.0, 1.0, 3.0, 1.0]);
        assert_eq!(
            rolling_mean(&v, 2),
            vec![Some(1.0), Some(1.0), Some(3.0), Some(0.5)]
        );
        // Changes at lag 2: (3 - 1) / 1 = 2; prev undefined at index 3.
        assert_eq!(change(&v, 2), vec![None, None, Some(2.0), None]);
        assert_eq!(change(&[Some(0.0), Some(5.0)], 1), vec![None, None]);
    }
}
