//! The Rust API on fixture bundles: shapes, determinism, batching, fusion, synthesis,
//! pose, pixel formats and strides.

mod fixtures;

use drgan::{similarity, Error, Image, Model, Options, PixelFormat};
use drgan_writer::BundleFilesExt;
use fixtures::*;

#[test]
fn info_describes_the_bundle() {
    let m = tiny_model();
    let i = m.info();
    assert_eq!(i.input_size, 32);
    assert_eq!(i.feature_dim, 16);
    assert_eq!(i.noise_dim, 8);
    assert_eq!(i.pose_yaws.len(), 13);
    assert_eq!(i.config, "tiny");
    assert!(i.has_pose_head);
    assert_eq!(i.format_version, 1);
}

#[test]
fn open_reads_a_bundle_directory() {
    let dir = tempfile::tempdir().unwrap();
    let b = tiny_bundle(3);
    b.write_dir(dir.path()).unwrap();
    let m = Model::open(dir.path(), &Options::default()).unwrap();
    let from_bytes = Model::from_bytes(&b.encoder, &b.decoder, None, &Options::default()).unwrap();
    assert!(!from_bytes.info().has_pose_head);
    let px = picture(40, 40, 1);
    let face = Image::packed(&px, 40, 40, PixelFormat::Rgb8).unwrap();
    assert_eq!(m.embed(&face).unwrap(), from_bytes.embed(&face).unwrap());
}

#[test]
fn embedding_is_deterministic_and_depends_on_the_face() {
    let m = tiny_model();
    let (a, b) = (picture(32, 32, 1), picture(32, 32, 2));
    let fa = m
        .embed(&Image::packed(&a, 32, 32, PixelFormat::Rgb8).unwrap())
        .unwrap();
    let fa2 = m
        .embed(&Image::packed(&a, 32, 32, PixelFormat::Rgb8).unwrap())
        .unwrap();
    let fb = m
        .embed(&Image::packed(&b, 32, 32, PixelFormat::Rgb8).unwrap())
        .unwrap();
    assert_eq!(fa, fa2);
    assert_eq!(fa.feature.len(), 16);
    assert!(fa.confidence > 0.0 && fa.confidence < 1.0);
    assert!(fa.feature.iter().all(|v| v.is_finite()));
    assert_ne!(fa.feature, fb.feature);
    assert!(similarity(&fa.feature, &fb.feature).unwrap() < 0.99999);
}

#[test]
fn batch_equals_single_and_fusion_weights_by_confidence() {
    let m = tiny_model();
    let pics: Vec<Vec<u8>> = (0..3).map(|s| picture(48, 40, s)).collect();
    let faces: Vec<Image> = pics
        .iter()
        .map(|p| Image::packed(p, 48, 40, PixelFormat::Rgb8).unwrap())
        .collect();
    let batch = m.embed_batch(&faces).unwrap();
    assert_eq!(batch.len(), 3);
    for (face, b) in faces.iter().zip(&batch) {
        let single = m.embed(face).unwrap();
        for (x, y) in single.feature.iter().zip(&b.feature) {
            assert!((x - y).abs() < 1e-5);
        }
    }
    let fused = m.embed_fused(&faces).unwrap();
    let total: f32 = batch.iter().map(|e| e.confidence).sum();
    for (k, v) in fused.feature.iter().enumerate() {
        let want: f32 = batch
            .iter()
            .map(|e| e.confidence * e.feature[k])
            .sum::<f32>()
            / total;
        assert!((v - want).abs() < 1e-5);
    }
    assert!(matches!(m.embed_batch(&[]), Err(Error::InvalidArgument(_))));
}

