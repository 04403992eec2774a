// swift-tools-version:5.7
// The Swift package of drgan: `CDrgan`, the C API as a Clang module, and `Drgan`, a thin
// Swift layer over it (final class Model freed in deinit, throwing calls, [Float] and
// Data returns, a CoreGraphics-free image type).
//
// Where the native library comes from:
//  - default: a system library found with pkg-config `drgan` (scripts/install.sh PREFIX
//    writes PREFIX/lib/pkgconfig/drgan.pc; set PKG_CONFIG_PATH=PREFIX/lib/pkgconfig).
//    For macOS and Linux development.
//  - DRGAN_XCFRAMEWORK=1: the XCFramework that scripts/build-xcframework.sh builds
//    (iOS device, iOS simulator, macOS), as a binaryTarget. For apps.
//  - a release: replace the local binaryTarget by
//      .binaryTarget(name: "CDrgan", url: "https://.../CDrgan.xcframework.zip",
//                    checksum: "<swift package compute-checksum CDrgan.xcframework.zip>")
import Foundation
import PackageDescription

let useXCFramework = ProcessInfo.processInfo.environment["DRGAN_XCFRAMEWORK"] != nil

let cDrgan: Target = useXCFramework
    ? .binaryTarget(name: "CDrgan", path: "CDrgan.xcframework")
    : .systemLibrary(
        name: "CDrgan",
        path: "Sources/CDrgan",
        pkgConfig: "drgan",
        providers: [])

let package = Package(
    name: "Drgan",
    platforms: [.iOS(.v13), .macOS(.v11)],
    products: [
        .library(name: "Drgan", targets: ["Drgan"]),
    ],
    targets: [
        cDrgan,
        .target(name: "Drgan", dependencies: ["CDrgan"], path: "Sources/Drgan"),
        .testTarget(name: "DrganTests", dependencies: ["Drgan"], path: "Tests/DrganTests"),
    ]
)
