//! The Swift package's C module (`bindings/swift/Sources/CDrgan/module.modulemap`), checked
//! with clang since there is no Swift toolchain here: `bindings/swift/tests/module_check.c`
//! gets every declaration through the module (`#pragma clang module import CDrgan` in C,
//! `@import CDrgan;` in Objective-C; drgan.h is never included directly), is built with
//! `-fmodules -Wall -Wextra -Werror`, linked against libdrgan.so and run on a fixture.
//! The module map that `scripts/build-xcframework.sh` writes into the XCFramework is
//! checked the same way. The Swift sources themselves are NOT compiled here.

mod bindings_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use bindings_support::{c_functions, fixture, require_tool, root, run, shared_lib};

fn swift() -> PathBuf {
    root().join("bindings/swift")
}

/// Builds module_check.c with `module_map` (whose header finds drgan.h on `include`) as
/// `language` ("c" or "objective-c"), runs it, and checks it passed.
fn check_module(module_map: &Path, include: &Path, language: &str) {
    require_tool("clang", "clang");
    let so = shared_lib();
    let lib_dir = so.parent().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join(format!("module_check_{language}"));
    let mut cmd = Command::new("clang");
    cmd.arg("-x").arg(language);
    if language == "c" {
        cmd.arg("-std=c11");
    }
    cmd.args(["-Wall", "-Wextra", "-Werror", "-fmodules"])
        .arg(format!(
            "-fmodules-cache-path={}",
            dir.path().join("cache").display()
        ))
        .arg(format!("-fmodule-map-file={}", module_map.display()))
        .arg("-I")
        .arg(include)
        .arg(swift().join("tests/module_check.c"))
        .arg("-x")
        .arg("none")
        .arg("-o")
        .arg(&exe)
        .arg("-L")
        .arg(lib_dir)
        .arg("-ldrgan")
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()));
    run(&mut cmd);
    let f = fixture();
    let png = f.scratch.join("module.png");
    // LD_LIBRARY_PATH: `cargo test` puts target/<profile> there, which outranks the rpath.
    let out = run(Command::new(&exe)
        .env("LD_LIBRARY_PATH", lib_dir)
        .arg(&f.bundle)
        .arg(&png));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\n0 failures"), "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    assert!(png.exists());
}

#[test]
fn swift_c_module_imports_and_calls_the_library_from_c() {
    check_module(
        &swift().join("Sources/CDrgan/module.modulemap"),
        &root().join("include"),
        "c",
    );
}

#[test]
fn swift_c_module_imports_and_calls_the_library_from_objective_c() {
    check_module(
        &swift().join("Sources/CDrgan/module.modulemap"),
        &root().join("include"),
        "objective-c",
    );
}

#[test]
fn xcframework_module_map_from_the_build_script_works() {
    let script = std::fs::read_to_string(swift().join("scripts/build-xcframework.sh")).unwrap();
    let start = script
        .find("<<'MAP'\n")
        .expect("build-xcframework.sh writes a module map")
        + "<<'MAP'\n".len();
    let end = start
        + script[start..]
            .find("\nMAP\n")
            .expect("end of the module map");
    let map = &script[start..end];
    assert!(map.contains("module CDrgan"), "{map}");
    // Laid out as in the XCFramework's Headers/: drgan.h beside module.modulemap.
    let headers = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("include/drgan.h"),
        headers.path().join("drgan.h"),
    )
    .unwrap();
    let map_path = headers.path().join("module.modulemap");
    std::fs::write(&map_path, format!("{map}\n")).unwrap();
    check_module(&map_path, headers.path(), "c");
}

#[test]
fn swift_package_declares_both_library_sources() {
    let package = std::fs::read_to_string(swift().join("Package.swift")).unwrap();
    for want in [
        ".systemLibrary(",
        "pkgConfig: \"drgan\"",
        ".binaryTarget(name: \"CDrgan\", path: \"CDrgan.xcframework\")",
        "name: \"Drgan\"",
    ] {
        assert!(package.contains(want), "Package.swift lacks {want}");
    }
    let swift_src = std::fs::read_to_string(swift().join("Sources/Drgan/Drgan.swift")).unwrap();
    let abi = bindings_support::header_abi_version();
    assert!(
        swift_src.contains(&format!("bindingAbiVersion: UInt32 = {abi}\n")),
        "Drgan.swift's bindingAbiVersion must be the header's DRGAN_ABI_VERSION {abi}"
    );
    // Every C function the header declares is called from the Swift layer.
    let header = std::fs::read_to_string(root().join("include/drgan.h")).unwrap();
    for name in c_functions(&header) {
        assert!(
            swift_src.contains(&format!("{name}(")),
            "Drgan.swift does not call {name}"
        );
    }
}
