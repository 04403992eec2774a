//! Hostile inputs: models and images built to crash, hang or exhaust the process. Each
//! must end in a clean error (or, for weights, in finite results), never a panic, an
//! abort or a huge allocation.

mod fixtures;

use std::ffi::CString;

use drgan::bundle::BundleFiles;
use drgan::{Backend, Error, Image, Model, Options, PixelFormat};
use drgan_writer::{BundleFilesExt, Config, Weights};
use fixtures::*;
use prost::Message;
use tract_onnx::pb::{
    tensor_shape_proto::{dimension, Dimension},
    type_proto, ModelProto, NodeProto, StringStringEntryProto, TensorProto,
};

fn cpu() -> Options {
    Options::default().with_backend(Backend::Cpu)
}

fn load(enc: &[u8], dec: &[u8], pose: Option<&[u8]>) -> Result<Model, Error> {
    Model::from_bytes(enc, dec, pose, &cpu())
}

/// `bytes` decoded, changed by `f`, encoded again.
fn edit(bytes: &[u8], f: impl FnOnce(&mut ModelProto)) -> Vec<u8> {
    let mut p = ModelProto::decode(bytes).unwrap();
    f(&mut p);
    p.encode_to_vec()
}

fn set_meta(p: &mut ModelProto, key: &str, value: &str) {
    p.metadata_props.retain(|e| e.key != key);
    p.metadata_props.push(StringStringEntryProto {
        key: key.into(),
        value: value.into(),
    });
}

/// Loading must fail with a model error (invalid, mismatched or over a limit).
#[track_caller]
fn assert_refused(r: Result<Model, Error>, what: &str) {
    if let Err(e) = &r {
        eprintln!("{what}: {e}");
    }
    assert!(
        matches!(
            r,
            Err(Error::InvalidModel(_))
                | Err(Error::ModelMismatch(_))
                | Err(Error::LimitExceeded(_))
        ),
        "{what}: {r:?}"
    );
}

fn first_weight(p: &mut ModelProto) -> &mut TensorProto {
    let g = p.graph.as_mut().unwrap();
    g.initializer
        .iter_mut()
        .max_by_key(|t| t.raw_data.len())
        .unwrap()
}

// ---- Absurd shapes ---------------------------------------------------------------------

#[test]
fn initializer_declaring_billions_of_elements_is_refused() {
    let b = tiny_bundle(1);
    for dims in [
        vec![1i64 << 20, 1 << 20, 1 << 10], // 2^50 elements, a few bytes of data
        vec![100_000, 100_000],             // 10^10: 40 GB if materialised
        vec![i64::MAX, 2],                  // the product overflows
        vec![-1, 16],                       // negative
        vec![1 << 62, 1 << 62, 1 << 62],
    ] {
        let enc = edit(&b.encoder, |p| first_weight(p).dims = dims.clone());
        assert_refused(
            load(&enc, &b.decoder, None),
            &format!("encoder dims {dims:?}"),
        );
        let dec = edit(&b.decoder, |p| first_weight(p).dims = dims.clone());
        assert_refused(
            load(&b.encoder, &dec, None),
            &format!("decoder dims {dims:?}"),
        );
    }
}

#[test]
fn initializer_whose_data_does_not_fill_its_dims_is_refused() {
    let b = tiny_bundle(1);
    let enc = edit(&b.encoder, |p| {
        let t = first_weight(p);
        t.raw_data.truncate(t.raw_data.len() / 2);
    });
    assert_refused(load(&enc, &b.decoder, None), "half the data");
    // float_data instead of raw_data, too short.
    let enc = edit(&b.encoder, |p| {
        let t = first_weight(p);
        t.raw_data.clear();
        t.float_data = vec![0.5; 3];
    });
    assert_refused(load(&enc, &b.decoder, None), "three floats");
}

#[test]
fn sum_of_initializers_over_max_model_bytes_is_refused() {
    // The data are honest but the model is over the memory budget once loaded.
    let b = tiny_bundle(1);
    let opts = cpu().with_max_model_bytes(b.encoder.len() as u64 + 16);
    let enc = edit(&b.encoder, |p| {
        // Declares 4 MB of weights in a few bytes: a constant-of-shape style bomb is
        // refused by the element count, whatever the encoding.
        let t = first_weight(p);
        t.dims = vec![1 << 20];
        t.raw_data = vec![0; 8];
    });
    let r = Model::from_bytes(&enc, &b.decoder, None, &opts);
    assert!(matches!(r, Err(Error::LimitExceeded(_))), "{r:?}");
}

