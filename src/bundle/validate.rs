//! Reading a bundle for inference: decode each ONNX file, read the encoder's metadata,
//! and check that every part has the inputs and outputs DESIGN.md specifies and that the
//! parts agree with each other. Every failure is a clear error; nothing here panics on
//! hostile bytes (prost decoding is total).

use prost::Message;
use tract_onnx::pb::{tensor_shape_proto::dimension, type_proto, ModelProto, ValueInfoProto};

use super::metadata::Metadata;
use crate::error::{Error, Result};

/// The validated parts of a bundle.
pub(crate) struct ParsedBundle {
    pub metadata: Metadata,
    pub encoder: ModelProto,
    pub decoder: ModelProto,
    pub pose: Option<ModelProto>,
}

/// Decodes and validates a bundle's files.
pub(crate) fn parse_bundle(
    encoder: &[u8],
    decoder: &[u8],
    pose: Option<&[u8]>,
    max_bytes: u64,
) -> Result<ParsedBundle> {
    let encoder = decode(encoder, "encoder", max_bytes)?;
    let decoder = decode(decoder, "decoder", max_bytes)?;
    let pose = pose
        .map(|p| decode(p, "pose head", max_bytes))
        .transpose()?;

    let meta = Metadata::from_proto(&encoder)?.ok_or_else(|| {
        Error::model("the encoder has no drgan.* metadata: this ONNX file is not a DR-GAN bundle")
    })?;
    for (part, proto) in [("decoder", Some(&decoder)), ("pose head", pose.as_ref())] {
        if let Some(other) = proto.map(Metadata::from_proto).transpose()?.flatten() {
            if other != meta {
                return Err(Error::ModelMismatch(format!(
                    "the {part}'s metadata differs from the encoder's \
                     (config {:?} vs {:?}, Nf {} vs {}, input {} vs {})",
                    other.config,
                    meta.config,
                    other.feature_dim,
                    meta.feature_dim,
                    other.input_size,
                    meta.input_size
                )));
            }
        }
    }

    let s = meta.input_size as i64;
    let (nf, np, nz) = (
        meta.feature_dim as i64,
        meta.pose_yaws.len() as i64,
        meta.noise_dim as i64,
    );
    check_io(
        &encoder,
        "encoder",
        Io::Inputs,
        &[("image", &[3, s, s])],
        false,
    )?;
    check_io(
        &encoder,
        "encoder",
        Io::Outputs,
        &[("identity", &[nf]), ("confidence", &[1])],
        false,
    )?;
    // Disagreement between encoder and decoder is a mismatch, not a malformed file.
    check_io(
        &decoder,
        "decoder",
        Io::Inputs,
        &[("identity", &[nf]), ("pose", &[np]), ("noise", &[nz])],
        true,
    )?;
    check_io(
        &decoder,
        "decoder",
        Io::Outputs,
        &[("image", &[3, s, s])],
        true,
    )?;
    if let Some(p) = &pose {
        check_io(p, "pose head", Io::Inputs, &[("image", &[3, s, s])], true)?;
        check_io(p, "pose head", Io::Outputs, &[("pose_logits", &[np])], true)?;
    }
    Ok(ParsedBundle {
        metadata: meta,
        encoder,
        decoder,
        pose,
    })
}

fn decode(bytes: &[u8], part: &str, max_bytes: u64) -> Result<ModelProto> {
    if bytes.len() as u64 > max_bytes {
        return Err(Error::LimitExceeded(format!(
            "the {part} is {} bytes, over the limit of {max_bytes} bytes",
            bytes.len()
        )));
    }
    if bytes.is_empty() {
        return Err(Error::model(format!("the {part} file is empty")));
    }
    let proto = ModelProto::decode(bytes)
        .map_err(|e| Error::model(format!("the {part} is not a valid ONNX file: {e}")))?;
    if proto.graph.is_none() {
        return Err(Error::model(format!("the {part} ONNX file has no graph")));
    }
    Ok(proto)
}

#[derive(Clone, Copy)]
enum Io {
    Inputs,
    Outputs,
}

/// Checks the graph's (non-initializer) inputs or its outputs: names in order, f32,
/// rank and per-sample dims as `expected`; the batch dim may be anything.
fn check_io(
    proto: &ModelProto,
    part: &str,
    io: Io,
    expected: &[(&str, &[i64])],
    mismatch: bool,
) -> Result<()> {
    let graph = proto.graph.as_ref().expect("checked in decode");
    let values: Vec<&ValueInfoProto> = match io {
        Io::Inputs => graph
            .input
            .iter()
            .filter(|i| !graph.initializer.iter().any(|t| t.name == i.name))
            .collect(),
        Io::Outputs => graph.output.iter().collect(),
    };
    let kind = match io {
        Io::Inputs => "inputs",
        Io::Outputs => "outputs",
    };
    let names: Vec<&str> = values.iter().map(|v| v.name.as_str()).collect();
    let wanted: Vec<&str> = expected.iter().map(|e| e.0).collect();
    if names != wanted {
        return Err(Error::model(format!(
            "the {part}'s {kind} are {names:?}, a DR-GAN bundle needs {wanted:?}"
        )));
    }
    for (value, (name, dims)) in values.iter().zip(expected) {
        let Some(shape) = declared_shape(value) else {
            continue; // Undeclared shapes are checked when the graph is typed at load.
        };
        let ok = shape.len() == dims.len() + 1
            && shape[1..]
                .iter()
                .zip(dims.iter())
                .all(|(got, want)| got.is_none_or(|g| g == *want));
        if !ok {
            let msg = format!(
                "the {part}'s {name} has shape {}, expected [N, {}]",
                fmt_shape(&shape),
                dims.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            return Err(if mismatch {
                Error::ModelMismatch(msg)
            } else {
                Error::model(msg)
            });
        }
    }
    Ok(())
}

/// The declared dims of a tensor value (None for a symbolic dim), or None if undeclared.
fn declared_shape(value: &ValueInfoProto) -> Option<Vec<Option<i64>>> {
    let type_proto::Value::TensorType(t) = value.r#type.as_ref()?.value.as_ref()?;
    let shape = t.shape.as_ref()?;
    Some(
        shape
            .dim
            .iter()
            .map(|d| match d.value {
                Some(dimension::Value::DimValue(v)) => Some(v),
                _ => None,
            })
            .collect(),
    )
}

fn fmt_shape(shape: &[Option<i64>]) -> String {
    let parts: Vec<String> = shape
        .iter()
        .map(|d| d.map_or("?".into(), |v| v.to_string()))
        .collect();
    format!("[{}]", parts.join(", "))
}
