//! Fixtures for the C ABI tests: tiny random-weight bundles (on disk and in memory),
//! model handles that free themselves, pictures, and status/message assertions.
#![allow(dead_code)]

use std::ffi::{CStr, CString};
use std::path::{Path, PathBuf};
use std::ptr;
use std::sync::OnceLock;

use drgan::bundle::BundleFiles;
use drgan::ffi::*;
use drgan_writer::{BundleFilesExt, Config};

/// The tiny config: 32x32 input, 1/8 width, Nf 16, Nz 8, 13 yaws.
pub fn tiny_config() -> Config {
    Config::scaled("tiny", 32, 0.125, 16, 8).unwrap()
}

pub const INPUT: usize = 32;
pub const NF: usize = 16;
pub const IMAGE_BYTES: usize = INPUT * INPUT * 3;

/// The tiny bundle with seed 1 (with a pose head), built once.
pub fn tiny() -> &'static BundleFiles {
    static B: OnceLock<BundleFiles> = OnceLock::new();
    B.get_or_init(|| BundleFiles::random(&tiny_config(), 1).unwrap())
}

/// A bundle of another config (Nf 24, Nz 4, 48x48) for mismatch tests.
pub fn other() -> &'static BundleFiles {
    static B: OnceLock<BundleFiles> = OnceLock::new();
    B.get_or_init(|| {
        BundleFiles::random(&Config::scaled("other", 48, 0.125, 24, 4).unwrap(), 2).unwrap()
    })
}

/// A scratch directory that lives as long as the test process.
pub fn scratch() -> &'static Path {
    static D: OnceLock<tempfile::TempDir> = OnceLock::new();
    D.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

/// `tiny()` written to a directory.
pub fn tiny_dir() -> &'static Path {
    static D: OnceLock<PathBuf> = OnceLock::new();
    D.get_or_init(|| {
        let dir = scratch().join("tiny");
        tiny().write_dir(&dir).unwrap();
        dir
    })
}

pub fn cstr(p: &Path) -> CString {
    CString::new(p.to_str().unwrap()).unwrap()
}

/// A model handle freed on drop. `DrganModel` is documented as usable from many threads.
pub struct Handle(pub *mut DrganModel);
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

impl Handle {
    pub fn ptr(&self) -> *const DrganModel {
        self.0
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        unsafe { drgan_model_free(self.0) }
    }
}

/// Opens `files` through `drgan_model_open_memory`, panicking on failure.
pub fn open(files: &BundleFiles) -> Handle {
    let mut m = ptr::null_mut();
    let (pose, pose_len) = match &files.pose {
        Some(p) => (p.as_ptr(), p.len()),
        None => (ptr::null(), 0),
    };
    let s = unsafe {
        drgan_model_open_memory(
            files.encoder.as_ptr(),
            files.encoder.len(),
            files.decoder.as_ptr(),
            files.decoder.len(),
            pose,
            pose_len,
            ptr::null(),
            &mut m,
        )
    };
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    assert!(!m.is_null());
    Handle(m)
}

/// One tiny model shared by the tests of this process (and its threads).
pub fn model() -> *const DrganModel {
    static M: OnceLock<Handle> = OnceLock::new();
    M.get_or_init(|| open(tiny())).ptr()
}

/// The Rust API's model on the same bytes, to compare against.
pub fn rust_model() -> &'static drgan::Model {
    static M: OnceLock<drgan::Model> = OnceLock::new();
    M.get_or_init(|| {
        let b = tiny();
        drgan::Model::from_bytes(
            &b.encoder,
            &b.decoder,
            b.pose.as_deref(),
            &Default::default(),
        )
        .unwrap()
    })
}

/// This thread's last error message.
pub fn last_error() -> String {
    let p = drgan_last_error();
    assert!(!p.is_null());
    unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned()
}

/// Asserts a failure with `status` whose message names the function and contains
/// every one of `words`.
#[track_caller]
pub fn fails(got: DrganStatus, status: DrganStatus, function: &str, words: &[&str]) {
    let msg = last_error();
    assert_eq!(got, status, "message: {msg}");
    assert!(
        msg.starts_with(&format!("{function}: ")),
        "message {msg:?} does not name {function}"
    );
    for w in words {
        assert!(msg.contains(w), "message {msg:?} lacks {w:?}");
    }
}

