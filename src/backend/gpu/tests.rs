//! Kernel tests on random shapes: the fast kernel against the reference kernel and
//! against tract, and a whole chain with an explicit batch norm against tract. They run
//! on whatever adapter exists, software ones included (Mesa lavapipe in CI); without one
//! they fail, unless `DRGAN_GPU_TESTS_OPTIONAL=1` says a GPU-less run is expected.

use std::sync::Arc;

use tract_onnx::pb::{
    attribute_proto::AttributeType, tensor_proto::DataType, tensor_shape_proto::dimension,
    tensor_shape_proto::Dimension, type_proto, AttributeProto, GraphProto, ModelProto, NodeProto,
    OperatorSetIdProto, TensorProto, TensorShapeProto, TypeProto, ValueInfoProto,
};

use super::device::{self, Gpu};
use super::layer::{Activation, ConvTLayer};
use super::{plan::ChainPlan, reference, GpuDecoder};
use crate::backend::{Net, Tensor, Threads};
use crate::rng::SplitMix64;

/// The device, or `None` when `DRGAN_GPU_TESTS_OPTIONAL=1` and there is none.
fn gpu() -> Option<Arc<Gpu>> {
    device::allow_software_adapter(true);
    match device::gpu(true) {
        Ok(g) => Some(g),
        Err(e) if std::env::var("DRGAN_GPU_TESTS_OPTIONAL").is_ok_and(|v| v == "1") => {
            eprintln!("skipping GPU test: {e}");
            None
        }
        Err(e) => panic!(
            "no GPU adapter: {e}. Install Mesa's Vulkan drivers (apt-get install \
             mesa-vulkan-drivers libvulkan1) or set DRGAN_GPU_TESTS_OPTIONAL=1"
        ),
    }
}

fn random_vec(rng: &mut SplitMix64, len: usize, scale: f32) -> Vec<f32> {
    (0..len)
        .map(|_| (rng.uniform() * 2.0 - 1.0) * scale)
        .collect()
}

fn pick(rng: &mut SplitMix64, lo: usize, hi: usize) -> usize {
    lo + (rng.next_u64() % (hi - lo + 1) as u64) as usize
}

/// A random layer and input: strides 1–3 (2 often), kernels 1–5, asymmetric pads,
/// output padding, odd sizes, any activation.
fn random_case(seed: u64) -> (ConvTLayer, Tensor) {
    let mut rng = SplitMix64(seed);
    loop {
        let kernel = [pick(&mut rng, 1, 5), pick(&mut rng, 1, 5)];
        let stride = match seed % 3 {
            0 => [1, 1],
            1 => [2, 2],
            _ => [pick(&mut rng, 1, 3), pick(&mut rng, 1, 3)],
        };
        let pads = [
            pick(&mut rng, 0, kernel[0] - 1),
            pick(&mut rng, 0, kernel[1] - 1),
            pick(&mut rng, 0, kernel[0] - 1),
            pick(&mut rng, 0, kernel[1] - 1),
        ];
        let output_padding = [
            pick(&mut rng, 0, stride[0] - 1),
            pick(&mut rng, 0, stride[1] - 1),
        ];
        let (cin, cout) = (pick(&mut rng, 1, 37), pick(&mut rng, 1, 37));
        let activation = match rng.next_u64() % 4 {
            0 => Activation::None,
            1 => Activation::Relu,
            2 => Activation::Elu(0.5 + rng.uniform()),
            _ => Activation::Tanh,
        };
        let (n, h, w) = (
            pick(&mut rng, 1, 3),
            pick(&mut rng, 1, 11),
            pick(&mut rng, 1, 11),
        );
        let layer = ConvTLayer {
            cin,
            cout,
            kernel,
            stride,
            pads,
            output_padding,
            activation,
            weight: random_vec(&mut rng, cin * cout * kernel[0] * kernel[1], 0.3),
            bias: random_vec(&mut rng, cout, 0.5),
        };
        if layer.out_size(h, w).is_some() {
            let x = Tensor::new(
                vec![n, cin, h, w],
                random_vec(&mut rng, n * cin * h * w, 1.0),
            );
            return (layer, x);
        }
    }
}

