#!/usr/bin/env bash
# The GPU comparison in under five minutes: the paper-config decoder, CPU (tract) vs the
# GPU path, batch 1 and 16 (benches/gpu.rs), with short criterion settings. Run on a
# machine with a GPU; prints the adapter and criterion's estimates.
#   benches/gpu.sh                       # paper config
#   DRGAN_BENCH_CONFIG=small benches/gpu.sh
# On a machine without one, DRGAN_GPU_ALLOW_SOFTWARE=1 runs the GPU rows on a software
# adapter (lavapipe): those figures only show that the path runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
command -v vulkaninfo >/dev/null && vulkaninfo --summary 2>/dev/null | grep -E "deviceName|deviceType" || true
cargo bench --bench gpu -- --warm-up-time 1 --measurement-time 4 "$@"