#[test]
fn pixel_formats_and_strides_see_the_same_face() {
    let m = tiny_model();
    let (w, h) = (37u32, 29u32);
    let rgb = picture(w, h, 9);
    let want = m
        .embed(&Image::packed(&rgb, w, h, PixelFormat::Rgb8).unwrap())
        .unwrap();
    let px = |f: &dyn Fn([u8; 3]) -> Vec<u8>, bpp: usize, pad: usize| {
        let stride = w as usize * bpp + pad;
        let mut buf = vec![0xAAu8; stride * h as usize];
        for y in 0..h as usize {
            for x in 0..w as usize {
                let i = (y * w as usize + x) * 3;
                let p = f([rgb[i], rgb[i + 1], rgb[i + 2]]);
                buf[y * stride + x * bpp..][..bpp].copy_from_slice(&p);
            }
        }
        (buf, stride)
    };
    type Encode = Box<dyn Fn([u8; 3]) -> Vec<u8>>;
    let cases: Vec<(PixelFormat, Encode, usize)> = vec![
        (PixelFormat::Rgb8, Box::new(|p| p.to_vec()), 3),
        (PixelFormat::Bgr8, Box::new(|p| vec![p[2], p[1], p[0]]), 3),
        (
            PixelFormat::Rgba8,
            Box::new(|p| vec![p[0], p[1], p[2], 7]),
            4,
        ),
        (
            PixelFormat::Bgra8,
            Box::new(|p| vec![p[2], p[1], p[0], 200]),
            4,
        ),
    ];
    for (format, f, bpp) in cases {
        let (buf, stride) = px(&*f, bpp, 5);
        let got = m
            .embed(&Image::new(&buf, w, h, stride, format).unwrap())
            .unwrap();
        assert_eq!(got, want, "{format:?}");
    }
    // Grey replicates luminance into all three channels.
    let gray: Vec<u8> = (0..w * h).map(|i| (i * 3) as u8).collect();
    let as_rgb: Vec<u8> = gray.iter().flat_map(|&g| [g, g, g]).collect();
    let a = m
        .embed(&Image::packed(&gray, w, h, PixelFormat::Gray8).unwrap())
        .unwrap();
    let b = m
        .embed(&Image::packed(&as_rgb, w, h, PixelFormat::Rgb8).unwrap())
        .unwrap();
    assert_eq!(a, b);
}

#[test]
fn image_views_reject_bad_geometry() {
    let buf = vec![0u8; 100];
    assert!(matches!(
        Image::new(&buf, 0, 5, 3, PixelFormat::Rgb8),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        Image::new(&buf, 5, 0, 15, PixelFormat::Rgb8),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        Image::new(&buf, 5, 5, 14, PixelFormat::Rgb8),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        Image::new(&buf, 65535, 65535, 65535 * 3, PixelFormat::Rgb8),
        Err(Error::BufferTooSmall { .. })
    ));
    assert!(Image::new(&buf, u32::MAX, u32::MAX, usize::MAX, PixelFormat::Rgba8).is_err());
    // The last row may omit its padding.
    assert!(Image::new(&buf[..15 * 4 + 15], 5, 5, 15, PixelFormat::Rgb8).is_ok());
}

#[test]
fn rotation_is_reproducible_and_range_checked() {
    let m = tiny_model();
    let px = picture(32, 32, 4);
    let face = Image::packed(&px, 32, 32, PixelFormat::Rgb8).unwrap();
    let a = m.rotate(&face, 30.0, 11).unwrap();
    assert_eq!((a.width, a.height, a.data.len()), (32, 32, 32 * 32 * 3));
    assert_eq!(a, m.rotate(&face, 30.0, 11).unwrap());
    assert_ne!(a, m.rotate(&face, 30.0, 12).unwrap(), "noise must matter");
    assert_ne!(a, m.rotate(&face, -60.0, 11).unwrap(), "pose must matter");
    assert_eq!(
        m.frontalize(&face, 5).unwrap(),
        m.rotate(&face, 0.0, 5).unwrap()
    );
    // Between two bins is allowed; outside the range is not.
    assert!(m.rotate(&face, 22.5, 1).is_ok());
    for yaw in [-90.01, 95.0, f32::NAN] {
        assert!(matches!(m.rotate(&face, yaw, 1), Err(Error::OutOfRange(_))));
    }
}

