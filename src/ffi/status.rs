//! `DrganStatus`: the result of every fallible C call. The numbers are fixed forever;
//! a retired status keeps its number and a new one takes the next free number.

use std::ffi::c_char;

use crate::Error;

/// The result of a drgan C call. `DRGAN_STATUS_OK` (0) is success; every other value
/// is a failure whose message `drgan_last_error()` returns on the same thread.
/// The numbers never change between releases.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DrganStatus {
    /// Success; out-parameters have been written.
    Ok = 0,
    /// A pointer argument that must not be NULL was NULL.
    NullArgument = 1,
    /// An argument is malformed: zero or inconsistent sizes, a stride shorter than a row,
    /// an unknown pixel format or backend value, a length that does not match the model,
    /// a path that is not UTF-8.
    InvalidArgument = 2,
    /// A caller-owned output buffer is too short. The needed number of elements is
    /// written to the call's `out_needed` parameter (when not NULL) and given in the
    /// message.
    BufferTooSmall = 3,
    /// A file could not be read or written (missing, a directory, no permission).
    Io = 4,
    /// A model file is not a valid DR-GAN bundle part (not ONNX, truncated, missing or
    /// wrong metadata, wrong inputs or outputs).
    InvalidModel = 5,
    /// The parts of a bundle do not belong together (encoder and decoder of different
    /// configurations).
    ModelMismatch = 6,
    /// Bytes that should hold an image could not be decoded, or a PNG not encoded.
    ImageDecode = 7,
    /// A value is outside what the model supports (a yaw beyond the bundle's range).
    OutOfRange = 8,
    /// The model or this build of the library cannot do this (estimating yaw with a
    /// bundle that has no pose head; opening the default model in a library built
    /// without it).
    Unsupported = 9,
    /// The requested compute backend is not available on this machine or in this build.
    BackendUnavailable = 10,
    /// The inference engine failed while running the model, or produced NaN/infinity.
    Inference = 11,
    /// An input exceeds a limit of `DrganOptions` (image pixels, model file bytes).
    LimitExceeded = 12,
    /// drgan panicked inside the call and the panic was caught. This is a bug in drgan;
    /// please report it with the message. The model handle stays usable.
    Panic = 13,
    /// A gallery file is not a drgan gallery, is corrupt or truncated, is of an unknown
    /// format, or could not be written (locked by another process past the timeout, disk
    /// full). A gallery built with another model is `DRGAN_STATUS_MODEL_MISMATCH`.
    Gallery = 14,
}

impl DrganStatus {
    /// Every status, in numeric order.
    pub const ALL: [DrganStatus; 15] = [
        DrganStatus::Ok,
        DrganStatus::NullArgument,
        DrganStatus::InvalidArgument,
        DrganStatus::BufferTooSmall,
        DrganStatus::Io,
        DrganStatus::InvalidModel,
        DrganStatus::ModelMismatch,
        DrganStatus::ImageDecode,
        DrganStatus::OutOfRange,
        DrganStatus::Unsupported,
        DrganStatus::BackendUnavailable,
        DrganStatus::Inference,
        DrganStatus::LimitExceeded,
        DrganStatus::Panic,
        DrganStatus::Gallery,
    ];

    /// The status with this number, if any.
    pub fn from_raw(value: i32) -> Option<DrganStatus> {
        usize::try_from(value)
            .ok()
            .and_then(|i| DrganStatus::ALL.get(i).copied())
    }

    /// The status's name as spelled in the header, e.g. `DRGAN_STATUS_OK`.
    pub fn name(self) -> &'static str {
        self.name_c().to_str().unwrap_or("DRGAN_STATUS_UNKNOWN")
    }

    fn name_c(self) -> &'static std::ffi::CStr {
        match self {
            DrganStatus::Ok => c"DRGAN_STATUS_OK",
            DrganStatus::NullArgument => c"DRGAN_STATUS_NULL_ARGUMENT",
            DrganStatus::InvalidArgument => c"DRGAN_STATUS_INVALID_ARGUMENT",
            DrganStatus::BufferTooSmall => c"DRGAN_STATUS_BUFFER_TOO_SMALL",
            DrganStatus::Io => c"DRGAN_STATUS_IO",
            DrganStatus::InvalidModel => c"DRGAN_STATUS_INVALID_MODEL",
            DrganStatus::ModelMismatch => c"DRGAN_STATUS_MODEL_MISMATCH",
            DrganStatus::ImageDecode => c"DRGAN_STATUS_IMAGE_DECODE",
            DrganStatus::OutOfRange => c"DRGAN_STATUS_OUT_OF_RANGE",
            DrganStatus::Unsupported => c"DRGAN_STATUS_UNSUPPORTED",
            DrganStatus::BackendUnavailable => c"DRGAN_STATUS_BACKEND_UNAVAILABLE",
            DrganStatus::Inference => c"DRGAN_STATUS_INFERENCE",
            DrganStatus::LimitExceeded => c"DRGAN_STATUS_LIMIT_EXCEEDED",
            DrganStatus::Panic => c"DRGAN_STATUS_PANIC",
            DrganStatus::Gallery => c"DRGAN_STATUS_GALLERY",
        }
    }
}

impl From<&Error> for DrganStatus {
    fn from(error: &Error) -> Self {
        match error {
            Error::NullArgument(_) => DrganStatus::NullArgument,
            Error::InvalidArgument(_) => DrganStatus::InvalidArgument,
            Error::BufferTooSmall { .. } => DrganStatus::BufferTooSmall,
            Error::Io { .. } => DrganStatus::Io,
            Error::InvalidModel(_) => DrganStatus::InvalidModel,
            Error::ModelMismatch(_) => DrganStatus::ModelMismatch,
            Error::ImageDecode(_) => DrganStatus::ImageDecode,
            Error::OutOfRange(_) => DrganStatus::OutOfRange,
            Error::Unsupported(_) => DrganStatus::Unsupported,
            Error::BackendUnavailable(_) => DrganStatus::BackendUnavailable,
            Error::Inference(_) => DrganStatus::Inference,
            Error::LimitExceeded(_) => DrganStatus::LimitExceeded,
            Error::Panic(_) => DrganStatus::Panic,
            Error::Gallery(_) => DrganStatus::Gallery,
        }
    }
}

/// The name of a status as spelled in this header, e.g. `"DRGAN_STATUS_OK"`, or
/// `"DRGAN_STATUS_UNKNOWN"` for a number that is no status. Never NULL; the string is
/// static (never freed, valid for the life of the process). Thread-safe.
#[no_mangle]
pub extern "C" fn drgan_status_name(status: i32) -> *const c_char {
    match DrganStatus::from_raw(status) {
        Some(s) => s.name_c().as_ptr(),
        None => c"DRGAN_STATUS_UNKNOWN".as_ptr(),
    }
}
