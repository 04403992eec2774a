//! The committed `include/drgan.h`: equal to what cbindgen generates now from
//! `cbindgen.toml` and `src/ffi`, with version macros equal to Cargo.toml and to the
//! loaded library, and documentation on every function and status.
//!
//! After changing the C API, regenerate with
//! `cbindgen --config cbindgen.toml --crate drgan --output include/drgan.h`
//! (or run this test with `DRGAN_BLESS_HEADER=1`).

use std::ffi::CStr;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn committed() -> String {
    std::fs::read_to_string(root().join("include/drgan.h")).unwrap()
}

/// The value of `#define NAME value` in the header.
fn define(header: &str, name: &str) -> String {
    let prefix = format!("#define {name} ");
    header
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no #define {name} in include/drgan.h"))
        .trim()
        .to_string()
}

#[test]
fn committed_header_is_up_to_date() {
    let config = cbindgen::Config::from_file(root().join("cbindgen.toml")).unwrap();
    let bindings = cbindgen::Builder::new()
        .with_crate(root())
        .with_config(config)
        .generate()
        .expect("cbindgen failed on src/ffi");
    let mut fresh = Vec::new();
    bindings.write(&mut fresh);
    let fresh = String::from_utf8(fresh).unwrap();
    if fresh != committed() {
        if std::env::var_os("DRGAN_BLESS_HEADER").is_some() {
            std::fs::write(root().join("include/drgan.h"), &fresh).unwrap();
            return;
        }
        let first = fresh
            .lines()
            .zip(committed().lines())
            .position(|(a, b)| a != b)
            .map_or("the end".to_string(), |i| format!("line {}", i + 1));
        panic!(
            "include/drgan.h is stale (first difference at {first}); regenerate with \
             `cbindgen --config cbindgen.toml --crate drgan --output include/drgan.h` \
             or DRGAN_BLESS_HEADER=1 cargo test --test header"
        );
    }
}

#[test]
fn version_macros_match_cargo_toml_and_the_library() {
    let h = committed();
    let manifest: toml::Value =
        toml::from_str(&std::fs::read_to_string(root().join("Cargo.toml")).unwrap()).unwrap();
    let version = manifest["package"]["version"].as_str().unwrap();
    assert_eq!(define(&h, "DRGAN_VERSION"), format!("\"{version}\""));
    let parts: Vec<&str> = version.split(['.', '-', '+']).take(3).collect();
    assert_eq!(define(&h, "DRGAN_VERSION_MAJOR"), parts[0]);
    assert_eq!(define(&h, "DRGAN_VERSION_MINOR"), parts[1]);
    assert_eq!(define(&h, "DRGAN_VERSION_PATCH"), parts[2]);

    let runtime = unsafe { CStr::from_ptr(drgan::ffi::drgan_version()) };
    assert_eq!(runtime.to_str().unwrap(), version);
    assert_eq!(
        define(&h, "DRGAN_ABI_VERSION"),
        drgan::ffi::drgan_abi_version().to_string()
    );
    assert_eq!(
        define(&h, "DRGAN_INFO_CONFIG_LEN"),
        drgan::ffi::DRGAN_INFO_CONFIG_LEN.to_string()
    );
    assert_eq!(
        define(&h, "DRGAN_INFO_TRAINED_ON_LEN"),
        drgan::ffi::DRGAN_INFO_TRAINED_ON_LEN.to_string()
    );
    assert_eq!(
        define(&h, "DRGAN_GALLERY_ID_CAPACITY"),
        drgan::ffi::DRGAN_GALLERY_ID_CAPACITY.to_string()
    );
    assert_eq!(
        define(&h, "DRGAN_IMAGE_BOTTOM_UP"),
        format!("0x{:x}", drgan::ffi::DRGAN_IMAGE_BOTTOM_UP)
    );
}

/// The names docs/c-abi.md fixes.
const FUNCTIONS: &[&str] = &[
    "drgan_model_open",
    "drgan_model_open_memory",
    "drgan_model_open_default",
    "drgan_model_free",
    "drgan_model_info",
    "drgan_model_pose_yaws",
    "drgan_embed",
    "drgan_embed_batch",
    "drgan_embed_fused",
    "drgan_similarity",
    "drgan_frontalize",
    "drgan_rotate",
    "drgan_synthesize",
    "drgan_estimate_yaw",
    "drgan_align",
    "drgan_align_box",
    "drgan_landmark_yaw",
    "drgan_landmarks_convert",
    "drgan_image_load",
    "drgan_image_decode",
    "drgan_image_save_png",
    "drgan_image_free",
    "drgan_last_error",
    "drgan_status_name",
    "drgan_version",
    "drgan_abi_version",
    "drgan_options_default",
    "drgan_gallery_open",
    "drgan_gallery_open_memory",
    "drgan_gallery_free",
    "drgan_gallery_enrol",
    "drgan_gallery_enrol_batch",
    "drgan_gallery_replace",
    "drgan_gallery_remove",
    "drgan_gallery_count",
    "drgan_gallery_contains",
    "drgan_gallery_search",
    "drgan_gallery_search_batch",
    "drgan_gallery_refresh",
];

#[test]
fn every_function_and_status_is_declared_and_documented() {
    let h = committed();
    let lines: Vec<&str> = h.lines().collect();
    let mut declared = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        // A declaration line: `<type> drgan_name(` (the DRGAN_MUST_USE line may precede it).
        if let Some(at) = line.find(" drgan_").or_else(|| line.find(" *drgan_")) {
            if line.starts_with(' ') || line.starts_with('#') || line.starts_with('/') {
                continue;
            }
            let name: String = line[at..]
                .trim_start_matches([' ', '*'])
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let mut j = i - 1;
            if lines[j] == "DRGAN_MUST_USE" {
                j -= 1;
            }
            assert_eq!(lines[j].trim(), "*/", "{name} has no doc comment");
            let returns_status = line.starts_with("DrganStatus ");
            assert_eq!(
                lines[i - 1] == "DRGAN_MUST_USE",
                returns_status,
                "{name}: DRGAN_MUST_USE exactly on functions returning a status"
            );
            declared.push(name);
        }
    }
    let mut want: Vec<String> = FUNCTIONS.iter().map(|s| s.to_string()).collect();
    want.sort();
    declared.sort();
    assert_eq!(declared, want);

    for (i, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with("DRGAN_STATUS_") && line.contains(" = ") {
            assert_eq!(lines[i - 1].trim(), "*/", "{line} has no doc comment");
        }
    }
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.trim_start().starts_with("DRGAN_STATUS_") && l.contains(" = "))
            .count(),
        drgan::ffi::DrganStatus::ALL.len()
    );
    for needle in [
        "#ifndef DRGAN_H",
        "#define DRGAN_MUST_USE",
        "extern \"C\" {",
        "typedef struct DrganModel DrganModel;",
        "typedef struct DrganGallery DrganGallery;",
        "DRGAN_PIXEL_FORMAT_GRAY8 = 4",
        "DRGAN_BACKEND_GPU = 2",
    ] {
        assert!(h.contains(needle), "header lacks {needle:?}");
    }
}
