//! `DrganImage`: pixels crossing the boundary, described by callers over their own
//! buffers (borrowed for the duration of a call); and `DrganDecodedImage`, the image
//! `drgan_image_load`/`_decode` hand out, a type of its own so that only it can be given
//! to `drgan_image_free`.

use std::ffi::c_char;

use super::args;
use super::options::DrganOptions;
use super::panic::{guard, guard_or};
use super::status::DrganStatus;
use crate::{Error, Image, Options, PixelFormat, Result, RgbImage};

/// Layout of one pixel (the `format` field of `DrganImage`, an `int32_t`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DrganPixelFormat {
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
    /// YUV 4:2:0 in two planes, U before V (iOS bi-planar camera buffers, most video
    /// decoders): `height` rows of Y `stride_bytes` apart, then at `data + stride_bytes *
    /// height` ⌈height/2⌉ rows `stride_bytes` apart of interleaved U, V pairs (one pair a
    /// 2×2 block; `stride_bytes` must hold `width` rounded up to even). BT.601 full range.
    Nv12 = 5,
    /// As NV12 with V before U: Android's camera preview format.
    Nv21 = 6,
    /// YUV 4:2:0 in three planes: `height` rows of Y `stride_bytes` apart, then the U
    /// plane, then the V plane, each ⌈height/2⌉ rows ⌈stride_bytes/2⌉ bytes apart.
    /// BT.601 full range.
    I420 = 7,
}

/// A flag to OR into `DrganImage.format`: the rows are stored bottom row first (Unity
/// textures, OpenGL read-backs, Windows DIBs). `data` points to the first row in memory,
/// which is the image's bottom row; for YUV formats every plane is stored so.
pub const DRGAN_IMAGE_BOTTOM_UP: i32 = 0x100;

/// An image: `height` rows of `stride_bytes` bytes each, every row starting with `width`
/// pixels of `format`. Rows may be padded (`stride_bytes` larger than a row); the last
/// row needs no padding. Plain data.
///
/// The caller owns the pixels; drgan reads them only during the call. (A decoded image
/// is a `DrganDecodedImage`, whose `image` member is one of these.)
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct DrganImage {
    /// The first byte of the first row. Must not be NULL.
    pub data: *const u8,
    /// Width in pixels, at least 1.
    pub width: u32,
    /// Height in pixels, at least 1.
    pub height: u32,
    /// Bytes from the start of one row to the start of the next, at least
    /// `width` × bytes per pixel.
    pub stride_bytes: usize,
    /// A `DrganPixelFormat` value, optionally ORed with `DRGAN_IMAGE_BOTTOM_UP`.
    pub format: i32,
}

/// An image decoded by `drgan_image_load` or `drgan_image_decode`, owned by drgan
/// (tightly packed RGB8) until `drgan_image_free`. Only drgan makes these: never
/// declare one. Pass `&decoded->image` wherever a `DrganImage` is taken; read it freely,
/// change none of its fields.
#[repr(C)]
#[derive(Debug)]
pub struct DrganDecodedImage {
    /// The decoded pixels, as an image description.
    pub image: DrganImage,
}

/// What drgan allocates for a `DrganDecodedImage`: the public struct first, so a
/// pointer to it is a pointer to the `DrganDecodedImage`, and the pixels it points into.
#[repr(C)]
struct OwnedImage {
    decoded: DrganDecodedImage,
    pixels: Vec<u8>,
}

/// The caller's image at `p` as a borrowed view, checked: NULLs and the format here,
/// then sizes, `max_pixels` and stride by [`Image::check_layout`], before any pixel is
/// touched.
///
/// # Safety
/// A non-NULL `p` must point to a `DrganImage` whose `data` holds the rows it describes.
pub(crate) unsafe fn view<'a>(
    p: *const DrganImage,
    name: &'static str,
    data_name: &'static str,
    max_pixels: u64,
) -> Result<Image<'a>> {
    let img = unsafe { args::borrow(p, name)? };
    if img.data.is_null() {
        return Err(Error::NullArgument(data_name));
    }
    let bottom_up = img.format & DRGAN_IMAGE_BOTTOM_UP != 0;
    let format = PixelFormat::from_raw(img.format & !DRGAN_IMAGE_BOTTOM_UP).ok_or_else(|| {
        Error::InvalidArgument(format!(
            "`{name}`.format is {}, not a DrganPixelFormat value \
             (0 RGB8, 1 RGBA8, 2 BGR8, 3 BGRA8, 4 GRAY8, 5 NV12, 6 NV21, 7 I420), \
             optionally ORed with DRGAN_IMAGE_BOTTOM_UP (0x100)",
            img.format
        ))
    })?;
    let len = Image::check_layout(img.width, img.height, img.stride_bytes, format, max_pixels)
        .map_err(|e| naming(name, e))?;
    let data = unsafe { std::slice::from_raw_parts(img.data, len) };
    let view = Image::new(data, img.width, img.height, img.stride_bytes, format)?;
    Ok(if bottom_up { view.bottom_up() } else { view })
}

/// `e` with the C argument it is about named in its message.
fn naming(name: &str, e: Error) -> Error {
    match e {
        Error::InvalidArgument(m) => Error::InvalidArgument(format!("`{name}`: {m}")),
        Error::LimitExceeded(m) => Error::LimitExceeded(format!("`{name}`: {m}")),
        e => e,
    }
}

