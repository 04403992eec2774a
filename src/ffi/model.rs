//! `DrganModel`, the opaque model handle: opening a bundle (directory, memory, or the
//! default model embedded in the library), freeing it, and what it is (`DrganModelInfo`, the pose bins).
//!
//! A `DrganModel` is immutable after opening; any number of threads may use one at once.

use std::ffi::c_char;
use std::mem::size_of;

use super::args;
use super::options::{self, DrganBackend};
use super::panic::{guard, guard_or};
use super::status::DrganStatus;
use super::DrganOptions;
use crate::{ExecutionBackend, Model, Options, Result};

/// Capacity of `DrganModelInfo.config`, NUL included.
pub const DRGAN_INFO_CONFIG_LEN: usize = 64;
/// Capacity of `DrganModelInfo.trained_on`, NUL included.
pub const DRGAN_INFO_TRAINED_ON_LEN: usize = 256;

/// A loaded DR-GAN bundle (opaque). Created by `drgan_model_open`,
/// `drgan_model_open_memory` or `drgan_model_open_default`, released by
/// `drgan_model_free`. Immutable: share one handle between threads freely, but free it
/// only when no call is using it.
pub struct DrganModel {
    pub(crate) model: Model,
    /// The options it was opened with (the image limit is checked at the boundary,
    /// before caller memory is read).
    pub(crate) options: Options,
}

impl DrganModel {
    /// The caller's model handle.
    ///
    /// # Safety
    /// A non-NULL `p` must come from `drgan_model_open*` and not be freed.
    pub(crate) unsafe fn get<'a>(p: *const DrganModel) -> Result<&'a DrganModel> {
        unsafe { args::borrow(p, "model") }
    }

    /// The caller's image, checked against this model's pixel limit.
    ///
    /// # Safety
    /// As [`super::image::view`].
    pub(crate) unsafe fn image<'a>(
        &self,
        p: *const super::DrganImage,
        name: &'static str,
        data_name: &'static str,
    ) -> Result<crate::Image<'a>> {
        unsafe { super::image::view(p, name, data_name, self.options.max_image_pixels) }
    }
}

/// What a model is, filled by `drgan_model_info`. Set `struct_size` to
/// `sizeof(DrganModelInfo)` before the call; fields are only ever appended.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct DrganModelInfo {
    /// `sizeof(DrganModelInfo)` as the caller compiled it, set by the caller; drgan
    /// writes at most this many bytes and sets it to the number it filled.
    pub struct_size: usize,
    /// The bundle's `drgan.format_version`.
    pub format_version: u32,
    /// Side of the square input and output images, in pixels.
    pub input_size: u32,
    /// Length of an identity feature (the `out_len` that `drgan_embed` needs).
    pub feature_dim: usize,
    /// Length of the decoder's noise vector.
    pub noise_dim: usize,
    /// Number of pose bins (the `out_len` that `drgan_model_pose_yaws` needs).
    pub pose_count: usize,
    /// Bytes of a synthesized or aligned image: `input_size * input_size * 3` (tightly
    /// packed RGB8; the `out_len` that `drgan_frontalize` and friends need).
    pub image_bytes: usize,
    /// Smallest yaw the model can synthesize, in degrees.
    pub min_yaw: f32,
    /// Largest yaw the model can synthesize, in degrees.
    pub max_yaw: f32,
    /// The canonical five points, in input pixels, as `x1, y1, ..., x5, y5`: the eye on
    /// the image's left, the other eye, the nose tip, the mouth corner on the image's
    /// left, the other mouth corner. `drgan_align` maps faces onto these.
    pub landmarks: [f32; 10],
    /// 1 when the bundle has a pose head (`drgan_estimate_yaw` works), else 0.
    pub has_pose_head: i32,
    /// Where the encoder runs: a `DrganBackend` value (CPU or GPU, never AUTO).
    pub encoder_backend: i32,
    /// Where the decoder runs: a `DrganBackend` value (CPU or GPU, never AUTO).
    pub decoder_backend: i32,
    /// The bundle's `drgan.config` (network configuration name), UTF-8, NUL-terminated,
    /// truncated to fit.
    pub config: [c_char; DRGAN_INFO_CONFIG_LEN],
    /// The bundle's `drgan.trained_on`, UTF-8, NUL-terminated, truncated to fit.
    pub trained_on: [c_char; DRGAN_INFO_TRAINED_ON_LEN],
    /// Threads a call may use (`DrganOptions.threads`, with 0 resolved to the number of
    /// cores).
    pub threads: usize,
}

/// `s` as a NUL-terminated C array, cut at a character boundary to fit.
fn c_array<const N: usize>(s: &str) -> [c_char; N] {
    let mut end = s.len().min(N - 1);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = [0 as c_char; N];
    for (o, &b) in out.iter_mut().zip(&s.as_bytes()[..end]) {
        if b == 0 {
            break;
        }
        *o = b as c_char;
    }
    out
}

fn backend(b: ExecutionBackend) -> i32 {
    match b {
        ExecutionBackend::Cpu => DrganBackend::Cpu as i32,
        ExecutionBackend::Gpu => DrganBackend::Gpu as i32,
    }
}

