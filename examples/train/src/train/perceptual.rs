//! The losses that read synthesized pictures through the frozen encoder (its weights
//! constant, its batch norm in inference mode, so gradients reach the pictures only):
//! - the perceptual loss compares them with their targets in the encoder's activations
//!   rather than in pixels, so the decoder is pushed towards the target's edges and
//!   textures where the pixel L1 settles for an average;
//! - the identity-keeping loss asks the encoder to find in each of them the features it
//!   was decoded from, so a face keeps its identity at poses that have no target picture.

use super::losses::{l2_normalize, masked_l1};
use crate::nets::Trunk;
use burn::module::Module;
use burn::prelude::*;

/// The frozen encoder's view of a batch of synthesized pictures, computed once for both
/// losses.
pub struct Judged {
    judge: Trunk,
    /// [`Trunk::stage_outputs`] of the pictures.
    stages: Vec<Tensor<4>>,
}

impl Judged {
    /// Runs a frozen copy of `encoder` (its running statistics are left as they are) on
    /// `fake`.
    pub fn new(encoder: &Trunk, fake: Tensor<4>) -> Judged {
        let judge = encoder.clone().freeze();
        let stages = judge.stage_outputs(fake);
        Judged { judge, stages }
    }

    /// The perceptual loss: the mean over the encoder's stages of the L1 between the
    /// activations of the pictures and of `truth`, over the rows of `mask` that are 1.
    pub fn perceptual_loss(&self, truth: Tensor<4>, mask: &[f32], device: &Device) -> Tensor<1> {
        let theirs = self.judge.stage_outputs(truth.detach());
        let stages = theirs.len() as f32;
        self.stages
            .iter()
            .zip(theirs)
            .map(|(a, b)| masked_l1(a.clone(), b, mask, device))
            .reduce(|a, b| a + b)
            .expect("the encoder has stages")
            .div_scalar(stages)
    }

    /// The identity-keeping loss: the mean over rows of 1 − cos(f(picture), code), where
    /// `codes` [N, Nf] are the features each picture was decoded from (held constant).
    pub fn id_keep_loss(&self, codes: Tensor<2>) -> Tensor<1> {
        let [n, nf] = codes.dims();
        let last = self.stages.last().expect("the encoder has stages").clone();
        let seen = self.judge.head(last).slice([0..n, 0..nf]);
        let cos = (l2_normalize(seen) * l2_normalize(codes.detach())).sum_dim(1);
        cos.neg().add_scalar(1.0).mean()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::losses::scalar;
    use burn::optim::GradientsParams;
    use burn::tensor::Distribution;
    use drgan_writer::Config;

    fn host<const D: usize>(t: Tensor<D>) -> Vec<f32> {
        t.into_data().convert::<f32>().try_into_vec().unwrap()
    }

    #[test]
    fn the_stages_end_each_resolution() {
        let c = Config::named("default").unwrap();
        let dev = crate::train::run::device();
        let trunk = Trunk::new(&c, &dev);
        let s = c.input_size as usize;
        let x = Tensor::<4>::zeros([1, 3, s, s], &dev);
        let sizes: Vec<usize> = trunk.stage_outputs(x).iter().map(|t| t.dims()[2]).collect();
        assert_eq!(sizes, [s, s / 2, s / 4, s / 8, s / 16]);
    }

    #[test]
    fn only_the_fake_learns_and_the_encoder_is_left_as_it_is() {
        let c = Config::named("tiny").unwrap();
        let dev = crate::train::run::device();
        let trunk = Trunk::new(&c, &dev);
        let s = c.input_size as usize;
        let truth = Tensor::<4>::random([3, 3, s, s], Distribution::Uniform(-1.0, 1.0), &dev);
        let mask = [1.0, 1.0, 0.0];
        let same = Judged::new(&trunk, truth.clone()).perceptual_loss(truth.clone(), &mask, &dev);
        assert_eq!(scalar(&same), 0.0);

        let stats = |t: &Trunk| host(t.blocks[0].bn.running_mean.value());
        let before = stats(&trunk);
        let fake = Tensor::<4>::random([3, 3, s, s], Distribution::Uniform(-1.0, 1.0), &dev)
            .require_grad();
        let loss = Judged::new(&trunk, fake.clone()).perceptual_loss(truth, &mask, &dev);
        assert!(scalar(&loss) > 0.0);
        let grads = loss.backward();
        let g = host(fake.grad(&grads).expect("the fake gets a gradient"));
        let per_row = 3 * s * s;
        assert!(g[..2 * per_row].iter().any(|v| *v != 0.0));
        assert!(g[2 * per_row..].iter().all(|v| *v == 0.0), "masked row");
        assert!(GradientsParams::from_grads(grads, &trunk).is_empty());
        assert_eq!(stats(&trunk), before, "batch-norm statistics kept");
    }

    #[test]
    fn identity_keeping_is_zero_for_the_pictures_own_features_and_teaches_only_the_picture() {
        let c = Config::named("tiny").unwrap();
        let dev = crate::train::run::device();
        let trunk = Trunk::new(&c, &dev);
        let (s, nf) = (c.input_size as usize, c.feature_dim);
        let fake = Tensor::<4>::random([2, 3, s, s], Distribution::Uniform(-1.0, 1.0), &dev)
            .require_grad();
        let own = trunk
            .clone()
            .freeze()
            .forward(fake.clone())
            .slice([0..2, 0..nf]);
        let judged = Judged::new(&trunk, fake.clone());
        assert!(scalar(&judged.id_keep_loss(own.clone())).abs() < 1e-5);
        assert!((scalar(&judged.id_keep_loss(own.clone().neg())) - 2.0).abs() < 1e-4);

        let other = Tensor::<2>::random([2, nf], Distribution::Normal(0.0, 1.0), &dev);
        let loss = judged.id_keep_loss(other);
        assert!(scalar(&loss) > 0.0);
        let grads = loss.backward();
        let g = host(fake.grad(&grads).expect("the picture gets a gradient"));
        assert!(g.iter().any(|v| *v != 0.0));
        assert!(GradientsParams::from_grads(grads, &trunk).is_empty());
    }
}
