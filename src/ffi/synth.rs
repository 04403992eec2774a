//! Face synthesis with the decoder: a face turned to frontal or to any yaw in the
//! model's range, or a face drawn from an identity feature. Outputs are tightly packed
//! RGB8 images of `input_size` × `input_size` pixels written into caller buffers.

use super::args;
use super::image::DrganImage;
use super::model::DrganModel;
use super::panic::guard;
use super::status::DrganStatus;
use crate::{Result, RgbImage};

/// Checks the caller's output buffer, runs `make`, copies its image in.
///
/// # Safety
/// `out_rgb` must be valid for writing `out_len` bytes; `out_needed` NULL or writable.
unsafe fn into_buffer(
    m: &DrganModel,
    out_rgb: *mut u8,
    out_len: usize,
    out_needed: *mut usize,
    make: impl FnOnce() -> Result<RgbImage>,
) -> Result<()> {
    let s = m.model.info().input_size as usize;
    let needed = s * s * 3;
    let out = unsafe { args::buffer(out_rgb, out_len, needed, out_needed, "out_rgb")? };
    let image = make()?;
    out.copy_from_slice(&image.data);
    unsafe { args::write(out_needed, needed) };
    Ok(())
}

/// The face turned to yaw 0. Writes an RGB8 image of `input_size` × `input_size` pixels
/// (`image_bytes` bytes, tightly packed) into `out_rgb`, which holds `out_len` bytes.
/// The same `seed` gives the same output. `out_needed` may be NULL; otherwise it
/// receives `image_bytes` on success and with `DRGAN_STATUS_BUFFER_TOO_SMALL`.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (image description);
/// `DRGAN_STATUS_BUFFER_TOO_SMALL`; `DRGAN_STATUS_OUT_OF_RANGE` (0 outside the model's yaws); `DRGAN_STATUS_LIMIT_EXCEEDED`;
/// `DRGAN_STATUS_INFERENCE`.
///
/// # Safety
/// `model` must be a live handle; `face` must describe readable pixels; `out_rgb` valid
/// for writing `out_len` bytes; `out_needed` NULL or valid for writing.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_frontalize(
    model: *const DrganModel,
    face: *const DrganImage,
    seed: u64,
    out_rgb: *mut u8,
    out_len: usize,
    out_needed: *mut usize,
) -> DrganStatus {
    guard("drgan_frontalize", || {
        let m = unsafe { DrganModel::get(model)? };
        let face = unsafe { m.image(face, "face", "face->data")? };
        unsafe {
            into_buffer(m, out_rgb, out_len, out_needed, || {
                m.model.frontalize(&face, seed)
            })
        }
    })
}

/// The face turned to `yaw_degrees` (within `min_yaw`..`max_yaw` of `DrganModelInfo`;
/// yaws between two pose bins blend them). Output as `drgan_frontalize`.
///
/// Errors: as `drgan_frontalize`; `DRGAN_STATUS_OUT_OF_RANGE` for a yaw outside the
/// model's range, NaN or infinite.
///
/// # Safety
/// As `drgan_frontalize`.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_rotate(
    model: *const DrganModel,
    face: *const DrganImage,
    yaw_degrees: f32,
    seed: u64,
    out_rgb: *mut u8,
    out_len: usize,
    out_needed: *mut usize,
) -> DrganStatus {
    guard("drgan_rotate", || {
        let m = unsafe { DrganModel::get(model)? };
        let face = unsafe { m.image(face, "face", "face->data")? };
        unsafe {
            into_buffer(m, out_rgb, out_len, out_needed, || {
                m.model.rotate(&face, yaw_degrees, seed)
            })
        }
    })
}

/// A face drawn from an identity feature (`feature_len` floats, which must equal
/// `feature_dim`; for example a fused one) at `yaw_degrees`. Output as
/// `drgan_frontalize`.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (wrong feature length, NaN
/// or infinity in it); `DRGAN_STATUS_BUFFER_TOO_SMALL`; `DRGAN_STATUS_OUT_OF_RANGE` (yaw); `DRGAN_STATUS_INFERENCE`.
///
/// # Safety
/// `model` must be a live handle; `feature` must point to `feature_len` readable floats;
/// `out_rgb` valid for writing `out_len` bytes; `out_needed` NULL or valid for writing.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn drgan_synthesize(
    model: *const DrganModel,
    feature: *const f32,
    feature_len: usize,
    yaw_degrees: f32,
    seed: u64,
    out_rgb: *mut u8,
    out_len: usize,
    out_needed: *mut usize,
) -> DrganStatus {
    guard("drgan_synthesize", || {
        let m = unsafe { DrganModel::get(model)? };
        let feature = unsafe { args::slice(feature, feature_len, "feature")? };
        unsafe {
            into_buffer(m, out_rgb, out_len, out_needed, || {
                m.model.synthesize(feature, yaw_degrees, seed)
            })
        }
    })
}
