//! Exact top-k search over 8-bit codes: the scan that makes a million-person gallery
//! fast, and the bound that keeps its answer exact.
//!
//! Every template is kept twice: as floats (its exact mean feature) and as 8-bit codes
//! of its unit direction with one scale per row (a quarter of the bytes, so a scan reads
//! a quarter of the memory). A search quantises the query the same way, computes an
//! approximate cosine for every row from integer dot products, and re-ranks only the
//! rows that could still be in the top k with their exact floats.
//!
//! **Why the answer is exact.** With q and x unit vectors and q̂, x̂ their quantised
//! versions, q·x − q̂·x̂ = q·(x − x̂) + (q − q̂)·x̂, so |q·x − q̂·x̂| ≤ eₓ + e_q(1 + eₓ) = B,
//! where e is the Euclidean norm of a vector's quantisation error (measured per row when
//! it is written; the gallery keeps the largest). Let A be the k-th best approximate
//! score among live rows. The k rows at or above A all have exact scores ≥ A − B, so
//! the k-th best exact score is ≥ A − B, and a row whose approximate score is below
//! A − 2B has an exact score below A − B: it cannot be in the top k. Keeping every row
//! within 2B of the running k-th best (which only rises) therefore keeps every row of
//! the true top k, and the re-ranking finds them. The same bound skips rows that cannot
//! reach a caller's minimum similarity.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The unit direction of `v` quantised to `codes` (same length): returns the row's
/// scale (a code times it is the component) and the norm of its quantisation error,
/// rounded up. A zero vector gets scale 0 and error 1.
pub(crate) fn quantise(v: &[f32], codes: &mut [i8]) -> (f32, f32) {
    let norm = v.iter().map(|&x| x as f64 * x as f64).sum::<f64>().sqrt();
    let max = v.iter().fold(0f64, |m, &x| m.max((x as f64).abs())) / norm;
    if norm == 0.0 || !max.is_finite() || max == 0.0 {
        codes.fill(0);
        return (0.0, 1.0);
    }
    // The error is measured against the code times the f32 scale actually used.
    let scale = (max / 127.0) as f32 as f64;
    let (to_unit, to_code) = (1.0 / norm, 1.0 / (max / 127.0 * norm));
    let mut err = 0f64;
    for (c, &x) in codes.iter_mut().zip(v) {
        let t = x as f64 * to_code;
        // Round half away from zero by truncation: no libm call on baseline x86_64.
        let q = ((t + 0.5f64.copysign(t)) as i32).clamp(-127, 127);
        *c = q as i8;
        err += (x as f64 * to_unit - q as f64 * scale).powi(2);
    }
    (scale as f32, (err.sqrt() * (1.0 + 1e-6) + 1e-7) as f32)
}

/// A query ready to scan: its 8-bit codes and scale, its error norm, and its floats
/// for the exact re-ranking.
pub(crate) struct Query<'a> {
    pub(crate) feature: &'a [f32],
    norm: f64,
    pub(crate) codes: Vec<i8>,
    scale: f32,
    err: f32,
}

impl<'a> Query<'a> {
    /// `feature` must be finite and non-zero (the gallery checks before).
    pub(crate) fn new(feature: &'a [f32]) -> Self {
        let mut codes = vec![0i8; feature.len()];
        let (scale, err) = quantise(feature, &mut codes);
        let norm = feature
            .iter()
            .fold(0f64, |n, &x| n + x as f64 * x as f64)
            .sqrt();
        Query {
            feature,
            norm,
            codes,
            scale,
            err,
        }
    }

    /// The exact cosine of this query and a template, computed as
    /// [`crate::similarity`] computes it (so the two agree to the bit).
    pub(crate) fn cosine(&self, mean: &[f32]) -> f32 {
        let (mut dot, mut nm) = (0f64, 0f64);
        for (&a, &b) in self.feature.iter().zip(mean) {
            let (a, b) = (a as f64, b as f64);
            dot += a * b;
            nm += b * b;
        }
        (dot / (self.norm * nm.sqrt())).clamp(-1.0, 1.0) as f32
    }
}

