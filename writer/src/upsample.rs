//! How the decoder doubles its side at its four stride-2 layers.
//!
//! The paper's decoder uses 3x3 transposed convolutions of stride 2. Their taps overlap
//! unevenly (a kernel of 3 over a stride of 2): every other output row and column sums
//! twice as many taps as its neighbours, which a trained decoder shows as a grid of
//! stripes or a checkerboard. Doubling the side by repeating each pixel (nearest
//! neighbour) and then applying a 3x3 convolution has no such grid.
//!
//! That resize-then-convolve layer is exactly a 4x4 transposed convolution of stride 2
//! and padding 1 whose kernel is tied to the 3x3 one: along each axis, output `2m` is
//! `w0·x[m-1] + (w1 + w2)·x[m]` and output `2m + 1` is `(w0 + w1)·x[m] + w2·x[m+1]`. So
//! a bundle stores it as an ordinary `ConvTranspose` with a 4x4 kernel (the runtime and
//! its GPU path need nothing new), and a trainer learns the 3x3 taps and expands them
//! with [`RESIZE_TAPS`] ([`resize_kernel`] on the host).

use crate::invalid;
use drgan::Result;

/// The decoder's upsampling at its stride-2 layers (`Config::upsample`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Upsample {
    /// 3x3 transposed convolution, stride 2, padding 1, output padding 1 (the paper's).
    #[default]
    Transposed,
    /// Nearest-neighbour doubling, then a 3x3 convolution; written as the equivalent 4x4
    /// transposed convolution, stride 2, padding 1.
    Resize,
}

impl Upsample {
    /// The name used on command lines and in saved runs: `transposed` or `resize`.
    pub fn name(self) -> &'static str {
        match self {
            Upsample::Transposed => "transposed",
            Upsample::Resize => "resize",
        }
    }

    /// The upsampling called `name` ([`Upsample::name`]).
    pub fn named(name: &str) -> Result<Upsample> {
        match name {
            "transposed" => Ok(Upsample::Transposed),
            "resize" => Ok(Upsample::Resize),
            _ => Err(invalid(format!(
                "unknown upsampling {name:?}: use transposed or resize"
            ))),
        }
    }

    /// Kernel side, padding (each side) and output padding of a decoder layer of
    /// `stride` (1 or 2). Stride-1 layers are 3x3, padding 1, in both kinds.
    pub fn geometry(self, stride: usize) -> (usize, usize, usize) {
        match (self, stride) {
            (_, 1) => (3, 1, 0),
            (Upsample::Transposed, s) => (3, 1, s - 1),
            (Upsample::Resize, _) => (4, 1, 0),
        }
    }
}

/// Row `a` of the 4x4 kernel along one axis, as a combination of the 3 learnt taps:
/// `k4[a] = Σ_p RESIZE_TAPS[a][p] · k3[p]` (module docs). Applied along both axes,
/// `k4 = M · k3 · Mᵀ` for every (input, output) channel pair.
pub const RESIZE_TAPS: [[f32; 3]; 4] = [
    [0.0, 0.0, 1.0],
    [0.0, 1.0, 1.0],
    [1.0, 1.0, 0.0],
    [1.0, 0.0, 0.0],
];

/// The 4x4 transposed-convolution kernel `[cin, cout, 4, 4]` of a resize-then-convolve
/// layer whose learnt taps are `k3`, `[cin, cout, 3, 3]` row-major.
pub fn resize_kernel(k3: &[f32]) -> Vec<f32> {
    let mut out = Vec::with_capacity(k3.len() / 9 * 16);
    for k in k3.chunks_exact(9) {
        for row in &RESIZE_TAPS {
            for col in &RESIZE_TAPS {
                let mut v = 0.0;
                for (p, &rp) in row.iter().enumerate() {
                    for (q, &cq) in col.iter().enumerate() {
                        v += rp * cq * k[p * 3 + q];
                    }
                }
                out.push(v);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 4x4 transposed convolution of [`resize_kernel`] equals nearest-neighbour
    /// doubling followed by a 3x3 convolution (padding 1) with the learnt taps: both
    /// computed on a small picture, one channel in, one out.
    #[test]
    fn the_tied_kernel_is_resize_then_convolve() {
        let n = 5;
        let x: Vec<f32> = (0..n * n).map(|i| ((i * 37 % 11) as f32) - 5.0).collect();
        let k3: Vec<f32> = (0..9).map(|i| (i as f32 * 0.7).sin()).collect();
        let k4 = resize_kernel(&k3);
        // Transposed convolution, stride 2, padding 1: out[o] += x[i] · k4[o - 2i + 1].
        let m = 2 * n;
        let mut convt = vec![0.0f32; m * m];
        for (iy, ix) in (0..n).flat_map(|y| (0..n).map(move |x| (y, x))) {
            for (a, b) in (0..4).flat_map(|a| (0..4).map(move |b| (a, b))) {
                let (oy, ox) = ((2 * iy + a) as isize - 1, (2 * ix + b) as isize - 1);
                if (0..m as isize).contains(&oy) && (0..m as isize).contains(&ox) {
                    convt[oy as usize * m + ox as usize] += x[iy * n + ix] * k4[a * 4 + b];
                }
            }
        }
        // Nearest doubling, then a 3x3 cross-correlation, padding 1, with the learnt taps.
        let up = |y: isize, x_: isize| {
            if (0..m as isize).contains(&y) && (0..m as isize).contains(&x_) {
                x[(y as usize / 2) * n + x_ as usize / 2]
            } else {
                0.0
            }
        };
        for (oy, ox) in (0..m).flat_map(|y| (0..m).map(move |x| (y, x))) {
            let mut v = 0.0;
            for (p, q) in (0..3).flat_map(|p| (0..3).map(move |q| (p, q))) {
                let w = k3[p * 3 + q];
                v += w * up(oy as isize + p as isize - 1, ox as isize + q as isize - 1);
            }
            let got = convt[oy * m + ox];
            assert!((got - v).abs() < 1e-4, "({oy}, {ox}): {got} vs {v}");
        }
    }

    #[test]
    fn names_and_geometry() {
        for u in [Upsample::Transposed, Upsample::Resize] {
            assert_eq!(Upsample::named(u.name()).unwrap(), u);
            assert_eq!(u.geometry(1), (3, 1, 0));
        }
        assert_eq!(Upsample::Transposed.geometry(2), (3, 1, 1));
        assert_eq!(Upsample::Resize.geometry(2), (4, 1, 0));
        let e = Upsample::named("bilinear").unwrap_err().to_string();
        assert!(e.contains("transposed or resize"), "{e}");
    }
}
