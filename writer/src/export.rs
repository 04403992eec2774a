//! Writes the three networks of a [`Config`] as ONNX from [`Weights`]: batch norm is
//! folded into the preceding (transposed) convolution or FC, so the files hold only
//! inference ops (Conv, ConvTranspose, Gemm, Elu, Tanh, Sigmoid, GlobalAveragePool,
//! Flatten, Slice, Concat, Reshape).

use drgan::bundle::{Metadata, FORMAT_VERSION};
use drgan::Result;

use crate::config::{Config, DECODER, DECODER_FC_CHANNELS, ENCODER};
use crate::onnx::{metadata_props, Attr, GraphBuilder};
use crate::weights::Weights;

const BN_EPS: f32 = 1e-5;

/// The metadata a bundle of `config` carries.
pub fn metadata_for(config: &Config, trained_on: &str) -> Metadata {
    Metadata {
        format_version: FORMAT_VERSION,
        input_size: config.input_size,
        feature_dim: config.feature_dim,
        noise_dim: config.noise_dim,
        pose_yaws: config.pose_yaws.clone(),
        landmarks: config.landmarks(),
        config: config.name.clone(),
        trained_on: trained_on.into(),
    }
}

/// `encoder.onnx`: image [N,3,S,S] -> identity [N,Nf], confidence [N,1].
pub fn encoder_onnx(config: &Config, weights: &Weights, meta: &Metadata) -> Result<Vec<u8>> {
    config.validate()?;
    let s = config.input_size as usize;
    let nf = config.feature_dim;
    let mut g = GraphBuilder::new("drgan_encoder");
    g.input("image", &[3, s, s]);
    let pooled = trunk(&mut g, config, weights, "encoder")?;
    let axes = g.constant_i64("slice_axes", &[1]);
    let zero = g.constant_i64("slice_zero", &[0]);
    let nf_i = g.constant_i64("slice_nf", &[nf as i64]);
    let nf1 = g.constant_i64("slice_nf1", &[nf as i64 + 1]);
    g.node("Slice", &[&pooled, &zero, &nf_i, &axes], "identity", vec![]);
    let logit = g.node(
        "Slice",
        &[&pooled, &nf_i, &nf1, &axes],
        "omega_logit",
        vec![],
    );
    g.node("Sigmoid", &[&logit], "confidence", vec![]);
    g.output("identity", &[nf]);
    g.output("confidence", &[1]);
    Ok(g.finish(metadata_props(meta)))
}

/// `pose.onnx`: image [N,3,S,S] -> pose_logits [N,Np] (the discriminator's pose part).
pub fn pose_onnx(config: &Config, weights: &Weights, meta: &Metadata) -> Result<Vec<u8>> {
    config.validate()?;
    let s = config.input_size as usize;
    let np = config.pose_yaws.len();
    let mut g = GraphBuilder::new("drgan_pose");
    g.input("image", &[3, s, s]);
    let pooled = trunk(&mut g, config, weights, "pose")?;
    let w = weights.get("pose.fc.weight", &[config.feature_dim + 1, np])?;
    let b = weights.get("pose.fc.bias", &[np])?;
    let w = g.constant("pose.fc.weight", &w.shape, &w.data);
    let b = g.constant("pose.fc.bias", &b.shape, &b.data);
    g.node("Gemm", &[&pooled, &w, &b], "pose_logits", vec![]);
    g.output("pose_logits", &[np]);
    Ok(g.finish(metadata_props(meta)))
}

