//! Bounded file reading, shared by bundle loading and image loading: a file is read
//! whole only after its size is checked against the caller's limit.

use std::path::Path;

use crate::error::{Error, Result};

/// Reads a whole file, refusing directories and files larger than `max_bytes`.
pub(crate) fn read_limited(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    let err = |source| Error::Io {
        path: path.into(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(err)?;
    if !meta.is_file() {
        return Err(err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    if meta.len() > max_bytes {
        return Err(Error::LimitExceeded(format!(
            "{} is {} bytes, over the limit of {max_bytes} bytes",
            path.display(),
            meta.len()
        )));
    }
    std::fs::read(path).map_err(err)
}
