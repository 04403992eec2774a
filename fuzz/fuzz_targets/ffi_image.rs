//! The C entry points with fuzz-chosen image geometry (width, height, stride, format),
//! buffer lengths, yaws, landmarks and feature vectors.
//!
//! The documented contract is that `DrganImage.data` holds the rows the struct
//! describes. This target keeps that contract whenever the description is one drgan
//! must accept (it allocates exactly the bytes the geometry spans) and, when the
//! description is one drgan must refuse before touching pixels (zero size, unknown
//! format, stride shorter than a row, over `max_image_pixels`, a span that overflows),
//! passes a tiny buffer and asserts that the call fails cleanly. Out-buffers are real
//! and as long as the length passed with them.
#![no_main]

use std::sync::OnceLock;

use drgan::bundle::BundleFiles;
use drgan::ffi::*;
use drgan_writer::{BundleFilesExt, Config};
use libfuzzer_sys::fuzz_target;

const MAX_PIXELS: u64 = 1 << 14;

struct Handle(*mut DrganModel);
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

fn model() -> *const DrganModel {
    static M: OnceLock<Handle> = OnceLock::new();
    M.get_or_init(|| {
        let b = BundleFiles::random(&Config::named("tiny").unwrap(), 1).unwrap();
        let pose = b.pose.as_ref().unwrap();
        let mut o = std::mem::MaybeUninit::<DrganOptions>::zeroed();
        let mut options = unsafe {
            (*o.as_mut_ptr()).struct_size = std::mem::size_of::<DrganOptions>();
            assert_eq!(drgan_options_default(o.as_mut_ptr()), DrganStatus::Ok);
            o.assume_init()
        };
        options.backend = DrganBackend::Cpu as i32;
        options.max_image_pixels = MAX_PIXELS;
        let mut m = std::ptr::null_mut();
        let s = unsafe {
            drgan_model_open_memory(
                b.encoder.as_ptr(),
                b.encoder.len(),
                b.decoder.as_ptr(),
                b.decoder.len(),
                pose.as_ptr(),
                pose.len(),
                &options,
                &mut m,
            )
        };
        assert_eq!(s, DrganStatus::Ok);
        Handle(m)
    })
    .0
}

/// Reads little-endian integers off the front of the fuzz input.
struct Input<'a>(&'a [u8]);
impl Input<'_> {
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut b = [0u8; N];
        let n = N.min(self.0.len());
        b[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        b
    }
    fn u8(&mut self) -> u8 {
        self.bytes::<1>()[0]
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.bytes())
    }
    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.bytes())
    }
    fn f32(&mut self) -> f32 {
        f32::from_le_bytes(self.bytes())
    }
    /// Mostly small values, sometimes anything.
    fn dim(&mut self) -> u32 {
        let v = self.u32();
        match v & 3 {
            0 => v >> 2,
            _ => (v >> 2) % 300,
        }
    }
}

fn bpp(format: i32) -> Option<usize> {
    match format & !DRGAN_IMAGE_BOTTOM_UP {
        0 | 2 => Some(3),
        1 | 3 => Some(4),
        4..=7 => Some(1), // GRAY8; NV12, NV21, I420: bytes of a Y row
        _ => None,
    }
}

/// The bytes a description spans if drgan must accept it, or None if it must refuse it.
fn span(w: u32, h: u32, stride: usize, format: i32) -> Option<usize> {
    let bpp = bpp(format)?;
    if w == 0 || h == 0 || w as u64 * h as u64 > MAX_PIXELS {
        return None;
    }
    let row = (w as usize).checked_mul(bpp)?;
    if stride < row {
        return None;
    }
    let (chroma_rows, chroma_row) = ((h as usize).div_ceil(2), (w as usize).div_ceil(2));
    let luma = stride.checked_mul(h as usize);
    match format & !DRGAN_IMAGE_BOTTOM_UP {
        // NV12, NV21: a row of U,V pairs must fit in the stride.
        5 | 6 if stride < 2 * chroma_row => None,
        5 | 6 => luma?
            .checked_add(stride.checked_mul(chroma_rows - 1)?)?
            .checked_add(2 * chroma_row),
        7 => {
            let c = stride.div_ceil(2);
            luma?
                .checked_add(c.checked_mul(chroma_rows)?)?
                .checked_add(c.checked_mul(chroma_rows - 1)?)?
                .checked_add(chroma_row)
        }
        _ => stride.checked_mul(h as usize - 1)?.checked_add(row),
    }
    .filter(|&n| n <= isize::MAX as usize)
}

