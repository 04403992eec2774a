//! The gallery in memory: templates in fixed-size segments laid out for scanning, the
//! writer's map from ids to rows, and immutable snapshots that searches read.
//!
//! Segments are shared (`Arc`) between the writer's [`Index`] and every published
//! [`Snapshot`]. A write copies only the segments it touches (copy on write), then
//! publishes a new snapshot; a search holds its snapshot for as long as it runs, so it
//! never waits for a writer and never sees half a write.

use std::collections::HashMap;
use std::sync::Arc;

use super::scan::{self, Candidate, Query, Scan};

/// Rows per segment: 1,024 rows of 128-d codes are 128 KiB, which stay in a core's L2
/// cache while a batch of queries scans them.
pub(crate) const SEGMENT_ROWS: usize = 1024;

/// One person's template: the confidence-weighted mean of their pictures' features,
/// Σωᵢfᵢ / Σωᵢ, with Σωᵢ and the number of pictures so that more pictures can join it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Template {
    pub(crate) pictures: u32,
    pub(crate) weight: f32,
    pub(crate) mean: Vec<f32>,
}

/// Up to [`SEGMENT_ROWS`] rows, each column contiguous. A row whose id is `None` is a
/// hole left by a removal (its scale is 0), reused by the next new person.
#[derive(Clone)]
pub(crate) struct Segment {
    ids: Vec<Option<Arc<str>>>,
    pictures: Vec<u32>,
    weights: Vec<f32>,
    means: Vec<f32>,
    codes: Vec<i8>,
    scales: Vec<f32>,
}

impl Segment {
    fn new() -> Self {
        Segment {
            ids: Vec::new(),
            pictures: Vec::new(),
            weights: Vec::new(),
            means: Vec::new(),
            codes: Vec::new(),
            scales: Vec::new(),
        }
    }

    fn rows(&self) -> usize {
        self.ids.len()
    }

    /// Writes row `row` (an existing row, or the next one); returns its error norm.
    fn set(&mut self, row: usize, dim: usize, id: Arc<str>, t: &Template) -> f32 {
        if row == self.rows() {
            self.ids.push(None);
            self.pictures.push(0);
            self.weights.push(0.0);
            self.means.resize(self.means.len() + dim, 0.0);
            self.codes.resize(self.codes.len() + dim, 0);
            self.scales.push(0.0);
        }
        let span = row * dim..(row + 1) * dim;
        self.ids[row] = Some(id);
        self.pictures[row] = t.pictures;
        self.weights[row] = t.weight;
        self.means[span.clone()].copy_from_slice(&t.mean);
        let (scale, err) = scan::quantise(&t.mean, &mut self.codes[span]);
        self.scales[row] = scale;
        err
    }

    fn clear(&mut self, row: usize, dim: usize) {
        self.ids[row] = None;
        self.scales[row] = 0.0;
        self.codes[row * dim..(row + 1) * dim].fill(0);
    }

    fn template(&self, row: usize, dim: usize) -> Template {
        Template {
            pictures: self.pictures[row],
            weight: self.weights[row],
            mean: self.means[row * dim..(row + 1) * dim].to_vec(),
        }
    }
}

/// One search result.
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    /// The person's id, as enrolled.
    pub id: String,
    /// The cosine similarity of the query and the person's template, in [-1, 1].
    pub similarity: f32,
}

/// An immutable view of the gallery at one moment; searches run on it.
pub(crate) struct Snapshot {
    dim: usize,
    segments: Vec<Arc<Segment>>,
    max_err: f32,
    len: usize,
}