#[test]
fn graph_input_of_absurd_size_is_refused() {
    let b = tiny_bundle(1);
    let enc = edit(&b.encoder, |p| {
        let input = &mut p.graph.as_mut().unwrap().input[0];
        let Some(type_proto::Value::TensorType(t)) = input.r#type.as_mut().unwrap().value.as_mut()
        else {
            unreachable!()
        };
        for d in t.shape.as_mut().unwrap().dim.iter_mut().skip(2) {
            *d = Dimension {
                value: Some(dimension::Value::DimValue(1 << 31)),
                ..Default::default()
            };
        }
    });
    assert_refused(load(&enc, &b.decoder, None), "image input of 2^31 x 2^31");
}

/// The decoder with a `ConstantOfShape` of `shape` added into its output, so that the
/// optimiser cannot drop it: materialised while the graph is optimised, at load.
fn decoder_with_constant_of_shape(decoder: &[u8], shape: &[i64]) -> Vec<u8> {
    let i64s = |v: &[i64]| v.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>();
    edit(decoder, |p| {
        let g = p.graph.as_mut().unwrap();
        let out = g.output[0].name.clone();
        for o in g.node.iter_mut().flat_map(|n| n.output.iter_mut()) {
            if *o == out {
                *o = "pre_bomb".into();
            }
        }
        g.initializer.push(TensorProto {
            name: "bomb_shape".into(),
            dims: vec![shape.len() as i64],
            data_type: 7, // INT64
            raw_data: i64s(shape),
            ..Default::default()
        });
        g.initializer.push(TensorProto {
            name: "bomb_axes".into(),
            dims: vec![shape.len() as i64],
            data_type: 7,
            raw_data: i64s(&(0..shape.len() as i64).collect::<Vec<_>>()),
            ..Default::default()
        });
        let node = |op: &str, inputs: &[&str], output: &str| NodeProto {
            op_type: op.into(),
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: vec![output.into()],
            name: format!("{output}_node"),
            ..Default::default()
        };
        g.node
            .push(node("ConstantOfShape", &["bomb_shape"], "bomb"));
        g.node
            .push(node("ReduceSum", &["bomb", "bomb_axes"], "bomb_sum"));
        g.node.push(node("Add", &["pre_bomb", "bomb_sum"], &out));
    })
}

#[test]
fn constant_of_shape_bomb_is_refused_before_allocating() {
    let b = tiny_bundle(1);
    // 10^15 floats (the engine's allocation fails), 2.5 * 10^9 floats = 10 GB (it may
    // succeed and take the machine down): both refused by validation, in no time.
    for shape in [[100_000i64, 100_000, 100_000], [50_000, 50_000, 1]] {
        let dec = decoder_with_constant_of_shape(&b.decoder, &shape);
        let t = std::time::Instant::now();
        let r = load(&b.encoder, &dec, None);
        assert!(
            matches!(r, Err(Error::LimitExceeded(_))),
            "{shape:?}: {r:?}"
        );
        assert!(t.elapsed().as_secs() < 5);
    }
    // A small one is fine (and changes nothing: it adds zeros).
    let dec = decoder_with_constant_of_shape(&b.decoder, &[1, 1, 1]);
    load(&b.encoder, &dec, None).unwrap();
}

// ---- Broken graphs ---------------------------------------------------------------------

#[test]
fn graph_with_a_cycle_is_refused() {
    let b = tiny_bundle(1);
    let enc = edit(&b.encoder, |p| {
        let g = p.graph.as_mut().unwrap();
        // The first node now reads the output of the last one.
        let last = g.node.last().unwrap().output[0].clone();
        g.node[0].input[0] = last;
    });
    assert_refused(
        load(&enc, &b.decoder, None),
        "cycle through the whole graph",
    );
    let enc = edit(&b.encoder, |p| {
        let g = p.graph.as_mut().unwrap();
        // A node that reads its own output.
        let own = g.node[1].output[0].clone();
        g.node[1].input[0] = own;
    });
    assert_refused(load(&enc, &b.decoder, None), "self loop");
}

