// swift-tools-version:5.7
// The Swift package of drgan: `CDrgan`, the C API as a Clang module, and `Drgan`, the Swift
// layer over it (final classes freed in deinit, throwing calls, async variants, [Float] and
// Data returns, adapters from CVPixelBuffer and CGImage).
//
// Where the native library comes from is decided by the machine that reads this manifest,
// never by an environment variable, so Xcode's "Add Package Dependencies" and a local path
// dependency both work as they are:
//
//  - On a Mac (Xcode, or `swift build` / `swift test` / `swift run`): the binaryTarget
//    `CDrgan`, an XCFramework of static libraries (iOS devices, iOS simulator, macOS) with
//    the module under Headers/CDrgan/. Static, so apps and `swift run` need no rpath.
//      * local form (this checkout): CDrgan.xcframework beside this file, built by
//        `scripts/build-xcframework.sh` (every slice) or `--macos-only` (a quick build for
//        this Mac). It is not in git: build it before opening the package.
//      * release form: `releaseURL` and `releaseChecksum` below, which
//        `scripts/build-xcframework.sh --release https://.../CDrgan.xcframework.zip`
//        fills in (the checksum is `swift package compute-checksum CDrgan.xcframework.zip`);
//        SwiftPM then downloads the zip, and the package needs nothing built.
//  - Anywhere else (Linux): the system library `drgan`, found with pkg-config
//    (`scripts/install.sh PREFIX` writes PREFIX/lib/pkgconfig/drgan.pc; set
//    PKG_CONFIG_PATH=PREFIX/lib/pkgconfig). An XCFramework cannot be used there, and a
//    binaryTarget's path must exist wherever the manifest is read, so it is not declared.
//    The shared library is found at run time through LD_LIBRARY_PATH=PREFIX/lib or
//    `swift build -Xlinker -rpath -Xlinker PREFIX/lib` (README.md).
import PackageDescription

/// The release's XCFramework zip (https, ending in .zip) and its checksum; nil on the
/// development branch, which uses the local CDrgan.xcframework.
/// Written by `scripts/build-xcframework.sh --release URL` (or `--release-only URL`).
let releaseURL: String? = nil
let releaseChecksum = ""

/// The `CDrgan` module: the C API and the library behind it.
func nativeLibrary() -> Target {
#if os(macOS)
    if let url = releaseURL {
        return .binaryTarget(name: "CDrgan", url: url, checksum: releaseChecksum)
    }
    return .binaryTarget(name: "CDrgan", path: "CDrgan.xcframework")
#else
    return .systemLibrary(
        name: "CDrgan",
        path: "Sources/CDrgan",
        pkgConfig: "drgan",
        providers: [])
#endif
}

/// What libdrgan.a needs from Apple's SDKs (`rustc --print native-static-libs` for the
/// Apple targets: wgpu's Metal backend through objc2, and libc's iconv; the same list as
/// scripts/install.sh's Libs.private for macOS). Only on Apple platforms: on Linux the
/// shared library brings its own dependencies.
let apple: BuildSettingCondition = .when(platforms: [.macOS, .iOS, .macCatalyst, .tvOS, .watchOS])
let staticLibraryNeeds: [LinkerSetting] = [
    .linkedFramework("Metal", apple),
    .linkedFramework("QuartzCore", apple),
    .linkedFramework("CoreGraphics", apple),
    .linkedFramework("CoreFoundation", apple),
    .linkedFramework("Foundation", apple),
    .linkedLibrary("objc", apple),
    .linkedLibrary("iconv", apple),
]

let package = Package(
    name: "Drgan",
    platforms: [.iOS(.v13), .macOS(.v10_15)],
    products: [
        .library(name: "Drgan", targets: ["Drgan"]),
    ],
    targets: [
        nativeLibrary(),
        .target(
            name: "Drgan",
            dependencies: ["CDrgan"],
            path: "Sources/Drgan",
            linkerSettings: staticLibraryNeeds),
        .testTarget(name: "DrganTests", dependencies: ["Drgan"], path: "Tests/DrganTests"),
    ]
)
