//! Yaw estimation with the bundle's pose head.

use super::args;
use super::image::DrganImage;
use super::model::DrganModel;
use super::panic::guard;
use super::status::DrganStatus;

/// The yaw of a face in degrees (the pose head's probability-weighted mean of the pose
/// bins), written to `*out_yaw`. Needs a bundle with a pose head (`has_pose_head` in
/// `DrganModelInfo`).
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (image description);
/// `DRGAN_STATUS_UNSUPPORTED` (no pose head); `DRGAN_STATUS_LIMIT_EXCEEDED`; `DRGAN_STATUS_INFERENCE`.
///
/// # Safety
/// `model` must be a live handle; `face` must describe readable pixels; `out_yaw` must
/// be valid for writing.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_estimate_yaw(
    model: *const DrganModel,
    face: *const DrganImage,
    out_yaw: *mut f32,
) -> DrganStatus {
    guard("drgan_estimate_yaw", || {
        let m = unsafe { DrganModel::get(model)? };
        let face = unsafe { m.image(face, "face", "face->data")? };
        let out = args::out(out_yaw, "out_yaw")?;
        let yaw = m.model.estimate_yaw(&face)?;
        unsafe { args::write(out, yaw) };
        Ok(())
    })
}