#[test]
fn missing_initializers_and_dangling_names_are_refused() {
    let b = tiny_bundle(1);
    let enc = edit(&b.encoder, |p| {
        let g = p.graph.as_mut().unwrap();
        let i = (0..g.initializer.len())
            .max_by_key(|&i| g.initializer[i].raw_data.len())
            .unwrap();
        g.initializer.remove(i);
    });
    assert_refused(load(&enc, &b.decoder, None), "conv weight removed");
    let dec = edit(&b.decoder, |p| {
        p.graph.as_mut().unwrap().initializer.clear();
    });
    assert_refused(load(&b.encoder, &dec, None), "no initializers at all");
    let enc = edit(&b.encoder, |p| {
        p.graph.as_mut().unwrap().node[2].input[0] = "no_such_tensor".into();
    });
    assert_refused(load(&enc, &b.decoder, None), "dangling name");
    let enc = edit(&b.encoder, |p| {
        p.graph.as_mut().unwrap().node[0].op_type = "NoSuchOp".into();
    });
    assert_refused(load(&enc, &b.decoder, None), "unknown op");
    let enc = edit(&b.encoder, |p| p.graph.as_mut().unwrap().node.clear());
    assert_refused(load(&enc, &b.decoder, None), "no nodes");
}

// ---- Metadata that lies ----------------------------------------------------------------

#[test]
fn metadata_that_lies_is_refused() {
    let b = tiny_bundle(1);
    let pose = b.pose.as_deref();
    // Every part agrees on the lie, so only the graphs can tell.
    let all = |key: &str, value: &str| {
        let f = |bytes: &[u8]| edit(bytes, |p| set_meta(p, key, value));
        (f(&b.encoder), f(&b.decoder), pose.map(f))
    };
    for (key, value) in [
        ("drgan.feature_dim", "17"),
        ("drgan.feature_dim", "0"),
        ("drgan.feature_dim", "18446744073709551615"),
        ("drgan.noise_dim", "9"),
        ("drgan.input_size", "64"),
        ("drgan.pose_yaws", "-90,-60,-30,0,30,60,90"), // 7 bins; the graphs have 13
        ("drgan.pose_yaws", "0,NaN,30"),
        ("drgan.pose_yaws", "-inf,0,inf"),
        ("drgan.pose_yaws", ""),
        ("drgan.landmarks5", "nan,1,2,3,4,5,6,7,8,9"),
    ] {
        let (e, d, p) = all(key, value);
        assert_refused(load(&e, &d, p.as_deref()), &format!("{key}={value:?}"));
    }
}

/// Declared value shapes removed, so that a lie in the metadata is only found when the
/// graph is typed (or run).
fn strip_shapes(p: &mut ModelProto) {
    let g = p.graph.as_mut().unwrap();
    for v in g.input.iter_mut().chain(g.output.iter_mut()) {
        v.r#type = None;
    }
    g.value_info.clear();
}

#[test]
fn metadata_lies_behind_undeclared_shapes_fail_cleanly() {
    let b = tiny_bundle(1);
    for (key, value) in [
        ("drgan.feature_dim", "17"),
        ("drgan.pose_yaws", "-90,-60,-30,0,30,60,90"),
        ("drgan.noise_dim", "3"),
    ] {
        let f = |bytes: &[u8]| {
            edit(bytes, |p| {
                set_meta(p, key, value);
                strip_shapes(p);
            })
        };
        let (e, d, p) = (f(&b.encoder), f(&b.decoder), f(b.pose.as_ref().unwrap()));
        match load(&e, &d, Some(&p)) {
            Err(Error::InvalidModel(_) | Error::ModelMismatch(_)) => {}
            Err(e) => panic!("{key}={value}: unexpected {e:?}"),
            Ok(m) => {
                // Typing could not see it; running must.
                let pixels = picture(32, 32, 1);
                let face = Image::packed(&pixels, 32, 32, PixelFormat::Rgb8).unwrap();
                let r = m.embed(&face);
                assert!(matches!(r, Err(Error::Inference(_))), "{key}: embed {r:?}");
                let r = m.frontalize(&face, 1);
                assert!(r.is_err(), "{key}: frontalize {r:?}");
            }
        }
    }
}

