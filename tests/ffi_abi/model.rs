//! Opening (directory, memory), freeing, info and pose bins; every bad model input.

use std::ffi::{CStr, CString};
use std::mem::{offset_of, size_of};
use std::ptr;

use drgan::ffi::*;
use prost::Message;

use crate::support::*;

fn open_dir(dir: &CStr) -> (DrganStatus, Handle) {
    let mut m = ptr::null_mut();
    let s = unsafe { drgan_model_open(dir.as_ptr(), ptr::null(), &mut m) };
    (s, Handle(m))
}

fn open_bytes(enc: &[u8], dec: &[u8], pose: Option<&[u8]>) -> (DrganStatus, Handle) {
    let mut m = ptr::null_mut();
    let (p, pl) = pose.map_or((ptr::null(), 0), |p| (p.as_ptr(), p.len()));
    let s = unsafe {
        drgan_model_open_memory(
            enc.as_ptr(),
            enc.len(),
            dec.as_ptr(),
            dec.len(),
            p,
            pl,
            ptr::null(),
            &mut m,
        )
    };
    (s, Handle(m))
}

fn info(m: *const DrganModel) -> DrganModelInfo {
    let mut i: DrganModelInfo = unsafe { std::mem::zeroed() };
    i.struct_size = size_of::<DrganModelInfo>();
    assert_eq!(unsafe { drgan_model_info(m, &mut i) }, DrganStatus::Ok);
    i
}

fn text(chars: &[std::ffi::c_char]) -> String {
    unsafe { CStr::from_ptr(chars.as_ptr()) }
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn open_a_directory_and_describe_the_model() {
    let (s, m) = open_dir(&cstr(tiny_dir()));
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    let i = info(m.ptr());
    let r = rust_model().info();
    assert_eq!(i.struct_size, size_of::<DrganModelInfo>());
    assert_eq!(i.format_version, 1);
    assert_eq!(i.input_size as usize, INPUT);
    assert_eq!(i.feature_dim, NF);
    assert_eq!(i.noise_dim, 8);
    assert_eq!(i.pose_count, 13);
    assert_eq!(i.image_bytes, IMAGE_BYTES);
    assert_eq!((i.min_yaw, i.max_yaw), (-90.0, 90.0));
    assert_eq!(i.landmarks.to_vec(), r.landmarks.concat());
    assert_eq!(i.has_pose_head, 1);
    assert_eq!(i.encoder_backend, DrganBackend::Cpu as i32);
    // Default options (AUTO): the decoder may run on a hardware GPU where there is one.
    assert_eq!(i.decoder_backend, r.decoder_backend as i32);
    assert!([DrganBackend::Cpu as i32, DrganBackend::Gpu as i32].contains(&i.decoder_backend));
    assert_eq!(text(&i.config), "tiny");
    assert_eq!(text(&i.trained_on), r.trained_on);

    let mut yaws = [0f32; 13];
    let mut needed = 0usize;
    let s = unsafe { drgan_model_pose_yaws(m.ptr(), yaws.as_mut_ptr(), 13, &mut needed) };
    assert_eq!(s, DrganStatus::Ok);
    assert_eq!(needed, 13);
    assert_eq!(yaws.to_vec(), r.pose_yaws);
    // `out_needed` may be NULL; a larger buffer is fine and only 13 are written.
    let mut more = [7f32; 20];
    let s = unsafe { drgan_model_pose_yaws(m.ptr(), more.as_mut_ptr(), 20, ptr::null_mut()) };
    assert_eq!(s, DrganStatus::Ok);
    assert_eq!(&more[..13], &yaws[..]);
    assert_eq!(more[13], 7.0);
}

#[test]
fn open_memory_with_and_without_pose_head() {
    let b = tiny();
    let (s, m) = open_bytes(&b.encoder, &b.decoder, None);
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    assert_eq!(info(m.ptr()).has_pose_head, 0);
    let (s, m) = open_bytes(&b.encoder, &b.decoder, b.pose.as_deref());
    assert_eq!(s, DrganStatus::Ok);
    assert_eq!(info(m.ptr()).has_pose_head, 1);
}

#[test]
fn free_null_is_a_no_op() {
    unsafe { drgan_model_free(ptr::null_mut()) };
    unsafe { drgan_image_free(ptr::null_mut()) };
}

#[test]
fn info_writes_only_struct_size_bytes() {
    let mut i: DrganModelInfo = unsafe { std::mem::zeroed() };
    i.struct_size = offset_of!(DrganModelInfo, noise_dim);
    i.noise_dim = 12345;
    i.config[0] = b'x' as std::ffi::c_char;
    assert_eq!(
        unsafe { drgan_model_info(model(), &mut i) },
        DrganStatus::Ok
    );
    assert_eq!(i.struct_size, offset_of!(DrganModelInfo, noise_dim));
    assert_eq!((i.input_size as usize, i.feature_dim), (INPUT, NF));
    assert_eq!(i.noise_dim, 12345);
    assert_eq!(i.config[0], b'x' as std::ffi::c_char);
}

#[test]
fn info_for_a_newer_header_says_how_much_it_filled() {
    #[repr(C)]
    struct Newer {
        base: DrganModelInfo,
        future_field: u64,
    }
    let mut n: Newer = unsafe { std::mem::zeroed() };
    n.base.struct_size = size_of::<Newer>();
    n.future_field = 777;
    assert_eq!(
        unsafe { drgan_model_info(model(), &mut n.base) },
        DrganStatus::Ok
    );
    assert_eq!(n.base.struct_size, size_of::<DrganModelInfo>());
    assert_eq!(n.base.feature_dim, NF);
    assert_eq!(
        n.future_field, 777,
        "past the library's struct: not written"
    );
}

#[test]
fn info_and_pose_yaws_reject_bad_arguments() {
    let mut i: DrganModelInfo = unsafe { std::mem::zeroed() };
    i.struct_size = size_of::<DrganModelInfo>();
    let s = unsafe { drgan_model_info(ptr::null(), &mut i) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_model_info",
        &["`model`"],
    );
    let s = unsafe { drgan_model_info(model(), ptr::null_mut()) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_model_info",
        &["`out_info`"],
    );
    i.struct_size = 3;
    let s = unsafe { drgan_model_info(model(), &mut i) };
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_model_info",
        &["struct_size"],
    );
    assert_eq!(i.input_size, 0, "nothing written on failure");

    let mut yaws = [0f32; 13];
    let mut needed = 0usize;
    let s = unsafe { drgan_model_pose_yaws(ptr::null(), yaws.as_mut_ptr(), 13, &mut needed) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_model_pose_yaws",
        &["`model`"],
    );
    let s = unsafe { drgan_model_pose_yaws(model(), ptr::null_mut(), 13, &mut needed) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_model_pose_yaws",
        &["`out_yaws`"],
    );
    assert_eq!(needed, 0);
    let s = unsafe { drgan_model_pose_yaws(model(), yaws.as_mut_ptr(), 12, &mut needed) };
    fails(
        s,
        DrganStatus::BufferTooSmall,
        "drgan_model_pose_yaws",
        &["13 elements needed", "12 given"],
    );
    assert_eq!(needed, 13);
    assert!(
        yaws.iter().all(|&y| y == 0.0),
        "buffer untouched on failure"
    );
}

