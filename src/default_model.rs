//! The default model, embedded in the library by the cargo feature `default-model` (on by
//! default): the bundle in `models/default/` (`encoder.onnx`, `decoder.onnx`,
//! `pose.onnx`; how it was made is in `models/default/MODEL.md`), compiled in with
//! `include_bytes!` so that an application needs no model file to get started.
//! [`crate::Model::default_model`] and `drgan_model_open_default` open it.
//!
//! Without the feature the bytes are not compiled in, the Rust functions do not exist,
//! and `drgan_model_open_default` returns `DRGAN_STATUS_UNSUPPORTED`.

/// The embedded bundle's `encoder.onnx`.
#[cfg(feature = "default-model")]
pub(crate) const ENCODER: &[u8] = include_bytes!("../models/default/encoder.onnx");

/// The embedded bundle's `decoder.onnx`.
#[cfg(feature = "default-model")]
pub(crate) const DECODER: &[u8] = include_bytes!("../models/default/decoder.onnx");

/// The embedded bundle's `pose.onnx` (the pose head).
#[cfg(feature = "default-model")]
pub(crate) const POSE: &[u8] = include_bytes!("../models/default/pose.onnx");
