//! CPU execution with tract: the ONNX graph is typed with a symbolic batch dimension `N`,
//! optimized once at load and turned into a runnable plan that many threads share.
//! tract's own panics (on hostile graphs) are caught here and become errors.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use tract_onnx::pb::ModelProto;
use tract_onnx::prelude::*;

use super::Tensor;
use crate::error::{Error, Result};

/// One optimized ONNX graph, ready to run from any thread.
pub(crate) struct Net {
    plan: Arc<TypedRunnableModel>,
    name: &'static str,
}

impl Net {
    /// Types `proto`'s inputs as f32 `[N, ...per_sample]` (in input order), optimizes,
    /// and plans it. `name` names the part in error messages.
    pub fn load(proto: &ModelProto, per_sample: &[&[usize]], name: &'static str) -> Result<Net> {
        let build = || -> TractResult<Arc<TypedRunnableModel>> {
            let mut model = tract_onnx::onnx()
                .with_ignore_output_shapes(true)
                .model_for_proto_model(proto)?;
            let n = model.symbols.sym("N");
            for (i, dims) in per_sample.iter().enumerate() {
                let mut shape: TVec<TDim> = tvec![n.clone().into()];
                shape.extend(dims.iter().map(|&d| d.to_dim()));
                model.set_input_fact(i, f32::fact(shape).into())?;
            }
            model.into_optimized()?.into_runnable()
        };
        match catch_unwind(AssertUnwindSafe(build)) {
            Ok(Ok(plan)) => Ok(Net { plan, name }),
            Ok(Err(e)) => Err(Error::model(format!("{name}: {e:#}"))),
            Err(_) => Err(Error::model(format!(
                "{name}: the ONNX graph could not be loaded (the inference engine panicked)"
            ))),
        }
    }

    /// Runs the graph on `inputs` (in the graph's input order).
    pub fn run(&self, inputs: Vec<Tensor>) -> Result<Vec<Tensor>> {
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
                    Ok(Tensor::new(
                        view.shape().to_vec(),
                        view.iter().copied().collect(),
                    ))
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
