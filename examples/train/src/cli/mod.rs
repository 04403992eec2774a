//! The `drgan-train` command line (clap). Each command's options are one struct, whose
//! doc comments are its `--help`; `train`'s are [`crate::train::TrainOptions`], saved
//! with the run.

pub mod export_cmd;
pub mod heldout_cmd;
pub mod prepare_cmd;
pub mod synth_cmd;
pub mod train_cmd;
pub mod whiten_cmd;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// DR-GAN training tools: synthetic faces, training, export to drgan bundles.
#[derive(Parser, Debug)]
#[command(name = "drgan-train", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    Synth(synth_cmd::SynthArgs),
    // Boxed: its options are most of the command line.
    Train(Box<train_cmd::TrainArgs>),
    Export(export_cmd::ExportArgs),
    Whiten(whiten_cmd::WhitenArgs),
    Heldout(heldout_cmd::HeldoutArgs),
    Prepare(prepare_cmd::PrepareArgs),
}

/// Runs the command line `args` (without the program name); returns the exit code.
pub fn run(args: Vec<String>) -> i32 {
    let argv = std::iter::once("drgan-train".to_string()).chain(args);
    let parsed = Cli::command()
        .try_get_matches_from(argv)
        .and_then(|m| Ok((Cli::from_arg_matches(&m)?, m)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            // Help and version print to stdout and exit 0; usage errors exit 2.
            let _ = e.print();
            return e.exit_code();
        }
    };
    let result = match cli.command {
        Command::Synth(a) => synth_cmd::run(&a),
        Command::Train(a) => {
            let given = matches
                .subcommand_matches("train")
                .expect("the train command");
            train_cmd::train(*a, given)
        }
        Command::Export(a) => export_cmd::export(&a),
        Command::Whiten(a) => whiten_cmd::whiten(&a),
        Command::Heldout(a) => heldout_cmd::heldout(&a),
        Command::Prepare(a) => prepare_cmd::run(&a),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}
