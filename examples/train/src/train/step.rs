//! The trainer: the networks and their Adam states, the encoder warm-up step, and the
//! losses it shares with the DR-GAN step (`train::gan_step`: a discriminator update,
//! skipped every other step while D is strong, and a generator update).

use super::batch::Batch;
use super::losses::{accuracy, margin_identity_loss, prototype_loss, scalar};
use super::options::{DInit, TrainOptions};
use super::parallel;
use crate::nets::{Discriminator, Encoded, Generator};
use burn::optim::{AdamConfig, ModuleOptimizer};
use burn::prelude::*;
use burn::tensor::TensorData;

/// Losses and accuracies of one step (host values, for logs).
#[derive(Clone, Copy, Debug, Default)]
pub struct StepStats {
    /// D: identity + pose on real pictures + "synthesized" on generated ones.
    pub d_loss: f32,
    /// G's adversarial terms: input identity + target pose on generated pictures.
    pub g_adv: f32,
    /// L1 to the picture at the target pose.
    pub rec: f32,
    /// The perceptual loss to the picture at the target pose.
    pub perceptual: f32,
    /// The identity-keeping loss: 1 − cos(f(synthesized), the features it came from).
    pub id_keep: f32,
    /// Softmax identity loss on the encoder's features.
    pub id_aux: f32,
    /// Prototype (group-matching) loss on the encoder's features.
    pub proto: f32,
    /// D's identity accuracy on real pictures.
    pub d_real_acc: f32,
    /// Share of generated pictures D calls "synthesized".
    pub d_fake_acc: f32,
    /// Whether D was updated this step.
    pub d_step: bool,
}

/// The networks being trained and their optimizers.
pub struct Trainer {
    pub g: Generator,
    pub d: Discriminator,
    pub opt_g: ModuleOptimizer,
    pub opt_d: ModuleOptimizer,
    pub device: Device,
    pub options: TrainOptions,
    /// Running mean of D's real-identity accuracy (the adaptive D:G ratio's signal).
    pub d_acc_ema: f32,
}

fn adam() -> ModuleOptimizer {
    AdamConfig::new().with_beta_1(0.5).init()
}

impl Trainer {
    /// Fresh networks (N(0, 0.02) weights) for `classes` training identities. A run from
    /// a bundle (`--init-from`) gets an encoder with fixed batch-norm statistics
    /// ([`crate::nets::Trunk::with_fixed_statistics`]), and so does D's trunk when D
    /// starts as a copy of that encoder (`--d-init encoder`); a resumed run's networks
    /// get the same modes before its checkpoint loads.
    pub fn new(options: TrainOptions, classes: usize, device: Device) -> Trainer {
        let c = &options.config;
        let mut g = Generator::new(c, classes, &device);
        g.decoder.pose_scale = options.pose_scale;
        let mut d = Discriminator::new(c, classes, &device);
        d.blur = options.d_blur;
        if options.init_from.is_some() {
            g.encoder = g.encoder.with_fixed_statistics();
            if options.d_init == DInit::Encoder {
                d.trunk = d.trunk.with_fixed_statistics();
            }
        }
        Trainer {
            g,
            d,
            opt_g: adam(),
            opt_d: adam(),
            device,
            options,
            d_acc_ema: 0.0,
        }
    }

    /// Encoder warm-up: trains only the encoder (and its identity classifier) on `batch`
    /// with the softmax identity loss; the decoder and D are untouched. About six times
    /// cheaper per picture than [`Trainer::step`], so a CPU run learns identity first.
    /// Once the encoder is frozen (`--freeze-encoder-from`) only the classifier learns,
    /// on the features as exported. With `workers` > 1 the batch's groups are shared among
    /// that many threads ([`parallel::gradients`]).
    pub fn warmup_step(&mut self, batch: &Batch, step: u64) -> StepStats {
        let (o, dev) = (&self.options, &self.device);
        let frozen = o.encoder_frozen_at(step);
        let (grads, parts) = parallel::gradients(&self.g, batch, o.workers, |g, part| {
            warmup_loss(g, part, frozen, o, dev)
        });
        let lr = o.lr_at(step);
        self.g = self.opt_g.step(lr, self.g.clone(), grads);
        StepStats::weighted(&parts)
    }

