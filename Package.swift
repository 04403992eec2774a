// swift-tools-version:5.7
// The drgan Swift package at the repository's root, so that Xcode's "Add Package
// Dependencies" and `.package(url:)` can take this repository's git URL. It is
// bindings/swift/Package.swift with every path under bindings/swift/ (kept so by
// tests/bindings_swift_module.rs); that file explains where the native library comes
// from. For a local checkout either manifest works.
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
    return .binaryTarget(name: "CDrgan", path: "bindings/swift/CDrgan.xcframework")
#else
    return .systemLibrary(
        name: "CDrgan",
        path: "bindings/swift/Sources/CDrgan",
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
            path: "bindings/swift/Sources/Drgan",
            linkerSettings: staticLibraryNeeds),
        .testTarget(name: "DrganTests", dependencies: ["Drgan"], path: "bindings/swift/Tests/DrganTests"),
    ]
)
