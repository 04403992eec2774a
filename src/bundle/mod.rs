//! Model bundles: `encoder.onnx`, `decoder.onnx` and an optional `pose.onnx`, standard
//! ONNX files whose metadata says what they are (DESIGN.md, "The model bundle").
//! This module reads and validates bundles for the SDK, and writes them for the
//! training crate and for test fixtures (any [`Config`], given or seeded weights).

mod config;
mod export;
mod feature_map;
mod import;
mod metadata;
mod onnx;
mod validate;
mod weights;

use std::path::Path;

pub use config::{
    multipie_yaws, Config, Layer, DECODER, DECODER_FC_CHANNELS, ENCODER, TEMPLATE_FRACTIONS,
};
pub use export::{decoder_onnx, encoder_onnx, metadata_for, pose_onnx};
pub use feature_map::FeatureMap;
#[cfg(feature = "gpu")]
pub(crate) use import::f32_tensor;
pub use import::onnx_parameters;
pub use metadata::{Metadata, FORMAT_VERSION};
pub use onnx::OPSET;
pub use weights::{Param, Weights};

pub(crate) use validate::parse_bundle;

use crate::error::{Error, Result};

/// File names inside a bundle directory.
pub const ENCODER_FILE: &str = "encoder.onnx";
pub const DECODER_FILE: &str = "decoder.onnx";
pub const POSE_FILE: &str = "pose.onnx";

/// The bytes of a bundle's files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleFiles {
    pub encoder: Vec<u8>,
    pub decoder: Vec<u8>,
    pub pose: Option<Vec<u8>>,
}

impl BundleFiles {
    /// Builds all three networks of `config` from `weights`. `with_pose` adds `pose.onnx`.
    pub fn build(
        config: &Config,
        weights: &Weights,
        trained_on: &str,
        with_pose: bool,
    ) -> Result<BundleFiles> {
        let meta = metadata_for(config, trained_on);
        meta.validate()?;
        Ok(BundleFiles {
            encoder: encoder_onnx(config, weights, &meta)?,
            decoder: decoder_onnx(config, weights, &meta)?,
            pose: if with_pose {
                Some(pose_onnx(config, weights, &meta)?)
            } else {
                None
            },
        })
    }

    /// A fixture bundle: `config` with [`Weights::random`] from `seed`, with a pose head.
    pub fn random(config: &Config, seed: u64) -> Result<BundleFiles> {
        let weights = Weights::random(config, seed);
        Self::build(
            config,
            &weights,
            &format!("random weights, seed {seed}"),
            true,
        )
    }

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

    /// Writes the files into `dir`, creating it if needed.
    pub fn write_dir(&self, dir: &Path) -> Result<()> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let mut files = vec![(ENCODER_FILE, &self.encoder), (DECODER_FILE, &self.decoder)];
        if let Some(p) = &self.pose {
            files.push((POSE_FILE, p));
        }
        for (name, bytes) in files {
            let path = dir.join(name);
            std::fs::write(&path, bytes).map_err(io(&path))?;
        }
        Ok(())
    }
}

/// Reads a whole file, refusing directories and files larger than `max_bytes`.
pub(crate) fn read_limited(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    let err = |source| Error::Io {
        path: path.into(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(err)?;
    if !meta.is_file() {
        return Err(err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    if meta.len() > max_bytes {
        return Err(Error::LimitExceeded(format!(
            "{} is {} bytes, over the limit of {max_bytes} bytes",
            path.display(),
            meta.len()
        )));
    }
    std::fs::read(path).map_err(err)
}
