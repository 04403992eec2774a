//! The guard around every export: a panic never unwinds into C. A caught panic becomes
//! `DRGAN_STATUS_PANIC` with its message; an error becomes its status and message.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::last_error;
use super::status::DrganStatus;
use crate::{Error, Result};

/// Runs `body` for the C function `function`: `Ok` is `DRGAN_STATUS_OK`; an error or a
/// panic is recorded as this thread's last error and returned as its status.
///
/// `AssertUnwindSafe` is sound here: the only shared state a call touches is an
/// immutable `Model`, so a panic cannot leave anything half-updated.
pub(crate) fn guard(function: &'static str, body: impl FnOnce() -> Result<()>) -> DrganStatus {
    let error = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return DrganStatus::Ok,
        Ok(Err(e)) => e,
        Err(payload) => Error::Panic(panic_message(payload.as_ref())),
    };
    let status = DrganStatus::from(&error);
    last_error::set(format!("{function}: {error}"));
    status
}

/// Runs `body` for a function with no status to return; a panic yields `fallback`.
pub(crate) fn guard_or<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with no message".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn last() -> String {
        unsafe { CStr::from_ptr(last_error::drgan_last_error()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn a_panic_becomes_a_status_and_a_message() {
        let status = guard("drgan_test", || panic!("boom {}", 42));
        assert_eq!(status, DrganStatus::Panic);
        assert_eq!(last(), "drgan_test: internal panic: boom 42");
        assert_eq!(guard_or(7, || panic!("static message")), 7);
    }

    #[test]
    fn an_error_becomes_its_status_and_ok_leaves_the_message() {
        let status = guard("drgan_test", || Err(Error::OutOfRange("yaw 99".into())));
        assert_eq!(status, DrganStatus::OutOfRange);
        assert_eq!(last(), "drgan_test: out of range: yaw 99");
        assert_eq!(guard("drgan_test", || Ok(())), DrganStatus::Ok);
        assert_eq!(last(), "drgan_test: out of range: yaw 99");
    }
}
