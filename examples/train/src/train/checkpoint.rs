//! Checkpoints: `RUN/checkpoint/` holds both networks, both Adam states and the step, in
//! burn's burnpack format. Written to a temporary folder and renamed, so a run killed while
//! saving keeps its previous checkpoint. Each is replaced by the next, except at a phase's
//! start: a copy stays as `RUN/checkpoint-STEP/` ([`keep`]), to branch a run from.

use super::step::Trainer;
use crate::nets::Decoder;
use burn::module::Module;
use burn::store::ModuleRecord;
use drgan_writer::Config;
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

/// The folder of the copy [`keep`] makes of the checkpoint after `step` steps.
pub fn kept_dir(run: &Path, step: u64) -> std::path::PathBuf {
    run.join(format!("{DIR}-{step:07}"))
}

/// Copies `run`'s checkpoint, saved after `step` steps, to [`kept_dir`] (replacing an
/// older copy of the same step). Another run starts from it as from its own checkpoint:
/// copy `RUN/options.toml` beside it, the copy as `checkpoint/`, and `--resume`.
pub fn keep(run: &Path, step: u64) -> Result<(), String> {
    let (from, to) = (run.join(DIR), kept_dir(run, step));
    let tmp = run.join(format!("{DIR}-{step:07}.tmp"));
    let err = |e: std::io::Error| format!("keeping the checkpoint of step {step}: {e}");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(err)?;
    for entry in std::fs::read_dir(&from).map_err(err)? {
        let entry = entry.map_err(err)?;
        std::fs::copy(entry.path(), tmp.join(entry.file_name())).map_err(err)?;
    }
    let _ = std::fs::remove_dir_all(&to);
    std::fs::rename(&tmp, &to).map_err(err)
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
    load_into(run, t, with_optimizers, None)
}

/// `--resume --new-decoder`: loads `run`'s checkpoint into `t` except the decoder, which
/// stays as `t` has it (fresh, of `t`'s config), and G's Adam state, which starts anew
/// (its moments belong to the old decoder). The encoder, its identity classifier, D and
/// D's Adam state are the checkpoint's. `saved` is the config the checkpoint was trained
/// with. Returns the completed steps.
pub fn load_with_new_decoder(run: &Path, t: &mut Trainer, saved: &Config) -> Result<u64, String> {
    load_into(run, t, true, Some(saved))
}

