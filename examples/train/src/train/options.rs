//! What a training run is: config, data, batch, loss weights, schedule. Written to
//! `RUN/options.txt` at the start so that `--resume` and `export` rebuild the same run.

use super::data::Scene;
use drgan::bundle::Config;
use std::path::{Path, PathBuf};

/// Where the training pictures come from.
#[derive(Clone, Debug, PartialEq)]
pub enum DataSource {
    /// Synthetic identities `0..identities`, `variations` pictures per yaw, rendered at
    /// start-up.
    Synth {
        identities: usize,
        variations: usize,
        scene: Scene,
    },
    /// A folder with `labels.csv`.
    Folder(PathBuf),
}

/// Every setting of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainOptions {
    pub config: Config,
    pub data: DataSource,
    /// Total steps (one step = one generator update), warm-up included.
    pub steps: u64,
    /// The first `warmup_steps` steps train only the encoder with the identity loss.
    pub warmup_steps: u64,
    /// The decoder's pose code is multiplied by this (see
    /// [`crate::nets::Decoder::pose_scale`]): a one-hot code beside features of a much
    /// larger norm is learnt late; scaled, the decoder follows the pose from the start.
    pub pose_scale: f32,
    /// Identity groups per batch.
    pub groups: usize,
    /// Pictures per group (n; 1 trains single-image DR-GAN).
    pub group: usize,
    pub lr: f64,
    /// Piecewise-constant learning rate: `(from_step, lr)` pairs, ascending; before the
    /// first pair (or when empty) `lr` applies.
    pub lr_schedule: Vec<(u64, f64)>,
    /// Weight of G's adversarial terms (the paper's G loss). 0 runs no discriminator: a
    /// pose-conditioned autoencoder phase that teaches the decoder pose cheaply.
    pub adv_weight: f32,
    /// The step from which the adversarial terms (and D's updates, unless `d_from` starts
    /// them earlier) are on; before it, after the warm-up, G trains as a pose-conditioned
    /// autoencoder (0 = from the start).
    pub adv_from: u64,
    /// The step from which D learns (real identities and poses, and the "synthesized"
    /// class) while G ignores it until `adv_from`: D can tell identities apart, and the pose
    /// head learns, before D's gradients reach G. `None`: D learns from `adv_from` with G.
    pub d_from: Option<u64>,
    /// D starts as a copy of the encoder (trunk, and the identity classifier as its real
    /// identity logits) at its first step, instead of from its random initial weights.
    pub d_from_encoder: bool,
    /// D also learns the pictures at the target poses (the batch's truths) as real, with
    /// their identities and poses, so that "real" to D includes what the decoder is asked
    /// to draw (with `--scene studio`: portraits on grey), not only the inputs' scenes.
    pub d_real_targets: bool,
    /// From this step on the encoder and its identity classifier stop learning: G's steps
    /// run the encoder as it is exported (inference batch norm, no gradients), so the
    /// decoder learns alone, and recognition stays as it was. `None`: never.
    pub freeze_encoder_from: Option<u64>,
    /// Weight of the L1 loss to the picture at the target pose (0 = the paper's losses only).
    pub rec_weight: f32,
    /// Weight of the perceptual loss to the picture at the target pose: L1 in the frozen
    /// encoder's activations (`train::perceptual`; 0 = off).
    pub perceptual_weight: f32,
    /// Weight of the softmax identity loss on the encoder's features (0 = off).
    pub id_weight: f32,
    /// Weight of the prototype loss on the encoder's features (0 = off).
    pub proto_weight: f32,
    /// A bundle whose encoder and pose head the run starts from (see `crate::import`);
    /// the encoder is then frozen from step 0.
    pub init_from: Option<PathBuf>,
    /// Additive cosine margin of the identity loss (CosFace); 0 = a plain linear softmax.
    pub id_margin: f32,
    /// D's real-identity accuracy above which G takes two steps per D step.
    pub strong_d: f32,
    pub seed: u64,
    /// Steps between sample grids / checkpoints.
    pub sample_every: u64,
    pub checkpoint_every: u64,
    /// Threads that render the synthetic data (not saved with the run).
    pub threads: usize,
    /// Threads that share each batch, a part of whole identity groups each
    /// (`train::parallel`); 1 = the whole batch in one pass.
    pub workers: usize,
}

