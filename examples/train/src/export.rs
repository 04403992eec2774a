//! Export: trained burn networks to drgan's parameter names ([`drgan_writer::Weights`])
//! and a bundle folder written by `drgan_writer` (batch norm folded into the convs).

use crate::nets::{host, ConvBlock, Decoder, Discriminator, Generator, Trunk, UpBlock};
use crate::train::options::DInit;
use crate::train::{checkpoint, Scene, TrainOptions, Trainer};
use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::nn::BatchNorm;
use burn::prelude::*;
use drgan::bundle::BundleFiles;
use drgan_writer::{BundleFilesExt, Config, Weights, DECODER, ENCODER};
use std::path::Path;

struct Out<'a>(&'a mut Weights);

impl Out<'_> {
    fn put<const D: usize>(&mut self, name: &str, t: Tensor<D>) -> Result<(), String> {
        let shape = t.dims().to_vec();
        let data = host(t)?;
        self.0.insert(name, shape, data).map_err(|e| e.to_string())
    }

    fn bn(&mut self, name: &str, bn: &BatchNorm) -> Result<(), String> {
        self.put(&format!("{name}.bn.scale"), bn.gamma.val())?;
        self.put(&format!("{name}.bn.bias"), bn.beta.val())?;
        self.put(&format!("{name}.bn.mean"), bn.running_mean.value_sync())?;
        self.put(&format!("{name}.bn.var"), bn.running_var.value_sync())
    }

    fn conv(&mut self, name: &str, c: &Conv2d) -> Result<(), String> {
        self.put(&format!("{name}.weight"), c.weight.val())?;
        let b = c.bias.as_ref().ok_or("a conv without bias")?;
        self.put(&format!("{name}.bias"), b.val())
    }

    fn fconv(&mut self, name: &str, c: &ConvTranspose2d) -> Result<(), String> {
        self.put(&format!("{name}.weight"), c.weight.val())?;
        let b = c.bias.as_ref().ok_or("a transposed conv without bias")?;
        self.put(&format!("{name}.bias"), b.val())
    }

    /// A decoder block: its kernel as the bundle holds it ([`UpBlock::kernel`]: 4x4 for
    /// a resizing block), bias and batch norm.
    fn up_block(&mut self, name: &str, block: &UpBlock) -> Result<(), String> {
        self.put(&format!("{name}.weight"), block.kernel())?;
        let b = block
            .fconv
            .bias
            .as_ref()
            .ok_or("a transposed conv without bias")?;
        self.put(&format!("{name}.bias"), b.val())?;
        self.bn(name, &block.bn)
    }

    /// The decoder's FC, with its pose scale folded into the pose rows: the bundle's
    /// decoder takes the plain one-hot code (weights [in, out], rows f, pose, noise).
    fn decoder_fc(&mut self, dec: &Decoder, config: &Config) -> Result<(), String> {
        let weight = dec.fc.weight.val();
        let [inputs, outputs] = weight.dims();
        let (nf, np) = (config.feature_dim, config.pose_yaws.len());
        if inputs != nf + np + config.noise_dim {
            return Err(format!(
                "the decoder's FC takes {inputs} inputs, not Nf + Np + Nz"
            ));
        }
        let mut w = host(weight)?;
        for v in &mut w[nf * outputs..(nf + np) * outputs] {
            *v *= dec.pose_scale;
        }
        self.0
            .insert("decoder.fc.weight", vec![inputs, outputs], w)
            .map_err(|e| e.to_string())?;
        let b = dec.fc.bias.as_ref().ok_or("an FC without bias")?;
        self.put("decoder.fc.bias", b.val())
    }

    fn trunk(&mut self, prefix: &str, t: &Trunk) -> Result<(), String> {
        for ((name, _, _), ConvBlock { conv, bn }) in ENCODER.iter().zip(&t.blocks) {
            self.conv(&format!("{prefix}.{name}"), conv)?;
            self.bn(&format!("{prefix}.{name}"), bn)?;
        }
        self.conv(&format!("{prefix}.conv53"), &t.last)
    }
}

