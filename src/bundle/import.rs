//! Reads a bundle file's parameters back: the f32 initializers of an ONNX model as
//! [`Weights`], for the training crate to start from a bundle (`drgan-train train
//! --init-from`). Batch norm is folded into the convolutions and the decoder's FC when a
//! bundle is written, so what comes back is the folded inference weights under the names
//! [`Config::parameter_shapes`](super::Config::parameter_shapes) gives the convolutions,
//! and no `*.bn.*` entries.

use tract_onnx::pb::tensor_proto::DataType;
use tract_onnx::pb::TensorProto;

use super::metadata::Metadata;
use super::weights::Weights;
use crate::error::{Error, Result};

/// The f32 initializers of the ONNX model in `bytes`, by name, and its drgan metadata
/// when it has some; other initializers (the int64 shape and slice constants) are
/// skipped. `part` names the file in errors. A file over `max_bytes` is refused before
/// it is decoded.
pub fn onnx_parameters(
    bytes: &[u8],
    part: &str,
    max_bytes: u64,
) -> Result<(Weights, Option<Metadata>)> {
    // The same checks as opening a bundle: size, decoding, tensor sizes against the file.
    let proto = super::validate::decode(bytes, part, max_bytes)?;
    let meta = Metadata::from_proto(&proto)?;
    let mut w = Weights::new();
    // `decode` refuses a file without a graph.
    for t in proto.graph.iter().flat_map(|g| &g.initializer) {
        if t.data_type != DataType::Float as i32 {
            continue;
        }
        let (shape, data) =
            f32_tensor(t).map_err(|e| Error::model(format!("{part}: {}: {e}", t.name)))?;
        w.insert(&t.name, shape, data)
            .map_err(|e| Error::model(format!("{part}: {e}")))?;
    }
    Ok((w, meta))
}

/// The shape and values of the f32 tensor `t` (little-endian `raw_data`, or
/// `float_data`); an error for another type, a negative dimension, or values that do not
/// fill the shape. Shared with the GPU backend, which reads the decoder's initializers.
pub(crate) fn f32_tensor(t: &TensorProto) -> std::result::Result<(Vec<usize>, Vec<f32>), String> {
    if t.data_type != DataType::Float as i32 {
        return Err("not f32".into());
    }
    let shape = t
        .dims
        .iter()
        .map(|&d| usize::try_from(d).map_err(|_| format!("negative dimension {d}")))
        .collect::<std::result::Result<Vec<usize>, _>>()?;
    if !t.raw_data.len().is_multiple_of(4) {
        return Err(format!("{} bytes, not whole f32 values", t.raw_data.len()));
    }
    let data: Vec<f32> = if !t.raw_data.is_empty() {
        t.raw_data
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    } else {
        t.float_data.clone()
    };
    let len: usize = shape.iter().product();
    if data.len() != len {
        return Err(format!("{} values for shape {shape:?}", data.len()));
    }
    Ok((shape, data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::{encoder_onnx, metadata_for, Config};
    use prost::Message;
    use tract_onnx::pb::ModelProto;

    #[test]
    fn an_exported_encoder_gives_back_its_folded_parameters() {
        let config = Config::named("tiny").unwrap();
        let weights = Weights::random(&config, 3);
        let bytes = encoder_onnx(&config, &weights, &metadata_for(&config, "test")).unwrap();
        let (back, meta) = onnx_parameters(&bytes, "encoder", 1 << 30).unwrap();
        assert_eq!(meta.unwrap().trained_on, "test");
        // conv53 has no batch norm: its parameters come back as they went in.
        let last = back.param("encoder.conv53.weight").unwrap();
        assert_eq!(last, weights.param("encoder.conv53.weight").unwrap());
        // conv11's come back folded: weight x gamma / sqrt(var + eps) per output channel.
        let w = weights.param("encoder.conv11.weight").unwrap();
        let gamma = &weights.param("encoder.conv11.bn.scale").unwrap().data;
        let var = &weights.param("encoder.conv11.bn.var").unwrap().data;
        let folded = back.param("encoder.conv11.weight").unwrap();
        assert_eq!(folded.shape, w.shape);
        let per_out = w.data.len() / gamma.len();
        for (i, (a, b)) in folded.data.iter().zip(&w.data).enumerate() {
            let c = i / per_out;
            let want = b * gamma[c] / (var[c] + 1e-5).sqrt();
            assert!(
                (a - want).abs() <= 1e-6 * (1.0 + want.abs()),
                "{a} vs {want}"
            );
        }
        assert!(back.param("encoder.conv11.bn.scale").is_none());
        assert!(
            back.param("slice_nf").is_none(),
            "int64 constants are skipped"
        );
    }

    #[test]
    fn bad_files_are_errors() {
        assert!(onnx_parameters(&[], "encoder", 1 << 20).is_err());
        assert!(onnx_parameters(&[0xff; 64], "encoder", 1 << 20).is_err());
        let config = Config::named("tiny").unwrap();
        let weights = Weights::random(&config, 3);
        let bytes = encoder_onnx(&config, &weights, &metadata_for(&config, "test")).unwrap();
        let err = onnx_parameters(&bytes, "encoder", 100).unwrap_err();
        assert!(err.to_string().contains("over the limit"), "{err}");
        // A tensor whose bytes do not fill whole f32 values.
        let mut proto = ModelProto::decode(&bytes[..]).unwrap();
        let graph = proto.graph.as_mut().unwrap();
        let t = graph
            .initializer
            .iter_mut()
            .find(|t| t.name == "encoder.conv53.bias")
            .unwrap();
        t.raw_data.pop();
        let err = onnx_parameters(&proto.encode_to_vec(), "encoder", 1 << 30).unwrap_err();
        assert!(err.to_string().contains("encoder.conv53.bias"), "{err}");
    }
}
