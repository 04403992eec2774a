//! The one error type of the SDK. Each variant is a kind of failure a caller can act on,
//! and maps 1:1 to a C status code (`ffi::status`). Messages are for people; match on
//! the variant (or the status) in code.

use std::path::PathBuf;

/// Everything that can go wrong in drgan. More kinds of failure may come: match with a
/// wildcard arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A required pointer was NULL (only produced at the C boundary).
    #[error("argument `{0}` is NULL")]
    NullArgument(&'static str),
    /// An argument is malformed: zero or absurd sizes, a stride shorter than a row,
    /// an unknown enum value, mismatched lengths.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A caller-owned output buffer is too small; `needed` elements are required.
    #[error("buffer too small: {needed} elements needed, {given} given")]
    BufferTooSmall {
        /// Elements the buffer must hold.
        needed: usize,
        /// Elements it holds.
        given: usize,
    },
    /// A file could not be read or written.
    #[error("i/o error on {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A model file is not a valid DR-GAN bundle part (bad ONNX, missing or wrong
    /// metadata, wrong inputs or outputs).
    #[error("invalid model: {0}")]
    InvalidModel(String),
    /// The parts of a bundle do not belong together (for example encoder and decoder
    /// of different feature sizes).
    #[error("model parts do not match: {0}")]
    ModelMismatch(String),
    /// Bytes that should hold an image could not be decoded or encoded.
    #[error("image decode error: {0}")]
    ImageDecode(String),
    /// A value is outside what the model supports (a yaw beyond the bundle's range).
    #[error("out of range: {0}")]
    OutOfRange(String),
    /// The model or this build cannot do this (for example estimating yaw without a pose
    /// head, or opening the default model in a build without the `default-model` feature).
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The requested compute backend is not available on this machine.
    #[error("backend unavailable: {0}")]
    BackendUnavailable(String),
    /// The inference engine failed while running a model, or produced non-finite output.
    #[error("inference failed: {0}")]
    Inference(String),
    /// An input exceeds a resource limit set in `Options`.
    #[error("limit exceeded: {0}")]
    LimitExceeded(String),
    /// A gallery file is not a drgan gallery, is corrupt or truncated, is of a format
    /// this library does not read, or could not be written (another process held it past
    /// the timeout, the disk is full). A gallery of another model is `ModelMismatch`.
    #[error("gallery: {0}")]
    Gallery(String),
    /// A panic was caught at the C boundary (a bug in drgan; please report it).
    #[error("internal panic: {0}")]
    Panic(String),
}

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn invalid(msg: impl Into<String>) -> Self {
        Error::InvalidArgument(msg.into())
    }

    pub(crate) fn model(msg: impl Into<String>) -> Self {
        Error::InvalidModel(msg.into())
    }

    pub(crate) fn inference(e: impl std::fmt::Display) -> Self {
        Error::Inference(e.to_string())
    }
}
