//! Image file helpers (decode, load, save PNG), for callers with no decoder at hand.
//! Decoding is bounded by a pixel budget checked before any pixel is decoded. Pure
//! functions apart from the files they read or write; thread-safe.

use std::path::Path;

use crate::error::{Error, Result};
use crate::fs::read_limited;
use crate::image::{check_pixels, Image, PixelFormat, RgbImage};

/// Decodes an in-memory PNG or JPEG to RGB8, turned upright by its EXIF orientation
/// (a portrait phone photo stored sideways comes out portrait). Images over
/// `max_pixels` pixels, and files whose decoding would need more than 4 bytes a pixel
/// of that budget, are refused before decoding (decompression bombs).
pub fn decode_image(bytes: &[u8], max_pixels: u64) -> Result<RgbImage> {
    use ::image::{DynamicImage, ImageDecoder, ImageReader, Limits};
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Error::ImageDecode(e.to_string()))?;
    if reader.format().is_none() {
        return Err(Error::ImageDecode(
            "not a PNG or JPEG image (unrecognised signature)".into(),
        ));
    }
    let side = max_pixels.min(u32::MAX as u64) as u32;
    let mut limits = Limits::default();
    limits.max_image_width = Some(side);
    limits.max_image_height = Some(side);
    limits.max_alloc = Some(max_pixels.saturating_mul(4));
    reader.limits(limits.clone());
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| Error::ImageDecode(e.to_string()))?;
    check_pixels(w, h, max_pixels)?;
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Error::ImageDecode(e.to_string()))?;
    reader.limits(limits);
    // The codecs can panic on corrupt data (a fuzzed JPEG, tests/fuzz_findings, panics in
    // zune-jpeg's IDCT): a corrupt file is an error, never an unwind out of the library.
    let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut decoder = reader.into_decoder()?;
        // A missing or unreadable EXIF block means the pixels are stored upright.
        let orientation = decoder
            .orientation()
            .unwrap_or(::image::metadata::Orientation::NoTransforms);
        let mut img = DynamicImage::from_decoder(decoder)?;
        img.apply_orientation(orientation);
        Ok(img)
    }))
    .map_err(|_| Error::ImageDecode("corrupt image data (the decoder failed)".into()))?;
    let img = decoded.map_err(|e: ::image::ImageError| match e {
        ::image::ImageError::Limits(l) => Error::LimitExceeded(format!("decoding image: {l}")),
        e => Error::ImageDecode(e.to_string()),
    })?;
    let rgb = img.into_rgb8();
    Ok(RgbImage {
        width: rgb.width(),
        height: rgb.height(),
        data: rgb.into_raw(),
    })
}

/// Reads and decodes a PNG or JPEG file, upright (see [`decode_image`] for the EXIF
/// orientation and the limit).
pub fn load_image(path: impl AsRef<Path>, max_pixels: u64) -> Result<RgbImage> {
    let path = path.as_ref();
    // A compressed file is never larger than 4 bytes a pixel plus headers of a budget.
    let bytes = read_limited(path, max_pixels.saturating_mul(4) + (1 << 20))?;
    decode_image(&bytes, max_pixels)
}

/// Writes `image` as an 8-bit RGB PNG (alpha dropped, grey kept as grey).
pub fn save_png(image: &Image, path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    let (w, h) = (image.width(), image.height());
    let gray = image.format() == PixelFormat::Gray8;
    let mut data = Vec::with_capacity(w as usize * h as usize * if gray { 1 } else { 3 });
    for y in 0..h {
        for x in 0..w {
            let p = image.rgb(x, y);
            if gray {
                data.push(p[0]);
            } else {
                data.extend(p);
            }
        }
    }
    let color = if gray {
        ::image::ExtendedColorType::L8
    } else {
        ::image::ExtendedColorType::Rgb8
    };
    ::image::save_buffer_with_format(path, &data, w, h, color, ::image::ImageFormat::Png).map_err(
        |e| match e {
            ::image::ImageError::IoError(source) => Error::Io {
                path: path.into(),
                source,
            },
            e => Error::ImageDecode(format!("encoding PNG: {e}")),
        },
    )
}