#[test]
fn open_rejects_null_arguments() {
    let dir = cstr(tiny_dir());
    let mut m = ptr::null_mut();
    let s = unsafe { drgan_model_open(ptr::null(), ptr::null(), &mut m) };
    fails(s, DrganStatus::NullArgument, "drgan_model_open", &["`dir`"]);
    let s = unsafe { drgan_model_open(dir.as_ptr(), ptr::null(), ptr::null_mut()) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_model_open",
        &["`out_model`"],
    );

    let b = tiny();
    let (e, d) = (&b.encoder, &b.decoder);
    let call = |enc: *const u8, dec: *const u8, out: *mut *mut DrganModel| unsafe {
        drgan_model_open_memory(enc, e.len(), dec, d.len(), ptr::null(), 0, ptr::null(), out)
    };
    let s = call(ptr::null(), d.as_ptr(), &mut m);
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_model_open_memory",
        &["`encoder`"],
    );
    let s = call(e.as_ptr(), ptr::null(), &mut m);
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_model_open_memory",
        &["`decoder`"],
    );
    let s = call(e.as_ptr(), d.as_ptr(), ptr::null_mut());
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_model_open_memory",
        &["`out_model`"],
    );
    assert!(m.is_null());
}

#[test]
fn open_rejects_bad_paths() {
    let root = scratch().join("paths");
    std::fs::create_dir_all(&root).unwrap();
    let file = root.join("a-file");
    std::fs::write(&file, b"not a directory").unwrap();
    // A bundle whose encoder.onnx is a directory, and one without a decoder.
    let dir_as_file = root.join("dir-as-file");
    std::fs::create_dir_all(dir_as_file.join("encoder.onnx")).unwrap();
    std::fs::write(dir_as_file.join("decoder.onnx"), &tiny().decoder).unwrap();
    let no_decoder = root.join("no-decoder");
    std::fs::create_dir_all(&no_decoder).unwrap();
    std::fs::write(no_decoder.join("encoder.onnx"), &tiny().encoder).unwrap();

    let cases = [
        (root.join("missing"), "missing"),
        (file.clone(), "a-file"),
        (dir_as_file, "encoder.onnx"),
        (no_decoder, "decoder.onnx"),
    ];
    for (path, word) in cases {
        let (s, m) = open_dir(&cstr(&path));
        assert!(m.0.is_null());
        fails(s, DrganStatus::Io, "drgan_model_open", &[word]);
    }

    let not_utf8 = CString::new(vec![b'/', 0xff, 0xfe, b'x']).unwrap();
    let (s, _) = open_dir(&not_utf8);
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_model_open",
        &["UTF-8"],
    );
}