/// The bundle parameters of a trained generator and discriminator. The pose head is the
/// discriminator's trunk with the pose columns of its FC.
pub fn weights(g: &Generator, d: &Discriminator, config: &Config) -> Result<Weights, String> {
    let mut w = Weights::new();
    let mut o = Out(&mut w);
    o.trunk("encoder", &g.encoder)?;
    o.trunk("pose", &d.trunk)?;
    let fc_w = d.fc.weight.val();
    let [rows, cols] = fc_w.dims();
    let first = d.identities + 1;
    o.put("pose.fc.weight", fc_w.slice([0..rows, first..cols]))?;
    let fc_b = d.fc.bias.as_ref().ok_or("an FC without bias")?.val();
    o.put("pose.fc.bias", fc_b.narrow(0, first, cols - first))?;
    let dec = &g.decoder;
    o.decoder_fc(dec, config)?;
    o.bn("decoder.fc", &dec.fc_bn)?;
    let n = DECODER.len();
    for ((name, _, _), block) in DECODER[..n - 1].iter().zip(&dec.blocks) {
        o.up_block(&format!("decoder.{name}"), block)?;
    }
    o.fconv(&format!("decoder.{}", DECODER[n - 1].0), &dec.last)?;
    // The bundle writer checks every name and shape against the config.
    BundleFiles::build(config, &w, "", true).map_err(|e| e.to_string())?;
    Ok(w)
}

