//! One DR-GAN step in three phases: G's forward pass, D's update on G's output (detached),
//! and G's update against the updated D. With `workers` > 1 the batch's identity groups
//! are shared among that many threads in every phase, each part with its own copies of
//! the networks (see `train::parallel`); the gradients are summed.

use super::batch::Batch;
use super::losses::{accuracy, cross_entropy, margin_identity_loss, masked_l1, one_hot, scalar};
use super::options::TrainOptions;
use super::parallel;
use super::perceptual::Judged;
use super::step::{fused_identity, proto, StepStats, Trainer};
use crate::nets::{Discriminator, Encoded, Generator};
use crate::synth::rng::Rng;
use burn::optim::GradientsParams;
use burn::prelude::*;
use burn::tensor::TensorData;
use rayon::prelude::*;

/// A part of the batch after G's forward pass: its own copy of G, whose graph the
/// backward pass of G's update runs through.
struct Forward {
    part: Batch,
    share: f32,
    g: Generator,
    x: Tensor<4>,
    enc: Encoded,
    /// The features each row of `fake` was decoded from.
    codes: Tensor<2>,
    fake: Tensor<4>,
}

impl Trainer {
    /// Trains on `batch`; `step` seeds the noise and picks the D:G schedule.
    pub fn step(&mut self, batch: &Batch, step: u64) -> StepStats {
        let o = &self.options;
        let nz = o.config.noise_dim;
        let m = batch.target_bin.len();
        let mut rng = Rng::new(crate::synth::rng::hash2(o.seed, step));
        let noise: Vec<f32> = (0..m * nz).map(|_| rng.range(-1.0, 1.0)).collect();
        let frozen = o.encoder_frozen_at(step);
        let total = batch.input_class.len() as f32;
        let forwards: Vec<Forward> = split_with_noise(batch, noise, nz, o.workers)
            .into_par_iter()
            .map(|(part, noise)| {
                let share = part.input_class.len() as f32 / total;
                forward(&self.g, part, noise, share, frozen, o, &self.device)
            })
            .collect();

        let mut stats = StepStats::default();
        // With the adversarial weight at 0 G is a pose-conditioned autoencoder; D learns
        // beside it only from `d_from` on (it is neither run nor updated otherwise).
        let d_strong = self.d_acc_ema > o.strong_d;
        stats.d_step = o.d_learns_at(step) && !(d_strong && step % 2 == 1);
        if stats.d_step {
            let share = |f: &Forward| f.share;
            let (grads, parts) = parallel::sum_gradients(&self.d, &forwards, share, |d, f| {
                d_loss(d, f, o, &self.device)
            });
            let d_stats = StepStats::weighted(&parts);
            (stats.d_loss, stats.d_real_acc, stats.d_fake_acc) =
                (d_stats.d_loss, d_stats.d_real_acc, d_stats.d_fake_acc);
            let (lr, head_lr) = (o.d_lr_at(step), o.d_head_lr_at(step));
            if head_lr == lr {
                self.d = self.opt_d.step(lr, self.d.clone(), grads);
            } else {
                let (trunk, head) = split_head_gradients(&self.d, grads);
                self.d = self.opt_d.step(lr, self.d.clone(), trunk);
                self.d = self.opt_d.step(head_lr, self.d.clone(), head);
            }
            self.d_acc_ema = 0.95 * self.d_acc_ema + 0.05 * stats.d_real_acc;
        }

        let o = &self.options;
        let adv_weight = o.adv_weight_at(step);
        let d = &self.d;
        let results: Vec<Option<(GradientsParams, f32, StepStats)>> = forwards
            .into_par_iter()
            .map(|f| {
                let d = (adv_weight > 0.0).then(|| parallel::own_copy(d));
                let (loss, s) = g_loss(&f, d.as_ref(), adv_weight, frozen, o, &self.device)?;
                let grads = loss.mul_scalar(f.share).backward();
                Some((GradientsParams::from_grads(grads, &f.g), f.share, s))
            })
            .collect();
        let (grads, parts) = parallel::sum_parts(&self.g, results.into_iter().flatten().collect());
        if parts.is_empty() {
            // Every term is off (checked when the options are parsed): nothing to learn.
            return stats;
        }
        let g_stats = StepStats::weighted(&parts);
        (stats.g_adv, stats.rec, stats.perceptual, stats.id_keep) = (
            g_stats.g_adv,
            g_stats.rec,
            g_stats.perceptual,
            g_stats.id_keep,
        );
        (stats.id_aux, stats.proto) = (g_stats.id_aux, g_stats.proto);
        self.g = self
            .opt_g
            .step(self.options.lr_at(step), self.g.clone(), grads);
        stats
    }
}

