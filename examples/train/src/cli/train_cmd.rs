//! `drgan-train train`: a new run from the command line's options, or `--resume`: the
//! saved run, with the options given on the command line in place of the saved ones
//! (those in [`FIXED_ON_RESUME`] excepted; `--new-decoder` frees the decoder's own;
//! `--data` may add folders).

use crate::train::options::FIXED_ON_RESUME;
use crate::train::run::Start;
use crate::train::TrainOptions;
use clap::parser::ValueSource;
use clap::{ArgMatches, Args};
use std::path::{Path, PathBuf};

/// Train DR-GAN, or continue a run
///
/// RUN gets options.toml, log.csv, losses.png, samples_*.png and checkpoint/.
#[derive(Args, Debug)]
pub struct TrainArgs {
    /// The run folder
    #[arg(long, value_name = "RUN")]
    pub out: PathBuf,
    /// Continue RUN from its checkpoint with its saved options.toml; options given here
    /// replace the saved ones (--steps N raises the total), except --config,
    /// --decoder-width, --upsample, --identities, --variations, --pose-scale and
    /// --init-from. --data may add folders after the saved ones: their people join as new
    /// classes
    #[arg(long)]
    pub resume: bool,
    /// With --resume: keep the checkpoint's encoder, its identity classifier and D, and
    /// start the decoder (and its optimizer) afresh; --decoder-width and --upsample may
    /// then differ from the saved ones. To try another decoder on a trained encoder,
    /// branch a kept checkpoint (checkpoint-STEP/) this way
    #[arg(long, requires = "resume")]
    pub new_decoder: bool,
    /// No progress bars
    #[arg(long)]
    pub quiet: bool,
    #[command(flatten)]
    pub options: TrainOptions,
}

/// `drgan-train train ...`; `matches` tells which options the command line gave.
pub fn train(a: TrainArgs, matches: &ArgMatches) -> Result<(), String> {
    let (options, start) = if a.resume {
        let saved = TrainOptions::read(&a.out)?;
        let config = saved.config.clone();
        let options = resumed(&a.out, saved, a.options, matches, a.new_decoder)?;
        let start = if a.new_decoder {
            Start::ResumeWithNewDecoder(config)
        } else {
            Start::Resume
        };
        (options, start)
    } else {
        (a.options.complete()?, Start::Fresh)
    };
    crate::train::run::train(&a.out, options, start, a.quiet)
}

/// What `--new-decoder` frees from [`FIXED_ON_RESUME`].
const DECODER_OPTIONS: [&str; 2] = ["decoder_width", "upsample"];

/// The options `saved` in `run`, with those of `given` that the command line gave;
/// `new_decoder` lets the decoder's own options change.
pub fn resumed(
    run: &Path,
    saved: TrainOptions,
    given: TrainOptions,
    matches: &ArgMatches,
    new_decoder: bool,
) -> Result<TrainOptions, String> {
    let to_table = |o: &TrainOptions| toml::Table::try_from(o).map_err(|e| e.to_string());
    let (mut table, new) = (to_table(&saved)?, to_table(&given)?);
    let given_ids = matches
        .ids()
        .map(|id| id.as_str())
        .filter(|id| matches.value_source(id) == Some(ValueSource::CommandLine));
    for id in given_ids {
        if id == "data" && !given.data.0.starts_with(&saved.data.0) {
            return Err(format!(
                "--data with --resume may only add folders after {}'s ({}): new people \
                 come after the old ones",
                run.display(),
                String::from(saved.data.clone())
            ));
        }
        let freed = new_decoder && DECODER_OPTIONS.contains(&id);
        if FIXED_ON_RESUME.contains(&id) && !freed {
            return Err(format!(
                "--{} is fixed when a run starts; --resume continues {} as it began",
                id.replace('_', "-"),
                run.display()
            ));
        }
        // Options that are not saved (--out, --resume, --quiet, --threads) are not in
        // the tables.
        if let Some(value) = new.get(id) {
            table.insert(id.to_string(), value.clone());
        }
    }
    let mut o: TrainOptions = table
        .try_into()
        .map_err(|e: toml::de::Error| e.to_string())?;
    o.threads = given.threads;
    // Not in the tables: they go into the config, which `complete` rewrites.
    if new_decoder {
        (o.decoder_width, o.upsample) = (given.decoder_width, given.upsample);
    }
    o.complete()
}

#[cfg(test)]
mod tests {
    use crate::cli::{Cli, Command};
    use crate::train::{DInit, DataSource, Scene};
    use clap::Parser;
    use drgan_writer::Upsample;

