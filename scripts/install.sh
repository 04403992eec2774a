#!/usr/bin/env bash
# Lays out drgan for C and C++ builds under PREFIX:
#
#   PREFIX/include/drgan.h            the C API
#   PREFIX/include/drgan.hpp          the header-only C++17 wrapper
#   PREFIX/lib/libdrgan.so            shared library (libdrgan.dylib on macOS)
#   PREFIX/lib/libdrgan.a             static library
#   PREFIX/lib/pkgconfig/drgan.pc     pkg-config (relocatable: paths from ${pcfiledir})
#   PREFIX/lib/cmake/drgan/           find_package(drgan): drgan::drgan, drgan::cpp, ...
#
# usage: scripts/install.sh PREFIX [--no-build] [--from DIR]
#   By default runs `cargo build --profile dist --lib` (what apps ship: LTO, stripped;
#   Cargo.toml's [profile.dist]) and installs from target/dist.
#   --from DIR   take libdrgan.{so,dylib,a} from DIR instead (e.g. target/debug)
#   --no-build   do not run cargo (the libraries in --from must exist)
#
# The tree is relocatable: move PREFIX anywhere, the CMake package and drgan.pc follow.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
prefix=""
from="${CARGO_TARGET_DIR:-$root/target}/dist"
build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) build=0 ;;
        --from) shift; from="$1" ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        -*) echo "install.sh: unknown option $1" >&2; exit 2 ;;
        *) prefix="$1" ;;
    esac
    shift
done
if [ -z "$prefix" ]; then
    echo "usage: scripts/install.sh PREFIX [--no-build] [--from DIR]" >&2
    exit 2
fi

if [ "$build" = 1 ]; then
    (cd "$root" && cargo build --profile dist --lib)
fi

case "$(uname -s)" in
    Darwin) shared=libdrgan.dylib ;;
    *) shared=libdrgan.so ;;
esac
for f in "$shared" libdrgan.a; do
    if [ ! -f "$from/$f" ]; then
        echo "install.sh: $from/$f is missing (build it with cargo build --lib)" >&2
        exit 1
    fi
done

version="$(sed -n 's/^#define DRGAN_VERSION "\(.*\)"$/\1/p' "$root/include/drgan.h")"
if [ -z "$version" ]; then
    echo "install.sh: no DRGAN_VERSION in include/drgan.h" >&2
    exit 1
fi
# What a program linking libdrgan.a also needs (rustc --print native-static-libs).
case "$(uname -s)" in
    Darwin) private="-framework Metal -framework QuartzCore -framework CoreGraphics -framework Foundation -lobjc -liconv -lc -lm" ;;
    *) private="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc" ;;
esac

mkdir -p "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/lib/cmake/drgan"
install -m 0644 "$root/include/drgan.h" "$prefix/include/drgan.h"
install -m 0644 "$root/bindings/cpp/drgan.hpp" "$prefix/include/drgan.hpp"
install -m 0755 "$from/$shared" "$prefix/lib/$shared"
install -m 0644 "$from/libdrgan.a" "$prefix/lib/libdrgan.a"
if [ "$shared" = libdrgan.dylib ] && command -v install_name_tool >/dev/null; then
    install_name_tool -id "@rpath/libdrgan.dylib" "$prefix/lib/$shared"
fi

cat > "$prefix/lib/pkgconfig/drgan.pc" <<PC
prefix=\${pcfiledir}/../..
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: drgan
Description: Pose-invariant face embedding, multi-image fusion and face rotation (DR-GAN)
URL: https://github.com/drgan/drgan
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -ldrgan
Libs.private: $private
PC

sed "s/@DRGAN_VERSION@/$version/" "$root/cmake/drganConfigVersion.cmake.in" \
    > "$prefix/lib/cmake/drgan/drganConfigVersion.cmake"
sed -e "s/@DRGAN_VERSION@/$version/" -e "s/@DRGAN_SHARED@/$shared/" \
    "$root/cmake/drganConfig.cmake.in" > "$prefix/lib/cmake/drgan/drganConfig.cmake"

echo "installed drgan $version into $prefix"
