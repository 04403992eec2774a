//! Bundles: round trip through files, and every way a bundle can be wrong gives a clear
//! error, never a panic.

mod fixtures;

use drgan::bundle::BundleFiles;
use drgan::{Backend, Error, Model, Options};
use drgan_writer::{BundleFilesExt, Config, Upsample, Weights};
use fixtures::*;

fn load(enc: &[u8], dec: &[u8], pose: Option<&[u8]>) -> Result<Model, Error> {
    Model::from_bytes(enc, dec, pose, &Options::default())
}

#[test]
fn written_bundle_reads_back_identically() {
    let dir = tempfile::tempdir().unwrap();
    let b = tiny_bundle(7);
    b.write_dir(dir.path()).unwrap();
    let back = BundleFiles::read_dir(dir.path(), u64::MAX).unwrap();
    assert_eq!(back, b);
    // Same seed, same bytes.
    assert_eq!(tiny_bundle(7), b);
    assert_ne!(tiny_bundle(8).encoder, b.encoder);
}

#[test]
fn missing_paths_are_io_errors() {
    let r = Model::open("/nonexistent/drgan/bundle", &Options::default());
    assert!(matches!(r, Err(Error::Io { .. })), "{r:?}");
    let dir = tempfile::tempdir().unwrap();
    let r = Model::open(dir.path(), &Options::default());
    assert!(matches!(r, Err(Error::Io { .. })), "empty dir: {r:?}");
    // encoder.onnx that is a directory.
    std::fs::create_dir(dir.path().join("encoder.onnx")).unwrap();
    std::fs::write(dir.path().join("decoder.onnx"), b"x").unwrap();
    let r = Model::open(dir.path(), &Options::default());
    assert!(matches!(r, Err(Error::Io { .. })), "dir as file: {r:?}");
}

#[test]
fn truncated_and_random_bytes_are_invalid_models() {
    let b = tiny_bundle(1);
    for cut in [0, 1, 10, b.encoder.len() / 2, b.encoder.len() - 1] {
        let r = load(&b.encoder[..cut], &b.decoder, None);
        assert!(matches!(r, Err(Error::InvalidModel(_))), "cut {cut}: {r:?}");
    }
    let r = load(&b.encoder, &b.decoder[..b.decoder.len() / 3], None);
    assert!(matches!(r, Err(Error::InvalidModel(_))), "{r:?}");
    let mut state = 12345u64;
    for len in [1usize, 7, 100, 5000] {
        let junk: Vec<u8> = (0..len)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 56) as u8
            })
            .collect();
        let r = load(&junk, &b.decoder, None);
        assert!(
            matches!(r, Err(Error::InvalidModel(_))),
            "junk {len}: {r:?}"
        );
    }
}

#[test]
fn onnx_that_is_not_a_drgan_bundle_is_refused() {
    let b = tiny_bundle(1);
    // Encoder and decoder swapped: the decoder has metadata but the wrong inputs.
    let r = load(&b.decoder, &b.encoder, None);
    assert!(matches!(r, Err(Error::InvalidModel(_))), "{r:?}");
    // An ONNX file with no drgan metadata.
    use prost::Message;
    let mut proto = tract_onnx::pb::ModelProto::decode(&b.encoder[..]).unwrap();
    proto.metadata_props.clear();
    let r = load(&proto.encode_to_vec(), &b.decoder, None);
    let msg = r.as_ref().err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        matches!(r, Err(Error::InvalidModel(_))) && msg.contains("metadata"),
        "{r:?}"
    );
    // Metadata present but one key missing, or lying.
    for (key, value) in [
        ("drgan.feature_dim", None),
        ("drgan.format_version", Some("2")),
        ("drgan.pose_yaws", Some("0,15,nan")),
        ("drgan.pose_yaws", Some("30,15,0")),
        ("drgan.landmarks5", Some("1,2,3")),
        ("drgan.input_size", Some("99999")),
        ("drgan.feature_dim", Some("17")),
    ] {
        let mut p = tract_onnx::pb::ModelProto::decode(&b.encoder[..]).unwrap();
        p.metadata_props.retain(|e| e.key != key);
        if let Some(v) = value {
            p.metadata_props
                .push(tract_onnx::pb::StringStringEntryProto {
                    key: key.into(),
                    value: v.into(),
                });
        }
        let r = load(&p.encode_to_vec(), &b.decoder, None);
        assert!(
            matches!(
                r,
                Err(Error::InvalidModel(_)) | Err(Error::ModelMismatch(_))
            ),
            "{key}={value:?}: {r:?}"
        );
    }
}

#[test]
fn parts_of_different_configs_do_not_mix() {
    let a = tiny_bundle(1);
    let other = Config::scaled("tiny-nf24", 32, 0.125, 24, 8).unwrap();
    let b = BundleFiles::random(&other, 1).unwrap();
    let r = load(&a.encoder, &b.decoder, None);
    assert!(matches!(r, Err(Error::ModelMismatch(_))), "{r:?}");
    let r = load(&a.encoder, &a.decoder, b.pose.as_deref());
    assert!(matches!(r, Err(Error::ModelMismatch(_))), "{r:?}");
    let bigger = Config::scaled("tiny", 48, 0.125, 16, 8).unwrap();
    let c = BundleFiles::random(&bigger, 1).unwrap();
    let r = load(&a.encoder, &c.decoder, None);
    assert!(matches!(r, Err(Error::ModelMismatch(_))), "{r:?}");
}

