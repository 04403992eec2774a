//! Embedding one face, a batch, a fused group; similarity; many threads on one model.

use std::ptr;

use drgan::ffi::*;

use crate::support::*;

fn embed(face: &DrganImage) -> (DrganStatus, [f32; NF], f32, usize) {
    let (mut f, mut c, mut n) = ([0f32; NF], -1f32, 0usize);
    let s = unsafe { drgan_embed(model(), face, f.as_mut_ptr(), NF, &mut n, &mut c) };
    (s, f, c, n)
}

#[test]
fn embed_matches_the_rust_api() {
    for (format, bpp) in [
        (DrganPixelFormat::Rgb8, 3),
        (DrganPixelFormat::Bgra8, 4),
        (DrganPixelFormat::Gray8, 1),
    ] {
        let pic = Pic::new(45, 38, format, bpp, 11);
        let (s, f, c, n) = embed(&pic.image);
        assert_eq!(s, DrganStatus::Ok, "{}", last_error());
        let want = rust_model().embed(&pic.view()).unwrap();
        assert_eq!(f.to_vec(), want.feature);
        assert_eq!(c, want.confidence);
        assert!(c > 0.0 && c < 1.0);
        assert_eq!(n, NF);
    }
}

#[test]
fn embed_reads_padded_rows() {
    let (w, h, stride) = (30u32, 31u32, 30 * 3 + 17);
    let px = picture(w, h, 3, stride, 12);
    let padded = DrganImage {
        data: px.as_ptr(),
        width: w,
        height: h,
        stride_bytes: stride,
        format: DrganPixelFormat::Rgb8 as i32,
    };
    let packed: Vec<u8> = px
        .chunks(stride)
        .flat_map(|r| r[..w as usize * 3].to_vec())
        .collect();
    let flat = DrganImage {
        data: packed.as_ptr(),
        stride_bytes: w as usize * 3,
        ..padded
    };
    let (a, b) = (embed(&padded), embed(&flat));
    assert_eq!(a.0, DrganStatus::Ok);
    assert_eq!(a.1, b.1);
}

#[test]
fn embed_rejects_null_arguments() {
    let pic = Pic::rgb(32, 32, 1);
    let (mut f, mut c) = ([0f32; NF], 0f32);
    let call = |m, face, out: *mut f32, conf: *mut f32| unsafe {
        drgan_embed(m, face, out, NF, ptr::null_mut(), conf)
    };
    let s = call(ptr::null(), &pic.image, f.as_mut_ptr(), &mut c);
    fails(s, DrganStatus::NullArgument, "drgan_embed", &["`model`"]);
    let s = call(model(), ptr::null(), f.as_mut_ptr(), &mut c);
    fails(s, DrganStatus::NullArgument, "drgan_embed", &["`face`"]);
    let s = call(model(), &pic.image, ptr::null_mut(), &mut c);
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_embed",
        &["`out_feature`"],
    );
    let s = call(model(), &pic.image, f.as_mut_ptr(), ptr::null_mut());
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_embed",
        &["`out_confidence`"],
    );
    assert_eq!(c, 0.0);
    assert!(f.iter().all(|&v| v == 0.0));
}

#[test]
fn embed_rejects_bad_images() {
    let pic = Pic::rgb(32, 32, 1);
    for (what, image, status, word) in bad_images(&pic) {
        let (s, f, c, n) = embed(&image);
        assert_eq!(s, status, "{what}: {}", last_error());
        fails(s, status, "drgan_embed", &[word]);
        assert_eq!((c, n), (-1.0, 0), "{what}: out-params written on failure");
        assert!(f.iter().all(|&v| v == 0.0));
    }
}

#[test]
fn embed_reports_the_needed_length() {
    let pic = Pic::rgb(32, 32, 1);
    let (mut f, mut c, mut n) = ([0f32; NF], -1f32, 0usize);
    let s = unsafe { drgan_embed(model(), &pic.image, f.as_mut_ptr(), NF - 1, &mut n, &mut c) };
    fails(
        s,
        DrganStatus::BufferTooSmall,
        "drgan_embed",
        &["16 elements needed", "15 given"],
    );
    assert_eq!(n, NF);
    assert_eq!(c, -1.0);
    assert!(f.iter().all(|&v| v == 0.0));
    // With out_needed NULL the status and message are the same.
    let s = unsafe {
        drgan_embed(
            model(),
            &pic.image,
            f.as_mut_ptr(),
            0,
            ptr::null_mut(),
            &mut c,
        )
    };
    fails(
        s,
        DrganStatus::BufferTooSmall,
        "drgan_embed",
        &["16 elements needed"],
    );
}

