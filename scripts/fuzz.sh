#!/usr/bin/env bash
# Fuzzing (fuzz/README.md): builds the three cargo-fuzz targets, replays the seed corpus
# (fuzz/seeds) and the saved corpus (fuzz/corpus) once, then fuzzes each target for
# FUZZ_SECONDS (default 60) seconds. Any crash, panic, leak or timeout fails the script
# and leaves the input in fuzz/artifacts/<target>/.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`) and stable Rust: the
# stable toolchain ships the sanitizer runtimes, and RUSTC_BOOTSTRAP=1 lets stable rustc
# take the `-Z sanitizer` flags cargo-fuzz passes (there is no nightly toolchain here).
#
# Environment: FUZZ_SECONDS (per target), FUZZ_TARGETS (space-separated subset),
# FUZZ_JOBS (parallel libFuzzer workers a target, default 1; each logs to fuzz-N.log).
set -euo pipefail
cd "$(dirname "$0")/.."

export RUSTC_BOOTSTRAP=1
secs=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"bundle image_decode ffi_image"}
jobs=${FUZZ_JOBS:-1}
fuzz=(cargo fuzz)
command -v cargo-fuzz >/dev/null || fuzz=("$HOME/.cargo/bin/cargo-fuzz" fuzz)

# The bundle seeds are a real tiny bundle, generated (deterministic) rather than stored.
if [ ! -d fuzz/seeds/bundle ]; then
    cargo run -q --example fuzz_seeds -- fuzz/seeds
fi

cd fuzz
start=$(date +%s)
"${fuzz[@]}" build -O
echo "fuzz: build took $(($(date +%s) - start)) s"

# Common libFuzzer flags: a real bundle load takes ~10 ms; anything over 20 s is a hang.
# Memory: 3 GiB RSS, and no single allocation over 1 GiB (the limits drgan enforces on
# hostile files are well under that).
flags=(-timeout=20 -rss_limit_mb=3072 -malloc_limit_mb=1024 -print_final_stats=1)

for t in $targets; do
    mkdir -p "corpus/$t"
    echo "fuzz: replaying the corpus of $t"
    "${fuzz[@]}" run -O "$t" "corpus/$t" "seeds/$t" -- "${flags[@]}" -runs=0
    echo "fuzz: $t for $secs s"
    par=()
    [ "$jobs" -gt 1 ] && par=(-jobs="$jobs" -workers="$jobs")
    "${fuzz[@]}" run -O "$t" "corpus/$t" "seeds/$t" -- "${flags[@]}" \
        -max_total_time="$secs" "${par[@]}"
done
echo "fuzz: all targets clean in $(($(date +%s) - start)) s"
