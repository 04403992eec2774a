//! Starting a run from a bundle (`drgan-train train --init-from DIR`): the bundle's
//! encoder (`encoder.onnx`) replaces the generator's, and its pose head (`pose.onnx`)
//! the discriminator's trunk and pose outputs. The decoder, D's identity outputs and the
//! encoder's identity classifier keep their fresh weights.
//!
//! A bundle holds inference weights with batch norm folded into the convolutions, so each
//! imported batch-norm layer becomes the identity in inference mode (γ 1, β 0, mean 0,
//! variance 1 − ε). Such a run's encoder keeps those statistics while it trains
//! (`Trunk::with_fixed_statistics`, set up by `Trainer::new`), so it computes the bundle's
//! features frozen or fine-tuned (`--warmup-steps`).
//!
//! A run may be wider than the bundle (`--width`): the bundle's trunks are then widened
//! to the run's channels ([`crate::widen`]) and still compute the bundle's features.

use crate::nets::{host, ConvBlock, Discriminator, Generator, Trunk, BN_EPSILON};
use crate::widen::{widen_chain, Conv};
use burn::module::{Param, RunningState};
use burn::nn::conv::Conv2d;
use burn::nn::BatchNorm;
use burn::prelude::*;
use burn::tensor::TensorData;
use drgan::bundle::{Metadata, ENCODER_FILE, POSE_FILE};
use drgan_writer::{onnx_parameters, Config, Weights, ENCODER};
use std::path::Path;

/// Largest bundle file read (the paper config's files are about 60 MB).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// A bundle's encoder and pose head, read and checked against a run's config; applied
/// to the run's networks once they are built.
pub struct Imported {
    config: Config,
    encoder: Weights,
    pose: Weights,
}

/// Reads the bundle in `dir` for a run of `config`, before any data is rendered: both
/// files read, decode and were made for `config` (input size, Nf, yaw bins). Every
/// parameter's shape is checked when the result is applied.
pub fn read(dir: &Path, config: &Config) -> Result<Imported, String> {
    Ok(Imported {
        config: config.clone(),
        encoder: read_file(dir, ENCODER_FILE, config)?,
        pose: read_file(dir, POSE_FILE, config)?,
    })
}

impl Imported {
    /// Loads the encoder into `g`, and the pose head into `d` unless `d_from_encoder`
    /// (`--d-init encoder`: D will start as a copy of that encoder, with its own pose
    /// outputs, so that such a run is the one a resumed run would be).
    pub fn apply(
        &self,
        g: &mut Generator,
        d: &mut Discriminator,
        d_from_encoder: bool,
    ) -> Result<(), String> {
        let device = g.id_head.weight.val().device();
        g.encoder = trunk(&g.encoder, &self.encoder, "encoder", &device)?;
        if d_from_encoder {
            return Ok(());
        }
        d.trunk = trunk(&d.trunk, &self.pose, "pose", &device)?;
        // D's FC: identity and "synthesized" columns first, then the pose columns.
        let np = self.config.pose_yaws.len();
        let [rows, cols] = d.fc.weight.val().dims();
        let first = cols - np;
        let fc_w = param(&self.pose, "pose.fc.weight", &[rows, np])?;
        let mut w = host(d.fc.weight.val())?;
        for r in 0..rows {
            w[r * cols + first..(r + 1) * cols].copy_from_slice(&fc_w[r * np..(r + 1) * np]);
        }
        d.fc.weight = Param::from_tensor(tensor([rows, cols], w, &device));
        let fc_b = param(&self.pose, "pose.fc.bias", &[np])?;
        if let Some(bias) = &d.fc.bias {
            let mut b = host(bias.val())?;
            b[first..].copy_from_slice(&fc_b);
            d.fc.bias = Some(Param::from_tensor(tensor([cols], b, &device)));
        }
        Ok(())
    }
}

/// The parameters of `dir/file`, refused when its metadata does not fit `config`.
fn read_file(dir: &Path, file: &str, config: &Config) -> Result<Weights, String> {
    let path = dir.join(file);
    let bytes = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let (weights, meta) = onnx_parameters(&bytes, file, MAX_FILE_BYTES)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let meta: Metadata = meta.ok_or_else(|| format!("{} has no drgan metadata", path.display()))?;
    if meta.input_size != config.input_size
        || meta.feature_dim != config.feature_dim
        || meta.pose_yaws != config.pose_yaws
    {
        return Err(format!(
            "{} was made for {}x{} input, Nf {}, {} yaw bins; this run's config `{}` has \
             {}x{}, Nf {}, {} bins",
            path.display(),
            meta.input_size,
            meta.input_size,
            meta.feature_dim,
            meta.pose_yaws.len(),
            config.name,
            config.input_size,
            config.input_size,
            config.feature_dim,
            config.pose_yaws.len()
        ));
    }
    Ok(weights)
}

