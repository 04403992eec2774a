//! The GPU path end to end: whole decoders on fixture bundles, GPU against CPU, in
//! batches of 1, 3 and 16, through `Model` and from 8 threads at once.
//!
//! These tests need a Vulkan, Metal or DX12 adapter; on machines without a GPU, Mesa's
//! lavapipe (`apt-get install mesa-vulkan-drivers libvulkan1`) is one. They allow
//! software adapters for `Backend::Gpu` (`drgan::__gpu::allow_software_adapter`, the same
//! as `DRGAN_GPU_ALLOW_SOFTWARE=1`). With no adapter they FAIL, unless
//! `DRGAN_GPU_TESTS_OPTIONAL=1` says a GPU-less run is expected.
#![cfg(feature = "gpu")]

use std::sync::Once;

use drgan::__gpu::DecoderRunner;
use drgan::bundle::BundleFiles;
use drgan::{Backend, Error, ExecutionBackend, Model, Options};
use drgan_writer::{BundleFilesExt, Config, Upsample};

fn setup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Mesa wants a runtime directory; give it one when the environment has none.
        if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
            let dir = std::env::temp_dir().join("drgan-gpu-tests-xdg");
            std::fs::create_dir_all(&dir).unwrap();
            std::env::set_var("XDG_RUNTIME_DIR", dir);
        }
    });
    drgan::__gpu::allow_software_adapter(true);
}

/// `Ok(None)` when there is no adapter and `DRGAN_GPU_TESTS_OPTIONAL=1`.
fn on_gpu<T>(load: drgan::Result<T>) -> Option<T> {
    match load {
        Ok(v) => Some(v),
        Err(Error::BackendUnavailable(e))
            if std::env::var("DRGAN_GPU_TESTS_OPTIONAL").is_ok_and(|v| v == "1") =>
        {
            eprintln!("skipping GPU test: {e}");
            None
        }
        Err(e) => panic!(
            "the GPU backend is unavailable: {e}. Install Mesa's Vulkan drivers \
             (apt-get install mesa-vulkan-drivers libvulkan1) or set DRGAN_GPU_TESTS_OPTIONAL=1"
        ),
    }
}

fn dims(config: &Config) -> [usize; 3] {
    [config.feature_dim, config.pose_yaws.len(), config.noise_dim]
}

fn random(len: usize, seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
        })
        .collect()
}

/// GPU vs CPU on one named config's decoder for `batches`, within `tolerance`; returns
/// the max abs diff.
fn decoder_parity(name: &str, batches: &[usize], tolerance: f32) -> Option<f32> {
    decoder_parity_of(&Config::named(name).unwrap(), batches, tolerance)
}

fn decoder_parity_of(config: &Config, batches: &[usize], tolerance: f32) -> Option<f32> {
    setup();
    let (config, name) = (config.clone(), &config.name);
    let files = BundleFiles::random(&config, 11).unwrap();
    let d = dims(&config);
    let gpu = on_gpu(DecoderRunner::load(&files.decoder, d, Backend::Gpu))?;
    assert_eq!(gpu.backend(), ExecutionBackend::Gpu);
    let cpu = DecoderRunner::load(&files.decoder, d, Backend::Cpu).unwrap();
    assert_eq!(cpu.backend(), ExecutionBackend::Cpu);
    let mut worst = 0f32;
    for &n in batches {
        let f = random(n * d[0], n as u64);
        let mut p = vec![0f32; n * d[1]];
        for i in 0..n {
            p[i * d[1] + i % d[1]] = 1.0;
        }
        let z = random(n * d[2], 100 + n as u64);
        let (gs, g) = gpu.run(n, &f, &p, &z).unwrap();
        let (cs, c) = cpu.run(n, &f, &p, &z).unwrap();
        let s = config.input_size as usize;
        assert_eq!(gs, [n, 3, s, s]);
        assert_eq!(gs, cs);
        let diff = g
            .iter()
            .zip(&c)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        eprintln!("{name} decoder, batch {n}: max |GPU - CPU| = {diff:e}");
        assert!(diff < tolerance, "{name} batch {n}: max abs diff {diff}");
        worst = worst.max(diff);
    }
    Some(worst)
}

#[test]
fn tiny_decoder_gpu_matches_cpu_in_batches() {
    decoder_parity("tiny", &[1, 3, 16], 1e-4);
}

#[test]
fn small_decoder_gpu_matches_cpu_in_batches() {
    decoder_parity("small", &[1, 3, 16], 1e-4);
}

/// A decoder twice as wide as its encoder (`Config::with_decoder_width`).
#[test]
fn wide_decoder_gpu_matches_cpu() {
    let config = Config::named("tiny")
        .unwrap()
        .with_decoder_width(0.25)
        .unwrap();
    decoder_parity_of(&config, &[1, 3], 1e-4);
}

