//! CPU execution with tract. The ONNX graph is optimized at load into one runnable plan
//! for a single image (batch fixed to 1: tract's convolutions run 1.6x faster than with a
//! symbolic batch, and the graph is planned once, not twice); a batch runs as one plan
//! call per image, spread over the model's [`Threads`]. tract's own panics (on hostile
//! graphs) are caught here and become errors. `Elu` runs as one fused pass ([`elu`]).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use tract_onnx::pb::ModelProto;
use tract_onnx::prelude::*;

use super::{elu, Tensor, Threads};
use crate::error::{Error, Result};

/// One optimized ONNX graph, ready to run from any thread.
pub(crate) struct Net {
    /// The graph with its batch dimension fixed to 1.
    plan: Arc<TypedRunnableModel>,
    threads: Threads,
    name: &'static str,
}

impl Net {
    /// Types `proto`'s inputs as f32 `[1, ...per_sample]` (in input order), optimizes,
    /// and plans it; calls run on `threads`. `name` names the part in error messages.
    pub fn load(
        proto: &ModelProto,
        per_sample: &[&[usize]],
        threads: &Threads,
        name: &'static str,
    ) -> Result<Net> {
        let build = || -> TractResult<Arc<TypedRunnableModel>> {
            let mut model = elu::register(tract_onnx::onnx())
                .with_ignore_output_shapes(true)
                .model_for_proto_model(proto)?;
            for (i, dims) in per_sample.iter().enumerate() {
                let mut shape: TVec<usize> = tvec![1];
                shape.extend(dims.iter().copied());
                model.set_input_fact(i, f32::fact(shape).into())?;
            }
            model.into_optimized()?.into_runnable()
        };
        match catch_unwind(AssertUnwindSafe(build)) {
            Ok(Ok(plan)) => Ok(Net {
                plan,
                threads: threads.clone(),
                name,
            }),
            Ok(Err(e)) => Err(Error::model(format!("{name}: {e:#}"))),
            Err(_) => Err(Error::model(format!(
                "{name}: the ONNX graph could not be loaded (the inference engine panicked)"
            ))),
        }
    }

    /// Runs the graph on `inputs` (in the graph's input order), each `[N, ...]` with the
    /// same `N`; returns the outputs with the images' results stacked in order.
    pub fn run(&self, mut inputs: Vec<Tensor>) -> Result<Vec<Tensor>> {
        // A graph without inputs runs once, as one image.
        let n = match inputs.first() {
            Some(t) => t.shape.first().copied().unwrap_or(0),
            None => 1,
        };
        if n == 0 || inputs.iter().any(|t| t.shape.first() != Some(&n)) {
            return Err(Error::Inference(format!(
                "{}: inputs of shapes {:?} do not share a batch size",
                self.name,
                inputs.iter().map(|t| &t.shape).collect::<Vec<_>>()
            )));
        }
        if n == 1 {
            return self.threads.run(|| self.run_one(inputs));
        }
        for t in &mut inputs {
            t.shape[0] = 1;
        }
        let sample = |i: usize| {
            let one = inputs
                .iter()
                .map(|t| {
                    let len = t.data.len() / n;
                    Tensor::new(t.shape.clone(), t.data[i * len..(i + 1) * len].to_vec())
                })
                .collect();
            self.run_one(one)
        };
        let per_image = self.threads.map(n, sample);
        stack(
            per_image.into_iter().collect::<Result<Vec<_>>>()?,
            self.name,
        )
    }

    /// Runs the plan on one image's inputs.
    fn run_one(&self, inputs: Vec<Tensor>) -> Result<Vec<Tensor>> {
        let name = self.name;
        let run = || -> TractResult<Vec<Tensor>> {
            let values: TVec<TValue> = inputs
                .into_iter()
                .map(|t| Ok(tract_ndarray::ArrayD::from_shape_vec(t.shape, t.data)?.into_tvalue()))
                .collect::<TractResult<_>>()?;
            let outputs = self.plan.run(values)?;
            outputs
                .iter()
                .map(|v| {
                    let view = v.to_plain_array_view::<f32>()?;
                    let data = match view.as_slice() {
                        Some(s) => s.to_vec(),
                        None => view.iter().copied().collect(),
                    };
                    Ok(Tensor::new(view.shape().to_vec(), data))
                })
                .collect()
        };
        match catch_unwind(AssertUnwindSafe(run)) {
            Ok(Ok(out)) => Ok(out),
            Ok(Err(e)) => Err(Error::Inference(format!("{name}: {e:#}"))),
            Err(_) => Err(Error::Inference(format!(
                "{name}: the inference engine panicked"
            ))),
        }
    }
}

/// The per-image outputs (each `[1, ...]`) stacked into `[N, ...]` outputs.
fn stack(per_image: Vec<Vec<Tensor>>, name: &str) -> Result<Vec<Tensor>> {
    let n = per_image.len();
    let mut images = per_image.into_iter();
    let mut stacked = images.next().unwrap_or_default();
    for out in &mut stacked {
        out.data.reserve(out.data.len() * (n - 1));
    }
    for outputs in images {
        if outputs.len() != stacked.len()
            || outputs
                .iter()
                .zip(&stacked)
                .any(|(o, s)| o.shape != s.shape)
        {
            return Err(Error::Inference(format!(
                "{name}: images of one batch gave outputs of different shapes"
            )));
        }
        for (s, o) in stacked.iter_mut().zip(outputs) {
            s.data.extend_from_slice(&o.data);
        }
    }
    for s in &mut stacked {
        match s.shape.first_mut() {
            Some(first) if *first == 1 => *first = n,
            _ => {
                return Err(Error::Inference(format!(
                    "{name}: an output of shape {:?} is not one image's",
                    s.shape
                )))
            }
        }
    }
    Ok(stacked)
}
