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
    /// YUV 4:2:0, two planes (what iOS's bi-planar camera buffers and most video
    /// decoders give): a Y plane of `height` rows `stride` bytes apart, then, starting
    /// at `stride × height`, ⌈height/2⌉ rows `stride` bytes apart of interleaved U, V
    /// bytes for each 2×2 block. BT.601 full range (JPEG's; on iOS ask for
    /// `kCVPixelFormatType_420YpCbCr8BiPlanarFullRange`).
    Nv12 = 5,
    /// As `Nv12` with V before U in each pair: what Android's camera preview (`NV21`)
    /// gives.
    Nv21 = 6,
    /// YUV 4:2:0, three planes (Android's `YUV_420_888` copied out, most decoders): a Y
    /// plane of `height` rows `stride` bytes apart, then at `stride × height` the U plane,
    /// then the V plane, each ⌈height/2⌉ rows of ⌈stride/2⌉ bytes. BT.601 full range.
    I420 = 7,
}

impl PixelFormat {
    /// Bytes one pixel takes in a row (for the YUV formats, in a row of the Y plane).
    pub fn bytes_per_pixel(self) -> usize {
        match self {
            PixelFormat::Rgb8 | PixelFormat::Bgr8 => 3,
            PixelFormat::Rgba8 | PixelFormat::Bgra8 => 4,
            PixelFormat::Gray8 | PixelFormat::Nv12 | PixelFormat::Nv21 | PixelFormat::I420 => 1,
        }
    }

    /// Whether this is one of the YUV 4:2:0 formats (a Y plane and subsampled chroma).
    pub fn is_yuv(self) -> bool {
        matches!(
            self,
            PixelFormat::Nv12 | PixelFormat::Nv21 | PixelFormat::I420
        )
    }

    /// The format with this C enum value, if any.
    pub fn from_raw(value: i32) -> Option<Self> {
        Some(match value {
            0 => PixelFormat::Rgb8,
            1 => PixelFormat::Rgba8,
            2 => PixelFormat::Bgr8,
            3 => PixelFormat::Bgra8,
            4 => PixelFormat::Gray8,
            5 => PixelFormat::Nv12,
            6 => PixelFormat::Nv21,
            7 => PixelFormat::I420,
            _ => return None,
        })
    }
}

/// A borrowed view of caller pixels: `height` rows of `stride` bytes, each row starting
/// with `width` pixels of `format` (the YUV formats add their chroma planes after the
/// rows, see [`PixelFormat`]). Rows may be padded (stride larger than a row). Rows are
/// stored top row first, or bottom row first after [`Image::bottom_up`].
#[derive(Clone, Copy, Debug)]
pub struct Image<'a> {
    data: &'a [u8],
    width: u32,
    height: u32,
    stride: usize,
    format: PixelFormat,
    bottom_up: bool,
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
            bottom_up: false,
        })
    }

    /// The same buffer read as stored bottom row first (Unity textures, OpenGL
    /// read-backs, Windows DIBs): the first row in memory is the image's last. For the
    /// YUV formats every plane is stored bottom row first.
    pub fn bottom_up(self) -> Self {
        Image {
            bottom_up: true,
            ..self
        }
    }

    /// Whether the rows are stored bottom row first.
    pub fn is_bottom_up(&self) -> bool {
        self.bottom_up
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
        if matches!(format, PixelFormat::Nv12 | PixelFormat::Nv21) && stride < row + row % 2 {
            return Err(Error::invalid(format!(
                "stride {stride} bytes is shorter than a row of {width} {format:?} chroma pairs \
                 ({} bytes)",
                row + row % 2
            )));
        }
        let span = match format {
            PixelFormat::Nv12 | PixelFormat::Nv21 => {
                let (chroma_rows, chroma_row) = yuv_chroma(width, height);
                stride.checked_mul(height as usize).and_then(|y| {
                    stride
                        .checked_mul(chroma_rows - 1)?
                        .checked_add(2 * chroma_row)?
                        .checked_add(y)
                })
            }
            PixelFormat::I420 => {
                let (chroma_rows, chroma_row) = yuv_chroma(width, height);
                let c_stride = stride.div_ceil(2);
                stride.checked_mul(height as usize).and_then(|y| {
                    let plane = c_stride.checked_mul(chroma_rows)?;
                    let last = c_stride
                        .checked_mul(chroma_rows - 1)?
                        .checked_add(chroma_row)?;
                    y.checked_add(plane)?.checked_add(last)
                })
            }
            _ => stride
                .checked_mul(height as usize - 1)
                .and_then(|n| n.checked_add(row)),
        };
        span.filter(|&n| n <= isize::MAX as usize).ok_or_else(|| {
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

    /// The pixel at (x, y) as RGB, whatever the format (grey is replicated; YUV is
    /// converted with BT.601 full range). `x < width` and `y < height` must hold; (0, 0)
    /// is the top left corner also for a bottom-up buffer.
    #[inline]
    pub fn rgb(&self, x: u32, y: u32) -> [u8; 3] {
        let bpp = self.format.bytes_per_pixel();
        let row = if self.bottom_up {
            self.height - 1 - y
        } else {
            y
        };
        let i = row as usize * self.stride + x as usize * bpp;
        let p = &self.data[i..i + bpp];
        match self.format {
            PixelFormat::Rgb8 | PixelFormat::Rgba8 => [p[0], p[1], p[2]],
            PixelFormat::Bgr8 | PixelFormat::Bgra8 => [p[2], p[1], p[0]],
            PixelFormat::Gray8 => [p[0], p[0], p[0]],
            PixelFormat::Nv12 | PixelFormat::Nv21 | PixelFormat::I420 => {
                let (u, v) = self.chroma(x, y);
                yuv_to_rgb(p[0], u, v)
            }
        }
    }

    /// The U and V bytes of the 2×2 block holding pixel (x, y) of a YUV image.
    fn chroma(&self, x: u32, y: u32) -> (u8, u8) {
        let (rows, _) = yuv_chroma(self.width, self.height);
        let (cx, cy) = (x as usize / 2, y as usize / 2);
        let cy = if self.bottom_up { rows - 1 - cy } else { cy };
        let planes = self.stride * self.height as usize;
        match self.format {
            PixelFormat::Nv12 | PixelFormat::Nv21 => {
                let i = planes + cy * self.stride + 2 * cx;
                let (a, b) = (self.data[i], self.data[i + 1]);
                if self.format == PixelFormat::Nv12 {
                    (a, b)
                } else {
                    (b, a)
                }
            }
            _ => {
                let c_stride = self.stride.div_ceil(2);
                let u = planes + cy * c_stride + cx;
                (self.data[u], self.data[u + c_stride * rows])
            }
        }
    }
}

/// Rows and bytes a row (one byte a sample) of each chroma plane of a 4:2:0 image.
fn yuv_chroma(width: u32, height: u32) -> (usize, usize) {
    ((height as usize).div_ceil(2), (width as usize).div_ceil(2))
}

/// BT.601 full-range YUV to RGB, in 16.16 fixed point.
#[inline]
fn yuv_to_rgb(y: u8, u: u8, v: u8) -> [u8; 3] {
    let (y, u, v) = (y as i32 * 65536 + 32768, u as i32 - 128, v as i32 - 128);
    let clamp = |x: i32| (x >> 16).clamp(0, 255) as u8;
    [
        clamp(y + 91881 * v),
        clamp(y - 22554 * u - 46802 * v),
        clamp(y + 116130 * u),
    ]
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
            bottom_up: false,
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