fn info_of(model: &Model) -> DrganModelInfo {
    let i = model.info();
    let mut landmarks = [0f32; 10];
    for (k, [x, y]) in i.landmarks.iter().enumerate() {
        landmarks[2 * k] = *x;
        landmarks[2 * k + 1] = *y;
    }
    let s = i.input_size as usize;
    DrganModelInfo {
        struct_size: size_of::<DrganModelInfo>(),
        format_version: i.format_version,
        input_size: i.input_size,
        feature_dim: i.feature_dim,
        noise_dim: i.noise_dim,
        pose_count: i.pose_yaws.len(),
        image_bytes: s * s * 3,
        min_yaw: i.pose_yaws.first().copied().unwrap_or(0.0),
        max_yaw: i.pose_yaws.last().copied().unwrap_or(0.0),
        landmarks,
        has_pose_head: i.has_pose_head as i32,
        encoder_backend: backend(i.encoder_backend),
        decoder_backend: backend(i.decoder_backend),
        config: c_array(&i.config),
        trained_on: c_array(&i.trained_on),
        threads: i.threads,
    }
}

fn hand_out(model: Model, options: Options) -> *mut DrganModel {
    Box::into_raw(Box::new(DrganModel { model, options }))
}

/// Opens the bundle in the directory `dir` (UTF-8 path): `encoder.onnx`,
/// `decoder.onnx` and, when present, `pose.onnx`. `options` may be NULL for the
/// defaults. On success `*out_model` is a new handle, released with `drgan_model_free`.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (path not UTF-8, bad
/// options); `DRGAN_STATUS_IO` (no such directory, a file instead of a directory, a missing part);
/// `DRGAN_STATUS_INVALID_MODEL` (a part is not ONNX or not a DR-GAN bundle part); `DRGAN_STATUS_MODEL_MISMATCH`
/// (parts of different configurations); `DRGAN_STATUS_LIMIT_EXCEEDED` (a file over
/// `max_model_bytes`); `DRGAN_STATUS_BACKEND_UNAVAILABLE`.
///
/// # Safety
/// `dir` must be a NUL-terminated string; `options` NULL or a valid `DrganOptions`
/// with its `struct_size` set; `out_model` valid for writing.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_model_open(
    dir: *const c_char,
    options: *const DrganOptions,
    out_model: *mut *mut DrganModel,
) -> DrganStatus {
    guard("drgan_model_open", || {
        let dir = unsafe { args::utf8(dir, "dir")? };
        let options = unsafe { options::read(options)? };
        let out = args::out(out_model, "out_model")?;
        let model = Model::open(dir, &options)?;
        unsafe { args::write(out, hand_out(model, options)) };
        Ok(())
    })
}

/// Opens a bundle from ONNX files in memory: the encoder (`encoder_len` bytes), the
/// decoder, and optionally the pose head (`pose` may be NULL, then `pose_len` is
/// ignored). The bytes are only read during the call. `options` may be NULL for the
/// defaults. On success `*out_model` is a new handle, released with `drgan_model_free`.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (bad options);
/// `DRGAN_STATUS_INVALID_MODEL` (truncated or random bytes, a valid ONNX file that is not the DR-GAN
/// part expected); `DRGAN_STATUS_MODEL_MISMATCH` (parts of different configurations);
/// `DRGAN_STATUS_LIMIT_EXCEEDED`; `DRGAN_STATUS_BACKEND_UNAVAILABLE`.
///
/// # Safety
/// Each buffer must hold its length in readable bytes; `options` NULL or a valid
/// `DrganOptions` with its `struct_size` set; `out_model` valid for writing.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn drgan_model_open_memory(
    encoder: *const u8,
    encoder_len: usize,
    decoder: *const u8,
    decoder_len: usize,
    pose: *const u8,
    pose_len: usize,
    options: *const DrganOptions,
    out_model: *mut *mut DrganModel,
) -> DrganStatus {
    guard("drgan_model_open_memory", || {
        let encoder = unsafe { args::slice(encoder, encoder_len, "encoder")? };
        let decoder = unsafe { args::slice(decoder, decoder_len, "decoder")? };
        let pose = if pose.is_null() {
            None
        } else {
            Some(unsafe { args::slice(pose, pose_len, "pose")? })
        };
        let options = unsafe { options::read(options)? };
        let out = args::out(out_model, "out_model")?;
        let model = Model::from_bytes(encoder, decoder, pose, &options)?;
        unsafe { args::write(out, hand_out(model, options)) };
        Ok(())
    })
}

