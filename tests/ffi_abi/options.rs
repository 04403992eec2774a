//! `DrganOptions`: defaults, `struct_size` for older and newer callers, validation.

use std::mem::{offset_of, size_of};
use std::ptr;

use drgan::ffi::*;

use crate::support::*;

fn defaults() -> DrganOptions {
    let mut o = DrganOptions {
        struct_size: size_of::<DrganOptions>(),
        backend: -1,
        reserved: 9,
        max_image_pixels: 0,
        max_model_bytes: 0,
        threads: 99,
        reserved2: 9,
    };
    assert_eq!(unsafe { drgan_options_default(&mut o) }, DrganStatus::Ok);
    o
}

#[test]
fn default_options_are_the_rust_defaults() {
    let o = defaults();
    let r = drgan::Options::default();
    assert_eq!(o.struct_size, size_of::<DrganOptions>());
    assert_eq!(o.backend, DrganBackend::Auto as i32);
    assert_eq!(o.reserved, 0);
    assert_eq!(o.max_image_pixels, r.max_image_pixels);
    assert_eq!(o.max_model_bytes, r.max_model_bytes);
    assert_eq!((o.threads, o.reserved2), (1, 0));
    assert_eq!(o.threads as usize, r.threads);
}

#[test]
fn default_writes_only_struct_size_bytes() {
    // A caller whose header knew only `struct_size`, `backend` and `reserved`.
    let old = offset_of!(DrganOptions, max_image_pixels);
    let mut o = DrganOptions {
        struct_size: old,
        backend: 7,
        reserved: 7,
        max_image_pixels: 7,
        max_model_bytes: 7,
        threads: 7,
        reserved2: 7,
    };
    assert_eq!(unsafe { drgan_options_default(&mut o) }, DrganStatus::Ok);
    assert_eq!((o.struct_size, o.backend, o.reserved), (old, 0, 0));
    assert_eq!((o.max_image_pixels, o.max_model_bytes), (7, 7));
    assert_eq!((o.threads, o.reserved2), (7, 7));
}

#[test]
fn default_rejects_null_and_unset_struct_size() {
    let s = unsafe { drgan_options_default(ptr::null_mut()) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_options_default",
        &["options"],
    );
    let mut o = defaults();
    o.struct_size = 0;
    let s = unsafe { drgan_options_default(&mut o) };
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_options_default",
        &["struct_size"],
    );
    assert_eq!(o.backend, 0, "nothing written on failure");
}

fn open_with(o: &DrganOptions) -> (DrganStatus, Handle) {
    let dir = cstr(tiny_dir());
    let mut m = ptr::null_mut();
    let s = unsafe { drgan_model_open(dir.as_ptr(), o, &mut m) };
    (s, Handle(m))
}

#[test]
fn options_are_validated() {
    let cases: [(&str, DrganOptions, &str); 7] = [
        (
            "unknown backend",
            DrganOptions {
                backend: 3,
                ..defaults()
            },
            "backend",
        ),
        (
            "negative backend",
            DrganOptions {
                backend: -1,
                ..defaults()
            },
            "backend",
        ),
        (
            "reserved set",
            DrganOptions {
                reserved: 1,
                ..defaults()
            },
            "reserved",
        ),
        (
            "reserved2 set",
            DrganOptions {
                reserved2: 1,
                ..defaults()
            },
            "reserved2",
        ),
        (
            "absurd thread count",
            DrganOptions {
                threads: 100_000,
                ..defaults()
            },
            "threads",
        ),
        (
            "zero pixel limit",
            DrganOptions {
                max_image_pixels: 0,
                ..defaults()
            },
            "max_image_pixels",
        ),
        (
            "struct_size unset",
            DrganOptions {
                struct_size: 0,
                ..defaults()
            },
            "struct_size",
        ),
    ];
    for (what, o, word) in cases {
        let (s, m) = open_with(&o);
        assert!(m.0.is_null(), "{what}: out_model written on failure");
        fails(s, DrganStatus::InvalidArgument, "drgan_model_open", &[word]);
    }
}

