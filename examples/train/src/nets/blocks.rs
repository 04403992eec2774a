//! The two layer kinds of DR-GAN: a 3x3 convolution and a 3x3 transposed convolution (or,
//! at the decoder's stride-2 layers, resize-then-convolve), each followed by batch norm
//! and ELU.

use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, PaddingConfig2d};
use burn::prelude::*;
use burn::tensor::module::{batch_norm_train, conv_transpose2d};
use burn::tensor::ops::ConvTransposeOptions;
use burn::tensor::TensorData;
use drgan_writer::RESIZE_TAPS;

/// Batch-norm epsilon; the bundle exporter folds batch norm with the same value.
pub const BN_EPSILON: f64 = 1e-5;

/// A 3x3 convolution (padding 1) of the given stride.
pub fn conv3x3(cin: usize, cout: usize, stride: usize, device: &Device) -> Conv2d {
    Conv2dConfig::new([cin, cout], [3, 3])
        .with_stride([stride, stride])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .with_initializer(super::paper_init())
        .init(device)
}

/// A 3x3 transposed convolution (padding 1); stride 2 doubles the side exactly.
pub fn fconv3x3(cin: usize, cout: usize, stride: usize, device: &Device) -> ConvTranspose2d {
    ConvTranspose2dConfig::new([cin, cout], [3, 3])
        .with_stride([stride, stride])
        .with_padding([1, 1])
        .with_padding_out([stride - 1, stride - 1])
        .with_initializer(super::paper_init())
        .init(device)
}

/// ELU (α 1) whose gradient stays finite for every finite input. burn's `elu` takes
/// exp of every value and keeps it only where x ≤ 0; above about 88, exp overflows to
/// infinity, and its gradient, zero times infinity, is NaN, which Adam then writes into
/// every weight before it. Here exp only ever sees values ≤ 0.
///
/// Built from ReLU (min(x, 0) = x − relu(x), exactly) rather than two clamps: on the
/// CPU backend a clamp is a comparison and a masked fill forward and another masked fill
/// backward, branchy loops that took 8 % of an encoder step.
pub fn elu(x: Tensor<4>) -> Tensor<4> {
    let positive = burn::tensor::activation::relu(x.clone());
    let negative = x - positive.clone();
    positive + negative.exp().sub_scalar(1.0)
}

/// Batch norm over `c` channels.
pub fn batch_norm(c: usize, device: &Device) -> BatchNorm {
    BatchNormConfig::new(c)
        .with_epsilon(BN_EPSILON)
        .init(device)
}

/// Conv, batch norm, ELU.
#[derive(Module, Debug)]
pub struct ConvBlock {
    pub conv: Conv2d,
    pub bn: BatchNorm,
}

impl ConvBlock {
    pub fn new(cin: usize, cout: usize, stride: usize, device: &Device) -> Self {
        Self {
            conv: conv3x3(cin, cout, stride, device),
            bn: batch_norm(cout, device),
        }
    }

    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        elu(self.bn.forward(self.conv.forward(x)))
    }

    /// As [`Self::forward`], but a training pass leaves the batch norm's running
    /// statistics alone: it normalises with the batch's own statistics as usual and does
    /// not fold them into the averages that inference uses. For pictures the averages must
    /// not describe (the discriminator's synthesized ones).
    pub fn forward_leaving_statistics(&self, x: Tensor<4>) -> Tensor<4> {
        let x = self.conv.forward(x);
        if x.device().is_autodiff() && self.bn.training.is_enabled() {
            let bn = &self.bn;
            let out = batch_norm_train(x, bn.gamma.val(), bn.beta.val(), bn.epsilon);
            elu(out.output)
        } else {
            elu(self.bn.forward(x))
        }
    }
}

/// Transposed conv (or resize-then-convolve), batch norm, ELU.
#[derive(Module, Debug)]
pub struct UpBlock {
    /// The learnt 3x3 taps. In a resizing block they are those of the 3x3 convolution
    /// after nearest-neighbour doubling, and run as the 4x4 transposed convolution of
    /// stride 2 they stand for ([`UpBlock::kernel`]); the checkpoint holds the same 3x3
    /// weights either way.
    pub fconv: ConvTranspose2d,
    pub bn: BatchNorm,
    /// Doubles the side by resizing (`Upsample::Resize` at a stride-2 layer).
    pub resize: bool,
}

