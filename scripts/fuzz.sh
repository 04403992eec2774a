#!/usr/bin/env bash
# Fuzzing (fuzz/README.md): builds the three cargo-fuzz targets, replays the seed corpus
# (fuzz/seeds) and the saved corpus (fuzz/corpus) once, then fuzzes each target for
# FUZZ_SECONDS (default 60) seconds. Any crash, panic, leak or timeout fails the script
# and leaves the input in fuzz/artifacts/<target>/.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --version 0.13.2 --locked`; .ci/run installs
# it) and stable Rust: the stable toolchain ships the sanitizer runtimes, and
# RUSTC_BOOTSTRAP=1 lets stable rustc take the `-Z` flags cargo-fuzz passes.
#
# Environment:
#   FUZZ_BUILD       `fast` (default; what CI runs) or `thorough`. `fast` builds for build
#                    speed: AddressSanitizer on, opt-level 1, 16 codegen units, no debug
#                    info. `thorough` is cargo-fuzz's own release build (opt-level 3,
#                    1 codegen unit, line tables): 2-3x the build time, faster to fuzz;
#                    use it for long runs.
#   FUZZ_SANITIZER   address (default) or none.
#   FUZZ_SECONDS     fuzzing time a target (default 60); 0 replays only.
#   FUZZ_TARGETS     space-separated subset of "bundle image_decode ffi_image".
#   FUZZ_JOBS        parallel libFuzzer workers a target (default 1; each logs to fuzz-N.log).
#   FUZZ_TARGET_DIR  cargo target dir of the fuzz crate (default fuzz/target).
#   FUZZ_CORPUS_OUT  where the inputs a run finds go, a folder a target (default
#                    fuzz/corpus-out, ignored by git). fuzz/corpus and fuzz/seeds are only
#                    read, so a run leaves the clone clean.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

export RUSTC_BOOTSTRAP=1
secs=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"bundle image_decode ffi_image"}
jobs=${FUZZ_JOBS:-1}
mode=${FUZZ_BUILD:-fast}
target_dir=${FUZZ_TARGET_DIR:-$root/fuzz/target}
corpus_out=${FUZZ_CORPUS_OUT:-$root/fuzz/corpus-out}
fuzz=(cargo fuzz)
command -v cargo-fuzz >/dev/null || fuzz=("$HOME/.cargo/bin/cargo-fuzz" fuzz)
if ! "${fuzz[@]}" --version >/dev/null 2>&1; then
    echo "fuzz: cargo-fuzz not found; cargo install cargo-fuzz --version 0.13.2 --locked" >&2
    exit 1
fi

# The bundle seeds are a real tiny bundle, generated (deterministic) rather than stored.
# (Before the settings below: they must not touch the main crate's build.)
if [ ! -d fuzz/seeds/bundle ]; then
    cargo run -q --example fuzz_seeds -- fuzz/seeds
fi

# Build settings, shared by `build` and `run` (run rebuilds when they differ).
opts=(-O --sanitizer "${FUZZ_SANITIZER:-address}" --target-dir "$target_dir")
case $mode in
fast)
    # Build time, not fuzzing speed, is what CI pays for: a cold build of this crate
    # compiles tract with sanitizer coverage. opt-level 1 and 16 codegen units instead
    # of cargo-fuzz's opt-level 3 and 1 unit, and no debug info (cargo-fuzz asks for
    # line tables; RUSTFLAGS come last on rustc's command line, so this wins).
    opts+=(--codegen-units 16)
    export CARGO_PROFILE_RELEASE_OPT_LEVEL=1
    export RUSTFLAGS="${RUSTFLAGS:-} -Cdebuginfo=0"
    ;;
thorough) ;;
*)
    echo "fuzz: FUZZ_BUILD is fast or thorough, not $mode" >&2
    exit 1
    ;;
esac

cd fuzz
start=$(date +%s)
"${fuzz[@]}" build "${opts[@]}"
echo "fuzz: build ($mode, sanitizer ${FUZZ_SANITIZER:-address}) took $(($(date +%s) - start)) s"

# Common libFuzzer flags. Time: a tiny-bundle load takes ~3 s in the fast ASan build on
# a busy 2-core machine, and the slowest bundle input of a 29-minute run took 17 s, so
# 60 s, not less, is what counts as a hang. Memory: 3 GiB RSS, and no single allocation
# over 1 GiB (the limits drgan enforces on hostile files are well under that).
flags=(-timeout=60 -rss_limit_mb=3072 -malloc_limit_mb=1024 -print_final_stats=1)

for t in $targets; do
    # New inputs go to the first folder; the committed corpus and the seeds are read.
    out="$corpus_out/$t"
    mkdir -p "$out" "corpus/$t"
    echo "fuzz: replaying the corpus of $t"
    "${fuzz[@]}" run "${opts[@]}" "$t" "$out" "corpus/$t" "seeds/$t" -- "${flags[@]}" -runs=0
    [ "$secs" -gt 0 ] || continue
    echo "fuzz: $t for $secs s"
    par=()
    [ "$jobs" -gt 1 ] && par=(-jobs="$jobs" -workers="$jobs")
    "${fuzz[@]}" run "${opts[@]}" "$t" "$out" "corpus/$t" "seeds/$t" -- "${flags[@]}" \
        -max_total_time="$secs" "${par[@]}"
done
echo "fuzz: all targets clean in $(($(date +%s) - start)) s"