/// A copy of `like` with the folded convolutions `prefix.conv11..conv53` of `w` and
/// identity batch norms. A bundle narrower than `like` is widened to it
/// ([`widen_chain`]): the trunk then computes the bundle's features.
fn trunk(like: &Trunk, w: &Weights, prefix: &str, device: &Device) -> Result<Trunk, String> {
    let names = ENCODER.iter().map(|(name, _, _)| *name).chain(["conv53"]);
    let likes: Vec<&Conv2d> = like
        .blocks
        .iter()
        .map(|b| &b.conv)
        .chain([&like.last])
        .collect();
    let chain = names
        .map(|name| bundle_conv(w, &format!("{prefix}.{name}")))
        .collect::<Result<Vec<_>, String>>()?;
    let outputs: Vec<usize> = likes.iter().map(|c| c.weight.val().dims()[0]).collect();
    let widened = widen_chain(&chain, &outputs, WIDEN_SEED)
        .map_err(|e| format!("the bundle's {prefix} does not fit this run's config: {e}"))?;
    let mut convs = likes
        .iter()
        .zip(widened)
        .map(|(like, c)| conv(like, c, device))
        .collect::<Result<Vec<_>, String>>()?;
    let last = convs.pop().expect("conv53 follows the blocks");
    let blocks = convs
        .into_iter()
        .zip(&like.blocks)
        .map(|(conv, block)| ConvBlock {
            conv,
            bn: identity_bn(&block.bn, device),
        })
        .collect();
    Ok(Trunk { blocks, last })
}

/// Seed of the shares in which a widened trunk's copied channels split their weights.
const WIDEN_SEED: u64 = 0x57de;

/// The bundle's convolution `name` (`.weight` and `.bias`) in its own shape.
fn bundle_conv(w: &Weights, name: &str) -> Result<Conv, String> {
    let weight = lookup(w, &format!("{name}.weight"))?;
    let shape: [usize; 4] = weight
        .shape
        .as_slice()
        .try_into()
        .map_err(|_| format!("the bundle's {name}.weight is not 4-D: {:?}", weight.shape))?;
    Ok(Conv {
        shape,
        weight: weight.data.clone(),
        bias: param(w, &format!("{name}.bias"), &[shape[0]])?,
    })
}

/// A copy of `like` holding `c`, whose shape must be `like`'s.
fn conv(like: &Conv2d, c: Conv, device: &Device) -> Result<Conv2d, String> {
    let dims: [usize; 4] = like.weight.val().dims();
    if c.shape != dims {
        return Err(format!(
            "a bundle convolution of shape {:?}; this run's config needs {dims:?}",
            c.shape
        ));
    }
    let mut out = like.clone();
    out.weight = Param::from_tensor(tensor(dims, c.weight, device));
    out.bias = Some(Param::from_tensor(tensor([dims[0]], c.bias, device)));
    Ok(out)
}

/// `like` as the identity in inference mode: γ 1, β 0, running mean 0, variance 1 − ε.
fn identity_bn(like: &BatchNorm, device: &Device) -> BatchNorm {
    let [c] = like.gamma.val().dims();
    let mut bn = like.clone();
    bn.gamma = Param::from_tensor(Tensor::ones([c], device));
    bn.beta = Param::from_tensor(Tensor::zeros([c], device));
    bn.running_mean = RunningState::new(Tensor::zeros([c], device));
    bn.running_var = RunningState::new(Tensor::ones([c], device).sub_scalar(BN_EPSILON));
    bn
}

/// The bundle's parameter `name`, in whatever shape it has.
fn lookup<'w>(w: &'w Weights, name: &str) -> Result<&'w drgan_writer::Param, String> {
    w.param(name)
        .ok_or_else(|| format!("the bundle has no parameter {name}"))
}

/// The bundle's parameter `name`, refused unless it has `shape`.
fn param(w: &Weights, name: &str, shape: &[usize]) -> Result<Vec<f32>, String> {
    let p = lookup(w, name)?;
    if p.shape != shape {
        return Err(format!(
            "the bundle's {name} has shape {:?}; this run's config needs {shape:?}",
            p.shape
        ));
    }
    Ok(p.data.clone())
}

