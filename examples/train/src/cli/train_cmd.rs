//! `drgan-train train` and `drgan-train export`: argument parsing and dispatch.

use crate::train::{DataSource, Scene, TrainOptions};
use drgan::bundle::Config;
use std::path::PathBuf;

/// Parsed `train` command line.
#[derive(Debug)]
pub struct TrainArgs {
    pub out: PathBuf,
    pub resume: bool,
    /// `--decoder-from RUN`: that run's decoder and D replace the resumed checkpoint's.
    pub decoder_from: Option<PathBuf>,
    pub quiet: bool,
    pub options: TrainOptions,
}

pub(super) fn value<'a>(
    it: &mut impl Iterator<Item = &'a String>,
    k: &str,
) -> Result<String, String> {
    it.next()
        .cloned()
        .ok_or_else(|| format!("{k} needs a value"))
}

pub(super) fn num<T: std::str::FromStr>(k: &str, v: &str) -> Result<T, String> {
    v.parse().map_err(|_| format!("{k}: not a number: `{v}`"))
}

impl TrainArgs {
    pub fn parse(args: &[String]) -> Result<TrainArgs, String> {
        // The config comes first: the other options refine it.
        let mut config_name = "small".to_string();
        let (mut size, mut width, mut nf, mut nz) = (None, None, None, None);
        let mut decoder_width = None;
        let mut out = None;
        let mut resume = false;
        let mut decoder_from = None;
        let mut quiet = false;
        let mut data = None;
        let (mut identities, mut variations) = (None, None);
        let mut rest: Vec<(String, String)> = Vec::new();
        let mut it = args.iter();
        while let Some(k) = it.next() {
            match k.as_str() {
                "--config" => config_name = value(&mut it, k)?,
                "--size" => size = Some(num::<u32>(k, &value(&mut it, k)?)?),
                "--width" => width = Some(num::<f32>(k, &value(&mut it, k)?)?),
                "--decoder-width" => decoder_width = Some(num::<f32>(k, &value(&mut it, k)?)?),
                "--nf" => nf = Some(num::<usize>(k, &value(&mut it, k)?)?),
                "--nz" => nz = Some(num::<usize>(k, &value(&mut it, k)?)?),
                "--out" => out = Some(PathBuf::from(value(&mut it, k)?)),
                "--data" => data = Some(value(&mut it, k)?),
                "--identities" => identities = Some(num::<usize>(k, &value(&mut it, k)?)?),
                "--variations" => variations = Some(num::<usize>(k, &value(&mut it, k)?)?),
                "--resume" => resume = true,
                "--decoder-from" => decoder_from = Some(PathBuf::from(value(&mut it, k)?)),
                "--quiet" => quiet = true,
                "--steps"
                | "--warmup-steps"
                | "--pose-scale"
                | "--lr-schedule"
                | "--groups"
                | "--group"
                | "--lr"
                | "--adv-weight"
                | "--adv-from"
                | "--d-from"
                | "--d-init"
                | "--d-reals"
                | "--rec-weight"
                | "--perceptual-weight"
                | "--id-weight"
                | "--proto-weight"
                | "--init-from"
                | "--id-margin"
                | "--strong-d"
                | "--seed"
                | "--sample-every"
                | "--checkpoint-every"
                | "--threads"
                | "--workers"
                | "--scene"
                | "--freeze-encoder-from" => rest.push((k.clone(), value(&mut it, k)?)),
                other => return Err(format!("unknown option `{other}`\n\n{}", super::USAGE)),
            }
        }
        let out = out.ok_or("train needs --out RUN_DIR")?;
        let mut o = if resume {
            TrainOptions::read(&out)?
        } else {
            let base = Config::named(&config_name).map_err(|e| e.to_string())?;
            let custom = size.is_some()
                || width.is_some()
                || nf.is_some()
                || nz.is_some()
                || decoder_width.is_some();
            let name = if custom {
                format!("{config_name}-custom")
            } else {
                config_name
            };
            let config = Config::scaled(
                &name,
                size.unwrap_or(base.input_size),
                width.unwrap_or(base.width),
                nf.unwrap_or(base.feature_dim),
                nz.unwrap_or(base.noise_dim),
            )
            .and_then(|c| match decoder_width {
                Some(w) => c.with_decoder_width(w),
                None => Ok(c),
            })
            .map_err(|e| e.to_string())?;
            let mut o = TrainOptions::new(config);
            match data.as_deref() {
                None | Some("synth") => {
                    if let DataSource::Synth {
                        identities: i,
                        variations: v,
                        ..
                    } = &mut o.data
                    {
                        *i = identities.unwrap_or(*i);
                        *v = variations.unwrap_or(*v);
                    }
                }
                Some(dir) => o.data = DataSource::Folder(PathBuf::from(dir)),
            }
            o
        };
        for (k, v) in rest {
            match k.as_str() {
                "--steps" => o.steps = num(&k, &v)?,
                "--warmup-steps" => o.warmup_steps = num(&k, &v)?,
                "--pose-scale" => {
                    if resume {
                        return Err("--pose-scale is fixed when a run starts: its decoder \
                                    learnt with that scale"
                            .into());
                    }
                    o.pose_scale = num(&k, &v)?;
                    if !(o.pose_scale > 0.0 && o.pose_scale.is_finite()) {
                        return Err(format!("--pose-scale {v} must be a positive number"));
                    }
                }
                "--groups" => o.groups = num(&k, &v)?,
                "--group" => o.group = num(&k, &v)?,
                "--lr" => o.lr = num(&k, &v)?,
                "--lr-schedule" => o.lr_schedule = crate::train::options::parse_schedule(&v)?,
                "--adv-weight" => o.adv_weight = num(&k, &v)?,
                "--adv-from" => o.adv_from = num(&k, &v)?,
                "--d-from" => o.d_from = Some(num(&k, &v)?),
                "--d-init" => {
                    o.d_from_encoder = match v.as_str() {
                        "encoder" => true,
                        "fresh" => false,
                        _ => return Err(format!("--d-init `{v}`: want `fresh` or `encoder`")),
                    }
                }
                "--d-reals" => {
                    o.d_real_targets = crate::train::options::parse_d_reals(&v)
                        .map_err(|e| format!("--d-reals {e}"))?
                }
                "--scene" => match &mut o.data {
                    DataSource::Synth { scene, .. } => *scene = Scene::parse(&v)?,
                    DataSource::Folder(_) => return Err("--scene needs --data synth".into()),
                },
                "--freeze-encoder-from" => o.freeze_encoder_from = Some(num(&k, &v)?),
                "--rec-weight" => o.rec_weight = num(&k, &v)?,
                "--perceptual-weight" => o.perceptual_weight = num(&k, &v)?,
                "--id-weight" => o.id_weight = num(&k, &v)?,
                "--proto-weight" => o.proto_weight = num(&k, &v)?,
                "--init-from" => {
                    if resume {
                        return Err("--init-from starts a new run; --resume continues \
                                    one from its checkpoint"
                            .into());
                    }
                    o.init_from = Some(PathBuf::from(v));
                    // The imported encoder is only the bundle's while it runs frozen.
                    o.freeze_encoder_from = o.freeze_encoder_from.or(Some(0));
                }
                "--id-margin" => o.id_margin = num(&k, &v)?,
                "--strong-d" => o.strong_d = num(&k, &v)?,
                "--seed" => o.seed = num(&k, &v)?,
                "--sample-every" => o.sample_every = num(&k, &v)?,
                "--checkpoint-every" => o.checkpoint_every = num(&k, &v)?,
                "--threads" => o.threads = num(&k, &v)?,
                "--workers" => o.workers = num(&k, &v)?,
                _ => unreachable!("listed above"),
            }
        }
        if o.groups == 0
            || o.group == 0
            || o.sample_every == 0
            || o.checkpoint_every == 0
            || o.workers == 0
        {
            return Err(
                "--groups, --group, --sample-every, --checkpoint-every and --workers must be \
                 at least 1"
                    .into(),
            );
        }
        if o.init_from.is_some() && (o.warmup_steps > 0 || o.freeze_encoder_from != Some(0)) {
            return Err(
                "--init-from needs the encoder frozen from step 0: no --warmup-steps, \
                 and --freeze-encoder-from 0 or none"
                    .into(),
            );
        }
        let weights = [
            o.adv_weight,
            o.rec_weight,
            o.perceptual_weight,
            o.id_weight,
            o.proto_weight,
        ];
        if weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err("loss weights must be finite and at least 0".into());
        }
        if !(o.id_margin.is_finite() && (0.0..1.0).contains(&o.id_margin)) {
            return Err(format!(
                "--id-margin {} must be at least 0 and below 1 (a cosine margin)",
                o.id_margin
            ));
        }
        if o.freeze_encoder_from.is_some_and(|f| f < o.warmup_steps) {
            return Err(format!(
                "--freeze-encoder-from must not be before the warm-up's end (step {}): \
                 the warm-up trains only the encoder",
                o.warmup_steps
            ));
        }
        let [_, autoencoder, _] = o.phase_steps(o.steps);
        if autoencoder > 0 && o.rec_weight == 0.0 && o.perceptual_weight == 0.0 {
            return Err(
                "--rec-weight and --perceptual-weight are 0 while the adversarial \
                 terms are off (--adv-weight 0, or steps before --adv-from): the decoder \
                 would learn nothing"
                    .into(),
            );
        }
        Ok(TrainArgs {
            out,
            resume,
            decoder_from,
            quiet,
            options: o,
        })
    }
}

