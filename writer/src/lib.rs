//! drgan-writer: writes drgan bundles. It builds the ONNX graphs of a network
//! [`Config`] from given [`Weights`] (a trainer's) or seeded ones (fixtures for tests,
//! benchmarks and examples), saves bundles to directories, and rewrites existing
//! bundles (a [`FeatureMap`] folded in, for whitening). It also reads a bundle file's
//! weights back ([`onnx_parameters`]) for a trainer to start from.
//!
//! The runtime, `drgan`, only reads bundles; applications link it alone. The file
//! format is docs/bundle-format.md; the networks are docs/architecture.md.
//!
//! Everything here is plain data and pure functions: thread-safe, no shared state.
//!
//! ```no_run
//! # fn main() -> drgan::Result<()> {
//! use drgan::bundle::BundleFiles;
//! use drgan_writer::{BundleFilesExt, Config};
//! let files = BundleFiles::random(&Config::named("tiny")?, 7)?;
//! files.write_dir(std::path::Path::new("tiny-bundle"))?;
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

mod config;
mod export;
mod feature_map;
mod files;
mod import;
mod onnx;
mod rng;
mod upsample;
mod weights;

pub use config::{
    multipie_yaws, Config, Layer, DECODER, DECODER_FC_CHANNELS, ENCODER, TEMPLATE_FRACTIONS,
};
pub use export::{decoder_onnx, encoder_onnx, metadata_for, pose_onnx};
pub use feature_map::FeatureMap;
pub use files::BundleFilesExt;
pub use import::onnx_parameters;
pub use onnx::OPSET;
pub use upsample::{resize_kernel, Upsample, RESIZE_TAPS};
pub use weights::{Param, Weights};

/// An `InvalidArgument` error: the caller's config, weights or map is wrong.
pub(crate) fn invalid(msg: impl Into<String>) -> drgan::Error {
    drgan::Error::InvalidArgument(msg.into())
}

/// An `InvalidModel` error: a bundle file is not what a writer can work on.
pub(crate) fn invalid_model(msg: impl Into<String>) -> drgan::Error {
    drgan::Error::InvalidModel(msg.into())
}
