//! PNG/JPEG decoding with a small pixel limit: `Ok` with consistent geometry within the
//! limit, or a clean `Err`; never a crash, never an allocation beyond the limit.
#![no_main]

use libfuzzer_sys::fuzz_target;

const MAX_PIXELS: u64 = 1 << 16;

fuzz_target!(|data: &[u8]| {
    if let Ok(img) = drgan::io::decode_image(data, MAX_PIXELS) {
        assert!(img.width as u64 * img.height as u64 <= MAX_PIXELS);
        assert_eq!(img.data.len(), img.width as usize * img.height as usize * 3);
    }
});
