//! Measurements: generation throughput, and how distinct the identities are.
//!
//! Distinctness compares, in pixel space, each identity's frontal studio portrait with
//! (a) its nearest neighbour among all other identities' portraits and (b) the same
//! identity under a second lighting. An identity is "separated" when its nearest other
//! identity is farther from it than its own relit picture.

use super::dataset::{batch, head, parallel_map, Request};
use super::nuisance::Nuisance;
use super::render::render;
use std::time::Instant;

/// Output size of the distinctness portraits.
pub const DISTINCT_SIZE: u32 = 32;
/// Key light (azimuth, elevation in degrees) of the reference portraits.
pub const REFERENCE_LIGHT: (f32, f32) = (0.0, 25.0);
/// Azimuth changes (degrees) of the second lighting of the same identity.
pub const RELIGHT_DEGREES: [f32; 3] = [5.0, 10.0, 20.0];

/// Summary of a distance distribution (RMS per pixel channel, in 8-bit grey levels).
#[derive(Clone, Copy, Debug)]
pub struct Stats {
    pub min: f32,
    pub p05: f32,
    pub median: f32,
    pub p95: f32,
    pub max: f32,
}

impl Stats {
    pub fn of(v: &[f32]) -> Stats {
        let mut s = v.to_vec();
        s.sort_by(|a, b| a.total_cmp(b));
        let q = |f: f32| s[((s.len() - 1) as f32 * f).round() as usize];
        Stats {
            min: s[0],
            p05: q(0.05),
            median: q(0.5),
            p95: q(0.95),
            max: s[s.len() - 1],
        }
    }
}

/// Result of [`distinctness`].
#[derive(Clone, Debug)]
pub struct Distinctness {
    pub identities: usize,
    /// Distance from each identity to its nearest other identity (lighting A).
    pub nearest_other: Stats,
    /// Per [`RELIGHT_DEGREES`] entry: distance between each identity's reference portrait
    /// and its portrait with the key light moved by that many degrees.
    pub relit_same: Vec<Stats>,
    /// Per [`RELIGHT_DEGREES`] entry: fraction of identities whose nearest other identity
    /// is farther than their relit self.
    pub separated: Vec<f32>,
}

fn rms(d2: f32, dim: usize) -> f32 {
    (d2.max(0.0) / dim as f32).sqrt() * 255.0
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let tail: f32 = a
        .chunks_exact(8)
        .remainder()
        .iter()
        .zip(b.chunks_exact(8).remainder())
        .map(|(x, y)| x * y)
        .sum();
    acc.iter().sum::<f32>() + tail
}

/// Renders identities `0..n` frontally under the reference light and under the light
/// moved by each of [`RELIGHT_DEGREES`], and compares them.
pub fn distinctness(n: usize, threads: usize) -> Distinctness {
    assert!(n >= 2, "need at least two identities");
    let (az, el) = REFERENCE_LIGHT;
    let pics: Vec<Vec<Vec<f32>>> = parallel_map(n, threads, |i| {
        let h = head(i as u64);
        let f = |daz: f32| {
            let img = render(&h, 0.0, &Nuisance::studio(az + daz, el), DISTINCT_SIZE).rgb;
            img.iter().map(|&b| b as f32 / 255.0).collect::<Vec<f32>>()
        };
        std::iter::once(0.0).chain(RELIGHT_DEGREES).map(f).collect()
    });
    let dim = pics[0][0].len();
    let norms: Vec<f32> = pics.iter().map(|p| dot(&p[0], &p[0])).collect();
    // Nearest other identity, by |a|^2 + |b|^2 - 2 a.b over all pairs.
    let nearest: Vec<f32> = parallel_map(n, threads, |i| {
        let mut best = f32::INFINITY;
        for j in 0..n {
            if j != i {
                let d2 = norms[i] + norms[j] - 2.0 * dot(&pics[i][0], &pics[j][0]);
                best = best.min(d2);
            }
        }
        rms(best, dim)
    });
    let mut relit_same = Vec::new();
    let mut separated = Vec::new();
    for k in 1..=RELIGHT_DEGREES.len() {
        let relit: Vec<f32> = pics
            .iter()
            .map(|p| {
                rms(
                    p[0].iter().zip(&p[k]).map(|(a, b)| (a - b) * (a - b)).sum(),
                    dim,
                )
            })
            .collect();
        separated.push(nearest.iter().zip(&relit).filter(|(a, b)| a > b).count() as f32 / n as f32);
        relit_same.push(Stats::of(&relit));
    }
    Distinctness {
        identities: n,
        nearest_other: Stats::of(&nearest),
        relit_same,
        separated,
    }
}

/// Images per second for `size` px pictures: `identities` identities x 13 yaws, each
/// identity's head built once (the training pattern) — and, separately, with a new
/// identity for every picture (worst case).
pub fn throughput(size: u32, identities: u64, threads: usize, first: u64) -> (f64, f64) {
    let yaws: Vec<f32> = (0..13).map(|i| -90.0 + 15.0 * i as f32).collect();
    let reqs: Vec<Request> = (first..first + identities)
        .flat_map(|id| {
            yaws.iter().map(move |&y| Request {
                identity: id,
                yaw_deg: y,
                variation: id,
            })
        })
        .collect();
    let t = Instant::now();
    let out = batch(&reqs, size, threads);
    let grouped = out.len() as f64 / t.elapsed().as_secs_f64();
    let singles: Vec<Request> = (0..reqs.len() as u64 / 4)
        .map(|k| Request {
            identity: first + 1_000_000 + k,
            yaw_deg: yaws[(k % 13) as usize],
            variation: 0,
        })
        .collect();
    let t = Instant::now();
    let out = batch(&singles, size, threads);
    let fresh = out.len() as f64 / t.elapsed().as_secs_f64();
    (grouped, fresh)
}

/// Prints throughput (median of 5 runs) at 64 and 96 px and the distinctness of `n`
/// identities.
pub fn report(n: usize, threads: usize) {
    println!("threads: {threads}");
    for size in [64u32, 96] {
        let mut g = Vec::new();
        let mut f = Vec::new();
        for run in 0..5u64 {
            let (a, b) = throughput(size, 40, threads, 10_000_000 + run * 1000);
            g.push(a as f32);
            f.push(b as f32);
        }
        println!(
            "{size}x{size}: {:.0} images/s (13 yaws per identity, median of 5; runs {:?}), {:.0} images/s with a new identity every image",
            Stats::of(&g).median,
            g.iter().map(|v| v.round() as i32).collect::<Vec<_>>(),
            Stats::of(&f).median
        );
    }
    let t = Instant::now();
    let d = distinctness(n, threads);
    let p = |s: &Stats| {
        format!(
            "min {:.1}, p5 {:.1}, median {:.1}, p95 {:.1}, max {:.1}",
            s.min, s.p05, s.median, s.p95, s.max
        )
    };
    println!(
        "distinctness over {} identities ({}x{} frontal studio portraits, RMS grey levels):",
        d.identities, DISTINCT_SIZE, DISTINCT_SIZE
    );
    println!("  nearest other identity:          {}", p(&d.nearest_other));
    for (k, deg) in RELIGHT_DEGREES.iter().enumerate() {
        println!(
            "  same identity, light moved {deg:>2} deg: {}",
            p(&d.relit_same[k])
        );
        println!(
            "    separated (nearest other identity farther than own relit): {:.2}%",
            d.separated[k] * 100.0
        );
    }
    println!("  ({:.1} s)", t.elapsed().as_secs_f64());
}
