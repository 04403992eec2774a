//! Identity features: one face, a batch, several faces fused into one, and the cosine
//! similarity of two features. All of them may run on one model from many threads.

use super::args;
use super::image::DrganImage;
use super::model::DrganModel;
use super::panic::guard;
use super::status::DrganStatus;
use crate::{Embedding, Error, Image, Result};

/// The faces of a batch call as views, each checked.
///
/// # Safety
/// `faces` must point to `count` `DrganImage`s describing readable pixels.
unsafe fn faces<'a>(
    m: &DrganModel,
    faces: *const DrganImage,
    count: usize,
) -> Result<Vec<Image<'a>>> {
    let list = unsafe { args::slice(faces, count, "faces")? };
    if list.is_empty() {
        return Err(Error::InvalidArgument(
            "count is 0: give at least one face".into(),
        ));
    }
    list.iter()
        .enumerate()
        .map(|(i, f)| {
            unsafe { m.image(f, "faces[i]", "faces[i].data") }.map_err(|e| match e {
                Error::InvalidArgument(s) => Error::InvalidArgument(format!("face {i}: {s}")),
                Error::LimitExceeded(s) => Error::LimitExceeded(format!("face {i}: {s}")),
                e => e,
            })
        })
        .collect()
}

/// The out-parameters of a call that yields one embedding (`drgan_embed`,
/// `drgan_embed_fused`): checks them before `embed` runs, then writes its result.
///
/// # Safety
/// `out_feature` valid for writing `out_len` floats; `out_needed` NULL or valid for
/// writing; `out_confidence` valid for writing.
unsafe fn write_embedding(
    m: &DrganModel,
    out_feature: *mut f32,
    out_len: usize,
    out_needed: *mut usize,
    out_confidence: *mut f32,
    embed: impl FnOnce() -> Result<Embedding>,
) -> Result<()> {
    let n = m.model.info().feature_dim;
    let out = unsafe { args::buffer(out_feature, out_len, n, out_needed, "out_feature")? };
    let confidence = args::out(out_confidence, "out_confidence")?;
    let e = embed()?;
    out.copy_from_slice(&e.feature);
    unsafe {
        args::write(confidence, e.confidence);
        args::write(out_needed, n);
    }
    Ok(())
}

/// The identity feature of one aligned face (any size; it is resized to the model's
/// input) and the encoder's confidence in it, in (0, 1).
///
/// `out_feature` holds `out_len` floats; `feature_dim` (see `DrganModelInfo`) are
/// written. `out_needed` may be NULL; otherwise it receives `feature_dim` on success and
/// with `DRGAN_STATUS_BUFFER_TOO_SMALL`.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (image description);
/// `DRGAN_STATUS_BUFFER_TOO_SMALL`; `DRGAN_STATUS_LIMIT_EXCEEDED` (image over `max_image_pixels`); `DRGAN_STATUS_INFERENCE`.
///
/// # Safety
/// `model` must be a live handle; `face` must describe readable pixels; the out
/// pointers must be valid for writing (`out_feature` for `out_len` floats).
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_embed(
    model: *const DrganModel,
    face: *const DrganImage,
    out_feature: *mut f32,
    out_len: usize,
    out_needed: *mut usize,
    out_confidence: *mut f32,
) -> DrganStatus {
    guard("drgan_embed", || {
        let m = unsafe { DrganModel::get(model)? };
        let face = unsafe { m.image(face, "face", "face->data")? };
        unsafe {
            write_embedding(m, out_feature, out_len, out_needed, out_confidence, || {
                m.model.embed(&face)
            })
        }
    })
}

