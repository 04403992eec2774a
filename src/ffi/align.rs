//! Five-point face alignment to the model's input frame.

use super::args;
use super::image::DrganImage;
use super::model::DrganModel;
use super::panic::guard;
use super::status::DrganStatus;
use crate::{Error, Landmarks};

/// Warps `image` so that its five `landmarks` land on the model's canonical points
/// (`DrganModelInfo.landmarks`): a least-squares similarity transform and a bilinear
/// warp, giving the aligned crop every other call expects.
///
/// `landmarks` holds `landmarks_len` floats, which must be 10: `x1, y1, ..., x5, y5` in
/// pixels of `image` (the eye on the image's left, the other eye, the nose tip, the
/// mouth corner on the image's left, the other mouth corner). The crop is written as
/// `drgan_frontalize` writes its output: `image_bytes` bytes of RGB8 into `out_rgb`
/// (`out_len` bytes); `out_needed` may be NULL, otherwise it receives `image_bytes` on
/// success and with `DRGAN_STATUS_BUFFER_TOO_SMALL`.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (image description,
/// `landmarks_len` not 10, NaN or degenerate points); `DRGAN_STATUS_BUFFER_TOO_SMALL`;
/// `DRGAN_STATUS_LIMIT_EXCEEDED`.
///
/// # Safety
/// `model` must be a live handle; `image` must describe readable pixels; `landmarks`
/// must point to `landmarks_len` readable floats; `out_rgb` valid for writing `out_len`
/// bytes; `out_needed` NULL or valid for writing.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn drgan_align(
    model: *const DrganModel,
    image: *const DrganImage,
    landmarks: *const f32,
    landmarks_len: usize,
    out_rgb: *mut u8,
    out_len: usize,
    out_needed: *mut usize,
) -> DrganStatus {
    guard("drgan_align", || {
        let m = unsafe { DrganModel::get(model)? };
        let image = unsafe { m.image(image, "image", "image->data")? };
        let points = unsafe { args::slice(landmarks, landmarks_len, "landmarks")? };
        if points.len() != 10 {
            return Err(Error::InvalidArgument(format!(
                "landmarks_len is {}, must be 10 (x and y of five points)",
                points.len()
            )));
        }
        let mut lm: Landmarks = [[0.0; 2]; 5];
        for (p, xy) in lm.iter_mut().zip(points.chunks_exact(2)) {
            *p = [xy[0], xy[1]];
        }
        let s = m.model.info().input_size as usize;
        let needed = s * s * 3;
        let out = unsafe { args::buffer(out_rgb, out_len, needed, out_needed, "out_rgb")? };
        let crop = m.model.align(&image, &lm)?;
        out.copy_from_slice(&crop.data);
        unsafe { args::write(out_needed, needed) };
        Ok(())
    })
}
