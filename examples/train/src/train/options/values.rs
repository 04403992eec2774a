//! The values of [`super::TrainOptions`] that are more than a number: where the pictures
//! come from, D's first weights, the learning-rate schedule, and the network config as
//! a table of `options.toml`.

use clap::ValueEnum;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// Where the training pictures come from: `synth` or a folder's path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum DataSource {
    /// Synthetic faces (`--identities`, `--variations`, `--scene`), rendered at start-up.
    Synth,
    /// A folder with `labels.csv`.
    Folder(PathBuf),
}

impl From<String> for DataSource {
    fn from(text: String) -> DataSource {
        match text.as_str() {
            "synth" => DataSource::Synth,
            _ => DataSource::Folder(text.into()),
        }
    }
}

impl From<DataSource> for String {
    fn from(data: DataSource) -> String {
        match data {
            DataSource::Synth => "synth".into(),
            DataSource::Folder(p) => p.display().to_string(),
        }
    }
}

/// Every source of a run's pictures, `--data synth,DIR,...`: their identities are
/// distinct classes of one training set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DataSources(pub Vec<DataSource>);

impl DataSources {
    /// Whether synthetic faces are among the sources.
    pub fn has_synth(&self) -> bool {
        self.0.contains(&DataSource::Synth)
    }

    /// The folders among the sources, in order.
    pub fn folders(&self) -> impl Iterator<Item = &PathBuf> {
        self.0.iter().filter_map(|d| match d {
            DataSource::Folder(p) => Some(p),
            DataSource::Synth => None,
        })
    }
}

impl FromStr for DataSources {
    type Err = String;

    fn from_str(text: &str) -> Result<DataSources, String> {
        let list: Vec<DataSource> = text
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| DataSource::from(p.to_string()))
            .collect();
        if list.is_empty() {
            return Err("--data needs `synth` or a folder".into());
        }
        if list.iter().filter(|d| **d == DataSource::Synth).count() > 1 {
            return Err(format!("--data {text}: `synth` given twice"));
        }
        Ok(DataSources(list))
    }
}

impl TryFrom<String> for DataSources {
    type Error = String;

    fn try_from(text: String) -> Result<DataSources, String> {
        text.parse()
    }
}

impl fmt::Display for DataSources {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().cloned().map(String::from).collect();
        f.write_str(&parts.join(","))
    }
}

impl From<DataSources> for String {
    fn from(d: DataSources) -> String {
        d.to_string()
    }
}

/// Shares of the batches' identity groups per source, `--mix NAME=W,...`: `synth`, or a
/// folder's `source` column values (its folder name where it has none). Empty: every
/// identity is equally likely, whatever its source.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Mix(pub Vec<(String, f32)>);

impl FromStr for Mix {
    type Err = String;

    fn from_str(text: &str) -> Result<Mix, String> {
        let bad = || format!("bad --mix `{text}` (want `name=weight,name=weight`)");
        let mut out: Vec<(String, f32)> = Vec::new();
        for part in text.split(',').filter(|p| !p.trim().is_empty()) {
            let (name, w) = part.split_once('=').ok_or_else(bad)?;
            let w: f32 = w.trim().parse().map_err(|_| bad())?;
            if !(w.is_finite() && w >= 0.0) || out.iter().any(|(n, _)| n == name.trim()) {
                return Err(bad());
            }
            out.push((name.trim().to_string(), w));
        }
        if !out.is_empty() && out.iter().all(|(_, w)| *w == 0.0) {
            return Err(format!("--mix `{text}`: every weight is 0"));
        }
        Ok(Mix(out))
    }
}

impl TryFrom<String> for Mix {
    type Error = String;

    fn try_from(text: String) -> Result<Mix, String> {
        text.parse()
    }
}

impl fmt::Display for Mix {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(n, w)| format!("{n}={w}")).collect();
        f.write_str(&parts.join(","))
    }
}

impl From<Mix> for String {
    fn from(m: Mix) -> String {
        m.to_string()
    }
}

/// D's weights at its first step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DInit {
    /// Its random initial weights.
    Fresh,
    /// A copy of the encoder, and its identity classifier as D's real-identity logits.
    Encoder,
}

/// A piecewise-constant learning rate, `STEP:LR,STEP:LR`: `(from_step, lr)` pairs with
/// the steps ascending; before the first (or when empty) `--lr` applies.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Schedule(pub Vec<(u64, f64)>);

impl FromStr for Schedule {
    type Err = String;

    fn from_str(text: &str) -> Result<Schedule, String> {
        let bad = || format!("bad learning-rate schedule `{text}` (want `step:lr,step:lr`)");
        let mut out: Vec<(u64, f64)> = Vec::new();
        for part in text.split(',').filter(|p| !p.trim().is_empty()) {
            let (f, lr) = part.split_once(':').ok_or_else(bad)?;
            let f: u64 = f.trim().parse().map_err(|_| bad())?;
            let lr: f64 = lr.trim().parse().map_err(|_| bad())?;
            if !(lr > 0.0 && lr.is_finite()) || out.last().is_some_and(|&(p, _)| p >= f) {
                return Err(bad());
            }
            out.push((f, lr));
        }
        Ok(Schedule(out))
    }
}

impl TryFrom<String> for Schedule {
    type Error = String;

    fn try_from(text: String) -> Result<Schedule, String> {
        text.parse()
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(s, lr)| format!("{s}:{lr}")).collect();
        f.write_str(&parts.join(","))
    }
}

impl From<Schedule> for String {
    fn from(s: Schedule) -> String {
        s.to_string()
    }
}

/// The network config by name (`--config`).
pub fn named_config(name: &str) -> Result<drgan_writer::Config, String> {
    drgan_writer::Config::named(name).map_err(|e| e.to_string())
}

/// The decoder's upsampling by name (`--upsample`).
pub fn upsample(name: &str) -> Result<drgan_writer::Upsample, String> {
    drgan_writer::Upsample::named(name).map_err(|e| e.to_string())
}

/// The config as the `[config]` table of `options.toml`: every number, so that a run
/// does not depend on what a config's name means later.
pub mod config_table {
    use drgan_writer::{Config, Upsample};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Table {
        name: String,
        input_size: u32,
        width: f32,
        decoder_width: f32,
        /// Saved runs from before `--upsample` read as `transposed`.
        #[serde(default = "transposed")]
        upsample: String,
        feature_dim: usize,
        noise_dim: usize,
        pose_yaws: Vec<f32>,
    }

    pub fn serialize<S: Serializer>(c: &Config, s: S) -> Result<S::Ok, S::Error> {
        Table {
            name: c.name.clone(),
            input_size: c.input_size,
            width: c.width,
            decoder_width: c.decoder_width,
            upsample: c.upsample.name().into(),
            feature_dim: c.feature_dim,
            noise_dim: c.noise_dim,
            pose_yaws: c.pose_yaws.clone(),
        }
        .serialize(s)
    }

    fn transposed() -> String {
        Upsample::Transposed.name().into()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Config, D::Error> {
        let t = Table::deserialize(d)?;
        let mut c = Config::scaled(&t.name, t.input_size, t.width, t.feature_dim, t.noise_dim)
            .and_then(|c| c.with_decoder_width(t.decoder_width))
            .and_then(|c| Ok(c.with_upsample(Upsample::named(&t.upsample)?)))
            .map_err(serde::de::Error::custom)?;
        c.pose_yaws = t.pose_yaws;
        Ok(c)
    }
}
