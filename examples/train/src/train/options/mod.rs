//! What a training run is. [`TrainOptions`] is defined once: clap reads it from
//! `drgan-train train`'s command line (its doc comments are the `--help` text) and serde
//! writes it to `RUN/options.toml`, from which `--resume`, `export` and `heldout` rebuild
//! the same run. Runs that saved `options.txt` (before this file) are not read; an option
//! added since a run was saved takes its default (off) when the run resumes, where it
//! says `#[serde(default)]`.

mod values;

pub use values::{named_config, DInit, DataSource, DataSources, Mix, Schedule};

use super::data::Scene;
use clap::Args;
use drgan_writer::Config;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The saved options' file in a run folder.
pub const FILE: &str = "options.toml";

/// Every setting of a run.
#[derive(Args, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TrainOptions {
    /// Network config: paper, small, default or tiny
    #[arg(long, value_name = "NAME", default_value = "small", value_parser = named_config)]
    #[serde(with = "values::config_table")]
    pub config: Config,
    /// The encoder's, D's and the pose head's channels as a multiple of the paper's, in
    /// place of the config's (the decoder keeps the config's width, or --decoder-width);
    /// saved in the config. With --init-from a narrower bundle, its encoder is widened to
    /// it, computing the same features (see `import`)
    #[arg(long, value_name = "W")]
    #[serde(skip)]
    pub width: Option<f32>,
    /// The decoder's channels as a multiple of the paper's, in place of the config's (the
    /// encoder, D and the pose head keep the config's width); saved in the config
    #[arg(long, value_name = "W")]
    #[serde(skip)]
    pub decoder_width: Option<f32>,
    /// How the decoder doubles its side at its stride-2 layers, in place of the config's:
    /// `transposed` (3x3 transposed conv, the paper's) or `resize` (nearest-neighbour
    /// doubling, then a 3x3 conv: no checkerboard grid); saved in the config
    #[arg(long, value_name = "KIND", value_parser = values::upsample)]
    #[serde(skip)]
    pub upsample: Option<drgan_writer::Upsample>,
    /// Training pictures, comma-separated: `synth`, synthetic faces rendered at start-up,
    /// and folders with labels.csv (path,identity,yaw_degrees[,variation][,source]; greyscale
    /// accepted), such as `drgan-train prepare` writes
    #[arg(long, value_name = "synth|DIR,...", default_value = "synth")]
    pub data: DataSources,
    /// Shares of identity groups per source: NAME=W,... (`synth`, or a folder's `source`
    /// names); sources left out get none [default: every identity equally likely]
    #[arg(long, value_name = "MIX", default_value_t, hide_default_value = true)]
    #[serde(default)]
    pub mix: Mix,
    /// Shares as --mix, during the encoder warm-up only (say, photographs alone for the
    /// encoder and synthetic faces beside them for the decoder) [default: --mix]
    #[arg(long, value_name = "MIX", default_value_t, hide_default_value = true)]
    #[serde(default)]
    pub warmup_mix: Mix,
    /// Synthetic training identities 0..N
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub identities: usize,
    /// Synthetic pictures per identity and yaw
    #[arg(long, value_name = "V", default_value_t = 4)]
    pub variations: usize,
    /// Synthetic lighting and background
    #[arg(long, value_enum, default_value_t = Scene::PerPicture)]
    pub scene: Scene,
    /// Total steps (generator updates), warm-up included
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub steps: u64,
    /// The first W steps train only the encoder, with the identity loss, on 4x the groups
    #[arg(long, value_name = "W", default_value_t = 0)]
    pub warmup_steps: u64,
    /// Identity groups per batch
    #[arg(long, value_name = "G", default_value_t = 8)]
    pub groups: usize,
    /// Pictures per group, fused by confidence (1 = single-image DR-GAN)
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub group: usize,
    /// Adam learning rate (beta1 0.5)
    #[arg(long, default_value_t = 2e-4)]
    pub lr: f64,
    /// Piecewise learning rate from the given steps on: STEP:LR,STEP:LR
    #[arg(
        long,
        value_name = "SCHEDULE",
        default_value_t,
        hide_default_value = true
    )]
    pub lr_schedule: Schedule,
    /// D's learning rate as a multiple of G's (--lr, --lr-schedule). Below 1, a D that
    /// starts as a trained classifier (--d-init encoder) keeps what it knows while its new
    /// "synthesized" and pose outputs learn
    #[arg(long, value_name = "K", default_value_t = 1.0)]
    #[serde(default = "one")]
    pub d_lr_scale: f32,
    /// D's last layer (its identity, "synthesized" and pose outputs) at K times G's rate,
    /// its trunk staying at --d-lr-scale: fresh pose outputs then learn at full speed on
    /// a trunk that keeps what it knows [default: --d-lr-scale]
    #[arg(long, value_name = "K")]
    #[serde(default)]
    pub d_head_lr_scale: Option<f32>,
    /// Weight of D's "synthesized" term (G's pictures as the extra class) beside its real
    /// identity and pose terms. Below 1, a D whose fake class would take the real pictures
    /// too once G's pictures come close keeps classifying the real identities
    #[arg(long, value_name = "W", default_value_t = 1.0)]
    #[serde(default = "one")]
    pub d_fake_weight: f32,
    /// D sees every picture, real or synthesized, blurred by a Gaussian of SIGMA pixels
    /// (0 = sharp): G's adversarial terms then cannot pay for textures finer than that.
    /// Training only; the exported pose head takes sharp pictures
    #[arg(long, value_name = "SIGMA", default_value_t = 0.0)]
    #[serde(default)]
    pub d_blur: f32,
    /// The decoder's one-hot pose code times K while training (see
    /// `nets::Decoder::pose_scale`): beside features of a much larger norm, a scaled code
    /// is followed from the first steps. Fixed when a run starts; bundles take the plain
    /// code
    #[arg(long, value_name = "K", default_value_t = 1.0)]
    pub pose_scale: f32,
    /// Weight of G's adversarial terms (0: no D in G's loss, the decoder learns poses
    /// from the reconstruction alone, a cheap autoencoder phase)
    #[arg(long, value_name = "W", default_value_t = 1.0)]
    pub adv_weight: f32,
    /// The adversarial terms (and D, unless --d-from) start at STEP; before it, after
    /// the warm-up, G trains as that autoencoder
    #[arg(long, value_name = "STEP", default_value_t = 0)]
    pub adv_from: u64,
    /// D learns from STEP (real identities and poses, and "synthesized") while G ignores
    /// it until --adv-from [default: --adv-from]
    #[arg(long, value_name = "STEP")]
    pub d_from: Option<u64>,
    /// D's weights at its first step
    #[arg(long, value_enum, default_value_t = DInit::Fresh)]
    pub d_init: DInit,
    /// From STEP on the encoder stops learning: warm-up steps from then train its identity
    /// classifier alone on the features as exported (a D copied from the encoder then
    /// knows the people of a bundle's unchanged encoder), and G's steps run the encoder as
    /// exported and leave the classifier too, so the decoder learns alone and recognition
    /// stays put
    #[arg(long, value_name = "STEP")]
    pub freeze_encoder_from: Option<u64>,
    /// D's real-identity accuracy above which G takes two steps per D step
    #[arg(long, value_name = "A", default_value_t = 0.9)]
    pub strong_d: f32,
    /// Weight of the L1 loss to the picture at the target pose (0 = the paper's only)
    #[arg(long, value_name = "W", default_value_t = 10.0)]
    pub rec_weight: f32,
    /// Weight of the perceptual loss: L1 to the picture at the target pose in the frozen
    /// encoder's activations at each resolution (0 = off)
    #[arg(long, value_name = "W", default_value_t = 0.0)]
    pub perceptual_weight: f32,
    /// Weight of the identity-keeping loss: 1 − the cosine between the frozen encoder's
    /// features of each synthesized picture and the features it was decoded from, on every
    /// row, with or without a picture at the target pose (0 = off)
    #[arg(long, value_name = "W", default_value_t = 0.0)]
    #[serde(default)]
    pub id_keep_weight: f32,
    /// Weight of the softmax identity loss on the encoder's features (0 = off)
    #[arg(long, value_name = "W", default_value_t = 1.0)]
    pub id_weight: f32,
    /// Cosine margin of the identity loss: 0 is the plain softmax on a linear classifier;
    /// M > 0 compares unit features with unit class weights and subtracts M from the true
    /// class's cosine (a large-margin softmax, CosFace), scaled by --id-scale
    #[arg(long, value_name = "M", default_value_t = 0.0)]
    pub id_margin: f32,
    /// The cosines' scale in the margin identity loss
    #[arg(long, value_name = "S", default_value_t = 30.0)]
    pub id_scale: f32,
    /// Weight of the fused identity loss: each group's confidence-weighted mean feature
    /// (Σωᵢfᵢ / Σωᵢ) classified as its identity, the term through which the encoder's
    /// confidence ω learns which pictures to trust (0 = off; needs --group 2 or more)
    #[arg(long, value_name = "W", default_value_t = 0.0)]
    #[serde(default)]
    pub fused_id_weight: f32,
    /// Strength of the capture augmentation of input pictures, 0..1: colour and
    /// exposure, greyscale, blur by downscaling, noise, JPEG (0 = none; crop shifts and
    /// mirroring are always on)
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub augment: f32,
    /// Share of the decoder's target poses drawn among those at which the person has a
    /// picture to compare with, 0..1 (0 = every pose alike). Photographed people have
    /// pictures at a few poses only, so drawn alike most of their rows have no target
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    #[serde(default)]
    pub known_targets: f32,
    /// Weight of the prototype loss: each picture's cosine to its own group's mean
    /// direction against the other groups' (0 = off)
    #[arg(long, value_name = "W", default_value_t = 0.0)]
    pub proto_weight: f32,
    /// Start from a bundle: its encoder and its pose head (as D's pose outputs; with
    /// --d-init encoder D starts as a copy of the imported encoder); the decoder and the
    /// identity classifier start afresh. The encoder keeps the bundle's batch-norm
    /// statistics; it is fine-tuned during --warmup-steps and frozen from the warm-up's
    /// end unless --freeze-encoder-from says otherwise (0: never fine-tuned, the warm-up
    /// trains the identity classifier alone). DIR must be of the run's config
    #[arg(long, value_name = "DIR")]
    pub init_from: Option<PathBuf>,
    /// Batches and noise
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Steps between sample grids
    #[arg(long, value_name = "K", default_value_t = 250)]
    pub sample_every: u64,
    /// Steps between checkpoints and loss plots
    #[arg(long, value_name = "K", default_value_t = 250)]
    pub checkpoint_every: u64,
    /// Threads that share each batch, whole identity groups each, with their own copies
    /// of the networks (the number of cores is fastest); each part gets its own
    /// batch-norm statistics and prototype loss, so W is part of a run's recipe
    #[arg(long, value_name = "W", default_value_t = 1)]
    pub workers: usize,
    /// Threads that render the synthetic data [default: all cores] (not saved)
    #[arg(long, value_name = "T", default_value_t = default_threads(), hide_default_value = true)]
    #[serde(skip, default = "default_threads")]
    pub threads: usize,
}