    /// The mean length of the encoder's features of `batch`'s pictures, as exported
    /// (inference batch norm): what the decoder's scaled pose code sits beside.
    pub fn mean_feature_norm(&self, batch: &Batch) -> Result<f32, String> {
        let s = self.options.config.input_size as usize;
        let n = batch.input_class.len();
        let x = Tensor::<4>::from_data(
            TensorData::new(batch.inputs.clone(), [n, 3, s, s]),
            &self.device,
        );
        let features = self.g.valid().encode(x).identity;
        let norms = crate::nets::host(features.powf_scalar(2.0).sum_dim(1).sqrt())?;
        Ok(norms.iter().sum::<f32>() / n.max(1) as f32)
    }

    /// Restarts D as a copy of the encoder ([`Discriminator::with_encoder_of`]) with a
    /// fresh Adam state: `--d-init encoder`, at D's first step.
    pub fn start_d_from_encoder(&mut self) -> Result<(), String> {
        self.d = self.d.clone().with_encoder_of(&self.g)?;
        self.opt_d = adam();
        self.d_acc_ema = 0.0;
        Ok(())
    }
}

/// The warm-up's loss on `batch` for `g`: the identity loss on the encoder's features,
/// plus the prototype loss when it is on; with the encoder `frozen`, on its features as
/// exported, so that only the identity classifier learns.
fn warmup_loss(
    g: &Generator,
    batch: &Batch,
    frozen: bool,
    o: &TrainOptions,
    dev: &Device,
) -> (Tensor<1>, StepStats) {
    let s = o.config.input_size as usize;
    let n = batch.input_class.len();
    let x = Tensor::<4>::from_data(TensorData::new(batch.inputs.clone(), [n, 3, s, s]), dev);
    let enc = if frozen {
        g.encode_frozen(x)
    } else {
        g.encode(x)
    };
    let (mut loss, logits) = margin_identity_loss(
        &g.id_head,
        enc.identity.clone(),
        &batch.input_class,
        o.id_margin,
        o.id_scale,
        dev,
    );
    let mut stats = StepStats {
        d_real_acc: accuracy(&logits, &batch.input_class),
        id_aux: scalar(&loss),
        ..StepStats::default()
    };
    if let Some(p) = proto(&enc.identity, batch, o, dev) {
        stats.proto = scalar(&p);
        loss = loss + p.mul_scalar(o.proto_weight);
    }
    if let Some(f) = fused_identity(g, &enc, batch, o, dev) {
        loss = loss + f.mul_scalar(o.fused_id_weight);
    }
    (loss, stats)
}

/// The fused identity loss (`--fused-id-weight`) on `batch`'s groups, when it is on and
/// groups have 2+ pictures: each group's Σωᵢfᵢ / Σωᵢ through the identity classifier.
pub(super) fn fused_identity(
    g: &Generator,
    enc: &Encoded,
    batch: &Batch,
    o: &TrainOptions,
    dev: &Device,
) -> Option<Tensor<1>> {
    if o.fused_id_weight <= 0.0 || batch.group < 2 {
        return None;
    }
    let fused = Generator::fuse(enc, batch.group);
    let labels: Vec<usize> = batch
        .input_class
        .iter()
        .step_by(batch.group)
        .copied()
        .collect();
    let (loss, _) = margin_identity_loss(&g.id_head, fused, &labels, o.id_margin, o.id_scale, dev);
    Some(loss)
}

