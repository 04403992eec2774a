//! The C# binding (`bindings/csharp/`) against the real library, with Mono (Debian
//! `mono-mcs mono-runtime`): the binding is compiled with `mcs` (C# 7.2, the newest mcs
//! knows, a subset of the 7.3 the .csproj asks for; warnings as errors), then
//! `bindings/csharp/tests/DrganTests.cs` runs under `mono` with `LD_LIBRARY_PATH` at
//! target/<profile>, where `[DllImport("drgan")]` finds libdrgan.so. It covers every call,
//! the error paths, UTF-8 paths, disposal (double Dispose, finalizers, use after Dispose)
//! and RSS measured around 10,000 image decode/dispose cycles and 300 model open/close
//! cycles (`DRGAN_CSHARP_MODEL_CYCLES=10000` for the long run; a leaked model is 1.6 MiB,
//! so a leak per cycle fails either way).
//!
//! The test program also opens the default model embedded in the library and checks it
//! against the same bundle on disk (models/default), or its `UNSUPPORTED` status in a
//! build without the `default-model` feature (`DRGAN_TEST_DEFAULT_MODEL`).
//!
//! Also checked: an iOS build (`UNITY_IOS`) imports from `"__Internal"` and an editor
//! build does not; the Unity package and .csproj layout is complete. The Unity sample
//! (`Samples~/`) needs UnityEngine and is not compiled here.

mod bindings_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use bindings_support::{data_dir, fixture, profile_dir, require_tool, root, run, shared_lib};

fn csharp() -> PathBuf {
    root().join("bindings/csharp")
}