impl TrainOptions {
    /// The defaults for `config` on synthetic data.
    pub fn new(config: Config) -> TrainOptions {
        TrainOptions {
            config,
            data: DataSource::Synth {
                identities: 1000,
                variations: 4,
                scene: Scene::PerPicture,
            },
            steps: 1000,
            warmup_steps: 0,
            pose_scale: 1.0,
            groups: 8,
            group: 4,
            lr: 2e-4,
            lr_schedule: Vec::new(),
            adv_weight: 1.0,
            adv_from: 0,
            d_from: None,
            d_from_encoder: false,
            d_real_targets: false,
            freeze_encoder_from: None,
            rec_weight: 10.0,
            perceptual_weight: 0.0,
            id_weight: 1.0,
            proto_weight: 0.0,
            init_from: None,
            id_margin: 0.0,
            strong_d: 0.9,
            seed: 1,
            sample_every: 250,
            checkpoint_every: 250,
            threads: crate::synth::dataset::default_threads(),
            workers: 1,
        }
    }

    /// `key=value` lines.
    pub fn to_text(&self) -> String {
        let c = &self.config;
        let data = match &self.data {
            DataSource::Synth {
                identities,
                variations,
                scene: Scene::PerVariation,
            } => format!("synth:{identities}:{variations}"),
            DataSource::Synth {
                identities,
                variations,
                scene,
            } => format!("synth:{identities}:{variations}:{}", scene.name()),
            DataSource::Folder(p) => format!("folder:{}", p.display()),
        };
        let yaws: Vec<String> = c.pose_yaws.iter().map(|y| y.to_string()).collect();
        format!(
            "config={}\nsize={}\nwidth={}\ndecoder_width={}\nnf={}\nnz={}\nyaws={}\ndata={data}\nsteps={}\nwarmup_steps={}\npose_scale={}\n\
             groups={}\ngroup={}\nlr={}\nlr_schedule={}\nadv_weight={}\nadv_from={}\nd_from={}\nd_init={}\nd_reals={}\nfreeze_encoder_from={}\nrec_weight={}\nperceptual_weight={}\nid_weight={}\nproto_weight={}\ninit_from={}\nid_margin={}\nstrong_d={}\nseed={}\n\
             sample_every={}\ncheckpoint_every={}\nworkers={}\n",
            c.name,
            c.input_size,
            c.width,
            c.decoder_width,
            c.feature_dim,
            c.noise_dim,
            yaws.join(","),
            self.steps,
            self.warmup_steps,
            self.pose_scale,
            self.groups,
            self.group,
            self.lr,
            schedule_text(&self.lr_schedule),
            self.adv_weight,
            self.adv_from,
            self.d_from.map_or(String::new(), |s| s.to_string()),
            if self.d_from_encoder { "encoder" } else { "fresh" },
            d_reals_text(self.d_real_targets),
            self.freeze_encoder_from
                .map_or(String::new(), |s| s.to_string()),
            self.rec_weight,
            self.perceptual_weight,
            self.id_weight,
            self.proto_weight,
            self.init_from
                .as_ref()
                .map_or(String::new(), |p| p.display().to_string()),
            self.id_margin,
            self.strong_d,
            self.seed,
            self.sample_every,
            self.checkpoint_every,
            self.workers
        )
    }

