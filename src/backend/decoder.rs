//! The decoder's executor: tract alone, or tract for the head and the GPU for the
//! transposed convolutions (feature `gpu`). Chooses at load from `Options::backend`:
//! `Cpu` is tract; `Auto` is the GPU path on a hardware adapter, else tract; `Gpu` is
//! the GPU path or `BackendUnavailable` when there is no adapter. A graph the GPU path
//! cannot take runs on tract in every case, and `backend()` says so. `Send + Sync`.

use tract_onnx::pb::ModelProto;

use super::{Net, Tensor, Threads};
use crate::error::{Error, Result};
use crate::options::Backend;
use crate::types::ExecutionBackend;

/// A loaded decoder.
pub(crate) enum Decoder {
    /// tract; with why the GPU path was not taken when it was asked for.
    Cpu(Net, Option<String>),
    #[cfg(feature = "gpu")]
    Gpu(super::gpu::GpuDecoder),
}

impl Decoder {
    /// Loads `proto` with f32 inputs `[N, ...per_sample]` for `backend`; tract's part
    /// runs on `threads`.
    pub fn load(
        proto: &ModelProto,
        per_sample: &[&[usize]],
        backend: Backend,
        threads: &Threads,
    ) -> Result<Self> {
        let cpu = |why: Option<String>| {
            Ok(Decoder::Cpu(
                Net::load(proto, per_sample, threads, "decoder")?,
                why,
            ))
        };
        match backend {
            Backend::Cpu => cpu(None),
            #[cfg(not(feature = "gpu"))]
            Backend::Auto => cpu(Some("built without the `gpu` feature".into())),
            #[cfg(not(feature = "gpu"))]
            Backend::Gpu => Err(Error::BackendUnavailable(
                "this build of drgan lacks the `gpu` cargo feature; use Backend::Cpu or \
                 Backend::Auto"
                    .into(),
            )),
            #[cfg(feature = "gpu")]
            Backend::Auto | Backend::Gpu => {
                use super::gpu::{GpuDecoder, NotOnGpu};
                let explicit = backend == Backend::Gpu;
                match GpuDecoder::load(proto, per_sample, explicit, threads)? {
                    Ok(d) => Ok(Decoder::Gpu(d)),
                    Err(NotOnGpu::Device(e)) if explicit => Err(Error::BackendUnavailable(e)),
                    Err(NotOnGpu::Device(e) | NotOnGpu::Unsupported(e)) => cpu(Some(e)),
                }
            }
        }
    }

    /// Runs the decoder on its inputs (identity, pose, noise).
    pub fn run(&self, inputs: Vec<Tensor>) -> Result<Vec<Tensor>> {
        match self {
            Decoder::Cpu(net, _) => net.run(inputs),
            #[cfg(feature = "gpu")]
            Decoder::Gpu(d) => d.run(inputs),
        }
    }

    /// Why the decoder runs on the CPU although `Auto` or `Gpu` was asked for.
    #[allow(dead_code)] // read by the test hooks; ModelInfo may report it later
    pub fn fallback_reason(&self) -> Option<&str> {
        match self {
            Decoder::Cpu(_, why) => why.as_deref(),
            #[cfg(feature = "gpu")]
            Decoder::Gpu(_) => None,
        }
    }

    /// Where the transposed convolutions run.
    pub fn backend(&self) -> ExecutionBackend {
        match self {
            Decoder::Cpu(..) => ExecutionBackend::Cpu,
            #[cfg(feature = "gpu")]
            Decoder::Gpu(_) => ExecutionBackend::Gpu,
        }
    }
}
