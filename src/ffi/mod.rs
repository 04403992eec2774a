//! The C ABI of drgan (header `include/drgan.h`, generated from this module by cbindgen).
//! A thin layer over the Rust API: it checks pointers, turns C values into Rust ones,
//! calls [`crate::Model`], and turns errors into [`DrganStatus`] codes. Nothing outside
//! this module is `extern "C"`.
//!
//! # Conventions (the same for every function)
//!
//! - **Statuses.** Every fallible function returns a [`DrganStatus`]; `DRGAN_STATUS_OK`
//!   (0) is success. Status numbers never change. On failure, `drgan_last_error()` gives
//!   a message for people on the failing thread.
//! - **Out-parameters** (`out_*`) are written only on success. The one exception is
//!   `out_needed`, which is also written with `DRGAN_STATUS_BUFFER_TOO_SMALL`.
//! - **NULL.** Every pointer argument must be non-NULL unless its documentation says
//!   "may be NULL"; a NULL where one is required is `DRGAN_STATUS_NULL_ARGUMENT`.
//!   `drgan_model_free(NULL)` and `drgan_image_free(NULL)` do nothing.
//! - **Buffers.** Outputs go into caller-owned buffers with explicit lengths counted in
//!   elements (floats or bytes). Sizes follow from `drgan_model_info`; a short buffer is
//!   `DRGAN_STATUS_BUFFER_TOO_SMALL`, the needed count goes to `*out_needed` (when not
//!   NULL) and into the message, and nothing is written into the buffer.
//! - **Ownership.** Nothing allocated by drgan crosses the boundary without its `_free`:
//!   `DrganModel` (`drgan_model_free`), `DrganGallery` (`drgan_gallery_free`) and decoded
//!   `DrganImage`s (`drgan_image_free`).
//!   Input pointers are only borrowed for the duration of the call.
//! - **Threads.** A `DrganModel` is immutable after loading: any number of threads may
//!   call any function on the same model at once (no locks are taken on the inference
//!   path). It must not be freed while another thread uses it. The last-error message
//!   is per thread. A `DrganGallery` is thread-safe too: searches run at once, writes
//!   take turns.
//! - **Enums** cross as `int32_t` (`DrganPixelFormat`, `DrganBackend`) and are validated:
//!   an unknown value is `DRGAN_STATUS_INVALID_ARGUMENT`, never undefined behaviour.
//! - **Strings** are UTF-8, NUL-terminated; a path that is not UTF-8 is
//!   `DRGAN_STATUS_INVALID_ARGUMENT`.
//! - **Panics** never cross the boundary: a panic inside drgan is caught and returned as
//!   `DRGAN_STATUS_PANIC`.
//! - **Structs that may grow** (`DrganOptions`, `DrganModelInfo`) start with
//!   `size_t struct_size`, which the caller sets to `sizeof` the struct before passing
//!   it; drgan reads and writes only that many bytes, so a program built against an older
//!   header keeps working with a newer library.

#![deny(missing_docs)]

// Internal helpers.
mod args;
mod panic;

// The surface, in the order the header lists it (cbindgen follows this order).
mod status;

mod last_error;

mod version;

mod options;

mod model;

mod image;

mod embed;

mod synth;

mod pose;

mod align;

mod gallery;

pub use self::align::{
    drgan_align, drgan_align_box, drgan_landmark_yaw, drgan_landmarks_convert, DrganLandmarkScheme,
};
pub use self::embed::{drgan_embed, drgan_embed_batch, drgan_embed_fused, drgan_similarity};
pub use self::gallery::{
    drgan_gallery_contains, drgan_gallery_count, drgan_gallery_enrol, drgan_gallery_enrol_batch,
    drgan_gallery_free, drgan_gallery_open, drgan_gallery_open_memory, drgan_gallery_refresh,
    drgan_gallery_remove, drgan_gallery_replace, drgan_gallery_search, drgan_gallery_search_batch,
    DrganGallery, DrganGalleryMatch, DRGAN_GALLERY_ID_CAPACITY,
};
pub use self::image::{
    drgan_image_decode, drgan_image_free, drgan_image_load, drgan_image_save_png,
    DrganDecodedImage, DrganImage, DrganPixelFormat, DRGAN_IMAGE_BOTTOM_UP,
};
pub use self::last_error::drgan_last_error;
pub use self::model::{
    drgan_model_free, drgan_model_info, drgan_model_open, drgan_model_open_default,
    drgan_model_open_memory, drgan_model_pose_yaws, DrganModel, DrganModelInfo,
    DRGAN_INFO_CONFIG_LEN, DRGAN_INFO_TRAINED_ON_LEN,
};
pub use self::options::{drgan_options_default, DrganBackend, DrganOptions};
pub use self::pose::drgan_estimate_yaw;
pub use self::status::{drgan_status_name, DrganStatus};
pub use self::synth::{drgan_frontalize, drgan_rotate, drgan_synthesize};
pub use self::version::{drgan_abi_version, drgan_version, ABI_VERSION};
