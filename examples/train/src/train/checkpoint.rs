//! Checkpoints: `RUN/checkpoint/` holds both networks, both Adam states and the step, in
//! burn's burnpack format. Written to a temporary folder and renamed, so a run killed while
//! saving keeps its previous checkpoint.

use super::options::TrainOptions;
use super::step::Trainer;
use burn::module::Module;
use burn::store::ModuleRecord;
use drgan::bundle::Config;
use std::path::Path;

const DIR: &str = "checkpoint";

/// Saves `t` after `step` completed steps.
pub fn save(run: &Path, t: &Trainer, step: u64) -> Result<(), String> {
    let tmp = run.join("checkpoint.tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| format!("creating {}: {e}", tmp.display()))?;
    let err = |what: &str, e: &dyn std::fmt::Display| format!("saving the {what}: {e}");
    t.g.clone()
        .save_file(tmp.join("generator.bpk"))
        .map_err(|e| err("generator", &e))?;
    t.d.clone()
        .save_file(tmp.join("discriminator.bpk"))
        .map_err(|e| err("discriminator", &e))?;
    t.opt_g
        .save(tmp.join("optim_g.bpk"))
        .map_err(|e| err("generator's optimizer", &e))?;
    t.opt_d
        .save(tmp.join("optim_d.bpk"))
        .map_err(|e| err("discriminator's optimizer", &e))?;
    std::fs::write(
        tmp.join("state.txt"),
        format!(
            "step={step}\nd_acc_ema={}\nclasses={}\n",
            t.d_acc_ema, t.d.identities
        ),
    )
    .map_err(|e| err("state", &e))?;
    let dir = run.join(DIR);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::rename(&tmp, &dir).map_err(|e| format!("renaming the checkpoint: {e}"))
}

/// Whether `run` has a checkpoint.
pub fn exists(run: &Path) -> bool {
    run.join(DIR).join("state.txt").is_file()
}

/// The number of identity classes the checkpoint of `run` was trained with.
pub fn classes(run: &Path) -> Result<usize, String> {
    let state = std::fs::read_to_string(run.join(DIR).join("state.txt"))
        .map_err(|e| format!("reading the checkpoint state: {e}"))?;
    state
        .lines()
        .find_map(|l| l.strip_prefix("classes="))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| "checkpoint state: `classes` is missing".to_string())
}

/// Loads the networks of `run`'s checkpoint into `t`; returns the completed steps.
/// `with_optimizers` also restores the Adam states (for `--resume`).
pub fn load(run: &Path, t: &mut Trainer, with_optimizers: bool) -> Result<u64, String> {
    let dir = run.join(DIR);
    let record = |f: &str| {
        ModuleRecord::load(dir.join(f))
            .map_err(|e| format!("reading {}: {e}", dir.join(f).display()))
    };
    t.g = load_module(t.g.clone(), record("generator.bpk")?)?;
    t.d = load_module(t.d.clone(), record("discriminator.bpk")?)?;
    if with_optimizers {
        t.opt_g = t
            .opt_g
            .clone()
            .load(dir.join("optim_g.bpk"))
            .map_err(|e| format!("reading optim_g.bpk: {e}"))?;
        t.opt_d = t
            .opt_d
            .clone()
            .load(dir.join("optim_d.bpk"))
            .map_err(|e| format!("reading optim_d.bpk: {e}"))?;
    }
    let state = std::fs::read_to_string(dir.join("state.txt"))
        .map_err(|e| format!("reading the checkpoint state: {e}"))?;
    let get = |k: &str| {
        state
            .lines()
            .find_map(|l| l.strip_prefix(k).and_then(|r| r.strip_prefix('=')))
            .ok_or_else(|| format!("checkpoint state: `{k}` is missing"))
    };
    t.d_acc_ema = get("d_acc_ema")?.parse().unwrap_or(0.0);
    get("step")?
        .parse()
        .map_err(|_| "checkpoint state: bad step".to_string())
}

/// Replaces `t`'s decoder and discriminator with those of `source`'s checkpoint
/// (`drgan-train train --resume --decoder-from RUN`): typically a decoder trained on this
/// run's encoder, frozen, in a run of its own, so that the encoder and that decoder can
/// go on learning together. `source` must have the same network shapes (input size,
/// width, Nf, Nz, yaw bins) and identity classes (D's outputs); Adam's state for them is
/// not taken. Returns the source's step.
pub fn take_decoder(source: &Path, t: &mut Trainer) -> Result<u64, String> {
    let o = decoder_source(source, &t.options)?;
    let context = |e| source_error(source, e);
    let classes = classes(source).map_err(context)?;
    if classes != t.d.identities {
        return Err(context(format!(
            "its discriminator knows {classes} identities, this run's {}",
            t.d.identities
        )));
    }
    let mut other = Trainer::new(o, classes, t.device.clone());
    let step = load(source, &mut other, false).map_err(context)?;
    t.g.decoder = other.g.decoder;
    t.d = other.d;
    Ok(step)
}

/// The options of `source` when it can give its decoder to the run of `options` (see
/// [`take_decoder`]): the same network shapes and pose scale. Called before a run
/// renders its data, so a wrong source fails fast.
pub fn decoder_source(source: &Path, options: &TrainOptions) -> Result<TrainOptions, String> {
    let context = |e| source_error(source, e);
    if !exists(source) {
        return Err(context("no checkpoint there".into()));
    }
    let o = TrainOptions::read(source).map_err(context)?;
    let (theirs, ours) = (shape(&o.config), shape(&options.config));
    if theirs != ours {
        return Err(context(format!(
            "its networks ({theirs}) are not this run's ({ours})"
        )));
    }
    if o.pose_scale != options.pose_scale {
        return Err(context(format!(
            "its decoder learnt a pose code scaled by {}, this run's is scaled by {}",
            o.pose_scale, options.pose_scale
        )));
    }
    Ok(o)
}

