//! The Swift package's C module (`bindings/swift/Sources/CDrgan/module.modulemap`), checked
//! with clang since there is no Swift toolchain here: `bindings/swift/tests/module_check.c`
//! gets every declaration through the module (`#pragma clang module import CDrgan` in C,
//! `@import CDrgan;` in Objective-C; drgan.h is never included directly), is built with
//! `-fmodules -Wall -Wextra -Werror`, linked against libdrgan.so and run on a fixture.
//! The module map that `scripts/build-xcframework.sh` writes into the XCFramework is
//! checked the same way. The Swift sources themselves are NOT compiled here; their text is
//! checked (each field of `DrganOptions` and `DrganModelInfo` mirrored, the iOS idioms
//! behind the right conditions).

mod bindings_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use bindings_support::{c_functions, fixture, require_tool, root, run, shared_lib};

fn swift() -> PathBuf {
    root().join("bindings/swift")
}

/// Builds module_check.c as `language` ("c" or "objective-c") with `module_map` (whose
/// header finds drgan.h on `include`), or with none so that clang looks the module up on
/// `include` itself, runs it, and checks it passed.
fn check_module(module_map: Option<&Path>, include: &Path, language: &str) {
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
        .args(module_map.map(|m| format!("-fmodule-map-file={}", m.display())))
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
    run_module_check(&exe, lib_dir);
}

/// Runs a built tests/module_check.c on the fixture bundle and checks it passed.
fn run_module_check(exe: &Path, lib_dir: &Path) {
    let f = fixture();
    let png = f.scratch.join("module.png");
    // LD_LIBRARY_PATH: `cargo test` puts target/<profile> there, which outranks the rpath.
    let out = run(Command::new(exe)
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
        Some(&swift().join("Sources/CDrgan/module.modulemap")),
        &root().join("include"),
        "c",
    );
}

#[test]
fn swift_c_module_imports_and_calls_the_library_from_objective_c() {
    check_module(
        Some(&swift().join("Sources/CDrgan/module.modulemap")),
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
    check_module(Some(&map_path), headers.path(), "c");
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

// ---- Issue 30 (iOS): Package.swift without an environment switch, the XCFramework's
// module under Headers/CDrgan/, its link settings, the release step, and the Swift idioms'
// sources. Swift itself is not compiled here; these check what text and clang can.

/// `text` without its `//` comments (a `//` inside a string literal, as in an https URL,
/// is kept).
fn swift_code(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        let mut cut = line.len();
        let bytes = line.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            if in_string {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
            } else if b == b'"' {
                in_string = true;
            } else if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
                cut = i;
                break;
            }
        }
        out.push_str(&line[..cut]);
        out.push('\n');
    }
    out
}

/// What scripts/install.sh says a program linking libdrgan.a on macOS also needs:
/// (frameworks, libraries) from its `Libs.private` for Darwin, less libc and libm.
fn install_sh_darwin_needs() -> (Vec<String>, Vec<String>) {
    let script = std::fs::read_to_string(root().join("scripts/install.sh")).unwrap();
    let line = script
        .lines()
        .find_map(|l| l.trim().strip_prefix("Darwin) private=\""))
        .expect("scripts/install.sh sets private=\"...\" for Darwin");
    let line = &line[..line.find('"').expect("closing quote")];
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut frameworks = Vec::new();
    let mut libraries = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if words[i] == "-framework" {
            frameworks.push(words[i + 1].to_string());
            i += 2;
            continue;
        }
        if let Some(lib) = words[i].strip_prefix("-l") {
            if lib != "c" && lib != "m" {
                libraries.push(lib.to_string());
            }
        }
        i += 1;
    }
    assert!(frameworks.contains(&"Metal".to_string()), "{line}");
    (frameworks, libraries)
}

/// The module map that build-xcframework.sh writes (its heredoc).
fn xcframework_module_map() -> String {
    let script = std::fs::read_to_string(swift().join("scripts/build-xcframework.sh")).unwrap();
    let start = script.find("<<'MAP'\n").expect("a module map heredoc") + "<<'MAP'\n".len();
    let end = start
        + script[start..]
            .find("\nMAP\n")
            .expect("end of the module map");
    script[start..end].to_string()
}

