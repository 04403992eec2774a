//! Image helpers: save PNG, load, decode, free; and every bad image description.

use std::ffi::CString;
use std::ptr;

use drgan::ffi::*;

use crate::support::*;

fn save(path: &std::path::Path, image: &DrganImage) -> DrganStatus {
    unsafe { drgan_image_save_png(cstr(path).as_ptr(), image) }
}

fn load(path: &std::path::Path) -> (DrganStatus, *mut DrganDecodedImage) {
    let mut out = ptr::null_mut();
    let s = unsafe { drgan_image_load(cstr(path).as_ptr(), ptr::null(), &mut out) };
    (s, out)
}

fn pixels(img: &DrganImage) -> &[u8] {
    assert_eq!(img.stride_bytes, img.width as usize * 3);
    unsafe { std::slice::from_raw_parts(img.data, img.stride_bytes * img.height as usize) }
}

#[test]
fn save_load_and_decode_round_trip() {
    let pic = Pic::rgb(37, 21, 3);
    let path = scratch().join("round-trip.png");
    assert_eq!(save(&path, &pic.image), DrganStatus::Ok, "{}", last_error());

    let (s, img) = load(&path);
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    let i = unsafe { &(*img).image };
    assert_eq!((i.width, i.height), (37, 21));
    assert_eq!(i.format, DrganPixelFormat::Rgb8 as i32);
    assert_eq!(pixels(i), &pic.pixels[..]);

    let bytes = std::fs::read(&path).unwrap();
    let mut dec = ptr::null_mut();
    let s = unsafe { drgan_image_decode(bytes.as_ptr(), bytes.len(), ptr::null(), &mut dec) };
    assert_eq!(s, DrganStatus::Ok);
    assert_eq!(pixels(unsafe { &(*dec).image }), &pic.pixels[..]);

    // A returned image feeds straight back into the API.
    let (mut f, mut c) = ([0f32; NF], 0f32);
    let s = unsafe {
        drgan_embed(
            model(),
            &(*img).image,
            f.as_mut_ptr(),
            NF,
            ptr::null_mut(),
            &mut c,
        )
    };
    assert_eq!(s, DrganStatus::Ok);
    unsafe {
        drgan_image_free(img);
        drgan_image_free(dec);
    }
}

#[test]
fn save_handles_every_format_and_padded_rows() {
    let formats = [
        (DrganPixelFormat::Rgb8, 3, [0, 1, 2]),
        (DrganPixelFormat::Rgba8, 4, [0, 1, 2]),
        (DrganPixelFormat::Bgr8, 3, [2, 1, 0]),
        (DrganPixelFormat::Bgra8, 4, [2, 1, 0]),
        (DrganPixelFormat::Gray8, 1, [0, 0, 0]),
    ];
    for (format, bpp, order) in formats {
        let (w, h, stride) = (9u32, 5u32, 9 * bpp + 5);
        let px = picture(w, h, bpp, stride, 4);
        let image = DrganImage {
            data: px.as_ptr(),
            width: w,
            height: h,
            stride_bytes: stride,
            format: format as i32,
        };
        let path = scratch().join(format!("format-{}.png", format as i32));
        assert_eq!(
            save(&path, &image),
            DrganStatus::Ok,
            "{format:?}: {}",
            last_error()
        );
        let (s, img) = load(&path);
        assert_eq!(s, DrganStatus::Ok);
        let got = pixels(unsafe { &(*img).image });
        for y in 0..h as usize {
            for x in 0..w as usize {
                let src = &px[y * stride + x * bpp..];
                let rgb = &got[(y * w as usize + x) * 3..][..3];
                assert_eq!(
                    rgb,
                    [src[order[0]], src[order[1]], src[order[2]]],
                    "{format:?}"
                );
            }
        }
        unsafe { drgan_image_free(img) };
    }
}

