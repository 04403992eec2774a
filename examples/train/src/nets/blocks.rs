//! The two layer kinds of DR-GAN: a 3x3 convolution and a 3x3 transposed convolution, each
//! followed by batch norm and ELU.

use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, PaddingConfig2d};
use burn::prelude::*;
use burn::tensor::activation::elu;

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
        elu(self.bn.forward(self.conv.forward(x)), 1.0)
    }
}

/// Transposed conv, batch norm, ELU.
#[derive(Module, Debug)]
pub struct UpBlock {
    pub fconv: ConvTranspose2d,
    pub bn: BatchNorm,
}

impl UpBlock {
    pub fn new(cin: usize, cout: usize, stride: usize, device: &Device) -> Self {
        Self {
            fconv: fconv3x3(cin, cout, stride, device),
            bn: batch_norm(cout, device),
        }
    }

    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        elu(self.bn.forward(self.fconv.forward(x)), 1.0)
    }
}