/// The batch in `workers` parts of whole groups, each with its targets' rows of `noise`
/// (`nz` values per target).
fn split_with_noise(
    batch: &Batch,
    noise: Vec<f32>,
    nz: usize,
    workers: usize,
) -> Vec<(Batch, Vec<f32>)> {
    batch
        .split(workers)
        .into_iter()
        .zip(batch.target_rows(workers))
        .map(|(part, rows)| {
            let rows = rows
                .iter()
                .flat_map(|&t| &noise[t * nz..(t + 1) * nz])
                .copied()
                .collect();
            (part, rows)
        })
        .collect()
}

/// G's forward pass on `part` with a copy of `g` of its own.
fn forward(
    g: &Generator,
    part: Batch,
    noise: Vec<f32>,
    share: f32,
    frozen: bool,
    o: &TrainOptions,
    dev: &Device,
) -> Forward {
    let c = &o.config;
    let (s, np, nz) = (c.input_size as usize, c.pose_yaws.len(), c.noise_dim);
    let n = part.input_class.len();
    let m = part.target_bin.len();
    let g = parallel::own_copy(g);
    let x = Tensor::<4>::from_data(TensorData::new(part.inputs.clone(), [n, 3, s, s]), dev);
    let noise = Tensor::<2>::from_data(TensorData::new(noise, [m, nz]), dev);
    let enc = if frozen {
        g.encode_frozen(x.clone())
    } else {
        g.encode(x.clone())
    };
    let codes = if part.group > 1 {
        Tensor::cat(
            vec![enc.identity.clone(), Generator::fuse(&enc, part.group)],
            0,
        )
    } else {
        enc.identity.clone()
    };
    let fake = g
        .decoder
        .forward(codes.clone(), one_hot(&part.target_bin, np, dev), noise);
    Forward {
        part,
        share,
        g,
        x,
        enc,
        codes,
        fake,
    }
}

/// D's summed gradients split into those of its trunk and those of its last layer (the
/// FC to identity, "synthesized" and pose logits), for the two learning rates of
/// `--d-head-lr-scale`.
fn split_head_gradients(
    d: &Discriminator,
    mut grads: GradientsParams,
) -> (GradientsParams, GradientsParams) {
    let mut head = GradientsParams::new();
    let weight = d.fc.weight.id;
    if let Some(g) = grads.remove::<2>(weight) {
        head.register(weight, g);
    }
    if let Some(bias) = &d.fc.bias {
        if let Some(g) = grads.remove::<1>(bias.id) {
            head.register(bias.id, g);
        }
    }
    (grads, head)
}

