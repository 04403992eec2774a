//! The writing half of [`BundleFiles`]: build a bundle from a config and weights, save
//! one to a directory, fold a feature map into one. drgan itself only reads bundles.

use std::path::Path;

use drgan::bundle::{BundleFiles, DECODER_FILE, ENCODER_FILE, POSE_FILE};
use drgan::{Error, Result};

use crate::config::Config;
use crate::export::{decoder_onnx, encoder_onnx, metadata_for, pose_onnx};
use crate::feature_map::{self, FeatureMap};
use crate::weights::Weights;

/// Making, saving and rewriting [`BundleFiles`]. Bring it into scope to call
/// `BundleFiles::build`, `BundleFiles::random`, `files.write_dir(..)` and
/// `files.map_features(..)`. Every method is a pure function of its arguments (apart
/// from the files `write_dir` writes): call them from any thread.
pub trait BundleFilesExt: Sized {
    /// Builds all three networks of `config` from `weights`, with `trained_on` as every
    /// file's `drgan.trained_on`. `with_pose` adds `pose.onnx`.
    fn build(config: &Config, weights: &Weights, trained_on: &str, with_pose: bool)
        -> Result<Self>;

    /// A fixture bundle: `config` with [`Weights::random`] from `seed`, with a pose head.
    /// Same seed, same bytes.
    fn random(config: &Config, seed: u64) -> Result<Self>;

    /// Writes the files into `dir` under their bundle names, creating `dir` if needed.
    fn write_dir(&self, dir: &Path) -> Result<()>;

    /// These files with `map` folded in and `trained_on` as every file's
    /// `drgan.trained_on`: the encoder then outputs f' = M (f − mean) and the decoder
    /// undoes the map, so synthesis is unchanged. Checks that the bundle opens, that
    /// `map` is of its Nf and finite, and that the result opens again. Files over
    /// `max_bytes` are refused.
    fn map_features(&self, map: &FeatureMap, trained_on: &str, max_bytes: u64) -> Result<Self>;
}

impl BundleFilesExt for BundleFiles {
    fn build(
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

    fn random(config: &Config, seed: u64) -> Result<BundleFiles> {
        let weights = Weights::random(config, seed);
        Self::build(
            config,
            &weights,
            &format!("random weights, seed {seed}"),
            true,
        )
    }

    fn write_dir(&self, dir: &Path) -> Result<()> {
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

    fn map_features(
        &self,
        map: &FeatureMap,
        trained_on: &str,
        max_bytes: u64,
    ) -> Result<BundleFiles> {
        feature_map::map_features(self, map, trained_on, max_bytes)
    }
}