/// The prototype loss on the features of `batch`, when it is on and groups have 2+.
pub(super) fn proto(
    features: &Tensor<2>,
    batch: &Batch,
    o: &TrainOptions,
    dev: &Device,
) -> Option<Tensor<1>> {
    (o.proto_weight > 0.0 && batch.group > 1 && batch.groups > 1)
        .then(|| prototype_loss(features.clone(), batch.group, 10.0, dev))
}

impl StepStats {
    /// The statistics of a step made of parts: each figure the parts' mean weighted by
    /// their shares of the batch; D stepped if it stepped in any.
    pub fn weighted(parts: &[(f32, StepStats)]) -> StepStats {
        let mean = |f: fn(&StepStats) -> f32| parts.iter().map(|(w, s)| w * f(s)).sum();
        StepStats {
            d_loss: mean(|s| s.d_loss),
            g_adv: mean(|s| s.g_adv),
            rec: mean(|s| s.rec),
            perceptual: mean(|s| s.perceptual),
            id_keep: mean(|s| s.id_keep),
            id_aux: mean(|s| s.id_aux),
            proto: mean(|s| s.proto),
            d_real_acc: mean(|s| s.d_real_acc),
            d_fake_acc: mean(|s| s.d_fake_acc),
            d_step: parts.iter().any(|(_, s)| s.d_step),
        }
    }