/// `decoder.onnx`: identity [N,Nf], pose [N,Np], noise [N,Nz] -> image [N,3,S,S].
pub fn decoder_onnx(config: &Config, weights: &Weights, meta: &Metadata) -> Result<Vec<u8>> {
    config.validate()?;
    let (nf, np, nz) = (config.feature_dim, config.pose_yaws.len(), config.noise_dim);
    let c0 = config.decoder_channels(DECODER_FC_CHANNELS);
    let s0 = config.base_size();
    let mut g = GraphBuilder::new("drgan_decoder");
    g.input("identity", &[nf]);
    g.input("pose", &[np]);
    g.input("noise", &[nz]);
    let x = g.node(
        "Concat",
        &["identity", "pose", "noise"],
        "code",
        vec![("axis", Attr::Int(1))],
    );
    // FC with its batch norm folded per output unit (unit j belongs to channel j / s0²).
    let units = c0 * s0 * s0;
    let w = weights.get("decoder.fc.weight", &[nf + np + nz, units])?;
    let b = weights.get("decoder.fc.bias", &[units])?;
    let (scale, shift) = bn_fold(weights, "decoder.fc", c0)?;
    let per_unit = |j: usize| j / (s0 * s0);
    let wf: Vec<f32> = (0..w.data.len())
        .map(|i| w.data[i] * scale[per_unit(i % units)])
        .collect();
    let bf: Vec<f32> = (0..units)
        .map(|j| b.data[j] * scale[per_unit(j)] + shift[per_unit(j)])
        .collect();
    let wn = g.constant("decoder.fc.weight", &w.shape, &wf);
    let bn = g.constant("decoder.fc.bias", &[units], &bf);
    let x = g.node("Gemm", &[&x, &wn, &bn], "fc", vec![]);
    let shape = g.constant_i64("fc_shape", &[-1, c0 as i64, s0 as i64, s0 as i64]);
    let x = g.node("Reshape", &[&x, &shape], "fc_map", vec![]);
    let mut x = g.node("Elu", &[&x], "fc_elu", vec![("alpha", Attr::Float(1.0))]);
    let mut cin = c0;
    for (i, (name, base, stride)) in DECODER.iter().enumerate() {
        let last = i == DECODER.len() - 1;
        let cout = if last {
            3
        } else {
            config.decoder_channels(*base)
        };
        let prefix = format!("decoder.{name}");
        let (k, pad, out_pad) = config.upsample.geometry(*stride);
        let w = weights.get(&format!("{prefix}.weight"), &[cin, cout, k, k])?;
        let b = weights.get(&format!("{prefix}.bias"), &[cout])?;
        let (wf, bf) = if last {
            (w.data.clone(), b.data.clone())
        } else {
            let (scale, shift) = bn_fold(weights, &prefix, cout)?;
            let wf = (0..w.data.len())
                .map(|i| w.data[i] * scale[(i / (k * k)) % cout])
                .collect();
            let bf = (0..cout).map(|c| b.data[c] * scale[c] + shift[c]).collect();
            (wf, bf)
        };
        let wn = g.constant(&format!("{prefix}.weight"), &w.shape, &wf);
        let bn = g.constant(&format!("{prefix}.bias"), &[cout], &bf);
        let mut attrs = vec![
            ("kernel_shape", Attr::Ints(vec![k as i64; 2])),
            ("strides", Attr::Ints(vec![*stride as i64; 2])),
            ("pads", Attr::Ints(vec![pad as i64; 4])),
        ];
        if out_pad > 0 {
            attrs.push(("output_padding", Attr::Ints(vec![out_pad as i64; 2])));
        }
        let y = g.node("ConvTranspose", &[&x, &wn, &bn], &prefix, attrs);
        x = if last {
            g.node("Tanh", &[&y], "image", vec![])
        } else {
            g.node(
                "Elu",
                &[&y],
                &format!("{prefix}.elu"),
                vec![("alpha", Attr::Float(1.0))],
            )
        };
        cin = cout;
    }
    let s = config.input_size as usize;
    g.output("image", &[3, s, s]);
    Ok(g.finish(metadata_props(meta)))
}

/// Conv11..Conv53 of the encoder or discriminator (`prefix`), then global average
/// pooling and flattening: returns the [N, Nf+1] tensor's name.
fn trunk(g: &mut GraphBuilder, config: &Config, weights: &Weights, prefix: &str) -> Result<String> {
    let mut x = "image".to_string();
    let mut cin = 3;
    let layers = ENCODER
        .iter()
        .map(|&(name, base, stride)| (name, config.channels(base), stride, true))
        .chain(std::iter::once((
            "conv53",
            config.feature_dim + 1,
            1,
            false,
        )));
    for (name, cout, stride, bn) in layers {
        let name = format!("{prefix}.{name}");
        let w = weights.get(&format!("{name}.weight"), &[cout, cin, 3, 3])?;
        let b = weights.get(&format!("{name}.bias"), &[cout])?;
        let (wf, bf) = if bn {
            let (scale, shift) = bn_fold(weights, &name, cout)?;
            let per_out = cin * 9;
            let wf = (0..w.data.len())
                .map(|i| w.data[i] * scale[i / per_out])
                .collect();
            let bf = (0..cout).map(|c| b.data[c] * scale[c] + shift[c]).collect();
            (wf, bf)
        } else {
            (w.data.clone(), b.data.clone())
        };
        let wn = g.constant(&format!("{name}.weight"), &w.shape, &wf);
        let bn_ = g.constant(&format!("{name}.bias"), &[cout], &bf);
        let attrs = vec![
            ("kernel_shape", Attr::Ints(vec![3, 3])),
            ("strides", Attr::Ints(vec![stride as i64; 2])),
            ("pads", Attr::Ints(vec![1; 4])),
        ];
        let y = g.node("Conv", &[&x, &wn, &bn_], &name, attrs);
        x = if bn {
            g.node(
                "Elu",
                &[&y],
                &format!("{name}.elu"),
                vec![("alpha", Attr::Float(1.0))],
            )
        } else {
            y
        };
        cin = cout;
    }
    let p = g.node(
        "GlobalAveragePool",
        &[&x],
        &format!("{prefix}.pool"),
        vec![],
    );
    Ok(g.node(
        "Flatten",
        &[&p],
        &format!("{prefix}.features"),
        vec![("axis", Attr::Int(1))],
    ))
}

/// Batch norm in inference form as a per-channel affine map: y = x·scale + shift.
fn bn_fold(weights: &Weights, name: &str, c: usize) -> Result<(Vec<f32>, Vec<f32>)> {
    let get = |p: &str| weights.get(&format!("{name}.bn.{p}"), &[c]);
    let (gamma, beta, mean, var) = (get("scale")?, get("bias")?, get("mean")?, get("var")?);
    let scale: Vec<f32> = (0..c)
        .map(|i| gamma.data[i] / (var.data[i] + BN_EPS).sqrt())
        .collect();
    let shift = (0..c)
        .map(|i| beta.data[i] - mean.data[i] * scale[i])
        .collect();
    Ok((scale, shift))
}
