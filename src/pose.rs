//! Yaw ↔ pose code: the one-hot code over the bundle's yaw bins (a blend of the two
//! neighbouring bins for yaws between them), and yaw estimation from the pose head.

use crate::backend::{Net, Tensor};
use crate::error::{Error, Result};

/// The decoder's pose code for `yaw`: one-hot on a bin, linear blend between two bins.
/// `yaws` is ascending. Yaws outside [first, last] are `OutOfRange`.
pub(crate) fn yaw_code(yaws: &[f32], yaw: f32) -> Result<Vec<f32>> {
    let (lo, hi) = (yaws[0], yaws[yaws.len() - 1]);
    if !yaw.is_finite() || yaw < lo || yaw > hi {
        return Err(Error::OutOfRange(format!(
            "yaw {yaw} degrees is outside the model's range [{lo}, {hi}]"
        )));
    }
    let mut code = vec![0f32; yaws.len()];
    // First bin at or above `yaw`; yaw <= hi so it exists.
    let upper = yaws
        .iter()
        .position(|&y| y >= yaw)
        .unwrap_or(yaws.len() - 1);
    if yaws[upper] == yaw || upper == 0 {
        code[upper] = 1.0;
    } else {
        let (a, b) = (yaws[upper - 1], yaws[upper]);
        let t = (yaw - a) / (b - a);
        code[upper - 1] = 1.0 - t;
        code[upper] = t;
    }
    Ok(code)
}

/// The probability-weighted mean yaw predicted by the pose head for one image.
pub(crate) fn estimate(head: &Net, input: Tensor, yaws: &[f32]) -> Result<f32> {
    let logits = head
        .run(vec![input])?
        .into_iter()
        .next()
        .ok_or_else(|| Error::inference("pose head returned no output"))?;
    if logits.shape != [1, yaws.len()] {
        return Err(Error::inference(format!(
            "pose head returned shape {:?}, expected [1, {}]",
            logits.shape,
            yaws.len()
        )));
    }
    // Every logit, not just the largest: `f32::max` skips NaN, and one NaN logit would
    // make the mean yaw NaN (found by tests/hostile.rs).
    if logits.data.iter().any(|l| !l.is_finite()) {
        return Err(Error::inference(
            "pose head produced NaN or infinite logits",
        ));
    }
    let max = logits
        .data
        .iter()
        .cloned()
        .fold(f32::NEG_INFINITY, f32::max);
    let weights: Vec<f32> = logits.data.iter().map(|l| (l - max).exp()).collect();
    let total: f32 = weights.iter().sum();
    Ok(weights.iter().zip(yaws).map(|(w, y)| w * y).sum::<f32>() / total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaws() -> Vec<f32> {
        (-6..=6).map(|i| i as f32 * 15.0).collect()
    }

    #[test]
    fn bins_are_one_hot() {
        let c = yaw_code(&yaws(), 0.0).unwrap();
        assert_eq!(c[6], 1.0);
        assert_eq!(c.iter().sum::<f32>(), 1.0);
        assert_eq!(yaw_code(&yaws(), -90.0).unwrap()[0], 1.0);
        assert_eq!(yaw_code(&yaws(), 90.0).unwrap()[12], 1.0);
    }

    #[test]
    fn between_bins_blends_neighbours() {
        let c = yaw_code(&yaws(), 20.0).unwrap();
        assert!((c[7] - 2.0 / 3.0).abs() < 1e-6 && (c[8] - 1.0 / 3.0).abs() < 1e-6);
        assert!((c.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn outside_range_is_an_error() {
        for y in [-90.5, 91.0, f32::NAN, f32::INFINITY] {
            assert!(matches!(yaw_code(&yaws(), y), Err(Error::OutOfRange(_))));
        }
    }
}