// ---- Weights with NaN or Inf -----------------------------------------------------------

fn with_param(cfg: &Config, name: &str, f: impl Fn(usize, &mut f32)) -> BundleFiles {
    let mut w = Weights::random(cfg, 1);
    let shape = cfg
        .parameter_shapes()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no parameter {name}"))
        .1;
    let mut data = vec![0.01f32; shape.iter().product()];
    data.iter_mut().enumerate().for_each(|(i, v)| f(i, v));
    w.insert(name, shape, data).unwrap();
    BundleFiles::build(cfg, &w, "hostile", true).unwrap()
}

#[test]
fn nan_or_inf_weights_give_errors_or_finite_results() {
    let cfg = tiny_config();
    let pixels = picture(40, 40, 3);
    let face = Image::packed(&pixels, 40, 40, PixelFormat::Rgb8).unwrap();
    let names: Vec<String> = cfg
        .parameter_shapes()
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n.ends_with("weight") || n.ends_with("bias"))
        .collect();
    assert!(names.iter().any(|n| n.starts_with("encoder.")));
    assert!(names.iter().any(|n| n.starts_with("decoder.")));
    assert!(names.iter().any(|n| n.starts_with("pose.")));
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, f32::MAX] {
        // The first and last parameter of each network, all of it or one value of it.
        for prefix in ["encoder.", "decoder.", "pose."] {
            let of: Vec<&String> = names.iter().filter(|n| n.starts_with(prefix)).collect();
            for name in [of[0], of[of.len() - 1]] {
                for only_one in [false, true] {
                    let b = with_param(&cfg, name, |i, v| {
                        if !only_one || i == 0 {
                            *v = bad
                        }
                    });
                    let what = format!("{name} = {bad} (only one: {only_one})");
                    let m = match load(&b.encoder, &b.decoder, b.pose.as_deref()) {
                        Ok(m) => m,
                        Err(e) => {
                            assert!(matches!(e, Error::InvalidModel(_)), "{what}: {e:?}");
                            continue;
                        }
                    };
                    match m.embed(&face) {
                        Ok(e) => assert!(
                            e.feature.iter().all(|v| v.is_finite()) && e.confidence.is_finite(),
                            "{what}: embed {e:?}"
                        ),
                        Err(e) => assert!(matches!(e, Error::Inference(_)), "{what}: {e:?}"),
                    }
                    match m.embed_fused(&[face, face]) {
                        Ok(e) => assert!(
                            e.feature.iter().all(|v| v.is_finite()) && e.confidence.is_finite(),
                            "{what}: fused {e:?}"
                        ),
                        Err(e) => assert!(matches!(e, Error::Inference(_)), "{what}: {e:?}"),
                    }
                    if let Err(e) = m.frontalize(&face, 1) {
                        assert!(matches!(e, Error::Inference(_)), "{what}: {e:?}");
                    }
                    match m.estimate_yaw(&face) {
                        Ok(y) => assert!(y.is_finite(), "{what}: yaw {y}"),
                        Err(e) => assert!(matches!(e, Error::Inference(_)), "{what}: {e:?}"),
                    }
                    if let Err(e) = m.synthesize(&[1e30; 16], 0.0, 1) {
                        assert!(matches!(e, Error::Inference(_)), "{what}: {e:?}");
                    }
                }
            }
        }
    }
}

// ---- Images ----------------------------------------------------------------------------

#[test]
fn one_pixel_images_work_in_every_format() {
    let m = tiny_model();
    for format in [
        PixelFormat::Rgb8,
        PixelFormat::Rgba8,
        PixelFormat::Bgr8,
        PixelFormat::Bgra8,
        PixelFormat::Gray8,
    ] {
        let px = [200u8, 10, 30, 255];
        let face = Image::packed(&px[..format.bytes_per_pixel()], 1, 1, format).unwrap();
        let e = m.embed(&face).unwrap();
        assert!(e.feature.iter().all(|v| v.is_finite()));
        let out = m.frontalize(&face, 1).unwrap();
        assert_eq!(out.data.len(), 32 * 32 * 3);
        let crop = m
            .align(
                &face,
                &[[0.1, 0.1], [0.9, 0.1], [0.5, 0.5], [0.2, 0.8], [0.8, 0.8]],
            )
            .unwrap();
        assert_eq!(crop.data.len(), 32 * 32 * 3);
    }
}