fn runtime_sources() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(csharp().join("Runtime"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cs"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "binding sources missing: {files:?}");
    files
}

/// Compiles the binding into `out` with extra `defines`.
fn compile_binding(out: &Path, defines: &[&str]) {
    let mut cmd = Command::new("mcs");
    cmd.args([
        "-langversion:7.2",
        "-unsafe",
        "-target:library",
        "-warnaserror",
        "-warn:4",
        "-nologo",
    ]);
    for d in defines {
        cmd.arg(format!("-define:{d}"));
    }
    cmd.arg(format!("-out:{}", out.display()));
    cmd.args(runtime_sources());
    run(&mut cmd);
}

#[test]
fn csharp_binding_under_mono_against_the_shared_library() {
    require_tool("mcs", "mono-mcs");
    require_tool("mono", "mono-runtime");
    let so = shared_lib();
    let dir = tempfile::tempdir().unwrap();
    let dll = dir.path().join("Drgan.dll");
    compile_binding(&dll, &[]);
    let exe = dir.path().join("DrganTests.exe");
    run(Command::new("mcs")
        .args(["-langversion:7.2", "-warnaserror", "-nologo"])
        .arg(format!("-r:{}", dll.display()))
        .arg("-r:System.Core.dll")
        .arg(format!("-out:{}", exe.display()))
        .arg(csharp().join("tests/DrganTests.cs")));

    let f = fixture();
    // Opening a model costs 60-150 ms (tract optimizes the graphs), so 300 model cycles
    // by default; DRGAN_CSHARP_MODEL_CYCLES=10000 runs the long version.
    let model_cycles = std::env::var("DRGAN_CSHARP_MODEL_CYCLES").unwrap_or_else(|_| "300".into());
    let image_cycles = "10000";
    let out = run(Command::new("mono")
        .arg("--debug")
        .arg(&exe)
        .arg(&f.bundle)
        .arg(&f.other)
        .arg(data_dir())
        .arg(&f.scratch)
        .arg(&model_cycles)
        .arg(image_cycles)
        .env(
            "DRGAN_TEST_DEFAULT_MODEL",
            bindings_support::default_model_env(),
        )
        .env("LD_LIBRARY_PATH", so.parent().unwrap())
        .env("MONO_PATH", dir.path()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(" 0 failures"), "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    for line in [
        format!("model open/close: {model_cycles} cycles"),
        format!("image decode/dispose: {image_cycles} cycles"),
    ] {
        assert!(stdout.contains(&line), "no \"{line}\" in {stdout}");
    }
    assert!(f.scratch.join("front.png").exists());
    // The test must have used this build's library, not some other libdrgan.so.
    assert_eq!(so.parent().unwrap(), profile_dir());
}

#[test]
fn csharp_binding_imports_from_internal_on_ios_only() {
    require_tool("mcs", "mono-mcs");
    let dir = tempfile::tempdir().unwrap();
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);

    let desktop = dir.path().join("desktop.dll");
    compile_binding(&desktop, &[]);
    let bytes = std::fs::read(&desktop).unwrap();
    assert!(
        !contains(&bytes, b"__Internal"),
        "desktop build imports __Internal"
    );

    let editor = dir.path().join("editor.dll");
    compile_binding(&editor, &["UNITY_IOS", "UNITY_EDITOR"]);
    let bytes = std::fs::read(&editor).unwrap();
    assert!(
        !contains(&bytes, b"__Internal"),
        "the iOS editor imports __Internal"
    );

    let ios = dir.path().join("ios.dll");
    compile_binding(&ios, &["UNITY_IOS"]);
    let bytes = std::fs::read(&ios).unwrap();
    assert!(
        contains(&bytes, b"__Internal"),
        "iOS player build must import __Internal"
    );
}

#[test]
fn csharp_package_layouts_are_complete() {
    let cs = csharp();
    // Unity package: package.json, Runtime/ with an asmdef allowing unsafe code, a sample.
    let package: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cs.join("package.json")).unwrap()).unwrap();
    assert_eq!(package["name"], "com.drgan.sdk");
    assert_eq!(package["version"], env!("CARGO_PKG_VERSION"));
    let sample = package["samples"][0]["path"].as_str().unwrap();
    assert!(cs.join(sample).join("EmbedTexture.cs").exists());
    let asmdef: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(cs.join("Runtime/Drgan.Runtime.asmdef")).unwrap(),
    )
    .unwrap();
    assert_eq!(asmdef["allowUnsafeCode"], true);
    // .csproj: netstandard2.0, C# 7.3, natives packed under runtimes/<rid>/native/.
    let csproj = std::fs::read_to_string(cs.join("Drgan.csproj")).unwrap();
    for want in [
        "<TargetFramework>netstandard2.0</TargetFramework>",
        "<LangVersion>7.3</LangVersion>",
        "<AllowUnsafeBlocks>true</AllowUnsafeBlocks>",
        "PackagePath=\"runtimes/%(RecursiveDir)native/\"",
        &format!("<Version>{}</Version>", env!("CARGO_PKG_VERSION")),
    ] {
        assert!(csproj.contains(want), "Drgan.csproj lacks {want}");
    }
    // The binding's version constants follow Cargo.toml.
    let library = std::fs::read_to_string(cs.join("Runtime/Library.cs")).unwrap();
    assert!(library.contains(&format!(
        "BindingVersion = \"{}\"",
        env!("CARGO_PKG_VERSION")
    )));
}

#[test]
fn csharp_binding_imports_every_function_of_the_header() {
    let header = std::fs::read_to_string(root().join("include/drgan.h")).unwrap();
    let sources: String = runtime_sources()
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    for name in bindings_support::c_functions(&header) {
        assert!(
            sources.contains(&format!(" {name}(")) && sources.contains("extern"),
            "the C# binding has no DllImport of {name}"
        );
    }
    // The ABI version constant follows the header.
    let abi = bindings_support::header_abi_version();
    let library = std::fs::read_to_string(csharp().join("Runtime/Library.cs")).unwrap();
    assert!(
        library.contains(&format!("BindingAbiVersion = {abi};")),
        "Library.BindingAbiVersion must be the header's DRGAN_ABI_VERSION {abi}"
    );
}
