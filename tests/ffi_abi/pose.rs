//! Yaw estimation, with and without a pose head.

use std::ptr;

use drgan::ffi::*;

use crate::support::*;

#[test]
fn estimate_yaw_matches_the_rust_api() {
    let pic = Pic::rgb(50, 40, 13);
    let mut yaw = f32::NAN;
    let s = unsafe { drgan_estimate_yaw(model(), &pic.image, &mut yaw) };
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    assert_eq!(yaw, rust_model().estimate_yaw(&pic.view()).unwrap());
    assert!((-90.0..=90.0).contains(&yaw));
}

#[test]
fn estimate_yaw_needs_a_pose_head() {
    let b = tiny();
    let no_head = open(&drgan::bundle::BundleFiles {
        pose: None,
        ..b.clone()
    });
    let pic = Pic::rgb(32, 32, 14);
    let mut yaw = 123.0;
    let s = unsafe { drgan_estimate_yaw(no_head.ptr(), &pic.image, &mut yaw) };
    fails(
        s,
        DrganStatus::Unsupported,
        "drgan_estimate_yaw",
        &["pose head"],
    );
    assert_eq!(yaw, 123.0);
}

#[test]
fn estimate_yaw_rejects_bad_arguments() {
    let pic = Pic::rgb(32, 32, 15);
    let mut yaw = 123.0;
    let s = unsafe { drgan_estimate_yaw(ptr::null(), &pic.image, &mut yaw) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_estimate_yaw",
        &["`model`"],
    );
    let s = unsafe { drgan_estimate_yaw(model(), ptr::null(), &mut yaw) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_estimate_yaw",
        &["`face`"],
    );
    let s = unsafe { drgan_estimate_yaw(model(), &pic.image, ptr::null_mut()) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_estimate_yaw",
        &["`out_yaw`"],
    );
    for (what, image, status, word) in bad_images(&pic) {
        let s = unsafe { drgan_estimate_yaw(model(), &image, &mut yaw) };
        assert_eq!(s, status, "{what}");
        fails(s, status, "drgan_estimate_yaw", &[word]);
    }
    assert_eq!(yaw, 123.0);
}