fn max_abs_diff(a: &Tensor, b: &Tensor) -> f32 {
    assert_eq!(a.shape, b.shape);
    a.data
        .iter()
        .zip(&b.data)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[test]
fn fast_kernel_matches_reference_and_tract_on_random_shapes() {
    let Some(gpu) = gpu() else { return };
    let (mut worst_ref, mut worst_tract) = (0f32, 0f32);
    for seed in 0..60 {
        let (layer, x) = random_case(seed);
        let fast = ChainPlan::new(gpu.clone(), std::slice::from_ref(&layer))
            .unwrap()
            .run(&x)
            .unwrap();
        let reference = reference::run(&gpu, &layer, &x);
        let tract = tract_layer(&layer, &x);
        let (dr, dt) = (
            max_abs_diff(&fast, &reference),
            max_abs_diff(&reference, &tract),
        );
        assert!(dr < 1e-4, "seed {seed} {layer:?}: fast vs reference {dr}");
        assert!(dt < 1e-4, "seed {seed}: reference vs tract {dt}");
        assert!(
            max_abs_diff(&fast, &tract) < 1e-4,
            "seed {seed}: fast vs tract"
        );
        worst_ref = worst_ref.max(dr);
        worst_tract = worst_tract.max(max_abs_diff(&fast, &tract));
    }
    eprintln!("max abs diff: fast vs reference {worst_ref:e}, fast vs tract {worst_tract:e}");
}

#[test]
fn a_chain_with_explicit_batch_norm_matches_tract() {
    let Some(_gpu) = gpu() else { return };
    let mut rng = SplitMix64(99);
    let (c0, c1, c2) = (10, 7, 3);
    let mut g = Graph::default();
    g.input("x", &[c0, 5, 3]);
    g.node("Elu", &["x"], "head", vec![float("alpha", 1.0)]);
    let w1 = g.init(
        "w1",
        &[c0, c1, 3, 3],
        random_vec(&mut rng, c0 * c1 * 9, 0.3),
    );
    let b1 = g.init("b1", &[c1], random_vec(&mut rng, c1, 0.3));
    g.node(
        "ConvTranspose",
        &["head", &w1, &b1],
        "ct1",
        vec![
            ints("strides", &[2, 2]),
            ints("pads", &[1, 0, 0, 1]),
            ints("output_padding", &[1, 0]),
        ],
    );
    let mut bn = vec!["ct1".to_string()];
    for (name, lo) in [("gamma", 0.5), ("beta", -0.5), ("mean", -0.2), ("var", 0.3)] {
        let v: Vec<f32> = (0..c1).map(|_| lo + rng.uniform()).collect();
        bn.push(g.init(name, &[c1], v));
    }
    let bn: Vec<&str> = bn.iter().map(String::as_str).collect();
    g.node(
        "BatchNormalization",
        &bn,
        "bn1",
        vec![float("epsilon", 1e-3)],
    );
    g.node("Relu", &["bn1"], "act1", vec![]);
    let w2 = g.init(
        "w2",
        &[c1, c2, 4, 3],
        random_vec(&mut rng, c1 * c2 * 12, 0.3),
    );
    g.node(
        "ConvTranspose",
        &["act1", &w2],
        "ct2",
        vec![ints("strides", &[1, 2]), ints("pads", &[2, 1, 0, 1])],
    );
    g.node("Tanh", &["ct2"], "y", vec![]);
    g.output("y");
    let proto = g.finish();

    let per_sample: &[&[usize]] = &[&[c0, 5, 3]];
    let gpu_dec = match GpuDecoder::load(&proto, per_sample, true, &Threads::default()).unwrap() {
        Ok(d) => d,
        Err(super::NotOnGpu::Unsupported(e) | super::NotOnGpu::Device(e)) => panic!("{e}"),
    };
    let cpu = Net::load(&proto, per_sample, &Threads::default(), "test").unwrap();
    for n in [1, 3] {
        let x = Tensor::new(vec![n, c0, 5, 3], random_vec(&mut rng, n * c0 * 15, 1.5));
        let a = gpu_dec.run(vec![x.clone()]).unwrap().remove(0);
        let b = cpu.run(vec![x]).unwrap().remove(0);
        let d = max_abs_diff(&a, &b);
        assert!(d < 1e-4, "batch {n}: GPU vs tract {d}");
    }
}

/// A device lost under a plan: every later run is an error, never a panic.
#[test]
fn a_lost_device_fails_each_call_cleanly() {
    if gpu().is_none() {
        return;
    }
    let own = device::create(true).expect("a second device");
    let (layer, x) = random_case(4);
    let plan = ChainPlan::new(own.clone(), std::slice::from_ref(&layer)).unwrap();
    assert!(plan.run(&x).is_ok());
    own.device.destroy();
    for _ in 0..2 {
        let r = plan.run(&x);
        eprintln!("after the loss: {r:?}");
        assert!(
            matches!(
                r,
                Err(crate::Error::BackendUnavailable(_) | crate::Error::Inference(_))
            ),
            "{r:?}"
        );
    }
}

#[test]
fn unsupported_graphs_are_refused_with_a_reason() {
    let mut g = Graph::default();
    g.input("x", &[4, 3, 3]);
    g.node("Relu", &["x"], "h", vec![]);
    let w = g.init("w", &[4, 2, 3, 3], vec![0.1; 72]);
    g.node(
        "ConvTranspose",
        &["h", &w],
        "y",
        vec![ints("dilations", &[2, 2])],
    );
    g.output("y");
    let e = super::chain::split(&g.finish()).err().unwrap();
    assert!(e.contains("dilations"), "{e}");
}

/// One layer through tract: a one-node ONNX graph (plus its activation).
fn tract_layer(layer: &ConvTLayer, x: &Tensor) -> Tensor {
    let mut g = Graph::default();
    let dims = &x.shape[1..];
    g.input("x", dims);
    let [kh, kw] = layer.kernel;
    let w = g.init("w", &[layer.cin, layer.cout, kh, kw], layer.weight.clone());
    let b = g.init("b", &[layer.cout], layer.bias.clone());
    let to = |v: &[usize]| v.iter().map(|&d| d as i64).collect::<Vec<_>>();
    g.node(
        "ConvTranspose",
        &["x", &w, &b],
        "ct",
        vec![
            ints("kernel_shape", &to(&layer.kernel)),
            ints("strides", &to(&layer.stride)),
            ints("pads", &to(&layer.pads)),
            ints("output_padding", &to(&layer.output_padding)),
        ],
    );
    match layer.activation {
        Activation::None => g.node("Identity", &["ct"], "y", vec![]),
        Activation::Relu => g.node("Relu", &["ct"], "y", vec![]),
        Activation::Elu(a) => g.node("Elu", &["ct"], "y", vec![float("alpha", a)]),
        Activation::Tanh => g.node("Tanh", &["ct"], "y", vec![]),
    }
    g.output("y");
    let net = Net::load(&g.finish(), &[dims], &Threads::default(), "test layer").unwrap();
    net.run(vec![x.clone()]).unwrap().remove(0)
}

/// A minimal ONNX graph builder for the tests (opset 13, batch dimension `N`).
#[derive(Default)]
struct Graph(GraphProto);

impl Graph {
    fn input(&mut self, name: &str, dims: &[usize]) {
        let mut dim = vec![Dimension {
            value: Some(dimension::Value::DimParam("N".into())),
            ..Default::default()
        }];
        dim.extend(dims.iter().map(|&d| Dimension {
            value: Some(dimension::Value::DimValue(d as i64)),
            ..Default::default()
        }));
        self.0.input.push(ValueInfoProto {
            name: name.into(),
            r#type: Some(TypeProto {
                value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                    elem_type: DataType::Float as i32,
                    shape: Some(TensorShapeProto { dim }),
                })),
                ..Default::default()
            }),
            ..Default::default()
        });
    }

    fn output(&mut self, name: &str) {
        self.0.output.push(ValueInfoProto {
            name: name.into(),
            ..Default::default()
        });
    }

    fn init(&mut self, name: &str, dims: &[usize], data: Vec<f32>) -> String {
        self.0.initializer.push(TensorProto {
            name: name.into(),
            dims: dims.iter().map(|&d| d as i64).collect(),
            data_type: DataType::Float as i32,
            float_data: data,
            ..Default::default()
        });
        name.into()
    }

    fn node(&mut self, op: &str, inputs: &[&str], output: &str, attribute: Vec<AttributeProto>) {
        self.0.node.push(NodeProto {
            op_type: op.into(),
            name: output.into(),
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: vec![output.into()],
            attribute,
            ..Default::default()
        });
    }

    fn finish(self) -> ModelProto {
        ModelProto {
            ir_version: 7,
            opset_import: vec![OperatorSetIdProto {
                domain: String::new(),
                version: 13,
            }],
            graph: Some(self.0),
            ..Default::default()
        }
    }
}

fn ints(name: &str, v: &[i64]) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: AttributeType::Ints as i32,
        ints: v.to_vec(),
        ..Default::default()
    }
}

fn float(name: &str, v: f32) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: AttributeType::Float as i32,
        f: v,
        ..Default::default()
    }
}
