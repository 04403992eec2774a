//! The default model embedded in the library (cargo feature `default-model`):
//! `Model::default_model()` is the bundle in models/default, whatever its weights. These
//! tests do not assume the model is well trained (it may be retrained and replaced): they
//! check its configuration, that it embeds and rotates the example photos with finite
//! outputs, determinism, and that it gives exactly what opening models/default from disk
//! gives. The build without the feature is tested in `src/ffi/model.rs` and
//! `tests/ffi_abi/model.rs`.
#![cfg(feature = "default-model")]

mod fixtures;

use std::path::PathBuf;

use drgan::{Backend, Error, ExecutionBackend, Landmarks, Model, Options};
use fixtures::examples_data;

fn models_default() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/default")
}

fn cpu() -> Options {
    Options::default().with_backend(Backend::Cpu)
}

/// The photos of examples/data with their landmarks (landmarks.json).
fn photos() -> Vec<(String, drgan::RgbImage, Landmarks)> {
    let text = std::fs::read_to_string(examples_data().join("landmarks.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut out: Vec<_> = json
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, v)| {
            let p = v["five_points_xy"].as_array().unwrap();
            let points: Landmarks = std::array::from_fn(|i| {
                [
                    p[i][0].as_f64().unwrap() as f32,
                    p[i][1].as_f64().unwrap() as f32,
                ]
            });
            let img = drgan::io::load_image(examples_data().join(name), 1 << 26).unwrap();
            (name.clone(), img, points)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn default_model_has_the_default_configuration() {
    let m = Model::default_model_with(&cpu()).unwrap();
    let i = m.info();
    // The writer's `small` config (models/default/MODEL.md): 64x64, Nf 128, Nz 32,
    // Multi-PIE's 13 yaws.
    assert_eq!(i.format_version, 1);
    assert_eq!(i.config, "small");
    assert_eq!(i.input_size, 64);
    assert_eq!(i.feature_dim, 128);
    assert_eq!(i.noise_dim, 32);
    let yaws: Vec<f32> = (-6..=6).map(|k| k as f32 * 15.0).collect();
    assert_eq!(i.pose_yaws, yaws);
    assert!(i.has_pose_head);
    assert!(!i.config.is_empty() && !i.trained_on.is_empty());
    for [x, y] in i.landmarks {
        assert!(
            x > 0.0 && x < 64.0 && y > 0.0 && y < 64.0,
            "{:?}",
            i.landmarks
        );
    }
    assert_eq!(i.encoder_backend, ExecutionBackend::Cpu);
    assert_eq!(i.decoder_backend, ExecutionBackend::Cpu);
}

#[test]
fn default_model_is_the_bundle_in_models_default() {
    let embedded = Model::default_model_with(&cpu()).unwrap();
    let on_disk = Model::open(models_default(), &cpu()).unwrap();
    assert_eq!(embedded.info(), on_disk.info());
    let photos = photos();
    let (name, img, points) = &photos[0];
    let a = embedded.align(&img.view(), points).unwrap();
    let b = on_disk.align(&img.view(), points).unwrap();
    assert_eq!(a, b, "{name}");
    let ea = embedded.embed(&a.view()).unwrap();
    assert_eq!(ea, on_disk.embed(&b.view()).unwrap(), "{name}");
    for yaw in [-90.0, -37.5, 0.0, 90.0] {
        assert_eq!(
            embedded.rotate(&a.view(), yaw, 5).unwrap(),
            on_disk.rotate(&b.view(), yaw, 5).unwrap(),
            "{name} at {yaw}"
        );
    }
    assert_eq!(
        embedded.estimate_yaw(&a.view()).unwrap(),
        on_disk.estimate_yaw(&b.view()).unwrap()
    );
}

#[test]
fn default_model_embeds_and_rotates_the_example_photos() {
    let m = Model::default_model_with(&cpu()).unwrap();
    let info = m.info().clone();
    let s = info.input_size;
    let photos = photos();
    assert!(photos.len() >= 3, "examples/data has the real photos");
    let crops: Vec<_> = photos
        .iter()
        .map(|(_, img, p)| m.align(&img.view(), p).unwrap())
        .collect();
    let views: Vec<_> = crops.iter().map(|c| c.view()).collect();
    let batch = m.embed_batch(&views).unwrap();
    assert_eq!(batch.len(), photos.len());
    for ((name, _, _), e) in photos.iter().zip(&batch) {
        assert_eq!(e.feature.len(), info.feature_dim, "{name}");
        assert!(e.feature.iter().all(|v| v.is_finite()), "{name}");
        assert!(e.confidence > 0.0 && e.confidence < 1.0, "{name}");
    }
    for (i, a) in batch.iter().enumerate() {
        for b in &batch {
            let sim = drgan::similarity(&a.feature, &b.feature).unwrap();
            assert!(sim.is_finite() && (-1.0..=1.0).contains(&sim));
        }
        assert!((drgan::similarity(&a.feature, &a.feature).unwrap() - 1.0).abs() < 1e-5);
        // Batched and single runs agree.
        let single = m.embed(&views[i]).unwrap();
        for (x, y) in single.feature.iter().zip(&a.feature) {
            assert!((x - y).abs() < 1e-4);
        }
    }
    let fused = m.embed_fused(&views).unwrap();
    assert!(fused.feature.iter().all(|v| v.is_finite()));

    for &yaw in &info.pose_yaws {
        let out = m.synthesize(&batch[0].feature, yaw, 1).unwrap();
        assert_eq!((out.width, out.height), (s, s));
        assert_eq!(out.data.len(), (s * s * 3) as usize);
    }
    let yaw = m.estimate_yaw(&views[0]).unwrap();
    assert!(
        yaw.is_finite() && (-90.0..=90.0).contains(&yaw),
        "estimated yaw {yaw}"
    );
}

#[test]
fn default_model_is_deterministic_across_calls_and_opens() {
    let a = Model::default_model_with(&cpu()).unwrap();
    let b = Model::default_model().unwrap();
    let photos = photos();
    let (_, img, points) = &photos[1];
    let crop = a.align(&img.view(), points).unwrap();
    let e1 = a.embed(&crop.view()).unwrap();
    assert_eq!(e1, a.embed(&crop.view()).unwrap());
    assert_eq!(e1, b.embed(&crop.view()).unwrap());
    let r1 = a.rotate(&crop.view(), 45.0, 9).unwrap();
    assert_eq!(r1, a.rotate(&crop.view(), 45.0, 9).unwrap());
    // With default options (Backend::Auto) the decoder may run on a GPU: same size, and
    // the same pixels when it runs on the CPU.
    let r2 = b.rotate(&crop.view(), 45.0, 9).unwrap();
    assert_eq!((r2.width, r2.height), (r1.width, r1.height));
    if b.info().decoder_backend == ExecutionBackend::Cpu {
        assert_eq!(r1, r2);
    }
}

#[test]
fn default_model_is_shared_between_threads() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let m = Model::default_model_with(&cpu()).unwrap();
    send_sync(&m);
    let photos = photos();
    let (_, img, points) = &photos[0];
    let crop = m.align(&img.view(), points).unwrap();
    let want = m.embed(&crop.view()).unwrap();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| assert_eq!(m.embed(&crop.view()).unwrap(), want));
        }
        // Opening from another thread works too.
        s.spawn(|| {
            let other = Model::default_model_with(&cpu()).unwrap();
            assert_eq!(other.embed(&crop.view()).unwrap(), want);
        });
    });
}

#[test]
fn default_model_obeys_the_options() {
    let tight = cpu().with_max_model_bytes(1000);
    let e = Model::default_model_with(&tight).unwrap_err();
    assert!(matches!(e, Error::LimitExceeded(_)), "{e}");
    let small_images = cpu().with_max_image_pixels(100);
    let m = Model::default_model_with(&small_images).unwrap();
    let photos = photos();
    let (_, img, points) = &photos[0];
    assert!(matches!(
        m.align(&img.view(), points),
        Err(Error::LimitExceeded(_))
    ));
}
