//! `drgan-train export`.

use clap::Args;
use std::path::PathBuf;

/// Write a run's checkpoint as a drgan bundle (encoder.onnx, decoder.onnx, pose.onnx).
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The run folder
    pub run: PathBuf,
    /// The bundle folder to write
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The description of the training written into the bundle [default: derived from
    /// the run's options]
    #[arg(long, value_name = "TEXT")]
    pub trained_on: Option<String>,
}

/// `drgan-train export ...`.
pub fn export(a: &ExportArgs) -> Result<(), String> {
    crate::export::export_run(&a.run, &a.out, a.trained_on.as_deref())
}