#[test]
fn swift_package_has_no_environment_switch_and_declares_the_xcframework() {
    let package = std::fs::read_to_string(swift().join("Package.swift")).unwrap();
    let code = swift_code(&package);
    // Xcode's "Add Package" sets no environment variable: nothing may depend on one.
    for banned in [
        "ProcessInfo",
        "environment",
        "getenv",
        "Context.",
        "import Foundation",
    ] {
        assert!(!code.contains(banned), "Package.swift's code uses {banned}");
    }
    // The release form's two values: unset on the development branch, or both set by
    // `build-xcframework.sh --release URL` (an https .zip URL and a SHA-256).
    let value = |prefix: &str| -> String {
        code.lines()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("Package.swift lacks a line {prefix:?}..."))
            .trim()
            .to_string()
    };
    let (url, checksum) = (
        value("let releaseURL: String? = "),
        value("let releaseChecksum = "),
    );
    if url == "nil" {
        assert_eq!(checksum, "\"\"");
    } else {
        assert!(
            url.starts_with("\"https://") && url.ends_with(".zip\""),
            "{url}"
        );
        let hex = checksum.trim_matches('"');
        assert!(
            hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()),
            "{checksum}"
        );
    }
    for want in [
        // The local form and the release form of the one binary target, on macOS hosts;
        // the system library elsewhere.
        "if let url = releaseURL {",
        "#if os(macOS)",
        ".binaryTarget(name: \"CDrgan\", url: url, checksum: releaseChecksum)",
        ".binaryTarget(name: \"CDrgan\", path: \"CDrgan.xcframework\")",
        ".systemLibrary(",
        "pkgConfig: \"drgan\"",
        "linkerSettings: staticLibraryNeeds",
        ".library(name: \"Drgan\", targets: [\"Drgan\"])",
        ".iOS(.v13)",
        ".macOS(.v10_15)",
    ] {
        assert!(code.contains(want), "Package.swift lacks {want:?}");
    }
    assert!(
        !code.contains("unsafeFlags"),
        "unsafeFlags make the package unusable as a dependency"
    );
    // Linker settings only on Apple platforms (the Linux build links libdrgan.so).
    let condition = code
        .lines()
        .find(|l| l.contains("let apple: BuildSettingCondition = .when(platforms: ["))
        .expect("the Apple platforms condition");
    assert!(
        condition.contains(".iOS") && condition.contains(".macOS"),
        "{condition}"
    );
    assert!(!condition.contains(".linux"), "{condition}");
    // Everything install.sh lists for macOS's static library is linked.
    let (frameworks, libraries) = install_sh_darwin_needs();
    for f in &frameworks {
        assert!(
            code.contains(&format!(".linkedFramework(\"{f}\", apple)")),
            "Package.swift does not link the framework {f} (scripts/install.sh lists it)"
        );
    }
    for l in &libraries {
        assert!(
            code.contains(&format!(".linkedLibrary(\"{l}\", apple)")),
            "Package.swift does not link the library {l} (scripts/install.sh lists it)"
        );
    }
    // The examples package does not rely on an environment variable either.
    let example = std::fs::read_to_string(root().join("examples/swift/Package.swift")).unwrap();
    assert!(!swift_code(&example).contains("ProcessInfo"));
    assert!(!example.contains("DRGAN_XCFRAMEWORK"));
    let readme = std::fs::read_to_string(swift().join("README.md")).unwrap();
    assert!(!readme.contains("DRGAN_XCFRAMEWORK"));
}