fuzz_target!(|data: &[u8]| {
    let m = model();
    let mut inp = Input(data);
    let op = inp.u8();
    let (w, h) = (inp.dim(), inp.dim());
    let stride_raw = inp.u64();
    let format_byte = inp.u8();
    // -1..=8 (two invalid values), half of them bottom-up.
    let format = (format_byte as i8 % 10) as i32 - 1
        | if format_byte & 0x80 != 0 && format_byte as i8 % 10 != 0 {
            DRGAN_IMAGE_BOTTOM_UP
        } else {
            0
        };
    let row = w as u64 * bpp(format).unwrap_or(3) as u64;
    let stride = match stride_raw & 3 {
        0 => stride_raw as usize,
        1 => row as usize,
        _ => (row + (stride_raw >> 2) % 64).saturating_sub(stride_raw & 4) as usize,
    };
    let out_len = match inp.u8() {
        0 => 0,
        1..=63 => inp.u32() as usize % 100_000,
        _ => 1 << 16,
    };
    let fill = inp.u8();

    let valid = span(w, h, stride, format);
    const TOO_BIG: usize = 8 << 20;
    if valid.is_some_and(|n| n > TOO_BIG) {
        return; // Legal but too large to allocate here.
    }
    let mut pixels = vec![fill; valid.unwrap_or(4)];
    for (p, &d) in pixels.iter_mut().zip(inp.0) {
        *p = d;
    }
    let image = DrganImage {
        data: pixels.as_ptr(),
        width: w,
        height: h,
        stride_bytes: stride,
        format,
    };
    let mut out_f = vec![0f32; out_len];
    let mut out_b = vec![0u8; out_len];
    let mut needed = 0usize;
    let mut conf = 0f32;
    let status = unsafe {
        match op % 7 {
            0 => drgan_embed(
                m,
                &image,
                out_f.as_mut_ptr(),
                out_len,
                &mut needed,
                &mut conf,
            ),
            1 => {
                let count = (inp.u8() % 3) as usize + 1;
                let faces = vec![image; count];
                let mut confs = vec![0f32; count];
                drgan_embed_batch(
                    m,
                    faces.as_ptr(),
                    count,
                    out_f.as_mut_ptr(),
                    out_len,
                    &mut needed,
                    confs.as_mut_ptr(),
                )
            }
            2 => {
                let count = (inp.u8() % 3) as usize + 1;
                let faces = vec![image; count];
                drgan_embed_fused(
                    m,
                    faces.as_ptr(),
                    count,
                    out_f.as_mut_ptr(),
                    out_len,
                    &mut needed,
                    &mut conf,
                )
            }
            3 => {
                let lm: Vec<f32> = (0..10).map(|_| inp.f32()).collect();
                let lm_len = if inp.u8() & 1 == 0 {
                    10
                } else {
                    inp.u8() as usize % 11
                };
                drgan_align(
                    m,
                    &image,
                    lm.as_ptr(),
                    lm_len,
                    out_b.as_mut_ptr(),
                    out_len,
                    &mut needed,
                )
            }
            4 => {
                let yaw = inp.f32();
                drgan_rotate(
                    m,
                    &image,
                    yaw,
                    inp.u64(),
                    out_b.as_mut_ptr(),
                    out_len,
                    &mut needed,
                )
            }
            5 => {
                let mut yaw = 0f32;
                drgan_estimate_yaw(m, &image, &mut yaw)
            }
            _ => {
                // Similarity of fuzz vectors, and the yaw list into a fuzz-sized buffer.
                let n = (inp.u8() % 40) as usize;
                let a: Vec<f32> = (0..n).map(|_| inp.f32()).collect();
                let b: Vec<f32> = (0..n).map(|_| inp.f32()).collect();
                let nb = if inp.u8() & 1 == 0 {
                    n
                } else {
                    b.len().saturating_sub(1)
                };
                let mut sim = 0f32;
                let s = drgan_similarity(a.as_ptr(), n, b.as_ptr(), nb, &mut sim);
                if s == DrganStatus::Ok {
                    assert!((-1.0..=1.0).contains(&sim), "similarity {sim}");
                }
                let yl = out_len % 64;
                return assert!(matches!(
                    drgan_model_pose_yaws(m, out_f.as_mut_ptr(), yl, &mut needed),
                    DrganStatus::Ok | DrganStatus::BufferTooSmall
                ));
            }
        }
    };
    if valid.is_none() {
        assert_ne!(
            status,
            DrganStatus::Ok,
            "{w}x{h} stride {stride} format {format} accepted"
        );
    }
    assert_ne!(status, DrganStatus::Panic);
    // The message is always readable.
    let _ = unsafe { std::ffi::CStr::from_ptr(drgan_last_error()) };
});
