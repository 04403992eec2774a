//! Statuses, their names, the per-thread last error, versions.

use std::ffi::CStr;
use std::ptr;

use drgan::ffi::*;
use drgan::Error;

use crate::support::*;

fn name(status: i32) -> &'static str {
    unsafe { CStr::from_ptr(drgan_status_name(status)) }
        .to_str()
        .unwrap()
}

#[test]
fn status_numbers_are_fixed_and_named() {
    let expected = [
        (DrganStatus::Ok, 0, "DRGAN_STATUS_OK"),
        (DrganStatus::NullArgument, 1, "DRGAN_STATUS_NULL_ARGUMENT"),
        (
            DrganStatus::InvalidArgument,
            2,
            "DRGAN_STATUS_INVALID_ARGUMENT",
        ),
        (
            DrganStatus::BufferTooSmall,
            3,
            "DRGAN_STATUS_BUFFER_TOO_SMALL",
        ),
        (DrganStatus::Io, 4, "DRGAN_STATUS_IO"),
        (DrganStatus::InvalidModel, 5, "DRGAN_STATUS_INVALID_MODEL"),
        (DrganStatus::ModelMismatch, 6, "DRGAN_STATUS_MODEL_MISMATCH"),
        (DrganStatus::ImageDecode, 7, "DRGAN_STATUS_IMAGE_DECODE"),
        (DrganStatus::OutOfRange, 8, "DRGAN_STATUS_OUT_OF_RANGE"),
        (DrganStatus::Unsupported, 9, "DRGAN_STATUS_UNSUPPORTED"),
        (
            DrganStatus::BackendUnavailable,
            10,
            "DRGAN_STATUS_BACKEND_UNAVAILABLE",
        ),
        (DrganStatus::Inference, 11, "DRGAN_STATUS_INFERENCE"),
        (
            DrganStatus::LimitExceeded,
            12,
            "DRGAN_STATUS_LIMIT_EXCEEDED",
        ),
        (DrganStatus::Panic, 13, "DRGAN_STATUS_PANIC"),
        (DrganStatus::Gallery, 14, "DRGAN_STATUS_GALLERY"),
    ];
    assert_eq!(expected.len(), DrganStatus::ALL.len());
    for (status, number, text) in expected {
        assert_eq!(status as i32, number);
        assert_eq!(DrganStatus::from_raw(number), Some(status));
        assert_eq!(name(number), text);
        assert_eq!(status.name(), text);
    }
    for unknown in [-1, 15, 1000, i32::MIN, i32::MAX] {
        assert_eq!(name(unknown), "DRGAN_STATUS_UNKNOWN");
        assert_eq!(DrganStatus::from_raw(unknown), None);
    }
}

#[test]
fn every_error_variant_has_its_own_status() {
    let io = || Error::Io {
        path: "x".into(),
        source: std::io::Error::other("x"),
    };
    let s = |s: &str| s.to_string();
    let cases = [
        (Error::NullArgument("x"), DrganStatus::NullArgument),
        (Error::InvalidArgument(s("x")), DrganStatus::InvalidArgument),
        (
            Error::BufferTooSmall {
                needed: 2,
                given: 1,
            },
            DrganStatus::BufferTooSmall,
        ),
        (io(), DrganStatus::Io),
        (Error::InvalidModel(s("x")), DrganStatus::InvalidModel),
        (Error::ModelMismatch(s("x")), DrganStatus::ModelMismatch),
        (Error::ImageDecode(s("x")), DrganStatus::ImageDecode),
        (Error::OutOfRange(s("x")), DrganStatus::OutOfRange),
        (Error::Unsupported(s("x")), DrganStatus::Unsupported),
        (
            Error::BackendUnavailable(s("x")),
            DrganStatus::BackendUnavailable,
        ),
        (Error::Inference(s("x")), DrganStatus::Inference),
        (Error::LimitExceeded(s("x")), DrganStatus::LimitExceeded),
        (Error::Panic(s("x")), DrganStatus::Panic),
        (Error::Gallery(s("x")), DrganStatus::Gallery),
    ];
    let mut seen = std::collections::HashSet::new();
    for (e, status) in &cases {
        assert_eq!(DrganStatus::from(e), *status);
        assert!(seen.insert(*status));
    }
    assert_eq!(
        seen.len() + 1,
        DrganStatus::ALL.len(),
        "one status per variant, plus OK"
    );
}

#[test]
fn versions_report_the_library() {
    let v = unsafe { CStr::from_ptr(drgan_version()) }.to_str().unwrap();
    assert_eq!(v, env!("CARGO_PKG_VERSION"));
    assert_eq!(v, drgan::VERSION);
    assert_eq!(drgan_abi_version(), ABI_VERSION);
    assert_eq!(drgan_abi_version(), 2);
}

fn fail_similarity() -> DrganStatus {
    let a = [1f32, 2.0];
    let mut out = 0f32;
    unsafe { drgan_similarity(a.as_ptr(), 2, a.as_ptr(), 1, &mut out) }
}

fn fail_null() -> DrganStatus {
    let mut out = 0f32;
    unsafe { drgan_similarity(ptr::null(), 2, ptr::null(), 2, &mut out) }
}

#[test]
fn last_error_is_per_thread_and_kept_until_the_next_failure() {
    std::thread::spawn(|| {
        assert_eq!(last_error(), "", "a new thread has no message");
        assert_eq!(fail_similarity(), DrganStatus::InvalidArgument);
        let first = last_error();
        assert!(
            first.contains("drgan_similarity") && first.contains("differ"),
            "{first}"
        );
        let kept = drgan_last_error();

        // Another thread's failure does not touch this thread's message.
        std::thread::spawn(|| {
            assert_eq!(last_error(), "");
            assert_eq!(fail_null(), DrganStatus::NullArgument);
            assert!(last_error().contains("`a` is NULL"));
        })
        .join()
        .unwrap();
        assert_eq!(last_error(), first);

        // A success leaves it, and the pointer stays valid until the next failure.
        let (a, mut out) = ([1f32, 0.0], 0f32);
        let s = unsafe { drgan_similarity(a.as_ptr(), 2, a.as_ptr(), 2, &mut out) };
        assert_eq!(s, DrganStatus::Ok);
        assert_eq!(out, 1.0);
        assert_eq!(unsafe { CStr::from_ptr(kept) }.to_str().unwrap(), first);

        assert_eq!(fail_null(), DrganStatus::NullArgument);
        assert!(last_error().contains("NULL"));
    })
    .join()
    .unwrap();
}
