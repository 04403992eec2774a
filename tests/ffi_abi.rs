//! Layer 2 of the tests: the C ABI called directly from Rust, function by function,
//! with the good path checked against the Rust API and every bad input checked for its
//! status and message. One test binary; one file per concern under `ffi_abi/`.

#[path = "ffi_abi/support.rs"]
mod support;

#[path = "ffi_abi/align.rs"]
mod align;
#[path = "ffi_abi/embed.rs"]
mod embed;
#[path = "ffi_abi/errors.rs"]
mod errors;
#[path = "ffi_abi/gallery.rs"]
mod gallery;
#[path = "ffi_abi/image.rs"]
mod image;
#[path = "ffi_abi/model.rs"]
mod model;
#[path = "ffi_abi/options.rs"]
mod options;
#[path = "ffi_abi/pose.rs"]
mod pose;
#[path = "ffi_abi/synth.rs"]
mod synth;