fn load_into(
    run: &Path,
    t: &mut Trainer,
    with_optimizers: bool,
    new_decoder_over: Option<&Config>,
) -> Result<u64, String> {
    let dir = run.join(DIR);
    let record = |f: &str| {
        ModuleRecord::load(dir.join(f))
            .map_err(|e| format!("reading {}: {e}", dir.join(f).display()))
    };
    // Data with more people than the checkpoint: its networks load at their own size,
    // then their classifiers grow (the new people come after the old ones).
    let (people, saved_people) = (t.d.identities, classes(run)?);
    if saved_people > people {
        return Err(format!(
            "the checkpoint knows {saved_people} people and the data has {people}: a resumed \
             run needs the data it was trained on, with any new people after the old ones"
        ));
    }
    let grow = saved_people < people;
    if grow {
        eprintln!(
            "{} new people after the checkpoint's {saved_people}: their classes start fresh, \
             and so do the Adam states",
            people - saved_people
        );
    }
    let generator = record("generator.bpk")?;
    let mut g = t.g.clone().with_identities(saved_people)?;
    if let Some(saved) = new_decoder_over {
        g.decoder = Decoder::new(saved, &t.device);
    }
    let g = load_module(g, generator)?.with_identities(people)?;
    match new_decoder_over {
        None => t.g = g,
        // Only the encoder and its classifier are the checkpoint's.
        Some(_) => {
            t.g.encoder = g.encoder;
            t.g.id_head = g.id_head;
        }
    }
    let d = t.d.clone().with_identities(saved_people)?;
    t.d = load_module(d, record("discriminator.bpk")?)?.with_identities(people)?;
    if with_optimizers && !grow {
        if new_decoder_over.is_none() {
            t.opt_g = t
                .opt_g
                .clone()
                .load(dir.join("optim_g.bpk"))
                .map_err(|e| format!("reading optim_g.bpk: {e}"))?;
        }
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

fn load_module<M: Module>(m: M, r: ModuleRecord) -> Result<M, String> {
    m.try_load_record(r)
        .map_err(|e| format!("the checkpoint does not fit the network: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::run::device;
    use crate::train::{DInit, TrainOptions};
    use drgan_writer::Config;

    fn tiny(width: f32) -> Config {
        Config::scaled("tiny", 32, width, 16, 8).unwrap()
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

    /// A kept copy is the checkpoint of its step, and a run folder holding it as its
    /// checkpoint resumes from there; a later save leaves the copy alone.
    #[test]
    fn a_kept_checkpoint_resumes_another_run() {
        let (run, branch) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let o = TrainOptions::new(tiny(0.125));
        let t = Trainer::new(o.clone(), 3, device());
        save(run.path(), &t, 4).unwrap();
        keep(run.path(), 4).unwrap();
        save(run.path(), &t, 6).unwrap();
        let kept = kept_dir(run.path(), 4);
        assert!(kept.ends_with("checkpoint-0000004"), "{}", kept.display());
        std::fs::rename(&kept, branch.path().join(DIR)).unwrap();
        let mut back = Trainer::new(o, 3, device());
        assert_eq!(load(branch.path(), &mut back, true), Ok(4));
        assert_eq!(load(run.path(), &mut back, true), Ok(6));
    }

    /// Nor is the decoder's upsampling: a resumed run's decoder resizes as its config
    /// says, with the checkpoint's 3x3 taps.
    #[test]
    fn a_resumed_decoder_keeps_its_upsampling() {
        let dir = tempfile::tempdir().unwrap();
        let config = tiny(0.125).with_upsample(drgan_writer::Upsample::Resize);
        let o = TrainOptions::new(config);
        let t = Trainer::new(o.clone(), 3, device());
        save(dir.path(), &t, 2).unwrap();
        let mut back = Trainer::new(o, 3, device());
        assert_eq!(load(dir.path(), &mut back, true), Ok(2));
        let resizing: Vec<bool> = back.g.decoder.blocks.iter().map(|b| b.resize).collect();
        assert_eq!(resizing.iter().filter(|&&r| r).count(), 4, "{resizing:?}");
        let host = |t: burn::Tensor<4>| crate::nets::host(t).unwrap();
        assert_eq!(
            host(back.g.decoder.blocks[2].kernel()),
            host(t.g.decoder.blocks[2].kernel())
        );
    }

    /// `--new-decoder`: a wider decoder, fresh, beside the checkpoint's encoder, identity
    /// classifier and D; the plain load of the same checkpoint refuses the wider decoder.
    #[test]
    fn a_new_decoder_keeps_the_encoder_and_d() {
        let dir = tempfile::tempdir().unwrap();
        let o = TrainOptions::new(tiny(0.125));
        let t = Trainer::new(o.clone(), 3, device());
        save(dir.path(), &t, 9).unwrap();
        let wide = tiny(0.125).with_decoder_width(0.25).unwrap();
        let mut back = Trainer::new(TrainOptions::new(wide), 3, device());
        let fresh = back.g.decoder.fc.weight.val();
        assert!(load(dir.path(), &mut back, true).is_err(), "shapes differ");
        assert_eq!(
            load_with_new_decoder(dir.path(), &mut back, &o.config),
            Ok(9)
        );
        let host2 = |t: burn::Tensor<2>| crate::nets::host(t).unwrap();
        let host4 = |t: burn::Tensor<4>| crate::nets::host(t).unwrap();
        assert_eq!(
            host4(back.g.encoder.blocks[1].conv.weight.val()),
            host4(t.g.encoder.blocks[1].conv.weight.val())
        );
        assert_eq!(
            host2(back.g.id_head.weight.val()),
            host2(t.g.id_head.weight.val())
        );
        assert_eq!(
            host4(back.d.trunk.blocks[1].conv.weight.val()),
            host4(t.d.trunk.blocks[1].conv.weight.val())
        );
        let width = |d: &crate::nets::Decoder| d.fc.weight.val().dims()[1];
        assert_eq!(width(&back.g.decoder), 2 * width(&t.g.decoder));
        assert_eq!(host2(back.g.decoder.fc.weight.val()), host2(fresh));
    }

    /// Data with more people resumes: the networks and the old people's classes are the
    /// checkpoint's, the new people's classes are appended; fewer people is refused.
    #[test]
    fn a_resume_with_more_people_keeps_the_networks_and_the_old_classes() {
        let dir = tempfile::tempdir().unwrap();
        let o = TrainOptions::new(tiny(0.125));
        let t = Trainer::new(o.clone(), 3, device());
        save(dir.path(), &t, 9).unwrap();
        let mut more = Trainer::new(o.clone(), 5, device());
        assert_eq!(load(dir.path(), &mut more, true), Ok(9));
        let host2 = |t: burn::Tensor<2>| crate::nets::host(t).unwrap();
        let host4 = |t: burn::Tensor<4>| crate::nets::host(t).unwrap();
        assert_eq!(
            host4(more.g.encoder.blocks[1].conv.weight.val()),
            host4(t.g.encoder.blocks[1].conv.weight.val())
        );
        assert_eq!(
            host2(more.g.decoder.fc.weight.val()),
            host2(t.g.decoder.fc.weight.val())
        );
        assert_eq!(more.d.identities, 5);
        let old_head = host2(t.g.id_head.weight.val());
        let new_head = host2(more.g.id_head.weight.val());
        let nf = tiny(0.125).feature_dim;
        for i in 0..nf {
            assert_eq!(new_head[i * 5..i * 5 + 3], old_head[i * 3..i * 3 + 3]);
        }
        let mut fewer = Trainer::new(o, 2, device());
        let err = load(dir.path(), &mut fewer, true).unwrap_err();
        assert!(err.contains("3 people"), "{err}");
    }

    /// Batch-norm modes are not in the checkpoint either: a resumed `--init-from` run's
    /// encoder keeps its fixed statistics, and so does D's trunk when it is (or will be) a
    /// copy of that encoder; otherwise D's trunk keeps batch statistics.
    #[test]
    fn a_resumed_imported_encoder_keeps_its_fixed_statistics() {
        let fixed = |bn: &burn::nn::BatchNorm| !bn.training.is_enabled();
        for d_init in [DInit::Fresh, DInit::Encoder] {
            let dir = tempfile::tempdir().unwrap();
            let mut o = TrainOptions::new(tiny(0.125));
            (o.init_from, o.d_init) = (Some("bundle".into()), d_init);
            let mut t = Trainer::new(o.clone(), 3, device());
            t.start_d_from_encoder().unwrap();
            assert!(
                fixed(&t.d.trunk.blocks[0].bn),
                "D copies the encoder's mode"
            );
            save(dir.path(), &t, 5).unwrap();
            let mut back = Trainer::new(o, 3, device());
            assert_eq!(load(dir.path(), &mut back, true), Ok(5));
            assert!(fixed(&back.g.encoder.blocks[0].bn));
            let d_fixed = fixed(&back.d.trunk.blocks[0].bn);
            assert_eq!(d_fixed, d_init == DInit::Encoder, "{d_init:?}");
        }
        let plain = Trainer::new(TrainOptions::new(tiny(0.125)), 3, device());
        assert!(!fixed(&plain.g.encoder.blocks[0].bn));
        assert!(!fixed(&plain.d.trunk.blocks[0].bn));
    }
}