/// `drgan-train train ...`.
pub fn train(args: &[String]) -> Result<(), String> {
    let a = TrainArgs::parse(args)?;
    crate::train::run::train(
        &a.out,
        a.options,
        a.resume,
        a.decoder_from.as_deref(),
        a.quiet,
    )
}

/// `drgan-train export RUN --out DIR [--trained-on TEXT]`.
pub fn export(args: &[String]) -> Result<(), String> {
    let mut run = None;
    let mut out = None;
    let mut trained_on = None;
    let mut it = args.iter();
    while let Some(k) = it.next() {
        match k.as_str() {
            "--out" => out = Some(PathBuf::from(value(&mut it, k)?)),
            "--trained-on" => trained_on = Some(value(&mut it, k)?),
            s if !s.starts_with('-') && run.is_none() => run = Some(PathBuf::from(s)),
            other => return Err(format!("unknown option `{other}`\n\n{}", super::USAGE)),
        }
    }
    let run = run.ok_or("export needs the run folder")?;
    let out = out.ok_or("export needs --out DIR")?;
    crate::export::export_run(&run, &out, trained_on.as_deref())
}

/// `drgan-train heldout RUN [--identities N]`: rank-1 per yaw of the run's checkpoint on
/// held-out synthetic identities (see `train::heldout`).
pub fn heldout(args: &[String]) -> Result<(), String> {
    let mut run = None;
    let mut identities = 50usize;
    let mut it = args.iter();
    while let Some(k) = it.next() {
        match k.as_str() {
            "--identities" => identities = num(k, &value(&mut it, k)?)?,
            s if !s.starts_with('-') && run.is_none() => run = Some(PathBuf::from(s)),
            other => return Err(format!("unknown option `{other}`\n\n{}", super::USAGE)),
        }
    }
    let run = run.ok_or("heldout needs the run folder")?;
    let o = TrainOptions::read(&run)?;
    let classes = crate::train::checkpoint::classes(&run)?;
    let device = burn::tensor::Device::flex();
    let mut t = crate::train::Trainer::new(o.clone(), classes, device.clone());
    let step = crate::train::checkpoint::load(&run, &mut t, false)?;
    let c = &o.config;
    let r = crate::train::heldout::rank1(
        &t.g,
        &c.pose_yaws,
        c.input_size as usize,
        identities,
        o.threads,
        &device,
    )?;
    println!("step {step}: rank-1 on {identities} held-out identities, per yaw");
    for (y, v) in c.pose_yaws.iter().zip(&r) {
        println!("{y:>6.0}  {:.3}", v);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_a_training_command() {
        let a = TrainArgs::parse(&args(
            "--config tiny --data synth --identities 7 --steps 12 --out runs/x --group 1",
        ))
        .unwrap();
        assert_eq!(a.options.config.input_size, 32);
        assert_eq!(a.options.steps, 12);
        assert_eq!(a.options.group, 1);
        assert_eq!(
            a.options.data,
            DataSource::Synth {
                identities: 7,
                variations: 4,
                scene: Scene::PerPicture,
            }
        );
        let b = TrainArgs::parse(&args("--config tiny --size 48 --data /d --out r")).unwrap();
        assert_eq!(b.options.config.name, "tiny-custom");
        assert_eq!(b.options.config.decoder_width, 0.125);
        let wide = TrainArgs::parse(&args("--config tiny --decoder-width 0.5 --out r")).unwrap();
        let c = &wide.options.config;
        assert_eq!(
            (c.name.as_str(), c.width, c.decoder_width),
            ("tiny-custom", 0.125, 0.5)
        );
        assert_eq!(b.options.data, DataSource::Folder("/d".into()));
        let c = TrainArgs::parse(&args("--identities 9 --scene per-variation --out r")).unwrap();
        assert_eq!(
            c.options.data,
            DataSource::Synth {
                identities: 9,
                variations: 4,
                scene: Scene::PerVariation,
            }
        );
        let frozen = "--warmup-steps 10 --freeze-encoder-from 10 --out r";
        let f = TrainArgs::parse(&args(frozen)).unwrap();
        assert_eq!(f.options.freeze_encoder_from, Some(10));
        let p = TrainArgs::parse(&args("--pose-scale 8 --out r")).unwrap();
        assert_eq!((p.options.pose_scale, c.options.pose_scale), (8.0, 1.0));
        let w = TrainArgs::parse(&args("--workers 2 --out r")).unwrap();
        assert_eq!((w.options.workers, c.options.workers), (2, 1));
        let d = TrainArgs::parse(&args("--scene paired --out r")).unwrap();
        assert!(matches!(
            d.options.data,
            DataSource::Synth {
                scene: Scene::Paired,
                ..
            }
        ));
    }

    #[test]
    fn rejects_bad_training_commands() {
        assert!(TrainArgs::parse(&args("--steps 3")).is_err());
        assert!(TrainArgs::parse(&args("--config huge --out r")).is_err());
        assert!(TrainArgs::parse(&args("--out r --group 0")).is_err());
        assert!(TrainArgs::parse(&args("--out r --workers 0")).is_err());
        assert!(TrainArgs::parse(&args("--out r --bogus")).is_err());
        assert!(TrainArgs::parse(&args("--out r --size 50")).is_err());
        assert!(TrainArgs::parse(&args("--out r --decoder-width 0")).is_err());
        assert!(TrainArgs::parse(&args("--out r --decoder-width wide")).is_err());
        for bad in ["0", "-2", "inf", "NaN", "x"] {
            let a = format!("--out r --pose-scale {bad}");
            assert!(TrainArgs::parse(&args(&a)).is_err(), "{a}");
        }
        assert!(TrainArgs::parse(&args("--out r --adv-weight -1")).is_err());
        assert!(TrainArgs::parse(&args("--out r --rec-weight NaN")).is_err());
        assert!(TrainArgs::parse(&args("--out r --adv-weight 0 --rec-weight 0")).is_err());
        assert!(TrainArgs::parse(&args("--out r --adv-from 9 --rec-weight 0")).is_err());
        assert!(TrainArgs::parse(&args("--out r --id-margin 1")).is_err());
        assert!(TrainArgs::parse(&args("--out r --id-margin -0.1")).is_err());
        assert!(TrainArgs::parse(&args("--out r --d-from x")).is_err());
        assert!(TrainArgs::parse(&args("--out r --d-init copy")).is_err());
        assert!(TrainArgs::parse(&args("--out r --scene sunny")).is_err());
        assert!(TrainArgs::parse(&args("--out r --freeze-encoder-from x")).is_err());
        let early = "--out r --warmup-steps 10 --freeze-encoder-from 9";
        assert!(TrainArgs::parse(&args(early)).is_err());
        assert!(TrainArgs::parse(&args("--out r --data /d --scene per-picture")).is_err());
        assert!(
            TrainArgs::parse(&args("--out r --d-init encoder"))
                .unwrap()
                .options
                .d_from_encoder
        );
        let a = TrainArgs::parse(&args("--out r --adv-from 9 --d-from 4")).unwrap();
        assert_eq!((a.options.adv_from, a.options.d_from), (9, Some(4)));
        let a = TrainArgs::parse(&args("--out r --adv-weight 0 --id-margin 0.2")).unwrap();
        assert_eq!(a.options.adv_weight, 0.0);
        assert_eq!(a.options.id_margin, 0.2);
    }
}