fn batch(faces: &[DrganImage], out_len: usize) -> (DrganStatus, Vec<f32>, Vec<f32>, usize) {
    let (mut f, mut c, mut n) = (vec![0f32; out_len], vec![0f32; faces.len()], 0usize);
    let s = unsafe {
        drgan_embed_batch(
            model(),
            faces.as_ptr(),
            faces.len(),
            f.as_mut_ptr(),
            out_len,
            &mut n,
            c.as_mut_ptr(),
        )
    };
    (s, f, c, n)
}

#[test]
fn batch_and_fusion_match_single_embeddings() {
    let pics: Vec<Pic> = (0..3).map(|i| Pic::rgb(32 + i, 40, 20 + i)).collect();
    let faces: Vec<DrganImage> = pics.iter().map(|p| p.image).collect();
    let (s, f, c, n) = batch(&faces, 3 * NF);
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    assert_eq!(n, 3 * NF);
    for (i, face) in faces.iter().enumerate() {
        let (_, one, conf, _) = embed(face);
        for (a, b) in f[i * NF..][..NF].iter().zip(one) {
            assert!((a - b).abs() < 1e-5);
        }
        assert!((c[i] - conf).abs() < 1e-5);
    }

    let (mut fused, mut conf, mut n) = ([0f32; NF], 0f32, 0usize);
    let s = unsafe {
        drgan_embed_fused(
            model(),
            faces.as_ptr(),
            3,
            fused.as_mut_ptr(),
            NF,
            &mut n,
            &mut conf,
        )
    };
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    assert_eq!(n, NF);
    let total: f32 = c.iter().sum();
    for (k, v) in fused.iter().enumerate() {
        let want: f32 = (0..3).map(|i| c[i] * f[i * NF + k]).sum::<f32>() / total;
        assert!((v - want).abs() < 1e-5, "fused[{k}] = {v}, want {want}");
    }
    assert!((conf - total / 3.0).abs() < 1e-6);
}

#[test]
fn batch_and_fusion_reject_bad_input() {
    let good = Pic::rgb(32, 32, 1);
    let faces = [
        good.image,
        DrganImage {
            format: 9,
            ..good.image
        },
    ];
    let (s, ..) = batch(&faces, 2 * NF);
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_embed_batch",
        &["face 1", "format"],
    );
    let (s, _, _, n) = batch(&[good.image, good.image], 2 * NF - 1);
    fails(
        s,
        DrganStatus::BufferTooSmall,
        "drgan_embed_batch",
        &["32 elements needed"],
    );
    assert_eq!(n, 2 * NF);
    let (s, ..) = batch(&[], 0);
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_embed_batch",
        &["count is 0"],
    );

    let (mut f, mut c) = ([0f32; 2 * NF], [0f32; 2]);
    let call = |m, faces: *const DrganImage, out: *mut f32, conf: *mut f32| unsafe {
        drgan_embed_batch(m, faces, 1, out, 2 * NF, ptr::null_mut(), conf)
    };
    let s = call(ptr::null(), &good.image, f.as_mut_ptr(), c.as_mut_ptr());
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_embed_batch",
        &["`model`"],
    );
    let s = call(model(), ptr::null(), f.as_mut_ptr(), c.as_mut_ptr());
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_embed_batch",
        &["`faces`"],
    );
    let s = call(model(), &good.image, ptr::null_mut(), c.as_mut_ptr());
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_embed_batch",
        &["`out_features`"],
    );
    let s = call(model(), &good.image, f.as_mut_ptr(), ptr::null_mut());
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_embed_batch",
        &["`out_confidences`"],
    );
    let nodata = DrganImage {
        data: ptr::null(),
        ..good.image
    };
    let s = call(model(), &nodata, f.as_mut_ptr(), c.as_mut_ptr());
    fails(s, DrganStatus::NullArgument, "drgan_embed_batch", &["data"]);

    let (mut fused, mut conf, mut n) = ([0f32; NF], 0f32, 0usize);
    let fuse = |m,
                faces: *const DrganImage,
                count,
                out: *mut f32,
                len,
                conf: *mut f32,
                n: *mut usize| unsafe {
        drgan_embed_fused(m, faces, count, out, len, n, conf)
    };
    let s = fuse(
        ptr::null(),
        &good.image,
        1,
        fused.as_mut_ptr(),
        NF,
        &mut conf,
        &mut n,
    );
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_embed_fused",
        &["`model`"],
    );
    let s = fuse(
        model(),
        ptr::null(),
        1,
        fused.as_mut_ptr(),
        NF,
        &mut conf,
        &mut n,
    );
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_embed_fused",
        &["`faces`"],
    );
    let s = fuse(
        model(),
        &good.image,
        1,
        ptr::null_mut(),
        NF,
        &mut conf,
        &mut n,
    );
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_embed_fused",
        &["`out_feature`"],
    );
    let s = fuse(
        model(),
        &good.image,
        1,
        fused.as_mut_ptr(),
        NF,
        ptr::null_mut(),
        &mut n,
    );
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_embed_fused",
        &["`out_confidence`"],
    );
    let s = fuse(
        model(),
        &good.image,
        0,
        fused.as_mut_ptr(),
        NF,
        &mut conf,
        &mut n,
    );
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_embed_fused",
        &["count is 0"],
    );
    let s = fuse(
        model(),
        &good.image,
        1,
        fused.as_mut_ptr(),
        3,
        &mut conf,
        &mut n,
    );
    fails(
        s,
        DrganStatus::BufferTooSmall,
        "drgan_embed_fused",
        &["16 elements needed"],
    );
    assert_eq!(n, NF);
    let zero = DrganImage {
        width: 0,
        ..good.image
    };
    let s = fuse(
        model(),
        &zero,
        1,
        fused.as_mut_ptr(),
        NF,
        &mut conf,
        ptr::null_mut(),
    );
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_embed_fused",
        &["face 0"],
    );
    assert_eq!(conf, 0.0);
}

