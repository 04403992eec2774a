//! The dataset API: a deterministic `(identity, yaw, variation) -> Sample` function, a
//! per-thread cache of built heads, and parallel batch generation on `std::thread`.

use super::head::Head;
use super::identity::Identity;
use super::nuisance::Nuisance;
use super::render::{render, Landmark};
use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// One generated training picture with its labels.
#[derive(Clone, Debug)]
pub struct Sample {
    pub identity: u64,
    pub variation: u64,
    /// Yaw in degrees; positive = the face turns toward the image's right (the subject's
    /// own left).
    pub yaw_deg: f32,
    /// Pitch in degrees (positive = chin up), from the variation.
    pub pitch_deg: f32,
    /// Roll in degrees, from the variation.
    pub roll_deg: f32,
    pub size: u32,
    /// Row-major RGB8, `size * size * 3` bytes.
    pub rgb: Vec<u8>,
    /// Left eye, right eye, nose tip, left mouth corner, right mouth corner, in pixels.
    pub landmarks: [Landmark; 5],
}

/// What to render: a person, a yaw and a variation index.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Request {
    pub identity: u64,
    pub yaw_deg: f32,
    pub variation: u64,
}

const CACHE_HEADS: usize = 16;

thread_local! {
    static HEADS: RefCell<Vec<(u64, Arc<Head>)>> = const { RefCell::new(Vec::new()) };
}

/// The built head of `identity`, from this thread's small LRU cache.
pub fn head(identity: u64) -> Arc<Head> {
    HEADS.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(i) = c.iter().position(|(k, _)| *k == identity) {
            let e = c.remove(i);
            c.insert(0, e);
            return c[0].1.clone();
        }
        let h = Arc::new(Head::build(&Identity::from_seed(identity)));
        c.insert(0, (identity, h.clone()));
        c.truncate(CACHE_HEADS);
        h
    })
}

/// Renders one picture of `identity` at `yaw_deg` under the conditions of `variation`,
/// as a `size x size` RGB image. Pure: the same arguments give the same bytes.
pub fn sample(identity: u64, yaw_deg: f32, variation: u64, size: u32) -> Sample {
    let h = head(identity);
    let n = Nuisance::sample(identity, variation);
    sample_with(&h, yaw_deg, variation, &n, size)
}

/// As [`sample`], with the lighting and background of variation `scene` instead of
/// `variation`'s own (see [`Nuisance::with_scene_of`]).
pub fn sample_in_scene(
    identity: u64,
    yaw_deg: f32,
    variation: u64,
    scene: u64,
    size: u32,
) -> Sample {
    let h = head(identity);
    let n = Nuisance::sample(identity, variation).with_scene_of(&Nuisance::sample(identity, scene));
    sample_with(&h, yaw_deg, variation, &n, size)
}

/// Key light of [`studio_portrait`]: from the camera's side, 25° above the eyes, so that a
/// portrait and its mirror image are lit alike.
pub const STUDIO_LIGHT_DEG: (f32, f32) = (0.0, 25.0);

/// `identity` at `yaw_deg` in studio conditions ([`Nuisance::studio`] with
/// [`STUDIO_LIGHT_DEG`]): neutral expression, no pitch, roll or framing jitter, a grey
/// background. The same arguments give the same bytes.
pub fn studio_portrait(identity: u64, yaw_deg: f32, size: u32) -> Sample {
    let (azimuth, elevation) = STUDIO_LIGHT_DEG;
    sample_with(
        &head(identity),
        yaw_deg,
        0,
        &Nuisance::studio(azimuth, elevation),
        size,
    )
}

/// Renders a built head under explicit conditions.
pub fn sample_with(head: &Head, yaw_deg: f32, variation: u64, n: &Nuisance, size: u32) -> Sample {
    let r = render(head, yaw_deg, n, size);
    Sample {
        identity: head.identity.seed,
        variation,
        yaw_deg,
        pitch_deg: n.pitch_deg,
        roll_deg: n.roll_deg,
        size,
        rgb: r.rgb,
        landmarks: r.landmarks,
    }
}

/// Number of worker threads to use by default: the machine's parallelism.
pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// Applies `f` to every index in `0..n` on `threads` threads, returning results in order.
pub fn parallel_map<T: Send>(n: usize, threads: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = threads.clamp(1, n.max(1));
    let next = AtomicUsize::new(0);
    const CHUNK: usize = 4;
    let mut parts: Vec<Vec<(usize, T)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                        if start >= n {
                            break;
                        }
                        for i in start..(start + CHUNK).min(n) {
                            out.push((i, f(i)));
                        }
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("worker panicked"))
            .collect()
    });
    let mut all: Vec<(usize, T)> = parts.drain(..).flatten().collect();
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, t)| t).collect()
}

/// Renders `requests` on `threads` threads; results are in request order and identical to
/// calling [`sample`] on each. Keep requests of one identity together: heads are cached
/// per thread.
pub fn batch(requests: &[Request], size: u32, threads: usize) -> Vec<Sample> {
    parallel_map(requests.len(), threads, |i| {
        let r = requests[i];
        sample(r.identity, r.yaw_deg, r.variation, size)
    })
}
