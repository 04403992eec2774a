//! Executors that run one ONNX part of a bundle. `Net` is the CPU executor (tract); the
//! GPU path for the decoder plugs in beside it. Everything here is `Send + Sync` and
//! runs without locks: each call gets its own state.

mod cpu;
mod decoder;
mod elu;
#[cfg(feature = "gpu")]
pub(crate) mod gpu;
mod threads;

pub(crate) use cpu::Net;
pub(crate) use decoder::Decoder;
pub(crate) use threads::Threads;

/// A dense f32 tensor in row-major order: the currency between the API and executors.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Tensor {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

impl Tensor {
    pub fn new(shape: Vec<usize>, data: Vec<f32>) -> Self {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        Tensor { shape, data }
    }
}
