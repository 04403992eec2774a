//! The decoder's noise vector z, uniform in [-1, 1], drawn from a caller's seed with
//! SplitMix64 so that the same seed gives the same face on every platform.

use crate::rng::SplitMix64;

/// `n` values uniform in [-1, 1) from `seed`.
pub(crate) fn uniform(seed: u64, n: usize) -> Vec<f32> {
    let mut rng = SplitMix64(seed);
    (0..n).map(|_| rng.uniform() * 2.0 - 1.0).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn same_seed_same_noise_and_in_range() {
        let a = super::uniform(42, 1000);
        assert_eq!(a, super::uniform(42, 1000));
        assert_ne!(a, super::uniform(43, 1000));
        assert!(a.iter().all(|v| (-1.0..1.0).contains(v)));
        let mean: f32 = a.iter().sum::<f32>() / a.len() as f32;
        assert!(mean.abs() < 0.1, "mean {mean}");
    }
}
