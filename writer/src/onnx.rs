//! A small builder for standard ONNX graphs (opset 13) on top of `tract_onnx::pb`:
//! nodes, initializers, typed inputs and outputs with a symbolic batch dimension `N`;
//! and a bundle's metadata as ONNX `metadata_props`.

use drgan::bundle::Metadata;

use prost::Message;
use tract_onnx::pb::{
    attribute_proto::AttributeType, tensor_proto::DataType, tensor_shape_proto::dimension,
    tensor_shape_proto::Dimension, type_proto, AttributeProto, GraphProto, ModelProto, NodeProto,
    OperatorSetIdProto, StringStringEntryProto, TensorProto, TensorShapeProto, TypeProto,
    ValueInfoProto,
};

/// The opset every bundle is written with.
pub const OPSET: i64 = 13;

/// A graph under construction.
#[derive(Default)]
pub(crate) struct GraphBuilder {
    graph: GraphProto,
}

/// An attribute value for [`GraphBuilder::node`].
pub(crate) enum Attr {
    Int(i64),
    Float(f32),
    Ints(Vec<i64>),
}

impl GraphBuilder {
    /// An empty graph called `name`.
    pub fn new(name: &str) -> Self {
        GraphBuilder {
            graph: GraphProto {
                name: name.into(),
                ..Default::default()
            },
        }
    }

    /// Declares an f32 graph input `[N, dims...]`.
    pub fn input(&mut self, name: &str, dims: &[usize]) {
        self.graph.input.push(value_info(name, dims));
    }

    /// Declares an f32 graph output `[N, dims...]`.
    pub fn output(&mut self, name: &str, dims: &[usize]) {
        self.graph.output.push(value_info(name, dims));
    }

    /// Adds an f32 initializer and returns its name.
    pub fn constant(&mut self, name: &str, dims: &[usize], data: &[f32]) -> String {
        self.graph.initializer.push(TensorProto {
            name: name.into(),
            dims: dims.iter().map(|&d| d as i64).collect(),
            data_type: DataType::Float as i32,
            raw_data: data.iter().flat_map(|v| v.to_le_bytes()).collect(),
            ..Default::default()
        });
        name.into()
    }

    /// Adds an int64 initializer and returns its name.
    pub fn constant_i64(&mut self, name: &str, data: &[i64]) -> String {
        self.graph.initializer.push(TensorProto {
            name: name.into(),
            dims: vec![data.len() as i64],
            data_type: DataType::Int64 as i32,
            raw_data: data.iter().flat_map(|v| v.to_le_bytes()).collect(),
            ..Default::default()
        });
        name.into()
    }

    /// Adds a node with one output named `output`; returns that name.
    pub fn node(
        &mut self,
        op: &str,
        inputs: &[&str],
        output: &str,
        attrs: Vec<(&str, Attr)>,
    ) -> String {
        let attribute = attrs
            .into_iter()
            .map(|(name, a)| {
                let mut p = AttributeProto {
                    name: name.into(),
                    ..Default::default()
                };
                match a {
                    Attr::Int(i) => {
                        p.i = i;
                        p.r#type = AttributeType::Int as i32;
                    }
                    Attr::Float(f) => {
                        p.f = f;
                        p.r#type = AttributeType::Float as i32;
                    }
                    Attr::Ints(v) => {
                        p.ints = v;
                        p.r#type = AttributeType::Ints as i32;
                    }
                }
                p
            })
            .collect();
        self.graph.node.push(NodeProto {
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: vec![output.into()],
            name: output.into(),
            op_type: op.into(),
            attribute,
            ..Default::default()
        });
        output.into()
    }

    /// The finished model, serialized, with `metadata` as `metadata_props`.
    pub fn finish(self, metadata: Vec<StringStringEntryProto>) -> Vec<u8> {
        ModelProto {
            ir_version: 7,
            opset_import: vec![OperatorSetIdProto {
                domain: String::new(),
                version: OPSET,
            }],
            producer_name: "drgan".into(),
            producer_version: drgan::VERSION.into(),
            graph: Some(self.graph),
            metadata_props: metadata,
            ..Default::default()
        }
        .encode_to_vec()
    }
}

/// `meta` as the `metadata_props` entries of an ONNX model.
pub(crate) fn metadata_props(meta: &Metadata) -> Vec<StringStringEntryProto> {
    meta.entries()
        .into_iter()
        .map(|(key, value)| StringStringEntryProto {
            key: key.into(),
            value,
        })
        .collect()
}

fn value_info(name: &str, dims: &[usize]) -> ValueInfoProto {
    let mut dim = vec![Dimension {
        denotation: String::new(),
        value: Some(dimension::Value::DimParam("N".into())),
    }];
    dim.extend(dims.iter().map(|&d| Dimension {
        denotation: String::new(),
        value: Some(dimension::Value::DimValue(d as i64)),
    }));
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            denotation: String::new(),
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: DataType::Float as i32,
                shape: Some(TensorShapeProto { dim }),
            })),
        }),
        doc_string: String::new(),
    }
}
