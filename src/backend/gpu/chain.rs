//! Splits a decoder's ONNX graph for the GPU path: the *head* (everything before the
//! first `ConvTranspose`, run by tract) and the *chain* of transposed convolutions after
//! it, each with an optional `BatchNormalization` (folded into its weights) and an
//! optional activation (`Elu`, `Relu`, `Tanh`), ending at the graph's only output.
//! Anything else (other ops, groups, dilation, non-f32 weights, weights that are not
//! initializers) makes [`split`] say why, and the decoder stays on the CPU.

use std::collections::HashMap;

use tract_onnx::pb::{
    attribute_proto::AttributeType, tensor_proto::DataType, type_proto, AttributeProto, ModelProto,
    NodeProto, TensorProto, TypeProto, ValueInfoProto,
};

use super::layer::{Activation, ConvTLayer};

/// A decoder graph cut in two.
pub(crate) struct Split {
    /// The graph up to the chain's input, whose only output is that input.
    pub head: ModelProto,
    /// The transposed convolutions, in order.
    pub chain: Vec<ConvTLayer>,
}

/// Cuts `proto` before its first `ConvTranspose`; `Err` says why the GPU cannot take it.
pub(crate) fn split(proto: &ModelProto) -> Result<Split, String> {
    let graph = proto.graph.as_ref().ok_or("the model has no graph")?;
    let nodes = &graph.node;
    let first = nodes
        .iter()
        .position(|n| n.op_type == "ConvTranspose")
        .ok_or("the decoder has no ConvTranspose")?;
    if graph.output.len() != 1 {
        return Err(format!(
            "the decoder has {} outputs, the GPU path takes one",
            graph.output.len()
        ));
    }
    let chain_input = nodes[first]
        .input
        .first()
        .ok_or("ConvTranspose without input")?;
    if graph.input.iter().any(|i| &i.name == chain_input) {
        return Err("the first ConvTranspose reads a graph input: nothing for tract".into());
    }
    let inits: HashMap<&str, &TensorProto> = graph
        .initializer
        .iter()
        .map(|t| (t.name.as_str(), t))
        .collect();

    let mut chain = Vec::new();
    let mut current = chain_input.clone();
    let mut rest = nodes[first..].iter().peekable();
    while let Some(node) = rest.next() {
        if node.op_type != "ConvTranspose" {
            return Err(format!(
                "op {} ({}) after the first ConvTranspose",
                node.op_type, node.name
            ));
        }
        let mut layer = conv_transpose(node, &current, &inits)?;
        current = single_output(node)?;
        if let Some(bn) = rest.next_if(|n| n.op_type == "BatchNormalization") {
            fold_batch_norm(&mut layer, bn, &current, &inits)?;
            current = single_output(bn)?;
        }
        if let Some(act) = rest.next_if(|n| matches!(n.op_type.as_str(), "Elu" | "Relu" | "Tanh")) {
            expect_input(act, 0, &current)?;
            layer.activation = match act.op_type.as_str() {
                "Elu" => Activation::Elu(float_attr(act, "alpha").unwrap_or(1.0)),
                "Relu" => Activation::Relu,
                _ => Activation::Tanh,
            };
            current = single_output(act)?;
        }
        if chain
            .last()
            .is_some_and(|p: &ConvTLayer| p.cout != layer.cin)
        {
            return Err(format!("{}: channels do not chain", node.name));
        }
        chain.push(layer);
    }
    if graph.output[0].name != current {
        return Err("the chain does not end at the graph's output".into());
    }

    let mut head = proto.clone();
    let g = head.graph.as_mut().expect("checked above");
    g.node.truncate(first);
    let used: std::collections::HashSet<&str> = g
        .node
        .iter()
        .flat_map(|n| n.input.iter().map(String::as_str))
        .collect();
    let kept: Vec<TensorProto> = graph
        .initializer
        .iter()
        .filter(|t| used.contains(t.name.as_str()))
        .cloned()
        .collect();
    g.initializer = kept;
    g.output = vec![ValueInfoProto {
        name: chain_input.clone(),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: DataType::Float as i32,
                shape: None,
            })),
            ..Default::default()
        }),
        ..Default::default()
    }];
    Ok(Split { head, chain })
}

