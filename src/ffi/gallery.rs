//! `DrganGallery`, the opaque gallery handle: enrolled people of one model, persisted in
//! an SQLite file or kept in memory, and 1:N search. See `docs/gallery.md`.
//!
//! A gallery may be used from many threads at once: searches run concurrently with each
//! other and with writes; writes take turns.

use std::ffi::c_char;

use super::args;
use super::model::DrganModel;
use super::panic::{guard, guard_or};
use super::status::DrganStatus;
use crate::{Embedding, Error, Gallery, Match, Result};

/// Capacity of `DrganGalleryMatch.id`: the longest id (255 bytes of UTF-8) and its NUL.
pub const DRGAN_GALLERY_ID_CAPACITY: usize = 256;

/// Enrolled people of one model (opaque). Created by `drgan_gallery_open` or
/// `drgan_gallery_open_memory`, released by `drgan_gallery_free`. Thread-safe: share
/// one handle between threads, and free it only when no call is using it. It does not
/// borrow the model it was opened with: the model may be freed first.
pub struct DrganGallery {
    gallery: Gallery,
}

/// One search result: a person's id and the cosine similarity of the query and the
/// person's template.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct DrganGalleryMatch {
    /// Cosine similarity, in [-1, 1]; higher is more alike.
    pub similarity: f32,
    /// The person's id: NUL-terminated UTF-8, at most 255 bytes before the NUL.
    pub id: [c_char; DRGAN_GALLERY_ID_CAPACITY],
}

impl DrganGalleryMatch {
    fn from(m: &Match) -> Self {
        let mut id = [0 as c_char; DRGAN_GALLERY_ID_CAPACITY];
        // Ids are at most 255 bytes without NUL (checked at enrolment).
        for (d, &b) in id.iter_mut().zip(m.id.as_bytes()) {
            *d = b as c_char;
        }
        DrganGalleryMatch {
            similarity: m.similarity,
            id,
        }
    }
}

/// The caller's gallery handle.
///
/// # Safety
/// A non-NULL `p` must come from `drgan_gallery_open*` and not be freed.
unsafe fn get<'a>(p: *const DrganGallery) -> Result<&'a Gallery> {
    Ok(&unsafe { args::borrow(p, "gallery")? }.gallery)
}

fn hand_out(gallery: Gallery) -> *mut DrganGallery {
    Box::into_raw(Box::new(DrganGallery { gallery }))
}

/// Opens the gallery file at `path` (UTF-8) for `model`, creating it when missing, and
/// loads its people. On success `*out_gallery` is a new handle, released with
/// `drgan_gallery_free`. Several handles, in one process or several, may open one file.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (path not
/// UTF-8); `DRGAN_STATUS_GALLERY` (not a drgan gallery, corrupt or truncated, unknown
/// format, cannot be created); `DRGAN_STATUS_MODEL_MISMATCH` (built with another model).
///
/// # Safety
/// `model` must be a live handle; `path` a NUL-terminated string; `out_gallery` valid
/// for writing.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_gallery_open(
    model: *const DrganModel,
    path: *const c_char,
    out_gallery: *mut *mut DrganGallery,
) -> DrganStatus {
    guard("drgan_gallery_open", || {
        let m = unsafe { DrganModel::get(model)? };
        let path = unsafe { args::utf8(path, "path")? };
        let out = args::out(out_gallery, "out_gallery")?;
        let gallery = Gallery::open(path, &m.model)?;
        unsafe { args::write(out, hand_out(gallery)) };
        Ok(())
    })
}

/// A new, empty gallery for `model` kept in memory only. On success `*out_gallery` is a
/// new handle, released with `drgan_gallery_free`.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`.
///
/// # Safety
/// `model` must be a live handle; `out_gallery` valid for writing.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_gallery_open_memory(
    model: *const DrganModel,
    out_gallery: *mut *mut DrganGallery,
) -> DrganStatus {
    guard("drgan_gallery_open_memory", || {
        let m = unsafe { DrganModel::get(model)? };
        let out = args::out(out_gallery, "out_gallery")?;
        unsafe { args::write(out, hand_out(Gallery::in_memory(&m.model))) };
        Ok(())
    })
}

