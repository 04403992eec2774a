//! Turning C arguments into Rust values: NULL checks, borrowed slices, UTF-8 paths,
//! caller-owned output buffers and out-parameters. Every check here fails with a
//! status and a message naming the argument; none of them dereferences before checking.

use std::ffi::{c_char, CStr};

use crate::{Error, Result};

/// `p` as a shared reference, or `NullArgument(name)`.
///
/// # Safety
/// A non-NULL `p` must point to a valid `T` that outlives `'a`.
pub(crate) unsafe fn borrow<'a, T>(p: *const T, name: &'static str) -> Result<&'a T> {
    unsafe { p.as_ref() }.ok_or(Error::NullArgument(name))
}

/// Checks that an out-parameter is not NULL; write it with [`write`] on success only.
pub(crate) fn out<T>(p: *mut T, name: &'static str) -> Result<*mut T> {
    if p.is_null() {
        Err(Error::NullArgument(name))
    } else {
        Ok(p)
    }
}

/// Writes an out-parameter checked by [`out`] (or an optional one, when not NULL).
///
/// # Safety
/// `p` must be NULL or valid for writing a `T`.
pub(crate) unsafe fn write<T>(p: *mut T, value: T) {
    if !p.is_null() {
        unsafe { p.write(value) }
    }
}

/// `len` elements at `p`, borrowed for the call.
///
/// # Safety
/// A non-NULL `p` must point to `len` initialised elements that outlive `'a`.
pub(crate) unsafe fn slice<'a, T>(p: *const T, len: usize, name: &'static str) -> Result<&'a [T]> {
    if p.is_null() {
        return Err(Error::NullArgument(name));
    }
    check_span::<T>(len, name)?;
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// A caller-owned output buffer of `len` elements at `p`, which must hold at least
/// `needed`. When it is too short, `needed` goes to `*out_needed` (when not NULL) and
/// the error is `BufferTooSmall`.
///
/// # Safety
/// A non-NULL `p` must be valid for writing `len` elements for `'a`; `out_needed` must
/// be NULL or valid for writing.
pub(crate) unsafe fn buffer<'a, T>(
    p: *mut T,
    len: usize,
    needed: usize,
    out_needed: *mut usize,
    name: &'static str,
) -> Result<&'a mut [T]> {
    if p.is_null() {
        return Err(Error::NullArgument(name));
    }
    if len < needed {
        unsafe { write(out_needed, needed) };
        return Err(Error::BufferTooSmall { needed, given: len });
    }
    check_span::<T>(len, name)?;
    Ok(unsafe { std::slice::from_raw_parts_mut(p, needed) })
}

/// A NUL-terminated UTF-8 string, such as a path.
///
/// # Safety
/// A non-NULL `p` must point to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn utf8<'a>(p: *const c_char, name: &'static str) -> Result<&'a str> {
    if p.is_null() {
        return Err(Error::NullArgument(name));
    }
    unsafe { CStr::from_ptr(p) }
        .to_str()
        .map_err(|e| Error::InvalidArgument(format!("`{name}` is not valid UTF-8: {e}")))
}

/// A slice of `len` elements of `T` must span at most `isize::MAX` bytes.
fn check_span<T>(len: usize, name: &'static str) -> Result<()> {
    match len.checked_mul(std::mem::size_of::<T>().max(1)) {
        Some(bytes) if bytes <= isize::MAX as usize => Ok(()),
        _ => Err(Error::InvalidArgument(format!(
            "length of `{name}` ({len}) is larger than any buffer can be"
        ))),
    }
}
