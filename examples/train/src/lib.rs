//! `drgan-train`: the training side of drgan: the synthetic multi-pose face generator
//! ([`synth`]), DR-GAN's networks in burn ([`nets`]), the trainer ([`train`]), export to a
//! drgan bundle ([`export`]) and import from one ([`import`]), feature whitening of a
//! bundle ([`whiten`]), real photographs cut into training crops ([`real`]), and the `drgan-train` command line ([`cli`]).

pub mod cli;
pub mod export;
pub mod import;
pub mod nets;
pub mod real;
pub mod synth;
pub mod train;
pub mod whiten;
pub mod widen;

pub use synth::CANONICAL_LANDMARKS5;