/// A one-line description of the training data for `drgan.trained_on`.
pub fn trained_on(o: &TrainOptions, steps: u64) -> String {
    let mut sources = Vec::new();
    if o.data.has_synth() {
        sources.push(format!(
            "synthetic faces: identities 0..{}, {} yaws, {} variations{}",
            o.identities,
            o.config.pose_yaws.len(),
            o.variations,
            match o.scene {
                Scene::PerVariation => "",
                Scene::PerPicture => ", per-picture scenes",
                Scene::Studio => ", per-picture scenes, studio targets",
            }
        ));
    }
    for p in o.data.folders() {
        sources.push(format!("labels.csv folder {}", p.display()));
    }
    let mut data = sources.join(" + ");
    if !o.mix.0.is_empty() {
        data += &format!(" (mix {})", o.mix);
    }
    let (g, n) = (o.groups, o.group);
    // The run's phases, in order: encoder warm-up, autoencoder (no D), DR-GAN.
    let [warm, autoencoder, dr_gan] = o.phase_steps(steps);
    // Notes on the autoencoder and DR-GAN phases: D learning beside the autoencoder
    // (`--d-from`), and the step the encoder froze at (named with the phase it falls in).
    let (mut ae_notes, mut gan_notes) = (Vec::new(), Vec::new());
    if let Some(first) = o.d_from.and(o.d_first_step()) {
        if first < warm + autoencoder {
            let copy = if o.d_init == DInit::Encoder {
                ", copied from the encoder"
            } else {
                ""
            };
            ae_notes.push(format!("D from step {first}{copy}"));
        }
    }
    // An encoder frozen from the warm-up's end leaves a decoder-only phase, named so;
    // frozen later, it is a note on the phase it froze in.
    let frozen = o.freeze_encoder_from.filter(|&f| f < steps);
    let decoder_only = autoencoder > 0 && frozen.is_some_and(|f| f <= warm);
    if let Some(from) = frozen.filter(|_| !decoder_only) {
        let note = format!("encoder frozen from {from}");
        if from < warm + autoencoder {
            ae_notes.push(note);
        } else {
            gan_notes.push(note);
        }
    }
    let ae_name = if decoder_only {
        "decoder-only"
    } else {
        "autoencoder"
    };
    let describe = |with_notes: bool| {
        let notes = |notes: &[String]| {
            if with_notes && !notes.is_empty() {
                format!(" ({})", notes.join("; "))
            } else {
                String::new()
            }
        };
        let phases = [
            (warm, format!("{warm} encoder warm-up ({}x{n})", 4 * g)),
            (
                autoencoder,
                format!("{autoencoder} {ae_name}{}", notes(&ae_notes)),
            ),
            (dr_gan, format!("{dr_gan} DR-GAN{}", notes(&gan_notes))),
        ];
        let parts: Vec<String> = phases
            .into_iter()
            .filter(|(count, _)| *count > 0)
            .map(|(_, text)| text)
            .collect();
        if warm == 0 && autoencoder == 0 {
            format!(
                "{data}; {steps} steps of {g}x{n} pictures{} (drgan-train)",
                notes(&gan_notes)
            )
        } else {
            format!(
                "{data}; {steps} steps of {g}x{n} pictures: {} (drgan-train)",
                parts.join(", ")
            )
        }
    };
    // The notes go where the whole would not fit DRGAN_INFO_TRAINED_ON_LEN (with its NUL);
    // a text still too long (long folder paths) is cut, so that export never fails on it.
    let room = drgan::ffi::DRGAN_INFO_TRAINED_ON_LEN - 1;
    let text = describe(true);
    if text.len() <= room {
        return text;
    }
    let text = describe(false);
    if text.len() <= room {
        return text;
    }
    let mut end = room - "...".len();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

/// `drgan-train export RUN --out DIR`: the run's checkpoint as a bundle with a pose head.
/// `trained_on` replaces the description [`trained_on`] derives from the run's options
/// (which are those of its last command: a run resumed with other settings needs it).
pub fn export_run(run_dir: &Path, out: &Path, trained_on: Option<&str>) -> Result<(), String> {
    let o = TrainOptions::read(run_dir)?;
    if !checkpoint::exists(run_dir) {
        return Err(format!("{} has no checkpoint", run_dir.display()));
    }
    let classes = checkpoint::classes(run_dir)?;
    let mut t = Trainer::new(o.clone(), classes, Device::flex());
    let steps = checkpoint::load(run_dir, &mut t, false)?;
    let w = weights(&t.g, &t.d, &o.config)?;
    let described = match trained_on {
        Some(text) => text.to_string(),
        None => self::trained_on(&o, steps),
    };
    check_trained_on(&described)?;
    let files = BundleFiles::build(&o.config, &w, &described, true).map_err(|e| e.to_string())?;
    files.write_dir(out).map_err(|e| e.to_string())?;
    println!(
        "exported {} (config {}, step {steps}) to {}",
        run_dir.display(),
        o.config.name,
        out.display()
    );
    Ok(())
}

/// Errors when `text` does not fit the C ABI's `trained_on` field (the text and a NUL):
/// the check of every command that writes a bundle's description.
pub fn check_trained_on(text: &str) -> Result<(), String> {
    let room = drgan::ffi::DRGAN_INFO_TRAINED_ON_LEN - 1;
    if text.len() > room {
        return Err(format!(
            "the description \"{text}\" is {} bytes, over the C ABI's {room}: pass a \
             shorter one with --trained-on",
            text.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synth(o: &mut TrainOptions, identities: usize, variations: usize, scene: Scene) {
        (o.identities, o.variations, o.scene) = (identities, variations, scene);
    }

    #[test]
    fn a_description_too_long_for_the_c_field_is_cut_to_fit() {
        let mut o = TrainOptions::new(Config::named("small").unwrap());
        let folder = format!("/work/{}/crops", "é".repeat(150));
        o.data = format!("synth,{folder}").parse().unwrap();
        let text = trained_on(&o, 5);
        assert!(text.ends_with("..."), "{text}");
        assert!(
            text.starts_with("synthetic faces: identities 0..1000"),
            "{text}"
        );
        assert!(check_trained_on(&text).is_ok(), "{} bytes", text.len());
        assert!(check_trained_on(&format!("{text}xxxx")).is_err());
    }

    #[test]
    fn trained_on_describes_the_phases_and_fits_the_c_field() {
        let mut o = TrainOptions::new(Config::named("default").unwrap());
        (o.groups, o.group) = (4, 4);
        assert_eq!(
            trained_on(&o, 5),
            "synthetic faces: identities 0..1000, 13 yaws, 4 variations, per-picture scenes; \
             5 steps of 4x4 pictures (drgan-train)"
        );
        o.warmup_steps = 3000;
        assert!(
            trained_on(&o, 12000)
                .ends_with("12000 steps of 4x4 pictures: 3000 encoder warm-up (16x4), 9000 DR-GAN (drgan-train)"),
            "{}",
            trained_on(&o, 12000)
        );
        o.adv_from = 6600;
        synth(&mut o, 1_000_000, 100, Scene::PerPicture);
        let text = trained_on(&o, 7200);
        assert!(
            text.contains(
                "7200 steps of 4x4 pictures: 3000 encoder warm-up (16x4), 3600 autoencoder, 600 DR-GAN"
            ),
            "{text}"
        );
        o.d_from = Some(5000);
        let text = trained_on(&o, 7200);
        assert!(
            text.contains("3600 autoencoder (D from step 5000), 600 DR-GAN"),
            "{text}"
        );
        o.d_init = DInit::Encoder;
        let long = trained_on(&o, 7200);
        assert!(
            long.contains("(D from step 5000, copied from the encoder), 600 DR-GAN"),
            "{long}"
        );
        assert!(
            long.contains("100 variations, per-picture scenes;"),
            "{long}"
        );
        assert!(
            long.len() < drgan::ffi::DRGAN_INFO_TRAINED_ON_LEN,
            "{} bytes",
            long.len()
        );
        // A frozen encoder is named with the phase it froze in ...
        synth(&mut o, 2000, 2, Scene::PerPicture);
        o.freeze_encoder_from = Some(6900);
        let text = trained_on(&o, 7200);
        assert!(
            text.contains(", 600 DR-GAN (encoder frozen from 6900) ("),
            "{text}"
        );
        // ... but where the whole would not fit the C field, the notes go.
        synth(&mut o, 1_000_000, 100, Scene::Studio);
        o.freeze_encoder_from = Some(6000);
        let longest = trained_on(&o, 7200);
        assert!(
            longest.contains(
                "100 variations, per-picture scenes, studio targets; 7200 steps of 4x4 pictures: \
                 3000 encoder warm-up (16x4), 3600 autoencoder, 600 DR-GAN (drgan-train)"
            ),
            "{longest}"
        );
        assert!(longest.len() < drgan::ffi::DRGAN_INFO_TRAINED_ON_LEN);
        // A run of realistic size keeps them.
        synth(&mut o, 2000, 2, Scene::Studio);
        (o.warmup_steps, o.d_from, o.freeze_encoder_from) = (5400, Some(5400), Some(7200));
        o.adv_from = 9000;
        let text = trained_on(&o, 9000);
        assert_eq!(
            text,
            "synthetic faces: identities 0..2000, 13 yaws, 2 variations, per-picture scenes, \
             studio targets; 9000 steps of 4x4 pictures: 5400 encoder warm-up (16x4), 3600 \
             autoencoder (D from step 5400, copied from the encoder; encoder frozen from 7200) \
             (drgan-train)"
        );
        assert!(text.len() < drgan::ffi::DRGAN_INFO_TRAINED_ON_LEN);
        // Frozen from the warm-up's end, the phase after it trains the decoder alone.
        synth(&mut o, 2000, 2, Scene::PerPicture);
        (o.warmup_steps, o.d_from, o.freeze_encoder_from) = (6900, Some(6900), Some(6900));
        o.adv_from = 11300;
        assert_eq!(
            trained_on(&o, 11300),
            "synthetic faces: identities 0..2000, 13 yaws, 2 variations, per-picture scenes; \
             11300 steps of 4x4 pictures: 6900 encoder warm-up (16x4), 4400 decoder-only \
             (D from step 6900, copied from the encoder) (drgan-train)"
        );
        (o.warmup_steps, o.d_from, o.adv_from) = (3000, Some(5000), 6600);
        o.freeze_encoder_from = None;
        synth(&mut o, 1_000_000, 100, Scene::PerPicture);
        o.d_from = Some(6600);
        assert!(trained_on(&o, 7200).contains("3600 autoencoder, 600 DR-GAN"));
        o.d_from = None;
        o.adv_weight = 0.0;
        assert!(trained_on(&o, 7200)
            .ends_with("3000 encoder warm-up (16x4), 4200 autoencoder (drgan-train)"));
        assert!(
            trained_on(&o, 2000).ends_with("pictures: 2000 encoder warm-up (16x4) (drgan-train)")
        );
        // The C ABI's `trained_on` field holds the text and a NUL.
        assert!(
            text.len() < drgan::ffi::DRGAN_INFO_TRAINED_ON_LEN,
            "{} bytes",
            text.len()
        );
    }
}