impl Snapshot {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The `k` templates most similar to each query (rows of `dim` floats, finite and
    /// non-zero), best first, at least `min_similarity`; the scan of the segments is
    /// split over `threads` threads.
    pub(crate) fn search(
        &self,
        queries: &[f32],
        k: usize,
        min_similarity: f32,
        threads: usize,
    ) -> Vec<Vec<Match>> {
        let queries: Vec<Query> = queries.chunks_exact(self.dim).map(Query::new).collect();
        let threads = threads.clamp(1, self.segments.len().max(1));
        let per_thread = self.segments.len().div_ceil(threads).max(1);
        let scans = if threads == 1 {
            self.scan_segments(&queries, 0, &self.segments, k, min_similarity)
        } else {
            std::thread::scope(|s| {
                let workers: Vec<_> = self
                    .segments
                    .chunks(per_thread)
                    .enumerate()
                    .map(|(i, part)| {
                        let queries = &queries;
                        s.spawn(move || {
                            self.scan_segments(queries, i * per_thread, part, k, min_similarity)
                        })
                    })
                    .collect();
                let mut joined = workers.into_iter().map(|w| match w.join() {
                    Ok(scans) => scans,
                    Err(panic) => std::panic::resume_unwind(panic),
                });
                let mut total = joined.next().unwrap_or_default();
                for part in joined {
                    for (a, b) in total.iter_mut().zip(part) {
                        a.merge(b);
                    }
                }
                total
            })
        };
        queries
            .iter()
            .zip(scans)
            .map(|(q, scan)| self.rank(q, scan.finish(), k, min_similarity))
            .collect()
    }

    /// Every query's scan over `segments`, the first of which is segment `first`.
    fn scan_segments(
        &self,
        queries: &[Query],
        first: usize,
        segments: &[Arc<Segment>],
        k: usize,
        min_similarity: f32,
    ) -> Vec<Scan> {
        let mut scans: Vec<Scan> = queries
            .iter()
            .map(|q| Scan::new(q, k, self.max_err, min_similarity))
            .collect();
        let mut dots = vec![0i32; SEGMENT_ROWS];
        for (i, seg) in segments.iter().enumerate() {
            let rows = seg.rows();
            let base = ((first + i) * SEGMENT_ROWS) as u32;
            for (q, scan) in queries.iter().zip(&mut scans) {
                scan::dots(&q.codes, &seg.codes, &mut dots[..rows]);
                scan.visit(q, base, &dots[..rows], &seg.scales, |r| {
                    seg.ids[r].is_some()
                });
            }
        }
        scans
    }

    /// The candidates' exact similarities, best first, cut to `k` and the minimum.
    fn rank(&self, q: &Query, candidates: Vec<Candidate>, k: usize, min: f32) -> Vec<Match> {
        let mut exact: Vec<(f32, u32)> = candidates
            .iter()
            .filter_map(|c| {
                let (seg, row) = split(c.slot);
                let seg = &self.segments[seg];
                let mean = &seg.means[row * self.dim..(row + 1) * self.dim];
                let s = q.cosine(mean);
                (s >= min).then_some((s, c.slot))
            })
            .collect();
        exact.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        exact.truncate(k);
        exact
            .into_iter()
            .map(|(similarity, slot)| {
                let (seg, row) = split(slot);
                let id = self.segments[seg].ids[row].as_deref().unwrap_or_default();
                Match {
                    id: id.to_string(),
                    similarity,
                }
            })
            .collect()
    }
}

fn split(slot: u32) -> (usize, usize) {
    let slot = slot as usize;
    (slot / SEGMENT_ROWS, slot % SEGMENT_ROWS)
}

/// The writer's side: segments, where each id lives, and the holes to reuse. Owned by
/// the gallery's writer lock.
pub(crate) struct Index {
    dim: usize,
    segments: Vec<Arc<Segment>>,
    slots: HashMap<Arc<str>, u32>,
    holes: Vec<u32>,
    max_err: f32,
}

impl Index {
    pub(crate) fn new(dim: usize) -> Self {
        Index {
            dim,
            segments: Vec::new(),
            slots: HashMap::new(),
            holes: Vec::new(),
            max_err: 0.0,
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<Template> {
        let (seg, row) = split(*self.slots.get(id)?);
        Some(self.segments[seg].template(row, self.dim))
    }

    /// Sets `id`'s template, adding the person if new.
    pub(crate) fn put(&mut self, id: &str, t: &Template) {
        let (slot, key) = match self.slots.get_key_value(id) {
            Some((key, &slot)) => (slot, key.clone()),
            None => {
                let key: Arc<str> = Arc::from(id);
                let slot = self.holes.pop().unwrap_or_else(|| self.next_slot());
                self.slots.insert(key.clone(), slot);
                (slot, key)
            }
        };
        let (seg, row) = split(slot);
        if seg == self.segments.len() {
            self.segments.push(Arc::new(Segment::new()));
        }
        let err = Arc::make_mut(&mut self.segments[seg]).set(row, self.dim, key, t);
        self.max_err = self.max_err.max(err);
    }

    /// The slot after the last row of the last segment.
    fn next_slot(&self) -> u32 {
        match self.segments.last() {
            None => 0,
            Some(last) => ((self.segments.len() - 1) * SEGMENT_ROWS + last.rows()) as u32,
        }
    }

    /// Removes `id`; false when it was not there.
    pub(crate) fn remove(&mut self, id: &str) -> bool {
        let Some(slot) = self.slots.remove(id) else {
            return false;
        };
        let (seg, row) = split(slot);
        Arc::make_mut(&mut self.segments[seg]).clear(row, self.dim);
        self.holes.push(slot);
        true
    }

    /// The index as it is now, for searches.
    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        Arc::new(Snapshot {
            dim: self.dim,
            segments: self.segments.clone(),
            max_err: self.max_err,
            len: self.slots.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(seed: u64, dim: usize) -> Template {
        let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mean = (0..dim)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                (s % 20_001) as f32 / 10_000.0 - 1.0
            })
            .collect();
        Template {
            pictures: 1,
            weight: 0.5,
            mean,
        }
    }

    fn brute_force(index: &Index, q: &[f32], k: usize) -> Vec<String> {
        let mut all: Vec<(f32, String)> = index
            .slots
            .keys()
            .map(|id| {
                let t = index.get(id).unwrap();
                (crate::similarity(q, &t.mean).unwrap(), id.to_string())
            })
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0));
        all.into_iter().take(k).map(|(_, id)| id).collect()
    }