/// Releases a gallery (every acknowledged change is already in its file). NULL is a
/// no-op. No call may be using it, and it must not be used afterwards.
///
/// # Safety
/// `gallery` must be NULL or a handle from `drgan_gallery_open*` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn drgan_gallery_free(gallery: *mut DrganGallery) {
    guard_or((), || {
        if !gallery.is_null() {
            drop(unsafe { Box::from_raw(gallery) });
        }
    })
}

/// `count` pictures as embeddings: `features` holds `features_len` floats, which must
/// be `count * feature_dim`; `confidences` holds `count` floats, or is NULL for equal
/// weights.
///
/// # Safety
/// As the callers' contracts on `features` and `confidences`.
unsafe fn pictures(
    g: &Gallery,
    features: *const f32,
    features_len: usize,
    confidences: *const f32,
    count: usize,
) -> Result<Vec<Embedding>> {
    let features = unsafe { args::slice(features, features_len, "features")? };
    let dim = g.feature_dim();
    if count == 0 {
        return Err(Error::invalid("count is 0: give at least one picture"));
    }
    if count.checked_mul(dim) != Some(features_len) {
        return Err(Error::invalid(format!(
            "features_len {features_len} is not count ({count}) times feature_dim ({dim})"
        )));
    }
    let confidences: Option<&[f32]> = if confidences.is_null() {
        None
    } else {
        Some(unsafe { args::slice(confidences, count, "confidences")? })
    };
    Ok(features
        .chunks_exact(dim)
        .enumerate()
        .map(|(i, f)| Embedding {
            feature: f.to_vec(),
            confidence: confidences.map_or(1.0, |c| c[i]),
        })
        .collect())
}

/// Enrols `count` pictures of person `id` (UTF-8, 1 to 255 bytes, no NUL): creates the
/// person, or adds the pictures to their template (Σωᵢfᵢ / Σωᵢ over all their
/// pictures). `features` holds `features_len` = `count * feature_dim` floats, picture
/// after picture (as `drgan_embed_batch` writes them); `confidences` holds their
/// `count` confidences ω, or is NULL to weigh them equally. One transaction: when this
/// returns OK the person is in the file.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (a malformed
/// id; `count` 0; `features_len` not `count * feature_dim`; NaN or infinity; a
/// confidence that is not positive; a zero template); `DRGAN_STATUS_GALLERY` (the file
/// could not be written).
///
/// # Safety
/// `gallery` must be a live handle; `id` a NUL-terminated string; `features` must point
/// to `features_len` floats and `confidences` (when not NULL) to `count` floats.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_gallery_enrol(
    gallery: *const DrganGallery,
    id: *const c_char,
    features: *const f32,
    features_len: usize,
    confidences: *const f32,
    count: usize,
) -> DrganStatus {
    guard("drgan_gallery_enrol", || {
        let g = unsafe { get(gallery)? };
        let id = unsafe { args::utf8(id, "id")? };
        let pictures = unsafe { pictures(g, features, features_len, confidences, count)? };
        g.enrol(id, &pictures)
    })
}

/// Enrols `count` pictures in one transaction, picture `i` of person `ids[i]` (an id may
/// repeat): much faster than one `drgan_gallery_enrol` a picture. All or nothing.
/// `features` and `confidences` as in `drgan_gallery_enrol`.
///
/// Errors: as `drgan_gallery_enrol`; the message names the picture.
///
/// # Safety
/// As `drgan_gallery_enrol`; `ids` must point to `count` NUL-terminated strings.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_gallery_enrol_batch(
    gallery: *const DrganGallery,
    ids: *const *const c_char,
    features: *const f32,
    features_len: usize,
    confidences: *const f32,
    count: usize,
) -> DrganStatus {
    guard("drgan_gallery_enrol_batch", || {
        let g = unsafe { get(gallery)? };
        let id_list = unsafe { args::slice(ids, count, "ids")? };
        let pictures = unsafe { pictures(g, features, features_len, confidences, count)? };
        let ids = id_list
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                unsafe { args::utf8(p, "ids[i]") }.map_err(|e| match e {
                    Error::NullArgument(_) => Error::invalid(format!("ids[{i}] is NULL")),
                    Error::InvalidArgument(s) => Error::InvalidArgument(format!("item {i}: {s}")),
                    e => e,
                })
            })
            .collect::<Result<Vec<&str>>>()?;
        let batch: Vec<(&str, &Embedding)> = ids.into_iter().zip(&pictures).collect();
        g.enrol_batch(&batch)
    })
}

