//! Pixel comparisons of synthesized faces with studio portraits
//! (`synth::dataset::studio_portrait`), for the examples that judge a decoder without
//! any recognition network: PSNR and the nearest portrait. Pictures are RGB values in
//! [0, 1], all of one size.

/// RGB8 bytes as values in [0, 1].
pub fn unit_floats(rgb: &[u8]) -> Vec<f32> {
    rgb.iter().map(|&v| f32::from(v) / 255.0).collect()
}

/// Σ (a − b)².
pub fn squared_distance(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| f64::from(x - y).powi(2)).sum()
}

/// PSNR in dB of `a` against `b`; capped at 99 dB for equal pictures.
pub fn psnr(a: &[f32], b: &[f32]) -> f64 {
    let mse = squared_distance(a, b) / a.len().max(1) as f64;
    (10.0 * (1.0 / mse.max(1e-10)).log10()).min(99.0)
}

/// Index of the portrait nearest to `x` (the first of equals; 0 if there are none).
pub fn nearest(x: &[f32], portraits: &[Vec<f32>]) -> usize {
    let mut best = (f64::MAX, 0);
    for (i, p) in portraits.iter().enumerate() {
        let d = squared_distance(x, p);
        if d < best.0 {
            best = (d, i);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psnr_of_a_known_error_and_of_equal_pictures() {
        let a = vec![0.5f32; 12];
        let b = vec![0.6f32; 12];
        // mse 0.01 -> 20 dB.
        assert!((psnr(&a, &b) - 20.0).abs() < 1e-4);
        assert_eq!(psnr(&a, &a), 99.0);
    }

    #[test]
    fn nearest_finds_the_closest_portrait() {
        let portraits = vec![vec![0.0f32; 3], vec![1.0; 3], vec![0.4; 3]];
        assert_eq!(nearest(&[0.45; 3], &portraits), 2);
        assert_eq!(nearest(&[0.9; 3], &portraits), 1);
        assert_eq!(unit_floats(&[0, 255]), vec![0.0, 1.0]);
    }
}
