//! `drgan-train prepare`: the real face sets cut into training crops (see
//! `real::prepare`).

use crate::real::{prepare::prepare, sets::SETS};
use clap::Args;
use drgan_writer::Config;
use std::path::PathBuf;

/// Cut the real face sets (CFP, LFW, UMIST, FEI) into training crops
///
/// Each picture the detector found (`detections.csv`) is aligned by the SDK's own rule
/// and labelled with a yaw; test people (CFP split 10, LFW View 1 test) are left out.
/// Writes OUT/crops/*.png and OUT/labels.csv for `drgan-train train --data OUT`.
#[derive(Args, Debug)]
pub struct PrepareArgs {
    /// The folder holding the sets (cfp/, lfw/, umist/, fei28/)
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// Where to write the crops and labels.csv
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The network config whose input size and template frame the crops
    #[arg(long, value_name = "NAME", default_value = "small")]
    pub config: String,
    /// The sets to read, comma-separated
    #[arg(long, value_delimiter = ',', default_value = "cfp,lfw,umist,fei28")]
    pub sets: Vec<String>,
    /// Keep only people with at least this many pictures
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub min_pictures: usize,
    /// Keep only people with at most this many pictures (for example 1, with
    /// `--min-pictures 1`: the people a classifier cannot learn, whom a decoder can)
    #[arg(long, value_name = "N")]
    pub max_pictures: Option<usize>,
    /// The source name of every crop in labels.csv, which `train --mix` weighs by
    /// (default: its set's name)
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
}

/// `drgan-train prepare ...`.
pub fn run(a: &PrepareArgs) -> Result<(), String> {
    let config = Config::named(&a.config).map_err(|e| e.to_string())?;
    for s in &a.sets {
        if !SETS.contains(&s.as_str()) {
            return Err(format!("unknown set `{s}` (known: {})", SETS.join(", ")));
        }
    }
    let sets: Vec<&str> = a.sets.iter().map(String::as_str).collect();
    let p = prepare(
        &a.from,
        &sets,
        &a.out,
        &config.landmarks(),
        config.input_size,
        a.min_pictures..=a.max_pictures.unwrap_or(usize::MAX),
        a.source.as_deref(),
    )?;
    print!("{}", p.report);
    println!(
        "wrote {} crops of {} people to {}",
        p.pictures,
        p.identities,
        a.out.display()
    );
    Ok(())
}
