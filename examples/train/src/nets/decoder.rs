//! The decoder: FC([f; c; z]) to (S/16)² x C0, then FConv52..FConv12 (transposed conv,
//! batch norm, ELU) and FConv11 with tanh.

use super::blocks::{batch_norm, elu, fconv3x3, UpBlock};
use burn::nn::conv::ConvTranspose2d;
use burn::nn::{BatchNorm, Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::tanh;
use drgan_writer::{Config, Upsample, DECODER, DECODER_FC_CHANNELS};

#[derive(Module, Debug)]
pub struct Decoder {
    pub fc: Linear,
    pub fc_bn: BatchNorm,
    pub blocks: Vec<UpBlock>,
    pub last: ConvTranspose2d,
    pub c0: usize,
    pub s0: usize,
    /// The pose code is multiplied by this at the decoder's input (`--pose-scale`; 1 in
    /// a fresh decoder, set by the trainer). The exporter folds it into the FC's pose
    /// rows, so a bundle's decoder takes the plain one-hot code.
    pub pose_scale: f32,
}

impl Decoder {
    pub fn new(config: &Config, device: &Device) -> Self {
        let c0 = config.decoder_channels(DECODER_FC_CHANNELS);
        let s0 = config.base_size();
        let code = config.feature_dim + config.pose_yaws.len() + config.noise_dim;
        let mut cin = c0;
        let mut blocks = Vec::new();
        let n = DECODER.len();
        let resize = config.upsample == Upsample::Resize;
        for &(_, base, stride) in DECODER[..n - 1].iter() {
            let c = config.decoder_channels(base);
            blocks.push(UpBlock::new(cin, c, stride, resize, device));
            cin = c;
        }
        Self {
            fc: LinearConfig::new(code, c0 * s0 * s0)
                .with_initializer(super::paper_init())
                .init(device),
            fc_bn: batch_norm(c0, device),
            blocks,
            last: fconv3x3(cin, 3, DECODER[n - 1].2, device),
            c0,
            s0,
            pose_scale: 1.0,
        }
    }

    /// identity [N, Nf], pose [N, Np], noise [N, Nz] -> image [N, 3, S, S] in [-1, 1].
    pub fn forward(&self, identity: Tensor<2>, pose: Tensor<2>, noise: Tensor<2>) -> Tensor<4> {
        let pose = if self.pose_scale == 1.0 {
            pose
        } else {
            pose.mul_scalar(self.pose_scale)
        };
        let code = Tensor::cat(vec![identity, pose, noise], 1);
        let n = code.dims()[0];
        let x = self
            .fc
            .forward(code)
            .reshape([n, self.c0, self.s0, self.s0]);
        let mut x = elu(self.fc_bn.forward(x));
        for b in &self.blocks {
            x = b.forward(x);
        }
        tanh(self.last.forward(x))
    }
}
