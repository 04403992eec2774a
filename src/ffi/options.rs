//! `DrganOptions`, the load-time options of `drgan_model_open*`, and `DrganBackend`.
//! The struct starts with `struct_size`, so fields can be appended in later versions
//! without breaking programs built against an older header.

use std::mem::{offset_of, size_of};

use super::args;
use super::panic::guard;
use super::status::DrganStatus;
use crate::{Backend, Error, Options, Result};

/// Where inference runs (the `backend` field of `DrganOptions`, an `int32_t`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DrganBackend {
    /// A GPU when one is usable by this build, otherwise the CPU.
    Auto = 0,
    /// The CPU (tract).
    Cpu = 1,
    /// A GPU; opening fails with `DRGAN_STATUS_BACKEND_UNAVAILABLE` when there is none.
    Gpu = 2,
}

/// Options for opening a model. Fill it with `drgan_options_default` and change what
/// you need:
///
/// ```c
/// DrganOptions options;
/// options.struct_size = sizeof options;
/// if (drgan_options_default(&options) != DRGAN_STATUS_OK) return 1;
/// options.backend = DRGAN_BACKEND_CPU;
/// ```
///
/// Fields are only ever appended. Plain data; the caller owns it and drgan only reads it
/// during the call it is passed to.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DrganOptions {
    /// `sizeof(DrganOptions)` as the caller compiled it. Must be set before the struct
    /// is passed to any function; drgan reads and writes only this many bytes, and fields
    /// beyond it keep their defaults.
    pub struct_size: usize,
    /// A `DrganBackend` value. Default `DRGAN_BACKEND_AUTO`.
    pub backend: i32,
    /// Reserved; must be 0.
    pub reserved: u32,
    /// Largest image accepted as input or decoded from a file, in pixels
    /// (width × height); larger ones are `DRGAN_STATUS_LIMIT_EXCEEDED`. Must be at least 1.
    /// Default 2^28 (16384 × 16384).
    pub max_image_pixels: u64,
    /// Largest model file accepted, in bytes; larger ones are
    /// `DRGAN_STATUS_LIMIT_EXCEEDED`. Must be at least 1. Default 2^30 (1 GiB).
    pub max_model_bytes: u64,
    /// Threads one call may use: 1 runs each call on the calling thread alone, n > 1
    /// gives the model its own pool of n threads, 0 means one per available core; at
    /// most 256. Default 1 (apps usually call from their own worker threads). Results
    /// are the same for every value.
    pub threads: u32,
    /// Reserved; must be 0.
    pub reserved2: u32,
}

impl DrganOptions {
    fn defaults() -> DrganOptions {
        let d = Options::default();
        DrganOptions {
            struct_size: size_of::<DrganOptions>(),
            backend: d.backend as i32,
            reserved: 0,
            max_image_pixels: d.max_image_pixels,
            max_model_bytes: d.max_model_bytes,
            threads: d.threads as u32,
            reserved2: 0,
        }
    }
}

/// Reads the caller's options; NULL means the defaults.
///
/// # Safety
/// A non-NULL `p` must point to at least `(*p).struct_size` readable bytes.
pub(crate) unsafe fn read(p: *const DrganOptions) -> Result<Options> {
    if p.is_null() {
        return Ok(Options::default());
    }
    let given = unsafe { struct_size(p.cast())? };
    unsafe { unknown_fields_are_zero(p.cast(), given, size_of::<DrganOptions>(), "options")? };
    let mut o = DrganOptions::defaults();
    let n = given.min(size_of::<DrganOptions>());
    // Plain integers only: every byte pattern is a valid `DrganOptions`.
    unsafe {
        std::ptr::copy_nonoverlapping(p.cast::<u8>(), (&mut o as *mut DrganOptions).cast(), n)
    };
    let backend = Backend::from_raw(o.backend).ok_or_else(|| {
        Error::InvalidArgument(format!(
            "options.backend is {}, not a DrganBackend value (0 auto, 1 cpu, 2 gpu)",
            o.backend
        ))
    })?;
    if o.reserved != 0 || o.reserved2 != 0 {
        return Err(Error::InvalidArgument(
            "options.reserved and options.reserved2 must be 0".into(),
        ));
    }
    if o.max_image_pixels == 0 || o.max_model_bytes == 0 {
        return Err(Error::InvalidArgument(
            "options.max_image_pixels and options.max_model_bytes must be at least 1".into(),
        ));
    }
    Ok(Options {
        backend,
        max_image_pixels: o.max_image_pixels,
        max_model_bytes: o.max_model_bytes,
        threads: o.threads as usize,
    })
}