/// A decoder that upsamples by resizing: 4x4 transposed convolutions at stride 2.
#[test]
fn resizing_decoder_gpu_matches_cpu() {
    let config = Config::named("small")
        .unwrap()
        .with_upsample(Upsample::Resize);
    decoder_parity_of(&config, &[1, 3], 1e-4);
}

/// The paper's decoder (14 layers, up to 256 channels). Batch 16 is left to the smaller
/// configs: on a software adapter it takes minutes.
#[test]
fn paper_decoder_gpu_matches_cpu() {
    decoder_parity("paper", &[1, 3], 1e-4);
}

fn models(name: &str) -> Option<(Model, Model)> {
    setup();
    let config = Config::named(name).unwrap();
    let f = BundleFiles::random(&config, 5).unwrap();
    let load = |backend| {
        let options = Options::default().with_backend(backend);
        Model::from_bytes(&f.encoder, &f.decoder, f.pose.as_deref(), &options)
    };
    let gpu = on_gpu(load(Backend::Gpu))?;
    Some((gpu, load(Backend::Cpu).unwrap()))
}

#[test]
fn model_info_says_where_each_part_runs() {
    let Some((gpu, cpu)) = models("tiny") else {
        return;
    };
    assert_eq!(gpu.info().decoder_backend, ExecutionBackend::Gpu);
    assert_eq!(gpu.info().encoder_backend, ExecutionBackend::Cpu);
    assert_eq!(cpu.info().decoder_backend, ExecutionBackend::Cpu);
}

#[test]
fn synthesize_on_gpu_matches_cpu_from_eight_threads() {
    let Some((gpu, cpu)) = models("small") else {
        return;
    };
    let nf = gpu.info().feature_dim;
    std::thread::scope(|s| {
        for t in 0..8u64 {
            let (gpu, cpu) = (&gpu, &cpu);
            s.spawn(move || {
                for i in 0..4u64 {
                    let feature = random(nf, t * 10 + i);
                    let yaw = -45.0 + 15.0 * ((t + i) % 7) as f32;
                    let a = gpu.synthesize(&feature, yaw, t + i).unwrap();
                    let b = cpu.synthesize(&feature, yaw, t + i).unwrap();
                    assert_eq!((a.width, a.height), (b.width, b.height));
                    let worst = a
                        .data
                        .iter()
                        .zip(&b.data)
                        .map(|(x, y)| x.abs_diff(*y))
                        .max()
                        .unwrap();
                    assert!(worst <= 1, "thread {t} call {i}: pixels differ by {worst}");
                }
            });
        }
    });
}

/// `Auto` never runs on a software adapter, even when `Gpu` is allowed to.
#[test]
fn auto_never_uses_a_software_adapter() {
    setup();
    let Some((adapter, software)) = drgan::__gpu::explicit_adapter() else {
        on_gpu::<()>(Err(Error::BackendUnavailable("no adapter".into())));
        return;
    };
    eprintln!("adapter for Backend::Gpu: {adapter} (software: {software})");
    if software {
        let config = Config::named("tiny").unwrap();
        let f = BundleFiles::random(&config, 2).unwrap();
        let m = Model::from_bytes(&f.encoder, &f.decoder, None, &Options::default()).unwrap();
        assert_eq!(m.info().decoder_backend, ExecutionBackend::Cpu);
        let d = dims(&config);
        let auto = DecoderRunner::load(&f.decoder, d, Backend::Auto).unwrap();
        assert_eq!(auto.backend(), ExecutionBackend::Cpu);
        assert!(
            auto.fallback_reason().unwrap().contains("software"),
            "{:?}",
            auto.fallback_reason()
        );
    }
}

/// A batch whose activations exceed the device's buffer limits is an error for that call,
/// not a crash, and the same decoder keeps working afterwards.
#[test]
fn an_oversized_batch_is_an_error_and_later_calls_work() {
    setup();
    let config = Config::named("tiny").unwrap();
    let files = BundleFiles::random(&config, 3).unwrap();
    let d = dims(&config);
    let Some(gpu) = on_gpu(DecoderRunner::load(&files.decoder, d, Backend::Gpu)) else {
        return;
    };
    // More workgroups than one dispatch may have (65,535), and 2 GiB of activations.
    let n = 70_000;
    let f = vec![0.1f32; n * d[0]];
    let p = vec![0f32; n * d[1]];
    let z = vec![0.2f32; n * d[2]];
    match gpu.run(n, &f, &p, &z) {
        Err(Error::LimitExceeded(_) | Error::Inference(_)) => {}
        other => panic!("expected a clean error, got {:?}", other.map(|(s, _)| s)),
    }
    let (shape, _) = gpu.run(1, &f[..d[0]], &p[..d[1]], &z[..d[2]]).unwrap();
    assert_eq!(shape[0], 1);
}
