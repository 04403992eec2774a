//! An affine map of a bundle's identity features folded into its files, for the training
//! crate's `drgan-train whiten`: the encoder then outputs f' = M (f − mean), and the
//! decoder takes f' and undoes the map in its first layer, so synthesis is unchanged.
//! Only two initializers change: the encoder's last convolution (its feature rows; the
//! confidence row stays) and the decoder's FC (its feature rows, and its bias).

use drgan::bundle::{decode_part, f32_tensor, BundleFiles, Metadata};
use drgan::Result;
use prost::Message;
use tract_onnx::pb::tensor_proto::DataType;
use tract_onnx::pb::ModelProto;

use crate::onnx::metadata_props;
use crate::{invalid, invalid_model};

/// f' = `matrix` (f − `mean`); `matrix` and `inverse` are Nf x Nf, row-major, and
/// `inverse` is `matrix`'s inverse. Plain data.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureMap {
    /// The mean feature, subtracted first (Nf values).
    pub mean: Vec<f32>,
    /// M, Nf x Nf, row-major.
    pub matrix: Vec<f32>,
    /// M⁻¹, Nf x Nf, row-major.
    pub inverse: Vec<f32>,
}

/// `files` with `map` folded in: see [`BundleFilesExt::map_features`](crate::BundleFilesExt::map_features).
pub(crate) fn map_features(
    files: &BundleFiles,
    map: &FeatureMap,
    trained_on: &str,
    max_bytes: u64,
) -> Result<BundleFiles> {
    let meta = files.validate(max_bytes)?;
    let nf = meta.feature_dim;
    if map.mean.len() != nf || map.matrix.len() != nf * nf || map.inverse.len() != nf * nf {
        return Err(invalid(format!(
            "a feature map for Nf {} does not fit this bundle's Nf {nf}",
            map.mean.len()
        )));
    }
    let all = [&map.mean, &map.matrix, &map.inverse];
    if all.iter().any(|v| v.iter().any(|x| !x.is_finite())) {
        return Err(invalid("the feature map has NaN or infinite values"));
    }
    let meta = Metadata {
        trained_on: trained_on.to_string(),
        ..meta
    };
    meta.validate()?;

    let mut encoder = decode_part(&files.encoder, "encoder", max_bytes)?;
    let (shape, mut w) = initializer(&encoder, "encoder.conv53.weight")?;
    let (_, mut b) = initializer(&encoder, "encoder.conv53.bias")?;
    if shape.first() != Some(&(nf + 1)) || b.len() != nf + 1 {
        return Err(invalid_model("encoder.conv53 does not have Nf + 1 outputs"));
    }
    let per_row = w.len() / (nf + 1);
    let (w_old, b_old) = (w.clone(), b.clone());
    for i in 0..nf {
        let m = &map.matrix[i * nf..(i + 1) * nf];
        for k in 0..per_row {
            w[i * per_row + k] = (0..nf).map(|j| m[j] * w_old[j * per_row + k]).sum();
        }
        b[i] = (0..nf).map(|j| m[j] * (b_old[j] - map.mean[j])).sum();
    }
    set_initializer(&mut encoder, "encoder.conv53.weight", &w)?;
    set_initializer(&mut encoder, "encoder.conv53.bias", &b)?;

    // Gemm: y = [f, pose, noise] W + b, W [fc_in, units]; f = M⁻¹ f' + mean.
    let mut decoder = decode_part(&files.decoder, "decoder", max_bytes)?;
    let (shape, mut w) = initializer(&decoder, "decoder.fc.weight")?;
    let (_, mut b) = initializer(&decoder, "decoder.fc.bias")?;
    let units = b.len();
    if shape.len() != 2 || shape[1] != units || shape[0] < nf {
        return Err(invalid_model("decoder.fc does not take the features first"));
    }
    let w_old = w.clone();
    for (u, bias) in b.iter_mut().enumerate() {
        *bias += (0..nf)
            .map(|j| map.mean[j] * w_old[j * units + u])
            .sum::<f32>();
    }
    for i in 0..nf {
        for u in 0..units {
            w[i * units + u] = (0..nf)
                .map(|j| map.inverse[j * nf + i] * w_old[j * units + u])
                .sum();
        }
    }
    set_initializer(&mut decoder, "decoder.fc.weight", &w)?;
    set_initializer(&mut decoder, "decoder.fc.bias", &b)?;

    let mut pose = match &files.pose {
        Some(p) => Some(decode_part(p, "pose head", max_bytes)?),
        None => None,
    };
    for proto in [Some(&mut encoder), Some(&mut decoder), pose.as_mut()]
        .into_iter()
        .flatten()
    {
        proto.metadata_props = metadata_props(&meta);
    }
    let out = BundleFiles {
        encoder: encoder.encode_to_vec(),
        decoder: decoder.encode_to_vec(),
        pose: pose.map(|p| p.encode_to_vec()),
    };
    out.validate(max_bytes)?;
    Ok(out)
}

