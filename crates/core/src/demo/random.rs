//! The few distributions the demo needs, drawn from a seeded `fastrand::Rng` so the same seed
//! always gives the same stream on every platform.

use fastrand::Rng;

/// A standard normal draw (Box-Muller; one of the pair is discarded, which keeps no state).
pub fn normal(rng: &mut Rng) -> f64 {
    // 1 - f64() lies in (0, 1], so the logarithm is finite.
    let u1 = 1.0 - rng.f64();
    let u2 = rng.f64();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Student's t with 3 degrees of freedom: heavy tails for price steps.
pub fn student_t3(rng: &mut Rng) -> f64 {
    let z = normal(rng);
    let chi2: f64 = (0..3).map(|_| normal(rng).powi(2)).sum();
    z / (chi2 / 3.0).sqrt().max(1e-9)
}

/// A Pareto draw with minimum 1 and tail index `alpha`: heavy-tailed trade sizes.
pub fn pareto(rng: &mut Rng, alpha: f64) -> f64 {
    (1.0 - rng.f64()).powf(-1.0 / alpha)
}

/// A Poisson draw with mean `lambda` (exact below 30, normal approximation above).
pub fn poisson(rng: &mut Rng, lambda: f64) -> u32 {
    if lambda <= 0.0 || !lambda.is_finite() {
        return 0;
    }
    if lambda < 30.0 {
        let limit = (-lambda).exp();
        let mut k = 0u32;
        let mut p = rng.f64();
        while p > limit {
            k += 1;
            p *= rng.f64();
        }
        k
    } else {
        (lambda + lambda.sqrt() * normal(rng)).round().max(0.0) as u32
    }
}

/// An index drawn with probability proportional to `weights`.
pub fn weighted(rng: &mut Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.f64() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len().saturating_sub(1)
}

/// A seed for a piece of the schedule (a block of hours, a day) that depends only on the feed
/// seed and the piece, so the schedule is the same however the stream is chunked.
pub fn sub_seed(seed: u64, salt: u64, index: i64) -> u64 {
    // SplitMix64 finaliser over the combined input.
    let mut z = seed
        ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (index as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_mean_is_close_to_lambda() {
        let mut rng = Rng::with_seed(7);
        for lambda in [0.5, 4.0, 80.0] {
            let n = 20_000;
            let mean = (0..n)
                .map(|_| poisson(&mut rng, lambda) as f64)
                .sum::<f64>()
                / n as f64;
            // Standard error of the mean is sqrt(lambda / n); allow five of them.
            assert!(
                (mean - lambda).abs() < 5.0 * (lambda / n as f64).sqrt(),
                "lambda {lambda}: mean {mean}"
            );
        }
    }

    #[test]
    fn weighted_never_picks_zero_weights() {
        let mut rng = Rng::with_seed(1);
        for _ in 0..1000 {
            assert_eq!(weighted(&mut rng, &[0.0, 2.0, 0.0]), 1);
        }
    }
}