#[test]
fn options_from_an_older_header_keep_later_defaults() {
    let o = DrganOptions {
        struct_size: offset_of!(DrganOptions, max_image_pixels),
        backend: DrganBackend::Cpu as i32,
        reserved: 0,
        max_image_pixels: 0, // beyond struct_size: must not be read
        max_model_bytes: 0,
        threads: 100_000,
        reserved2: 1,
    };
    let (s, m) = open_with(&o);
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    assert!(!m.0.is_null());
}

#[test]
fn options_from_a_newer_header_are_accepted_only_with_their_new_fields_zero() {
    #[repr(C)]
    struct Newer {
        base: DrganOptions,
        future_field: u64,
    }
    let mut n = Newer {
        base: DrganOptions {
            struct_size: size_of::<Newer>(),
            ..defaults()
        },
        future_field: 0,
    };
    let (s, _m) = open_with(&n.base);
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());

    // A field this library does not know asks for something it cannot do: refused.
    n.future_field = 99;
    let (s, m) = open_with(&n.base);
    assert!(m.0.is_null());
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_model_open",
        &[
            "does not know",
            &format!("byte {}", size_of::<DrganOptions>()),
        ],
    );
}

#[test]
fn an_absurd_struct_size_is_refused_without_reading_past_it() {
    let (s, m) = open_with(&DrganOptions {
        struct_size: 1 << 40,
        ..defaults()
    });
    assert!(m.0.is_null());
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_model_open",
        &["struct_size is 1099511627776"],
    );
}

#[test]
fn limits_apply() {
    let (s, m) = open_with(&DrganOptions {
        max_model_bytes: 100,
        ..defaults()
    });
    assert!(m.0.is_null());
    fails(s, DrganStatus::LimitExceeded, "drgan_model_open", &["100"]);

    let (s, m) = open_with(&DrganOptions {
        max_image_pixels: 32 * 32,
        ..defaults()
    });
    assert_eq!(s, DrganStatus::Ok);
    let (ok, big) = (Pic::rgb(32, 32, 1), Pic::rgb(33, 32, 1));
    let (mut f, mut c) = ([0f32; NF], 0f32);
    let embed = |p: &Pic, f: &mut [f32; NF], c: &mut f32| unsafe {
        drgan_embed(m.ptr(), &p.image, f.as_mut_ptr(), NF, ptr::null_mut(), c)
    };
    assert_eq!(embed(&ok, &mut f, &mut c), DrganStatus::Ok);
    let s = embed(&big, &mut f, &mut c);
    fails(
        s,
        DrganStatus::LimitExceeded,
        "drgan_embed",
        &["33x32", "1024"],
    );
}

#[test]
fn the_gpu_backend_is_either_there_or_clearly_unavailable() {
    let (s, m) = open_with(&DrganOptions {
        backend: DrganBackend::Gpu as i32,
        ..defaults()
    });
    match s {
        DrganStatus::Ok => assert!(!m.0.is_null()),
        _ => {
            assert!(m.0.is_null());
            fails(
                s,
                DrganStatus::BackendUnavailable,
                "drgan_model_open",
                &["GPU"],
            );
        }
    }
}

#[test]
fn threads_are_used_and_reported_by_model_info() {
    for (asked, expected) in [
        (1u32, 1usize),
        (3, 3),
        (0, std::thread::available_parallelism().unwrap().get()),
    ] {
        let (s, m) = open_with(&DrganOptions {
            threads: asked,
            ..defaults()
        });
        assert_eq!(s, DrganStatus::Ok, "{}", last_error());
        let mut info: DrganModelInfo = unsafe { std::mem::zeroed() };
        info.struct_size = size_of::<DrganModelInfo>();
        assert_eq!(
            unsafe { drgan_model_info(m.ptr(), &mut info) },
            DrganStatus::Ok
        );
        assert_eq!(info.threads, expected, "threads {asked}");
    }
    // An older caller's DrganModelInfo, without `threads`, is filled up to its size.
    let (_, m) = open_with(&defaults());
    let mut info: DrganModelInfo = unsafe { std::mem::zeroed() };
    info.struct_size = offset_of!(DrganModelInfo, threads);
    info.threads = 77;
    assert_eq!(
        unsafe { drgan_model_info(m.ptr(), &mut info) },
        DrganStatus::Ok
    );
    assert_eq!(
        (info.struct_size, info.threads),
        (offset_of!(DrganModelInfo, threads), 77)
    );
}
