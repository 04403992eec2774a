//! Face alignment to the model's input frame, from five points or a face box, and the
//! yaw that five points imply.

use super::args;
use super::image::DrganImage;
use super::model::DrganModel;
use super::panic::guard;
use super::status::DrganStatus;
use crate::landmarks::LandmarkScheme;
use crate::{Error, Landmarks, Result};

/// The crop every other call expects, of the face whose five detector points are given.
/// The same rule frames every yaw (docs/alignment.md): the midpoint of the eyes and the
/// midpoint of the mouth corners are turned upright onto the model's template
/// (`DrganModelInfo.landmarks`), shifted back toward the head's centre by half the nose's
/// sideways offset; the crop is a bilinear, antialiased warp.
///
/// `landmarks` holds `landmarks_len` floats, which must be 10: `x1, y1, ..., x5, y5` in
/// pixels of `image` (the eye on the image's left, the other eye, the nose tip, the
/// mouth corner on the image's left, the other mouth corner), the five points of
/// RetinaFace, YuNet, MTCNN and most detectors. The crop is written as
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
        let lm = unsafe { five_points(landmarks, landmarks_len)? };
        let s = m.model.info().input_size as usize;
        let needed = s * s * 3;
        let out = unsafe { args::buffer(out_rgb, out_len, needed, out_needed, "out_rgb")? };
        let crop = m.model.align(&image, &lm)?;
        out.copy_from_slice(&crop.data);
        unsafe { args::write(out_needed, needed) };
        Ok(())
    })
}

/// The crop of the face in a detector's box, for detectors that give no points: `face`
/// holds `face_len` floats, which must be 4, `x1, y1, x2, y2` (top-left and bottom-right
/// corners in pixels of `image`). The face is taken as upright and of unknown yaw, and
/// the box as a YuNet-like box from brow to chin: five points frame better. Output as
/// `drgan_align`.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (image
/// description, `face_len` not 4, NaN, or an empty box); `DRGAN_STATUS_BUFFER_TOO_SMALL`;
/// `DRGAN_STATUS_LIMIT_EXCEEDED`.
///
/// # Safety
/// As `drgan_align`, with `face` pointing to `face_len` readable floats.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn drgan_align_box(
    model: *const DrganModel,
    image: *const DrganImage,
    face: *const f32,
    face_len: usize,
    out_rgb: *mut u8,
    out_len: usize,
    out_needed: *mut usize,
) -> DrganStatus {
    guard("drgan_align_box", || {
        let m = unsafe { DrganModel::get(model)? };
        let image = unsafe { m.image(image, "image", "image->data")? };
        let values = unsafe { args::slice(face, face_len, "face")? };
        let face: [f32; 4] = values.try_into().map_err(|_| {
            Error::InvalidArgument(format!(
                "face_len is {}, must be 4 (x1, y1, x2, y2)",
                values.len()
            ))
        })?;
        let s = m.model.info().input_size as usize;
        let needed = s * s * 3;
        let out = unsafe { args::buffer(out_rgb, out_len, needed, out_needed, "out_rgb")? };
        let crop = m.model.align_box(&image, &face)?;
        out.copy_from_slice(&crop.data);
        unsafe { args::write(out_needed, needed) };
        Ok(())
    })
}

/// The yaw in degrees that five detector points imply (as in `drgan_align`), from the
/// nose's sideways offset from the eye–mouth line; positive when the face is turned
/// toward the image's right. Coarse (about ±10° near frontal, saturating toward ±90°) and
/// needs no model: `drgan_estimate_yaw` reads the crop with the model's pose head.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (`landmarks_len`
/// not 10, NaN or degenerate points).
///
/// # Safety
/// `landmarks` must point to `landmarks_len` readable floats; `out_yaw` must be valid for
/// writing.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_landmark_yaw(
    landmarks: *const f32,
    landmarks_len: usize,
    out_yaw: *mut f32,
) -> DrganStatus {
    guard("drgan_landmark_yaw", || {
        let lm = unsafe { five_points(landmarks, landmarks_len)? };
        let out = args::out(out_yaw, "out_yaw")?;
        let yaw = crate::align::landmark_yaw(&lm)?;
        unsafe { args::write(out, yaw) };
        Ok(())
    })
}

/// Reads `len` floats that must be the ten coordinates of five points.
///
/// # Safety
/// `landmarks` must point to `len` readable floats (or be NULL).
unsafe fn five_points(landmarks: *const f32, len: usize) -> Result<Landmarks> {
    let points = unsafe { args::slice(landmarks, len, "landmarks")? };
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
    Ok(lm)
}

/// A detector's landmark set, for `drgan_landmarks_convert` (an `int32_t`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DrganLandmarkScheme {
    /// dlib's 68-point shape predictor (iBUG 300-W layout, 0-based): 136 floats.
    Dlib68 = 0,
    /// MediaPipe Face Mesh: 468 points (936 floats), or 478 with irises (956 floats).
    FaceMesh = 1,
}

const _: () = assert!(DrganLandmarkScheme::FaceMesh as i32 == LandmarkScheme::FaceMesh as i32);

/// The five points `drgan_align` takes, from a dense detector's landmarks
/// (`points_len` floats, `x, y` a point, in image pixels) of `scheme`, a
/// `DrganLandmarkScheme`: dlib 68 (each eye the mean of its contour, nose tip 30, mouth
/// corners 48 and 54) or MediaPipe Face Mesh (each eye the midpoint of its corners
/// 33/133 and 362/263, nose tip 1, mouth corners 61 and 291). Eyes and mouth corners come
/// out in image order (smaller x first). Ten floats go to `out_landmarks` (`out_len`
/// floats). docs/landmarks.md maps five-point detectors, ML Kit and Apple Vision.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (an unknown
/// scheme, a point count the scheme does not have, NaN or infinity among the points
/// used); `DRGAN_STATUS_BUFFER_TOO_SMALL` (`out_len` below 10).
///
/// # Safety
/// `points` must point to `points_len` readable floats; `out_landmarks` must be valid
/// for writing `out_len` floats.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_landmarks_convert(
    scheme: i32,
    points: *const f32,
    points_len: usize,
    out_landmarks: *mut f32,
    out_len: usize,
) -> DrganStatus {
    guard("drgan_landmarks_convert", || {
        let scheme = LandmarkScheme::from_raw(scheme).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "scheme is {scheme}, not a DrganLandmarkScheme value (0 dlib 68, 1 Face Mesh)"
            ))
        })?;
        let flat = unsafe { args::slice(points, points_len, "points")? };
        let out = unsafe {
            args::buffer(
                out_landmarks,
                out_len,
                10,
                std::ptr::null_mut(),
                "out_landmarks",
            )?
        };
        if flat.len() % 2 != 0 {
            return Err(Error::InvalidArgument(format!(
                "points_len {points_len} is odd: give x, y for every point"
            )));
        }
        let pairs: Vec<[f32; 2]> = flat.chunks_exact(2).map(|p| [p[0], p[1]]).collect();
        let five = crate::landmarks::five_points(scheme, &pairs)?;
        out.copy_from_slice(five.as_flattened());
        Ok(())
    })
}
