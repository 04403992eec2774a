//! Five-point alignment into a caller buffer.

use std::ptr;

use drgan::ffi::*;

use crate::support::*;

fn align(image: &DrganImage, points: &[f32], out_len: usize) -> (DrganStatus, Vec<u8>, usize) {
    let (mut out, mut n) = (vec![0u8; out_len], 0usize);
    let s = unsafe {
        drgan_align(
            model(),
            image,
            points.as_ptr(),
            points.len(),
            out.as_mut_ptr(),
            out_len,
            &mut n,
        )
    };
    (s, out, n)
}

/// The model's canonical points, scaled by 2 (for a picture twice the input size).
fn points() -> Vec<f32> {
    rust_model()
        .info()
        .landmarks
        .concat()
        .iter()
        .map(|v| v * 2.0)
        .collect()
}

#[test]
fn align_matches_the_rust_api() {
    let pic = Pic::rgb(64, 64, 16);
    let (s, crop, n) = align(&pic.image, &points(), IMAGE_BYTES);
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    assert_eq!(n, IMAGE_BYTES);
    let p = points();
    let lm = [0, 1, 2, 3, 4].map(|i| [p[2 * i], p[2 * i + 1]]);
    assert_eq!(crop, rust_model().align(&pic.view(), &lm).unwrap().data);
    assert!(crop.iter().any(|&b| b != 0));
}

#[test]
fn align_rejects_bad_arguments() {
    let pic = Pic::rgb(64, 64, 17);
    let p = points();

    let (s, out, n) = align(&pic.image, &p, IMAGE_BYTES - 3);
    fails(
        s,
        DrganStatus::BufferTooSmall,
        "drgan_align",
        &["3072 elements needed"],
    );
    assert_eq!(n, IMAGE_BYTES);
    assert!(out.iter().all(|&b| b == 0));

    let (s, _, n) = align(&pic.image, &p[..8], IMAGE_BYTES);
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_align",
        &["landmarks_len is 8"],
    );
    assert_eq!(n, 0);
    let mut nan = p.clone();
    nan[3] = f32::NAN;
    let (s, ..) = align(&pic.image, &nan, IMAGE_BYTES);
    fails(s, DrganStatus::InvalidArgument, "drgan_align", &["NaN"]);
    let (s, ..) = align(&pic.image, &[5.0; 10], IMAGE_BYTES);
    fails(s, DrganStatus::InvalidArgument, "drgan_align", &[]);

    for (what, image, status, word) in bad_images(&pic) {
        let (s, ..) = align(&image, &p, IMAGE_BYTES);
        assert_eq!(s, status, "{what}");
        fails(s, status, "drgan_align", &[word]);
    }

    let mut out = vec![0u8; IMAGE_BYTES];
    let (o, len, nul) = (out.as_mut_ptr(), IMAGE_BYTES, ptr::null_mut());
    let s = unsafe { drgan_align(ptr::null(), &pic.image, p.as_ptr(), 10, o, len, nul) };
    fails(s, DrganStatus::NullArgument, "drgan_align", &["`model`"]);
    let s = unsafe { drgan_align(model(), ptr::null(), p.as_ptr(), 10, o, len, nul) };
    fails(s, DrganStatus::NullArgument, "drgan_align", &["`image`"]);
    let s = unsafe { drgan_align(model(), &pic.image, ptr::null(), 10, o, len, nul) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_align",
        &["`landmarks`"],
    );
    let s = unsafe {
        drgan_align(
            model(),
            &pic.image,
            p.as_ptr(),
            10,
            ptr::null_mut(),
            len,
            nul,
        )
    };
    fails(s, DrganStatus::NullArgument, "drgan_align", &["`out_rgb`"]);
}

fn align_box(image: &DrganImage, face: &[f32], out_len: usize) -> (DrganStatus, Vec<u8>) {
    let mut out = vec![0u8; out_len];
    let s = unsafe {
        drgan_align_box(
            model(),
            image,
            face.as_ptr(),
            face.len(),
            out.as_mut_ptr(),
            out_len,
            ptr::null_mut(),
        )
    };
    (s, out)
}

#[test]
fn align_box_matches_the_rust_api_and_rejects_bad_boxes() {
    let pic = Pic::rgb(64, 64, 18);
    let face = [10.0, 8.0, 50.0, 58.0];
    let (s, crop) = align_box(&pic.image, &face, IMAGE_BYTES);
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    assert_eq!(
        crop,
        rust_model().align_box(&pic.view(), &face).unwrap().data
    );

    let (s, _) = align_box(&pic.image, &face[..3], IMAGE_BYTES);
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_align_box",
        &["face_len is 3"],
    );
    let (s, _) = align_box(&pic.image, &[50.0, 8.0, 10.0, 58.0], IMAGE_BYTES);
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_align_box",
        &["empty"],
    );
    let (s, _) = align_box(&pic.image, &[f32::NAN, 8.0, 50.0, 58.0], IMAGE_BYTES);
    fails(s, DrganStatus::InvalidArgument, "drgan_align_box", &["NaN"]);
    let (s, _) = align_box(&pic.image, &face, IMAGE_BYTES - 1);
    fails(s, DrganStatus::BufferTooSmall, "drgan_align_box", &[]);
    let s = unsafe {
        drgan_align_box(
            model(),
            &pic.image,
            ptr::null(),
            4,
            ptr::null_mut(),
            0,
            ptr::null_mut(),
        )
    };
    fails(s, DrganStatus::NullArgument, "drgan_align_box", &["`face`"]);
}