    /// Parses [`TrainOptions::to_text`].
    pub fn from_text(text: &str) -> Result<TrainOptions, String> {
        let get = |k: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(k).and_then(|r| r.strip_prefix('=')))
                .ok_or_else(|| format!("options: `{k}` is missing"))
        };
        fn num<T: std::str::FromStr>(k: &str, v: &str) -> Result<T, String> {
            v.parse().map_err(|_| format!("options: bad {k} `{v}`"))
        }
        let mut config = Config::scaled(
            get("config")?,
            num("size", get("size")?)?,
            num("width", get("width")?)?,
            num("nf", get("nf")?)?,
            num("nz", get("nz")?)?,
        )
        .map_err(|e| e.to_string())?;
        // Absent in runs written before the decoder had a width of its own.
        if let Ok(w) = get("decoder_width") {
            config = config
                .with_decoder_width(num("decoder_width", w)?)
                .map_err(|e| e.to_string())?;
        }
        config.pose_yaws = get("yaws")?
            .split(',')
            .map(|y| num("yaws", y))
            .collect::<Result<_, _>>()?;
        let data = get("data")?;
        let data = if let Some(rest) = data.strip_prefix("synth:") {
            let (i, v) = rest.split_once(':').ok_or("options: bad data")?;
            // No scene in runs written before it existed: per-variation then.
            let (v, scene) = match v.split_once(':') {
                Some((v, scene)) => (v, Scene::parse(scene)?),
                None => (v, Scene::PerVariation),
            };
            DataSource::Synth {
                identities: num("data", i)?,
                variations: num("data", v)?,
                scene,
            }
        } else if let Some(p) = data.strip_prefix("folder:") {
            DataSource::Folder(PathBuf::from(p))
        } else {
            return Err(format!("options: bad data `{data}`"));
        };
        Ok(TrainOptions {
            config,
            data,
            steps: num("steps", get("steps")?)?,
            warmup_steps: num("warmup_steps", get("warmup_steps")?)?,
            // Absent in runs written before it existed: the plain one-hot code.
            pose_scale: get("pose_scale").map_or(Ok(1.0), |v| num("pose_scale", v))?,
            groups: num("groups", get("groups")?)?,
            group: num("group", get("group")?)?,
            lr: num("lr", get("lr")?)?,
            lr_schedule: get("lr_schedule").map_or(Ok(Vec::new()), parse_schedule)?,
            // Absent in runs written before the weight existed (always 1 then).
            adv_weight: get("adv_weight").map_or(Ok(1.0), |v| num("adv_weight", v))?,
            adv_from: get("adv_from").map_or(Ok(0), |v| num("adv_from", v))?,
            // Empty or absent (runs written before it existed): D starts with G's terms.
            d_from: match get("d_from") {
                Ok(v) if !v.is_empty() => Some(num("d_from", v)?),
                _ => None,
            },
            d_from_encoder: match get("d_init") {
                Ok("encoder") => true,
                Ok("fresh") | Err(_) => false,
                Ok(other) => return Err(format!("options: bad d_init `{other}`")),
            },
            // Absent in runs written before it existed: D's reals are the inputs.
            d_real_targets: get("d_reals").map_or(Ok(false), |v| {
                parse_d_reals(v).map_err(|e| format!("options: bad d_reals {e}"))
            })?,
            // Empty or absent (runs written before it existed): the encoder always learns.
            freeze_encoder_from: match get("freeze_encoder_from") {
                Ok(v) if !v.is_empty() => Some(num("freeze_encoder_from", v)?),
                _ => None,
            },
            rec_weight: num("rec_weight", get("rec_weight")?)?,
            // Absent in runs written before the perceptual loss existed.
            perceptual_weight: get("perceptual_weight")
                .map_or(Ok(0.0), |v| num("perceptual_weight", v))?,
            id_weight: num("id_weight", get("id_weight")?)?,
            // Absent in runs written before the prototype loss existed.
            proto_weight: get("proto_weight").map_or(Ok(0.0), |v| num("proto_weight", v))?,
            // Absent in runs written before it existed.
            init_from: get("init_from")
                .ok()
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            // Absent in runs written before the margin existed.
            id_margin: get("id_margin").map_or(Ok(0.0), |v| num("id_margin", v))?,
            strong_d: num("strong_d", get("strong_d")?)?,
            seed: num("seed", get("seed")?)?,
            sample_every: num("sample_every", get("sample_every")?)?,
            checkpoint_every: num("checkpoint_every", get("checkpoint_every")?)?,
            threads: crate::synth::dataset::default_threads(),
            // Absent in runs written before it existed: one pass per batch.
            workers: get("workers").map_or(Ok(1), |v| num("workers", v))?,
        })
    }

    /// The learning rate at `step`.
    pub fn lr_at(&self, step: u64) -> f64 {
        self.lr_schedule
            .iter()
            .rev()
            .find(|(from, _)| *from <= step)
            .map_or(self.lr, |&(_, lr)| lr)
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

    pub fn read(run: &Path) -> Result<TrainOptions, String> {
        let p = run.join("options.txt");
        let text =
            std::fs::read_to_string(&p).map_err(|e| format!("reading {}: {e}", p.display()))?;
        Self::from_text(&text)
    }
}

/// `from:lr,from:lr` (empty for none).
pub fn schedule_text(s: &[(u64, f64)]) -> String {
    let parts: Vec<String> = s.iter().map(|(f, lr)| format!("{f}:{lr}")).collect();
    parts.join(",")
}

/// The text of [`TrainOptions::d_real_targets`] (`d_reals=` and `--d-reals`).
pub fn d_reals_text(real_targets: bool) -> &'static str {
    if real_targets {
        "inputs+targets"
    } else {
        "inputs"
    }
}

/// Parses [`d_reals_text`].
pub fn parse_d_reals(text: &str) -> Result<bool, String> {
    match text {
        "inputs" => Ok(false),
        "inputs+targets" => Ok(true),
        _ => Err(format!("`{text}`: want `inputs` or `inputs+targets`")),
    }
}