/// D's loss on a part: identity (with the "synthesized" class) and pose of the real
/// input pictures, and "synthesized" for G's output, detached (times `d_fake_weight`).
fn d_loss(
    d: &Discriminator,
    f: &Forward,
    o: &TrainOptions,
    dev: &Device,
) -> (Tensor<1>, StepStats) {
    let nd = d.identities;
    let np = o.config.pose_yaws.len();
    let real = d.forward(f.x.clone());
    let gen = d.forward_synthesized(f.fake.clone().detach());
    let fake_class = vec![nd; f.part.target_bin.len()];
    let loss = cross_entropy(
        real.identity.clone(),
        one_hot(&f.part.input_class, nd + 1, dev),
    ) + cross_entropy(real.pose, one_hot(&f.part.input_bin, np, dev))
        + cross_entropy(gen.identity.clone(), one_hot(&fake_class, nd + 1, dev))
            .mul_scalar(o.d_fake_weight);
    let stats = StepStats {
        d_real_acc: accuracy(&real.identity, &f.part.input_class),
        d_fake_acc: accuracy(&gen.identity, &fake_class),
        d_loss: scalar(&loss),
        ..StepStats::default()
    };
    (loss, stats)
}

/// G's loss on a part: the weighted sum of the terms that are on (adversarial against
/// `d` when given, reconstruction, perceptual and identity keeping, and the encoder's
/// own unless it is frozen); `None` when every term is off.
fn g_loss(
    f: &Forward,
    d: Option<&Discriminator>,
    adv_weight: f32,
    frozen: bool,
    o: &TrainOptions,
    dev: &Device,
) -> Option<(Tensor<1>, StepStats)> {
    let s = o.config.input_size as usize;
    let np = o.config.pose_yaws.len();
    let part = &f.part;
    let mut stats = StepStats::default();
    let mut terms: Vec<Tensor<1>> = Vec::new();
    if let Some(d) = d {
        let nd = d.identities;
        let gen = d.forward_synthesized(f.fake.clone());
        let adv = cross_entropy(gen.identity, one_hot(&part.target_class, nd + 1, dev))
            + cross_entropy(gen.pose, one_hot(&part.target_bin, np, dev));
        stats.g_adv = scalar(&adv);
        terms.push(adv.mul_scalar(adv_weight));
    }
    let judged = (o.perceptual_weight > 0.0 || o.id_keep_weight > 0.0)
        .then(|| Judged::new(&f.g.encoder, f.fake.clone()));
    if o.rec_weight > 0.0 || o.perceptual_weight > 0.0 {
        let m = part.target_bin.len();
        let truth = Tensor::<4>::from_data(TensorData::new(part.truth.clone(), [m, 3, s, s]), dev);
        if o.rec_weight > 0.0 {
            let rec = masked_l1(f.fake.clone(), truth.clone(), &part.truth_mask, dev);
            stats.rec = scalar(&rec);
            terms.push(rec.mul_scalar(o.rec_weight));
        }
        if let Some(judged) = judged.as_ref().filter(|_| o.perceptual_weight > 0.0) {
            let p = judged.perceptual_loss(truth, &part.truth_mask, dev);
            stats.perceptual = scalar(&p);
            terms.push(p.mul_scalar(o.perceptual_weight));
        }
    }
    if let Some(judged) = judged.as_ref().filter(|_| o.id_keep_weight > 0.0) {
        let keep = judged.id_keep_loss(f.codes.clone());
        stats.id_keep = scalar(&keep);
        terms.push(keep.mul_scalar(o.id_keep_weight));
    }
    // The encoder's own losses, unless it is frozen.
    if !frozen {
        if let Some(p) = proto(&f.enc.identity, part, o, dev) {
            stats.proto = scalar(&p);
            terms.push(p.mul_scalar(o.proto_weight));
        }
        if let Some(f) = fused_identity(&f.g, &f.enc, part, o, dev) {
            terms.push(f.mul_scalar(o.fused_id_weight));
        }
        if o.id_weight > 0.0 {
            let (aux, _) = margin_identity_loss(
                &f.g.id_head,
                f.enc.identity.clone(),
                &part.input_class,
                o.id_margin,
                o.id_scale,
                dev,
            );
            stats.id_aux = scalar(&aux);
            terms.push(aux.mul_scalar(o.id_weight));
        }
    }
    let loss = terms.into_iter().reduce(|a, b| a + b)?;
    Some((loss, stats))
}
