//! Frontalize, rotate and synthesize into caller buffers.

use std::ptr;

use drgan::ffi::*;

use crate::support::*;

fn frontalize(face: &DrganImage, seed: u64) -> (DrganStatus, Vec<u8>, usize) {
    let (mut out, mut n) = (vec![0u8; IMAGE_BYTES], 0usize);
    let s = unsafe { drgan_frontalize(model(), face, seed, out.as_mut_ptr(), out.len(), &mut n) };
    (s, out, n)
}

fn rotate(face: &DrganImage, yaw: f32, seed: u64) -> (DrganStatus, Vec<u8>) {
    let mut out = vec![0u8; IMAGE_BYTES];
    let s = unsafe {
        drgan_rotate(
            model(),
            face,
            yaw,
            seed,
            out.as_mut_ptr(),
            out.len(),
            ptr::null_mut(),
        )
    };
    (s, out)
}

fn synthesize(feature: &[f32], yaw: f32, seed: u64) -> (DrganStatus, Vec<u8>) {
    let mut out = vec![0u8; IMAGE_BYTES];
    let s = unsafe {
        drgan_synthesize(
            model(),
            feature.as_ptr(),
            feature.len(),
            yaw,
            seed,
            out.as_mut_ptr(),
            out.len(),
            ptr::null_mut(),
        )
    };
    (s, out)
}

#[test]
fn synthesis_matches_the_rust_api_and_is_seeded() {
    let pic = Pic::rgb(40, 36, 7);
    let (s, front, n) = frontalize(&pic.image, 3);
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    assert_eq!(n, IMAGE_BYTES);
    assert_eq!(front, rust_model().frontalize(&pic.view(), 3).unwrap().data);
    assert_eq!(frontalize(&pic.image, 3).1, front, "same seed, same image");
    assert_eq!(rotate(&pic.image, 0.0, 3), (DrganStatus::Ok, front.clone()));

    let (s, turned) = rotate(&pic.image, 37.5, 3);
    assert_eq!(s, DrganStatus::Ok);
    assert_eq!(
        turned,
        rust_model().rotate(&pic.view(), 37.5, 3).unwrap().data
    );

    let feature = rust_model().embed(&pic.view()).unwrap().feature;
    let (s, drawn) = synthesize(&feature, -90.0, 5);
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    assert_eq!(
        drawn,
        rust_model().synthesize(&feature, -90.0, 5).unwrap().data
    );
    assert_eq!(synthesize(&feature, 0.0, 3).1, front);
}

#[test]
fn yaws_outside_the_range_are_refused() {
    let pic = Pic::rgb(32, 32, 8);
    let feature = [0.5f32; NF];
    for yaw in [
        90.01,
        -91.0,
        1e9,
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
    ] {
        let (s, out) = rotate(&pic.image, yaw, 1);
        fails(
            s,
            DrganStatus::OutOfRange,
            "drgan_rotate",
            &["yaw", "[-90, 90]"],
        );
        assert!(out.iter().all(|&b| b == 0));
        let (s, _) = synthesize(&feature, yaw, 1);
        fails(s, DrganStatus::OutOfRange, "drgan_synthesize", &["yaw"]);
    }
}

#[test]
fn short_buffers_report_the_needed_size() {
    let pic = Pic::rgb(32, 32, 9);
    let feature = [0.5f32; NF];
    let mut out = vec![0u8; IMAGE_BYTES - 1];
    let (len, m) = (out.len(), model());
    let want = ["3072 elements needed", "3071 given"];

    let mut n = 0;
    let s = unsafe { drgan_frontalize(m, &pic.image, 1, out.as_mut_ptr(), len, &mut n) };
    fails(s, DrganStatus::BufferTooSmall, "drgan_frontalize", &want);
    assert_eq!(n, IMAGE_BYTES);
    let mut n = 0;
    let s = unsafe { drgan_rotate(m, &pic.image, 15.0, 1, out.as_mut_ptr(), len, &mut n) };
    fails(s, DrganStatus::BufferTooSmall, "drgan_rotate", &want);
    assert_eq!(n, IMAGE_BYTES);
    let mut n = 0;
    let f = feature.as_ptr();
    let s = unsafe { drgan_synthesize(m, f, NF, 15.0, 1, out.as_mut_ptr(), len, &mut n) };
    fails(s, DrganStatus::BufferTooSmall, "drgan_synthesize", &want);
    assert_eq!(n, IMAGE_BYTES);
    assert!(out.iter().all(|&b| b == 0), "buffer untouched on failure");
}

#[test]
fn synthesis_rejects_null_and_bad_arguments() {
    let pic = Pic::rgb(32, 32, 10);
    let mut out = vec![0u8; IMAGE_BYTES];
    let (o, len) = (out.as_mut_ptr(), IMAGE_BYTES);
    let nul = ptr::null_mut();

    let s = unsafe { drgan_frontalize(ptr::null(), &pic.image, 1, o, len, nul) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_frontalize",
        &["`model`"],
    );
    let s = unsafe { drgan_frontalize(model(), ptr::null(), 1, o, len, nul) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_frontalize",
        &["`face`"],
    );
    let s = unsafe { drgan_frontalize(model(), &pic.image, 1, ptr::null_mut(), len, nul) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_frontalize",
        &["`out_rgb`"],
    );

    let s = unsafe { drgan_rotate(ptr::null(), &pic.image, 0.0, 1, o, len, nul) };
    fails(s, DrganStatus::NullArgument, "drgan_rotate", &["`model`"]);
    let s = unsafe { drgan_rotate(model(), ptr::null(), 0.0, 1, o, len, nul) };
    fails(s, DrganStatus::NullArgument, "drgan_rotate", &["`face`"]);
    let s = unsafe { drgan_rotate(model(), &pic.image, 0.0, 1, ptr::null_mut(), len, nul) };
    fails(s, DrganStatus::NullArgument, "drgan_rotate", &["`out_rgb`"]);

    for (what, image, status, word) in bad_images(&pic) {
        let s = unsafe { drgan_frontalize(model(), &image, 1, o, len, nul) };
        assert_eq!(s, status, "{what}");
        fails(s, status, "drgan_frontalize", &[word]);
        let s = unsafe { drgan_rotate(model(), &image, 0.0, 1, o, len, nul) };
        fails(s, status, "drgan_rotate", &[word]);
    }

    let f = [0.5f32; NF + 1];
    let s = unsafe { drgan_synthesize(ptr::null(), f.as_ptr(), NF, 0.0, 1, o, len, nul) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_synthesize",
        &["`model`"],
    );
    let s = unsafe { drgan_synthesize(model(), ptr::null(), NF, 0.0, 1, o, len, nul) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_synthesize",
        &["`feature`"],
    );
    let s = unsafe { drgan_synthesize(model(), f.as_ptr(), NF, 0.0, 1, ptr::null_mut(), len, nul) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_synthesize",
        &["`out_rgb`"],
    );
    let s = unsafe { drgan_synthesize(model(), f.as_ptr(), NF + 1, 0.0, 1, o, len, nul) };
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_synthesize",
        &["17", "16"],
    );
    let nan = [f32::NAN; NF];
    let s = unsafe { drgan_synthesize(model(), nan.as_ptr(), NF, 0.0, 1, o, len, nul) };
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_synthesize",
        &["NaN"],
    );
    assert!(out.iter().all(|&b| b == 0));
}