#[test]
fn a_decoder_wider_than_the_encoder_loads_and_draws() {
    let narrow = tiny_config();
    let wide = tiny_config().with_decoder_width(0.5).unwrap();
    assert_eq!(wide.channels(64), narrow.channels(64));
    assert_eq!(wide.decoder_channels(64), 4 * narrow.decoder_channels(64));
    let shape = |c: &Config, name: &str| {
        let all = c.parameter_shapes();
        all.into_iter().find(|(n, _)| n == name).unwrap().1
    };
    assert_eq!(
        shape(&wide, "encoder.conv52.weight"),
        shape(&narrow, "encoder.conv52.weight")
    );
    assert_eq!(shape(&wide, "decoder.fconv52.weight"), vec![160, 80, 3, 3]);

    let b = BundleFiles::random(&wide, 3).unwrap();
    assert!(b.decoder.len() > 3 * tiny_bundle(3).decoder.len());
    let m = load(&b.encoder, &b.decoder, b.pose.as_deref()).unwrap();
    let px = picture(32, 32, 2);
    let face = drgan::Image::packed(&px, 32, 32, drgan::PixelFormat::Rgb8).unwrap();
    let img = m.frontalize(&face, 1).unwrap();
    assert_eq!(img.data.len(), 32 * 32 * 3);
    // Its decoder still belongs to encoders of the same input, Nf and yaws.
    assert!(load(&tiny_bundle(3).encoder, &b.decoder, None).is_ok());

    for bad in [0.0, -1.0, 9.0, f32::NAN] {
        let r = tiny_config().with_decoder_width(bad);
        assert!(matches!(r, Err(Error::InvalidArgument(_))), "{bad}: {r:?}");
    }
}

/// A decoder that upsamples by resizing (`Upsample::Resize`) is a graph of 4x4 transposed
/// convolutions at its stride-2 layers: it loads, draws pictures of the input's size, and
/// a transposed-conv decoder's weights do not fit it.
#[test]
fn a_resizing_decoder_loads_and_draws() {
    let resize = tiny_config().with_upsample(Upsample::Resize);
    let shape = |c: &Config, name: &str| {
        let all = c.parameter_shapes();
        all.into_iter().find(|(n, _)| n == name).unwrap().1
    };
    assert_eq!(shape(&resize, "decoder.fconv43.weight")[2..], [4, 4]);
    assert_eq!(shape(&resize, "decoder.fconv42.weight")[2..], [3, 3]);
    assert_eq!(shape(&tiny_config(), "decoder.fconv43.weight")[2..], [3, 3]);

    let b = BundleFiles::random(&resize, 3).unwrap();
    let m = load(&b.encoder, &b.decoder, b.pose.as_deref()).unwrap();
    let px = picture(32, 32, 2);
    let face = drgan::Image::packed(&px, 32, 32, drgan::PixelFormat::Rgb8).unwrap();
    let img = m.frontalize(&face, 1).unwrap();
    assert_eq!((img.width, img.height), (32, 32));
    assert!(img.data.iter().any(|&v| v != img.data[0]), "a flat picture");

    let transposed = Weights::random(&tiny_config(), 3);
    let r = BundleFiles::build(&resize, &transposed, "", true);
    assert!(matches!(r, Err(Error::InvalidArgument(_))), "{r:?}");
}

#[test]
fn weights_must_match_the_config() {
    let cfg = tiny_config();
    let mut w = Weights::random(&cfg, 1);
    w.insert("encoder.conv11.weight", vec![1, 2, 3], vec![0.0; 6])
        .unwrap();
    let r = BundleFiles::build(&cfg, &w, "test", false);
    assert!(matches!(r, Err(Error::InvalidArgument(_))), "{r:?}");
    assert!(w.insert("x", vec![2, 2], vec![0.0; 3]).is_err());
    assert!(Config::scaled("bad", 40, 1.0, 8, 8).is_err());
}

#[test]
fn model_size_limit_and_gpu_request() {
    let b = tiny_bundle(1);
    let opts = Options::default().with_max_model_bytes(100);
    let r = Model::from_bytes(&b.encoder, &b.decoder, None, &opts);
    assert!(matches!(r, Err(Error::LimitExceeded(_))), "{r:?}");
    // Backend::Gpu either runs the decoder on a hardware GPU or says clearly that there is
    // none (software adapters are never taken unless a test asks for them).
    let opts = Options::default().with_backend(Backend::Gpu);
    match Model::from_bytes(&b.encoder, &b.decoder, None, &opts) {
        Ok(m) => assert_eq!(m.info().decoder_backend, drgan::ExecutionBackend::Gpu),
        Err(e) => assert!(matches!(e, Error::BackendUnavailable(_)), "{e:?}"),
    }
}

#[test]
fn paper_config_builds_and_runs() {
    let b = BundleFiles::random(&Config::paper(), 1).unwrap();
    let m = load(&b.encoder, &b.decoder, b.pose.as_deref()).unwrap();
    assert_eq!(m.info().feature_dim, 320);
    assert_eq!(m.info().input_size, 96);
    let px = picture(96, 96, 1);
    let face = drgan::Image::packed(&px, 96, 96, drgan::PixelFormat::Rgb8).unwrap();
    let e = m.embed(&face).unwrap();
    assert_eq!(e.feature.len(), 320);
    let img = m.frontalize(&face, 1).unwrap();
    assert_eq!(img.data.len(), 96 * 96 * 3);
}
