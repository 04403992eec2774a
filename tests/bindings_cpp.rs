//! The C++ binding (`bindings/cpp/drgan.hpp`) against the real library: its test program
//! (`bindings/cpp/tests/test_drgan_hpp.cpp` + `double_include.cpp`, every member of the
//! wrapper and its error paths) built with `-std=c++17 -Wall -Wextra -Werror -pedantic`
//!
//! - by g++ under AddressSanitizer and UBSan (leak checking on), against libdrgan.so;
//! - by clang++ at -O2, against libdrgan.a;
//!
//! and the header alone under a stricter warning set (-Wshadow, -Wconversion, ...) with
//! both compilers, included twice with drgan.h in both orders. A missing compiler fails
//! the test with the package to install.
//!
//! `bindings/cpp/tests/no_exceptions.cpp` is built with `-fno-exceptions` (the wrapper's
//! `try_` forms, `DRGAN_NO_EXCEPTIONS`) by g++ under the sanitizers and by clang++
//! against the static library, and checks that a 30-frame loop allocates nothing after
//! its first frame. The header's text is checked to call every function of drgan.h and
//! to mirror every field of `DrganOptions` and `DrganModelInfo`.
//!
//! The program also opens the default model embedded in the library and checks it
//! against the same bundle on disk (models/default), or its `UNSUPPORTED` status in a
//! build without the `default-model` feature (`DRGAN_TEST_DEFAULT_MODEL`).

mod bindings_support;

use std::path::Path;
use std::process::Command;

use bindings_support::{data_dir, fixture, require_tool, root, run, shared_lib, static_lib};

const WARNINGS: &[&str] = &["-std=c++17", "-Wall", "-Wextra", "-Werror", "-pedantic"];

const STRICT: &[&str] = &[
    "-Wshadow",
    "-Wconversion",
    "-Wsign-conversion",
    "-Wold-style-cast",
    "-Wcast-qual",
    "-Wnon-virtual-dtor",
    "-Wundef",
    "-Wdouble-promotion",
    "-Wzero-as-null-pointer-constant",
];

fn includes(cmd: &mut Command) -> &mut Command {
    cmd.arg("-I")
        .arg(root().join("include"))
        .arg("-I")
        .arg(root().join("bindings/cpp"))
}

fn sources(cmd: &mut Command) -> &mut Command {
    let tests = root().join("bindings/cpp/tests");
    cmd.arg(tests.join("test_drgan_hpp.cpp"))
        .arg(tests.join("double_include.cpp"))
}