fn tensor<const D: usize>(shape: [usize; D], data: Vec<f32>, device: &Device) -> Tensor<D> {
    Tensor::from_data(TensorData::new(data, shape), device)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::{TrainOptions, Trainer};
    use drgan_writer::BundleFilesExt;

    /// A fresh `tiny` trainer; `init_from` makes it a run from that bundle.
    fn trainer(init_from: Option<&Path>) -> Trainer {
        wide_trainer(init_from, None)
    }

    /// As [`trainer`], with `--width`.
    fn wide_trainer(init_from: Option<&Path>, width: Option<f32>) -> Trainer {
        let mut o = TrainOptions::new(Config::named("tiny").unwrap());
        (o.identities, o.variations, o.width) = (4, 1, width);
        o.init_from = init_from.map(Path::to_path_buf);
        Trainer::new(o.complete().unwrap(), 4, crate::train::run::device())
    }

    /// A random `tiny` bundle written to a temporary folder, and read back.
    fn tiny_bundle() -> (tempfile::TempDir, Imported) {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::named("tiny").unwrap();
        drgan::bundle::BundleFiles::random(&config, 5)
            .unwrap()
            .write_dir(dir.path())
            .unwrap();
        let imported = read(dir.path(), &config).unwrap();
        (dir, imported)
    }

    #[test]
    fn an_imported_encoder_computes_the_bundles_features_while_it_trains() {
        let (dir, imported) = tiny_bundle();
        let s = imported.config.input_size as usize;
        let pixels: Vec<f32> = (0..2 * 3 * s * s)
            .map(|i| (i % 17) as f32 / 8.0 - 1.0)
            .collect();
        let features = |imported_run: bool| {
            let mut t = trainer(imported_run.then_some(dir.path()));
            imported.apply(&mut t.g, &mut t.d, false).unwrap();
            let x =
                Tensor::<4>::from_data(TensorData::new(pixels.clone(), [2, 3, s, s]), &t.device);
            let training = host(t.g.encode(x.clone()).identity).unwrap();
            let inference = host(t.g.valid().encode(x.inner()).identity).unwrap();
            let gap = training
                .iter()
                .zip(&inference)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            (gap, t.g.encoder.blocks[0].bn.gamma.is_require_grad())
        };
        let (gap, learns) = features(true);
        assert!(gap < 1e-4, "an --init-from run's encoder: {gap}");
        assert!(learns, "γ still learns");
        // The check can fail: with batch statistics the same weights give other features.
        let (gap, _) = features(false);
        assert!(gap > 1e-2, "batch statistics: {gap}");
    }

    #[test]
    fn a_wider_run_computes_a_narrower_bundles_features() {
        let (dir, imported) = tiny_bundle();
        let s = imported.config.input_size as usize;
        let pixels: Vec<f32> = (0..2 * 3 * s * s)
            .map(|i| ((i * 7) % 23) as f32 / 11.0 - 1.0)
            .collect();
        let features = |width: Option<f32>| {
            let mut t = wide_trainer(Some(dir.path()), width);
            imported.apply(&mut t.g, &mut t.d, false).unwrap();
            let x =
                Tensor::<4>::from_data(TensorData::new(pixels.clone(), [2, 3, s, s]), &t.device);
            let channels = t.g.encoder.blocks[0].conv.weight.val().dims()[0];
            (
                host(t.g.valid().encode(x.inner()).identity).unwrap(),
                channels,
            )
        };
        let ((narrow, c1), (wide, c2)) = (features(None), features(Some(0.25)));
        assert_eq!((c1, c2), (4, 8), "tiny is 1/8 of the paper's 32 channels");
        let gap = narrow
            .iter()
            .zip(&wide)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(gap < 1e-4, "widened features differ by {gap}");
        // A narrower run than the bundle is refused, not cut.
        let mut t = wide_trainer(None, Some(0.0625));
        let err = imported.apply(&mut t.g, &mut t.d, false).unwrap_err();
        assert!(err.contains("narrow"), "{err}");
    }

    #[test]
    fn the_pose_head_is_left_alone_when_d_starts_from_the_encoder() {
        let (_dir, imported) = tiny_bundle();
        let pose_w = param(&imported.pose, "pose.fc.weight", &[17, 13]).unwrap();
        for d_from_encoder in [false, true] {
            let mut t = trainer(None);
            let before = host(t.d.fc.weight.val()).unwrap();
            imported.apply(&mut t.g, &mut t.d, d_from_encoder).unwrap();
            let after = host(t.d.fc.weight.val()).unwrap();
            let conv = "encoder.conv53.weight";
            let shape = t.g.encoder.last.weight.val().dims();
            assert_eq!(
                host(t.g.encoder.last.weight.val()).unwrap(),
                param(&imported.encoder, conv, &shape).unwrap(),
                "the encoder is always imported"
            );
            // D's FC is [Nf + 1, Nd + 1 + 13]; its last 13 columns are the pose outputs.
            let cols = after.len() / 17;
            let pose_cols: Vec<f32> = (0..17)
                .flat_map(|r| after[r * cols + cols - 13..(r + 1) * cols].to_vec())
                .collect();
            if d_from_encoder {
                assert_eq!(after, before);
            } else {
                assert_eq!(pose_cols, pose_w);
            }
        }
    }
}
