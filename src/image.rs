//! Pixel buffers: borrowed views of caller memory in the formats cameras and engines hand
//! out, an owned RGB8 image for results, conversion to the network's input tensor
//! (resize + normalisation to [-1, 1]) and back, and PNG/JPEG decoding helpers.
//!
//! Views never copy or own caller pixels; everything here is plain data and thread-safe.

use crate::error::{Error, Result};

/// Layout of one pixel in a caller's buffer. The numbers are part of the C ABI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum PixelFormat {
    /// 3 bytes: red, green, blue.
    Rgb8 = 0,
    /// 4 bytes: red, green, blue, alpha (alpha ignored).
    Rgba8 = 1,
    /// 3 bytes: blue, green, red.
    Bgr8 = 2,
    /// 4 bytes: blue, green, red, alpha (alpha ignored).
    Bgra8 = 3,
    /// 1 byte: luminance.
    Gray8 = 4,
}

impl PixelFormat {
    /// Bytes one pixel takes.
    pub fn bytes_per_pixel(self) -> usize {
        match self {
            PixelFormat::Rgb8 | PixelFormat::Bgr8 => 3,
            PixelFormat::Rgba8 | PixelFormat::Bgra8 => 4,
            PixelFormat::Gray8 => 1,
        }
    }

    /// The format with this C enum value, if any.
    pub fn from_raw(value: i32) -> Option<Self> {
        Some(match value {
            0 => PixelFormat::Rgb8,
            1 => PixelFormat::Rgba8,
            2 => PixelFormat::Bgr8,
            3 => PixelFormat::Bgra8,
            4 => PixelFormat::Gray8,
            _ => return None,
        })
    }
}

/// A borrowed view of caller pixels: `height` rows of `stride` bytes, each row starting
/// with `width` pixels of `format`. Rows may be padded (stride larger than a row).
#[derive(Clone, Copy, Debug)]
pub struct Image<'a> {
    data: &'a [u8],
    width: u32,
    height: u32,
    stride: usize,
    format: PixelFormat,
}

impl<'a> Image<'a> {
    /// Checks the geometry against the buffer: sizes not zero, stride at least one row,
    /// and the buffer long enough for `height` rows (the last row may omit its padding).
    pub fn new(
        data: &'a [u8],
        width: u32,
        height: u32,
        stride: usize,
        format: PixelFormat,
    ) -> Result<Self> {
        if width == 0 || height == 0 {
            return Err(Error::invalid(format!(
                "image size {width}x{height}: width and height must be at least 1"
            )));
        }
        let row = (width as usize)
            .checked_mul(format.bytes_per_pixel())
            .ok_or_else(|| Error::invalid("image row size overflows"))?;
        if stride < row {
            return Err(Error::invalid(format!(
                "stride {stride} bytes is shorter than a row of {width} {format:?} pixels ({row} bytes)"
            )));
        }
        let needed = stride
            .checked_mul(height as usize - 1)
            .and_then(|n| n.checked_add(row))
            .ok_or_else(|| Error::invalid("image buffer size overflows"))?;
        if data.len() < needed {
            return Err(Error::BufferTooSmall {
                needed,
                given: data.len(),
            });
        }
        Ok(Image {
            data,
            width,
            height,
            stride,
            format,
        })
    }

    /// A tightly packed view (stride = width × bytes per pixel).
    pub fn packed(data: &'a [u8], width: u32, height: u32, format: PixelFormat) -> Result<Self> {
        let stride = (width as usize).saturating_mul(format.bytes_per_pixel());
        Self::new(data, width, height, stride, format)
    }

    pub fn width(&self) -> u32 {
        self.width
    }
    pub fn height(&self) -> u32 {
        self.height
    }
    pub fn stride(&self) -> usize {
        self.stride
    }
    pub fn format(&self) -> PixelFormat {
        self.format
    }
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The pixel at (x, y) as RGB, whatever the format (grey is replicated).
    /// `x < width` and `y < height` must hold.
    #[inline]
    pub fn rgb(&self, x: u32, y: u32) -> [u8; 3] {
        let bpp = self.format.bytes_per_pixel();
        let i = y as usize * self.stride + x as usize * bpp;
        let p = &self.data[i..i + bpp];
        match self.format {
            PixelFormat::Rgb8 | PixelFormat::Rgba8 => [p[0], p[1], p[2]],
            PixelFormat::Bgr8 | PixelFormat::Bgra8 => [p[2], p[1], p[0]],
            PixelFormat::Gray8 => [p[0], p[0], p[0]],
        }
    }
}

