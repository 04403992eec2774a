#!/usr/bin/env bash
# drgan (tract) against onnxruntime on the same fixture bundles, measured in one run.
#
#   benches/compare.sh [OUT_DIR]      (default target/bench-compare)
#
# Writes random-weight paper and small bundles with the fixture_bundle example, runs
# `cargo bench --bench inference` on them (its MEDIAN lines, drgan at 1 and 2 threads),
# then benches/ort_bench.py on the same files with 1 and 2 intra-op threads, builds the
# library with the dist profile (what apps ship) without and with the embedded model,
# and prints Markdown tables: medians with drgan / onnxruntime ratios at each thread
# count, and the library sizes. Extra arguments in
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

echo "== library size (cargo build --profile dist --lib)" >&2
# What apps ship: the dist profile, without the embedded model and with it.
sizes="$out/sizes.txt"
: > "$sizes"
for build in no-model default; do
    case "$build" in
        no-model) features="--no-default-features --features gpu" ;;
        default) features="" ;;
    esac
    # shellcheck disable=SC2086
    cargo build --quiet --profile dist --lib $features >&2
    dir="${CARGO_TARGET_DIR:-target}/dist"
    for f in libdrgan.so libdrgan.dylib; do
        if [ -f "$dir/$f" ]; then
            echo "SIZE $build $f $(wc -c < "$dir/$f")" >> "$sizes"
        fi
    done
done
cat "$sizes" >&2

"$python" - "$out/tract.txt" "$out/ort.txt" "$sizes" "$(nproc)" <<'EOF'
import sys

tract, ort, sizes = {}, {}, []
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 5 and f[0] == "MEDIAN":
        tract[(f[1], f[2], int(f[3]))] = float(f[4])
for line in open(sys.argv[2]):
    f = line.split()
    if len(f) == 5 and f[0] == "MEDIAN_ORT":
        ort[(f[1], f[2], int(f[3]))] = float(f[4])
for line in open(sys.argv[3]):
    f = line.split()
    if len(f) == 4 and f[0] == "SIZE":
        sizes.append((f[1], f[2], int(f[3])))


def ms(ns):
    return "-" if ns is None else f"{ns / 1e6:.2f} ms"


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "-"


print()
print(f"Fixture bundles, medians; {sys.argv[4]} CPUs; drgan with Options::threads 1 and 2, "
      "onnxruntime CPUExecutionProvider with intra_op_num_threads 1 and 2, sequential. "
      "Ratio: drgan / onnxruntime at the same thread count (below 1: drgan faster).")
print()
print("| operation | config | drgan 1t | ORT 1t | ratio 1t | drgan 2t | ORT 2t | ratio 2t |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for op in ["open", "embed_b1", "embed_b16", "frontalize_b1"]:
    for config in ["paper", "small"]:
        row = [op, config]
        for t in [1, 2]:
            d, o = tract.get((op, config, t)), ort.get((op, config, t))
            row += [ms(d), ms(o), ratio(d, o)]
        print("| " + " | ".join(row) + " |")
if sizes:
    print()
    print("| library (dist profile) | features | bytes | MB |")
    print("|---|---|---:|---:|")
    labels = {"no-model": "`--no-default-features --features gpu` (no embedded model)",
              "default": "default (gpu, default-model)"}
    for build, name, n in sizes:
        print(f"| {name} | {labels.get(build, build)} | {n} | {n / 1e6:.1f} |")
EOF
