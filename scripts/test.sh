#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every test of every layer (Rust API,
# C ABI from Rust, C and C++ programs under AddressSanitizer, header freshness,
# onnxruntime parity). Needs clang, python3 with onnxruntime (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --lib --no-default-features -- -D warnings   # the build without the GPU path
cargo test --workspace
