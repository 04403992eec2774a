//! The version of the loaded library (not of the header a caller compiled against:
//! compare with `DRGAN_VERSION` and `DRGAN_ABI_VERSION` to detect a mismatch).

use std::ffi::c_char;

use super::panic::guard_or;

/// The ABI version: bumped on any change that breaks programs built against an older
/// header. Equal to the header's `DRGAN_ABI_VERSION` (kept so by a test).
pub const ABI_VERSION: u32 = 2;

const VERSION_C: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
) {
    Ok(s) => s,
    Err(_) => panic!("the crate version contains a NUL"),
};

/// The version of the loaded drgan library, e.g. `"0.1.0"` (semantic versioning).
/// Never NULL; static (valid for the life of the process). Thread-safe.
#[no_mangle]
pub extern "C" fn drgan_version() -> *const c_char {
    guard_or(c"".as_ptr(), || VERSION_C.as_ptr())
}

/// The ABI version of the loaded drgan library. A program built against a header whose
/// `DRGAN_ABI_VERSION` differs must not use this library. Thread-safe.
#[no_mangle]
pub extern "C" fn drgan_abi_version() -> u32 {
    guard_or(ABI_VERSION, || ABI_VERSION)
}
