//! Reads a bundle file's parameters back: the f32 initializers of an ONNX model as
//! [`Weights`], for the training crate to start from a bundle (`drgan-train train
//! --init-from`). Batch norm is folded into the convolutions and the decoder's FC when a
//! bundle is written, so what comes back is the folded inference weights under the names
//! [`Config::parameter_shapes`](crate::Config::parameter_shapes) gives the convolutions,
//! and no `*.bn.*` entries.

use drgan::bundle::{decode_part, f32_tensor, Metadata};
use drgan::Result;
use tract_onnx::pb::tensor_proto::DataType;

use crate::invalid_model;
use crate::weights::Weights;

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
    let proto = decode_part(bytes, part, max_bytes)?;
    let meta = Metadata::from_proto(&proto)?;
    let mut w = Weights::new();
    // `decode` refuses a file without a graph.
    for t in proto.graph.iter().flat_map(|g| &g.initializer) {
        if t.data_type != DataType::Float as i32 {
            continue;
        }
        let (shape, data) =
            f32_tensor(t).map_err(|e| invalid_model(format!("{part}: {}: {e}", t.name)))?;
        w.insert(&t.name, shape, data)
            .map_err(|e| invalid_model(format!("{part}: {e}")))?;
    }
    Ok((w, meta))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{encoder_onnx, metadata_for, Config};
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