impl UpBlock {
    pub fn new(cin: usize, cout: usize, stride: usize, resize: bool, device: &Device) -> Self {
        Self {
            fconv: fconv3x3(cin, cout, stride, device),
            bn: batch_norm(cout, device),
            resize: resize && stride == 2,
        }
    }

    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        elu(self.bn.forward(self.transposed_conv(x)))
    }

    /// The block's (transposed) convolution alone, before batch norm.
    pub fn transposed_conv(&self, x: Tensor<4>) -> Tensor<4> {
        if self.resize {
            let bias = self.fconv.bias.as_ref().map(|b| b.val());
            let options = ConvTransposeOptions::new([2, 2], [1, 1], [0, 0], [1, 1], 1);
            conv_transpose2d(x, self.kernel(), bias, options)
        } else {
            self.fconv.forward(x)
        }
    }

    /// The transposed convolution's kernel as the bundle holds it: `[cin, cout, 3, 3]`,
    /// or `[cin, cout, 4, 4]` expanded from the 3x3 taps by `RESIZE_TAPS` when resizing.
    pub fn kernel(&self) -> Tensor<4> {
        let w = self.fconv.weight.val();
        if !self.resize {
            return w;
        }
        let [cin, cout, _, _] = w.dims();
        // k4[a][b] = Σ_pq M[a][p] M[b][q] k3[p][q]: one [9, 16] matrix on the flat taps.
        let mut expand = Vec::with_capacity(9 * 16);
        for p in 0..3 {
            for q in 0..3 {
                for row in &RESIZE_TAPS {
                    expand.extend(RESIZE_TAPS.iter().map(|col| row[p] * col[q]));
                }
            }
        }
        let expand = Tensor::<2>::from_data(TensorData::new(expand, [9, 16]), &w.device());
        w.reshape([cin * cout, 9])
            .matmul(expand)
            .reshape([cin, cout, 4, 4])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::module::{conv2d, interpolate};
    use burn::tensor::ops::{ConvOptions, InterpolateMode, InterpolateOptions};
    use burn::tensor::Distribution;

    /// A resizing block computes nearest-neighbour doubling and then a 3x3 convolution
    /// (padding 1) with its learnt taps, and its bundle kernel is the writer's expansion
    /// of them (`drgan_writer::resize_kernel`).
    #[test]
    fn a_resizing_block_is_nearest_doubling_then_a_3x3_conv() {
        let dev = crate::train::run::device();
        let block = UpBlock::new(3, 2, 2, true, &dev);
        let x = Tensor::<4>::random([2, 3, 5, 5], Distribution::Normal(0.0, 1.0), &dev);
        let got = host(block.transposed_conv(x.clone()));
        assert_eq!(block.transposed_conv(x.clone()).dims(), [2, 2, 10, 10]);
        let up = interpolate(
            x,
            InterpolateOptions::new(InterpolateMode::Nearest).with_output_size([10, 10]),
        );
        // A transposed conv's weight is [in, out, ..]; a conv's is [out, in, ..].
        let taps = block.fconv.weight.val().swap_dims(0, 1);
        let bias = block.fconv.bias.as_ref().map(|b| b.val());
        let options = ConvOptions::new([1, 1], [1, 1], [1, 1], 1);
        let want = host(conv2d(up, taps, bias, options));
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!((g - w).abs() < 1e-4, "{i}: {g} vs {w}");
        }
        let k3 = super::super::host(block.fconv.weight.val()).unwrap();
        let k4 = super::super::host(block.kernel()).unwrap();
        assert_eq!(k4, drgan_writer::resize_kernel(&k3));
        // At stride 1, or not resizing, a block is the plain 3x3 transposed conv.
        assert!(!UpBlock::new(3, 2, 1, true, &dev).resize);
        assert_eq!(
            UpBlock::new(3, 2, 2, false, &dev).kernel().dims(),
            [3, 2, 3, 3]
        );
    }

    fn host(t: Tensor<4>) -> Vec<f32> {
        super::super::host(t).unwrap()
    }

    /// The values and gradient of ELU, and no NaN where exp overflows (x > 88): the
    /// cause of the NaN that stopped a decoder run at step 8,470 (docs/model-history.md).
    #[test]
    fn elu_has_a_finite_gradient_for_large_inputs() {
        let dev = crate::train::run::device();
        let xs = [-100.0f32, -2.0, -0.5, 0.0, 0.5, 3.0, 100.0, 1e30];
        let x = Tensor::<4>::from_data(TensorData::new(xs.to_vec(), [1, 1, 1, xs.len()]), &dev)
            .require_grad();
        let y = elu(x.clone());
        let values = host(y.clone());
        let grads = y.sum().backward();
        let g = host(x.grad(&grads).expect("x gets a gradient"));
        for ((x, y), g) in xs.iter().zip(&values).zip(&g) {
            let (want, slope) = if *x > 0.0 {
                (*x, 1.0)
            } else {
                (x.exp() - 1.0, x.exp())
            };
            assert!(
                (y - want).abs() <= 1e-6 * want.abs().max(1.0),
                "elu({x}) = {y}"
            );
            assert!((g - slope).abs() < 1e-6, "elu'({x}) = {g}");
        }
    }
}
