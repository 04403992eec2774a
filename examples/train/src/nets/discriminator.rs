//! The discriminator: the encoder's trunk and an FC to Nd + 1 identity classes (the last
//! one is "synthesized") and Np pose classes.

use super::generator::Generator;
use super::host;
use super::trunk::Trunk;
use burn::module::Param;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::TensorData;
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

    /// This D started from a warmed-up encoder: the trunk becomes a copy of `g`'s encoder
    /// (weights and batch-norm statistics, new tensors), and the real-identity logits
    /// become `g`'s identity classifier on the features (the confidence channel weighted
    /// 0). The "synthesized" and pose outputs keep their weights. `g` is unchanged.
    pub fn with_encoder_of(self, g: &Generator) -> Result<Self, String> {
        let (nf, nd) = (g.feature_dim, self.identities);
        let [rows, cols] = self.fc.weight.val().dims();
        let [head_in, head_out] = g.id_head.weight.val().dims();
        if (rows, head_in, head_out) != (nf + 1, nf, nd) || cols <= nd {
            return Err(format!(
                "D ({rows}x{cols}) and the encoder's classifier ({head_in}x{head_out}) do not match"
            ));
        }
        let trunk = self
            .trunk
            .try_load_record(g.encoder.clone().into_record())
            .map_err(|e| format!("copying the encoder into D: {e}"))?;
        // Built on the host: the new weights are fresh leaves, not nodes of G's graph.
        let head = host(g.id_head.weight.val())?;
        let mut w = host(self.fc.weight.val())?;
        for i in 0..nf {
            w[i * cols..i * cols + nd].copy_from_slice(&head[i * nd..(i + 1) * nd]);
        }
        w[nf * cols..nf * cols + nd].fill(0.0);
        let device = self.fc.weight.val().device();
        let mut fc = self.fc;
        fc.weight =
            Param::from_tensor(Tensor::from_data(TensorData::new(w, [rows, cols]), &device));
        if let (Some(bias), Some(head_bias)) = (&fc.bias, &g.id_head.bias) {
            let mut b = host(bias.val())?;
            b[..nd].copy_from_slice(&host(head_bias.val())?);
            let n = b.len();
            fc.bias = Some(Param::from_tensor(Tensor::from_data(
                TensorData::new(b, [n]),
                &device,
            )));
        }
        Ok(Self {
            trunk,
            fc,
            identities: nd,
        })
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
