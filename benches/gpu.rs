//! The decoder (generator) of the paper config, CPU (tract) vs the GPU path, batches 1
//! and 16, on fixture weights. `benches/gpu.sh` runs it with short settings. Without a
//! hardware GPU the GPU rows are skipped unless `DRGAN_GPU_ALLOW_SOFTWARE=1` lets
//! `Backend::Gpu` use a software adapter (lavapipe: those figures only show the path
//! runs). `DRGAN_BENCH_CONFIG` picks another config (`small`, `tiny`).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use drgan::__gpu::DecoderRunner;
use drgan::bundle::BundleFiles;
use drgan::Backend;
use drgan_writer::{BundleFilesExt, Config};

fn decoder(c: &mut Criterion) {
    let name = std::env::var("DRGAN_BENCH_CONFIG").unwrap_or_else(|_| "paper".into());
    let config = Config::named(&name).expect("a config name");
    let files = BundleFiles::random(&config, 1).expect("fixture bundle");
    let dims = [config.feature_dim, config.pose_yaws.len(), config.noise_dim];
    let mut group = c.benchmark_group(format!("decoder_{name}"));
    for (label, backend) in [("cpu", Backend::Cpu), ("gpu", Backend::Gpu)] {
        let runner = match DecoderRunner::load(&files.decoder, dims, backend) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("skipping {label}: {e}");
                continue;
            }
        };
        for n in [1usize, 16] {
            let f = vec![0.1f32; n * dims[0]];
            let mut p = vec![0f32; n * dims[1]];
            for i in 0..n {
                p[i * dims[1] + dims[1] / 2] = 1.0;
            }
            let z = vec![0.5f32; n * dims[2]];
            group.bench_function(BenchmarkId::new(label, format!("batch{n}")), |b| {
                b.iter(|| runner.run(n, &f, &p, &z).expect("decode"))
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = decoder
}
criterion_main!(benches);
