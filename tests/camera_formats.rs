//! The pixel layouts cameras and engines deliver: NV12, NV21 and I420 (YUV 4:2:0,
//! BT.601 full range) and bottom-up rows, through the Rust API and the C ABI: known
//! colours come back, odd sizes and padded strides work, short buffers and strides are
//! refused, and a model sees a camera frame exactly as the same picture in RGB.

mod fixtures;

use drgan::ffi::*;
use drgan::{Error, Image, PixelFormat, RgbImage};

/// BT.601 full range, RGB to YUV (the inverse of what drgan reads).
fn yuv(rgb: [u8; 3]) -> [u8; 3] {
    let [r, g, b] = rgb.map(|c| c as f64);
    let y = 0.299 * r + 0.587 * g + 0.114 * b;
    let u = 128.0 + (b - y) / 1.772;
    let v = 128.0 + (r - y) / 1.402;
    [y, u, v].map(|c| c.round().clamp(0.0, 255.0) as u8)
}

/// A picture of 2×2 blocks of one colour each (so chroma subsampling loses nothing).
fn block_colour(x: u32, y: u32) -> [u8; 3] {
    let (bx, by) = (x / 2, y / 2);
    [
        ((40 + bx * 50) % 256) as u8,
        ((200 + by * 60) % 256) as u8,
        ((90 + (bx + by) * 30) % 256) as u8,
    ]
}

/// `w`×`h` of `block_colour` in `format`, rows `stride` bytes apart (YUV: of the Y plane).
fn encode(w: u32, h: u32, stride: usize, format: PixelFormat) -> Vec<u8> {
    let (cw, ch) = (w.div_ceil(2) as usize, h.div_ceil(2) as usize);
    let mut out = vec![0u8; Image::check_layout(w, h, stride, format, u64::MAX).unwrap()];
    for y in 0..h {
        for x in 0..w {
            let c = block_colour(x, y);
            let i = y as usize * stride + x as usize * format.bytes_per_pixel();
            match format {
                PixelFormat::Rgb8 => out[i..i + 3].copy_from_slice(&c),
                PixelFormat::Bgra8 => out[i..i + 4].copy_from_slice(&[c[2], c[1], c[0], 255]),
                _ => out[i] = yuv(c)[0],
            }
        }
    }
    if format.is_yuv() {
        let planes = stride * h as usize;
        for cy in 0..ch {
            for cx in 0..cw {
                let [_, u, v] = yuv(block_colour(cx as u32 * 2, cy as u32 * 2));
                match format {
                    PixelFormat::Nv12 | PixelFormat::Nv21 => {
                        let i = planes + cy * stride + 2 * cx;
                        let pair = if format == PixelFormat::Nv12 {
                            [u, v]
                        } else {
                            [v, u]
                        };
                        out[i..i + 2].copy_from_slice(&pair);
                    }
                    _ => {
                        let cs = stride.div_ceil(2);
                        out[planes + cy * cs + cx] = u;
                        out[planes + cs * ch + cy * cs + cx] = v;
                    }
                }
            }
        }
    }
    out
}

/// The same buffer with every plane's rows in reverse order.
fn reverse_rows(data: &[u8], h: u32, stride: usize, format: PixelFormat) -> Vec<u8> {
    let mut planes = vec![(0, stride, h as usize)];
    if format.is_yuv() {
        let ch = h.div_ceil(2) as usize;
        let y_end = stride * h as usize;
        if format == PixelFormat::I420 {
            let cs = stride.div_ceil(2);
            planes.push((y_end, cs, ch));
            planes.push((y_end + cs * ch, cs, ch));
        } else {
            planes.push((y_end, stride, ch));
        }
    }
    let mut out = data.to_vec();
    for (start, row, rows) in planes {
        for r in 0..rows {
            let (from, to) = (start + r * row, start + (rows - 1 - r) * row);
            let n = row.min(data.len() - from).min(data.len() - to);
            out[to..to + n].copy_from_slice(&data[from..from + n]);
        }
    }
    out
}

const FORMATS: [PixelFormat; 5] = [
    PixelFormat::Rgb8,
    PixelFormat::Bgra8,
    PixelFormat::Nv12,
    PixelFormat::Nv21,
    PixelFormat::I420,
];

#[test]
fn every_layout_reads_back_its_colours_top_down_and_bottom_up() {
    for format in FORMATS {
        for (w, h, pad) in [(6, 4, 0), (5, 3, 0), (7, 5, 3), (1, 1, 1)] {
            let row = w as usize * format.bytes_per_pixel();
            let stride = row + row % 2 * format.is_yuv() as usize + pad;
            let data = encode(w, h, stride, format);
            let view = Image::new(&data, w, h, stride, format).unwrap();
            let flipped = reverse_rows(&data, h, stride, format);
            let up = Image::new(&flipped, w, h, stride, format)
                .unwrap()
                .bottom_up();
            assert!(up.is_bottom_up());
            for y in 0..h {
                for x in 0..w {
                    let want = block_colour(x, y);
                    let got = view.rgb(x, y);
                    for c in 0..3 {
                        assert!(
                            (got[c] as i32 - want[c] as i32).abs() <= 2,
                            "{format:?} {w}x{h}: ({x}, {y}) is {got:?}, wrote {want:?}"
                        );
                    }
                    assert_eq!(up.rgb(x, y), got, "{format:?} bottom-up ({x}, {y})");
                }
            }
        }
    }
}

