//! ONNX `Elu` as one element-wise pass. tract expands `Elu` into five nodes (exp,
//! subtract, multiply, compare, select), five passes over every activation and a
//! boolean tensor, run on one thread; this op computes the same values
//! (`alpha * (exp(x) - 1)` below zero, with tract's own vectorised exp, so results
//! are bit-identical) in place, in cache-sized blocks, split over the model's threads.
//! [`register`] makes an ONNX parser use it.

use tract_linalg::multithread::par_chunks_mut;
use tract_linalg::routines::Func;
use tract_onnx::model::ParsingContext;
use tract_onnx::pb::NodeProto;
use tract_onnx::prelude::*;
use tract_onnx::tract_hir::internal::{expand, InferenceOp};
use tract_onnx::tract_hir::ops::element_wise::ElementWiseOp;
use tract_onnx::tract_hir::tract_core::ops::element_wise::ElementWiseMiniOp;
use tract_onnx::Onnx;

/// Elements one block of the pass covers: small enough to stay in L1.
const BLOCK: usize = 1024;

/// A block's exp values, aligned for tract's widest vector kernels.
#[repr(C, align(64))]
struct Block([f32; BLOCK]);

/// `Elu` with its `alpha`, kept as bits so the op can be `Eq` (tract compares ops).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FusedElu {
    alpha_bits: u32,
}

impl FusedElu {
    fn alpha(&self) -> f32 {
        f32::from_bits(self.alpha_bits)
    }
}

impl ElementWiseMiniOp for FusedElu {
    fn name(&self) -> String {
        "FusedElu".into()
    }

    fn eval_in_place(&self, t: &mut Tensor, out_dt: Option<DatumType>) -> TractResult<()> {
        if t.datum_type() != f32::datum_type() || out_dt.is_some_and(|d| d != t.datum_type()) {
            return Err(tract_onnx::tract_hir::internal::format_err!(
                "FusedElu runs on f32 only, not {:?}",
                t.datum_type()
            ));
        }
        let alpha = self.alpha();
        let exp = Func::Exp.ew_f32()?;
        let mut plain = t.try_as_plain_ram_mut()?;
        let xs = plain.as_slice_mut::<f32>()?;
        let len = xs.len();
        par_chunks_mut(xs, 1, len, |_, chunk| {
            let mut e = Block([0f32; BLOCK]);
            for block in chunk.chunks_mut(BLOCK) {
                let e = &mut e.0[..block.len()];
                e.copy_from_slice(block);
                exp.run(e)?;
                select(block, e, alpha);
            }
            Ok(())
        })
    }
}

/// `x` where `x > 0`, else `alpha * (e - 1)` (NaN takes the second side, as in tract's
/// expansion). A function of its own with `alpha` by value, so that it compiles to
/// vector compares and blends: a branch on random signs mispredicts half the time.
#[inline(never)]
fn select(xs: &mut [f32], exp: &[f32], alpha: f32) {
    let n = xs.len().min(exp.len());
    let (xs, exp) = (&mut xs[..n], &exp[..n]);
    for i in 0..n {
        let negative = alpha * (exp[i] - 1.0);
        xs[i] = if xs[i] > 0.0 { xs[i] } else { negative };
    }
}

/// The ONNX `Elu` node as a [`FusedElu`] (`alpha` defaults to 1, as in ONNX).
fn elu(
    _ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let alpha: f32 = node.get_attr_opt("alpha")?.unwrap_or(1.0);
    let op = FusedElu {
        alpha_bits: alpha.to_bits(),
    };
    Ok((expand(ElementWiseOp(Box::new(op))), vec![]))
}

/// `onnx` with `Elu` parsed as [`FusedElu`].
pub(crate) fn register(mut onnx: Onnx) -> Onnx {
    onnx.op_register.insert("Elu", elu);
    onnx
}