fn conv_transpose(
    node: &NodeProto,
    input: &str,
    inits: &HashMap<&str, &TensorProto>,
) -> Result<ConvTLayer, String> {
    expect_input(node, 0, input)?;
    let name = &node.name;
    let (wshape, weight) = f32_initializer(node.input.get(1), inits)?;
    let [cin, cout, kh, kw] = <[usize; 4]>::try_from(wshape.as_slice())
        .map_err(|_| format!("{name}: weight of rank {}, not 4", wshape.len()))?;
    let bias = match node.input.get(2).filter(|b| !b.is_empty()) {
        Some(b) => {
            let (shape, data) = f32_initializer(Some(b), inits)?;
            if shape != [cout] {
                return Err(format!("{name}: bias shape {shape:?}"));
            }
            data
        }
        None => vec![0.0; cout],
    };
    for attr in &node.attribute {
        match attr.name.as_str() {
            "group" if attr.i != 1 => return Err(format!("{name}: groups {}", attr.i)),
            "dilations" if attr.ints.iter().any(|&d| d != 1) => {
                return Err(format!("{name}: dilations {:?}", attr.ints))
            }
            "auto_pad" if !matches!(attr.s.as_slice(), b"" | b"NOTSET") => {
                return Err(format!("{name}: auto_pad"))
            }
            "output_shape" => return Err(format!("{name}: output_shape")),
            "kernel_shape" if attr.ints != [kh as i64, kw as i64] => {
                return Err(format!("{name}: kernel_shape disagrees with the weight"))
            }
            _ => {}
        }
    }
    let pair = |key: &str, default: usize| -> Result<[usize; 2], String> {
        match ints_attr(node, key) {
            None => Ok([default; 2]),
            Some(&[a, b]) => Ok([to_usize(a)?, to_usize(b)?]),
            Some(v) => Err(format!("{name}: {key} {v:?}")),
        }
    };
    let stride = pair("strides", 1)?;
    if stride.contains(&0) {
        return Err(format!("{name}: stride 0"));
    }
    let output_padding = pair("output_padding", 0)?;
    let pads = match ints_attr(node, "pads") {
        None => [0; 4],
        Some(&[a, b, c, d]) => [to_usize(a)?, to_usize(b)?, to_usize(c)?, to_usize(d)?],
        Some(v) => return Err(format!("{name}: pads {v:?}")),
    };
    Ok(ConvTLayer {
        cin,
        cout,
        kernel: [kh, kw],
        stride,
        pads,
        output_padding,
        activation: Activation::None,
        weight,
        bias,
    })
}

fn fold_batch_norm(
    layer: &mut ConvTLayer,
    bn: &NodeProto,
    input: &str,
    inits: &HashMap<&str, &TensorProto>,
) -> Result<(), String> {
    expect_input(bn, 0, input)?;
    if bn
        .attribute
        .iter()
        .any(|a| a.name == "training_mode" && a.i != 0)
    {
        return Err(format!("{}: training mode", bn.name));
    }
    let eps = float_attr(bn, "epsilon").unwrap_or(1e-5);
    let mut params = Vec::new();
    for i in 1..5 {
        let (shape, data) = f32_initializer(bn.input.get(i), inits)?;
        if shape != [layer.cout] {
            return Err(format!("{}: parameter shape {shape:?}", bn.name));
        }
        params.push(data);
    }
    let (gamma, beta, mean, var) = (&params[0], &params[1], &params[2], &params[3]);
    let scale: Vec<f32> = (0..layer.cout)
        .map(|c| gamma[c] / (var[c] + eps).sqrt())
        .collect();
    let shift: Vec<f32> = (0..layer.cout)
        .map(|c| beta[c] - mean[c] * scale[c])
        .collect();
    layer.fold_affine(&scale, &shift);
    Ok(())
}

/// The shape and values of an f32 initializer named `name`.
fn f32_initializer(
    name: Option<&String>,
    inits: &HashMap<&str, &TensorProto>,
) -> Result<(Vec<usize>, Vec<f32>), String> {
    let name = name.ok_or("missing input")?;
    let t = inits
        .get(name.as_str())
        .ok_or_else(|| format!("{name} is not an initializer"))?;
    crate::bundle::f32_tensor(t).map_err(|e| format!("{name}: {e}"))
}

fn single_output(node: &NodeProto) -> Result<String, String> {
    match node.output.as_slice() {
        [o] => Ok(o.clone()),
        [o, rest @ ..] if rest.iter().all(String::is_empty) => Ok(o.clone()),
        _ => Err(format!("{}: more than one output", node.name)),
    }
}

fn expect_input(node: &NodeProto, i: usize, name: &str) -> Result<(), String> {
    if node.input.get(i).map(String::as_str) == Some(name) {
        Ok(())
    } else {
        Err(format!("{} does not read the previous layer", node.name))
    }
}

fn attr<'a>(node: &'a NodeProto, key: &str) -> Option<&'a AttributeProto> {
    node.attribute.iter().find(|a| a.name == key)
}

fn ints_attr<'a>(node: &'a NodeProto, key: &str) -> Option<&'a [i64]> {
    attr(node, key)
        .filter(|a| a.r#type == AttributeType::Ints as i32 || !a.ints.is_empty())
        .map(|a| a.ints.as_slice())
}

fn float_attr(node: &NodeProto, key: &str) -> Option<f32> {
    attr(node, key).map(|a| a.f)
}

fn to_usize(v: i64) -> Result<usize, String> {
    usize::try_from(v).map_err(|_| format!("negative value {v}"))
}