    fn parse(line: &str) -> Result<super::TrainArgs, clap::Error> {
        let argv = format!("drgan-train train {line}");
        match Cli::try_parse_from(argv.split_whitespace())?.command {
            Command::Train(a) => Ok(*a),
            _ => unreachable!("a train command"),
        }
    }

    #[test]
    fn parses_a_training_command() {
        let a = parse("--config tiny --identities 7 --steps 12 --out runs/x --group 1").unwrap();
        let o = &a.options;
        assert_eq!(o.config.input_size, 32);
        assert_eq!((o.steps, o.group, o.identities), (12, 1, 7));
        assert_eq!(
            (o.data.0.clone(), o.scene),
            (vec![DataSource::Synth], Scene::PerPicture)
        );
        let b = parse("--data /d --out r --scene studio --d-init encoder").unwrap();
        assert_eq!(b.options.data.0, [DataSource::Folder("/d".into())]);
        assert_eq!(
            (b.options.scene, b.options.d_init),
            (Scene::Studio, DInit::Encoder)
        );
        let c =
            parse("--out r --lr-schedule 4000:2e-4,6500:1e-4 --d-from 4 --d-lr-scale 0.1 --d-fake-weight 0.25").unwrap();
        assert_eq!(c.options.lr_schedule.0, vec![(4000, 2e-4), (6500, 1e-4)]);
        assert_eq!((c.options.d_lr_scale, c.options.d_fake_weight), (0.1, 0.25));
        assert_eq!(c.options.d_from, Some(4));
        let imported = parse("--out r --init-from b").unwrap().options.complete();
        assert_eq!(imported.unwrap().freeze_encoder_from, Some(0));
        let tuned = parse("--out r --init-from b --warmup-steps 40 --warmup-mix cfp=1")
            .unwrap()
            .options
            .complete()
            .unwrap();
        assert_eq!(
            tuned.freeze_encoder_from,
            Some(40),
            "fine-tuned, then frozen"
        );
        assert_eq!(tuned.warmup_mix.0, [("cfp".to_string(), 1.0)]);
    }

    #[test]
    fn the_widths_go_into_the_saved_config() {
        let o = parse("--out r --config tiny --decoder-width 0.5")
            .unwrap()
            .options;
        let o = o.complete().unwrap();
        assert_eq!((o.config.decoder_width, o.config.width), (0.5, 0.125));
        assert_eq!(o.decoder_width, None);
        let text = o.to_toml();
        assert!(text.contains("decoder_width = 0.5"), "{text}");
        assert_eq!(crate::train::TrainOptions::from_toml(&text).unwrap(), o);
        // --width moves the encoder's, D's and the pose head's channels, not the decoder's.
        let o = parse("--out r --config tiny --width 0.25").unwrap().options;
        let o = o.complete().unwrap();
        assert_eq!(
            (o.config.width, o.config.decoder_width, o.width),
            (0.25, 0.125, None)
        );
        assert_eq!(o.config.channels(32), 8);
        let text = o.to_toml();
        assert!(text.contains("width = 0.25"), "{text}");
        assert_eq!(crate::train::TrainOptions::from_toml(&text).unwrap(), o);
        for flag in ["--width", "--decoder-width"] {
            for bad in ["0", "-1", "NaN", "100"] {
                let o = parse(&format!("--out r {flag}={bad}")).unwrap().options;
                let e = o.complete().unwrap_err();
                assert!(e.starts_with(flag), "{flag} {bad}: {e}");
            }
        }
    }

    #[test]
    fn the_upsampling_goes_into_the_saved_config() {
        let o = parse("--out r --config tiny").unwrap().options;
        assert_eq!(o.complete().unwrap().config.upsample, Upsample::Transposed);
        let o = parse("--out r --config tiny --upsample resize")
            .unwrap()
            .options;
        let o = o.complete().unwrap();
        assert_eq!((o.config.upsample, o.upsample), (Upsample::Resize, None));
        let text = o.to_toml();
        assert!(text.contains("upsample = \"resize\""), "{text}");
        assert_eq!(crate::train::TrainOptions::from_toml(&text).unwrap(), o);
        // A run saved before the option reads as the paper's transposed convolution.
        let old = text.replace("upsample = \"resize\"\n", "");
        let back = crate::train::TrainOptions::from_toml(&old).unwrap();
        assert_eq!(back.config.upsample, Upsample::Transposed);
        assert!(parse("--out r --upsample bilinear").is_err());
    }

    #[test]
    fn rejects_bad_training_commands() {
        for bad in [
            "--steps 3",
            "--config huge --out r",
            "--out r --bogus",
            "--out r --d-from x",
            "--out r --d-init copy",
            "--out r --scene sunny",
            "--out r --scene paired",
            "--out r --lr-schedule 5:1e-4,3:1e-3",
            "--out r --pose-scale x",
            "--out r --size 48",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
