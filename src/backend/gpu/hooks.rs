//! Hooks for tests and benchmarks (`drgan::__gpu`), not part of the API: run a decoder
//! alone, in batches, on a chosen backend, and allow software adapters.

use prost::Message;

use crate::backend::{Decoder, Tensor, Threads};
use crate::error::{Error, Result};
use crate::options::Backend;
use crate::types::ExecutionBackend;

pub use super::device::allow_software_adapter;

/// The adapter `Backend::Gpu` would use: its description and whether it is a software
/// one; `None` when there is none.
pub fn explicit_adapter() -> Option<(String, bool)> {
    super::device::gpu(true)
        .ok()
        .map(|g| (g.description.clone(), g.software))
}

/// A decoder loaded on its own. `Send + Sync`.
pub struct DecoderRunner {
    decoder: Decoder,
    dims: [usize; 3],
}

impl DecoderRunner {
    /// Loads `decoder.onnx` bytes whose inputs are identity `[N, nf]`, pose `[N, np]`
    /// and noise `[N, nz]` (`dims`), for `backend` (as `Model::from_bytes` would).
    pub fn load(decoder_onnx: &[u8], dims: [usize; 3], backend: Backend) -> Result<Self> {
        let proto = tract_onnx::pb::ModelProto::decode(decoder_onnx)
            .map_err(|e| Error::model(format!("decoder: {e}")))?;
        let per_sample: [&[usize]; 3] = [&[dims[0]], &[dims[1]], &[dims[2]]];
        let decoder = Decoder::load(&proto, &per_sample, backend, &Threads::default())?;
        Ok(DecoderRunner { decoder, dims })
    }

    /// Where the transposed convolutions run.
    pub fn backend(&self) -> ExecutionBackend {
        self.decoder.backend()
    }

    /// Why the decoder runs on the CPU although the GPU was asked for, if it does.
    pub fn fallback_reason(&self) -> Option<&str> {
        self.decoder.fallback_reason()
    }

    /// Decodes a batch of `n`: returns the image tensor `[n, 3, S, S]` as (shape, data).
    pub fn run(
        &self,
        n: usize,
        identity: &[f32],
        pose: &[f32],
        noise: &[f32],
    ) -> Result<(Vec<usize>, Vec<f32>)> {
        let [nf, np, nz] = self.dims;
        if identity.len() != n * nf || pose.len() != n * np || noise.len() != n * nz {
            return Err(Error::invalid("input lengths do not match the batch"));
        }
        let out = self.decoder.run(vec![
            Tensor::new(vec![n, nf], identity.to_vec()),
            Tensor::new(vec![n, np], pose.to_vec()),
            Tensor::new(vec![n, nz], noise.to_vec()),
        ])?;
        let t = out
            .into_iter()
            .next()
            .ok_or_else(|| Error::inference("no output"))?;
        Ok((t.shape, t.data))
    }
}