/// Replaces person `id`'s template with one built from these `count` pictures only
/// (creates the person when new). Arguments as `drgan_gallery_enrol`.
///
/// Errors: as `drgan_gallery_enrol`.
///
/// # Safety
/// As `drgan_gallery_enrol`.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_gallery_replace(
    gallery: *const DrganGallery,
    id: *const c_char,
    features: *const f32,
    features_len: usize,
    confidences: *const f32,
    count: usize,
) -> DrganStatus {
    guard("drgan_gallery_replace", || {
        let g = unsafe { get(gallery)? };
        let id = unsafe { args::utf8(id, "id")? };
        let pictures = unsafe { pictures(g, features, features_len, confidences, count)? };
        g.replace(id, &pictures)
    })
}

/// Removes person `id`. `*out_removed` (may be NULL) receives 1 when they were enrolled,
/// 0 when nobody had that id (not an error).
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (a malformed
/// id); `DRGAN_STATUS_GALLERY`.
///
/// # Safety
/// `gallery` must be a live handle; `id` a NUL-terminated string; `out_removed` NULL or
/// valid for writing.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_gallery_remove(
    gallery: *const DrganGallery,
    id: *const c_char,
    out_removed: *mut i32,
) -> DrganStatus {
    guard("drgan_gallery_remove", || {
        let g = unsafe { get(gallery)? };
        let id = unsafe { args::utf8(id, "id")? };
        let removed = g.remove(id)?;
        unsafe { args::write(out_removed, removed as i32) };
        Ok(())
    })
}

/// `*out_count` receives the number of people enrolled.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`.
///
/// # Safety
/// `gallery` must be a live handle; `out_count` valid for writing.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_gallery_count(
    gallery: *const DrganGallery,
    out_count: *mut usize,
) -> DrganStatus {
    guard("drgan_gallery_count", || {
        let g = unsafe { get(gallery)? };
        let out = args::out(out_count, "out_count")?;
        unsafe { args::write(out, g.len()) };
        Ok(())
    })
}

/// `*out_contains` receives 1 when person `id` is enrolled, else 0.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (id not UTF-8).
///
/// # Safety
/// `gallery` must be a live handle; `id` a NUL-terminated string; `out_contains` valid
/// for writing.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_gallery_contains(
    gallery: *const DrganGallery,
    id: *const c_char,
    out_contains: *mut i32,
) -> DrganStatus {
    guard("drgan_gallery_contains", || {
        let g = unsafe { get(gallery)? };
        let id = unsafe { args::utf8(id, "id")? };
        let out = args::out(out_contains, "out_contains")?;
        unsafe { args::write(out, g.contains(id) as i32) };
        Ok(())
    })
}

