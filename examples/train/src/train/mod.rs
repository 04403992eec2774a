//! The DR-GAN trainer: options, data, batches, losses, the training step, checkpoints,
//! logs, the loss plot, sample grids and the run loop.

pub mod augment;
pub mod batch;
pub mod checkpoint;
pub mod data;
mod gan_step;
pub mod grid;
pub mod heldout;
pub mod log;
pub mod losses;
pub mod options;
pub mod parallel;
pub mod perceptual;
pub mod plot;
pub mod run;
pub mod step;

pub use data::{Dataset, Scene, HELD_OUT_FIRST_IDENTITY};
pub use options::{DInit, DataSource, DataSources, Mix, TrainOptions};
pub use step::{StepStats, Trainer};
