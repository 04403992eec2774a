//! Gallery benchmarks: 1:N search over N enrolled 128-d features (10,000, 100,000 and
//! 1,000,000 by default), against a plain brute-force loop and the time it takes just to
//! read the gallery's bytes once, plus enrolment into a file, opening the file and the
//! memory a person costs. Ends with a table of medians and one
//! `MEDIAN <operation> <N> <nanoseconds>` line a benchmark (as benches/inference.rs).
//!
//! ```sh
//! cargo bench --bench gallery                                   # ~2.5 minutes on 2 cores
//! DRGAN_GALLERY_SIZES=10000,100000 cargo bench --bench gallery  # a quick run
//! cargo bench --bench gallery -- search_top5                    # criterion's filter
//! ```
//!
//! For each N, once (not per sample), the bench draws N Gaussian features (a small
//! deterministic RNG of its own), enrols them one picture a person into an in-memory
//! gallery in batches of 10,000 (measuring the process's RSS before and after) and into
//! a gallery file in a temporary directory (timing each `enrol_batch`), then measures:
//!
//! - `search_top5`: [`Gallery::search`], exact top 5 on one thread. Queries are enrolled
//!   features plus Gaussian noise (σ 0.5 against features of σ 1, a cosine of about 0.9
//!   with their person), so each has a true nearest person.
//! - `search_batch64`: [`Gallery::search_batch`] of 64 such queries on every core; the
//!   table divides by 64.
//! - `brute_f32_top5`: the baseline. Cosine of the query with every template as f32 (the
//!   templates in one contiguous array, their norms computed beforehand, as the gallery
//!   keeps them; dot products in 32 lanes), then a partial sort (`select_nth_unstable_by`)
//!   to the top 5. One thread. Compiled for AVX2 when the CPU has it, as the gallery's
//!   scan is (so are the floors).
//! - `floor_i8` / `floor_f32`: one thread summing N×128 bytes of a `Vec<i8>` (the size of
//!   the gallery's 8-bit codes) and N×512 bytes of `f32` (its float templates): the
//!   memory-bandwidth floor of a full scan, which `search` cannot beat. Where the bytes
//!   fit in a cache (at 10,000 always; further on CPUs with a large L3), the floor is
//!   the cache's.
//! - `open`: [`Gallery::open`] of the N-person file (dropping the gallery is not timed).
//!
//! Outside criterion: enrolment into the file (people a second; the median of the
//! batches, and all of them together), the file's size, RSS per person of the in-memory
//! gallery, and recall@5 of `search` against the brute-force loop over 200 queries,
//! which must be 1 (the bench panics otherwise; a brute-force neighbour missing from the
//! search counts as found only when its score ties the search's fifth within 1e-5, the
//! rounding of an f32 dot product).
//!
//! Under `cargo test --benches` (criterion's test mode) the sizes default to 2,000.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use criterion::{black_box, BenchmarkId, Criterion, SamplingMode, Throughput};
use drgan::bundle::BundleFiles;
use drgan::{Embedding, Gallery, Model, Options};
use drgan_writer::{BundleFilesExt, Config};

/// The feature size of the `small` config (and of the default model).
const DIM: usize = 128;
/// Matches asked of every search.
const K: usize = 5;
/// People a call of `enrol_batch`.
const ENROL_BATCH: usize = 10_000;
/// Queries a call of `search_batch`.
const BATCH_QUERIES: usize = 64;
/// Queries of the recall check.
const RECALL_QUERIES: usize = 200;
/// The queries' noise, per component (the features' components have σ 1).
const NOISE: f32 = 0.5;
/// The enrol rate wants at least this many batches a size (more fills when N is small).
const MIN_ENROL_BATCHES: usize = 5;

const DEFAULT_SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];
/// Sizes under criterion's test mode (`cargo test --benches`), when the env var is unset.
const TEST_SIZES: [usize; 1] = [2_000];

/// The criterion groups, for the medians at the end.
const GROUPS: [&str; 6] = [
    "search_top5",
    "search_batch64",
    "brute_f32_top5",
    "floor_i8",
    "floor_f32",
    "open",
];

/// SplitMix64, with Box–Muller for Gaussians: small, fast and the same on every machine.
struct Rng {
    state: u64,
    spare: Option<f32>,
}