/// The f32 initializer `name` of `proto`: its shape and values.
fn initializer(proto: &ModelProto, name: &str) -> Result<(Vec<usize>, Vec<f32>)> {
    let t = proto
        .graph
        .iter()
        .flat_map(|g| &g.initializer)
        .find(|t| t.name == name)
        .ok_or_else(|| invalid_model(format!("no initializer `{name}`")))?;
    f32_tensor(t).map_err(|e| invalid_model(format!("{name}: {e}")))
}

/// Replaces the values of the f32 initializer `name` (same count) with `data`.
fn set_initializer(proto: &mut ModelProto, name: &str, data: &[f32]) -> Result<()> {
    let t = proto
        .graph
        .iter_mut()
        .flat_map(|g| &mut g.initializer)
        .find(|t| t.name == name && t.data_type == DataType::Float as i32)
        .ok_or_else(|| invalid_model(format!("no f32 initializer `{name}`")))?;
    t.raw_data = data.iter().flat_map(|v| v.to_le_bytes()).collect();
    t.float_data.clear();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BundleFilesExt, Config};
    use drgan::{Image, Model, Options, PixelFormat};

    /// A model from `files`, and the features and synthesis of a fixed face.
    fn run(files: &BundleFiles) -> (Vec<f32>, f32, Vec<u8>) {
        let pose = files.pose.as_deref();
        let model =
            Model::from_bytes(&files.encoder, &files.decoder, pose, &Options::default()).unwrap();
        let s = model.info().input_size as usize;
        let pixels: Vec<u8> = (0..s * s * 3).map(|i| (i * 37 % 251) as u8).collect();
        let face = Image::packed(&pixels, s as u32, s as u32, PixelFormat::Rgb8).unwrap();
        let e = model.embed(&face).unwrap();
        let out = model.frontalize(&face, 7).unwrap();
        (e.feature, e.confidence, out.data)
    }

    #[test]
    fn a_folded_map_moves_the_features_and_keeps_the_synthesis() {
        let config = Config::named("tiny").unwrap();
        let files = BundleFiles::random(&config, 5).unwrap();
        let nf = config.feature_dim;
        // A well-conditioned map: 2 on the diagonal, a small band above it.
        let mut matrix = vec![0f32; nf * nf];
        for i in 0..nf {
            matrix[i * nf + i] = 2.0;
            if i + 1 < nf {
                matrix[i * nf + i + 1] = 0.5;
            }
        }
        let inverse = invert_upper(&matrix, nf);
        let mean: Vec<f32> = (0..nf).map(|i| 0.01 * i as f32).collect();
        let map = FeatureMap {
            mean: mean.clone(),
            matrix: matrix.clone(),
            inverse,
        };
        let mapped = files.map_features(&map, "mapped", 1 << 30).unwrap();
        let (f0, c0, img0) = run(&files);
        let (f1, c1, img1) = run(&mapped);
        assert!((c0 - c1).abs() < 1e-5, "the confidence stays");
        for i in 0..nf {
            let want: f32 = (0..nf)
                .map(|j| matrix[i * nf + j] * (f0[j] - mean[j]))
                .sum();
            assert!((f1[i] - want).abs() < 1e-4 * (1.0 + want.abs()), "{i}");
        }
        let off = img0
            .iter()
            .zip(&img1)
            .filter(|(a, b)| a.abs_diff(**b) > 1)
            .count();
        assert!(
            off * 100 < img0.len(),
            "{off} of {} pixels differ",
            img0.len()
        );
        let pose = mapped.pose.as_deref();
        let model =
            Model::from_bytes(&mapped.encoder, &mapped.decoder, pose, &Options::default()).unwrap();
        assert_eq!(model.info().trained_on, "mapped");

        let wrong = FeatureMap {
            mean: vec![0.0; nf + 1],
            ..map.clone()
        };
        assert!(files.map_features(&wrong, "x", 1 << 30).is_err());
        let mut nan = map.clone();
        nan.matrix[0] = f32::NAN;
        assert!(files.map_features(&nan, "x", 1 << 30).is_err());
    }

    /// The inverse of an upper-triangular `n` x `n` matrix, by back substitution.
    fn invert_upper(m: &[f32], n: usize) -> Vec<f32> {
        let mut inv = vec![0f32; n * n];
        for col in 0..n {
            for i in (0..n).rev() {
                let e = if i == col { 1.0 } else { 0.0 };
                let s: f32 = (i + 1..n).map(|k| m[i * n + k] * inv[k * n + col]).sum();
                inv[i * n + col] = (e - s) / m[i * n + i];
            }
        }
        inv
    }
}