/// Parses [`schedule_text`]; steps must ascend.
pub fn parse_schedule(text: &str) -> Result<Vec<(u64, f64)>, String> {
    let bad = || format!("bad learning-rate schedule `{text}` (want `step:lr,step:lr`)");
    let mut out: Vec<(u64, f64)> = Vec::new();
    for part in text.split(',').filter(|p| !p.trim().is_empty()) {
        let (f, lr) = part.split_once(':').ok_or_else(bad)?;
        let f: u64 = f.trim().parse().map_err(|_| bad())?;
        let lr: f64 = lr.trim().parse().map_err(|_| bad())?;
        if !(lr > 0.0 && lr.is_finite()) || out.last().is_some_and(|&(p, _)| p >= f) {
            return Err(bad());
        }
        out.push((f, lr));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_round_trip_through_text() {
        let mut o = TrainOptions::new(Config::named("tiny").unwrap());
        o.data = DataSource::Folder("/data/faces".into());
        o.steps = 77;
        o.warmup_steps = 9;
        o.proto_weight = 0.5;
        o.perceptual_weight = 2.5;
        o.init_from = Some("/models/default".into());
        o.id_margin = 0.2;
        o.lr_schedule = vec![(5, 1e-4), (9, 2e-4)];
        o.rec_weight = 0.0;
        o.adv_weight = 0.25;
        o.adv_from = 40;
        o.workers = 2;
        o.pose_scale = 8.0;
        let back = TrainOptions::from_text(&o.to_text()).unwrap();
        assert_eq!(back, o);
        let mut wide = o.clone();
        wide.config = wide.config.with_decoder_width(0.25).unwrap();
        assert_eq!(TrainOptions::from_text(&wide.to_text()).unwrap(), wide);
        // Runs written before the decoder had a width of its own: the encoder's.
        let before = o.to_text().replace("decoder_width=0.125\n", "");
        assert_ne!(before, o.to_text());
        assert_eq!(TrainOptions::from_text(&before).unwrap(), o);
        // Runs written before the pose code could be scaled: the plain code.
        let before = o.to_text().replace("pose_scale=8\n", "");
        assert_ne!(before, o.to_text());
        assert_eq!(TrainOptions::from_text(&before).unwrap().pose_scale, 1.0);
        // Runs written before --workers took each batch whole.
        let before = o.to_text().replace("workers=2\n", "");
        assert_eq!(TrainOptions::from_text(&before).unwrap().workers, 1);
        let before = o.to_text().replace("perceptual_weight=2.5\n", "");
        assert_eq!(
            TrainOptions::from_text(&before).unwrap().perceptual_weight,
            0.0
        );
        assert_eq!(back.freeze_encoder_from, None);
        let mut frozen = o.clone();
        frozen.freeze_encoder_from = Some(50);
        let back = TrainOptions::from_text(&frozen.to_text()).unwrap();
        assert_eq!(back, frozen);
        assert!(!back.encoder_frozen_at(49) && back.encoder_frozen_at(50));
        for scene in [
            Scene::PerVariation,
            Scene::PerPicture,
            Scene::Paired,
            Scene::Studio,
        ] {
            let mut synth = o.clone();
            synth.data = DataSource::Synth {
                identities: 12,
                variations: 3,
                scene,
            };
            assert_eq!(TrainOptions::from_text(&synth.to_text()).unwrap(), synth);
        }
        let before = o.to_text().replace("init_from=/models/default\n", "");
        let before = TrainOptions::from_text(&before).unwrap();
        assert_eq!(before.init_from, None);
        let old_run = o
            .to_text()
            .replace("data=folder:/data/faces", "data=synth:12:3");
        assert!(matches!(
            TrainOptions::from_text(&old_run).unwrap().data,
            DataSource::Synth {
                identities: 12,
                variations: 3,
                scene: Scene::PerVariation
            }
        ));
        let bad = o
            .to_text()
            .replace("data=folder:/data/faces", "data=synth:12:3:sunny");
        assert!(TrainOptions::from_text(&bad).is_err());
        assert!(TrainOptions::from_text("config=tiny").is_err());
        let mut early = o.clone();
        early.d_from = Some(20);
        early.d_from_encoder = true;
        early.d_real_targets = true;
        let mut early = TrainOptions::from_text(&early.to_text()).unwrap();
        assert_eq!((early.d_from, early.d_from_encoder), (Some(20), true));
        assert!(early.d_real_targets);
        assert!(
            !TrainOptions::from_text(&o.to_text().replace("d_reals=inputs\n", ""))
                .unwrap()
                .d_real_targets
        );
        assert_eq!(early.d_first_step(), Some(20));
        early.d_from = Some(3);
        assert_eq!(early.d_first_step(), Some(9), "not during the warm-up");
        early.d_from = Some(20);
        assert!(!early.d_learns_at(19) && early.d_learns_at(20) && early.adv_weight_at(20) == 0.0);
        early.adv_weight = 0.0;
        assert!(
            early.d_learns_at(50),
            "D learns beside a G that never uses it"
        );
        assert_eq!(back.lr_at(0), o.lr);
        assert_eq!(back.lr_at(6), 1e-4);
        assert_eq!(back.lr_at(100), 2e-4);
        assert_eq!(
            (back.adv_weight_at(39), back.adv_weight_at(40)),
            (0.0, 0.25)
        );
        assert!((39..41).all(|s| back.d_learns_at(s) == (s >= 40)));
        assert!(parse_schedule("5:1e-4,3:1e-3").is_err());
        assert!(parse_schedule("5").is_err());
    }
}
