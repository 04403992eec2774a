//! Conv11..Conv53 and global average pooling: the encoder, and the discriminator's trunk.

use super::blocks::{conv3x3, ConvBlock};
use burn::module::Param;
use burn::nn::conv::Conv2d;
use burn::prelude::*;
use drgan_writer::{Config, ENCODER};

/// Conv11..Conv52 (conv, batch norm, ELU), then Conv53 (Nf + 1 channels, linear), then
/// the mean over the spatial axes: [N, 3, S, S] -> [N, Nf + 1].
#[derive(Module, Debug)]
pub struct Trunk {
    pub blocks: Vec<ConvBlock>,
    pub last: Conv2d,
}

impl Trunk {
    pub fn new(config: &Config, device: &Device) -> Self {
        let mut cin = 3;
        let mut blocks = Vec::new();
        for &(_, base, stride) in ENCODER.iter() {
            let c = config.channels(base);
            blocks.push(ConvBlock::new(cin, c, stride, device));
            cin = c;
        }
        Self {
            blocks,
            last: conv3x3(cin, config.feature_dim + 1, 1, device),
        }
    }

    /// The same trunk with every batch norm in inference mode while it trains: it
    /// normalises with its running statistics and leaves them alone, and its γ and β still
    /// learn. An encoder imported from a bundle (`--init-from`) runs so, as its statistics
    /// are folded into the weights; normalising by each batch would change its features.
    pub fn with_fixed_statistics(mut self) -> Self {
        for b in &mut self.blocks {
            b.bn.training = Param::from_bool(false);
        }
        self
    }

    /// The activations at the end of each resolution: the output of the last block before
    /// each stride-2 block, and of the last block (5 maps, S down to S/16). A perceptual
    /// loss compares them (`train::perceptual`).
    pub fn stage_outputs(&self, x: Tensor<4>) -> Vec<Tensor<4>> {
        let mut x = x;
        let mut out = Vec::new();
        for (i, b) in self.blocks.iter().enumerate() {
            x = b.forward(x);
            if ENCODER.get(i + 1).is_none_or(|&(_, _, stride)| stride > 1) {
                out.push(x.clone());
            }
        }
        out
    }

    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        self.forward_with(x, ConvBlock::forward)
    }

    /// As [`Self::forward`], leaving the batch norms' running statistics alone
    /// ([`ConvBlock::forward_leaving_statistics`]).
    pub fn forward_leaving_statistics(&self, x: Tensor<4>) -> Tensor<2> {
        self.forward_with(x, ConvBlock::forward_leaving_statistics)
    }

    fn forward_with(
        &self,
        x: Tensor<4>,
        block: fn(&ConvBlock, Tensor<4>) -> Tensor<4>,
    ) -> Tensor<2> {
        let mut x = x;
        for b in &self.blocks {
            x = block(b, x);
        }
        self.head(x)
    }

    /// Conv53 and the spatial mean on the last block's output (the last of
    /// [`Self::stage_outputs`]): [N, C, S/16, S/16] -> [N, Nf + 1].
    pub fn head(&self, last_block: Tensor<4>) -> Tensor<2> {
        let x = self.last.forward(last_block);
        let [n, c, h, w] = x.dims();
        x.reshape([n, c, h * w]).mean_dim(2).reshape([n, c])
    }
}
