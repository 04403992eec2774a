//! Named parameter tensors for the three networks of a config, given by a trainer or
//! drawn from a seed (fixture bundles for tests and benchmarks).

use std::collections::BTreeMap;

use drgan::Result;

use crate::config::{Config, DECODER};
use crate::invalid;
use crate::rng::SplitMix64;

/// One parameter tensor, row-major; plain data.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Dimensions, outermost first.
    pub shape: Vec<usize>,
    /// `shape.iter().product()` values.
    pub data: Vec<f32>,
}

/// Parameters by name (see [`Config::parameter_shapes`] for the names and shapes).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Weights {
    params: BTreeMap<String, Param>,
}

impl Weights {
    /// Empty; fill with [`Weights::insert`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a parameter; the data length must match the shape.
    pub fn insert(&mut self, name: &str, shape: Vec<usize>, data: Vec<f32>) -> Result<()> {
        if shape.iter().product::<usize>() != data.len() {
            return Err(invalid(format!(
                "parameter {name}: shape {shape:?} does not hold {} values",
                data.len()
            )));
        }
        self.params.insert(name.to_string(), Param { shape, data });
        Ok(())
    }

    /// The parameter `name`, if there is one.
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.get(name)
    }

    /// The parameter `name`, checked against the shape `config` expects.
    pub(crate) fn get(&self, name: &str, shape: &[usize]) -> Result<&Param> {
        let p = self
            .params
            .get(name)
            .ok_or_else(|| invalid(format!("parameter {name} is missing")))?;
        if p.shape != shape {
            return Err(invalid(format!(
                "parameter {name} has shape {:?}, the config needs {shape:?}",
                p.shape
            )));
        }
        Ok(p)
    }

    /// Seeded random weights that keep activations near unit scale through the whole
    /// network (He-style scale, varied batch-norm statistics), so that fixture bundles
    /// produce outputs that differ between inputs and exercise every op.
    pub fn random(config: &Config, seed: u64) -> Weights {
        let mut rng = SplitMix64(seed ^ 0x5DEE_CE66_D1CE_5EED);
        let mut w = Weights::new();
        for (name, shape) in config.parameter_shapes() {
            let n: usize = shape.iter().product();
            let data: Vec<f32> = if name.ends_with(".weight") {
                let fan_in = if name.contains(".fc.") {
                    shape[0]
                } else if name.contains(".fconv") {
                    // Each output of a transposed conv sums over in×k²/stride² taps.
                    let stride = fconv_stride(&name);
                    (shape[0] * shape[2] * shape[3] / (stride * stride)).max(1)
                } else {
                    shape[1] * 9
                };
                let std = (2.0 / fan_in as f32).sqrt();
                (0..n).map(|_| rng.normal() * std).collect()
            } else if name.ends_with(".bn.scale") {
                (0..n).map(|_| 0.8 + 0.4 * rng.uniform()).collect()
            } else if name.ends_with(".bn.var") {
                (0..n).map(|_| 0.5 + rng.uniform()).collect()
            } else {
                // Biases, bn.bias, bn.mean.
                (0..n).map(|_| rng.normal() * 0.1).collect()
            };
            w.params.insert(name, Param { shape, data });
        }
        w
    }
}

/// The stride of the decoder layer a `decoder.fconvNN.*` parameter belongs to.
fn fconv_stride(name: &str) -> usize {
    DECODER
        .iter()
        .find(|(layer, _, _)| name.split('.').nth(1) == Some(*layer))
        .map_or(1, |&(_, _, stride)| stride)
}
