//! One transposed convolution of the GPU chain, as the plan and the kernels see it:
//! ONNX weights `[Cin, Cout, kh, kw]` with any batch norm already folded in, a bias, the
//! geometry (stride, asymmetric pads, output padding; dilation 1, groups 1) and the fused
//! activation. Plain data: `Send + Sync`, no GPU state.

/// The activation fused after a transposed convolution.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Activation {
    /// Identity.
    None,
    /// max(x, 0).
    Relu,
    /// x for x > 0, alpha·(eˣ − 1) otherwise.
    Elu(f32),
    /// tanh(x).
    Tanh,
}

impl Activation {
    /// The code the WGSL kernels switch on.
    pub fn code(self) -> u32 {
        match self {
            Activation::None => 0,
            Activation::Relu => 1,
            Activation::Elu(_) => 2,
            Activation::Tanh => 3,
        }
    }

    /// ELU's alpha (0 for the others).
    pub fn alpha(self) -> f32 {
        match self {
            Activation::Elu(a) => a,
            _ => 0.0,
        }
    }
}

/// A 2D transposed convolution with bias and activation (ONNX `ConvTranspose` semantics).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ConvTLayer {
    pub cin: usize,
    pub cout: usize,
    /// Kernel height and width.
    pub kernel: [usize; 2],
    /// Vertical and horizontal stride.
    pub stride: [usize; 2],
    /// ONNX order: top, left, bottom, right.
    pub pads: [usize; 4],
    /// Extra rows and columns at the bottom and right of the output.
    pub output_padding: [usize; 2],
    pub activation: Activation,
    /// `[cin, cout, kh, kw]`, row-major.
    pub weight: Vec<f32>,
    /// `[cout]`.
    pub bias: Vec<f32>,
}

impl ConvTLayer {
    /// Output height and width for an `h` × `w` input, or `None` when the geometry leaves
    /// no output (pads larger than the full output).
    pub fn out_size(&self, h: usize, w: usize) -> Option<(usize, usize)> {
        let dim = |i: usize, k: usize, s: usize, p0: usize, p1: usize, op: usize| {
            let full = (i.checked_sub(1)?).checked_mul(s)? + k + op;
            full.checked_sub(p0 + p1).filter(|&o| o > 0)
        };
        let oh = dim(
            h,
            self.kernel[0],
            self.stride[0],
            self.pads[0],
            self.pads[2],
            self.output_padding[0],
        )?;
        let ow = dim(
            w,
            self.kernel[1],
            self.stride[1],
            self.pads[1],
            self.pads[3],
            self.output_padding[1],
        )?;
        Some((oh, ow))
    }

    /// Multiplies output channel `c` by `scale[c]` and adds `shift[c]`: a batch norm
    /// (in inference form) folded into the weights and bias.
    pub fn fold_affine(&mut self, scale: &[f32], shift: &[f32]) {
        let (cout, taps) = (self.cout, self.kernel[0] * self.kernel[1]);
        for (i, w) in self.weight.iter_mut().enumerate() {
            *w *= scale[(i / taps) % cout];
        }
        for (c, b) in self.bias.iter_mut().enumerate() {
            *b = *b * scale[c] + shift[c];
        }
    }
}

/// The output rows (or columns) of one stride phase along one axis: outputs
/// `o = q·stride + phase − pad` for `q` in `q0 .. q0 + count`; they take kernel taps
/// `phase + j·stride` for `j` in `0..taps`, reading input `q − j`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Phase {
    pub phase: usize,
    pub q0: usize,
    pub count: usize,
    pub taps: usize,
}

/// The stride phases of one axis with output length `out`, kernel `k`, stride `s` and
/// leading pad `pad`; phases with no outputs are left out.
pub(crate) fn phases(out: usize, k: usize, s: usize, pad: usize) -> Vec<Phase> {
    (0..s)
        .filter_map(|phase| {
            // o >= 0  <=>  q >= (pad - phase) / s, rounded up (pad - phase > -s).
            let q0 = (pad + s - phase).div_ceil(s) - 1;
            let last = (out - 1 + pad).checked_sub(phase)? / s;
            let count = (last + 1).checked_sub(q0)?;
            let taps = k.saturating_sub(phase).div_ceil(s);
            (count > 0).then_some(Phase {
                phase,
                q0,
                count,
                taps,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every output index is covered by exactly one phase, at the right place.
    #[test]
    fn phases_cover_the_output_once() {
        for k in 1..6 {
            for s in 1..4 {
                for pad in 0..4 {
                    for out in 1..12 {
                        let mut seen = vec![0; out];
                        for p in phases(out, k, s, pad) {
                            assert_eq!(p.taps, (p.phase..k).step_by(s).count());
                            for q in p.q0..p.q0 + p.count {
                                let o = (q * s + p.phase) as isize - pad as isize;
                                assert!(o >= 0 && (o as usize) < out, "k{k} s{s} p{pad} o{o}");
                                seen[o as usize] += 1;
                            }
                        }
                        assert!(seen.iter().all(|&n| n == 1), "k{k} s{s} p{pad} {seen:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn out_size_follows_onnx() {
        let mut l = ConvTLayer {
            cin: 1,
            cout: 1,
            kernel: [3, 3],
            stride: [2, 2],
            pads: [1, 1, 1, 1],
            output_padding: [1, 1],
            activation: Activation::None,
            weight: vec![0.0; 9],
            bias: vec![0.0],
        };
        assert_eq!(l.out_size(6, 6), Some((12, 12)));
        l.stride = [1, 1];
        l.output_padding = [0, 0];
        assert_eq!(l.out_size(6, 5), Some((6, 5)));
        l.pads = [5, 0, 5, 0];
        assert_eq!(l.out_size(1, 1), None);
    }
}
