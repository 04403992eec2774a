//! The perceptual loss: synthesized pictures compared with their targets in the frozen
//! encoder's activations rather than in pixels, so that the decoder is pushed towards
//! the target's edges and textures where the pixel L1 settles for an average.

use super::losses::masked_l1;
use crate::nets::Trunk;
use burn::module::Module;
use burn::prelude::*;

/// The mean over the encoder's stages ([`Trunk::stage_outputs`]) of the L1 between the
/// activations of `fake` and of `truth`, over the rows of `mask` that are 1. The encoder
/// runs frozen (constant weights, inference batch norm: its running statistics are left
/// as they are), so gradients reach `fake` only.
pub fn perceptual_loss(
    encoder: &Trunk,
    fake: Tensor<4>,
    truth: Tensor<4>,
    mask: &[f32],
    device: &Device,
) -> Tensor<1> {
    let judge = encoder.clone().freeze();
    let ours = judge.stage_outputs(fake);
    let theirs = judge.stage_outputs(truth.detach());
    let stages = ours.len() as f32;
    ours.into_iter()
        .zip(theirs)
        .map(|(a, b)| masked_l1(a, b, mask, device))
        .reduce(|a, b| a + b)
        .expect("the encoder has stages")
        .div_scalar(stages)
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
        let same = perceptual_loss(&trunk, truth.clone(), truth.clone(), &mask, &dev);
        assert_eq!(scalar(&same), 0.0);

        let stats = |t: &Trunk| host(t.blocks[0].bn.running_mean.value());
        let before = stats(&trunk);
        let fake = Tensor::<4>::random([3, 3, s, s], Distribution::Uniform(-1.0, 1.0), &dev)
            .require_grad();
        let loss = perceptual_loss(&trunk, fake.clone(), truth, &mask, &dev);
        assert!(scalar(&loss) > 0.0);
        let grads = loss.backward();
        let g = host(fake.grad(&grads).expect("the fake gets a gradient"));
        let per_row = 3 * s * s;
        assert!(g[..2 * per_row].iter().any(|v| *v != 0.0));
        assert!(g[2 * per_row..].iter().all(|v| *v == 0.0), "masked row");
        assert!(GradientsParams::from_grads(grads, &trunk).is_empty());
        assert_eq!(stats(&trunk), before, "batch-norm statistics kept");
    }
}
