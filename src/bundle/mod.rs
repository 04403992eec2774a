//! Model bundles: `encoder.onnx`, `decoder.onnx` and an optional `pose.onnx`, standard
//! ONNX files whose metadata says what they are (docs/bundle-format.md). This module
//! reads and validates bundles; writing them is the `drgan-writer` crate's job (the
//! training crate, tests and fixtures), so none of it ships in an application.
//!
//! Everything here is plain data or a pure function: thread-safe, no shared state.

mod metadata;
mod tensor;
mod validate;

use std::path::Path;

pub use metadata::{Metadata, FORMAT_VERSION};
pub use tensor::f32_tensor;
pub use validate::decode_part;

pub(crate) use validate::parse_bundle;

use crate::error::{Error, Result};
use crate::fs::read_limited;

/// File name of a bundle's encoder.
pub const ENCODER_FILE: &str = "encoder.onnx";
/// File name of a bundle's decoder.
pub const DECODER_FILE: &str = "decoder.onnx";
/// File name of a bundle's optional pose head.
pub const POSE_FILE: &str = "pose.onnx";

/// The bytes of a bundle's files, owned by the caller; plain data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleFiles {
    /// `encoder.onnx`.
    pub encoder: Vec<u8>,
    /// `decoder.onnx`.
    pub decoder: Vec<u8>,
    /// `pose.onnx`, when the bundle has a pose head.
    pub pose: Option<Vec<u8>>,
}

impl BundleFiles {
    /// Reads the files of the bundle in `dir`; files over `max_bytes` are refused.
    pub fn read_dir(dir: &Path, max_bytes: u64) -> Result<BundleFiles> {
        if !dir.is_dir() {
            return Err(Error::Io {
                path: dir.into(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "not a directory holding a model bundle",
                ),
            });
        }
        let pose_path = dir.join(POSE_FILE);
        Ok(BundleFiles {
            encoder: read_limited(&dir.join(ENCODER_FILE), max_bytes)?,
            decoder: read_limited(&dir.join(DECODER_FILE), max_bytes)?,
            pose: if pose_path.exists() {
                Some(read_limited(&pose_path, max_bytes)?)
            } else {
                None
            },
        })
    }

    /// Checks the files as [`crate::Model::from_bytes`] does before it builds the
    /// engines (sizes against `max_bytes`, ONNX decoding, metadata, every part's inputs
    /// and outputs, agreement between the parts) and returns the bundle's metadata.
    pub fn validate(&self, max_bytes: u64) -> Result<Metadata> {
        let parts = parse_bundle(
            &self.encoder,
            &self.decoder,
            self.pose.as_deref(),
            max_bytes,
        )?;
        Ok(parts.metadata)
    }
}
