//! A Gaussian blur of each channel, for what the discriminator sees (`--d-blur`): G's
//! adversarial terms then reach it through a low-pass filter, so fooling D with a
//! texture finer than the blur gains G nothing.

use burn::prelude::*;
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;
use burn::tensor::TensorData;

/// The normalised 1-D Gaussian of `sigma` pixels, radius ⌈2σ⌉ (at least 1).
pub fn kernel(sigma: f32) -> Vec<f32> {
    let r = (2.0 * sigma).ceil().max(1.0) as i32;
    let w: Vec<f32> = (-r..=r)
        .map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f32 = w.iter().sum();
    w.into_iter().map(|v| v / sum).collect()
}

/// `image` [N, C, H, W] blurred channel by channel with the 2-D Gaussian of `sigma`
/// pixels; outside the picture counts as 0 (mid-grey in [-1, 1]).
pub fn gaussian(image: Tensor<4>, sigma: f32) -> Tensor<4> {
    let k = kernel(sigma);
    let (n, r) = (k.len(), k.len() / 2);
    let [_, c, _, _] = image.dims();
    let taps: Vec<f32> = (0..c)
        .flat_map(|_| k.iter().flat_map(|a| k.iter().map(move |b| a * b)))
        .collect();
    let weight = Tensor::<4>::from_data(TensorData::new(taps, [c, 1, n, n]), &image.device());
    conv2d(
        image,
        weight,
        None,
        ConvOptions::new([1, 1], [r, r], [1, 1], c),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(t: Tensor<4>) -> Vec<f32> {
        super::super::host(t).unwrap()
    }

    /// A flat picture stays flat away from the border; stripes of period 2 all but vanish
    /// at σ 1, while a slope across the picture passes unchanged inside it.
    #[test]
    fn the_blur_keeps_flat_areas_and_removes_fine_stripes() {
        let dev = crate::train::run::device();
        assert!((kernel(1.0).iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert_eq!(kernel(1.0).len(), 5);
        let side = 16;
        let picture = |f: &dyn Fn(usize) -> f32| {
            let data: Vec<f32> = (0..2 * side * side).map(|i| f(i % side)).collect();
            Tensor::<4>::from_data(TensorData::new(data, [1, 2, side, side]), &dev)
        };
        let inner = |v: &[f32]| -> Vec<f32> {
            let at = |ch: usize, y: usize, x: usize| v[(ch * side + y) * side + x];
            (0..2)
                .flat_map(|ch| {
                    (3..side - 3).flat_map(move |y| (3..side - 3).map(move |x| (ch, y, x)))
                })
                .map(|(ch, y, x)| at(ch, y, x))
                .collect()
        };
        let flat = host(gaussian(picture(&|_| 0.5), 1.0));
        assert!(inner(&flat).iter().all(|v| (v - 0.5).abs() < 1e-5));
        let stripes = host(gaussian(
            picture(&|x| if x % 2 == 0 { 1.0 } else { -1.0 }),
            1.0,
        ));
        assert!(
            inner(&stripes).iter().all(|v| v.abs() < 0.03),
            "{stripes:?}"
        );
        let slope = |x: usize| x as f32 / side as f32;
        let sloped = host(gaussian(picture(&slope), 1.0));
        let want = inner(&host(picture(&slope)));
        for (a, b) in inner(&sloped).iter().zip(&want) {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
    }
}