#[test]
fn load_rejects_bad_files() {
    let dir = scratch().join("bad-images");
    std::fs::create_dir_all(&dir).unwrap();
    let text = dir.join("not-an-image.png");
    std::fs::write(&text, b"this is text, not a PNG or a JPEG").unwrap();
    let truncated = dir.join("truncated.png");
    let pic = Pic::rgb(40, 40, 5);
    let good = dir.join("good.png");
    assert_eq!(save(&good, &pic.image), DrganStatus::Ok);
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();

    let cases = [
        (dir.join("missing.png"), DrganStatus::Io, "missing.png"),
        (dir.clone(), DrganStatus::Io, "bad-images"),
        (text, DrganStatus::ImageDecode, "not a PNG or JPEG"),
        (truncated, DrganStatus::ImageDecode, "image"),
    ];
    for (path, status, word) in cases {
        let (s, img) = load(&path);
        assert!(img.is_null());
        fails(s, status, "drgan_image_load", &[word]);
    }

    let mut out = ptr::null_mut();
    let s = unsafe { drgan_image_load(ptr::null(), ptr::null(), &mut out) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_image_load",
        &["`path`"],
    );
    let s = unsafe { drgan_image_load(cstr(&good).as_ptr(), ptr::null(), ptr::null_mut()) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_image_load",
        &["`out_image`"],
    );
    let not_utf8 = CString::new(vec![0xc3, 0x28]).unwrap();
    let s = unsafe { drgan_image_load(not_utf8.as_ptr(), ptr::null(), &mut out) };
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_image_load",
        &["UTF-8"],
    );
    assert!(out.is_null());
}

#[test]
fn decode_rejects_bad_bytes() {
    let mut out = ptr::null_mut();
    let random: Vec<u8> = (0..999u32).map(|i| (i * 7919 % 251) as u8).collect();
    let png_head = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    for (what, bytes) in [
        ("random", random),
        ("empty", vec![]),
        ("PNG header only", png_head),
    ] {
        let s = unsafe { drgan_image_decode(bytes.as_ptr(), bytes.len(), ptr::null(), &mut out) };
        assert!(out.is_null());
        fails(s, DrganStatus::ImageDecode, "drgan_image_decode", &[]);
        assert!(last_error().len() > 30, "{what}: {}", last_error());
    }
    let s = unsafe { drgan_image_decode(ptr::null(), 10, ptr::null(), &mut out) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_image_decode",
        &["`bytes`"],
    );
    let s = unsafe { drgan_image_decode([0u8].as_ptr(), 1, ptr::null(), ptr::null_mut()) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_image_decode",
        &["`out_image`"],
    );
}

#[test]
fn save_rejects_bad_arguments() {
    let pic = Pic::rgb(8, 8, 6);
    let path = cstr(&scratch().join("never.png"));
    let s = unsafe { drgan_image_save_png(ptr::null(), &pic.image) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_image_save_png",
        &["`path`"],
    );
    let s = unsafe { drgan_image_save_png(path.as_ptr(), ptr::null()) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_image_save_png",
        &["`image`"],
    );
    for (what, image, status, word) in bad_images(&pic) {
        let s = unsafe { drgan_image_save_png(path.as_ptr(), &image) };
        assert_eq!(s, status, "{what}: {}", last_error());
        fails(s, status, "drgan_image_save_png", &[word]);
    }
    let s = save(&scratch().join("no/such/dir/x.png"), &pic.image);
    fails(s, DrganStatus::Io, "drgan_image_save_png", &["x.png"]);
    assert!(!scratch().join("never.png").exists());
}

#[test]
fn load_and_decode_take_the_callers_pixel_limit() {
    let pic = Pic::rgb(40, 30, 5);
    let path = scratch().join("limit.png");
    assert_eq!(save(&path, &pic.image), DrganStatus::Ok);
    let bytes = std::fs::read(&path).unwrap();
    let mut options: DrganOptions = unsafe { std::mem::zeroed() };
    options.struct_size = std::mem::size_of::<DrganOptions>();
    assert_eq!(
        unsafe { drgan_options_default(&mut options) },
        DrganStatus::Ok
    );
    options.max_image_pixels = 40 * 30 - 1;
    let mut out = ptr::null_mut();
    let s = unsafe { drgan_image_load(cstr(&path).as_ptr(), &options, &mut out) };
    fails(s, DrganStatus::LimitExceeded, "drgan_image_load", &["1199"]);
    let s = unsafe { drgan_image_decode(bytes.as_ptr(), bytes.len(), &options, &mut out) };
    fails(
        s,
        DrganStatus::LimitExceeded,
        "drgan_image_decode",
        &["1199"],
    );
    assert!(out.is_null());
    options.max_image_pixels = 40 * 30;
    let s = unsafe { drgan_image_decode(bytes.as_ptr(), bytes.len(), &options, &mut out) };
    assert_eq!(s, DrganStatus::Ok);
    unsafe { drgan_image_free(out) };
    options.backend = 7;
    let s = unsafe { drgan_image_load(cstr(&path).as_ptr(), &options, &mut out) };
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_image_load",
        &["backend"],
    );
}