#[test]
fn huge_image_declared_over_a_tiny_buffer_is_refused() {
    let px = [0u8; 16];
    for format in [PixelFormat::Rgb8, PixelFormat::Gray8, PixelFormat::Bgra8] {
        let r = Image::packed(&px, 65535, 65535, format);
        assert!(matches!(r, Err(Error::BufferTooSmall { .. })), "{r:?}");
        let r = Image::new(&px, 1, 65535, 1 << 40, format);
        assert!(r.is_err(), "{r:?}");
        let r = Image::new(&px, u32::MAX, u32::MAX, usize::MAX, format);
        assert!(r.is_err(), "{r:?}");
    }
    // Through the C ABI the geometry is checked against max_image_pixels before any
    // pixel is read: a 65535x65535 claim never reaches the pixels.
    use drgan::ffi::*;
    let b = tiny_bundle(1);
    let mut model = std::ptr::null_mut();
    let s = unsafe {
        drgan_model_open_memory(
            b.encoder.as_ptr(),
            b.encoder.len(),
            b.decoder.as_ptr(),
            b.decoder.len(),
            std::ptr::null(),
            0,
            std::ptr::null(),
            &mut model,
        )
    };
    assert_eq!(s, DrganStatus::Ok);
    for (w, h, stride) in [(65535u32, 65535u32, 65535 * 3), (1 << 20, 1 << 20, 3 << 20)] {
        let img = DrganImage {
            data: px.as_ptr(),
            width: w,
            height: h,
            stride_bytes: stride,
            format: 0,
        };
        let mut f = [0f32; 16];
        let mut conf = 0f32;
        let s = unsafe {
            drgan_embed(
                model,
                &img,
                f.as_mut_ptr(),
                16,
                std::ptr::null_mut(),
                &mut conf,
            )
        };
        assert_eq!(s, DrganStatus::LimitExceeded, "{w}x{h}");
    }
    unsafe { drgan_model_free(model) };
}

#[test]
fn images_over_max_image_pixels_are_refused_by_every_call() {
    let b = tiny_bundle(1);
    let opts = cpu().with_max_image_pixels(100);
    let m = Model::from_bytes(&b.encoder, &b.decoder, b.pose.as_deref(), &opts).unwrap();
    let pixels = picture(11, 10, 1);
    let face = Image::packed(&pixels, 11, 10, PixelFormat::Rgb8).unwrap();
    let lim = |r: Result<(), Error>| assert!(matches!(r, Err(Error::LimitExceeded(_))), "{r:?}");
    lim(m.embed(&face).map(drop));
    lim(m.embed_fused(&[face]).map(drop));
    lim(m.frontalize(&face, 1).map(drop));
    lim(m.rotate(&face, 30.0, 1).map(drop));
    lim(m.estimate_yaw(&face).map(drop));
    let lm = [[1.0, 1.0], [8.0, 1.0], [5.0, 5.0], [2.0, 8.0], [8.0, 8.0]];
    lim(m.align(&face, &lm).map(drop));
    let small = Image::packed(&pixels, 10, 10, PixelFormat::Rgb8).unwrap();
    assert!(m.embed(&small).is_ok());
}

// ---- Decompression bombs ---------------------------------------------------------------

fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in bytes {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend(kind);
    out.extend(data);
    let crc = crc32(&out[start..]);
    out.extend(crc.to_be_bytes());
}

/// A PNG that declares `w`x`h` RGB8 and carries `idat` as its only data.
fn png_declaring(w: u32, h: u32, idat: &[u8]) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter, no interlace
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", idat);
    chunk(&mut png, b"IEND", &[]);
    png
}

/// A zlib stream of about `n` zero bytes (highly compressed): the IDAT payload of an
/// all-zero grey PNG encoded by the image crate.
fn zlib_zeros(n: usize) -> Vec<u8> {
    let side = (n as f64).sqrt() as u32;
    let mut out = Vec::new();
    ::image::ImageEncoder::write_image(
        ::image::codecs::png::PngEncoder::new_with_quality(
            &mut out,
            ::image::codecs::png::CompressionType::Best,
            ::image::codecs::png::FilterType::NoFilter,
        ),
        &vec![0u8; (side * side) as usize],
        side,
        side,
        ::image::ExtendedColorType::L8,
    )
    .unwrap();
    idat_of(&out)
}