/// The integer dot products of `query` with each row of `codes` (rows of
/// `query.len()` codes), into `out`. Picks the widest vector unit this CPU has.
pub(crate) fn dots(query: &[i8], codes: &[i8], out: &mut [i32]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above).
        unsafe { dots_avx2(query, codes, out) };
        return;
    }
    dots_portable(query, codes, out);
}

#[inline(always)]
fn dots_portable(query: &[i8], codes: &[i8], out: &mut [i32]) {
    for (row, o) in codes.chunks_exact(query.len()).zip(out) {
        *o = row
            .iter()
            .zip(query)
            .map(|(&a, &b)| a as i32 * b as i32)
            .sum();
    }
}

/// The AVX2 kernel: the query widened to 16-bit once, each row's codes widened and
/// multiplied 16 at a time into eight 32-bit sums (`vpmaddwd` on 256 bits), one
/// horizontal sum a row. Feature sizes that are not a multiple of 16 take the plain
/// loop.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn dots_avx2(query: &[i8], codes: &[i8], out: &mut [i32]) {
    use std::arch::x86_64::*;
    let dim = query.len();
    if !dim.is_multiple_of(16) {
        return dots_portable(query, codes, out);
    }
    // SAFETY (every load below): each reads 16 bytes inside a 16-byte chunk.
    let load = |chunk: &[i8]| unsafe { _mm_loadu_si128(chunk.as_ptr() as *const __m128i) };
    let wide: Vec<__m256i> = query
        .chunks_exact(16)
        .map(|c| _mm256_cvtepi8_epi16(load(c)))
        .collect();
    for (row, o) in codes.chunks_exact(dim).zip(out) {
        let mut acc = _mm256_setzero_si256();
        for (c, q) in row.chunks_exact(16).zip(&wide) {
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_cvtepi8_epi16(load(c)), *q));
        }
        let half = _mm_add_epi32(
            _mm256_castsi256_si128(acc),
            _mm256_extracti128_si256(acc, 1),
        );
        let quarter = _mm_add_epi32(half, _mm_unpackhi_epi64(half, half));
        let sum = _mm_add_epi32(quarter, _mm_shuffle_epi32(quarter, 0b01));
        *o = _mm_cvtsi128_si32(sum);
    }
}

/// An approximate score, ordered by `f32::total_cmp`, for the heap.
#[derive(Clone, Copy, PartialEq)]
struct Score(f32);
impl Eq for Score {}
impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Score {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// A row that may be in the top k: where it is and its approximate score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Candidate {
    pub(crate) slot: u32,
    pub(crate) approx: f32,
}

/// The state of one query's scan: the k best approximate scores so far and every row
/// within the bound of them. Scans of disjoint parts of a gallery merge.
pub(crate) struct Scan {
    k: usize,
    /// 2B: how far below the k-th best approximate score a row may still win.
    slack: f32,
    /// Rows below this approximate score cannot reach the caller's minimum.
    floor: f32,
    best: BinaryHeap<Reverse<Score>>,
    candidates: Vec<Candidate>,
    /// Prune `candidates` when they pass this many.
    prune_at: usize,
}

impl Scan {
    /// A scan for the `k` best rows (k ≥ 1) of a gallery whose largest row error is
    /// `max_row_err`, keeping only rows that may reach `min_similarity`.
    pub(crate) fn new(query: &Query, k: usize, max_row_err: f32, min_similarity: f32) -> Self {
        // B = eₓ + e_q(1 + eₓ), plus room for the f32 rounding of the approximate
        // score and of the stored unit directions.
        let bound = max_row_err + query.err * (1.0 + max_row_err) + 1e-5;
        Scan {
            k,
            slack: 2.0 * bound,
            floor: min_similarity - bound,
            best: BinaryHeap::with_capacity(k + 1),
            candidates: Vec::new(),
            prune_at: (8 * k).max(256),
        }
    }