#[test]
fn similarity_is_cosine_and_checks_its_input() {
    let sim = |a: &[f32], b: &[f32]| {
        let mut out = 9f32;
        let s = unsafe { drgan_similarity(a.as_ptr(), a.len(), b.as_ptr(), b.len(), &mut out) };
        (s, out)
    };
    assert_eq!(sim(&[1.0, 0.0], &[2.0, 0.0]), (DrganStatus::Ok, 1.0));
    assert_eq!(sim(&[1.0, 0.0], &[0.0, 3.0]), (DrganStatus::Ok, 0.0));
    assert_eq!(sim(&[1.0, 1.0], &[-1.0, -1.0]).1, -1.0);
    assert_eq!(sim(&[0.0, 0.0], &[1.0, 1.0]), (DrganStatus::Ok, 0.0));

    let (s, out) = sim(&[1.0, 2.0, 3.0], &[1.0, 2.0]);
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_similarity",
        &["3 and 2"],
    );
    assert_eq!(out, 9.0);
    let (s, _) = sim(&[], &[]);
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_similarity",
        &["empty"],
    );
    let (s, _) = sim(&[f32::NAN, 1.0], &[1.0, 1.0]);
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_similarity",
        &["NaN"],
    );

    let a = [1f32, 2.0];
    let mut out = 0f32;
    let s = unsafe { drgan_similarity(ptr::null(), 2, a.as_ptr(), 2, &mut out) };
    fails(s, DrganStatus::NullArgument, "drgan_similarity", &["`a`"]);
    let s = unsafe { drgan_similarity(a.as_ptr(), 2, ptr::null(), 2, &mut out) };
    fails(s, DrganStatus::NullArgument, "drgan_similarity", &["`b`"]);
    let s = unsafe { drgan_similarity(a.as_ptr(), 2, a.as_ptr(), 2, ptr::null_mut()) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_similarity",
        &["`out_similarity`"],
    );
    let s = unsafe { drgan_similarity(a.as_ptr(), usize::MAX, a.as_ptr(), 2, &mut out) };
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_similarity",
        &["larger than any buffer"],
    );
}

#[test]
fn one_model_serves_many_threads_at_once() {
    let pics: Vec<Pic> = (0..4).map(|i| Pic::rgb(32, 32, 40 + i)).collect();
    let want: Vec<[f32; NF]> = pics.iter().map(|p| embed(&p.image).1).collect();
    let m = Shared(model());
    std::thread::scope(|scope| {
        for (pic, want) in pics.iter().zip(&want) {
            let image = Shared(pic.image);
            scope.spawn(move || {
                for _ in 0..5 {
                    let (mut f, mut c) = ([0f32; NF], 0f32);
                    let s = unsafe {
                        drgan_embed(
                            m.get(),
                            &image.get(),
                            f.as_mut_ptr(),
                            NF,
                            ptr::null_mut(),
                            &mut c,
                        )
                    };
                    assert_eq!(s, DrganStatus::Ok);
                    assert_eq!(&f, want);
                }
            });
        }
    });
}