fn idat_of(png: &[u8]) -> Vec<u8> {
    let mut i = 8;
    let mut data = Vec::new();
    while i + 8 <= png.len() {
        let len = u32::from_be_bytes(png[i..i + 4].try_into().unwrap()) as usize;
        if &png[i + 4..i + 8] == b"IDAT" {
            data.extend(&png[i + 8..i + 8 + len]);
        }
        i += 12 + len;
    }
    data
}

#[test]
fn png_declaring_100000_squared_is_refused_before_decoding() {
    let bomb = png_declaring(100_000, 100_000, &zlib_zeros(1 << 16));
    assert!(bomb.len() < 10_000, "{} bytes", bomb.len());
    let r = drgan::io::decode_image(&bomb, Options::default().max_image_pixels)
        .map(|i| (i.width, i.height));
    assert!(matches!(r, Err(Error::LimitExceeded(_))), "{r:?}");
    // Within the pixel limit by side but not by area.
    let bomb = png_declaring(60_000, 60_000, &zlib_zeros(1 << 16));
    let r = drgan::io::decode_image(&bomb, Options::default().max_image_pixels)
        .map(|i| (i.width, i.height));
    assert!(matches!(r, Err(Error::LimitExceeded(_))), "{r:?}");
    // And through the C ABI.
    let mut out = std::ptr::null_mut();
    let s = unsafe {
        drgan::ffi::drgan_image_decode(bomb.as_ptr(), bomb.len(), std::ptr::null(), &mut out)
    };
    assert_eq!(s, drgan::ffi::DrganStatus::LimitExceeded);
    assert!(out.is_null());
}

#[test]
fn png_bomb_under_a_small_limit_is_refused_and_real_images_decode() {
    // 2048x2048 of zeros compresses to a few kB; a caller's limit of 1 Mpixel refuses it.
    let side = 2048u32;
    let mut png = Vec::new();
    ::image::ImageEncoder::write_image(
        ::image::codecs::png::PngEncoder::new_with_quality(
            &mut png,
            ::image::codecs::png::CompressionType::Best,
            ::image::codecs::png::FilterType::NoFilter,
        ),
        &vec![0u8; (side * side * 3) as usize],
        side,
        side,
        ::image::ExtendedColorType::Rgb8,
    )
    .unwrap();
    assert!(png.len() < 100_000, "{}", png.len());
    let r = drgan::io::decode_image(&png, 1 << 20).map(|i| (i.width, i.height));
    assert!(matches!(r, Err(Error::LimitExceeded(_))), "{r:?}");
    let ok = drgan::io::decode_image(&png, 1 << 22).unwrap();
    assert_eq!((ok.width, ok.height), (side, side));
    // A truncated stream is a decode error, not a crash or a zero-filled image.
    let r = drgan::io::decode_image(&png[..png.len() / 2], 1 << 22).map(|i| (i.width, i.height));
    assert!(matches!(r, Err(Error::ImageDecode(_))), "{r:?}");
}