fn hand_out(image: RgbImage) -> *mut DrganDecodedImage {
    let owned = Box::new(OwnedImage {
        decoded: DrganDecodedImage {
            image: DrganImage {
                data: image.data.as_ptr(),
                width: image.width,
                height: image.height,
                stride_bytes: image.width as usize * 3,
                format: DrganPixelFormat::Rgb8 as i32,
            },
        },
        pixels: image.data,
    });
    Box::into_raw(owned).cast()
}

/// Reads and decodes a PNG or JPEG file into a new RGB8 image owned by drgan, turned
/// upright by its EXIF orientation (a portrait phone photo loads portrait).
///
/// `path` is a UTF-8 path. `options` may be NULL for the defaults; its
/// `max_image_pixels` bounds the image (checked from the header, before decoding). On
/// success `*out_image` is the image, which the caller releases with `drgan_image_free`.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (path not UTF-8,
/// bad options); `DRGAN_STATUS_IO` (missing file, a directory);
/// `DRGAN_STATUS_IMAGE_DECODE` (not a PNG or JPEG, corrupt);
/// `DRGAN_STATUS_LIMIT_EXCEEDED` (over `max_image_pixels`).
///
/// # Safety
/// `path` must be a NUL-terminated string; `options` NULL or a valid `DrganOptions` with
/// its `struct_size` set; `out_image` must be valid for writing.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_image_load(
    path: *const c_char,
    options: *const DrganOptions,
    out_image: *mut *mut DrganDecodedImage,
) -> DrganStatus {
    guard("drgan_image_load", || {
        let path = unsafe { args::utf8(path, "path")? };
        let options = unsafe { super::options::read(options)? };
        let out = args::out(out_image, "out_image")?;
        let image = crate::io::load_image(path, options.max_image_pixels)?;
        unsafe { args::write(out, hand_out(image)) };
        Ok(())
    })
}

/// Decodes an in-memory PNG or JPEG (`len` bytes at `bytes`) into a new RGB8 image
/// owned by drgan, turned upright by its EXIF orientation. `options` may be NULL for the
/// defaults; its `max_image_pixels` bounds the image. On success `*out_image` is the
/// image, which the caller releases with `drgan_image_free`.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (bad options);
/// `DRGAN_STATUS_IMAGE_DECODE` (not a PNG or JPEG, truncated, corrupt);
/// `DRGAN_STATUS_LIMIT_EXCEEDED` (over `max_image_pixels`).
///
/// # Safety
/// `bytes` must point to `len` readable bytes; `options` NULL or a valid `DrganOptions`
/// with its `struct_size` set; `out_image` must be valid for writing.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_image_decode(
    bytes: *const u8,
    len: usize,
    options: *const DrganOptions,
    out_image: *mut *mut DrganDecodedImage,
) -> DrganStatus {
    guard("drgan_image_decode", || {
        let bytes = unsafe { args::slice(bytes, len, "bytes")? };
        let options = unsafe { super::options::read(options)? };
        let out = args::out(out_image, "out_image")?;
        let image = crate::io::decode_image(bytes, options.max_image_pixels)?;
        unsafe { args::write(out, hand_out(image)) };
        Ok(())
    })
}

/// Writes `image` (any `DrganPixelFormat`, caller- or drgan-owned) to `path` as an
/// 8-bit PNG: RGB, or grey for `GRAY8`; alpha is dropped.
///
/// Errors: `DRGAN_STATUS_NULL_ARGUMENT`; `DRGAN_STATUS_INVALID_ARGUMENT` (bad image description, path not UTF-8);
/// `DRGAN_STATUS_IO` (cannot create the file); `DRGAN_STATUS_IMAGE_DECODE` (encoding failed); `DRGAN_STATUS_LIMIT_EXCEEDED`
/// (over 2^28 pixels).
///
/// # Safety
/// `path` must be a NUL-terminated string; `image` must describe readable pixels.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn drgan_image_save_png(
    path: *const c_char,
    image: *const DrganImage,
) -> DrganStatus {
    guard("drgan_image_save_png", || {
        let path = unsafe { args::utf8(path, "path")? };
        let image = unsafe {
            view(
                image,
                "image",
                "image->data",
                Options::default().max_image_pixels,
            )?
        };
        crate::io::save_png(&image, path)
    })
}

/// Releases an image returned by `drgan_image_load` or `drgan_image_decode`, pixels
/// included. NULL is a no-op. It takes a `DrganDecodedImage`, so a caller's own
/// `DrganImage` does not compile here; a copy of a returned one, or one already freed,
/// is undefined behaviour.
///
/// # Safety
/// `image` must be NULL or a pointer from `drgan_image_load`/`drgan_image_decode` not yet
/// freed; no other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn drgan_image_free(image: *mut DrganDecodedImage) {
    guard_or((), || {
        if !image.is_null() {
            drop(unsafe { Box::from_raw(image.cast::<OwnedImage>()) });
        }
    })
}

const _: () = assert!(DrganPixelFormat::Gray8 as i32 == PixelFormat::Gray8 as i32);
const _: () = assert!(DrganPixelFormat::Bgra8 as i32 == PixelFormat::Bgra8 as i32);
const _: () = assert!(DrganPixelFormat::Nv12 as i32 == PixelFormat::Nv12 as i32);
const _: () = assert!(DrganPixelFormat::Nv21 as i32 == PixelFormat::Nv21 as i32);
const _: () = assert!(DrganPixelFormat::I420 as i32 == PixelFormat::I420 as i32);