    /// The first loss that is not a finite number, with its name: the weights it came
    /// from (or that its gradients reach) are broken.
    pub fn non_finite(&self) -> Option<(&'static str, f32)> {
        [
            ("D", self.d_loss),
            ("G adversarial", self.g_adv),
            ("reconstruction", self.rec),
            ("perceptual", self.perceptual),
            ("identity keeping", self.id_keep),
            ("identity", self.id_aux),
            ("prototype", self.proto),
        ]
        .into_iter()
        .find(|(_, v)| !v.is_finite())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nets::host;
    use crate::synth::rng::Rng;
    use crate::train::batch::BatchSpec;
    use crate::train::data::{Dataset, Scene};
    use crate::train::losses::one_hot;
    use drgan_writer::Config;

    /// D's identity logits and G's encoder features on `batch`, in inference mode.
    fn outputs(t: &Trainer, batch: &Batch) -> (Vec<f32>, Vec<f32>) {
        let s = t.options.config.input_size as usize;
        let n = batch.input_class.len();
        let x = Tensor::<4>::from_data(
            TensorData::new(batch.inputs.clone(), [n, 3, s, s]),
            &t.device,
        );
        let d = t.d.valid().forward(x.clone()).identity.into_data();
        let g = t.g.valid().encode(x).identity.into_data();
        (
            d.try_to_vec::<f32>().unwrap(),
            g.try_to_vec::<f32>().unwrap(),
        )
    }

    fn trainer_and_batch(adv_weight: f32) -> (Trainer, Batch) {
        trainer_and_groups(adv_weight, 2)
    }

    /// A tiny trainer and a batch of `groups` groups of 2 pictures.
    fn trainer_and_groups(adv_weight: f32, groups: usize) -> (Trainer, Batch) {
        let mut o = TrainOptions::new(Config::named("tiny").unwrap());
        o.adv_weight = adv_weight;
        let s = o.config.input_size as usize;
        let data = Dataset::synthetic(2, 1, Scene::PerVariation, &o.config.pose_yaws, s, 1, |_| {})
            .unwrap();
        let spec = BatchSpec {
            groups,
            group: 2,
            max_shift: 1,
            flip: true,
            truths: true,
            augment: 0.0,
            known_targets: 0.0,
        };
        let batch = data.batch(&spec, &mut Rng::new(3));
        let t = Trainer::new(o, data.classes, crate::train::run::device());
        (t, batch)
    }

    #[test]
    fn adversarial_weight_zero_leaves_the_discriminator_alone() {
        let (mut t, batch) = trainer_and_batch(0.0);
        let (d0, g0) = outputs(&t, &batch);
        let stats = t.step(&batch, 0);
        assert!(!stats.d_step);
        assert_eq!((stats.d_loss, stats.g_adv), (0.0, 0.0));
        assert!(stats.rec > 0.0);
        let (d1, g1) = outputs(&t, &batch);
        assert_eq!(d0, d1, "D must not change");
        assert_ne!(g0, g1, "G must learn");

        let (mut t, batch) = trainer_and_batch(1.0);
        let (d0, _) = outputs(&t, &batch);
        let stats = t.step(&batch, 0);
        assert!(stats.d_step && stats.g_adv > 0.0);
        assert_ne!(d0, outputs(&t, &batch).0, "D must learn");
    }

    #[test]
    fn a_frozen_encoder_stays_as_it_is_while_the_decoder_learns() {
        let (mut t, batch) = trainer_and_batch(0.0);
        t.options.proto_weight = 1.0;
        t.options.freeze_encoder_from = Some(1);
        let decoded = |t: &Trainer| {
            let dev = &t.device;
            let c = &t.options.config;
            let codes = Tensor::<2>::ones([1, c.feature_dim], dev);
            let noise = Tensor::<2>::zeros([1, c.noise_dim], dev);
            let pose = one_hot(&[0], c.pose_yaws.len(), dev);
            let out = t.g.valid().decoder.forward(codes, pose, noise);
            out.into_data().try_to_vec::<f32>().unwrap()
        };
        let classifier = |t: &Trainer| t.g.id_head.weight.val().into_data();
        let (_, g0) = outputs(&t, &batch);
        let stats = t.step(&batch, 0);
        assert!(stats.id_aux > 0.0 && stats.proto > 0.0);
        let (_, g1) = outputs(&t, &batch);
        assert_ne!(g0, g1, "the encoder learns before the freeze");
        let (d1, c1) = (decoded(&t), classifier(&t));
        for step in 1..3 {
            let stats = t.step(&batch, step);
            assert!(stats.rec > 0.0);
            assert_eq!((stats.id_aux, stats.proto), (0.0, 0.0));
        }
        // Features in inference mode: the weights and the batch-norm statistics are kept.
        assert_eq!(outputs(&t, &batch).1, g1, "the encoder must not change");
        assert_eq!(classifier(&t), c1, "nor its identity classifier");
        assert_ne!(decoded(&t), d1, "the decoder learns");
    }

    #[test]
    fn the_perceptual_loss_alone_teaches_the_decoder() {
        let (mut t, batch) = trainer_and_batch(0.0);
        t.options.rec_weight = 0.0;
        t.options.perceptual_weight = 1.0;
        t.options.freeze_encoder_from = Some(0);
        let (d0, g0) = outputs(&t, &batch);
        let decoder = |t: &Trainer| t.g.decoder.fc.weight.val().into_data();
        let before = decoder(&t);
        for step in 0..2 {
            let stats = t.step(&batch, step);
            assert!(stats.perceptual > 0.0 && stats.rec == 0.0 && !stats.d_step);
        }
        assert_ne!(decoder(&t), before, "the decoder learns");
        assert_eq!(outputs(&t, &batch), (d0, g0), "D and the encoder stay");
    }

    #[test]
    fn identity_keeping_alone_teaches_the_decoder() {
        let (mut t, mut batch) = trainer_and_batch(0.0);
        // A fresh encoder finds about one direction in every picture (their common
        // brightness); warm-up steps learn the batch norms' means, which take it away.
        for step in 0..30 {
            t.warmup_step(&batch, step);
        }
        t.options.rec_weight = 0.0;
        t.options.id_keep_weight = 1.0;
        t.options.freeze_encoder_from = Some(0);
        // No picture at any target pose: identity keeping still has every row.
        batch.truth_mask.iter_mut().for_each(|m| *m = 0.0);
        let (d0, g0) = outputs(&t, &batch);
        let decoder = |t: &Trainer| t.g.decoder.fc.weight.val().into_data();
        let before = decoder(&t);
        for step in 0..2 {
            let stats = t.step(&batch, step);
            // Well above the f32 rounding of 1 − cos (about 1e-7), where its gradient is 0.
            assert!(stats.id_keep > 1e-6, "{stats:?}");
            assert!(stats.perceptual == 0.0 && stats.rec == 0.0, "{stats:?}");
        }
        assert_ne!(decoder(&t), before, "the decoder learns");
        assert_eq!(outputs(&t, &batch), (d0, g0), "D and the encoder stay");
    }

    #[test]
    fn the_discriminator_starts_at_adv_from() {
        let (mut t, batch) = trainer_and_batch(1.0);
        t.options.adv_from = 2;
        let (d0, _) = outputs(&t, &batch);
        let stats = t.step(&batch, 1);
        assert!(!stats.d_step && stats.g_adv == 0.0);
        assert_eq!(d0, outputs(&t, &batch).0, "D must wait for step 2");
        let stats = t.step(&batch, 2);
        assert!(stats.d_step && stats.g_adv > 0.0);
        assert_ne!(d0, outputs(&t, &batch).0, "D must learn from step 2 on");
    }

    /// A trainer with `t`'s networks, fresh Adam states and `options`.
    fn twin(t: &Trainer, options: TrainOptions) -> Trainer {
        Trainer {
            g: t.g.clone(),
            d: t.d.clone(),
            opt_g: adam(),
            opt_d: adam(),
            device: t.device.clone(),
            options,
            d_acc_ema: 0.0,
        }
    }

    #[test]
    fn d_from_trains_the_discriminator_without_touching_the_generator() {
        let (mut early, batch) = trainer_and_batch(1.0);
        early.options.adv_from = 3;
        early.options.d_from = Some(1);
        let mut late = twin(
            &early,
            TrainOptions {
                d_from: None,
                ..early.options.clone()
            },
        );
        let (d0, _) = outputs(&early, &batch);
        assert!(!early.step(&batch, 0).d_step, "D waits for d_from");
        assert!(!late.step(&batch, 0).d_step);
        assert_eq!(d0, outputs(&early, &batch).0);
        let stats = early.step(&batch, 1);
        assert!(stats.d_step && stats.d_loss > 0.0 && stats.g_adv == 0.0);
        assert!(!late.step(&batch, 1).d_step);
        assert_ne!(d0, outputs(&early, &batch).0, "D learns from d_from on");
        assert_eq!(
            outputs(&early, &batch).1,
            outputs(&late, &batch).1,
            "G must not see D before adv_from"
        );
    }

    #[test]
    fn d_lr_scale_slows_the_discriminator_and_leaves_the_generator_alone() {
        let (mut full, batch) = trainer_and_batch(1.0);
        full.options.adv_from = 3;
        full.options.d_from = Some(0);
        let mut scaled = twin(
            &full,
            TrainOptions {
                d_lr_scale: 0.1,
                ..full.options.clone()
            },
        );
        let d0 = host(full.d.fc.weight.val()).unwrap();
        assert!(full.step(&batch, 0).d_step && scaled.step(&batch, 0).d_step);
        let moved = |t: &Trainer| {
            let d = host(t.d.fc.weight.val()).unwrap();
            d.iter().zip(&d0).map(|(a, b)| (a - b).abs()).sum::<f32>()
        };
        // Adam's first step moves each weight by about the learning rate.
        let ratio = moved(&scaled) / moved(&full);
        assert!((0.05..0.2).contains(&ratio), "D moved {ratio} as far");
        assert_eq!(
            outputs(&full, &batch).1,
            outputs(&scaled, &batch).1,
            "G learns at its own rate"
        );
    }

    /// With `--d-head-lr-scale`, D's last layer learns at its own rate and the trunk at
    /// `--d-lr-scale`'s.
    #[test]
    fn d_head_lr_scale_moves_the_last_layer_at_its_own_rate() {
        let (mut slow, batch) = trainer_and_batch(1.0);
        slow.options.adv_from = 3;
        slow.options.d_from = Some(0);
        slow.options.d_lr_scale = 0.1;
        let mut split = twin(
            &slow,
            TrainOptions {
                d_head_lr_scale: Some(1.0),
                ..slow.options.clone()
            },
        );
        let fc0 = host(slow.d.fc.weight.val()).unwrap();
        let conv0 = host(slow.d.trunk.last.weight.val()).unwrap();
        assert!(slow.step(&batch, 0).d_step && split.step(&batch, 0).d_step);
        let moved = |now: Vec<f32>, before: &[f32]| {
            now.iter()
                .zip(before)
                .map(|(a, b)| (a - b).abs())
                .sum::<f32>()
        };
        let fc = |t: &Trainer| moved(host(t.d.fc.weight.val()).unwrap(), &fc0);
        let conv = |t: &Trainer| moved(host(t.d.trunk.last.weight.val()).unwrap(), &conv0);
        let head_ratio = fc(&split) / fc(&slow);
        assert!(
            (5.0..20.0).contains(&head_ratio),
            "the FC moved {head_ratio}x"
        );
        let trunk_ratio = conv(&split) / conv(&slow);
        assert!(
            (0.99..1.01).contains(&trunk_ratio),
            "the trunk moved {trunk_ratio}x"
        );
    }

    #[test]
    fn d_fake_weight_scales_only_the_synthesized_term() {
        let (t, batch) = trainer_and_batch(1.0);
        let d_loss = |weight: f32| {
            let mut t = twin(
                &t,
                TrainOptions {
                    adv_from: 3,
                    d_from: Some(0),
                    d_fake_weight: weight,
                    ..t.options.clone()
                },
            );
            t.step(&batch, 0).d_loss
        };
        // D's loss is real + pose + W x synthesized, all from the same networks.
        let (full, half, quarter) = (d_loss(1.0), d_loss(0.5), d_loss(0.25));
        let synthesized = 2.0 * (full - half);
        assert!(synthesized > 0.1, "{full} {half} {quarter}");
        let expected = half - 0.25 * synthesized;
        assert!(
            (quarter - expected).abs() < 1e-3 * full,
            "{quarter} against {expected}"
        );
    }

    #[test]
    fn the_mean_feature_norm_is_that_of_the_exported_encoders_features() {
        let (t, batch) = trainer_and_batch(1.0);
        let nf = t.options.config.feature_dim;
        let (_, features) = outputs(&t, &batch);
        let norms: Vec<f32> = features
            .chunks(nf)
            .map(|f| f.iter().map(|v| v * v).sum::<f32>().sqrt())
            .collect();
        let want = norms.iter().sum::<f32>() / norms.len() as f32;
        let got = t.mean_feature_norm(&batch).unwrap();
        assert!(
            want > 0.0 && (got - want).abs() < 1e-4 * want,
            "{got} against {want}"
        );
    }

    #[test]
    fn d_can_start_as_a_copy_of_the_encoder() {
        let (mut t, batch) = trainer_and_batch(1.0);
        t.options.adv_from = 3;
        t.options.d_from = Some(0);
        let mut twin = twin(&t, t.options.clone());
        t.start_d_from_encoder().unwrap();
        // D's real-identity logits are now the encoder's classifier on its features.
        let (d, g) = outputs(&t, &batch);
        let nd = t.d.identities;
        let s = t.options.config.input_size as usize;
        let x = Tensor::<4>::from_data(
            TensorData::new(batch.inputs.clone(), [batch.input_class.len(), 3, s, s]),
            &t.device,
        );
        let classifier = t.g.valid().id_head.forward(t.g.valid().encode(x).identity);
        let classifier = classifier.into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(g, outputs(&twin, &batch).1, "G is unchanged");
        for (row, want) in d.chunks(nd + 1).zip(classifier.chunks(nd)) {
            for (a, b) in row[..nd].iter().zip(want) {
                assert!((a - b).abs() < 1e-4, "{a} vs {b}");
            }
        }
        // D's copy is its own: training D (and G beside it) leaves G as the twin's G.
        assert!(t.step(&batch, 0).d_step);
        twin.step(&batch, 0);
        assert_eq!(outputs(&t, &batch).1, outputs(&twin, &batch).1);
        assert_ne!(d, outputs(&t, &batch).0, "D learns");

        let mut small = Trainer::new(t.options.clone(), nd + 1, t.device.clone());
        small.g = Generator::new(&t.options.config, nd, &t.device);
        assert!(small.start_d_from_encoder().is_err(), "class counts differ");
    }

    #[test]
    fn two_workers_train_every_network_they_should() {
        // Two parts of two groups each, so that each part has a prototype loss.
        let (mut t, batch) = trainer_and_groups(1.0, 4);
        t.options.workers = 2;
        t.options.proto_weight = 1.0;
        let (d0, g0) = outputs(&t, &batch);
        let stats = t.warmup_step(&batch, 0);
        assert!(stats.id_aux > 0.0 && stats.proto > 0.0 && stats.d_real_acc >= 0.0);
        let (d1, g1) = outputs(&t, &batch);
        assert_eq!(d0, d1, "the warm-up leaves D alone");
        assert_ne!(g0, g1, "the encoder learns");
        let stats = t.step(&batch, 1);
        assert!(stats.d_step && stats.d_loss > 0.0 && stats.g_adv > 0.0 && stats.rec > 0.0);
        assert!(stats.id_aux > 0.0 && stats.proto > 0.0);
        let (d2, g2) = outputs(&t, &batch);
        assert_ne!(d1, d2, "D learns");
        assert_ne!(g1, g2, "G learns");
        t.options.freeze_encoder_from = Some(2);
        for step in 2..4 {
            let stats = t.step(&batch, step);
            assert!(stats.rec > 0.0 && stats.id_aux == 0.0);
        }
        assert_eq!(outputs(&t, &batch).1, g2, "a frozen encoder stays");
    }

    #[test]
    fn a_frozen_warm_up_trains_the_identity_classifier_alone() {
        let (mut t, batch) = trainer_and_groups(0.0, 4);
        (t.options.workers, t.options.fused_id_weight) = (2, 1.0);
        t.options.freeze_encoder_from = Some(0);
        let head = |t: &Trainer| host(t.g.id_head.weight.val()).unwrap();
        let (d0, g0) = outputs(&t, &batch);
        let head0 = head(&t);
        for step in 0..2 {
            let stats = t.warmup_step(&batch, step);
            assert!(stats.id_aux > 0.0);
        }
        assert_eq!(outputs(&t, &batch), (d0, g0), "the encoder and D stay");
        assert_ne!(head(&t), head0, "the classifier learns");
    }

    #[test]
    fn only_the_fused_identity_loss_teaches_the_confidence() {
        // ω is the last output channel of the encoder's last convolution: no other
        // warm-up term reaches its weights.
        let omega = |t: &Trainer| {
            let w = t.g.encoder.last.weight.val();
            let [out, ..] = w.dims();
            let w = w.into_data().try_to_vec::<f32>().unwrap();
            let per = w.len() / out;
            w[(out - 1) * per..].to_vec()
        };
        for weight in [0.0, 1.0] {
            let (mut t, batch) = trainer_and_batch(0.0);
            t.options.fused_id_weight = weight;
            let before = omega(&t);
            t.warmup_step(&batch, 0);
            assert_eq!(omega(&t) != before, weight > 0.0, "weight {weight}");
        }
    }
}