/// The largest `struct_size` accepted: a struct of the future may grow, but not past a
/// page; a larger value is a caller's mistake (an unset field), not a struct.
pub(crate) const MAX_STRUCT_SIZE: usize = 4096;

/// The `struct_size` a caller put in the first field of a growable struct.
///
/// # Safety
/// `p` must be non-NULL and point to at least a readable `size_t`.
pub(crate) unsafe fn struct_size(p: *const usize) -> Result<usize> {
    let size = unsafe { p.read() };
    if size < size_of::<usize>() {
        return Err(Error::InvalidArgument(format!(
            "struct_size is {size}; set it to the struct's sizeof before the call"
        )));
    }
    if size > MAX_STRUCT_SIZE {
        return Err(Error::InvalidArgument(format!(
            "struct_size is {size}; no drgan struct is larger than {MAX_STRUCT_SIZE} bytes \
             (is it set?)"
        )));
    }
    Ok(size)
}

/// A struct from a newer header than this library's (`given` bytes, this library knows
/// `known`) is accepted only when every field this library does not know is zero, as
/// Linux's `copy_struct_from_user` does: a non-zero one asks for something this library
/// cannot do, and ignoring it silently would do something else.
///
/// # Safety
/// `p` must point to at least `given` readable bytes.
pub(crate) unsafe fn unknown_fields_are_zero(
    p: *const u8,
    given: usize,
    known: usize,
    name: &str,
) -> Result<()> {
    if given <= known {
        return Ok(());
    }
    let tail = unsafe { std::slice::from_raw_parts(p.add(known), given - known) };
    match tail.iter().position(|&b| b != 0) {
        None => Ok(()),
        Some(i) => Err(Error::InvalidArgument(format!(
            "{name} has fields this library does not know set (struct_size {given}, this \
             library knows {known} bytes; byte {} is not zero): use a newer library or \
             leave the new fields zero",
            known + i
        ))),
    }
}

/// Copies the first `struct_size` bytes of `value` (at most all of it) to `dst`, keeping
/// the caller's `struct_size`.
///
/// # Safety
/// `dst` must be valid for writing `min(struct_size, size_of::<T>())` bytes; `T` must
/// be a `#[repr(C)]` struct whose first field is a `usize` struct size.
pub(crate) unsafe fn write_prefix<T>(dst: *mut T, value: &T, struct_size: usize) {
    let n = struct_size.min(size_of::<T>());
    let src = (value as *const T).cast::<u8>();
    let dst = dst.cast::<u8>();
    let skip = size_of::<usize>();
    unsafe { std::ptr::copy_nonoverlapping(src.add(skip), dst.add(skip), n - skip) };
}

/// Fills `*options` with the defaults. Set `options->struct_size = sizeof(DrganOptions)`
/// first: only that many bytes are written (so a program built against an older header
/// is safe), and `struct_size` itself is left as it is.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT` when `options` is NULL;
/// `DRGAN_STATUS_INVALID_ARGUMENT` when `struct_size` is smaller than a `size_t`.
///
/// # Safety
/// `options` must be NULL or valid for reading a `size_t` and writing `struct_size`
/// bytes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_options_default(options: *mut DrganOptions) -> DrganStatus {
    guard("drgan_options_default", || {
        let p = args::out(options, "options")?;
        let size = unsafe { struct_size(p.cast())? };
        unsafe { write_prefix(p, &DrganOptions::defaults(), size) };
        Ok(())
    })
}

// The layout has no padding, so every byte up to `struct_size` is a field.
const _: () =
    assert!(offset_of!(DrganOptions, reserved2) + size_of::<u32>() == size_of::<DrganOptions>());
const _: () = assert!(DrganBackend::Gpu as i32 == Backend::Gpu as i32);