#[test]
fn yuv_layouts_need_their_chroma_planes() {
    // 5x3 NV12, stride 6: 18 bytes of Y, then 2 chroma rows: 6 + 6.
    assert_eq!(
        Image::check_layout(5, 3, 6, PixelFormat::Nv12, u64::MAX).unwrap(),
        30
    );
    // 5x3 I420, stride 5: 15 of Y, U 2 rows of 3, V 2 rows of 3 (the last one 3 bytes).
    assert_eq!(
        Image::check_layout(5, 3, 5, PixelFormat::I420, u64::MAX).unwrap(),
        27
    );
    let short = vec![0u8; 29];
    assert!(matches!(
        Image::new(&short, 5, 3, 6, PixelFormat::Nv12),
        Err(Error::BufferTooSmall {
            needed: 30,
            given: 29
        })
    ));
    // An NV12 row of 5 pixels needs 6 bytes of chroma pairs.
    let err = Image::check_layout(5, 3, 5, PixelFormat::Nv21, u64::MAX).unwrap_err();
    assert!(err.to_string().contains("chroma"), "{err}");
    assert!(
        Image::check_layout(u32::MAX, u32::MAX, usize::MAX, PixelFormat::I420, u64::MAX).is_err()
    );
}

/// The RGB picture a view shows, pixel by pixel.
fn as_rgb(view: &Image) -> RgbImage {
    let mut data = Vec::new();
    for y in 0..view.height() {
        for x in 0..view.width() {
            data.extend(view.rgb(x, y));
        }
    }
    RgbImage {
        width: view.width(),
        height: view.height(),
        data,
    }
}

#[test]
fn a_model_sees_a_camera_frame_as_the_same_picture_in_rgb() {
    let model = fixtures::tiny_model();
    let (w, h, stride) = (41, 37, 48);
    for format in [PixelFormat::Nv21, PixelFormat::I420] {
        let data = encode(w, h, stride, format);
        let frame = Image::new(&data, w, h, stride, format).unwrap();
        let rgb = as_rgb(&frame);
        let a = model.embed(&frame).unwrap();
        let b = model.embed(&rgb.view()).unwrap();
        assert_eq!(a, b, "{format:?}");
        let flipped = reverse_rows(&data, h, stride, format);
        let up = Image::new(&flipped, w, h, stride, format)
            .unwrap()
            .bottom_up();
        assert_eq!(model.embed(&up).unwrap(), a, "{format:?} bottom-up");
        let points = [
            [12.0, 14.0],
            [28.0, 14.0],
            [20.0, 22.0],
            [14.0, 29.0],
            [26.0, 29.0],
        ];
        assert_eq!(
            model.align(&frame, &points).unwrap(),
            model.align(&rgb.view(), &points).unwrap()
        );
    }
}

#[test]
fn the_c_abi_takes_the_formats_and_the_bottom_up_flag() {
    let b = fixtures::tiny_bundle(1);
    let mut m = std::ptr::null_mut();
    let s = unsafe {
        drgan_model_open_memory(
            b.encoder.as_ptr(),
            b.encoder.len(),
            b.decoder.as_ptr(),
            b.decoder.len(),
            std::ptr::null(),
            0,
            std::ptr::null(),
            &mut m,
        )
    };
    assert_eq!(s, DrganStatus::Ok);
    let model = fixtures::tiny_model();
    let (w, h, stride) = (33, 31, 40);
    let embed = |data: &[u8], format: i32| {
        let img = DrganImage {
            data: data.as_ptr(),
            width: w,
            height: h,
            stride_bytes: stride,
            format,
        };
        let (mut f, mut c) = ([0f32; 16], 0f32);
        let s = unsafe { drgan_embed(m, &img, f.as_mut_ptr(), 16, std::ptr::null_mut(), &mut c) };
        (s, f.to_vec())
    };
    for (format, raw) in [
        (PixelFormat::Nv12, DrganPixelFormat::Nv12),
        (PixelFormat::Nv21, DrganPixelFormat::Nv21),
        (PixelFormat::I420, DrganPixelFormat::I420),
    ] {
        let data = encode(w, h, stride, format);
        let want = model
            .embed(&Image::new(&data, w, h, stride, format).unwrap())
            .unwrap()
            .feature;
        assert_eq!(embed(&data, raw as i32), (DrganStatus::Ok, want.clone()));
        let flipped = reverse_rows(&data, h, stride, format);
        assert_eq!(
            embed(&flipped, raw as i32 | DRGAN_IMAGE_BOTTOM_UP),
            (DrganStatus::Ok, want)
        );
        // Unknown formats and flags are refused.
        let (s, _) = embed(&data, 8);
        assert_eq!(s, DrganStatus::InvalidArgument);
        let (s, _) = embed(&data, raw as i32 | 0x200);
        assert_eq!(s, DrganStatus::InvalidArgument);
    }
    unsafe { drgan_model_free(m) };
}