    /// The lowest approximate score a row needs to be kept now.
    fn cutoff(&self) -> f32 {
        match self.best.peek() {
            Some(Reverse(Score(kth))) if self.best.len() == self.k => {
                (kth - self.slack).max(self.floor)
            }
            _ => self.floor,
        }
    }

    /// Scans rows `first_slot..` whose integer dot products with the query are `dots`
    /// and whose scales are `scales`; `live(i)` says whether row i holds a person.
    pub(crate) fn visit(
        &mut self,
        query: &Query,
        first_slot: u32,
        dots: &[i32],
        scales: &[f32],
        live: impl Fn(usize) -> bool,
    ) {
        let mut cutoff = self.cutoff();
        for (i, (&dot, &scale)) in dots.iter().zip(scales).enumerate() {
            let approx = query.scale * scale * dot as f32;
            if approx < cutoff || !live(i) {
                continue;
            }
            self.candidates.push(Candidate {
                slot: first_slot + i as u32,
                approx,
            });
            self.best.push(Reverse(Score(approx)));
            if self.best.len() > self.k {
                self.best.pop();
            }
            cutoff = self.cutoff();
            if self.candidates.len() >= self.prune_at {
                self.prune();
            }
        }
    }

    /// Drops the candidates that can no longer win; grows the limit when too few go.
    fn prune(&mut self) {
        let cutoff = self.cutoff();
        self.candidates.retain(|c| c.approx >= cutoff);
        if self.candidates.len() * 2 > self.prune_at {
            self.prune_at *= 2;
        }
    }

    /// Joins the scan of another part of the gallery (same query, k and bound).
    pub(crate) fn merge(&mut self, other: Scan) {
        for Reverse(s) in other.best {
            self.best.push(Reverse(s));
            if self.best.len() > self.k {
                self.best.pop();
            }
        }
        self.candidates.extend(other.candidates);
    }

    /// The rows that may be in the top k, for exact re-ranking.
    pub(crate) fn finish(mut self) -> Vec<Candidate> {
        self.prune();
        self.candidates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantisation_error_is_measured_and_small() {
        let v: Vec<f32> = (0..128)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0)
            .collect();
        let mut codes = vec![0i8; 128];
        let (scale, err) = quantise(&v, &mut codes);
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        let actual: f32 = v
            .iter()
            .zip(&codes)
            .map(|(&x, &c)| (x / norm - c as f32 * scale).powi(2))
            .sum::<f32>()
            .sqrt();
        assert!(actual <= err, "{actual} > {err}");
        assert!(err < 0.02, "{err}");
        assert_eq!(codes.iter().map(|c| c.unsigned_abs()).max(), Some(127));
    }

    #[test]
    fn a_zero_vector_has_no_direction() {
        let mut codes = vec![5i8; 4];
        assert_eq!(quantise(&[0.0; 4], &mut codes), (0.0, 1.0));
        assert_eq!(codes, [0; 4]);
    }

    #[test]
    fn dispatched_dots_match_the_plain_loop() {
        let q: Vec<i8> = (0..128).map(|i| (i * 7 % 255 - 127) as i8).collect();
        let codes: Vec<i8> = (0..128 * 9).map(|i| (i * 13 % 255 - 127) as i8).collect();
        let (mut a, mut b) = (vec![0; 9], vec![0; 9]);
        dots(&q, &codes, &mut a);
        dots_portable(&q, &codes, &mut b);
        assert_eq!(a, b);
        // Extremes (-127 * -127 summed over 128) and a size that is not a multiple of 16.
        for dim in [128, 16, 20] {
            let q = vec![-127i8; dim];
            let codes = vec![-127i8; dim * 3];
            let (mut a, mut b) = (vec![0; 3], vec![0; 3]);
            dots(&q, &codes, &mut a);
            dots_portable(&q, &codes, &mut b);
            assert_eq!(a, b);
            assert_eq!(a[2], 127 * 127 * dim as i32);
        }
        let first: i32 = q
            .iter()
            .zip(&codes)
            .map(|(&x, &y)| x as i32 * y as i32)
            .sum();
        assert_eq!(a[0], first);
    }
}
