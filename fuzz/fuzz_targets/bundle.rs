//! Bundle loading from bytes. The first byte picks the part the rest of the input
//! replaces (0 encoder, 1 decoder, 2 pose head); the other parts are a real tiny bundle.
//! A load must be `Ok` or a clean `Err`; a model that loads must embed a small image
//! without crashing.
#![no_main]

use std::sync::OnceLock;

use drgan::bundle::BundleFiles;
use drgan::{Backend, Image, Model, Options, PixelFormat};
use drgan_writer::{BundleFilesExt, Config};
use libfuzzer_sys::fuzz_target;

fn base() -> &'static BundleFiles {
    static B: OnceLock<BundleFiles> = OnceLock::new();
    B.get_or_init(|| BundleFiles::random(&Config::named("tiny").unwrap(), 1).unwrap())
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, part)) = data.split_first() else {
        return;
    };
    let b = base();
    let pose = b.pose.as_deref();
    let options = Options::default()
        .with_backend(Backend::Cpu)
        .with_max_image_pixels(1 << 16)
        .with_max_model_bytes(1 << 22);
    let model = match which % 3 {
        0 => Model::from_bytes(part, &b.decoder, pose, &options),
        1 => Model::from_bytes(&b.encoder, part, pose, &options),
        _ => Model::from_bytes(&b.encoder, &b.decoder, Some(part), &options),
    };
    let Ok(model) = model else { return };
    let pixels = vec![128u8; 24 * 20 * 3];
    let face = Image::packed(&pixels, 24, 20, PixelFormat::Rgb8).unwrap();
    if let Ok(e) = model.embed(&face) {
        assert!(e.feature.iter().all(|v| v.is_finite()));
        assert!(e.confidence.is_finite());
    }
    if let Ok(out) = model.frontalize(&face, 1) {
        let s = model.info().input_size as usize;
        assert_eq!(out.data.len(), s * s * 3);
    }
    if let Ok(yaw) = model.estimate_yaw(&face) {
        assert!(yaw.is_finite(), "estimate_yaw returned {yaw}");
    }
});
