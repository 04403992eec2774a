//! The rule for person ids.

use crate::{Error, Result};

/// The longest id, in UTF-8 bytes.
pub(crate) const MAX_BYTES: usize = 255;

/// An id is 1..=255 bytes of UTF-8 without NUL (so it crosses the C ABI unchanged).
pub(crate) fn check_id(id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::invalid("the id is empty"));
    }
    if id.len() > MAX_BYTES {
        return Err(Error::invalid(format!(
            "the id is {} bytes; at most {} are allowed",
            id.len(),
            MAX_BYTES
        )));
    }
    if id.contains('\0') {
        return Err(Error::invalid("the id contains a NUL character"));
    }
    Ok(())
}
