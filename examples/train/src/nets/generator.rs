//! The generator: encoder (a [`Trunk`]) and [`Decoder`], plus the auxiliary identity
//! classifier on the encoder's features (a training aid, never exported).

use super::decoder::Decoder;
use super::trunk::Trunk;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::sigmoid;
use drgan_writer::Config;

#[derive(Module, Debug)]
pub struct Generator {
    pub encoder: Trunk,
    pub decoder: Decoder,
    /// Linear softmax classifier f -> Nd identities (the auxiliary identity loss).
    pub id_head: Linear,
    pub feature_dim: usize,
}

/// The encoder's outputs for a batch.
pub struct Encoded {
    /// f: [N, Nf].
    pub identity: Tensor<2>,
    /// ω = sigmoid of the extra channel: [N, 1].
    pub confidence: Tensor<2>,
}

impl Generator {
    pub fn new(config: &Config, identities: usize, device: &Device) -> Self {
        Self {
            encoder: Trunk::new(config, device),
            decoder: Decoder::new(config, device),
            id_head: LinearConfig::new(config.feature_dim, identities.max(1))
                .with_initializer(super::paper_init())
                .init(device),
            feature_dim: config.feature_dim,
        }
    }

    pub fn encode(&self, image: Tensor<4>) -> Encoded {
        let x = self.encoder.forward(image);
        let [n, _] = x.dims();
        let nf = self.feature_dim;
        Encoded {
            identity: x.clone().slice([0..n, 0..nf]),
            confidence: sigmoid(x.slice([0..n, nf..nf + 1])),
        }
    }

    /// The encoder as exported (inference batch norm), outside the autodiff graph: a
    /// constant to what comes after it, so nothing reaches the encoder's weights.
    pub fn encode_frozen(&self, image: Tensor<4>) -> Encoded {
        let e = self.valid().encode(image.inner());
        Encoded {
            identity: e.identity.autodiff(),
            confidence: e.confidence.autodiff(),
        }
    }

    /// Fuses groups of `group` consecutive rows: Σ ωᵢ fᵢ / Σ ωᵢ -> [N / group, Nf].
    pub fn fuse(e: &Encoded, group: usize) -> Tensor<2> {
        let [n, nf] = e.identity.dims();
        let g = n / group;
        let w = e.confidence.clone().reshape([g, group, 1]);
        let f = e.identity.clone().reshape([g, group, nf]);
        let num = (f * w.clone()).sum_dim(1).reshape([g, nf]);
        let den = w.sum_dim(1).reshape([g, 1]);
        num / den
    }
}