/// The encoder with its metadata removed: a valid ONNX file that is no DR-GAN part.
fn without_metadata(onnx: &[u8]) -> Vec<u8> {
    let mut proto = tract_onnx::pb::ModelProto::decode(onnx).unwrap();
    proto.metadata_props.clear();
    proto.encode_to_vec()
}

/// What is wrong, encoder, decoder, pose head, the status expected.
type Case<'a> = (&'a str, &'a [u8], &'a [u8], Option<&'a [u8]>, DrganStatus);

#[test]
fn open_memory_rejects_what_is_not_a_bundle() {
    let b = tiny();
    let (e, d) = (&b.encoder[..], &b.decoder[..]);
    let random: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let bare = without_metadata(e);
    let o = other();
    let cases: Vec<Case> = vec![
        ("empty encoder", &[], d, None, DrganStatus::InvalidModel),
        (
            "truncated encoder",
            &e[..e.len() / 2],
            d,
            None,
            DrganStatus::InvalidModel,
        ),
        (
            "truncated decoder",
            e,
            &d[..d.len() - 7],
            None,
            DrganStatus::InvalidModel,
        ),
        (
            "random encoder",
            &random,
            d,
            None,
            DrganStatus::InvalidModel,
        ),
        (
            "random decoder",
            e,
            &random,
            None,
            DrganStatus::InvalidModel,
        ),
        (
            "random pose head",
            e,
            d,
            Some(&random),
            DrganStatus::InvalidModel,
        ),
        (
            "encoder without metadata",
            &bare,
            d,
            None,
            DrganStatus::InvalidModel,
        ),
        (
            "encoder and decoder swapped",
            d,
            e,
            None,
            DrganStatus::InvalidModel,
        ),
        (
            "decoder of another config",
            e,
            &o.decoder,
            None,
            DrganStatus::ModelMismatch,
        ),
        (
            "pose head of another config",
            e,
            d,
            o.pose.as_deref(),
            DrganStatus::ModelMismatch,
        ),
    ];
    for (what, enc, dec, pose, status) in cases {
        let (s, m) = open_bytes(enc, dec, pose);
        assert!(m.0.is_null(), "{what}: out_model written on failure");
        let msg = last_error();
        assert_eq!(s, status, "{what}: {msg}");
        assert!(
            msg.starts_with("drgan_model_open_memory: "),
            "{what}: {msg}"
        );
        assert!(msg.len() > 40, "{what}: message too terse: {msg}");
    }
    // The message of the metadata case says what is wrong.
    let (_, _) = open_bytes(&bare, d, None);
    assert!(last_error().contains("metadata"), "{}", last_error());
}

#[test]
fn open_a_directory_of_mismatched_parts() {
    let dir = scratch().join("mismatch");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("encoder.onnx"), &tiny().encoder).unwrap();
    std::fs::write(dir.join("decoder.onnx"), &other().decoder).unwrap();
    let (s, m) = open_dir(&cstr(&dir));
    assert!(m.0.is_null());
    fails(
        s,
        DrganStatus::ModelMismatch,
        "drgan_model_open",
        &["decoder"],
    );
}