fn one() -> f32 {
    1.0
}

/// `Err` unless `value`, the value of `--flag`, is positive and finite.
fn positive(flag: &str, value: f32) -> Result<(), String> {
    if value > 0.0 && value.is_finite() {
        Ok(())
    } else {
        Err(format!("--{flag} {value} must be a positive number"))
    }
}

fn share(flag: &str, value: f32) -> Result<(), String> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(format!("--{flag} {value} must be within 0..1"))
    }
}

fn default_threads() -> usize {
    crate::synth::dataset::default_threads()
}

/// The options that make a run what it is: `--resume` refuses new values for them.
/// (`--data` may only grow: folders added after the saved ones bring new people.)
pub const FIXED_ON_RESUME: [&str; 8] = [
    "config",
    "width",
    "decoder_width",
    "upsample",
    "identities",
    "variations",
    "pose_scale",
    "init_from",
];

impl TrainOptions {
    /// The defaults (those of the command line) for `config`.
    pub fn new(config: Config) -> TrainOptions {
        #[derive(clap::Parser)]
        struct Defaults {
            #[command(flatten)]
            options: TrainOptions,
        }
        let mut o = <Defaults as clap::Parser>::parse_from(["defaults"]).options;
        o.config = config;
        o
    }

    /// Fills in what the options imply (`--width`, `--decoder-width` and `--upsample` go into the
    /// config; an imported encoder is frozen from the warm-up's end) and checks them as a
    /// whole.
    pub fn complete(mut self) -> Result<TrainOptions, String> {
        if let Some(w) = self.width.take() {
            self.config = self
                .config
                .with_width(w)
                .map_err(|e| format!("--width {w}: {e}"))?;
        }
        if let Some(w) = self.decoder_width.take() {
            self.config = self
                .config
                .with_decoder_width(w)
                .map_err(|e| format!("--decoder-width {w}: {e}"))?;
        }
        if let Some(u) = self.upsample.take() {
            self.config = self.config.with_upsample(u);
        }
        if self.init_from.is_some() {
            self.freeze_encoder_from.get_or_insert(self.warmup_steps);
        }
        let o = &self;
        if [o.groups, o.group, o.workers].contains(&0)
            || o.sample_every == 0
            || o.checkpoint_every == 0
        {
            return Err(
                "--groups, --group, --sample-every, --checkpoint-every and --workers \
                        must be at least 1"
                    .into(),
            );
        }
        positive("pose-scale", o.pose_scale)?;
        positive("d-fake-weight", o.d_fake_weight)?;
        positive("d-lr-scale", o.d_lr_scale)?;
        if let Some(k) = o.d_head_lr_scale {
            positive("d-head-lr-scale", k)?;
        }
        if !(0.0..=8.0).contains(&o.d_blur) {
            return Err(format!("--d-blur {} must be within 0..8 pixels", o.d_blur));
        }
        share("augment", o.augment)?;
        share("known-targets", o.known_targets)?;
        let scale_ok = o.id_scale > 0.0 && o.id_scale.is_finite();
        if !((0.0..1.0).contains(&o.id_margin) && scale_ok) {
            return Err(format!(
                "--id-margin {} must be within 0..1 and --id-scale {} positive",
                o.id_margin, o.id_scale
            ));
        }
        let weights = [
            o.adv_weight,
            o.rec_weight,
            o.perceptual_weight,
            o.id_keep_weight,
            o.id_weight,
            o.proto_weight,
            o.fused_id_weight,
        ];
        if weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err("loss weights must be finite and at least 0".into());
        }
        let [_, autoencoder, _] = o.phase_steps(o.steps);
        let decoder_terms = [o.rec_weight, o.perceptual_weight, o.id_keep_weight];
        if autoencoder > 0 && decoder_terms.iter().all(|w| *w == 0.0) {
            return Err(
                "--rec-weight, --perceptual-weight and --id-keep-weight are 0 while the \
                        adversarial terms are off (--adv-weight 0, or steps before \
                        --adv-from): the decoder would learn nothing"
                    .into(),
            );
        }
        Ok(self)
    }

    /// The learning rate at `step`.
    pub fn lr_at(&self, step: u64) -> f64 {
        self.lr_schedule
            .0
            .iter()
            .rev()
            .find(|(from, _)| *from <= step)
            .map_or(self.lr, |&(_, lr)| lr)
    }

    /// D's learning rate at `step`: [`TrainOptions::lr_at`] times `d_lr_scale`.
    pub fn d_lr_at(&self, step: u64) -> f64 {
        self.lr_at(step) * f64::from(self.d_lr_scale)
    }

    /// The learning rate of D's last layer at `step` (`d_head_lr_scale`, else that of
    /// the rest of D).
    pub fn d_head_lr_at(&self, step: u64) -> f64 {
        let k = self.d_head_lr_scale.unwrap_or(self.d_lr_scale);
        self.lr_at(step) * f64::from(k)
    }

    /// How many of a run's first `steps` steps fall in each phase, in order: encoder
    /// warm-up, autoencoder (G without D), DR-GAN.
    pub fn phase_steps(&self, steps: u64) -> [u64; 3] {
        let warm = self.warmup_steps.min(steps);
        let adv_start = if self.adv_weight > 0.0 {
            self.adv_from.clamp(warm, steps)
        } else {
            steps
        };
        [warm, adv_start - warm, steps - adv_start]
    }

    /// The steps after which a new phase begins (the warm-up's end, D's first step, the
    /// adversarial terms' first step, the encoder's freeze), ascending, each at least 1.
    /// The run keeps its checkpoint of each (`checkpoint::keep`), so that other settings
    /// can branch from a phase's start.
    pub fn phase_starts(&self) -> Vec<u64> {
        let adv = (self.adv_weight > 0.0).then_some(self.adv_from);
        let warm = (self.warmup_steps > 0).then_some(self.warmup_steps);
        let mut starts: Vec<u64> = [warm, self.d_first_step(), adv, self.freeze_encoder_from]
            .into_iter()
            .flatten()
            .filter(|&s| s > 0)
            .collect();
        starts.sort_unstable();
        starts.dedup();
        starts
    }

    /// The weight of G's adversarial terms at `step` (0 before `adv_from`).
    pub fn adv_weight_at(&self, step: u64) -> f32 {
        if step >= self.adv_from {
            self.adv_weight
        } else {
            0.0
        }
    }

    /// The first step at which D learns: `d_from`, else `adv_from` when the adversarial
    /// terms are on, and never during the warm-up. `None`: D never learns.
    pub fn d_first_step(&self) -> Option<u64> {
        let from = match self.d_from {
            Some(from) => from,
            None if self.adv_weight > 0.0 => self.adv_from,
            None => return None,
        };
        Some(from.max(self.warmup_steps))
    }

    /// Whether D learns at `step`.
    pub fn d_learns_at(&self, step: u64) -> bool {
        self.d_first_step().is_some_and(|first| step >= first)
    }

    /// Whether the encoder is frozen at `step` (see [`TrainOptions::freeze_encoder_from`]).
    pub fn encoder_frozen_at(&self, step: u64) -> bool {
        self.freeze_encoder_from.is_some_and(|from| step >= from)
    }

    /// The text of `RUN/options.toml`.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("every option is a TOML value")
    }

    /// Parses [`TrainOptions::to_toml`].
    pub fn from_toml(text: &str) -> Result<TrainOptions, String> {
        toml::from_str::<TrainOptions>(text)
            .map_err(|e| e.to_string())?
            .complete()
    }

    /// Writes `RUN/options.toml`.
    pub fn write(&self, run: &Path) -> Result<(), String> {
        let p = run.join(FILE);
        std::fs::write(&p, self.to_toml()).map_err(|e| format!("writing {}: {e}", p.display()))
    }

    /// Reads `RUN/options.toml`.
    pub fn read(run: &Path) -> Result<TrainOptions, String> {
        let p = run.join(FILE);
        let text =
            std::fs::read_to_string(&p).map_err(|e| format!("reading {}: {e}", p.display()))?;
        Self::from_toml(&text).map_err(|e| format!("{}: {e}", p.display()))
    }
}

#[cfg(test)]
mod tests;
