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
//! build does not; the Unity package and .csproj layout is complete; the blittable structs
//! of `Runtime/NativeStructs.cs` have the header's fields at the C compiler's offsets. The Unity sample
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

#[test]
fn csharp_binding_imports_from_internal_on_every_apple_player() {
    // Unity links the static library into iOS, tvOS and visionOS players alike; the
    // editor (whatever its build target) and every other player load the dynamic one.
    require_tool("mcs", "mono-mcs");
    let dir = tempfile::tempdir().unwrap();
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    for (defines, internal) in [
        (&["UNITY_IOS"][..], true),
        (&["UNITY_TVOS"][..], true),
        (&["UNITY_VISIONOS"][..], true),
        (&["UNITY_TVOS", "UNITY_EDITOR"][..], false),
        (&["UNITY_VISIONOS", "UNITY_EDITOR"][..], false),
        (&["UNITY_ANDROID"][..], false),
        (&["UNITY_STANDALONE_OSX"][..], false),
    ] {
        let dll = dir.path().join(format!("{}.dll", defines.join("-")));
        compile_binding(&dll, defines);
        let bytes = std::fs::read(&dll).unwrap();
        assert_eq!(
            contains(&bytes, b"__Internal"),
            internal,
            "a build with {defines:?} must {}import from __Internal",
            if internal { "" } else { "not " }
        );
    }
}

/// Compiles the binding and `tests/BufferTests.cs` with `defines` and runs it.
fn run_buffer_tests(defines: &[&str]) -> String {
    let so = shared_lib();
    let dir = tempfile::tempdir().unwrap();
    let dll = dir.path().join("Drgan.dll");
    compile_binding(&dll, defines);
    let exe = dir.path().join("BufferTests.exe");
    let mut mcs = Command::new("mcs");
    mcs.args(["-langversion:7.2", "-warnaserror", "-nologo"]);
    for d in defines {
        mcs.arg(format!("-define:{d}"));
    }
    run(mcs
        .arg(format!("-r:{}", dll.display()))
        .arg("-r:System.Core.dll")
        .arg(format!("-out:{}", exe.display()))
        .arg(csharp().join("tests/BufferTests.cs")));
    let f = fixture();
    let out = run(Command::new("mono")
        .arg("--debug")
        .arg(&exe)
        .arg(&f.bundle)
        .arg(data_dir())
        .env("LD_LIBRARY_PATH", so.parent().unwrap())
        .env("MONO_PATH", dir.path()));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.contains(" 0 failures"), "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    stdout
}

#[test]
fn csharp_buffer_overloads_allocate_nothing() {
    // Without DRGAN_SPAN (the netstandard2.0 build): the array + offset overloads. The
    // allocation is measured with GC.GetAllocatedBytesForCurrentThread(), which Mono has.
    require_tool("mcs", "mono-mcs");
    require_tool("mono", "mono-runtime");
    let arrays = run_buffer_tests(&[]);
    assert!(
        arrays.contains("buffer overloads: 1000 embed+search iterations allocated 0 bytes"),
        "{arrays}"
    );
    assert!(arrays.contains("Span overloads not compiled"), "{arrays}");
    // With it (Unity 2021.2+, .NET Standard 2.1): the Span<T> overloads as well.
    let spans = run_buffer_tests(&["DRGAN_SPAN"]);
    for line in [
        "buffer overloads: 1000 embed+search iterations allocated 0 bytes",
        "span overloads: 1000 embed+search iterations allocated 0 bytes",
    ] {
        assert!(spans.contains(line), "no \"{line}\" in {spans}");
    }
}

