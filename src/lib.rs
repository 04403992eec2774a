//! drgan: pose-invariant face embedding, multi-image fusion and face rotation with
//! DR-GAN (Tran, Yin and Liu, CVPR 2017 / TPAMI 2018), behind a plain Rust API and a
//! stable C ABI (`ffi`, header `include/drgan.h`).
//!
//! ```no_run
//! # fn main() -> drgan::Result<()> {
//! use drgan::{Image, Model, Options, PixelFormat};
//! let model = Model::open("models/default", &Options::default())?;
//! # let (pixels, w, h) = (vec![0u8; 96 * 96 * 3], 96, 96);
//! let face = Image::packed(&pixels, w, h, PixelFormat::Rgb8)?;
//! let a = model.embed(&face)?;
//! let frontal = model.frontalize(&face, 7)?;
//! let b = model.embed(&frontal.view())?;
//! println!("similarity {}", drgan::similarity(&a.feature, &b.feature)?);
//! # Ok(()) }
//! ```
//!
//! A [`Model`] is immutable after loading and `Send + Sync`: share one handle between
//! threads; inference takes no lock.
//!
//! With the cargo feature `default-model` (on by default) the library carries a trained
//! default model, so no file is needed to start: `Model::default_model()`.

#![deny(missing_docs)]

pub mod align;
mod backend;
pub mod bundle;
mod convert;
#[cfg(feature = "default-model")]
mod default_model;
mod embed;
mod error;
pub mod ffi;
mod fingerprint;
mod fs;
mod gallery;
mod image;
pub mod io;
pub mod landmarks;
mod model;
mod noise;
mod options;
mod pose;
mod rng;
mod types;
mod warp;

pub use crate::error::{Error, Result};
pub use crate::gallery::{Gallery, Match, Person};
pub use crate::image::{Image, PixelFormat, RgbImage};
pub use crate::model::Model;
pub use crate::options::{Backend, Options};
pub use crate::types::{Embedding, ExecutionBackend, Landmarks, ModelInfo};

/// Test and benchmark hooks for the GPU path; not part of the API.
#[cfg(feature = "gpu")]
#[doc(hidden)]
pub mod __gpu {
    pub use crate::backend::gpu::hooks::*;
}

/// The crate version, as in Cargo.toml.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Cosine similarity of two feature vectors, in [-1, 1]. Vectors of different lengths
/// are an error; a zero vector has similarity 0 with everything.
pub fn similarity(a: &[f32], b: &[f32]) -> Result<f32> {
    if a.len() != b.len() {
        return Err(Error::invalid(format!(
            "feature lengths differ: {} and {}",
            a.len(),
            b.len()
        )));
    }
    if a.is_empty() {
        return Err(Error::invalid("features are empty"));
    }
    let (mut dot, mut na, mut nb) = (0f64, 0f64, 0f64);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (x as f64, y as f64);
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if !(dot.is_finite() && na.is_finite() && nb.is_finite()) {
        return Err(Error::invalid("features contain NaN or infinity"));
    }
    if na == 0.0 || nb == 0.0 {
        return Ok(0.0);
    }
    Ok((dot / (na.sqrt() * nb.sqrt())).clamp(-1.0, 1.0) as f32)
}
