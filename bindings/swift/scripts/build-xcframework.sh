#!/usr/bin/env bash
# Builds bindings/swift/CDrgan.xcframework on macOS: the static library for iOS devices,
# the iOS simulator (arm64 + x86_64) and macOS (arm64 + x86_64), each with drgan.h and a
# module map for the CDrgan module. Then `DRGAN_XCFRAMEWORK=1 swift build` (or Xcode)
# uses it, and for a release: zip it and point Package.swift's binaryTarget at the URL.
#
# Needs Xcode and rustup targets:
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios \
#                     aarch64-apple-darwin x86_64-apple-darwin
# Not run in this repository's CI (Linux).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/CDrgan.xcframework"
work="$root/target/xcframework"

if [ "$(uname -s)" != Darwin ]; then
    echo "build-xcframework.sh: needs macOS and Xcode" >&2
    exit 1
fi

targets="aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin"
for t in $targets; do
    (cd "$root" && cargo build --release --lib --target "$t")
done

rm -rf "$work" "$out"
mkdir -p "$work/headers" "$work/ios-sim" "$work/macos"
cp "$root/include/drgan.h" "$work/headers/drgan.h"
# In the XCFramework the library is linked by SwiftPM/Xcode: no `link` line.
cat > "$work/headers/module.modulemap" <<'MAP'
module CDrgan [system] {
    header "drgan.h"
    export *
}
MAP

lib() { echo "$root/target/$1/release/libdrgan.a"; }
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$work/ios-sim/libdrgan.a"
lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$work/macos/libdrgan.a"

xcodebuild -create-xcframework \
    -library "$(lib aarch64-apple-ios)" -headers "$work/headers" \
    -library "$work/ios-sim/libdrgan.a" -headers "$work/headers" \
    -library "$work/macos/libdrgan.a" -headers "$work/headers" \
    -output "$out"

echo "built $out"
echo "release: (cd $here && zip -r CDrgan.xcframework.zip CDrgan.xcframework && swift package compute-checksum CDrgan.xcframework.zip)"