#[test]
fn csharp_unity_tests_run_under_mono() {
    // tests/Runtime (the Unity Test Framework assembly) against tests/NUnitStandIn.cs,
    // with the defines a Unity 2021.3 player has (DRGAN_SPAN follows from them).
    require_tool("mcs", "mono-mcs");
    require_tool("mono", "mono-runtime");
    let so = shared_lib();
    let dir = tempfile::tempdir().unwrap();
    let dll = dir.path().join("Drgan.dll");
    let defines = ["UNITY_2021_2_OR_NEWER", "UNITY_INCLUDE_TESTS"];
    compile_binding(&dll, &defines);
    let exe = dir.path().join("UnityTests.exe");
    let mut tests: Vec<PathBuf> = std::fs::read_dir(csharp().join("tests/Runtime"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cs"))
        .collect();
    tests.sort();
    assert!(!tests.is_empty());
    let mut mcs = Command::new("mcs");
    mcs.args(["-langversion:7.2", "-warnaserror", "-nologo"]);
    for d in defines {
        mcs.arg(format!("-define:{d}"));
    }
    run(mcs
        .arg(format!("-r:{}", dll.display()))
        .arg("-r:System.Core.dll")
        .arg(format!("-out:{}", exe.display()))
        .arg(csharp().join("tests/NUnitStandIn.cs"))
        .args(&tests));
    let out = run(Command::new("mono")
        .arg("--debug")
        .arg(&exe)
        .env("LD_LIBRARY_PATH", so.parent().unwrap())
        .env("MONO_PATH", dir.path()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(" 0 failed"), "{stdout}");
    let passed = stdout.lines().filter(|l| l.starts_with("passed  ")).count();
    let ignored = stdout.lines().filter(|l| l.starts_with("ignored ")).count();
    assert!(passed + ignored >= 4, "{stdout}");
    if cfg!(feature = "default-model") {
        // With the default model nothing is skipped.
        assert!(stdout.contains(" 0 ignored"), "{stdout}");
    }
}

/// Whether Unity skips this file or folder name (hidden, or ending in `~`).
fn unity_ignores(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~')
}

/// The native libraries of `Runtime/Plugins` (not committed; their .meta files are)
/// and a line of the platform each one must be enabled for.
const UNITY_PLUGINS: [(&str, &str); 5] = [
    (
        "Runtime/Plugins/Linux/x86_64/libdrgan.so",
        "Standalone: Linux64",
    ),
    (
        "Runtime/Plugins/macOS/libdrgan.dylib",
        "Standalone: OSXUniversal",
    ),
    (
        "Runtime/Plugins/Windows/x86_64/drgan.dll",
        "Standalone: Win64",
    ),
    (
        "Runtime/Plugins/Android/arm64-v8a/libdrgan.so",
        "Android: Android",
    ),
    ("Runtime/Plugins/iOS/libdrgan.a", "iPhone: iOS"),
];

/// Every path under `dir` (relative to the package root, `/`-separated), with whether
/// it is a folder; build outputs of the .csproj (bin, obj, native) left out.
fn package_entries(root: &Path, dir: &Path, out: &mut Vec<(String, bool)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if dir == root && ["bin", "obj", "native"].contains(&rel.as_str()) {
            continue;
        }
        let is_dir = path.is_dir();
        out.push((rel, is_dir));
        if is_dir {
            package_entries(root, &path, out);
        }
    }
}

#[test]
fn csharp_unity_package_has_a_meta_for_every_asset() {
    // Unity imports only what has a .meta in an immutable (git URL) package. Every file
    // and folder Unity sees needs one (and the files inside each sample of Samples~, which
    // are copied into the project with them); each GUID is 32 hex digits and unique; no
    // .meta lacks its asset but those of the uncommitted native libraries.
    let root = csharp();
    let mut entries = Vec::new();
    package_entries(&root, &root, &mut entries);
    entries.sort();
    let visible = |rel: &str| -> bool {
        let parts: Vec<&str> = rel.split('/').collect();
        if parts[0] == "Samples~" {
            // Samples~/<sample>/<anything>: the sample folder itself is renamed on import.
            return parts.len() >= 3 && !parts[1..].iter().any(|p| unity_ignores(p));
        }
        !parts.iter().any(|p| unity_ignores(p))
    };
    let existing: std::collections::BTreeSet<&str> =
        entries.iter().map(|(rel, _)| rel.as_str()).collect();
    let mut guids = std::collections::BTreeMap::<String, String>::new();
    let mut problems = Vec::new();
    let mut assets = 0;
    for (rel, _) in &entries {
        if let Some(asset) = rel.strip_suffix(".meta") {
            let text = std::fs::read_to_string(root.join(rel)).unwrap();
            assert!(
                text.starts_with("fileFormatVersion: 2\n"),
                "{rel}: not a Unity .meta"
            );
            let guid = text
                .lines()
                .find_map(|l| l.strip_prefix("guid: "))
                .unwrap_or("")
                .trim()
                .to_string();
            if guid.len() != 32
                || !guid
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                || guid.bytes().all(|b| b == b'0')
            {
                problems.push(format!("{rel}: invalid guid {guid:?}"));
            }
            if let Some(other) = guids.insert(guid.clone(), rel.clone()) {
                problems.push(format!("{rel} and {other} share the guid {guid}"));
            }
            let plugin = UNITY_PLUGINS.iter().any(|(p, _)| *p == asset);
            if !plugin && (!existing.contains(asset) || !visible(asset)) {
                problems.push(format!(
                    "orphaned {rel}: no asset {asset} that Unity imports"
                ));
            }
        } else if visible(rel) {
            assets += 1;
            if !existing.contains(format!("{rel}.meta").as_str()) {
                problems.push(format!("{rel} has no .meta"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n(run python3 bindings/csharp/Tools~/unity_meta.py)",
        problems.join("\n")
    );
    assert!(assets > 20, "only {assets} assets found in {root:?}");
    for must in [
        "package.json.meta",
        "Runtime.meta",
        "Runtime/Plugins.meta",
        "Runtime/Drgan.Runtime.asmdef.meta",
        "tests/Runtime/Drgan.Tests.asmdef.meta",
        "Samples~/EmbedTexture/EmbedTexture.cs.meta",
    ] {
        assert!(existing.contains(must), "{must} is missing");
    }
    assert!(
        !existing.contains("Samples~.meta") && !existing.contains("Samples~/EmbedTexture.meta"),
        "Unity ignores Samples~ and renames a sample's folder: no .meta for them"
    );

    // Each native library's import settings enable its own platform and no other.
    for (plugin, platform) in UNITY_PLUGINS {
        let meta = std::fs::read_to_string(root.join(format!("{plugin}.meta")))
            .unwrap_or_else(|e| panic!("{plugin}.meta: {e}"));
        assert!(meta.contains("PluginImporter:"), "{plugin}.meta");
        let lines: Vec<&str> = meta.lines().collect();
        let enabled: Vec<String> = lines
            .windows(4)
            .filter(|w| w[0] == "  - first:" && w[3] == "      enabled: 1")
            .map(|w| w[1].trim().to_string())
            .collect();
        let editor = !plugin.contains("/Android/") && !plugin.contains("/iOS/");
        let mut want = vec![platform.to_string()];
        if editor {
            want.push("Editor: Editor".into());
        }
        let mut got = enabled.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{plugin}.meta enables {enabled:?}");
    }
    assert!(
        std::fs::read_to_string(root.join("Runtime/Plugins/Android/arm64-v8a/libdrgan.so.meta"))
            .unwrap()
            .contains("CPU: ARM64"),
        "the Android library is arm64"
    );

    // The test assemblies: the Unity tests reference the runtime and NUnit and exist only
    // with UNITY_INCLUDE_TESTS; the Mono programs in tests/ are never compiled by Unity.
    let asmdef = |rel: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(root.join(rel)).unwrap()).unwrap()
    };
    let tests = asmdef("tests/Runtime/Drgan.Tests.asmdef");
    assert_eq!(tests["name"], "Drgan.Tests");
    let references = tests["references"].as_array().unwrap();
    assert!(references.iter().any(|r| r == "Drgan.Runtime"));
    assert!(references.iter().any(|r| r == "UnityEngine.TestRunner"));
    assert_eq!(tests["precompiledReferences"][0], "nunit.framework.dll");
    assert_eq!(tests["overrideReferences"], true);
    assert_eq!(tests["defineConstraints"][0], "UNITY_INCLUDE_TESTS");
    let mono = asmdef("tests/Drgan.MonoTests.asmdef");
    assert_eq!(mono["defineConstraints"][0], "DRGAN_MONO_CONSOLE_TESTS");
    // The generator's rule for GUIDs is documented where a user looks for it.
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.contains("?path=bindings/csharp"),
        "README lacks the git URL form"
    );
    assert!(readme.contains("Tools~/unity_meta.py"));
}

#[test]
fn csharp_unity_sample_reads_no_files_and_works_off_the_main_thread() {
    // Not compiled here (it needs UnityEngine): what Android needs of it, by its text.
    let sample =
        std::fs::read_to_string(csharp().join("Samples~/EmbedTexture/EmbedTexture.cs")).unwrap();
    let code: String = sample
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    for bad in ["System.IO", "File.", "Model.Open("] {
        assert!(
            !code.contains(bad),
            "the sample uses {bad}: StreamingAssets is no folder inside an APK"
        );
    }
    for good in [
        "Model.OpenDefault(",
        "Model.OpenMemory(",
        "UnityWebRequest.Get(",
        "Application.streamingAssetsPath",
        "Task.Run(",
        "void Update()",
    ] {
        assert!(code.contains(good), "the sample lacks {good}");
    }
}

/// `snake_case` as the C# binding names it (`PascalCase`).
fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|first| first.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn csharp_native_structs_have_the_header_layout() {
    // Each blittable struct of Runtime/NativeStructs.cs (NativeX for the header's DrganX)
    // has the C struct's fields, in PascalCase, at the C compiler's offsets, and its size:
    // a C program prints offsetof/sizeof of the header's fields, a C# one what Mono lays
    // out (Marshal.OffsetOf/SizeOf, which are the memory layout for blittable structs).
    require_tool("cc", "gcc");
    require_tool("mcs", "mono-mcs");
    require_tool("mono", "mono-runtime");
    let header = std::fs::read_to_string(root().join("include/drgan.h")).unwrap();
    let structs = [
        "DrganImage",
        "DrganDecodedImage",
        "DrganOptions",
        "DrganModelInfo",
        "DrganGalleryMatch",
    ];
    let dir = tempfile::tempdir().unwrap();

    let mut c = String::from(
        "#include <stddef.h>\n#include <stdio.h>\n#include \"drgan.h\"\nint main(void) {\n",
    );
    for s in structs {
        let native = s.replacen("Drgan", "Native", 1);
        c.push_str(&format!(
            "    printf(\"{native} size %zu\\n\", sizeof({s}));\n"
        ));
        for f in bindings_support::c_struct_fields(&header, s) {
            c.push_str(&format!(
                "    printf(\"{native}.{} %zu\\n\", offsetof({s}, {f}));\n",
                pascal_case(&f)
            ));
        }
    }
    c.push_str("    return 0;\n}\n");
    std::fs::write(dir.path().join("layout.c"), c).unwrap();
    let c_exe = dir.path().join("layout_c");
    run(Command::new("cc")
        .arg("-std=c99")
        .arg("-I")
        .arg(root().join("include"))
        .arg(dir.path().join("layout.c"))
        .arg("-o")
        .arg(&c_exe));
    let want = String::from_utf8(run(&mut Command::new(&c_exe)).stdout).unwrap();

    let dll = dir.path().join("Drgan.dll");
    compile_binding(&dll, &[]);
    let names: Vec<String> = structs
        .iter()
        .map(|s| format!("\"{}\"", s.replacen("Drgan", "Native", 1)))
        .collect();
    let cs = format!(
        r#"using System;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

internal static class Layout
{{
    private static void Main()
    {{
        foreach (string name in new[] {{ {} }})
        {{
            Type t = typeof(Drgan.Options).Assembly.GetType("Drgan." + name, true);
            Console.WriteLine(name + " size " + Marshal.SizeOf(t));
            var fields = t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .Select(f => new {{ f.Name, Offset = (long)Marshal.OffsetOf(t, f.Name) }})
                .OrderBy(f => f.Offset);
            foreach (var f in fields)
            {{
                Console.WriteLine(name + "." + f.Name + " " + f.Offset);
            }}
        }}
    }}
}}
"#,
        names.join(", ")
    );
    std::fs::write(dir.path().join("Layout.cs"), cs).unwrap();
    let cs_exe = dir.path().join("Layout.exe");
    run(Command::new("mcs")
        .args(["-langversion:7.2", "-warnaserror", "-nologo"])
        .arg(format!("-r:{}", dll.display()))
        .arg("-r:System.Core.dll")
        .arg(format!("-out:{}", cs_exe.display()))
        .arg(dir.path().join("Layout.cs")));
    let got = String::from_utf8(
        run(Command::new("mono")
            .arg(&cs_exe)
            .env("MONO_PATH", dir.path()))
        .stdout,
    )
    .unwrap();
    assert_eq!(
        got.lines().collect::<Vec<_>>(),
        want.lines().collect::<Vec<_>>(),
        "Runtime/NativeStructs.cs does not lay out the header's structs as C does \
         (left: C#, right: C)"
    );
}
