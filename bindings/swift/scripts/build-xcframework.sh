#!/usr/bin/env bash
# Builds bindings/swift/CDrgan.xcframework on macOS: the static library libdrgan.a for iOS
# devices (arm64), the iOS simulator (arm64 + x86_64) and macOS (arm64 + x86_64), each with
# the CDrgan module under Headers/CDrgan/ (drgan.h and module.modulemap). Package.swift's
# binaryTarget `CDrgan` uses it: Xcode (File > Add Package Dependencies > Add Local...),
# `swift build` and `swift test` on a Mac, no environment variable needed.
#
# usage: scripts/build-xcframework.sh [--macos-only] [--release URL]
#        scripts/build-xcframework.sh --release-only URL
#        scripts/build-xcframework.sh --headers DIR
#
#   (none)             build CDrgan.xcframework with every slice (macOS + Xcode)
#   --macos-only       only this Mac's architecture: a quick build for `swift build`,
#                      `swift test` and `swift run` on a Mac while changing the Rust code
#   --release URL      build, then do what --release-only does
#   --release-only URL zip the CDrgan.xcframework that is there into CDrgan.xcframework.zip,
#                      compute its SwiftPM checksum (SHA-256, as `swift package
#                      compute-checksum` prints it) and write URL and checksum into
#                      Package.swift's releaseURL and releaseChecksum: the binaryTarget's
#                      url form. Upload the zip to URL (https, ending in .zip) and commit
#                      Package.swift with the release. Runs on Linux too.
#   --headers DIR      only write the headers directory the XCFramework gets (DIR/CDrgan/
#                      drgan.h and DIR/CDrgan/module.modulemap). Runs on Linux too; the
#                      repository's tests check it with clang.
#
# Why Headers/CDrgan/: Xcode copies the Headers/ of every static-library XCFramework of an
# app into one include folder, so two XCFrameworks with a top-level module.modulemap
# overwrite each other's. In a subfolder named after the module, clang (and Swift's
# `import CDrgan`) still finds it: it looks for DIR/CDrgan/module.modulemap on every
# include path DIR.
#
# Building needs Xcode (xcodebuild, lipo) and the rustup targets:
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios \
#                     aarch64-apple-darwin x86_64-apple-darwin
# The build itself is not run in this repository's CI (Linux); --headers and
# --release-only are (tests/bindings_swift_module.rs).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/CDrgan.xcframework"
zip_file="$here/CDrgan.xcframework.zip"
work="$root/target/xcframework"

usage() {
    sed -n '8,10p' "$0" | sed 's/^# //' >&2
    exit 2
}

mode=build
macos_only=0
release_url=""
headers_dir=""
while [ $# -gt 0 ]; do
    case "$1" in
        --macos-only) macos_only=1 ;;
        --release) shift; [ $# -gt 0 ] || usage; release_url="$1" ;;
        --release-only) shift; [ $# -gt 0 ] || usage; release_url="$1"; mode=release ;;
        --headers) shift; [ $# -gt 0 ] || usage; headers_dir="$1"; mode=headers ;;
        -h|--help) sed -n '2,35p' "$0"; exit 0 ;;
        *) echo "build-xcframework.sh: unknown argument $1" >&2; usage ;;
    esac
    shift
done

# The headers of every slice: DIR/CDrgan/{drgan.h,module.modulemap}. The library is linked
# by SwiftPM or Xcode from the XCFramework, so the module map has no `link "drgan"`; its
# `link framework` lines are what libdrgan.a needs from the system (as scripts/install.sh's
# Libs.private for macOS, and Package.swift's linkerSettings): clang and Swift autolink them
# for apps that add the XCFramework to an Xcode project directly, without SwiftPM.
write_headers() {
    local dir="$1/CDrgan"
    mkdir -p "$dir"
    cp "$root/include/drgan.h" "$dir/drgan.h"
    cat > "$dir/module.modulemap" <<'MAP'
module CDrgan [system] {
    header "drgan.h"
    export *
    link framework "Metal"
    link framework "QuartzCore"
    link framework "CoreGraphics"
    link framework "CoreFoundation"
    link framework "Foundation"
    link "objc"
    link "iconv"
}
MAP
}