#[test]
fn xcframework_module_map_autolinks_what_the_static_library_needs() {
    let map = xcframework_module_map();
    // The library itself comes from the XCFramework, linked by SwiftPM or Xcode.
    assert!(!map.contains("link \"drgan\""), "{map}");
    let (frameworks, libraries) = install_sh_darwin_needs();
    for f in &frameworks {
        assert!(
            map.contains(&format!("link framework \"{f}\"")),
            "{map}\nlacks {f}"
        );
    }
    for l in &libraries {
        assert!(map.contains(&format!("link \"{l}\"")), "{map}\nlacks {l}");
    }
    // The same frameworks as Package.swift's linker settings, no more, no fewer.
    let package = swift_code(&std::fs::read_to_string(swift().join("Package.swift")).unwrap());
    let mut in_package: Vec<&str> = package
        .split(".linkedFramework(\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let mut in_map: Vec<&str> = map
        .split("link framework \"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    in_package.sort();
    in_map.sort();
    assert_eq!(in_package, in_map);
}

/// Builds module_check.c as `language` with CDrgan found only through `-I include`
/// (clang's lookup of INCLUDE/CDrgan/module.modulemap, as Swift's importer does on the
/// XCFramework's Headers/), links it against libdrgan.so and runs it on a fixture.
fn check_module_found_on_include_path(include: &Path, language: &str) {
    check_module(None, include, language);
}

#[test]
fn xcframework_headers_from_the_script_put_the_module_under_headers_cdrgan() {
    require_tool("bash", "bash");
    let dir = tempfile::tempdir().unwrap();
    // One include folder, as Xcode makes of every static XCFramework's Headers/.
    let headers = dir.path().join("Headers");
    run(Command::new("bash")
        .arg(swift().join("scripts/build-xcframework.sh"))
        .arg("--headers")
        .arg(&headers));
    assert!(
        !headers.join("module.modulemap").exists(),
        "a top-level Headers/module.modulemap collides with other XCFrameworks'"
    );
    assert!(headers.join("CDrgan/module.modulemap").is_file());
    assert_eq!(
        std::fs::read(headers.join("CDrgan/drgan.h")).unwrap(),
        std::fs::read(root().join("include/drgan.h")).unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(headers.join("CDrgan/module.modulemap")).unwrap(),
        format!("{}\n", xcframework_module_map())
    );
    // Another XCFramework's module beside it, in its own folder.
    std::fs::create_dir_all(headers.join("Other")).unwrap();
    std::fs::write(
        headers.join("Other/module.modulemap"),
        "module Other [system] {\n    header \"other.h\"\n    export *\n}\n",
    )
    .unwrap();
    std::fs::write(
        headers.join("Other/other.h"),
        "static inline int other_answer(void) { return 42; }\n",
    )
    .unwrap();
    check_module_found_on_include_path(&headers, "c");
    check_module_found_on_include_path(&headers, "objective-c");

    // Both modules in one program.
    let so = shared_lib();
    let lib_dir = so.parent().unwrap();
    let src = dir.path().join("both.c");
    std::fs::write(
        &src,
        "#pragma clang module import CDrgan\n#pragma clang module import Other\n\
         int main(void) {\n    return drgan_abi_version() == DRGAN_ABI_VERSION && \
         other_answer() == 42 ? 0 : 1;\n}\n",
    )
    .unwrap();
    let exe = dir.path().join("both");
    run(Command::new("clang")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-fmodules"])
        .arg(format!(
            "-fmodules-cache-path={}",
            dir.path().join("cache").display()
        ))
        .arg("-I")
        .arg(&headers)
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .arg("-L")
        .arg(lib_dir)
        .arg("-ldrgan")
        .arg(format!("-Wl,-rpath,{}", lib_dir.display())));
    run(Command::new(&exe).env("LD_LIBRARY_PATH", lib_dir));
}

#[test]
fn xcframework_release_step_fills_in_url_and_checksum() {
    require_tool("bash", "bash");
    // The script zips with python3 off macOS (ditto on macOS); zip and unzip need not be
    // installed.
    require_tool("python3", "python3");
    require_tool("sha256sum", "coreutils");
    // A copy of the package's manifest and script, and a stand-in XCFramework.
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("swift");
    std::fs::create_dir_all(pkg.join("scripts")).unwrap();
    std::fs::create_dir_all(pkg.join("CDrgan.xcframework/ios-arm64/Headers/CDrgan")).unwrap();
    let script = pkg.join("scripts/build-xcframework.sh");
    std::fs::copy(swift().join("scripts/build-xcframework.sh"), &script).unwrap();
    let original = std::fs::read_to_string(swift().join("Package.swift")).unwrap();
    std::fs::write(pkg.join("Package.swift"), &original).unwrap();
    let release = |url: &str| {
        Command::new("bash")
            .arg(&script)
            .arg("--release-only")
            .arg(url)
            .output()
            .unwrap()
    };

    // No XCFramework yet: refused.
    let url = "https://example.com/a&b/v0.1.0/CDrgan.xcframework.zip";
    assert!(!release(url).status.success());
    std::fs::write(pkg.join("CDrgan.xcframework/Info.plist"), "<plist/>\n").unwrap();
    std::fs::write(
        pkg.join("CDrgan.xcframework/ios-arm64/Headers/CDrgan/module.modulemap"),
        "module CDrgan {}\n",
    )
    .unwrap();
    // URLs SwiftPM refuses, or that cannot be written into Swift as they are.
    for bad in [
        "http://example.com/CDrgan.xcframework.zip",
        "https://example.com/CDrgan.xcframework.tar.gz",
        "https://example.com/\"x/CDrgan.xcframework.zip",
        "https://example.com/a b/CDrgan.xcframework.zip",
        "https://example.com/a|b/CDrgan.xcframework.zip",
    ] {
        let out = release(bad);
        assert!(!out.status.success(), "{bad} was accepted");
        assert_eq!(
            std::fs::read_to_string(pkg.join("Package.swift")).unwrap(),
            original
        );
    }

    run(Command::new("bash")
        .arg(&script)
        .arg("--release-only")
        .arg(url));
    let zip = pkg.join("CDrgan.xcframework.zip");
    let listing = run(Command::new("python3")
        .arg("-c")
        .arg("import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))")
        .arg(&zip));
    let listing = String::from_utf8_lossy(&listing.stdout);
    // The XCFramework folder at the top of the archive, as SwiftPM expects.
    assert!(
        listing
            .lines()
            .any(|l| l == "CDrgan.xcframework/Info.plist"),
        "{listing}"
    );
    assert!(
        listing
            .lines()
            .any(|l| l == "CDrgan.xcframework/ios-arm64/Headers/CDrgan/module.modulemap"),
        "{listing}"
    );
    let sum = run(Command::new("sha256sum").arg(&zip));
    let sum = String::from_utf8_lossy(&sum.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert_eq!(sum.len(), 64);
    let released = std::fs::read_to_string(pkg.join("Package.swift")).unwrap();
    // Those two lines, and nothing else, changed.
    let expected: String = original
        .lines()
        .map(|l| {
            if l.starts_with("let releaseURL: String? = ") {
                format!("let releaseURL: String? = \"{url}\"\n")
            } else if l.starts_with("let releaseChecksum = ") {
                format!("let releaseChecksum = \"{sum}\"\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert_eq!(released, expected);
    // The release form is what the manifest then declares (the `url` of `if let url`).
    assert!(
        released.contains(".binaryTarget(name: \"CDrgan\", url: url, checksum: releaseChecksum)")
    );

    // A later release replaces both again.
    let url2 = "https://example.com/v0.2.0/CDrgan.xcframework.zip";
    run(Command::new("bash")
        .arg(&script)
        .arg("--release-only")
        .arg(url2));
    let again = std::fs::read_to_string(pkg.join("Package.swift")).unwrap();
    assert!(again.contains(&format!("let releaseURL: String? = \"{url2}\"\n")));
    assert!(!again.contains(url));
}

#[test]
fn xcframework_build_refuses_to_run_off_macos_with_a_clear_message() {
    if cfg!(target_os = "macos") {
        return;
    }
    let out = Command::new("bash")
        .arg(swift().join("scripts/build-xcframework.sh"))
        .arg("--macos-only")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("needs macOS and Xcode"), "{stderr}");
    let out = Command::new("bash")
        .arg(swift().join("scripts/build-xcframework.sh"))
        .arg("--no-such-option")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The lines of `code` outside `#if canImport(FRAMEWORK)` ... `#endif` blocks.
fn outside_can_import(code: &str, framework: &str) -> String {
    let mut depth = 0usize;
    let mut inside_at: Option<usize> = None;
    let mut out = String::new();
    for line in code.lines() {
        let t = line.trim();
        if t.starts_with("#if") {
            depth += 1;
            if inside_at.is_none() && t == format!("#if canImport({framework})") {
                inside_at = Some(depth);
            }
            continue;
        }
        if t.starts_with("#endif") {
            if inside_at == Some(depth) {
                inside_at = None;
            }
            depth -= 1;
            continue;
        }
        if inside_at.is_none() {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn swift_sources_have_the_ios_idioms_behind_the_right_conditions() {
    let read = |p: &str| std::fs::read_to_string(swift().join(p)).unwrap();
    let files = [
        "Sources/Drgan/Drgan.swift",
        "Sources/Drgan/AppleImages.swift",
        "Sources/Drgan/Concurrency.swift",
        "Tests/DrganTests/DrganTests.swift",
        "Tests/DrganTests/AppleIdiomsTests.swift",
    ];
    for f in files {
        let code = swift_code(&read(f));
        // Conditional compilation balanced.
        let ifs = code
            .lines()
            .filter(|l| l.trim_start().starts_with("#if"))
            .count();
        let endifs = code
            .lines()
            .filter(|l| l.trim_start().starts_with("#endif"))
            .count();
        assert_eq!(ifs, endifs, "{f}: #if and #endif do not pair");
        // CoreVideo and CoreGraphics only where they exist (not on Linux).
        let no_cv = outside_can_import(&code, "CoreVideo");
        for token in ["CVPixelBuffer", "kCV", "import CoreVideo", "OSType"] {
            assert!(
                !no_cv.contains(token),
                "{f} uses {token} outside #if canImport(CoreVideo)"
            );
        }
        let no_cg = outside_can_import(&code, "CoreGraphics");
        for token in [
            "CGImage",
            "CGContext",
            "CGColorSpace",
            "import CoreGraphics",
        ] {
            assert!(
                !no_cg.contains(token),
                "{f} uses {token} outside #if canImport(CoreGraphics)"
            );
        }
    }

    let drgan = swift_code(&read("Sources/Drgan/Drgan.swift"));
    for want in [
        "public struct DrganError: Error, LocalizedError",
        "public var errorDescription: String? { message }",
        "public convenience init(bundle url: URL, options: Options? = nil) throws",
        "public convenience init(bundle path: String, options: Options? = nil) throws",
        "public static func load(url: URL, options: Options? = nil) throws -> PixelImage",
        // ABI 2: decoded images are DrganDecodedImage, load and decode take options.
        "var raw: UnsafeMutablePointer<DrganDecodedImage>?",
        "drgan_image_load(path, &native, &raw)",
        "drgan_image_decode(base ?? dummy, buf.count, &native, &raw)",
        "public convenience init(model: Model, url: URL) throws",
    ] {
        assert!(drgan.contains(want), "Drgan.swift lacks {want:?}");
    }

    let images = swift_code(&read("Sources/Drgan/AppleImages.swift"));
    for want in [
        "case kCVPixelFormatType_32BGRA:",
        "format: .bgra8",
        "case kCVPixelFormatType_420YpCbCr8BiPlanarFullRange:",
        "format: .nv12",
        "CVPixelBufferGetBaseAddressOfPlane(buffer, 1)",
        // The in-place test: CbCr right after the Y rows, at the same stride.
        "if uv == y + yStride * height, uvStride == yStride",
        "CVPixelBufferLockBaseAddress(pixelBuffer, .readOnly)",
        "CVPixelBufferUnlockBaseAddress(pixelBuffer, .readOnly)",
        "public init(pixelBuffer: CVPixelBuffer) throws",
        "public static func withPixelBuffer<R>(",
        "public init(cgImage image: CGImage) throws",
        "CGImageAlphaInfo.premultipliedLast.rawValue",
        "self.init(data: data, width: width, height: height, format: .rgba8)",
        "public func cgImage() throws -> CGImage",
        "public static func nv12(width: Int, height: Int,",
    ] {
        assert!(images.contains(want), "AppleImages.swift lacks {want:?}");
    }

    let conc = swift_code(&read("Sources/Drgan/Concurrency.swift"));
    assert!(conc.contains("withCheckedThrowingContinuation"));
    assert!(conc.contains("DispatchQueue.global(qos: qos).async"));
    // Every declaration is limited to where Swift concurrency runs (iOS 13, macOS 10.15).
    let lines: Vec<&str> = conc.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        if l.starts_with("extension ") || l.starts_with("func ") {
            assert!(
                i > 0 && lines[i - 1].starts_with("@available(iOS 13, macOS 10.15"),
                "Concurrency.swift: {l} is not @available(iOS 13, macOS 10.15, ...)"
            );
        }
    }
    for want in [
        "public func embed(_ face: PixelImage) async throws -> Embedding",
        "public func frontalize(_ face: PixelImage, seed: UInt64 = 0) async throws -> PixelImage",
        "public func align(_ image: PixelImage, landmarks: [Float]) async throws -> PixelImage",
        "public func search(_ feature: [Float], k: Int, minSimilarity: Float = -1) async throws -> [GalleryMatch]",
        "public static func open(bundle url: URL, options: Options? = nil) async throws -> Model",
    ] {
        assert!(conc.contains(want), "Concurrency.swift lacks {want:?}");
    }
    // Each async variant calls its synchronous namesake inside the dispatched closure.
    for call in [
        "try self.embed(face)",
        "try self.frontalize(face, seed: seed)",
        "try self.align(image, landmarks: landmarks)",
        "try self.search(feature, k: k, minSimilarity: minSimilarity)",
    ] {
        assert!(conc.contains(call), "Concurrency.swift lacks {call:?}");
    }

    // A test for each (run where Swift is).
    let tests = swift_code(&read("Tests/DrganTests/AppleIdiomsTests.swift"));
    for want in [
        "func testErrorIsALocalizedErrorWithTheLibrarysMessage() throws",
        "func testFileURLs() throws",
        "func testAsyncVariantsGiveTheSynchronousResults() async throws",
        "func testNV12PlanesArePackedIntoOneBuffer() throws",
        "func testBGRAPixelBuffer() throws",
        "func testNV12PixelBuffer() throws",
        "func testCGImageRoundTrip() throws",
        "try await model.embed(",
        "try await model.frontalize(",
        "try await model.align(",
        "try await people.search(",
    ] {
        assert!(
            tests.contains(want),
            "AppleIdiomsTests.swift lacks {want:?}"
        );
    }
}

/// The repository root's Package.swift (what Xcode's "Add Package" reads from this
/// repository's git URL) is bindings/swift/Package.swift with every path moved under
/// bindings/swift/, and the release step fills in both.
#[test]
fn root_package_manifest_is_the_swift_package_with_its_paths_moved() {
    let read = |p: PathBuf| std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p:?}: {e}"));
    let at_root = read(root().join("Package.swift"));
    let package = read(swift().join("Package.swift"));
    let body = |s: &str| s[s.find("import PackageDescription").unwrap()..].to_string();
    assert_eq!(
        body(&at_root),
        body(&package).replace("path: \"", "path: \"bindings/swift/"),
        "regenerate Package.swift from bindings/swift/Package.swift"
    );
    let script = read(swift().join("scripts/build-xcframework.sh"));
    assert!(
        script.contains("$here/../../Package.swift"),
        "the release step skips the root"
    );
}

/// In a checkout laid out as the repository (root Package.swift, bindings/swift/), the
/// release step fills the URL and checksum into both manifests, which stay equal.
#[test]
fn xcframework_release_step_fills_in_the_root_manifest_too() {
    require_tool("bash", "bash");
    require_tool("python3", "python3");
    require_tool("sha256sum", "coreutils");
    let repo = tempfile::tempdir().unwrap();
    let pkg = repo.path().join("bindings/swift");
    let frame = pkg.join("CDrgan.xcframework/ios-arm64/Headers/CDrgan");
    std::fs::create_dir_all(&frame).unwrap();
    std::fs::create_dir_all(pkg.join("scripts")).unwrap();
    std::fs::write(pkg.join("CDrgan.xcframework/Info.plist"), "<plist/>\n").unwrap();
    std::fs::write(frame.join("module.modulemap"), "module CDrgan {}\n").unwrap();
    let script = pkg.join("scripts/build-xcframework.sh");
    std::fs::copy(swift().join("scripts/build-xcframework.sh"), &script).unwrap();
    std::fs::copy(swift().join("Package.swift"), pkg.join("Package.swift")).unwrap();
    std::fs::copy(
        root().join("Package.swift"),
        repo.path().join("Package.swift"),
    )
    .unwrap();
    let url = "https://example.com/v0.2.0/CDrgan.xcframework.zip";
    run(Command::new("bash")
        .arg(&script)
        .arg("--release-only")
        .arg(url));
    let read = |p: PathBuf| std::fs::read_to_string(p).unwrap();
    let (inner, outer) = (
        read(pkg.join("Package.swift")),
        read(repo.path().join("Package.swift")),
    );
    let line = format!("let releaseURL: String? = \"{url}\"");
    assert!(inner.contains(&line) && outer.contains(&line), "{outer}");
    let body = |s: &str| s[s.find("import PackageDescription").unwrap()..].to_string();
    assert_eq!(
        body(&outer),
        body(&inner).replace("path: \"", "path: \"bindings/swift/")
    );
}

/// `snake_case` as the Swift layer names it (`camelCase`).
fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    for (i, w) in snake.split('_').enumerate() {
        let mut c = w.chars();
        if let Some(first) = c.next() {
            if i == 0 {
                out.push(first);
            } else {
                out.push(first.to_ascii_uppercase());
            }
            out.push_str(c.as_str());
        }
    }
    out
}

/// The text of `code` from `start` to the first `end` after it.
fn part<'a>(code: &'a str, start: &str, end: &str) -> &'a str {
    let from = code
        .find(start)
        .unwrap_or_else(|| panic!("no `{start}` in Drgan.swift"));
    let len = code[from..]
        .find(end)
        .unwrap_or_else(|| panic!("no `{end}` after `{start}` in Drgan.swift"));
    &code[from..from + len]
}

#[test]
fn swift_binding_mirrors_every_field_of_options_and_model_info() {
    // Swift is not compiled here, so this reads the source: each field of DrganOptions
    // (but the size and the reserved ones) is an `Options` property read from the
    // library's defaults in init() and written into the C struct by `native`; each field of
    // DrganModelInfo is a `ModelInfo` property filled from drgan_model_info.
    let header = std::fs::read_to_string(root().join("include/drgan.h")).unwrap();
    let code =
        swift_code(&std::fs::read_to_string(swift().join("Sources/Drgan/Drgan.swift")).unwrap());
    let options = part(&code, "public struct Options", "\n}\n");
    let init = part(options, "public init()", "\n    }\n");
    let native = part(options, "var native: DrganOptions", "return raw");
    for f in bindings_support::c_struct_fields(&header, "DrganOptions") {
        if f == "struct_size" || f.starts_with("reserved") {
            continue;
        }
        let name = camel_case(&f);
        assert!(
            options.contains(&format!("public var {name}: ")),
            "Options has no property {name} (DrganOptions.{f})"
        );
        assert!(
            init.contains(&format!("{name} = ")) && init.contains(&format!("raw.{f}")),
            "Options.init() does not read DrganOptions.{f} into {name}"
        );
        assert!(
            native.contains(&format!("raw.{f} = ")),
            "Options.native does not set DrganOptions.{f}"
        );
    }
    let info = part(&code, "public struct ModelInfo", "\n}\n");
    let open = part(&code, "private init(handle: OpaquePointer)", "deinit");
    let fill = part(open, "info = ModelInfo(", ")\n");
    for f in bindings_support::c_struct_fields(&header, "DrganModelInfo") {
        if f == "struct_size" {
            continue;
        }
        let name = camel_case(&f);
        assert!(
            info.contains(&format!("public var {name}: ")),
            "ModelInfo has no property {name} (DrganModelInfo.{f})"
        );
        assert!(
            fill.contains(&format!("{name}: ")) && open.contains(&format!("raw.{f}")),
            "Model does not fill ModelInfo.{name} from DrganModelInfo.{f}"
        );
    }
}
