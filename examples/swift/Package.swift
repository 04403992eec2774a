// swift-tools-version:5.7
// The embed_two example in Swift, on the Drgan package in bindings/swift.
//   macOS: ../../bindings/swift/scripts/build-xcframework.sh --macos-only   (once; static,
//          no rpath needed), then
//          swift run EmbedTwo BUNDLE_DIR ../data frontal.png
//   Linux: PKG_CONFIG_PATH=PREFIX/lib/pkgconfig LD_LIBRARY_PATH=PREFIX/lib \
//          swift run EmbedTwo BUNDLE_DIR ../data frontal.png
//          (PREFIX from scripts/install.sh)
// No environment variable chooses the library: bindings/swift/README.md.
// Not compiled in this repository's CI (no Swift there).
import PackageDescription

let package = Package(
    name: "EmbedTwo",
    platforms: [.macOS(.v11)],
    dependencies: [.package(path: "../../bindings/swift")],
    targets: [
        .executableTarget(
            name: "EmbedTwo",
            dependencies: [.product(name: "Drgan", package: "swift")],
            path: "Sources/EmbedTwo"),
    ]
)