#[test]
fn landmark_yaw_reads_the_nose_offset() {
    let p = points();
    let mut yaw = f32::NAN;
    assert_eq!(
        unsafe { drgan_landmark_yaw(p.as_ptr(), 10, &mut yaw) },
        DrganStatus::Ok
    );
    assert!(yaw.abs() < 1.0, "the template is frontal: {yaw}");
    let mut turned = p.clone();
    turned[4] += 12.0;
    assert_eq!(
        unsafe { drgan_landmark_yaw(turned.as_ptr(), 10, &mut yaw) },
        DrganStatus::Ok
    );
    let lm = [0, 1, 2, 3, 4].map(|i| [turned[2 * i], turned[2 * i + 1]]);
    assert_eq!(yaw, drgan::align::landmark_yaw(&lm).unwrap());
    assert!(yaw > 20.0, "nose to the image's right: {yaw}");

    let s = unsafe { drgan_landmark_yaw(p.as_ptr(), 9, &mut yaw) };
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_landmark_yaw",
        &["landmarks_len is 9"],
    );
    let s = unsafe { drgan_landmark_yaw(p.as_ptr(), 10, ptr::null_mut()) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_landmark_yaw",
        &["`out_yaw`"],
    );
    let s = unsafe { drgan_landmark_yaw(ptr::null(), 10, &mut yaw) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_landmark_yaw",
        &["`landmarks`"],
    );
}

#[test]
fn landmarks_convert_matches_the_rust_api_and_refuses_bad_input() {
    use drgan::landmarks::{five_points, LandmarkScheme};
    let mesh: Vec<f32> = (0..478 * 2).map(|i| (i * 37 % 101) as f32).collect();
    let dlib: Vec<f32> = (0..68 * 2).map(|i| (i * 53 % 97) as f32).collect();
    for (scheme, flat, rust) in [
        (
            DrganLandmarkScheme::Dlib68,
            &dlib[..],
            LandmarkScheme::Dlib68,
        ),
        (
            DrganLandmarkScheme::FaceMesh,
            &mesh[..],
            LandmarkScheme::FaceMesh,
        ),
        (
            DrganLandmarkScheme::FaceMesh,
            &mesh[..936],
            LandmarkScheme::FaceMesh,
        ),
    ] {
        let mut out = [0f32; 10];
        let s = unsafe {
            drgan_landmarks_convert(
                scheme as i32,
                flat.as_ptr(),
                flat.len(),
                out.as_mut_ptr(),
                10,
            )
        };
        assert_eq!(s, DrganStatus::Ok, "{}", last_error());
        let pairs: Vec<[f32; 2]> = flat.chunks(2).map(|p| [p[0], p[1]]).collect();
        let want = five_points(rust, &pairs).unwrap();
        assert_eq!(out, *want.as_flattened());
    }
    let f = "drgan_landmarks_convert";
    let mut out = [7f32; 10];
    let call = |scheme: i32, p: *const f32, len: usize, o: *mut f32, olen: usize| unsafe {
        drgan_landmarks_convert(scheme, p, len, o, olen)
    };
    fails(
        call(2, dlib.as_ptr(), 136, out.as_mut_ptr(), 10),
        DrganStatus::InvalidArgument,
        f,
        &["scheme is 2"],
    );
    fails(
        call(0, dlib.as_ptr(), 135, out.as_mut_ptr(), 10),
        DrganStatus::InvalidArgument,
        f,
        &["odd"],
    );
    fails(
        call(0, dlib.as_ptr(), 134, out.as_mut_ptr(), 10),
        DrganStatus::InvalidArgument,
        f,
        &["67 given"],
    );
    fails(
        call(0, dlib.as_ptr(), 136, out.as_mut_ptr(), 9),
        DrganStatus::BufferTooSmall,
        f,
        &["10"],
    );
    fails(
        call(0, std::ptr::null(), 136, out.as_mut_ptr(), 10),
        DrganStatus::NullArgument,
        f,
        &["points"],
    );
    fails(
        call(0, dlib.as_ptr(), 136, std::ptr::null_mut(), 10),
        DrganStatus::NullArgument,
        f,
        &["out_landmarks"],
    );
    assert_eq!(out, [7f32; 10], "nothing written on failure");
}
