//! The value types the API hands out and takes back: landmarks, embeddings, what a
//! loaded model is and where it runs. Plain data (`Send + Sync`, freely copied or
//! cloned); the ground floor of the crate, importing nothing from it.

/// Five facial points, in pixels of the image they belong to: the eye on the image's
/// left, the other eye, the nose tip, the mouth corner on the image's left, the other.
pub type Landmarks = [[f32; 2]; 5];

/// Which engine runs a part of the model. The numbers are part of the C ABI; more
/// engines may come.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
#[non_exhaustive]
pub enum ExecutionBackend {
    /// tract, on the CPU.
    Cpu = 1,
    /// wgpu compute, on a GPU.
    Gpu = 2,
}

/// What a loaded bundle is and how it runs, from [`crate::Model::info`]. Fields may be
/// added.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ModelInfo {
    /// `drgan.format_version` of the bundle.
    pub format_version: u32,
    /// Side of the square input and output images, in pixels.
    pub input_size: u32,
    /// Length of an identity feature (Nf).
    pub feature_dim: usize,
    /// Length of the decoder's noise vector (Nz).
    pub noise_dim: usize,
    /// The pose bins, in degrees, ascending.
    pub pose_yaws: Vec<f32>,
    /// The canonical five points in input pixels, that `align` maps faces onto.
    pub landmarks: Landmarks,
    /// Whether the bundle has `pose.onnx` (and `estimate_yaw` works).
    pub has_pose_head: bool,
    /// `drgan.config`: the network configuration's name.
    pub config: String,
    /// `drgan.trained_on`: what the weights were trained on.
    pub trained_on: String,
    /// Where the encoder runs.
    pub encoder_backend: ExecutionBackend,
    /// Where the decoder runs.
    pub decoder_backend: ExecutionBackend,
    /// Threads a call may use ([`crate::Options::threads`], with 0 resolved to the
    /// number of cores).
    pub threads: usize,
}

/// A pose-invariant identity feature and the encoder's confidence in it; owned by the
/// caller.
#[derive(Clone, Debug, PartialEq)]
pub struct Embedding {
    /// The identity feature f (length `feature_dim`). Compare with [`crate::similarity`].
    pub feature: Vec<f32>,
    /// The learned confidence ω in (0, 1); for a fused embedding, the mean over inputs.
    pub confidence: f32,
}