/// Runs the test program; `default_options` also opens models with the library's default
/// options (Backend::Auto probes for a GPU, whose drivers may leak at exit, so the
/// AddressSanitizer build leaves it out).
fn run_program(exe: &Path, default_options: bool) {
    let f = fixture();
    let mut cmd = Command::new(exe);
    if default_options {
        cmd.env("DRGAN_TEST_DEFAULT_OPTIONS", "1");
    }
    let out = run(cmd
        .env(
            "DRGAN_TEST_DEFAULT_MODEL",
            bindings_support::default_model_env(),
        )
        // `cargo test` puts target/<profile> on LD_LIBRARY_PATH, which outranks the
        // rpath: a libdrgan.so left there by an older `cargo build` would be loaded.
        .env("LD_LIBRARY_PATH", bindings_support::profile_dir())
        .arg(&f.bundle)
        .arg(&f.other)
        .arg(data_dir())
        .arg(&f.scratch)
        .env(
            "ASAN_OPTIONS",
            "detect_leaks=1:abort_on_error=0:halt_on_error=1",
        )
        .env("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(" 0 failures"), "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    assert!(
        f.scratch.join("front.png").exists(),
        "the program wrote no PNG"
    );
}

#[test]
fn cpp_binding_with_gxx_under_asan_against_the_shared_library() {
    require_tool("g++", "g++");
    let so = shared_lib();
    let lib_dir = so.parent().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("test_drgan_hpp_asan");
    let mut cmd = Command::new("g++");
    cmd.args(WARNINGS)
        .args(["-g", "-O1", "-fno-omit-frame-pointer"])
        .args([
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=undefined",
        ]);
    includes(&mut cmd);
    sources(&mut cmd);
    cmd.arg("-o")
        .arg(&exe)
        .arg("-L")
        .arg(lib_dir)
        .arg("-ldrgan")
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .arg("-pthread");
    run(&mut cmd);
    run_program(&exe, false);
}

#[test]
fn cpp_binding_without_exceptions_with_both_compilers() {
    require_tool("g++", "g++");
    require_tool("clang++", "clang");
    let source = root().join("bindings/cpp/tests/no_exceptions.cpp");
    let dir = tempfile::tempdir().unwrap();
    // g++ under the sanitizers, against the shared library.
    let so = shared_lib();
    let lib_dir = so.parent().unwrap();
    let exe = dir.path().join("no_exceptions_asan");
    let mut cmd = Command::new("g++");
    cmd.args(WARNINGS)
        .args(STRICT)
        .args(["-fno-exceptions", "-g", "-O1", "-fno-omit-frame-pointer"])
        .args([
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=undefined",
        ]);
    includes(&mut cmd);
    cmd.arg(&source)
        .arg("-o")
        .arg(&exe)
        .arg("-L")
        .arg(lib_dir)
        .arg("-ldrgan")
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .arg("-pthread");
    run(&mut cmd);
    run_program(&exe, false);
    // clang++ -O2, against the static library.
    let exe = dir.path().join("no_exceptions_static");
    let mut cmd = Command::new("clang++");
    cmd.args(WARNINGS)
        .args(STRICT)
        .args(["-fno-exceptions", "-O2"]);
    includes(&mut cmd);
    cmd.arg(&source)
        .arg("-o")
        .arg(&exe)
        .arg(static_lib())
        .args(["-pthread", "-ldl", "-lm"]);
    run(&mut cmd);
    run_program(&exe, true);
}

#[test]
fn cpp_binding_with_clangxx_against_the_static_library() {
    require_tool("clang++", "clang");
    let a = static_lib();
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("test_drgan_hpp_static");
    let mut cmd = Command::new("clang++");
    cmd.args(WARNINGS).args(["-O2"]);
    includes(&mut cmd);
    sources(&mut cmd);
    cmd.arg("-o")
        .arg(&exe)
        .arg(&a)
        .args(["-pthread", "-ldl", "-lm"]);
    run(&mut cmd);
    run_program(&exe, true);
}

#[test]
fn cpp_header_is_clean_under_strict_warnings_and_double_inclusion() {
    require_tool("g++", "g++");
    require_tool("clang++", "clang");
    for compiler in ["g++", "clang++"] {
        let mut cmd = Command::new(compiler);
        cmd.args(WARNINGS).args(STRICT).arg("-fsyntax-only");
        includes(&mut cmd);
        cmd.arg(root().join("bindings/cpp/tests/double_include.cpp"));
        run(&mut cmd);
    }
    // And the header alone, first thing in a translation unit (it includes what it uses).
    let dir = tempfile::tempdir().unwrap();
    let tu = dir.path().join("only_hpp.cpp");
    std::fs::write(
        &tu,
        "#include \"drgan.hpp\"\n#include \"drgan.hpp\"\nint main() { return drgan::abi_compatible() ? 0 : 1; }\n",
    )
    .unwrap();
    for compiler in ["g++", "clang++"] {
        let mut cmd = Command::new(compiler);
        cmd.args(WARNINGS).args(STRICT).arg("-fsyntax-only");
        includes(&mut cmd);
        cmd.arg(&tu);
        run(&mut cmd);
    }
}

#[test]
fn cpp_header_refuses_cxx14() {
    require_tool("g++", "g++");
    let dir = tempfile::tempdir().unwrap();
    let tu = dir.path().join("old.cpp");
    std::fs::write(&tu, "#include \"drgan.hpp\"\n").unwrap();
    let mut cmd = Command::new("g++");
    cmd.args(["-std=c++14", "-fsyntax-only"]);
    includes(&mut cmd);
    let out = cmd.arg(&tu).output().expect("run g++");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("requires C++17"),
        "g++ -std=c++14 should stop at the #error: {stderr}"
    );
}

#[test]
fn cpp_binding_calls_every_function_of_the_header() {
    let header = std::fs::read_to_string(root().join("include/drgan.h")).unwrap();
    let hpp = std::fs::read_to_string(root().join("bindings/cpp/drgan.hpp")).unwrap();
    for name in bindings_support::c_functions(&header) {
        assert!(
            hpp.contains(&format!("{name}(")),
            "drgan.hpp does not call {name}"
        );
    }
}

/// The text of drgan.hpp from `start` to the first `end` after it.
fn hpp_part<'a>(hpp: &'a str, start: &str, end: &str) -> &'a str {
    let from = hpp
        .find(start)
        .unwrap_or_else(|| panic!("no `{start}` in drgan.hpp"));
    let len = hpp[from..]
        .find(end)
        .unwrap_or_else(|| panic!("no `{end}` after `{start}` in drgan.hpp"));
    &hpp[from..from + len]
}

#[test]
fn cpp_binding_mirrors_every_field_of_options_and_model_info() {
    let header = std::fs::read_to_string(root().join("include/drgan.h")).unwrap();
    let hpp = std::fs::read_to_string(root().join("bindings/cpp/drgan.hpp")).unwrap();
    // drgan::Options: each field of DrganOptions (but the size and the reserved ones) is
    // a member, read from drgan_options_default in defaults() and written by raw().
    let options = hpp_part(&hpp, "struct Options {", "\n};\n");
    let defaults = hpp_part(options, "static Options defaults()", "return options;");
    let raw = hpp_part(options, "DrganOptions raw()", "return out;");
    for f in bindings_support::c_struct_fields(&header, "DrganOptions") {
        if f == "struct_size" || f.starts_with("reserved") {
            continue;
        }
        assert!(
            options.contains(&format!(" {f} = ")),
            "drgan::Options has no member {f}"
        );
        assert!(
            defaults.contains(&format!("options.{f} = ")) && defaults.contains(&format!("raw.{f}")),
            "Options::defaults() does not copy DrganOptions.{f}"
        );
        assert!(
            raw.contains(&format!("out.{f} = ")),
            "Options::raw() does not set DrganOptions.{f}"
        );
    }
    // drgan::ModelInfo: each field of DrganModelInfo is a member, filled by try_info.
    let info = hpp_part(&hpp, "struct ModelInfo {", "\n};\n");
    let try_info = hpp_part(&hpp, "drgan_model_info(model_.get()", "return Status::Ok;");
    for f in bindings_support::c_struct_fields(&header, "DrganModelInfo") {
        if f == "struct_size" {
            continue;
        }
        assert!(
            [" = ", ";", "{}"]
                .iter()
                .any(|after| info.contains(&format!(" {f}{after}"))),
            "drgan::ModelInfo has no member {f}"
        );
        assert!(
            try_info.contains(&format!("out.{f}")) && try_info.contains(&format!("raw.{f}")),
            "try_info does not fill ModelInfo::{f} from DrganModelInfo.{f}"
        );
    }
}
