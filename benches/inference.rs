//! Inference benchmarks on fixture (random-weight) bundles of the paper config (96x96)
//! and the small config (64x64): open a bundle from bytes, embed batch 1 and 16,
//! frontalize batch 1. Ends with the median of every benchmark that ran, one
//! `MEDIAN <operation> <config> <threads> <nanoseconds>` line each (benches/compare.sh
//! reads them). Every operation runs with `Options::threads` 1 and 2 (ids `paper-1t`,
//! `paper-2t`).
//!
//! ```sh
//! cargo bench --bench inference                 # everything, a few minutes on 2 cores
//! cargo bench --bench inference -- embed_b1     # criterion's usual filter
//! DRGAN_BENCH_BUNDLES=target/fixtures cargo bench --bench inference   # read <dir>/<config>
//! DRGAN_BENCH_TRACT=1 cargo bench --bench inference -- tract          # raw tract variants
//! ```
//!
//! Bundles come from `DRGAN_BENCH_BUNDLES/<config>` when set (what the fixture_bundle
//! example wrote), else from `BundleFiles::random(config, 1)`, the same seed the example
//! uses. `DRGAN_BENCH_TRACT=1` adds the paper encoder run through tract directly, with the
//! batch dimension symbolic and fixed to 1 (as the SDK plans it), to separate the SDK's
//! own cost from tract's and to show why the SDK fixes the batch size.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use criterion::{black_box, BenchmarkId, Criterion, SamplingMode};
use drgan::bundle::BundleFiles;
use drgan::{Image, Model, Options, PixelFormat};
use drgan_writer::{BundleFilesExt, Config};

const CONFIGS: [&str; 2] = ["paper", "small"];

/// `Options::threads` values every benchmark runs with.
const THREADS: [usize; 2] = [1, 2];

/// (group, benchmark id) of every benchmark, for the medians at the end.
const GROUPS: [&str; 4] = ["open", "embed_b1", "embed_b16", "frontalize_b1"];

fn bundle(config: &str) -> BundleFiles {
    match std::env::var_os("DRGAN_BENCH_BUNDLES") {
        Some(dir) => {
            let dir = PathBuf::from(dir).join(config);
            BundleFiles::read_dir(&dir, 1 << 30)
                .unwrap_or_else(|e| panic!("DRGAN_BENCH_BUNDLES: {}: {e}", dir.display()))
        }
        None => BundleFiles::random(&Config::named(config).unwrap(), 1).unwrap(),
    }
}

fn open(b: &BundleFiles, threads: usize) -> Model {
    Model::from_bytes(
        &b.encoder,
        &b.decoder,
        b.pose.as_deref(),
        &Options::default().with_threads(threads),
    )
    .unwrap()
}

/// `n` packed RGB8 pictures of `s`×`s` pixels (deterministic noise).
fn pictures(n: usize, s: usize) -> Vec<Vec<u8>> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..n)
        .map(|_| {
            (0..s * s * 3)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 56) as u8
                })
                .collect()
        })
        .collect()
}

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    // Each iteration takes milliseconds to a second: few, flat samples keep the whole
    // run to a few minutes on two cores; the medians are what is reported.
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    g
}

fn sdk(c: &mut Criterion) {
    for config in CONFIGS {
        let files = bundle(config);
        for threads in THREADS {
            let model = open(&files, threads);
            let s = model.info().input_size as usize;
            let pics = pictures(16, s);
            let faces: Vec<Image> = pics
                .iter()
                .map(|p| Image::packed(p, s as u32, s as u32, PixelFormat::Rgb8).unwrap())
                .collect();
            let id = BenchmarkId::from_parameter(id(config, threads));
            group(c, "open")
                .bench_function(id.clone(), |b| b.iter(|| open(black_box(&files), threads)));
            group(c, "embed_b1").bench_function(id.clone(), |b| {
                b.iter(|| model.embed(black_box(&faces[0])).unwrap())
            });
            group(c, "embed_b16").bench_function(id.clone(), |b| {
                b.iter(|| model.embed_batch(black_box(&faces)).unwrap())
            });
            group(c, "frontalize_b1").bench_function(id, |b| {
                b.iter(|| model.frontalize(black_box(&faces[0]), 7).unwrap())
            });
        }
    }
}

/// A benchmark's id: its config and thread count (`paper-2t`).
fn id(config: &str, threads: usize) -> String {
    format!("{config}-{threads}t")
}

/// The paper encoder through tract directly: symbolic batch versus batch fixed to 1 (as
/// `src/backend/cpu.rs` plans it), on the same input tensor.
fn tract_variants(c: &mut Criterion) {
    use tract_onnx::prelude::*;
    let files = bundle("paper");
    let plan = |fixed: bool| -> Arc<TypedRunnableModel> {
        let mut model = tract_onnx::onnx()
            .with_ignore_output_shapes(true)
            .model_for_read(&mut &files.encoder[..])
            .unwrap();
        let n: TDim = if fixed {
            1.to_dim()
        } else {
            model.symbols.sym("N").into()
        };
        let shape: TVec<TDim> = tvec![n, 3.to_dim(), 96.to_dim(), 96.to_dim()];
        model.set_input_fact(0, f32::fact(shape).into()).unwrap();
        model.into_optimized().unwrap().into_runnable().unwrap()
    };
    let input: Tensor = tract_ndarray::Array4::from_shape_fn((1, 3, 96, 96), |(_, c, y, x)| {
        ((c * 31 + y * 7 + x * 3) % 17) as f32 / 8.5 - 1.0
    })
    .into();
    for (id, fixed) in [("symbolic_n", false), ("fixed_n1", true)] {
        let p = plan(fixed);
        group(c, "tract_encoder_b1").bench_function(BenchmarkId::from_parameter(id), |b| {
            b.iter(|| p.run(tvec![input.clone().into_tvalue()]).unwrap())
        });
    }
}

/// criterion's output directory, as criterion itself finds it.
fn criterion_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("criterion")
}

/// Prints the median of every benchmark that ran in this process.
fn print_medians(home: &Path, started: SystemTime, groups: &[(&str, Vec<String>)]) {
    let mut lines = Vec::new();
    for (group, ids) in groups {
        for id in ids {
            let path = home.join(group).join(id).join("new/estimates.json");
            let fresh = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t >= started);
            if !fresh {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            if let Some(ns) = json["median"]["point_estimate"].as_f64() {
                let (config, threads) = id.rsplit_once('-').unwrap_or((id, "1t"));
                let threads = threads.trim_end_matches('t');
                lines.push(format!("MEDIAN {group} {config} {threads} {ns:.0}"));
            }
        }
    }
    if !lines.is_empty() {
        println!("\nmedians (nanoseconds per call):");
        for l in lines {
            println!("{l}");
        }
    }
}

fn main() {
    let started = SystemTime::now();
    let home = criterion_home();
    let mut c = Criterion::default()
        .output_directory(&home)
        .configure_from_args();
    sdk(&mut c);
    let tract = std::env::var_os("DRGAN_BENCH_TRACT").is_some_and(|v| v == "1");
    if tract {
        tract_variants(&mut c);
    }
    c.final_summary();
    let ids: Vec<String> = CONFIGS
        .iter()
        .flat_map(|c| THREADS.map(|t| id(c, t)))
        .collect();
    let mut groups: Vec<(&str, Vec<String>)> = GROUPS.iter().map(|g| (*g, ids.clone())).collect();
    if tract {
        groups.push((
            "tract_encoder_b1",
            vec!["symbolic_n".into(), "fixed_n1".into()],
        ));
    }
    print_medians(&home, started, &groups);
}
