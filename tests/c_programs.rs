//! Layer 3 of the tests: `tests/c/test_drgan.c` (C99) and `tests/c/test_drgan.cpp`
//! (C++17), using only `include/drgan.h`, compiled with `-Wall -Wextra -Werror` under
//! AddressSanitizer, linked once against the cdylib and once against the staticlib that
//! `cargo test` builds, and run on fixture bundles. Each program prints every check.
//!
//! Compilers: `$CC` (default `cc`) and `$CXX` (default `c++`); when `clang` is on the
//! PATH the C program is also built with it.

use std::path::{Path, PathBuf};
use std::process::Command;

use drgan::bundle::BundleFiles;
use drgan::ffi::{DrganImage, DrganModelInfo, DrganOptions};
use drgan_writer::{BundleFilesExt, Config};

/// target/<profile>/deps: where this test binary lives and where `cargo test` leaves
/// the library it built (libdrgan.so, libdrgan.a); only `cargo build` copies them up to
/// target/<profile>, so looking there would find a missing or stale library.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap();
    assert_eq!(
        deps.file_name().unwrap(),
        "deps",
        "unexpected test binary location {exe:?}"
    );
    deps.to_path_buf()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[derive(Clone, Copy, Debug)]
enum Link {
    Shared,
    Static,
}

struct Fixture {
    _dir: tempfile::TempDir,
    bundle: PathBuf,
    other: PathBuf,
    scratch: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("tiny");
    let other = dir.path().join("other");
    let scratch = dir.path().join("scratch");
    let tiny = Config::scaled("tiny", 32, 0.125, 16, 8).unwrap();
    BundleFiles::random(&tiny, 1)
        .unwrap()
        .write_dir(&bundle)
        .unwrap();
    let o = Config::scaled("other", 48, 0.125, 24, 4).unwrap();
    BundleFiles::random(&o, 2)
        .unwrap()
        .write_dir(&other)
        .unwrap();
    std::fs::create_dir_all(&scratch).unwrap();
    Fixture {
        _dir: dir,
        bundle,
        other,
        scratch,
    }
}