/// The `k` enrolled people most similar to `feature` (`feature_len` = `feature_dim`
/// floats), best first, at or above `min_similarity` (in [-1, 1]; -1 keeps every
/// match). Exact: the people a comparison with every template would find.
/// `out_matches` holds `out_capacity` entries, at least `k`; `*out_found` receives how
/// many were written (fewer than `k` when fewer people are enrolled or pass the
/// minimum). Runs on the calling thread.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (`k` 0; a
/// feature of the wrong length, zero, NaN or infinity; `min_similarity` outside
/// [-1, 1]); `DRGAN_STATUS_BUFFER_TOO_SMALL` (`out_capacity` below `k`; nothing written).
///
/// # Safety
/// `gallery` must be a live handle; `feature` must point to `feature_len` floats;
/// `out_matches` valid for writing `out_capacity` entries; `out_found` valid for writing.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_gallery_search(
    gallery: *const DrganGallery,
    feature: *const f32,
    feature_len: usize,
    k: usize,
    min_similarity: f32,
    out_matches: *mut DrganGalleryMatch,
    out_capacity: usize,
    out_found: *mut usize,
) -> DrganStatus {
    guard("drgan_gallery_search", || {
        let g = unsafe { get(gallery)? };
        let feature = unsafe { args::slice(feature, feature_len, "feature")? };
        let out = unsafe {
            args::buffer(
                out_matches,
                out_capacity,
                k,
                std::ptr::null_mut(),
                "out_matches",
            )?
        };
        let found = args::out(out_found, "out_found")?;
        let matches = g.search(feature, k, Some(min_similarity))?;
        for (o, m) in out.iter_mut().zip(&matches) {
            *o = DrganGalleryMatch::from(m);
        }
        unsafe { args::write(found, matches.len()) };
        Ok(())
    })
}

/// `drgan_gallery_search` for `count` features at once, spread over every core:
/// `features` holds `features_len` = `count * feature_dim` floats. Query `i`'s matches
/// go to `out_matches + i * k` (`out_capacity` must be at least `count * k`) and their
/// number to `out_found[i]` (`count` entries). Each query's result is the same as its
/// own `drgan_gallery_search`.
///
/// Errors: as `drgan_gallery_search`; `count` 0 or `features_len` not
/// `count * feature_dim` is `DRGAN_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `gallery` must be a live handle; `features` must point to `features_len` floats;
/// `out_matches` valid for writing `out_capacity` entries; `out_found` for `count`
/// values.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_gallery_search_batch(
    gallery: *const DrganGallery,
    features: *const f32,
    features_len: usize,
    count: usize,
    k: usize,
    min_similarity: f32,
    out_matches: *mut DrganGalleryMatch,
    out_capacity: usize,
    out_found: *mut usize,
) -> DrganStatus {
    guard("drgan_gallery_search_batch", || {
        let g = unsafe { get(gallery)? };
        let features = unsafe { args::slice(features, features_len, "features")? };
        let dim = g.feature_dim();
        if count == 0 || count.checked_mul(dim) != Some(features_len) {
            return Err(Error::invalid(format!(
                "features_len {features_len} is not count ({count}) times feature_dim ({dim}), \
                 or count is 0"
            )));
        }
        let needed = count
            .checked_mul(k)
            .ok_or_else(|| Error::invalid(format!("count {count} times k {k} is absurd")))?;
        let out = unsafe {
            args::buffer(
                out_matches,
                out_capacity,
                needed,
                std::ptr::null_mut(),
                "out_matches",
            )?
        };
        let found =
            unsafe { args::buffer(out_found, count, count, std::ptr::null_mut(), "out_found")? };
        let results = g.search_batch(features, k, Some(min_similarity))?;
        for ((chunk, f), matches) in out.chunks_mut(k.max(1)).zip(found).zip(&results) {
            for (o, m) in chunk.iter_mut().zip(matches) {
                *o = DrganGalleryMatch::from(m);
            }
            *f = matches.len();
        }
        Ok(())
    })
}

/// Loads the changes other processes (or other handles on the same file) have written
/// since this handle last read or wrote. `*out_changed` (may be NULL) receives 1 when
/// there were any. A memory gallery never changes this way.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_GALLERY`.
///
/// # Safety
/// `gallery` must be a live handle; `out_changed` NULL or valid for writing.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_gallery_refresh(
    gallery: *const DrganGallery,
    out_changed: *mut i32,
) -> DrganStatus {
    guard("drgan_gallery_refresh", || {
        let g = unsafe { get(gallery)? };
        let changed = g.refresh()?;
        unsafe { args::write(out_changed, changed as i32) };
        Ok(())
    })
}
