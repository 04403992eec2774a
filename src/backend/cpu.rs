//! CPU execution with tract: the ONNX graph is optimized at load into two runnable plans
//! that many threads share: one for a single image (batch fixed to 1, the common case,
//! where tract's convolutions run about 1.6x faster than with a symbolic batch) and one
//! for any batch size (symbolic `N`). tract's own panics (on hostile graphs) are caught
//! here and become errors.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use tract_onnx::pb::ModelProto;
use tract_onnx::prelude::*;

use super::Tensor;
use crate::error::{Error, Result};

/// One optimized ONNX graph, ready to run from any thread.
pub(crate) struct Net {
    /// Batch dimension fixed to 1.
    single: Arc<TypedRunnableModel>,
    /// Batch dimension symbolic.
    any: Arc<TypedRunnableModel>,
    name: &'static str,
}

impl Net {
    /// Types `proto`'s inputs as f32 `[N, ...per_sample]` (in input order), optimizes,
    /// and plans it. `name` names the part in error messages.
    pub fn load(proto: &ModelProto, per_sample: &[&[usize]], name: &'static str) -> Result<Net> {
        let build = || -> TractResult<Net> {
            let parsed = tract_onnx::onnx()
                .with_ignore_output_shapes(true)
                .model_for_proto_model(proto)?;
            let plan = |mut model: InferenceModel, batch: TDim| {
                for (i, dims) in per_sample.iter().enumerate() {
                    let mut shape: TVec<TDim> = tvec![batch.clone()];
                    shape.extend(dims.iter().map(|&d| d.to_dim()));
                    model.set_input_fact(i, f32::fact(shape).into())?;
                }
                model.into_optimized()?.into_runnable()
            };
            let n = parsed.symbols.sym("N");
            Ok(Net {
                single: plan(parsed.clone(), 1.to_dim())?,
                any: plan(parsed, n.into())?,
                name,
            })
        };
        match catch_unwind(AssertUnwindSafe(build)) {
            Ok(Ok(net)) => Ok(net),
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
            let single = values
                .first()
                .is_some_and(|v| v.shape().first() == Some(&1));
            let plan = if single { &self.single } else { &self.any };
            let outputs = plan.run(values)?;
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
