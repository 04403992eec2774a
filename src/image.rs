//! Pixel buffers: borrowed views of caller memory in the formats cameras and engines hand
//! out, and an owned RGB8 image for results. This module owns the checks of an input
//! image ([`Image::check_layout`], [`Image::check_limit`]): the Rust API and the C ABI
//! both go through them.
//!
//! Views never copy or own caller pixels; everything here is plain data and thread-safe.

use crate::error::{Error, Result};

/// Layout of one pixel in a caller's buffer. The numbers are part of the C ABI; more
/// formats may come.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
#[non_exhaustive]
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
    /// A view of `data`, checked with [`Image::check_layout`] (no pixel limit) and
    /// against the buffer's length (`BufferTooSmall`).
    pub fn new(
        data: &'a [u8],
        width: u32,
        height: u32,
        stride: usize,
        format: PixelFormat,
    ) -> Result<Self> {
        let needed = Self::check_layout(width, height, stride, format, u64::MAX)?;
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

    /// Checks the geometry of an image of `width`×`height` pixels of `format` whose rows
    /// start `stride` bytes apart, and returns the bytes its buffer must hold (the last
    /// row may omit its padding). `InvalidArgument` for a side of 0, a stride shorter
    /// than a row, or a span no buffer can have; `LimitExceeded` for more than
    /// `max_pixels` pixels. Reads no pixel: the C ABI calls it before it touches caller
    /// memory.
    pub fn check_layout(
        width: u32,
        height: u32,
        stride: usize,
        format: PixelFormat,
        max_pixels: u64,
    ) -> Result<usize> {
        if width == 0 || height == 0 {
            return Err(Error::invalid(format!(
                "image of {width}x{height} pixels: width and height must be at least 1"
            )));
        }
        check_pixels(width, height, max_pixels)?;
        let row = (width as usize)
            .checked_mul(format.bytes_per_pixel())
            .ok_or_else(|| Error::invalid("image row size overflows"))?;
        if stride < row {
            return Err(Error::invalid(format!(
                "stride {stride} bytes is shorter than a row of {width} {format:?} pixels ({row} bytes)"
            )));
        }
        stride
            .checked_mul(height as usize - 1)
            .and_then(|n| n.checked_add(row))
            .filter(|&n| n <= isize::MAX as usize)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "an image of {height} rows {stride} bytes apart spans more bytes than any \
                     buffer can hold"
                ))
            })
    }

    /// Refuses this image (`LimitExceeded`) when it has more than `max_pixels` pixels:
    /// every [`crate::Model`] call checks its images with `Options::max_image_pixels`.
    pub fn check_limit(&self, max_pixels: u64) -> Result<()> {
        check_pixels(self.width, self.height, max_pixels)
    }

    /// A tightly packed view (stride = width × bytes per pixel).
    pub fn packed(data: &'a [u8], width: u32, height: u32, format: PixelFormat) -> Result<Self> {
        let stride = (width as usize).saturating_mul(format.bytes_per_pixel());
        Self::new(data, width, height, stride, format)
    }

    /// Width in pixels, at least 1.
    pub fn width(&self) -> u32 {
        self.width
    }
    /// Height in pixels, at least 1.
    pub fn height(&self) -> u32 {
        self.height
    }
    /// Bytes from the start of one row to the start of the next.
    pub fn stride(&self) -> usize {
        self.stride
    }
    /// The layout of one pixel.
    pub fn format(&self) -> PixelFormat {
        self.format
    }
    /// The caller's bytes, from the first row's first pixel.
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
/// faces, decoded files), owned by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RgbImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
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

/// `LimitExceeded` when a `width`×`height` image has more than `max_pixels` pixels.
pub(crate) fn check_pixels(width: u32, height: u32, max_pixels: u64) -> Result<()> {
    if width as u64 * height as u64 > max_pixels {
        return Err(Error::LimitExceeded(format!(
            "image of {width}x{height} pixels is over the limit of {max_pixels} pixels \
             (the max_image_pixels option)"
        )));
    }
    Ok(())
}
