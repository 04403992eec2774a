//! `drgan-train`: the training side of drgan. For now it holds the synthetic multi-pose
//! face generator ([`synth`]) and the `drgan-train` command line ([`cli`]).

pub mod cli;
pub mod synth;

pub use synth::CANONICAL_LANDMARKS5;