/// A real photo (examples/data) whose SOF0 header now declares `w`x`h`.
fn jpeg_declaring(w: u16, h: u16) -> Vec<u8> {
    let mut j = std::fs::read(examples_data().join("obama.jpg")).unwrap();
    // Walk the segments (an EXIF thumbnail may hold an SOF0 of its own).
    let mut sof = 2;
    while j[sof + 1] != 0xc0 {
        assert_eq!(j[sof], 0xff, "segment at {sof}");
        sof += 2 + u16::from_be_bytes([j[sof + 2], j[sof + 3]]) as usize;
    }
    j[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    j[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    j
}

#[test]
fn jpeg_declaring_65535_squared_is_refused_before_decoding() {
    let bomb = jpeg_declaring(65535, 65535);
    let r = drgan::io::decode_image(&bomb, Options::default().max_image_pixels)
        .map(|i| (i.width, i.height));
    assert!(matches!(r, Err(Error::LimitExceeded(_))), "{r:?}");
    let r =
        drgan::io::decode_image(&jpeg_declaring(4000, 4000), 1 << 20).map(|i| (i.width, i.height));
    assert!(matches!(r, Err(Error::LimitExceeded(_))), "{r:?}");
    // Under the limit, scan data that does not fit the header decodes to something or
    // fails cleanly.
    match drgan::io::decode_image(&jpeg_declaring(64, 48), 1 << 20) {
        Ok(img) => assert_eq!(
            (img.width, img.height, img.data.len()),
            (64, 48, 64 * 48 * 3)
        ),
        Err(e) => assert!(matches!(e, Error::ImageDecode(_)), "{e:?}"),
    }
}

#[test]
fn garbage_and_empty_images_are_decode_errors() {
    for bytes in [
        &b""[..],
        b"\x89PNG",
        b"\xff\xd8\xff",
        b"GIF89a",
        &[0u8; 100],
    ] {
        let r = drgan::io::decode_image(bytes, 1 << 20).map(|i| (i.width, i.height));
        assert!(matches!(r, Err(Error::ImageDecode(_))), "{bytes:?}: {r:?}");
    }
}

/// Inputs the fuzzers found, kept in tests/fuzz_findings: each must decode or fail with a
/// decode error, through Rust and through the C ABI.
#[test]
fn fuzz_findings_decode_or_fail_cleanly() {
    // A JPEG on which zune-jpeg's IDCT panicked (image_decode target).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_findings");
    let path = dir.join("jpeg-idct-panic.jpg");
    let bytes = std::fs::read(&path).unwrap();
    let r = drgan::io::decode_image(&bytes, 1 << 16).map(|i| (i.width, i.height));
    assert!(matches!(r, Err(Error::ImageDecode(_))), "{r:?}");

    use drgan::ffi::*;
    let c = CString::new(path.to_str().unwrap()).unwrap();
    let mut img = std::ptr::null_mut();
    let s = unsafe { drgan_image_load(c.as_ptr(), std::ptr::null(), &mut img) };
    assert_eq!(s, DrganStatus::ImageDecode);
    assert!(img.is_null());
}

// ---- Paths -----------------------------------------------------------------------------

#[test]
fn paths_that_do_not_exist_or_are_directories() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let file = dir.path().join("file.png");
    std::fs::write(&file, b"not a png").unwrap();
    let io = |r: Result<(), Error>| assert!(matches!(r, Err(Error::Io { .. })), "{r:?}");
    io(Model::open(&missing, &cpu()).map(drop));
    io(Model::open(&file, &cpu()).map(drop)); // a file, not a bundle directory
    io(drgan::io::load_image(&missing, 1 << 20).map(drop));
    io(drgan::io::load_image(dir.path(), 1 << 20).map(drop)); // a directory
                                                              // A bundle directory whose parts are directories.
    let bundle = dir.path().join("bundle");
    for part in ["encoder.onnx", "decoder.onnx", "pose.onnx"] {
        std::fs::create_dir_all(bundle.join(part)).unwrap();
    }
    io(Model::open(&bundle, &cpu()).map(drop));
    // pose.onnx a directory beside real parts.
    let b = tiny_bundle(1);
    let real = dir.path().join("real");
    BundleFiles {
        pose: None,
        ..b.clone()
    }
    .write_dir(&real)
    .unwrap();
    std::fs::create_dir(real.join("pose.onnx")).unwrap();
    io(Model::open(&real, &cpu()).map(drop));
    // Saving into a directory that does not exist.
    let px = [0u8; 3];
    let img = Image::packed(&px, 1, 1, PixelFormat::Rgb8).unwrap();
    io(drgan::io::save_png(&img, missing.join("x.png")));

    // The same through the C ABI.
    use drgan::ffi::*;
    let c = |p: &std::path::Path| CString::new(p.to_str().unwrap()).unwrap();
    let mut model = std::ptr::null_mut();
    for p in [&missing, &file, &bundle, &real] {
        let s = unsafe { drgan_model_open(c(p).as_ptr(), std::ptr::null(), &mut model) };
        assert_eq!(s, DrganStatus::Io, "{p:?}");
        assert!(model.is_null());
    }
    let mut img = std::ptr::null_mut();
    for p in [&missing, &dir.path().to_path_buf()] {
        let s = unsafe { drgan_image_load(c(p).as_ptr(), std::ptr::null(), &mut img) };
        assert_eq!(s, DrganStatus::Io, "{p:?}");
        assert!(img.is_null());
    }
}