#[test]
fn synthesize_from_a_fused_feature() {
    let m = tiny_model();
    let pics: Vec<Vec<u8>> = (0..2).map(|s| picture(32, 32, s)).collect();
    let faces: Vec<Image> = pics
        .iter()
        .map(|p| Image::packed(p, 32, 32, PixelFormat::Rgb8).unwrap())
        .collect();
    let f = m.embed_fused(&faces).unwrap();
    let img = m.synthesize(&f.feature, -45.0, 3).unwrap();
    assert_eq!(img.data.len(), 32 * 32 * 3);
    let single = m.embed(&faces[0]).unwrap();
    assert_eq!(
        m.synthesize(&single.feature, 0.0, 3).unwrap(),
        m.frontalize(&faces[0], 3).unwrap()
    );
    assert!(matches!(
        m.synthesize(&f.feature[..5], 0.0, 1),
        Err(Error::InvalidArgument(_))
    ));
    let mut nan = f.feature.clone();
    nan[0] = f32::NAN;
    assert!(matches!(
        m.synthesize(&nan, 0.0, 1),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn yaw_estimate_needs_the_pose_head() {
    let m = tiny_model();
    let px = picture(32, 32, 4);
    let face = Image::packed(&px, 32, 32, PixelFormat::Rgb8).unwrap();
    let yaw = m.estimate_yaw(&face).unwrap();
    assert!((-90.0..=90.0).contains(&yaw));
    let b = tiny_bundle(1);
    let no_head = Model::from_bytes(&b.encoder, &b.decoder, None, &Options::default()).unwrap();
    assert!(matches!(
        no_head.estimate_yaw(&face),
        Err(Error::Unsupported(_))
    ));
}

#[test]
fn similarity_is_cosine() {
    assert!((similarity(&[1.0, 0.0], &[0.0, 2.0]).unwrap()).abs() < 1e-7);
    assert!((similarity(&[1.0, 1.0], &[2.0, 2.0]).unwrap() - 1.0).abs() < 1e-6);
    assert!((similarity(&[1.0, 1.0], &[-3.0, -3.0]).unwrap() + 1.0).abs() < 1e-6);
    assert_eq!(similarity(&[0.0, 0.0], &[1.0, 2.0]).unwrap(), 0.0);
    assert!(similarity(&[1.0], &[1.0, 2.0]).is_err());
    assert!(similarity(&[], &[]).is_err());
    assert!(similarity(&[f32::NAN], &[1.0]).is_err());
}

#[test]
fn image_size_limit_applies() {
    let b = tiny_bundle(1);
    let opts = Options::default().with_max_image_pixels(100);
    let m = Model::from_bytes(&b.encoder, &b.decoder, None, &opts).unwrap();
    let px = picture(11, 10, 0);
    let face = Image::packed(&px, 11, 10, PixelFormat::Rgb8).unwrap();
    assert!(matches!(m.embed(&face), Err(Error::LimitExceeded(_))));
    let px = picture(10, 10, 0);
    assert!(m
        .embed(&Image::packed(&px, 10, 10, PixelFormat::Rgb8).unwrap())
        .is_ok());
}

#[test]
fn model_is_shared_across_threads() {
    let m = std::sync::Arc::new(tiny_model());
    let px = picture(32, 32, 5);
    let want = m
        .embed(&Image::packed(&px, 32, 32, PixelFormat::Rgb8).unwrap())
        .unwrap();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (m, px, want) = (m.clone(), px.clone(), want.clone());
            std::thread::spawn(move || {
                for _ in 0..10 {
                    let face = Image::packed(&px, 32, 32, PixelFormat::Rgb8).unwrap();
                    assert_eq!(m.embed(&face).unwrap(), want);
                }
            })
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().unwrap());
}
