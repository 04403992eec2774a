//! Load-time options. New fields get defaults here (and in `drgan_options_default`), so
//! callers that start from `Options::default()` never break.

/// Where inference runs. The numbers are part of the C ABI; more backends may come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[repr(i32)]
#[non_exhaustive]
pub enum Backend {
    /// The GPU when a hardware adapter exists and the build has the GPU path; otherwise CPU.
    #[default]
    Auto = 0,
    /// CPU only (tract).
    Cpu = 1,
    /// The GPU path for the decoder; fails with `BackendUnavailable` when there is none.
    Gpu = 2,
}

impl Backend {
    /// The backend with this C enum value, if any.
    pub fn from_raw(value: i32) -> Option<Self> {
        Some(match value {
            0 => Backend::Auto,
            1 => Backend::Cpu,
            2 => Backend::Gpu,
            _ => return None,
        })
    }
}

/// Options for opening a model; plain data, copied into the [`crate::Model`]. Fields
/// may be added: start from `Options::default()` and set fields or use the `with_*`
/// methods.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Where inference runs.
    pub backend: Backend,
    /// Largest image, in pixels (width × height), accepted as input or decoded from a
    /// file. Default 2^28 (16384 × 16384).
    pub max_image_pixels: u64,
    /// Largest model file, in bytes; also the most that a part's initializers, and any
    /// constant tensor its graph builds at load, may declare. Default 1 GiB.
    pub max_model_bytes: u64,
    /// Threads one call may use: 1 (the default) runs every call on the calling thread
    /// alone; n > 1 gives the model its own pool of n threads, which every call to it
    /// shares (a batch runs one image per thread, a single image splits its matrix
    /// products); 0 means one per available core. At most 256. Results are the same
    /// for every value. The default is 1 because apps usually call from their own
    /// worker threads, where more threads per call only compete with each other.
    pub threads: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            backend: Backend::Auto,
            max_image_pixels: 1 << 28,
            max_model_bytes: 1 << 30,
            threads: 1,
        }
    }
}

impl Options {
    /// These options with `backend` as [`Options::backend`].
    pub fn with_backend(mut self, backend: Backend) -> Self {
        self.backend = backend;
        self
    }

    /// These options with `pixels` as [`Options::max_image_pixels`].
    pub fn with_max_image_pixels(mut self, pixels: u64) -> Self {
        self.max_image_pixels = pixels;
        self
    }

    /// These options with `threads` as [`Options::threads`] (0: one per core).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// These options with `bytes` as [`Options::max_model_bytes`].
    pub fn with_max_model_bytes(mut self, bytes: u64) -> Self {
        self.max_model_bytes = bytes;
        self
    }
}