/// `drgan_model_open_default`, in a build with the embedded model: the same model as
/// opening models/default from disk (info, pose bins, outputs), a new handle per call.
#[cfg(feature = "default-model")]
#[test]
fn open_default_is_the_bundle_in_models_default() {
    let mut options: DrganOptions = unsafe { std::mem::zeroed() };
    options.struct_size = size_of::<DrganOptions>();
    assert_eq!(
        unsafe { drgan_options_default(&mut options) },
        DrganStatus::Ok
    );
    options.backend = DrganBackend::Cpu as i32;
    let open_default = |options: *const DrganOptions| {
        let mut m = ptr::null_mut();
        let s = unsafe { drgan_model_open_default(options, &mut m) };
        (s, Handle(m))
    };
    let (s, embedded) = open_default(&options);
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    let (s, again) = open_default(ptr::null());
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    assert_ne!(embedded.0, again.0, "each call makes a new handle");

    let dir = cstr(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default"));
    let mut m = ptr::null_mut();
    let s = unsafe { drgan_model_open(dir.as_ptr(), &options, &mut m) };
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    let on_disk = Handle(m);

    let (a, b) = (info(embedded.ptr()), info(on_disk.ptr()));
    assert_eq!(a.input_size, b.input_size);
    assert_eq!((a.feature_dim, a.noise_dim), (b.feature_dim, b.noise_dim));
    assert_eq!(a.pose_count, b.pose_count);
    assert_eq!(a.landmarks, b.landmarks);
    assert_eq!(text(&a.config), text(&b.config));
    assert_eq!(text(&a.trained_on), text(&b.trained_on));
    assert_eq!(a.has_pose_head, 1);
    assert_eq!(
        (a.encoder_backend, a.decoder_backend),
        (DrganBackend::Cpu as i32, DrganBackend::Cpu as i32)
    );
    let mut yaws = vec![0f32; a.pose_count];
    let s = unsafe {
        drgan_model_pose_yaws(
            embedded.ptr(),
            yaws.as_mut_ptr(),
            yaws.len(),
            ptr::null_mut(),
        )
    };
    assert_eq!(s, DrganStatus::Ok);
    assert!(yaws.windows(2).all(|w| w[0] < w[1]), "{yaws:?}");

    // The same outputs as the bundle on disk.
    let pic = Pic::rgb(a.input_size, a.input_size, 5);
    let face = pic.image;
    let embed = |m: &Handle| {
        let mut f = vec![0f32; a.feature_dim];
        let mut conf = 0f32;
        let s = unsafe {
            drgan_embed(
                m.ptr(),
                &face,
                f.as_mut_ptr(),
                f.len(),
                ptr::null_mut(),
                &mut conf,
            )
        };
        assert_eq!(s, DrganStatus::Ok, "{}", last_error());
        (f, conf)
    };
    let (fa, ca) = embed(&embedded);
    assert!(fa.iter().all(|v| v.is_finite()) && ca > 0.0 && ca < 1.0);
    assert_eq!((fa.clone(), ca), embed(&on_disk));
    assert_eq!((fa, ca), embed(&again));
}

#[cfg(feature = "default-model")]
#[test]
fn open_default_rejects_bad_arguments() {
    let s = unsafe { drgan_model_open_default(ptr::null(), ptr::null_mut()) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_model_open_default",
        &["`out_model`"],
    );
    let mut options: DrganOptions = unsafe { std::mem::zeroed() };
    options.struct_size = size_of::<DrganOptions>();
    assert_eq!(
        unsafe { drgan_options_default(&mut options) },
        DrganStatus::Ok
    );
    let mut m = ptr::null_mut();
    options.backend = 9;
    let s = unsafe { drgan_model_open_default(&options, &mut m) };
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_model_open_default",
        &["backend"],
    );
    options.backend = DrganBackend::Cpu as i32;
    options.max_model_bytes = 1000;
    let s = unsafe { drgan_model_open_default(&options, &mut m) };
    fails(
        s,
        DrganStatus::LimitExceeded,
        "drgan_model_open_default",
        &["over the limit of 1000 bytes"],
    );
    assert!(m.is_null(), "out_model written on failure");
}

/// In a build without the embedded model (`--no-default-features`) the function exists
/// and says so.
#[cfg(not(feature = "default-model"))]
#[test]
fn open_default_without_the_embedded_model_is_unsupported() {
    let mut m = ptr::null_mut();
    let s = unsafe { drgan_model_open_default(ptr::null(), &mut m) };
    fails(
        s,
        DrganStatus::Unsupported,
        "drgan_model_open_default",
        &["built without the embedded default model", "default-model"],
    );
    assert!(m.is_null());
}
