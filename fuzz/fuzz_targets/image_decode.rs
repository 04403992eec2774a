//! PNG/JPEG decoding with a small pixel limit: `Ok` with consistent geometry within the
//! limit, or a clean `Err`; never a crash, never an allocation beyond the limit.
//!
//! libFuzzer's panic hook aborts on every panic, even one that is caught. `decode_image`
//! catches the codecs' own panics on corrupt data and reports them as errors (zune-jpeg's
//! IDCT panics on some JPEGs: tests/fuzz_findings), so this target lets panics raised
//! inside the codec crates unwind to that catch; any other panic still aborts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Once;

const MAX_PIXELS: u64 = 1 << 16;

/// Crates whose panics `decode_image` catches (source paths in the cargo registry).
const CODEC_CRATES: [&str; 3] = ["/zune-jpeg-", "/zune-core-", "/png-"];

fn let_codec_panics_unwind() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let libfuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let file = info.location().map_or("", |l| l.file());
            if CODEC_CRATES.iter().any(|c| file.contains(c)) {
                return;
            }
            libfuzzer_hook(info);
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    let_codec_panics_unwind();
    if let Ok(img) = drgan::io::decode_image(data, MAX_PIXELS) {
        assert!(img.width as u64 * img.height as u64 <= MAX_PIXELS);
        assert_eq!(img.data.len(), img.width as usize * img.height as usize * 3);
    }
});
