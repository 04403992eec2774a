//! One DR-GAN training step: a discriminator update (skipped every other step while D is
//! strong) and a generator update. Owns the networks and their Adam states.

use super::batch::Batch;
use super::losses::{
    accuracy, cosine_logits, cross_entropy, identity_loss, masked_l1, one_hot, prototype_loss,
    scalar,
};
use super::options::TrainOptions;
use crate::nets::{Discriminator, Encoded, Generator};
use crate::synth::rng::Rng;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
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
    /// Fresh networks (N(0, 0.02) weights) for `classes` training identities.
    pub fn new(options: TrainOptions, classes: usize, device: Device) -> Trainer {
        let c = &options.config;
        Trainer {
            g: Generator::new(c, classes, &device),
            d: Discriminator::new(c, classes, &device),
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
    pub fn warmup_step(&mut self, batch: &Batch, step: u64) -> StepStats {
        let dev = self.device.clone();
        let s = self.options.config.input_size as usize;
        let n = batch.input_class.len();
        let x = Tensor::<4>::from_data(TensorData::new(batch.inputs.clone(), [n, 3, s, s]), &dev);
        let enc = self.g.encode(x);
        let logits = self.id_logits(enc.identity.clone());
        let mut stats = StepStats {
            d_real_acc: accuracy(&logits, &batch.input_class),
            ..StepStats::default()
        };
        let mut loss = identity_loss(logits, &batch.input_class, self.options.id_margin, &dev);
        stats.id_aux = scalar(&loss);
        if let Some(p) = self.proto(&enc.identity, batch) {
            stats.proto = scalar(&p);
            loss = loss + p.mul_scalar(self.options.proto_weight);
        }
        let grads = GradientsParams::from_grads(loss.backward(), &self.g);
        let lr = self.options.lr_at(step);
        self.g = self.opt_g.step(lr, self.g.clone(), grads);
        stats
    }

    /// Restarts D as a copy of the encoder ([`Discriminator::with_encoder_of`]) with a
    /// fresh Adam state: `--d-init encoder`, at D's first step.
    pub fn start_d_from_encoder(&mut self) -> Result<(), String> {
        self.d = self.d.clone().with_encoder_of(&self.g)?;
        self.opt_d = adam();
        self.d_acc_ema = 0.0;
        Ok(())
    }

    /// The identity classifier's logits for `features`: linear softmax logits, or cosine
    /// logits when the CosFace margin is on.
    fn id_logits(&self, features: Tensor<2>) -> Tensor<2> {
        if self.options.id_margin > 0.0 {
            cosine_logits(features, self.g.id_head.weight.val())
        } else {
            self.g.id_head.forward(features)
        }
    }

    /// The prototype loss on the features of `batch`, when it is on and groups have 2+.
    fn proto(&self, features: &Tensor<2>, batch: &Batch) -> Option<Tensor<1>> {
        (self.options.proto_weight > 0.0 && batch.group > 1 && batch.groups > 1)
            .then(|| prototype_loss(features.clone(), batch.group, 10.0, &self.device))
    }

    /// Trains on `batch`; `step` seeds the noise and picks the D:G schedule.
    pub fn step(&mut self, batch: &Batch, step: u64) -> StepStats {
        let dev = self.device.clone();
        let c = &self.options.config;
        let (s, np, nz, nd) = (
            c.input_size as usize,
            c.pose_yaws.len(),
            c.noise_dim,
            self.d.identities,
        );
        let n = batch.input_class.len();
        let m = batch.target_bin.len();
        let x = Tensor::<4>::from_data(TensorData::new(batch.inputs.clone(), [n, 3, s, s]), &dev);
        let truth =
            Tensor::<4>::from_data(TensorData::new(batch.truth.clone(), [m, 3, s, s]), &dev);
        let mut rng = Rng::new(crate::synth::rng::hash2(self.options.seed, step));
        let noise: Vec<f32> = (0..m * nz).map(|_| rng.range(-1.0, 1.0)).collect();
        let noise = Tensor::<2>::from_data(TensorData::new(noise, [m, nz]), &dev);

        // G forward once; D's update sees its output detached.
        let frozen = self.options.encoder_frozen_at(step);
        let enc = if frozen {
            // The encoder as exported: inference batch norm, a constant for the decoder.
            let e = self.g.valid().encode(x.clone().inner());
            Encoded {
                identity: e.identity.autodiff(),
                confidence: e.confidence.autodiff(),
            }
        } else {
            self.g.encode(x.clone())
        };
        let codes = if batch.group > 1 {
            Tensor::cat(
                vec![enc.identity.clone(), Generator::fuse(&enc, batch.group)],
                0,
            )
        } else {
            enc.identity.clone()
        };
        let fake = self
            .g
            .decoder
            .forward(codes, one_hot(&batch.target_bin, np, &dev), noise);

        let mut stats = StepStats::default();
        // With the adversarial weight at 0 G is a pose-conditioned autoencoder; D learns
        // beside it only from `d_from` on (it is neither run nor updated otherwise).
        let adv_weight = self.options.adv_weight_at(step);
        let adversarial = adv_weight > 0.0;
        let d_strong = self.d_acc_ema > self.options.strong_d;
        stats.d_step = self.options.d_learns_at(step) && !(d_strong && step % 2 == 1);
        if stats.d_step {
            let real = self.d.forward(x);
            let gen = self.d.forward(fake.clone().detach());
            let fake_class = vec![nd; m];
            let loss = cross_entropy(
                real.identity.clone(),
                one_hot(&batch.input_class, nd + 1, &dev),
            ) + cross_entropy(real.pose, one_hot(&batch.input_bin, np, &dev))
                + cross_entropy(gen.identity.clone(), one_hot(&fake_class, nd + 1, &dev));
            stats.d_real_acc = accuracy(&real.identity, &batch.input_class);
            stats.d_fake_acc = accuracy(&gen.identity, &fake_class);
            stats.d_loss = scalar(&loss);
            let grads = GradientsParams::from_grads(loss.backward(), &self.d);
            self.d = self
                .opt_d
                .step(self.options.lr_at(step), self.d.clone(), grads);
            self.d_acc_ema = 0.95 * self.d_acc_ema + 0.05 * stats.d_real_acc;
        }

        // G's loss: the weighted sum of the terms that are on.
        let mut terms: Vec<Tensor<1>> = Vec::new();
        if adversarial {
            let gen = self.d.forward(fake.clone());
            let adv = cross_entropy(gen.identity, one_hot(&batch.target_class, nd + 1, &dev))
                + cross_entropy(gen.pose, one_hot(&batch.target_bin, np, &dev));
            stats.g_adv = scalar(&adv);
            terms.push(adv.mul_scalar(adv_weight));
        }
        if self.options.rec_weight > 0.0 {
            let rec = masked_l1(fake, truth, &batch.truth_mask, &dev);
            stats.rec = scalar(&rec);
            terms.push(rec.mul_scalar(self.options.rec_weight));
        }
        // The encoder's own losses, unless it is frozen.
        if !frozen {
            if let Some(p) = self.proto(&enc.identity, batch) {
                stats.proto = scalar(&p);
                terms.push(p.mul_scalar(self.options.proto_weight));
            }
            if self.options.id_weight > 0.0 {
                let logits = self.id_logits(enc.identity);
                let aux = identity_loss(logits, &batch.input_class, self.options.id_margin, &dev);
                stats.id_aux = scalar(&aux);
                terms.push(aux.mul_scalar(self.options.id_weight));
            }
        }
        let Some(loss) = terms.into_iter().reduce(|a, b| a + b) else {
            // Every term is off (checked when the options are parsed): nothing to learn.
            return stats;
        };
        let grads = GradientsParams::from_grads(loss.backward(), &self.g);
        self.g = self
            .opt_g
            .step(self.options.lr_at(step), self.g.clone(), grads);
        stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::batch::BatchSpec;
    use crate::train::data::{Dataset, Scene};
    use drgan::bundle::Config;

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
        let mut o = TrainOptions::new(Config::named("tiny").unwrap());
        o.adv_weight = adv_weight;
        let s = o.config.input_size as usize;
        let data = Dataset::synthetic(2, 1, Scene::PerVariation, &o.config.pose_yaws, s, 1, |_| {})
            .unwrap();
        let spec = BatchSpec {
            groups: 2,
            group: 2,
            max_shift: 1,
            flip: true,
            truths: true,
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
}
