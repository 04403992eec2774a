//! The discriminator: the encoder's trunk and an FC to Nd + 1 identity classes (the last
//! one is "synthesized") and Np pose classes.

use super::generator::Generator;
use super::host;
use super::trunk::Trunk;
use burn::module::Param;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::TensorData;
use drgan_writer::Config;

#[derive(Module, Debug)]
pub struct Discriminator {
    pub trunk: Trunk,
    pub fc: Linear,
    /// Nd: the number of real identities.
    pub identities: usize,
    /// σ in pixels of the Gaussian blur every picture gets before D sees it, real or
    /// synthesized (`--d-blur`; 0: none). Training only: the exported pose head takes
    /// pictures as they come.
    pub blur: f32,
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
            blur: 0.0,
        }
    }

    /// This D started from a warmed-up encoder: the trunk becomes a copy of `g`'s encoder
    /// (weights, batch-norm statistics and their mode: an encoder with fixed statistics
    /// gives a trunk with fixed statistics; new tensors), and the real-identity logits
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
        let mut trunk = self
            .trunk
            .try_load_record(g.encoder.clone().into_record())
            .map_err(|e| format!("copying the encoder into D: {e}"))?;
        // Records leave the batch-norm mode out.
        for (d, e) in trunk.blocks.iter_mut().zip(&g.encoder.blocks) {
            d.bn.training = e.bn.training.clone();
        }
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
            blur: self.blur,
        })
    }

    pub fn forward(&self, image: Tensor<4>) -> DiscriminatorOut {
        self.logits(self.trunk.forward(self.blurred(image)))
    }

    /// D on G's synthesized pictures. While training, these leave the trunk's batch-norm
    /// running statistics alone, so that the averages, which the exported pose head
    /// (`pose.onnx`) normalises with, describe real pictures only. Before this, every
    /// step folded in the statistics of the synthesized pictures after those of the real
    /// ones, and the pose head misjudged real faces.
    pub fn forward_synthesized(&self, image: Tensor<4>) -> DiscriminatorOut {
        self.logits(self.trunk.forward_leaving_statistics(self.blurred(image)))
    }

    /// The picture as D sees it: blurred by [`Self::blur`].
    fn blurred(&self, image: Tensor<4>) -> Tensor<4> {
        if self.blur > 0.0 {
            super::blur::gaussian(image, self.blur)
        } else {
            image
        }
    }

    fn logits(&self, trunk_out: Tensor<2>) -> DiscriminatorOut {
        let logits = self.fc.forward(trunk_out);
        let [n, k] = logits.dims();
        let nd1 = self.identities + 1;
        DiscriminatorOut {
            identity: logits.clone().slice([0..n, 0..nd1]),
            pose: logits.slice([0..n, nd1..k]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statistics(d: &Discriminator) -> Vec<f32> {
        d.trunk
            .blocks
            .iter()
            .flat_map(|b| {
                let mean = host(b.bn.running_mean.value_sync()).unwrap();
                let var = host(b.bn.running_var.value_sync()).unwrap();
                mean.into_iter().chain(var)
            })
            .collect()
    }

    /// With `blur`, D sees every picture as the Gaussian blur makes it, real
    /// (`forward`) or synthesized (`forward_synthesized`).
    #[test]
    fn a_blurring_d_sees_blurred_pictures() {
        let dev = crate::train::run::device();
        let config = Config::named("tiny").unwrap();
        let mut d = Discriminator::new(&config, 5, &dev);
        let s = config.input_size as usize;
        let pixels: Vec<f32> = (0..2 * 3 * s * s)
            .map(|i| ((i * 7919) % 255) as f32 / 127.5 - 1.0)
            .collect();
        let x = Tensor::<4>::from_data(TensorData::new(pixels, [2, 3, s, s]), &dev);
        let pose = |out: DiscriminatorOut| host(out.pose).unwrap();
        let sharp = pose(d.forward(x.clone()));
        let pre_blurred = pose(d.forward(super::super::blur::gaussian(x.clone(), 1.0)));
        d.blur = 1.0;
        assert_ne!(pose(d.forward(x.clone())), sharp);
        assert_eq!(pose(d.forward(x.clone())), pre_blurred);
        assert_eq!(pose(d.forward_synthesized(x)), pre_blurred);
    }

    /// A training pass on synthesized pictures normalises as a plain one does and leaves
    /// the running statistics alone; a plain pass moves them.
    #[test]
    fn synthesized_pictures_leave_the_running_statistics_alone() {
        let dev = crate::train::run::device();
        let config = Config::named("tiny").unwrap();
        let d = Discriminator::new(&config, 5, &dev);
        let s = config.input_size as usize;
        let pixels: Vec<f32> = (0..4 * 3 * s * s)
            .map(|i| ((i * 7919) % 255) as f32 / 127.5 - 1.0)
            .collect();
        let x = Tensor::<4>::from_data(TensorData::new(pixels, [4, 3, s, s]), &dev);
        let before = statistics(&d);

        let synthesized = host(d.forward_synthesized(x.clone()).pose).unwrap();
        assert_eq!(statistics(&d), before, "a synthesized pass moved them");

        let plain = host(d.forward(x).pose).unwrap();
        let moved = statistics(&d)
            .iter()
            .zip(&before)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(moved > 1e-3, "a plain pass did not move them ({moved})");
        for (a, b) in synthesized.iter().zip(&plain) {
            assert!((a - b).abs() < 1e-5, "{a} against {b}");
        }
    }
}