# Zips CDrgan.xcframework (the folder at the top of the archive, as SwiftPM expects) and
# writes URL and the zip's checksum into Package.swift.
release() {
    local url="$1"
    case "$url" in
        https://*.zip) ;;
        *) echo "build-xcframework.sh: the release URL must be https://... and end in .zip (SwiftPM's rule): $url" >&2; exit 2 ;;
    esac
    case "$url" in
        *[\"\\\|[:space:]]*) echo "build-xcframework.sh: the release URL has a quote, backslash, | or space: $url" >&2; exit 2 ;;
    esac
    if [ ! -f "$out/Info.plist" ]; then
        echo "build-xcframework.sh: $out/Info.plist is missing: build the XCFramework first" >&2
        exit 1
    fi
    rm -f "$zip_file"
    if command -v ditto >/dev/null; then
        (cd "$here" && ditto -c -k --sequesterRsrc --keepParent CDrgan.xcframework "$zip_file")
    elif command -v python3 >/dev/null; then
        (cd "$here" && python3 -m zipfile -c "$zip_file" CDrgan.xcframework)
    else
        (cd "$here" && zip -qry "$zip_file" CDrgan.xcframework)
    fi
    local sum
    if command -v sha256sum >/dev/null; then
        sum="$(sha256sum "$zip_file" | cut -d' ' -f1)"
    else
        sum="$(shasum -a 256 "$zip_file" | cut -d' ' -f1)"
    fi
    # This package's manifest, and the repository root's copy of it when there is one.
    local packages=("$here/Package.swift")
    if grep -qs 'path: "bindings/swift/Sources/Drgan"' "$here/../../Package.swift"; then
        packages+=("$here/../../Package.swift")
    fi
    local package
    for package in "${packages[@]}"; do
        # `&` means the matched text in sed's replacement: escape it (the URL has no | or
        # backslash).
        local escaped
        escaped="$(printf '%s' "$url" | sed 's/&/\\&/g')"
        sed -e "s|^let releaseURL: String? = .*\$|let releaseURL: String? = \"$escaped\"|" \
            -e "s|^let releaseChecksum = .*\$|let releaseChecksum = \"$sum\"|" \
            "$package" > "$package.tmp"
        if ! grep -qF "let releaseURL: String? = \"$url\"" "$package.tmp" ||
            ! grep -qF "let releaseChecksum = \"$sum\"" "$package.tmp"; then
            rm -f "$package.tmp"
            echo "build-xcframework.sh: $package has no releaseURL/releaseChecksum lines to fill in" >&2
            exit 1
        fi
        mv "$package.tmp" "$package"
    done
    echo "wrote $zip_file"
    echo "checksum $sum"
    echo "Package.swift now downloads $url: upload the zip there and commit Package.swift"
}

case "$mode" in
    headers)
        write_headers "$headers_dir"
        exit 0
        ;;
    release)
        release "$release_url"
        exit 0
        ;;
esac

if [ "$(uname -s)" != Darwin ]; then
    echo "build-xcframework.sh: building needs macOS and Xcode (--headers and --release-only run anywhere)" >&2
    exit 1
fi

if [ "$macos_only" = 1 ]; then
    case "$(uname -m)" in
        arm64) targets="aarch64-apple-darwin" ;;
        *) targets="x86_64-apple-darwin" ;;
    esac
else
    targets="aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin"
fi
for t in $targets; do
    (cd "$root" && cargo build --profile dist --lib --target "$t")
done

rm -rf "$work" "$out"
mkdir -p "$work/headers" "$work/ios-sim" "$work/macos"
write_headers "$work/headers"

lib() { echo "$root/target/$1/dist/libdrgan.a"; }
if [ "$macos_only" = 1 ]; then
    xcodebuild -create-xcframework \
        -library "$(lib "$targets")" -headers "$work/headers" \
        -output "$out"
else
    lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$work/ios-sim/libdrgan.a"
    lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$work/macos/libdrgan.a"
    xcodebuild -create-xcframework \
        -library "$(lib aarch64-apple-ios)" -headers "$work/headers" \
        -library "$work/ios-sim/libdrgan.a" -headers "$work/headers" \
        -library "$work/macos/libdrgan.a" -headers "$work/headers" \
        -output "$out"
fi
echo "built $out"

if [ -n "$release_url" ]; then
    release "$release_url"
fi