/// Compiles `source` with `compiler` against the library, runs it, asserts success.
fn build_and_run(compiler: &str, std: &str, source: &str, link: Link, f: &Fixture) {
    let lib_dir = profile_dir();
    let (so, a) = (lib_dir.join("libdrgan.so"), lib_dir.join("libdrgan.a"));
    let lib = match link {
        Link::Shared => &so,
        Link::Static => &a,
    };
    assert!(
        lib.exists(),
        "{lib:?} is missing: `cargo test` builds it with the lib target (crate-type cdylib and staticlib)"
    );
    let exe = f.scratch.join(format!(
        "{}-{}-{link:?}",
        Path::new(source).file_stem().unwrap().to_str().unwrap(),
        Path::new(compiler).file_name().unwrap().to_str().unwrap()
    ));
    let mut cc = Command::new(compiler);
    cc.arg(format!("-std={std}"))
        .args(["-Wall", "-Wextra", "-Werror", "-pedantic", "-g", "-O1"])
        .args(["-fsanitize=address", "-fno-omit-frame-pointer"])
        .arg("-I")
        .arg(root().join("include"))
        .arg(root().join("tests/c").join(source))
        .arg("-o")
        .arg(&exe);
    match link {
        Link::Shared => {
            cc.arg("-L").arg(&lib_dir).arg("-ldrgan");
            cc.arg(format!("-Wl,-rpath,{}", lib_dir.display()));
        }
        Link::Static => {
            cc.arg(&a);
        }
    }
    cc.args(["-lpthread", "-ldl", "-lm"]);
    let out = cc
        .output()
        .unwrap_or_else(|e| panic!("cannot run {compiler}: {e}"));
    assert!(
        out.status.success(),
        "{compiler} failed on {source} ({link:?}):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let no_drivers = f.scratch.join("no-vulkan-drivers.json");
    let run = Command::new(&exe)
        // `cargo test` puts target/<profile> on LD_LIBRARY_PATH, which outranks the
        // rpath: a libdrgan.so left there by an older `cargo build` would be loaded.
        .env("LD_LIBRARY_PATH", &lib_dir)
        .arg(&f.bundle)
        .arg(&f.other)
        .arg(&f.scratch)
        .arg(std::mem::size_of::<DrganImage>().to_string())
        .arg(std::mem::size_of::<DrganOptions>().to_string())
        .arg(std::mem::size_of::<DrganModelInfo>().to_string())
        .env(
            "ASAN_OPTIONS",
            "detect_leaks=1:abort_on_error=0:halt_on_error=1",
        )
        // No Vulkan drivers: `DRGAN_BACKEND_AUTO` then settles on the CPU without loading
        // a GPU driver, whose own allocations (Mesa's leak one while wgpu enumerates
        // adapters) LeakSanitizer would charge to these programs. The GPU path has its
        // own tests (tests/gpu.rs); these are about the C boundary.
        .env("VK_DRIVER_FILES", &no_drivers)
        .env("VK_ICD_FILENAMES", &no_drivers)
        .env("RUST_BACKTRACE", "0")
        // What drgan_model_open_default must do in this build: match the bundle on disk,
        // or fail with UNSUPPORTED (cargo feature `default-model` off).
        .env(
            "DRGAN_TEST_DEFAULT_MODEL",
            if cfg!(feature = "default-model") {
                root().join("models/default")
            } else {
                PathBuf::from("none")
            },
        )
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    println!("=== {source} with {compiler}, {link:?} library ===\n{stdout}{stderr}");
    assert!(
        run.status.success(),
        "{source} ({compiler}, {link:?}) failed with {}:\n{stdout}\n{stderr}",
        run.status
    );
    assert!(stdout.contains(" 0 failures"), "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
}

fn cc() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".into())
}

fn cxx() -> String {
    std::env::var("CXX").unwrap_or_else(|_| "c++".into())
}

fn have(compiler: &str) -> bool {
    Command::new(compiler).arg("--version").output().is_ok()
}

#[test]
fn c_program_against_the_shared_library() {
    build_and_run(&cc(), "c99", "test_drgan.c", Link::Shared, &fixture());
}

#[test]
fn c_program_against_the_static_library() {
    build_and_run(&cc(), "c99", "test_drgan.c", Link::Static, &fixture());
}

#[test]
fn cpp_program_against_the_shared_library() {
    build_and_run(&cxx(), "c++17", "test_drgan.cpp", Link::Shared, &fixture());
}

#[test]
fn cpp_program_against_the_static_library() {
    build_and_run(&cxx(), "c++17", "test_drgan.cpp", Link::Static, &fixture());
}

#[test]
fn c_program_with_clang_when_installed() {
    if !have("clang") {
        println!("clang not installed; skipped");
        return;
    }
    let f = fixture();
    build_and_run("clang", "c99", "test_drgan.c", Link::Shared, &f);
    if have("clang++") {
        build_and_run("clang++", "c++17", "test_drgan.cpp", Link::Static, &f);
    }
}

/// The README's "Quick start in C", compiled with the same strict flags, linked against
/// the static library and run on a fixture bundle, so the README never drifts from the
/// header.
#[test]
fn readme_quick_start_compiles_and_runs() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("```c\n#include <stdio.h>")
        .expect("README has a C quick start");
    let body = &readme[start + 5..];
    let source = &body[..body.find("```").unwrap()];
    let f = fixture();
    // The quick start opens models/my-bundle and face.jpg relative to its working dir.
    let work = f.scratch.join("quickstart");
    BundleFiles::random(&Config::named("tiny").unwrap(), 1)
        .unwrap()
        .write_dir(&work.join("models/my-bundle"))
        .unwrap();
    std::fs::copy(
        root().join("examples/data/astronaut.png"),
        work.join("face.jpg"),
    )
    .unwrap();
    let src = work.join("quickstart.c");
    std::fs::write(&src, source).unwrap();
    let exe = work.join("quickstart");
    let out = Command::new(cc())
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .arg("-I")
        .arg(root().join("include"))
        .arg(&src)
        .arg(profile_dir().join("libdrgan.a"))
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&exe)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the README quick start does not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new(&exe)
        .current_dir(&work)
        .env("VK_DRIVER_FILES", work.join("none.json"))
        .env("VK_ICD_FILENAMES", work.join("none.json"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success() && stdout.contains("confidence"),
        "quick start failed: {stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// A decoded image has its own type, so freeing a caller's own `DrganImage` with
/// `drgan_image_free` is a compile error (it was undefined behaviour when both were one
/// type), while freeing a decoded one compiles.
#[test]
fn freeing_a_callers_view_does_not_compile() {
    let dir = tempfile::tempdir().unwrap();
    let compile = |body: &str| {
        let src = dir.path().join("free.c");
        std::fs::write(
            &src,
            format!("#include \"drgan.h\"\nvoid f(void) {{\n{body}\n}}\n"),
        )
        .unwrap();
        Command::new(cc())
            .args(["-std=c99", "-Wall", "-Werror", "-fsyntax-only"])
            .arg("-I")
            .arg(root().join("include"))
            .arg(&src)
            .output()
            .unwrap()
    };
    let bad = compile("DrganImage view = {0};\ndrgan_image_free(&view);");
    assert!(!bad.status.success(), "drgan_image_free(&view) compiled");
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("incompatible pointer"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let good = compile("DrganDecodedImage *d = 0;\ndrgan_image_free(d);");
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
}
