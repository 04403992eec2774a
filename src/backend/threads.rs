//! The intra-op threads of one model (`Options::threads`). One `Threads` is made per
//! `Model` and shared by its nets; cloning shares the same pool. `Send + Sync`: any
//! number of callers may run through it at once (rayon queues their work).
//!
//! How work is spread (opening a model loads its parts at once, [`Threads::join`]):
//! - without a pool (1 thread, the default) everything runs on the calling thread;
//! - a batch of at least as many images as threads runs one image per thread, each
//!   single-threaded (no synchronisation inside an image, and bit-identical results);
//! - a smaller batch runs image after image, each with tract's matrix products split
//!   over the pool.

use std::sync::{Arc, Once};

use rayon::prelude::*;

use tract_linalg::multithread::{multithread_tract_scope, set_threading_panel_threshold, Executor};

use crate::error::{Error, Result};

/// The most threads a model may ask for: more is a caller's mistake (an unset field),
/// not a machine.
const MAX_THREADS: usize = 256;

/// The fewest output panels a matrix product must have for tract to split it over a
/// pool (tract's default is 64). The paper encoder's last convolutions (6x6 maps) have 30
/// to 63, so at 64 they ran on one thread: 16 made a single image 7–15 % faster on two
/// threads (`cargo bench --bench inference -- paper-2t`). tract keeps this per process,
/// so it is set once, when the first model with threads opens, and only affects
/// multi-threaded tract runs.
const PANELS_WORTH_THREADING: usize = 16;
static PANEL_THRESHOLD: Once = Once::new();

/// A model's thread pool, or none for the calling thread alone.
#[derive(Clone, Default)]
pub(crate) struct Threads {
    pool: Option<Arc<rayon::ThreadPool>>,
}

impl Threads {
    /// `requested` threads: 0 is one per available core, 1 the calling thread alone.
    pub fn new(requested: usize) -> Result<Threads> {
        if requested > MAX_THREADS {
            return Err(Error::invalid(format!(
                "threads is {requested}; at most {MAX_THREADS} (0 means one per core)"
            )));
        }
        let n = match requested {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        if n == 1 {
            return Ok(Threads::default());
        }
        PANEL_THRESHOLD.call_once(|| set_threading_panel_threshold(PANELS_WORTH_THREADING));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .thread_name(|i| format!("drgan-{i}"))
            .build()
            .map_err(|e| Error::LimitExceeded(format!("could not start {n} threads: {e}")))?;
        Ok(Threads {
            pool: Some(Arc::new(pool)),
        })
    }

    /// How many threads run a call.
    pub fn count(&self) -> usize {
        self.pool.as_ref().map_or(1, |p| p.current_num_threads())
    }

    /// `(a(), b())`, the two at once on the pool when there is one (opening a model
    /// loads its parts this way).
    pub fn join<A: Send, B: Send>(
        &self,
        a: impl FnOnce() -> A + Send,
        b: impl FnOnce() -> B + Send,
    ) -> (A, B) {
        match &self.pool {
            None => (a(), b()),
            Some(pool) => pool.install(|| rayon::join(a, b)),
        }
    }

    /// `f()` for one image: tract's matrix products split over the pool, if any.
    pub fn run<T>(&self, f: impl FnOnce() -> T) -> T {
        let executor = match &self.pool {
            None => Executor::SingleThread,
            Some(pool) => Executor::MultiThread(pool.clone()),
        };
        multithread_tract_scope(executor, f)
    }

    /// `f(0) .. f(n-1)` for `n` images, in order, spread over the threads as the
    /// module says.
    pub fn map<T: Send>(&self, n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
        match &self.pool {
            Some(pool) if n >= pool.current_num_threads() => pool.install(|| {
                (0..n)
                    .into_par_iter()
                    .map(|i| multithread_tract_scope(Executor::SingleThread, || f(i)))
                    .collect()
            }),
            _ => (0..n).map(|i| self.run(|| f(i))).collect(),
        }
    }
}

impl std::fmt::Debug for Threads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Threads({})", self.count())
    }
}
