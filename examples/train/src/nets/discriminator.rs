//! The discriminator: the encoder's trunk and an FC to Nd + 1 identity classes (the last
//! one is "synthesized") and Np pose classes.

use super::trunk::Trunk;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use drgan::bundle::Config;

#[derive(Module, Debug)]
pub struct Discriminator {
    pub trunk: Trunk,
    pub fc: Linear,
    /// Nd: the number of real identities.
    pub identities: usize,
}

/// Logits of one discriminator pass.
pub struct DiscriminatorOut {
    /// [N, Nd + 1]; index Nd is the "synthesized" class.
    pub identity: Tensor<2>,
    /// [N, Np].
    pub pose: Tensor<2>,
}

impl Discriminator {
    pub fn new(config: &Config, identities: usize, device: &Device) -> Self {
        let np = config.pose_yaws.len();
        Self {
            trunk: Trunk::new(config, device),
            fc: LinearConfig::new(config.feature_dim + 1, identities + 1 + np)
                .with_initializer(super::paper_init())
                .init(device),
            identities,
        }
    }

    pub fn forward(&self, image: Tensor<4>) -> DiscriminatorOut {
        let logits = self.fc.forward(self.trunk.forward(image));
        let [n, k] = logits.dims();
        let nd1 = self.identities + 1;
        DiscriminatorOut {
            identity: logits.clone().slice([0..n, 0..nd1]),
            pose: logits.slice([0..n, nd1..k]),
        }
    }
}
