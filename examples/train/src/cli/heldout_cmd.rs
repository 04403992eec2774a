//! `drgan-train heldout`: rank-1 per yaw of a run's checkpoint on held-out synthetic
//! identities (see `train::heldout`).

use crate::train::{checkpoint, heldout, TrainOptions, Trainer};
use clap::Args;
use std::path::PathBuf;

/// Rank-1 per yaw of a run's checkpoint on held-out synthetic identities
///
/// Synthetic runs also log it to RUN/heldout.csv at every sample grid.
#[derive(Args, Debug)]
pub struct HeldoutArgs {
    /// The run folder
    pub run: PathBuf,
    /// Held-out identities
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub identities: usize,
}

/// `drgan-train heldout ...`.
pub fn heldout(a: &HeldoutArgs) -> Result<(), String> {
    let o = TrainOptions::read(&a.run)?;
    let classes = checkpoint::classes(&a.run)?;
    let device = burn::tensor::Device::flex();
    let mut t = Trainer::new(o.clone(), classes, device.clone());
    let step = checkpoint::load(&a.run, &mut t, false)?;
    let c = &o.config;
    let s = c.input_size as usize;
    let r = heldout::rank1(&t.g, &c.pose_yaws, s, a.identities, o.threads, &device)?;
    println!(
        "step {step}: rank-1 on {} held-out identities, per yaw",
        a.identities
    );
    for (y, v) in c.pose_yaws.iter().zip(&r) {
        println!("{y:>6.0}  {:.3}", v);
    }
    Ok(())
}
