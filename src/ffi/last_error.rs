//! The per-thread message of the last failed call, as in `errno`/`dlerror`: each thread
//! has its own, a failing call replaces it, a successful call leaves it alone.

use std::cell::RefCell;
use std::ffi::{c_char, CString};

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Records `message` as this thread's last error (interior NULs become spaces).
pub(crate) fn set(message: String) {
    let mut bytes = message.into_bytes();
    bytes
        .iter_mut()
        .filter(|b| **b == 0)
        .for_each(|b| *b = b' ');
    let message = CString::new(bytes).unwrap_or_default();
    // `try_with`: during thread teardown the slot may be gone; then there is no one to
    // read the message anyway.
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = message);
}

/// The message of the last failed drgan call on the calling thread, UTF-8 and
/// NUL-terminated; `""` when no call has failed on this thread yet. Never NULL.
///
/// Lifetime: the string belongs to drgan and stays valid until the next drgan call
/// that fails on the same thread (or until the thread exits); copy it to keep it.
/// Successful calls do not change it, so read it only right after a call that returned
/// something other than `DRGAN_STATUS_OK`. Other threads' calls never affect it.
#[no_mangle]
pub extern "C" fn drgan_last_error() -> *const c_char {
    LAST_ERROR
        .try_with(|slot| slot.borrow().as_ptr())
        .unwrap_or(c"".as_ptr())
}