impl Rng {
    fn new(seed: u64) -> Self {
        Rng {
            state: seed,
            spare: None,
        }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal.
    fn gaussian(&mut self) -> f32 {
        if let Some(g) = self.spare.take() {
            return g;
        }
        let r = (-2.0 * self.unit().ln()).sqrt();
        let theta = std::f64::consts::TAU * self.unit();
        self.spare = Some((r * theta.sin()) as f32);
        (r * theta.cos()) as f32
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// The N people of one size: ids, features (flat, for the brute force and the floor;
/// and as embeddings, for enrolling) and the templates' inverse norms.
struct People {
    ids: Vec<String>,
    flat: Vec<f32>,
    inv_norms: Vec<f32>,
    embeddings: Vec<Embedding>,
}

impl People {
    fn new(n: usize, rng: &mut Rng) -> Self {
        let flat: Vec<f32> = (0..n * DIM).map(|_| rng.gaussian()).collect();
        let inv_norms = flat.chunks_exact(DIM).map(|f| 1.0 / norm(f)).collect();
        let embeddings = flat
            .chunks_exact(DIM)
            .map(|f| Embedding {
                feature: f.to_vec(),
                confidence: 0.9,
            })
            .collect();
        People {
            ids: (0..n).map(|i| format!("p{i:07}")).collect(),
            flat,
            inv_norms,
            embeddings,
        }
    }

    fn len(&self) -> usize {
        self.ids.len()
    }

    /// People `range` as `enrol_batch` takes them.
    fn batch(&self, range: std::ops::Range<usize>) -> Vec<(&str, &Embedding)> {
        range
            .map(|i| (self.ids[i].as_str(), &self.embeddings[i]))
            .collect()
    }

    /// `count` queries: a random person's feature plus noise, and that person.
    fn queries(&self, count: usize, rng: &mut Rng) -> Vec<(Vec<f32>, usize)> {
        (0..count)
            .map(|_| {
                let p = rng.below(self.len());
                let f = &self.flat[p * DIM..(p + 1) * DIM];
                (f.iter().map(|&x| x + NOISE * rng.gaussian()).collect(), p)
            })
            .collect()
    }
}

/// Defines each function twice, for the baseline target and for AVX2, and runs the AVX2
/// one when the CPU has it: the gallery's scan kernel is dispatched the same way, so the
/// baseline and the floors get the same vector unit as the search.
macro_rules! with_avx2 {
    ($(
        $(#[$doc:meta])*
        fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty $body:block
    )*) => {$(
        $(#[$doc])*
        fn $name($($arg: $ty),*) -> $ret {
            #[inline(always)]
            fn plain($($arg: $ty),*) -> $ret $body
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            fn avx2($($arg: $ty),*) -> $ret {
                plain($($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2 (checked just above).
                return unsafe { avx2($($arg),*) };
            }
            plain($($arg),*)
        }
    )*};
}

#[inline(always)]
fn norm(v: &[f32]) -> f32 {
    dot(v, v).sqrt()
}

/// An f32 dot product in 32 lanes (four AVX registers), which the compiler turns into
/// vector instructions; a single running sum would not be, f32 addition not being
/// associative.
#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 32];
    let (ca, cb) = (a.chunks_exact(32), b.chunks_exact(32));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for j in 0..32 {
            acc[j] += x[j] * y[j];
        }
    }
    acc.iter().sum::<f32>() + tail
}

with_avx2! {
    /// The brute-force top k: (cosine, person), best first. `scores` is scratch space.
    fn brute_force(
        p: &People,
        q: &[f32],
        k: usize,
        scores: &mut Vec<(f32, u32)>
    ) -> Vec<(f32, u32)> {
        let inv_q = 1.0 / norm(q);
        scores.clear();
        // A plain loop, not `extend`: the compiler outlines `extend`'s loop, which would
        // then miss the AVX2 of this function.
        for (i, (t, &inv)) in p.flat.chunks_exact(DIM).zip(&p.inv_norms).enumerate() {
            scores.push((dot(q, t) * inv_q * inv, i as u32));
        }
        let k = k.min(scores.len());
        let best_first =
            |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        scores.select_nth_unstable_by(k - 1, best_first);
        let mut top = scores[..k].to_vec();
        top.sort_by(best_first);
        top
    }

    /// Reads every byte of `codes` once: a sum of 8-byte words in 16 lanes.
    fn read_i8(codes: &[i8]) -> u64 {
        let mut acc = [0u64; 16];
        let chunks = codes.chunks_exact(128);
        let tail = chunks
            .remainder()
            .iter()
            .fold(0u64, |s, &b| s.wrapping_add(b as u8 as u64));
        for c in chunks {
            for (j, a) in acc.iter_mut().enumerate() {
                let w: [i8; 8] = c[j * 8..j * 8 + 8].try_into().unwrap();
                *a = a.wrapping_add(u64::from_le_bytes(w.map(|b| b as u8)));
            }
        }
        acc.iter().fold(tail, |s, &a| s.wrapping_add(a))
    }

    /// Reads every float of `v` once: a sum in 64 lanes (eight AVX registers, so the
    /// additions' latency does not limit it).
    fn read_f32(v: &[f32]) -> f32 {
        let mut acc = [0f32; 64];
        let chunks = v.chunks_exact(64);
        let tail: f32 = chunks.remainder().iter().sum();
        for c in chunks {
            for j in 0..64 {
                acc[j] += c[j];
            }
        }
        acc.iter().sum::<f32>() + tail
    }
}

/// The process's resident memory, from /proc/self/status (Linux only).
fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Enrols everyone in batches of [`ENROL_BATCH`]; returns each `enrol_batch`'s size
/// and time.
fn enrol_all(g: &Gallery, p: &People) -> Vec<(usize, Duration)> {
    (0..p.len())
        .step_by(ENROL_BATCH)
        .map(|start| {
            let batch = p.batch(start..(start + ENROL_BATCH).min(p.len()));
            let t = Instant::now();
            g.enrol_batch(&batch).unwrap();
            (batch.len(), t.elapsed())
        })
        .collect()
}

/// Recall@k of `search` against the brute force over `queries`; panics below 1.
/// Returns (recall, near ties counted as found, top-1 is the query's own person).
fn recall(g: &Gallery, p: &People, queries: &[(Vec<f32>, usize)]) -> (f64, usize, f64) {
    let mut scores = Vec::new();
    let (mut found, mut ties, mut own) = (0usize, 0usize, 0usize);
    let k = K.min(p.len());
    for (q, person) in queries {
        let got = g.search(q, K, None).unwrap();
        let want = brute_force(p, q, K, &mut scores);
        assert_eq!(got.len(), k);
        let fifth = got[k - 1].similarity;
        for &(s, i) in &want {
            if got.iter().any(|m| m.id == p.ids[i as usize]) {
                found += 1;
            } else if (s - fifth).abs() <= 1e-5 {
                found += 1;
                ties += 1;
            } else {
                panic!(
                    "recall: the brute force's {} ({s}) is not in search's top {k}: {got:?}",
                    p.ids[i as usize]
                );
            }
        }
        for m in &got {
            let i: usize = m.id[1..].parse().unwrap();
            let exact = drgan::similarity(q, &p.flat[i * DIM..(i + 1) * DIM]).unwrap();
            assert!(
                (exact - m.similarity).abs() <= 1e-6,
                "search says {} for {}, the exact cosine is {exact}",
                m.similarity,
                m.id
            );
        }
        own += usize::from(got[0].id == p.ids[*person]);
    }
    let r = found as f64 / (queries.len() * k) as f64;
    assert!(r == 1.0, "recall@{k} is {r}, not 1");
    (r, ties, own as f64 / queries.len() as f64)
}

/// What one size measured outside criterion.
struct Extra {
    n: usize,
    rss_per_person: Option<f64>,
    build_memory_s: f64,
    enrol_median_pps: f64,
    enrol_total_pps: f64,
    file_bytes: u64,
    recall: f64,
    ties: usize,
    top1: f64,
}

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
    measure: Duration,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    // Flat sampling and 10 samples: an iteration at 1M takes tens of milliseconds to
    // seconds; the medians are what the table reports.
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(measure);
    g
}

fn bench_size(c: &mut Criterion, model: &Model, n: usize) -> Extra {
    let fast = Duration::from_secs(3);
    eprintln!("\n=== gallery of {n} people: building ===");
    let mut rng = Rng::new(0x5EED_0000 + n as u64);
    let people = People::new(n, &mut rng);
    let queries = people.queries(RECALL_QUERIES.max(BATCH_QUERIES), &mut rng);
    let batch_queries: Vec<f32> = queries[..BATCH_QUERIES]
        .iter()
        .flat_map(|(q, _)| q.iter().copied())
        .collect();
    // The codes' size, not the gallery's own codes: any non-zero bytes will do (zeros
    // could be the kernel's shared zero page, which reads faster than memory).
    let codes: Vec<i8> = (0..n * DIM)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[3] as i8)
        .collect();

    // The in-memory gallery, and what it costs a person.
    let before = rss_bytes();
    let t = Instant::now();
    let gallery = Gallery::in_memory(model);
    enrol_all(&gallery, &people);
    let build_memory_s = t.elapsed().as_secs_f64();
    let after = rss_bytes();
    assert_eq!(gallery.len(), n);
    let rss_per_person = before
        .zip(after)
        .map(|(b, a)| a.saturating_sub(b) as f64 / n as f64);

    let (recall, ties, top1) = recall(&gallery, &people, &queries[..RECALL_QUERIES]);
    eprintln!("recall@{K} {recall} ({ties} near ties), top-1 is the own person {top1}");

    let id = BenchmarkId::from_parameter(n);
    {
        let mut g = group(c, "search_top5", fast);
        g.throughput(Throughput::Elements(1));
        let mut i = 0;
        g.bench_function(id.clone(), |b| {
            b.iter(|| {
                i = (i + 1) % queries.len();
                gallery.search(black_box(&queries[i].0), K, None).unwrap()
            })
        });
    }
    {
        let mut g = group(c, "search_batch64", fast);
        g.throughput(Throughput::Elements(BATCH_QUERIES as u64));
        g.bench_function(id.clone(), |b| {
            b.iter(|| {
                gallery
                    .search_batch(black_box(&batch_queries), K, None)
                    .unwrap()
            })
        });
    }
    {
        let mut g = group(c, "brute_f32_top5", fast);
        g.throughput(Throughput::Elements(1));
        let (mut i, mut scores) = (0, Vec::new());
        g.bench_function(id.clone(), |b| {
            b.iter(|| {
                i = (i + 1) % queries.len();
                brute_force(&people, black_box(&queries[i].0), K, &mut scores)
            })
        });
    }
    {
        let mut g = group(c, "floor_i8", fast);
        g.throughput(Throughput::Bytes(codes.len() as u64));
        g.bench_function(id.clone(), |b| b.iter(|| read_i8(black_box(&codes))));
    }
    {
        let mut g = group(c, "floor_f32", fast);
        g.throughput(Throughput::Bytes((people.flat.len() * 4) as u64));
        g.bench_function(id.clone(), |b| b.iter(|| read_f32(black_box(&people.flat))));
    }
    drop(gallery);
    drop(codes);

    // The file: enrolment, then opening it.
    eprintln!("=== gallery of {n} people: the file ===");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gallery.db");
    let mut times = Vec::new();
    let mut fill = 0;
    while fill == 0 || times.len() < MIN_ENROL_BATCHES {
        let p = dir.path().join(format!("fill{fill}.db"));
        let g = Gallery::open(&p, model).unwrap();
        times.extend(enrol_all(&g, &people));
        assert_eq!(g.len(), n);
        drop(g);
        if fill == 0 {
            std::fs::rename(&p, &path).unwrap();
        } else {
            std::fs::remove_file(&p).unwrap();
        }
        fill += 1;
    }
    let total: Duration = times.iter().map(|(_, t)| t).sum();
    let mut per_person: Vec<f64> = times
        .iter()
        .map(|(people, t)| *people as f64 / t.as_secs_f64())
        .collect();
    per_person.sort_by(f64::total_cmp);
    let enrol_median_pps = per_person[per_person.len() / 2];
    let enrol_total_pps = (n * fill) as f64 / total.as_secs_f64();
    let file_bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
    assert_eq!(Gallery::open(&path, model).unwrap().len(), n);
    {
        let mut g = group(c, "open", Duration::from_secs(2));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(id, |b| {
            b.iter_with_large_drop(|| Gallery::open(black_box(&path), model).unwrap())
        });
    }

    Extra {
        n,
        rss_per_person,
        build_memory_s,
        enrol_median_pps,
        enrol_total_pps,
        file_bytes,
        recall,
        ties,
        top1,
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

/// The median of `group/n` in nanoseconds, when it ran in this process.
fn median(home: &Path, started: SystemTime, group: &str, n: usize) -> Option<f64> {
    let path = home
        .join(group)
        .join(n.to_string())
        .join("new/estimates.json");
    let fresh = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t >= started);
    if !fresh {
        return None;
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}

/// The summary: one column a size, medians in microseconds unless said.
fn print_summary(home: &Path, started: SystemTime, extras: &[Extra]) {
    let m = |g: &str, e: &Extra| median(home, started, g, e.n);
    let us = |v: Option<f64>| v.map_or("-".into(), |ns| format!("{:.1}", ns / 1e3));
    let ratio = |a: Option<f64>, b: Option<f64>| {
        a.zip(b)
            .map_or("-".into(), |(a, b)| format!("{:.2}", a / b))
    };
    let gbps = |g: &str, bytes: usize, e: &Extra| {
        m(g, e).map_or("-".into(), |ns| format!("{:.1}", (bytes * e.n) as f64 / ns))
    };
    type Row<'a> = (&'a str, Box<dyn Fn(&Extra) -> String + 'a>);
    let rows: Vec<Row> = vec![
        (
            "search top5, 1 thread (us)",
            Box::new(|e| us(m("search_top5", e))),
        ),
        (
            "search_batch64, per query (us)",
            Box::new(|e| us(m("search_batch64", e).map(|ns| ns / BATCH_QUERIES as f64))),
        ),
        (
            "brute f32 top5 (us)",
            Box::new(|e| us(m("brute_f32_top5", e))),
        ),
        (
            "brute / search",
            Box::new(|e| ratio(m("brute_f32_top5", e), m("search_top5", e))),
        ),
        (
            "floor: read i8 codes (us)",
            Box::new(|e| us(m("floor_i8", e))),
        ),
        ("  i8 read (GB/s)", Box::new(|e| gbps("floor_i8", DIM, e))),
        (
            "search / i8 floor",
            Box::new(|e| ratio(m("search_top5", e), m("floor_i8", e))),
        ),
        ("floor: read f32 (us)", Box::new(|e| us(m("floor_f32", e)))),
        (
            "  f32 read (GB/s)",
            Box::new(|e| gbps("floor_f32", DIM * 4, e)),
        ),
        (
            "brute / f32 floor",
            Box::new(|e| ratio(m("brute_f32_top5", e), m("floor_f32", e))),
        ),
        (
            "enrol file, median batch (people/s)",
            Box::new(|e| format!("{:.0}", e.enrol_median_pps)),
        ),
        (
            "enrol file, all batches (people/s)",
            Box::new(|e| format!("{:.0}", e.enrol_total_pps)),
        ),
        (
            "enrol memory, all (people/s)",
            Box::new(|e| format!("{:.0}", e.n as f64 / e.build_memory_s)),
        ),
        (
            "open file (ms)",
            Box::new(|e| m("open", e).map_or("-".into(), |ns| format!("{:.1}", ns / 1e6))),
        ),
        (
            "file size (bytes/person)",
            Box::new(|e| format!("{:.0}", e.file_bytes as f64 / e.n as f64)),
        ),
        (
            "RSS in memory (bytes/person)",
            Box::new(|e| e.rss_per_person.map_or("-".into(), |b| format!("{b:.0}"))),
        ),
        (
            "recall@5 (near ties)",
            Box::new(|e| format!("{} ({})", e.recall, e.ties)),
        ),
        ("top-1 own person", Box::new(|e| format!("{}", e.top1))),
    ];
    println!(
        "\ngallery summary ({DIM}-d features, k {K}, {} cores):",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let mut header = format!("{:<38}", "N");
    for e in extras {
        header += &format!("{:>14}", e.n);
    }
    println!("{header}");
    for (name, cell) in &rows {
        let mut line = format!("{name:<38}");
        for e in extras {
            line += &format!("{:>14}", cell(e));
        }
        println!("{line}");
    }
    println!("\nmedians (nanoseconds per call):");
    for g in GROUPS {
        for e in extras {
            if let Some(ns) = m(g, e) {
                println!("MEDIAN {g} {} {ns:.0}", e.n);
            }
        }
    }
}

/// `DRGAN_GALLERY_SIZES` (comma-separated), else the defaults for the mode.
fn sizes() -> Vec<usize> {
    match std::env::var("DRGAN_GALLERY_SIZES") {
        Ok(s) => s
            .split(',')
            .map(|v| {
                let v = v.trim().replace('_', "");
                match v.parse::<usize>() {
                    Ok(n) if n >= K => n,
                    _ => panic!("DRGAN_GALLERY_SIZES: `{v}` is not a size of at least {K}"),
                }
            })
            .collect(),
        Err(_) => {
            let args: Vec<String> = std::env::args().collect();
            let benching = args.iter().any(|a| a == "--bench")
                && !args.iter().any(|a| a == "--test" || a == "--list");
            if benching {
                DEFAULT_SIZES.to_vec()
            } else {
                TEST_SIZES.to_vec()
            }
        }
    }
}

fn main() {
    let started = SystemTime::now();
    let home = criterion_home();
    let mut c = Criterion::default()
        .output_directory(&home)
        .configure_from_args();
    // The gallery needs a model only for its stamp: a random bundle of the `small`
    // config (feature_dim 128, like the default model), so the bench needs no feature.
    let files = BundleFiles::random(&Config::named("small").unwrap(), 1).unwrap();
    let model = Model::from_bytes(
        &files.encoder,
        &files.decoder,
        files.pose.as_deref(),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(model.info().feature_dim, DIM);
    let extras: Vec<Extra> = sizes()
        .into_iter()
        .map(|n| bench_size(&mut c, &model, n))
        .collect();
    c.final_summary();
    print_summary(&home, started, &extras);
}
