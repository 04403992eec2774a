//! Reading a bundle for inference: decode each ONNX file, read the encoder's metadata,
//! and check that every part has the inputs and outputs docs/bundle-format.md specifies
//! and that the parts agree with each other. Every failure is a clear error; nothing here panics on
//! hostile bytes (prost decoding is total).

use prost::Message;
use tract_onnx::pb::{
    tensor_shape_proto::dimension, type_proto, ModelProto, TensorProto, ValueInfoProto,
};

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
    let encoder = decode_part(encoder, "encoder", max_bytes)?;
    let decoder = decode_part(decoder, "decoder", max_bytes)?;
    let pose = pose
        .map(|p| decode_part(p, "pose head", max_bytes))
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

/// Decodes one ONNX file of a bundle (`part` names it in errors) with the bounds every
/// load applies: at most `max_bytes` long, a graph present, initializers declaring at
/// most `max_bytes` in all, and no constant-shaped `ConstantOfShape`/`Expand` over
/// `max_bytes / 4` elements. Checks no drgan metadata or inputs: see
/// [`BundleFiles::validate`](super::BundleFiles::validate) for a whole bundle.
pub fn decode_part(bytes: &[u8], part: &str, max_bytes: u64) -> Result<ModelProto> {
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
    check_initializer_sizes(&proto, part, max_bytes)?;
    check_constant_shapes(&proto, part, max_bytes)?;
    Ok(proto)
}

/// The elements a tensor of `dims` holds; None for a negative dim or an overflow.
fn element_count(dims: &[i64]) -> Option<u64> {
    dims.iter().try_fold(1u64, |n, &d| {
        u64::try_from(d).ok().and_then(|d| n.checked_mul(d))
    })
}

/// Bytes one element of ONNX data type `data_type` takes (8 for unknown types, the
/// widest numeric one, so that the bound stays an upper bound).
fn element_bytes(data_type: i32) -> u64 {
    match data_type {
        2 | 3 | 9 => 1,       // uint8, int8, bool
        4 | 5 | 10 | 16 => 2, // uint16, int16, float16, bfloat16
        1 | 6 | 12 => 4,      // float, int32, uint32
        _ => 8,
    }
}

/// Refuses a part whose initializers declare (by their dims, whatever data they carry)
/// more than `max_bytes` in all: what the engine would hold in memory once loaded.
fn check_initializer_sizes(proto: &ModelProto, part: &str, max_bytes: u64) -> Result<()> {
    let graph = proto.graph.as_ref().expect("checked in decode_part");
    let mut total = 0u64;
    for t in &graph.initializer {
        let bytes = element_count(&t.dims)
            .and_then(|n| n.checked_mul(element_bytes(t.data_type)))
            .ok_or_else(|| {
                Error::model(format!(
                    "the {part}'s initializer `{}` has dims {:?}: negative or overflowing",
                    t.name, t.dims
                ))
            })?;
        total = total.saturating_add(bytes);
    }
    if total > max_bytes {
        return Err(Error::LimitExceeded(format!(
            "the {part}'s initializers declare {total} bytes, over the limit of {max_bytes} \
             bytes (Options::max_model_bytes)"
        )));
    }
    Ok(())
}

/// Refuses `ConstantOfShape` and `Expand` nodes whose target shape is a constant of more
/// than `max_bytes / 4` elements: the engine materialises them while optimising the
/// graph, before any input is seen, and a hostile file can ask for terabytes.
fn check_constant_shapes(proto: &ModelProto, part: &str, max_bytes: u64) -> Result<()> {
    let graph = proto.graph.as_ref().expect("checked in decode_part");
    let max_elements = max_bytes / 4;
    for node in &graph.node {
        let shape_input = match node.op_type.as_str() {
            "ConstantOfShape" => node.input.first(),
            "Expand" => node.input.get(1),
            _ => None,
        };
        let Some(name) = shape_input else { continue };
        let Some(values) = constant_i64(graph, name) else {
            continue; // Computed from the inputs: bounded by the input sizes.
        };
        let n = element_count(&values).filter(|&n| n <= max_elements);
        if n.is_none() {
            return Err(Error::LimitExceeded(format!(
                "the {part}'s {} node `{}` builds a tensor of shape {values:?}, over the \
                 limit of {max_elements} elements (Options::max_model_bytes / 4)",
                node.op_type, node.name
            )));
        }
    }
    Ok(())
}

/// The int64 values of the initializer or `Constant` node output called `name`.
fn constant_i64(graph: &tract_onnx::pb::GraphProto, name: &str) -> Option<Vec<i64>> {
    let tensor = graph
        .initializer
        .iter()
        .find(|t| t.name == name)
        .or_else(|| {
            graph
                .node
                .iter()
                .filter(|n| n.op_type == "Constant" && n.output.iter().any(|o| o == name))
                .flat_map(|n| &n.attribute)
                .find(|a| a.name == "value")
                .and_then(|a| a.t.as_ref())
        })?;
    i64_values(tensor)
}