    #[test]
    fn search_finds_the_exact_top_k_across_segments_and_threads() {
        let dim = 16; // few dimensions: many near ties, the hard case for the bound
        let mut index = Index::new(dim);
        for i in 0..3000 {
            index.put(&format!("p{i}"), &template(i, dim));
        }
        for i in (0..3000).step_by(7) {
            assert!(index.remove(&format!("p{i}")));
        }
        let snap = index.snapshot();
        let queries: Vec<f32> = (0..20)
            .flat_map(|i| template(10_000 + i, dim).mean)
            .collect();
        for threads in [1, 3] {
            let found = snap.search(&queries, 5, -1.0, threads);
            for (q, f) in queries.chunks(dim).zip(&found) {
                let ids: Vec<String> = f.iter().map(|m| m.id.clone()).collect();
                assert_eq!(ids, brute_force(&index, q, 5));
                for m in f {
                    let t = index.get(&m.id).unwrap();
                    let s = crate::similarity(q, &t.mean).unwrap();
                    assert!((s - m.similarity).abs() < 1e-6);
                }
            }
        }
    }

    #[test]
    fn minimum_similarity_and_holes() {
        let dim = 8;
        let mut index = Index::new(dim);
        for i in 0..10 {
            index.put(&format!("p{i}"), &template(i, dim));
        }
        let q = index.get("p3").unwrap().mean;
        let snap = index.snapshot();
        let found = &snap.search(&q, 10, 0.999, 1)[0];
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "p3");
        assert!(index.remove("p3"));
        assert!(!index.remove("p3"));
        // The old snapshot still sees p3; a new one does not.
        assert_eq!(snap.search(&q, 1, 0.999, 1)[0][0].id, "p3");
        assert!(index.snapshot().search(&q, 1, 0.999, 1)[0].is_empty());
        // The hole is reused.
        index.put("new", &template(99, dim));
        assert_eq!(index.slots.len(), 10);
        assert_eq!(index.snapshot().segments[0].rows(), 10);
    }
}
