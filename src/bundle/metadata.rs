//! The bundle's `drgan.*` metadata (ONNX `metadata_props` on the encoder): parsing,
//! validation, and the key/value entries a writer stores. See docs/bundle-format.md.

use std::collections::BTreeMap;

use tract_onnx::pb::ModelProto;

use crate::error::{Error, Result};
use crate::types::Landmarks;

/// The only bundle format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// Largest input side a bundle may declare.
pub const MAX_INPUT_SIZE: u32 = 1024;

/// What a bundle says about itself; plain data.
#[derive(Clone, Debug, PartialEq)]
pub struct Metadata {
    /// `drgan.format_version`: [`FORMAT_VERSION`] for every bundle this build reads.
    pub format_version: u32,
    /// Side of the square input/output image.
    pub input_size: u32,
    /// Nf.
    pub feature_dim: usize,
    /// Nz.
    pub noise_dim: usize,
    /// Pose bins in degrees, strictly ascending.
    pub pose_yaws: Vec<f32>,
    /// Canonical five points in input pixels.
    pub landmarks: Landmarks,
    /// Configuration name (`paper`, `small`, ...).
    pub config: String,
    /// Free text: what the weights were trained on.
    pub trained_on: String,
}

const KEYS: [&str; 8] = [
    "drgan.format_version",
    "drgan.input_size",
    "drgan.feature_dim",
    "drgan.noise_dim",
    "drgan.pose_yaws",
    "drgan.landmarks5",
    "drgan.config",
    "drgan.trained_on",
];

impl Metadata {
    /// The `drgan.*` entries of `proto`, or `None` when it has none at all.
    pub fn from_proto(proto: &ModelProto) -> Result<Option<Metadata>> {
        let props: BTreeMap<&str, &str> = proto
            .metadata_props
            .iter()
            .filter(|p| p.key.starts_with("drgan."))
            .map(|p| (p.key.as_str(), p.value.as_str()))
            .collect();
        if props.is_empty() {
            return Ok(None);
        }
        let get = |key: &str| {
            props
                .get(key)
                .copied()
                .ok_or_else(|| Error::model(format!("metadata `{key}` is missing")))
        };
        let meta = Metadata {
            format_version: parse_num(get(KEYS[0])?, KEYS[0])?,
            input_size: parse_num(get(KEYS[1])?, KEYS[1])?,
            feature_dim: parse_num(get(KEYS[2])?, KEYS[2])?,
            noise_dim: parse_num(get(KEYS[3])?, KEYS[3])?,
            pose_yaws: parse_list(get(KEYS[4])?, KEYS[4])?,
            landmarks: {
                let v = parse_list(get(KEYS[5])?, KEYS[5])?;
                if v.len() != 10 {
                    return Err(Error::model(format!(
                        "metadata `{}` has {} numbers, expected 10",
                        KEYS[5],
                        v.len()
                    )));
                }
                std::array::from_fn(|i| [v[2 * i], v[2 * i + 1]])
            },
            config: get(KEYS[6])?.to_string(),
            trained_on: get(KEYS[7])?.to_string(),
        };
        meta.validate()?;
        Ok(Some(meta))
    }

    /// Checks every field for sense: version, sizes, ascending finite yaws, landmarks
    /// inside the input.
    pub fn validate(&self) -> Result<()> {
        if self.format_version != FORMAT_VERSION {
            return Err(Error::model(format!(
                "bundle format version {} is not supported (this build reads {FORMAT_VERSION})",
                self.format_version
            )));
        }
        if !(16..=MAX_INPUT_SIZE).contains(&self.input_size) {
            return Err(Error::model(format!(
                "input size {} is outside 16..={MAX_INPUT_SIZE}",
                self.input_size
            )));
        }
        if !(1..=65536).contains(&self.feature_dim) || !(1..=65536).contains(&self.noise_dim) {
            return Err(Error::model(format!(
                "feature size {} or noise size {} is outside 1..=65536",
                self.feature_dim, self.noise_dim
            )));
        }
        let yaws = &self.pose_yaws;
        if yaws.is_empty() || yaws.len() > 361 {
            return Err(Error::model(format!(
                "{} pose yaws; expected 1 to 361",
                yaws.len()
            )));
        }
        if yaws.iter().any(|y| !y.is_finite() || y.abs() > 180.0)
            || yaws.windows(2).any(|w| w[0] >= w[1])
        {
            return Err(Error::model(format!(
                "pose yaws {yaws:?} must be finite, within ±180 and strictly ascending"
            )));
        }
        let size = self.input_size as f32;
        if self
            .landmarks
            .iter()
            .flatten()
            .any(|v| !v.is_finite() || *v < 0.0 || *v > size)
        {
            return Err(Error::model(format!(
                "canonical landmarks {:?} must lie inside the {size}x{size} input",
                self.landmarks
            )));
        }
        Ok(())
    }

    /// The metadata as the `drgan.*` key/value pairs a bundle stores in its ONNX
    /// `metadata_props` (docs/bundle-format.md): numbers in their shortest exact
    /// decimal form, lists comma-separated. [`Metadata::from_proto`] reads them back.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        let join = |v: &mut dyn Iterator<Item = f32>| {
            v.map(|x| x.to_string()).collect::<Vec<_>>().join(",")
        };
        let values = [
            self.format_version.to_string(),
            self.input_size.to_string(),
            self.feature_dim.to_string(),
            self.noise_dim.to_string(),
            join(&mut self.pose_yaws.iter().copied()),
            join(&mut self.landmarks.iter().flatten().copied()),
            self.config.clone(),
            self.trained_on.clone(),
        ];
        KEYS.into_iter().zip(values).collect()
    }
}

fn parse_num<T: std::str::FromStr>(s: &str, key: &str) -> Result<T> {
    s.trim()
        .parse()
        .map_err(|_| Error::model(format!("metadata `{key}` = {s:?} is not a valid number")))
}

fn parse_list(s: &str, key: &str) -> Result<Vec<f32>> {
    s.split(',')
        .map(|p| {
            let v: f32 = parse_num(p, key)?;
            if v.is_finite() {
                Ok(v)
            } else {
                Err(Error::model(format!("metadata `{key}` holds {p:?}")))
            }
        })
        .collect()
}