/// An owned, tightly packed RGB8 image: what drgan returns (aligned crops, synthesized
/// faces, decoded files).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RgbImage {
    pub width: u32,
    pub height: u32,
    /// `width * height * 3` bytes, row-major, no padding.
    pub data: Vec<u8>,
}

impl RgbImage {
    /// A view of this image, to feed back into the API.
    pub fn view(&self) -> Image<'_> {
        Image {
            data: &self.data,
            width: self.width,
            height: self.height,
            stride: self.width as usize * 3,
            format: PixelFormat::Rgb8,
        }
    }
}

/// Writes `face`, resized to `size`×`size`, into `out` as the encoder's input: planar
/// RGB (CHW), scaled from [0, 255] to [-1, 1]. `out.len()` must be `3 * size * size`.
pub(crate) fn to_input(face: &Image, size: u32, out: &mut [f32]) {
    let s = size as usize;
    let map = crate::warp::Affine::resize(face.width(), face.height(), size, size);
    let (r, rest) = out.split_at_mut(s * s);
    let (g, b) = rest.split_at_mut(s * s);
    crate::warp::warp(face, &map, size, size, |x, y, [pr, pg, pb]| {
        let i = y as usize * s + x as usize;
        r[i] = pr / 127.5 - 1.0;
        g[i] = pg / 127.5 - 1.0;
        b[i] = pb / 127.5 - 1.0;
    });
}

/// The decoder's output (planar RGB in [-1, 1], one image) as an RGB8 image.
pub(crate) fn from_output(chw: &[f32], size: u32) -> Result<RgbImage> {
    let plane = size as usize * size as usize;
    if chw.len() != 3 * plane {
        return Err(Error::inference(format!(
            "decoder image has {} values, expected {}",
            chw.len(),
            3 * plane
        )));
    }
    if chw.iter().any(|v| !v.is_finite()) {
        return Err(Error::inference(
            "decoder produced NaN or infinite pixels (corrupt weights?)",
        ));
    }
    let to_u8 = |v: f32| ((v.clamp(-1.0, 1.0) + 1.0) * 127.5).round() as u8;
    let mut data = Vec::with_capacity(3 * plane);
    for i in 0..plane {
        data.extend([
            to_u8(chw[i]),
            to_u8(chw[plane + i]),
            to_u8(chw[2 * plane + i]),
        ]);
    }
    Ok(RgbImage {
        width: size,
        height: size,
        data,
    })
}

/// Decodes an in-memory PNG or JPEG to RGB8. Images over `max_pixels` pixels, and
/// files whose decoding would need more than 4 bytes a pixel of that budget, are
/// refused before decoding (decompression bombs).
pub fn decode_image(bytes: &[u8], max_pixels: u64) -> Result<RgbImage> {
    use ::image::{ImageReader, Limits};
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
    if w as u64 * h as u64 > max_pixels {
        return Err(Error::LimitExceeded(format!(
            "image of {w}x{h} pixels is over the limit of {max_pixels} pixels"
        )));
    }
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Error::ImageDecode(e.to_string()))?;
    reader.limits(limits);
    // The codecs can panic on corrupt data (a fuzzed JPEG, tests/fuzz_findings, panics in
    // zune-jpeg's IDCT): a corrupt file is an error, never an unwind out of the library.
    let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.decode()))
        .map_err(|_| Error::ImageDecode("corrupt image data (the decoder failed)".into()))?;
    let img = decoded.map_err(|e| match e {
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

/// Reads and decodes a PNG or JPEG file (see [`decode_image`] for the limit).
pub fn load_image(path: impl AsRef<std::path::Path>, max_pixels: u64) -> Result<RgbImage> {
    let path = path.as_ref();
    // A compressed file is never larger than 4 bytes a pixel plus headers of a budget.
    let bytes = crate::fs::read_limited(path, max_pixels.saturating_mul(4) + (1 << 20))?;
    decode_image(&bytes, max_pixels)
}

/// Writes `image` as an 8-bit RGB PNG (alpha dropped, grey kept as grey).
pub fn save_png(image: &Image, path: impl AsRef<std::path::Path>) -> Result<()> {
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
