//! Decoded photos come out upright: a JPEG whose EXIF orientation says "rotate 90°
//! clockwise to display" (how phones store portrait photos) decodes portrait, through
//! the Rust API and the C ABI; without the tag, nothing turns.

use drgan::ffi::*;

/// A 16x8 JPEG, red on its left half and blue on its right, with an EXIF block giving
/// `orientation` (none when `None`).
fn jpeg(orientation: Option<u16>) -> Vec<u8> {
    let (w, h) = (16u32, 8u32);
    let mut rgb = Vec::new();
    for _ in 0..h {
        for x in 0..w {
            rgb.extend(if x < w / 2 {
                [230, 20, 20]
            } else {
                [20, 20, 230]
            });
        }
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
        .encode(&rgb, w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    let Some(o) = orientation else { return out };
    // APP1 "Exif": a little-endian TIFF header and one IFD entry, Orientation (0x0112),
    // a SHORT.
    let mut exif = b"Exif\0\0II\x2a\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
    exif.extend(o.to_le_bytes());
    exif.extend([0, 0, 0, 0, 0, 0]);
    let mut segment = vec![0xff, 0xe1];
    segment.extend(((exif.len() + 2) as u16).to_be_bytes());
    segment.extend(exif);
    out.splice(2..2, segment);
    out
}

/// The mean colour of rows `rows` of an RGB8 image `w` wide.
fn mean(data: &[u8], w: usize, rows: std::ops::Range<usize>) -> [f64; 3] {
    let mut sum = [0f64; 3];
    let n = (rows.len() * w) as f64;
    for px in data[rows.start * w * 3..rows.end * w * 3].chunks(3) {
        for c in 0..3 {
            sum[c] += px[c] as f64 / n;
        }
    }
    sum
}

#[test]
fn a_sideways_phone_photo_decodes_upright() {
    let img = drgan::io::decode_image(&jpeg(Some(6)), 1 << 20).unwrap();
    assert_eq!(
        (img.width, img.height),
        (8, 16),
        "portrait after the EXIF turn"
    );
    // Turned 90° clockwise: the stored left (red) half is now the top.
    let (top, bottom) = (mean(&img.data, 8, 0..6), mean(&img.data, 8, 10..16));
    assert!(top[0] > 180.0 && top[2] < 80.0, "top {top:?}");
    assert!(bottom[2] > 180.0 && bottom[0] < 80.0, "bottom {bottom:?}");

    // Through the C ABI too.
    let bytes = jpeg(Some(6));
    let mut out = std::ptr::null_mut();
    let s = unsafe { drgan_image_decode(bytes.as_ptr(), bytes.len(), std::ptr::null(), &mut out) };
    assert_eq!(s, DrganStatus::Ok);
    let view = unsafe { (*out).image };
    assert_eq!((view.width, view.height), (8, 16));
    unsafe { drgan_image_free(out) };
}

#[test]
fn photos_without_the_tag_or_upright_stay_as_stored() {
    for o in [None, Some(1)] {
        let img = drgan::io::decode_image(&jpeg(o), 1 << 20).unwrap();
        assert_eq!((img.width, img.height), (16, 8), "{o:?}");
    }
    // Rotated half a turn: the red half moves to the right.
    let img = drgan::io::decode_image(&jpeg(Some(3)), 1 << 20).unwrap();
    assert_eq!((img.width, img.height), (16, 8));
    let right_px = &img.data[(4 * 16 + 14) * 3..(4 * 16 + 15) * 3];
    assert!(right_px[0] > 180 && right_px[2] < 80, "{right_px:?}");
}