/// Opens the default model embedded in the library: the bundle in `models/default/` of
/// the drgan sources (a DR-GAN of the `small` configuration: 64x64 input, Nf 128,
/// yaw -90..90 in 15° steps, with a pose head; `models/default/MODEL.md` says how it was
/// trained; `drgan_model_info` gives its `config` and `trained_on`). No file is read.
/// `options` may be NULL for the defaults. On success `*out_model` is a new handle,
/// released with `drgan_model_free`.
///
/// Each call builds a new, independent handle (nothing is cached; building takes tens to
/// hundreds of milliseconds): open it once and share it between threads. This function
/// may be called from any thread.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (bad options);
/// `DRGAN_STATUS_UNSUPPORTED` (the library was built without the embedded model, cargo
/// feature `default-model`); `DRGAN_STATUS_LIMIT_EXCEEDED` (a part over
/// `max_model_bytes`); `DRGAN_STATUS_BACKEND_UNAVAILABLE`.
///
/// # Safety
/// `options` NULL or a valid `DrganOptions` with its `struct_size` set; `out_model`
/// valid for writing.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_model_open_default(
    options: *const DrganOptions,
    out_model: *mut *mut DrganModel,
) -> DrganStatus {
    guard("drgan_model_open_default", || {
        let options = unsafe { options::read(options)? };
        let out = args::out(out_model, "out_model")?;
        let model = open_default(&options)?;
        unsafe { args::write(out, hand_out(model, options)) };
        Ok(())
    })
}

#[cfg(feature = "default-model")]
fn open_default(options: &Options) -> Result<Model> {
    Model::default_model_with(options)
}

/// The message of `Unsupported` when the library was built without the default model.
#[cfg(not(feature = "default-model"))]
const MISSING: &str = "this drgan library was built without the embedded default \
     model (cargo feature `default-model`); open a model bundle directory or buffers instead";

#[cfg(not(feature = "default-model"))]
fn open_default(_options: &Options) -> Result<Model> {
    Err(crate::Error::Unsupported(MISSING.into()))
}

/// Releases a model. NULL is a no-op. No call may be using the model, and it must not
/// be used afterwards.
///
/// # Safety
/// `model` must be NULL or a handle from `drgan_model_open*` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn drgan_model_free(model: *mut DrganModel) {
    guard_or((), || {
        if !model.is_null() {
            drop(unsafe { Box::from_raw(model) });
        }
    })
}

/// Fills `*out_info` with what the model is. Set `out_info->struct_size =
/// sizeof(DrganModelInfo)` first; only that many bytes are written, and `struct_size`
/// is set to the number of bytes filled: the smaller of the caller's size and this
/// library's. A caller built against a newer header than the library learns that the
/// fields past it were not written.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (`struct_size` smaller than
/// a `size_t`).
///
/// # Safety
/// `model` must be a live handle; `out_info` must be valid for writing `struct_size`
/// bytes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_model_info(
    model: *const DrganModel,
    out_info: *mut DrganModelInfo,
) -> DrganStatus {
    guard("drgan_model_info", || {
        let m = unsafe { DrganModel::get(model)? };
        let out = args::out(out_info, "out_info")?;
        let size = unsafe { options::struct_size(out.cast())? };
        unsafe { options::write_prefix(out, &info_of(&m.model), size) };
        let filled = size.min(size_of::<DrganModelInfo>());
        unsafe { out.cast::<usize>().write(filled) };
        Ok(())
    })
}

/// Copies the model's pose bins (yaws in degrees, ascending; `pose_count` of them) to
/// `out_yaws`, which holds `out_len` floats. `out_needed` may be NULL; otherwise it
/// receives `pose_count` on success and with `DRGAN_STATUS_BUFFER_TOO_SMALL`.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `model` must be a live handle; `out_yaws` valid for writing `out_len` floats;
/// `out_needed` NULL or valid for writing.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_model_pose_yaws(
    model: *const DrganModel,
    out_yaws: *mut f32,
    out_len: usize,
    out_needed: *mut usize,
) -> DrganStatus {
    guard("drgan_model_pose_yaws", || {
        let m = unsafe { DrganModel::get(model)? };
        let yaws = &m.model.info().pose_yaws;
        let out = unsafe { args::buffer(out_yaws, out_len, yaws.len(), out_needed, "out_yaws")? };
        out.copy_from_slice(yaws);
        unsafe { args::write(out_needed, yaws.len()) };
        Ok(())
    })
}

#[cfg(all(test, not(feature = "default-model")))]
mod tests {
    use super::*;
    use std::ffi::CStr;

    /// A build without the `default-model` feature: `drgan_model_open_default` checks
    /// its arguments, then says the model is not in this library.
    #[test]
    fn open_default_without_the_feature_is_unsupported() {
        let mut m: *mut DrganModel = std::ptr::null_mut();
        let status = unsafe { drgan_model_open_default(std::ptr::null(), &mut m) };
        assert_eq!(status, DrganStatus::Unsupported);
        assert!(m.is_null(), "out_model written on failure");
        let msg = unsafe { CStr::from_ptr(super::super::drgan_last_error()) }
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            msg.starts_with("drgan_model_open_default: unsupported: "),
            "{msg}"
        );
        assert!(
            msg.contains("built without the embedded default model"),
            "{msg}"
        );
        assert!(msg.contains("default-model"), "{msg}");

        let status = unsafe { drgan_model_open_default(std::ptr::null(), std::ptr::null_mut()) };
        assert_eq!(status, DrganStatus::NullArgument);
    }
}
