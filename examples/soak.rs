//! Soak: embed + frontalize for a fixed number of calls on all cores, one shared model,
//! reporting throughput and the process's resident memory (RSS, from /proc/self/status)
//! at the start and the end, so that growth over many calls shows.
//!
//! ```sh
//! cargo run --release --example soak -- [CONFIG] [CALLS] [THREADS]
//! cargo run --release --example soak -- small 10000
//! ```
//! CONFIG is a fixture config (`tiny`, `small`, `paper`; random weights, default `small`)
//! or a bundle directory; CALLS defaults to 10,000 (half embeds, half frontalizations);
//! THREADS defaults to the number of cores. The phases:
//!
//! 1. RSS before loading, after opening the model, and after 1,000 embeds (peak RSS,
//!    VmHWM, at that point: what a model plus steady use costs);
//! 2. CALLS mixed calls on THREADS threads, RSS sampled at every tenth of the run; the
//!    run fails (exit 1) when RSS at the end exceeds RSS after the first tenth by more
//!    than 16 MiB (a leak of even 2 kB a call would show).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use drgan::bundle::BundleFiles;
use drgan::{Backend, Image, Model, Options, PixelFormat};
use drgan_writer::{BundleFilesExt, Config};

/// (VmRSS, VmHWM) in KiB.
fn rss() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = args.first().map_or("small", String::as_str);
    let calls: usize = args.get(1).map_or(10_000, |s| s.parse().expect("CALLS"));
    let threads: usize = args.get(2).map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |s| s.parse().expect("THREADS"),
    );
    let options = Options::default().with_backend(Backend::Cpu);

    let files = if std::path::Path::new(config).is_dir() {
        BundleFiles::read_dir(config.as_ref(), options.max_model_bytes).unwrap()
    } else {
        BundleFiles::random(&Config::named(config).expect("config"), 1).unwrap()
    };
    let model_bytes =
        files.encoder.len() + files.decoder.len() + files.pose.as_ref().map_or(0, Vec::len);
    let (before, _) = rss();
    let t = Instant::now();
    let model = Model::from_bytes(
        &files.encoder,
        &files.decoder,
        files.pose.as_deref(),
        &options,
    )
    .unwrap();
    let open_s = t.elapsed().as_secs_f64();
    drop(files);
    let (opened, _) = rss();
    let s = model.info().input_size;
    println!(
        "model {config}: {s}x{s} input, Nf {}, {:.1} MiB of ONNX; opened in {open_s:.2} s",
        model.info().feature_dim,
        model_bytes as f64 / (1 << 20) as f64
    );

    let pixels: Vec<Vec<u8>> = (0..8u32)
        .map(|k| {
            (0..s * s * 3)
                .map(|i| ((i * 7 + k * 31) % 251) as u8)
                .collect()
        })
        .collect();
    let face = |k: usize| Image::packed(&pixels[k % 8], s, s, PixelFormat::Rgb8).unwrap();

    let t = Instant::now();
    for k in 0..1000 {
        model.embed(&face(k)).unwrap();
    }
    let embed_s = t.elapsed().as_secs_f64();
    let (after_embeds, peak) = rss();
    println!(
        "RSS: {:.1} MiB before open, {:.1} MiB after open, {:.1} MiB after 1,000 embeds \
         (1 thread, {:.0} embeds/s); peak {:.1} MiB",
        mib(before),
        mib(opened),
        mib(after_embeds),
        1000.0 / embed_s,
        mib(peak)
    );

    // Phase 2: CALLS mixed calls on all threads, RSS at every tenth.
    let next = AtomicUsize::new(0);
    let tenth = calls.div_ceil(10).max(1);
    let samples = std::sync::Mutex::new(Vec::new());
    let t = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= calls {
                    break;
                }
                if k.is_multiple_of(2) {
                    model.embed(&face(k)).unwrap();
                } else {
                    model.frontalize(&face(k), k as u64).unwrap();
                }
                if (k + 1).is_multiple_of(tenth) {
                    samples.lock().unwrap().push((k + 1, rss().0));
                }
            });
        }
    });
    let secs = t.elapsed().as_secs_f64();
    let (end, peak) = rss();
    let mut samples = samples.into_inner().unwrap();
    samples.sort();
    let line: Vec<String> = samples
        .iter()
        .map(|(k, r)| format!("{k}: {:.1}", mib(*r)))
        .collect();
    println!(
        "{calls} calls (embed + frontalize) on {threads} threads in {secs:.1} s: \
         {:.1} calls/s",
        calls as f64 / secs
    );
    println!("RSS (MiB) by calls done: {}", line.join(", "));
    let first = samples.first().map_or(after_embeds, |s| s.1);
    println!(
        "RSS at end {:.1} MiB; growth since the first tenth {:+.1} MiB; peak {:.1} MiB",
        mib(end),
        mib(end) - mib(first),
        mib(peak)
    );
    if end > first + 16 * 1024 {
        eprintln!("RSS grew by more than 16 MiB: a leak?");
        std::process::exit(1);
    }
}
