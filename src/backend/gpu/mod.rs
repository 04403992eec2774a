//! The GPU path for the decoder (feature `gpu`): tract runs the decoder's head (the FC
//! and anything before the first transposed convolution), then the chain of transposed
//! convolutions runs as wgpu compute kernels with batch norm, bias and activation fused,
//! activations staying on the GPU until the image is read back.
//!
//! * `chain`   — cutting the ONNX graph into head and chain, folding batch norm;
//! * `layer`   — a transposed convolution's geometry and its stride phases;
//! * `shaders` — the WGSL kernels (fast, and reference for tests) and weight packing;
//! * `plan`    — weights uploaded and pipelines built once, per-call buffers;
//! * `device`  — the one process-wide device.
//!
//! A [`GpuDecoder`] is `Send + Sync`: many threads may run it at once; each run has its
//! own buffers and the tract part runs without any lock.

mod chain;
mod device;
pub mod hooks;
mod layer;
mod plan;
#[cfg(test)]
mod reference;
mod shaders;

#[cfg(test)]
mod tests;

use tract_onnx::pb::ModelProto;

use super::{Net, Tensor, Threads};
use crate::error::{Error, Result};

pub(crate) use device::gpu;

/// A decoder split between tract (head) and the GPU (transposed-convolution chain).
pub(crate) struct GpuDecoder {
    head: Net,
    chain: plan::ChainPlan,
}

/// Why a decoder cannot run on the GPU.
pub(crate) enum NotOnGpu {
    /// The graph has something the GPU path does not take: run it on the CPU.
    Unsupported(String),
    /// The device failed while uploading or compiling.
    Device(String),
}

impl GpuDecoder {
    /// Loads `proto` for the GPU: `explicit` is true for `Backend::Gpu` (software adapters
    /// allowed only then, see `device`). The outer error is a broken model; the inner one
    /// says why the GPU cannot take it.
    pub fn load(
        proto: &ModelProto,
        per_sample: &[&[usize]],
        explicit: bool,
        threads: &Threads,
    ) -> Result<std::result::Result<GpuDecoder, NotOnGpu>> {
        let gpu = match gpu(explicit) {
            Ok(g) => g,
            Err(e) => return Ok(Err(NotOnGpu::Device(e))),
        };
        let split = match chain::split(proto) {
            Ok(s) => s,
            Err(e) => return Ok(Err(NotOnGpu::Unsupported(e))),
        };
        if let Some(l) = split
            .chain
            .iter()
            .find(|l| shaders::FastKernel::for_layer(l).is_none())
        {
            return Ok(Err(NotOnGpu::Unsupported(format!(
                "kernel {:?} with stride {:?} is too large for the GPU kernel",
                l.kernel, l.stride
            ))));
        }
        let head = Net::load(&split.head, per_sample, threads, "decoder head")?;
        Ok(plan::ChainPlan::new(gpu, &split.chain)
            .map(|chain| GpuDecoder { head, chain })
            .map_err(NotOnGpu::Device))
    }

    /// Runs the decoder: tract for the head, the GPU for the chain.
    pub fn run(&self, inputs: Vec<Tensor>) -> Result<Vec<Tensor>> {
        let x = self
            .head
            .run(inputs)?
            .into_iter()
            .next()
            .ok_or_else(|| Error::inference("decoder head returned no output"))?;
        Ok(vec![self.chain.run(&x)?])
    }
}