/// A deterministic colourful picture, `w`×`h` pixels of `bpp` bytes, rows of `stride`.
pub fn picture(w: u32, h: u32, bpp: usize, stride: usize, seed: u32) -> Vec<u8> {
    let mut v = vec![0u8; stride * (h as usize - 1) + w as usize * bpp];
    for y in 0..h as usize {
        for x in 0..w as usize {
            for c in 0..bpp {
                let s = seed.wrapping_mul(2654435761) >> (8 * c);
                v[y * stride + x * bpp + c] =
                    ((x * 255 / w as usize) ^ (y * 97) ^ (c * 60) ^ s as usize) as u8;
            }
        }
    }
    v
}

/// A packed RGB8 picture and its description.
pub struct Pic {
    pub pixels: Vec<u8>,
    pub image: DrganImage,
}

impl Pic {
    pub fn rgb(w: u32, h: u32, seed: u32) -> Pic {
        Pic::new(w, h, DrganPixelFormat::Rgb8, 3, seed)
    }

    pub fn new(w: u32, h: u32, format: DrganPixelFormat, bpp: usize, seed: u32) -> Pic {
        let stride = w as usize * bpp;
        let pixels = picture(w, h, bpp, stride, seed);
        let image = DrganImage {
            data: pixels.as_ptr(),
            width: w,
            height: h,
            stride_bytes: stride,
            format: format as i32,
        };
        Pic { pixels, image }
    }

    pub fn view(&self) -> drgan::Image<'_> {
        drgan::Image::packed(&self.pixels, self.image.width, self.image.height, {
            drgan::PixelFormat::from_raw(self.image.format).unwrap()
        })
        .unwrap()
    }
}

/// Every image description that must be refused, with the status and a word of the
/// message. `base` must stay alive while the descriptions are used.
pub fn bad_images(base: &Pic) -> Vec<(&'static str, DrganImage, DrganStatus, &'static str)> {
    let b = base.image;
    vec![
        (
            "NULL data",
            DrganImage {
                data: ptr::null(),
                ..b
            },
            DrganStatus::NullArgument,
            "data",
        ),
        (
            "zero width",
            DrganImage { width: 0, ..b },
            DrganStatus::InvalidArgument,
            "at least 1",
        ),
        (
            "zero height",
            DrganImage { height: 0, ..b },
            DrganStatus::InvalidArgument,
            "at least 1",
        ),
        (
            "huge width and height",
            DrganImage {
                width: 1 << 20,
                height: 1 << 20,
                stride_bytes: 3 << 20,
                ..b
            },
            DrganStatus::LimitExceeded,
            "limit",
        ),
        (
            "u32::MAX width",
            DrganImage {
                width: u32::MAX,
                height: 1,
                stride_bytes: usize::MAX,
                ..b
            },
            DrganStatus::LimitExceeded,
            "limit",
        ),
        (
            "stride shorter than a row",
            DrganImage {
                stride_bytes: b.width as usize * 3 - 1,
                ..b
            },
            DrganStatus::InvalidArgument,
            "stride",
        ),
        (
            "stride so large the image spans more than memory",
            DrganImage {
                stride_bytes: usize::MAX / 2,
                ..b
            },
            DrganStatus::InvalidArgument,
            "spans",
        ),
        (
            "unknown pixel format 8",
            DrganImage { format: 8, ..b },
            DrganStatus::InvalidArgument,
            "format",
        ),
        (
            "negative pixel format",
            DrganImage { format: -1, ..b },
            DrganStatus::InvalidArgument,
            "format",
        ),
    ]
}

/// Moves C values (raw pointers inside) into threads: the ABI promises they may be used
/// from many threads at once. Read with `get`, so closures capture the whole wrapper.
#[derive(Clone, Copy)]
pub struct Shared<T>(pub T);
unsafe impl<T> Send for Shared<T> {}
unsafe impl<T> Sync for Shared<T> {}

impl<T: Copy> Shared<T> {
    pub fn get(&self) -> T {
        self.0
    }
}
