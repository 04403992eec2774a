#!/usr/bin/env bash
# drgan (tract) against onnxruntime on the same fixture bundles, measured in one run.
#
#   benches/compare.sh [OUT_DIR]      (default target/bench-compare)
#
# Writes random-weight paper and small bundles with the fixture_bundle example, runs
# `cargo bench --bench inference` on them (its MEDIAN lines), then benches/ort_bench.py
# on the same files with 1 and 2 intra-op threads, and prints one Markdown table with
# the medians and the ratio tract / onnxruntime-1-thread. Extra arguments in
# DRGAN_BENCH_ARGS go to criterion (e.g. a filter). Needs python3 with onnxruntime and
# numpy (`python3 -m pip install onnxruntime numpy`).
set -euo pipefail

cd "$(dirname "$0")/.."
out="${1:-target/bench-compare}"
python="${DRGAN_PYTHON:-python3}"
mkdir -p "$out"

"$python" -c "import numpy, onnxruntime" 2>/dev/null || {
    echo "compare.sh: $python lacks onnxruntime/numpy: run \`$python -m pip install onnxruntime numpy\`" >&2
    exit 3
}

for config in paper small; do
    cargo run --quiet --release --example fixture_bundle -- "$config" "$out/$config" 1 >&2
done

bundles="$(cd "$out" && pwd)"
echo "== cargo bench --bench inference" >&2
# shellcheck disable=SC2086
DRGAN_BENCH_BUNDLES="$bundles" cargo bench --bench inference -- ${DRGAN_BENCH_ARGS:-} \
    | tee "$out/tract.txt" >&2
echo "== benches/ort_bench.py" >&2
"$python" benches/ort_bench.py "$bundles" --format tsv | tee "$out/ort.txt" >&2

"$python" - "$out/tract.txt" "$out/ort.txt" "$(nproc)" <<'EOF'
import sys

tract, ort = {}, {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 4 and f[0] == "MEDIAN":
        tract[(f[1], f[2])] = float(f[3])
for line in open(sys.argv[2]):
    f = line.split()
    if len(f) == 5 and f[0] == "MEDIAN_ORT":
        ort[(f[1], f[2], int(f[3]))] = float(f[4])


def ms(ns):
    return "-" if ns is None else f"{ns / 1e6:.2f} ms"


print()
print(f"Fixture bundles, medians; {sys.argv[3]} CPUs; tract single-threaded (as built), "
      "onnxruntime CPUExecutionProvider, sequential.")
print()
print("| operation | config | drgan/tract | ORT 1 thread | ORT 2 threads | tract / ORT-1t |")
print("|---|---|---:|---:|---:|---:|")
for op in ["open", "embed_b1", "embed_b16", "frontalize_b1"]:
    for config in ["paper", "small"]:
        t = tract.get((op, config))
        o1, o2 = ort.get((op, config, 1)), ort.get((op, config, 2))
        ratio = f"{t / o1:.2f}x" if t and o1 else "-"
        print(f"| {op} | {config} | {ms(t)} | {ms(o1)} | {ms(o2)} | {ratio} |")
EOF