/// Identity features of `count` aligned faces in one batched run.
///
/// `out_features` holds `out_len` floats; `count * feature_dim` are written, face `i`'s
/// feature at `out_features + i * feature_dim`. `out_confidences` receives `count`
/// floats. `out_needed` may be NULL; otherwise it receives `count * feature_dim` on
/// success and with `DRGAN_STATUS_BUFFER_TOO_SMALL`.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (`count` 0, an image
/// description; the message names the face); `DRGAN_STATUS_BUFFER_TOO_SMALL`; `DRGAN_STATUS_LIMIT_EXCEEDED`;
/// `DRGAN_STATUS_INFERENCE`.
///
/// # Safety
/// `model` must be a live handle; `faces` must point to `count` images describing
/// readable pixels; `out_features` valid for writing `out_len` floats, `out_confidences`
/// for `count` floats.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_embed_batch(
    model: *const DrganModel,
    faces: *const DrganImage,
    count: usize,
    out_features: *mut f32,
    out_len: usize,
    out_needed: *mut usize,
    out_confidences: *mut f32,
) -> DrganStatus {
    guard("drgan_embed_batch", || {
        let m = unsafe { DrganModel::get(model)? };
        let views = unsafe { self::faces(m, faces, count)? };
        let dim = m.model.info().feature_dim;
        let needed = count
            .checked_mul(dim)
            .ok_or_else(|| Error::InvalidArgument(format!("count {count} is absurd")))?;
        let out =
            unsafe { args::buffer(out_features, out_len, needed, out_needed, "out_features")? };
        let confidences = unsafe {
            args::buffer(
                out_confidences,
                count,
                count,
                std::ptr::null_mut(),
                "out_confidences",
            )?
        };
        let embeddings = m.model.embed_batch(&views)?;
        for ((e, f), c) in embeddings
            .iter()
            .zip(out.chunks_exact_mut(dim))
            .zip(confidences)
        {
            f.copy_from_slice(&e.feature);
            *c = e.confidence;
        }
        unsafe { args::write(out_needed, needed) };
        Ok(())
    })
}

/// One identity feature for `count` images of the same person: the features weighted by
/// the encoder's confidences, Σωᵢfᵢ / Σωᵢ (multi-image DR-GAN). `*out_confidence`
/// receives the mean confidence.
///
/// `out_feature` holds `out_len` floats; `feature_dim` are written. `out_needed` may be
/// NULL; otherwise it receives `feature_dim` on success and with
/// `DRGAN_STATUS_BUFFER_TOO_SMALL`.
///
/// Errors: as `drgan_embed_batch`.
///
/// # Safety
/// As `drgan_embed_batch`; `out_confidence` must be valid for writing one float.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_embed_fused(
    model: *const DrganModel,
    faces: *const DrganImage,
    count: usize,
    out_feature: *mut f32,
    out_len: usize,
    out_needed: *mut usize,
    out_confidence: *mut f32,
) -> DrganStatus {
    guard("drgan_embed_fused", || {
        let m = unsafe { DrganModel::get(model)? };
        let views = unsafe { self::faces(m, faces, count)? };
        unsafe {
            write_embedding(m, out_feature, out_len, out_needed, out_confidence, || {
                m.model.embed_fused(&views)
            })
        }
    })
}

/// The cosine similarity of two features (`a_len` and `b_len` floats), in [-1, 1];
/// higher means more likely the same person. A zero vector has similarity 0.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (lengths differ or are 0,
/// NaN or infinity in a feature).
///
/// # Safety
/// `a` and `b` must point to `a_len` and `b_len` readable floats; `out_similarity` must
/// be valid for writing.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_similarity(
    a: *const f32,
    a_len: usize,
    b: *const f32,
    b_len: usize,
    out_similarity: *mut f32,
) -> DrganStatus {
    guard("drgan_similarity", || {
        let a = unsafe { args::slice(a, a_len, "a")? };
        let b = unsafe { args::slice(b, b_len, "b")? };
        let out = args::out(out_similarity, "out_similarity")?;
        let s = crate::similarity(a, b)?;
        unsafe { args::write(out, s) };
        Ok(())
    })
}