fn i64_values(t: &TensorProto) -> Option<Vec<i64>> {
    if t.data_type != 7 {
        return None; // Not int64: the engine refuses it as a shape.
    }
    if !t.int64_data.is_empty() {
        return Some(t.int64_data.clone());
    }
    Some(
        t.raw_data
            .chunks_exact(8)
            .map(|c| i64::from_le_bytes(c.try_into().expect("chunks of 8")))
            .collect(),
    )
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
    let graph = proto.graph.as_ref().expect("checked in decode_part");
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

#[cfg(test)]
mod tests {
    use super::*;
    use tract_onnx::pb::{attribute_proto, AttributeProto, GraphProto, NodeProto};

    fn tensor(name: &str, dims: Vec<i64>, data_type: i32) -> TensorProto {
        TensorProto {
            name: name.into(),
            dims,
            data_type,
            ..Default::default()
        }
    }

    fn model(initializer: Vec<TensorProto>, node: Vec<NodeProto>) -> ModelProto {
        ModelProto {
            graph: Some(GraphProto {
                initializer,
                node,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn element_counts_refuse_negative_and_overflowing_dims() {
        assert_eq!(element_count(&[]), Some(1));
        assert_eq!(element_count(&[2, 3, 4]), Some(24));
        assert_eq!(element_count(&[0, 1 << 40]), Some(0));
        assert_eq!(element_count(&[-1, 4]), None);
        assert_eq!(element_count(&[1 << 40, 1 << 40]), None);
    }

    #[test]
    fn initializers_are_summed_against_the_limit() {
        let m = model(
            vec![tensor("a", vec![256], 1), tensor("b", vec![256], 1)],
            vec![],
        );
        assert!(check_initializer_sizes(&m, "encoder", 2048).is_ok());
        let r = check_initializer_sizes(&m, "encoder", 2047);
        assert!(matches!(r, Err(Error::LimitExceeded(_))), "{r:?}");
        let m = model(vec![tensor("a", vec![1 << 40, 1 << 40], 1)], vec![]);
        let r = check_initializer_sizes(&m, "encoder", u64::MAX);
        assert!(matches!(r, Err(Error::InvalidModel(_))), "{r:?}");
        // int8 data counts one byte an element, unknown types eight.
        let m = model(vec![tensor("q", vec![1000], 3)], vec![]);
        assert!(check_initializer_sizes(&m, "encoder", 1000).is_ok());
        let m = model(vec![tensor("s", vec![1000], 8)], vec![]);
        assert!(check_initializer_sizes(&m, "encoder", 7999).is_err());
    }

    #[test]
    fn constant_shapes_are_bounded() {
        let node = |op: &str, inputs: &[&str]| NodeProto {
            op_type: op.into(),
            name: "n".into(),
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: vec!["y".into()],
            ..Default::default()
        };
        let mut shape = tensor("shape", vec![3], 7);
        shape.int64_data = vec![1000, 1000, 1000];
        let m = model(
            vec![shape.clone()],
            vec![node("ConstantOfShape", &["shape"])],
        );
        assert!(check_constant_shapes(&m, "decoder", 4_000_000_000).is_ok());
        let r = check_constant_shapes(&m, "decoder", 3_999_999_999);
        assert!(matches!(r, Err(Error::LimitExceeded(_))), "{r:?}");
        let m = model(vec![shape.clone()], vec![node("Expand", &["x", "shape"])]);
        assert!(check_constant_shapes(&m, "decoder", 1 << 20).is_err());
        // Shapes as raw little-endian bytes, and as a Constant node.
        let mut raw = tensor("shape", vec![2], 7);
        raw.raw_data = [-1i64, 5].iter().flat_map(|v| v.to_le_bytes()).collect();
        let m = model(vec![raw], vec![node("ConstantOfShape", &["shape"])]);
        assert!(check_constant_shapes(&m, "decoder", u64::MAX).is_err());
        let constant = NodeProto {
            op_type: "Constant".into(),
            output: vec!["shape".into()],
            attribute: vec![AttributeProto {
                name: "value".into(),
                r#type: attribute_proto::AttributeType::Tensor as i32,
                t: Some(shape),
                ..Default::default()
            }],
            ..Default::default()
        };
        let m = model(vec![], vec![constant, node("ConstantOfShape", &["shape"])]);
        assert!(check_constant_shapes(&m, "decoder", 1 << 20).is_err());
        // A shape computed at run time is not judged here.
        let m = model(vec![], vec![node("ConstantOfShape", &["dynamic"])]);
        assert!(check_constant_shapes(&m, "decoder", 1).is_ok());
    }
}