/// `e`, said of the `--decoder-from` run `source`.
fn source_error(source: &Path, e: String) -> String {
    format!("--decoder-from {}: {e}", source.display())
}

/// What fixes the networks' parameter shapes, in words.
fn shape(c: &Config) -> String {
    format!(
        "{} px, width {} (decoder {}), Nf {}, Nz {}, yaws {:?}",
        c.input_size, c.width, c.decoder_width, c.feature_dim, c.noise_dim, c.pose_yaws
    )
}

fn load_module<M: Module>(m: M, r: ModuleRecord) -> Result<M, String> {
    m.try_load_record(r)
        .map_err(|e| format!("the checkpoint does not fit the network: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nets::host;
    use crate::train::run::device;
    use burn::tensor::Tensor;

    fn tiny(width: f32) -> Config {
        Config::scaled("tiny", 32, width, 16, 8).unwrap()
    }

    /// A run folder at `dir` with a fresh trainer of `config` and `classes` saved at step 7.
    fn saved_run(dir: &Path, config: Config, classes: usize) -> Trainer {
        saved_run_of(dir, TrainOptions::new(config), classes)
    }

    /// The same with the run's `options`.
    fn saved_run_of(dir: &Path, options: TrainOptions, classes: usize) -> Trainer {
        let t = Trainer::new(options, classes, device());
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("options.txt"), t.options.to_text()).unwrap();
        save(dir, &t, 7).unwrap();
        t
    }

    #[test]
    fn the_decoder_and_d_come_from_the_other_run_and_the_encoder_stays() {
        let dir = tempfile::tempdir().unwrap();
        let source = saved_run(&dir.path().join("source"), tiny(0.125), 3);
        let mut t = Trainer::new(TrainOptions::new(tiny(0.125)), 3, device());
        let encoder = host(t.g.encoder.blocks[0].conv.weight.val()).unwrap();
        assert_eq!(take_decoder(&dir.path().join("source"), &mut t), Ok(7));
        let same = |a: Tensor<2>, b: Tensor<2>| host(a).unwrap() == host(b).unwrap();
        assert!(same(
            t.g.decoder.fc.weight.val(),
            source.g.decoder.fc.weight.val()
        ));
        assert!(same(t.d.fc.weight.val(), source.d.fc.weight.val()));
        assert_eq!(
            host(t.g.encoder.blocks[0].conv.weight.val()).unwrap(),
            encoder
        );
        assert_ne!(
            host(source.g.encoder.blocks[0].conv.weight.val()).unwrap(),
            encoder
        );
    }

    #[test]
    fn another_shape_other_identities_or_no_run_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let wide = dir.path().join("wide");
        saved_run(&wide, tiny(0.25), 3);
        let mut t = Trainer::new(TrainOptions::new(tiny(0.125)), 3, device());
        let e = take_decoder(&wide, &mut t).unwrap_err();
        assert!(
            e.contains("width 0.25") && e.contains("not this run's"),
            "{e}"
        );
        // A decoder of another width would not be this run's decoder either.
        let wide_decoder = dir.path().join("wide-decoder");
        saved_run(
            &wide_decoder,
            tiny(0.125).with_decoder_width(0.25).unwrap(),
            3,
        );
        let e = take_decoder(&wide_decoder, &mut t).unwrap_err();
        assert!(e.contains("(decoder 0.25)"), "{e}");
        let more = dir.path().join("more");
        saved_run(&more, tiny(0.125), 5);
        let e = take_decoder(&more, &mut t).unwrap_err();
        assert!(e.contains("5 identities, this run's 3"), "{e}");
        let e = take_decoder(&dir.path().join("none"), &mut t).unwrap_err();
        assert!(e.contains("no checkpoint"), "{e}");
        // A decoder that learnt a scaled pose code would draw other poses in this run.
        let scaled = dir.path().join("scaled");
        let mut o = TrainOptions::new(tiny(0.125));
        o.pose_scale = 4.0;
        saved_run_of(&scaled, o, 3);
        let e = take_decoder(&scaled, &mut t).unwrap_err();
        assert!(e.contains("scaled by 4, this run's is scaled by 1"), "{e}");
    }

    /// The pose scale is not in the checkpoint (a burn constant): a resumed run takes it
    /// from its options, and a checkpoint written before the scale existed loads.
    #[test]
    fn a_resumed_decoder_keeps_its_pose_scale() {
        let dir = tempfile::tempdir().unwrap();
        let mut o = TrainOptions::new(tiny(0.125));
        o.pose_scale = 4.0;
        let t = Trainer::new(o.clone(), 3, device());
        std::fs::create_dir_all(dir.path()).unwrap();
        save(dir.path(), &t, 7).unwrap();
        let mut back = Trainer::new(o, 3, device());
        assert_eq!(load(dir.path(), &mut back, true), Ok(7));
        assert_eq!(back.g.decoder.pose_scale, 4.0);
        let mut plain = Trainer::new(TrainOptions::new(tiny(0.125)), 3, device());
        assert_eq!(load(dir.path(), &mut plain, true), Ok(7));
        assert_eq!(plain.g.decoder.pose_scale, 1.0);
    }
}
