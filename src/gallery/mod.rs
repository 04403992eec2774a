//! The face gallery: enrolled people and 1:N search. See `docs/gallery.md`.
//!
//! A [`Gallery`] belongs to one model: it records the model's configuration, feature size
//! and encoder fingerprint, and refuses features and files of another model. A person's
//! template is the confidence-weighted mean of their pictures' features, Σωᵢfᵢ / Σωᵢ (the
//! model's own fusion), so enrolling more pictures of someone refines their template.
//!
//! **Threads.** `Gallery` is `Send + Sync`; share one between threads. Searches run on
//! an immutable snapshot and take no lock while they scan, so any number run at once,
//! also while another thread enrols; writes are serialised among themselves.
//!
//! **Persistence.** [`Gallery::open`] keeps the people in an SQLite file; each write is
//! one transaction, committed before the call returns and before searches see it.
//! [`Gallery::in_memory`] keeps them in memory only.

mod id;
mod index;
mod scan;
mod stamp;
mod store;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use self::id::check_id;
use self::index::{Index, Snapshot, Template};
use self::stamp::Stamp;
use self::store::{Change, Store};
use crate::{Embedding, Error, Model, Result};

pub use self::index::Match;

/// One enrolled person, from [`Gallery::person`].
#[derive(Clone, Debug, PartialEq)]
pub struct Person {
    /// The caller's id.
    pub id: String,
    /// How many pictures built the template.
    pub pictures: u32,
    /// The template: Σωᵢfᵢ / Σωᵢ over the person's pictures (length `feature_dim`).
    pub feature: Vec<f32>,
    /// The mean confidence ω of the pictures.
    pub confidence: f32,
}

/// Enrolled people of one model, searchable by feature; in memory or in an SQLite file.
/// `Send + Sync`: searches run concurrently with each other and with writes.
pub struct Gallery {
    stamp: Stamp,
    path: Option<PathBuf>,
    /// The writer's state: the index and the file. Held for a whole write.
    writer: Mutex<Writer>,
    /// What searches read; replaced (not changed) by each write. Held only to clone.
    published: RwLock<Arc<Snapshot>>,
}

struct Writer {
    index: Index,
    store: Option<Store>,
}

impl Gallery {
    /// The longest id, in UTF-8 bytes.
    pub const MAX_ID_BYTES: usize = id::MAX_BYTES;

    /// Opens the gallery file at `path` for `model`, creating it when it does not exist
    /// (or is an empty file), and loads its people into memory.
    ///
    /// Errors: `Gallery` (not a drgan gallery, corrupt or truncated, unknown format,
    /// cannot be created); `ModelMismatch` (built with another model).
    pub fn open(path: impl AsRef<Path>, model: &Model) -> Result<Gallery> {
        let path = path.as_ref();
        let stamp = Stamp::of(model);
        let (store, index) = Store::open(path, &stamp)?;
        Ok(Self::new(
            stamp,
            Some(path.to_path_buf()),
            index,
            Some(store),
        ))
    }

    /// An empty gallery for `model` kept in memory only.
    pub fn in_memory(model: &Model) -> Gallery {
        let stamp = Stamp::of(model);
        let index = Index::new(stamp.feature_dim);
        Self::new(stamp, None, index, None)
    }

    fn new(stamp: Stamp, path: Option<PathBuf>, index: Index, store: Option<Store>) -> Self {
        let published = RwLock::new(index.snapshot());
        Gallery {
            stamp,
            path,
            writer: Mutex::new(Writer { index, store }),
            published,
        }
    }

    /// The file this gallery lives in; `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The length of the features it holds (the model's `feature_dim`).
    pub fn feature_dim(&self) -> usize {
        self.stamp.feature_dim
    }

    /// How many people are enrolled.
    pub fn len(&self) -> usize {
        self.snapshot().len()
    }

    /// Whether nobody is enrolled.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `id` is enrolled. (Takes the writer lock: waits for a write in progress.)
    pub fn contains(&self, id: &str) -> bool {
        self.writer().index.get(id).is_some()
    }

    /// The enrolled person `id`, or `None`. (Takes the writer lock: waits for a write in
    /// progress.)
    pub fn person(&self, id: &str) -> Option<Person> {
        let t = self.writer().index.get(id)?;
        Some(Person {
            id: id.to_string(),
            pictures: t.pictures,
            confidence: t.weight / t.pictures as f32,
            feature: t.mean,
        })
    }

    /// Enrols pictures of person `id`: creates the person, or adds the pictures to their
    /// template (Σωᵢfᵢ / Σωᵢ over all their pictures so far). One transaction.
    ///
    /// Errors: `InvalidArgument` (an id that is empty, over [`Self::MAX_ID_BYTES`] or
    /// holds NUL; no pictures; a feature of the wrong length, not finite, or a confidence
    /// that is not a positive number; a template that sums to zero); `Gallery`.
    pub fn enrol(&self, id: &str, pictures: &[Embedding]) -> Result<()> {
        let batch: Vec<(&str, &Embedding)> = pictures.iter().map(|p| (id, p)).collect();
        self.enrol_checked(id, &batch)
    }

    /// Enrols many pictures in one transaction, each with its person's id (an id may
    /// come several times). Faster than one [`Self::enrol`] a person; all or nothing.
    ///
    /// Errors: as [`Self::enrol`]; the message names the picture.
    pub fn enrol_batch(&self, pictures: &[(&str, &Embedding)]) -> Result<()> {
        self.enrol_checked("", pictures)
    }

    fn enrol_checked(&self, id: &str, pictures: &[(&str, &Embedding)]) -> Result<()> {
        if pictures.is_empty() {
            return Err(Error::invalid(if id.is_empty() {
                "no pictures to enrol".to_string()
            } else {
                format!("no pictures to enrol for `{id}`")
            }));
        }
        for (i, (id, e)) in pictures.iter().enumerate() {
            self.check_picture(id, e)
                .map_err(|e| prefix(e, pictures.len(), i))?;
        }
        self.write(|index| {
            let mut people: Vec<(&str, Template)> = Vec::new();
            let mut at = std::collections::HashMap::new();
            for &(id, e) in pictures {
                let slot = *at.entry(id).or_insert_with(|| {
                    people.push((id, index.get(id).unwrap_or(EMPTY)));
                    people.len() - 1
                });
                add_picture(&mut people[slot].1, e, id)?;
            }
            let changes = people
                .into_iter()
                .map(|(id, t)| finish(id, t).map(|t| Change::Put(id.to_string(), t)))
                .collect::<Result<_>>()?;
            Ok((changes, ()))
        })
    }

    /// Replaces person `id`'s template with one built from `pictures` only (creates the
    /// person when new). One transaction.
    ///
    /// Errors: as [`Self::enrol`].
    pub fn replace(&self, id: &str, pictures: &[Embedding]) -> Result<()> {
        if pictures.is_empty() {
            return Err(Error::invalid(format!("no pictures to enrol for `{id}`")));
        }
        for (i, e) in pictures.iter().enumerate() {
            self.check_picture(id, e)
                .map_err(|e| prefix(e, pictures.len(), i))?;
        }
        self.write(|_| {
            let mut t = EMPTY;
            for e in pictures {
                add_picture(&mut t, e, id)?;
            }
            Ok((vec![Change::Put(id.to_string(), finish(id, t)?)], ()))
        })
    }

    /// Removes person `id`; `Ok(false)` when nobody has that id. One transaction.
    ///
    /// Errors: `InvalidArgument` (a malformed id); `Gallery`.
    pub fn remove(&self, id: &str) -> Result<bool> {
        check_id(id)?;
        self.write(|index| {
            Ok(match index.get(id) {
                Some(_) => (vec![Change::Remove(id.to_string())], true),
                None => (Vec::new(), false),
            })
        })
    }

    /// The `k` enrolled people most similar to `feature`, best first, as cosine
    /// similarities of the feature and their templates (what [`crate::similarity`]
    /// gives, within 1e-6); only those at or above `min_similarity` when given. Exact:
    /// the same people a comparison with every template would find (see
    /// `docs/gallery.md`). Runs on the calling thread.
    ///
    /// Errors: `InvalidArgument` (`k` 0; a feature of the wrong length, not finite or
    /// zero; a minimum outside [-1, 1]).
    pub fn search(
        &self,
        feature: &[f32],
        k: usize,
        min_similarity: Option<f32>,
    ) -> Result<Vec<Match>> {
        self.check_feature(feature)?;
        let mut found = self.search_on(feature, 1, k, min_similarity, 1)?;
        Ok(found.pop().unwrap_or_default())
    }

    /// [`Self::search`] for `count` features at once (`features` holds them one after
    /// the other), spread over every core; returns one list a feature. Each feature's
    /// result is the same as its own `search`.
    ///
    /// Errors: as [`Self::search`]; `features` empty or not a whole number of features.
    pub fn search_batch(
        &self,
        features: &[f32],
        k: usize,
        min_similarity: Option<f32>,
    ) -> Result<Vec<Vec<Match>>> {
        let dim = self.stamp.feature_dim;
        if features.is_empty() || !features.len().is_multiple_of(dim) {
            return Err(Error::invalid(format!(
                "features holds {} floats: give one or more features of {dim}",
                features.len()
            )));
        }
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.search_on(features, features.len() / dim, k, min_similarity, threads)
    }

    fn search_on(
        &self,
        features: &[f32],
        count: usize,
        k: usize,
        min_similarity: Option<f32>,
        threads: usize,
    ) -> Result<Vec<Vec<Match>>> {
        if k == 0 {
            return Err(Error::invalid("k is 0: ask for at least one match"));
        }
        let min = match min_similarity {
            None => -1.0,
            Some(m) if (-1.0..=1.0).contains(&m) => m,
            Some(m) => {
                return Err(Error::invalid(format!(
                    "min_similarity {m} is outside [-1, 1]"
                )))
            }
        };
        for (i, f) in features.chunks(self.stamp.feature_dim).enumerate() {
            self.check_feature(f).map_err(|e| prefix(e, count, i))?;
        }
        let snapshot = self.snapshot();
        if snapshot.len() == 0 {
            return Ok(vec![Vec::new(); count]);
        }
        let k = k.min(snapshot.len());
        Ok(snapshot.search(features, k, min, threads))
    }

    /// Loads the changes other processes have made to the file since this gallery last
    /// read or wrote it; `Ok(true)` when there were any. (A write sees them anyway: it
    /// reloads first when the file has changed.) In memory, always `Ok(false)`.
    ///
    /// Errors: `Gallery`.
    pub fn refresh(&self) -> Result<bool> {
        let mut w = self.writer();
        let dim = self.stamp.feature_dim;
        let Some(store) = w.store.as_mut() else {
            return Ok(false);
        };
        match store.refresh(dim)? {
            None => Ok(false),
            Some(index) => {
                w.index = index;
                self.publish(&w.index);
                Ok(true)
            }
        }
    }

    /// Runs one write under the writer lock: `plan` says what to change, the file
    /// commits it, then memory follows and a new snapshot is published.
    fn write<T>(&self, plan: impl FnOnce(&Index) -> Result<(Vec<Change>, T)>) -> Result<T> {
        let mut guard = self.writer();
        let w = &mut *guard;
        let dim = self.stamp.feature_dim;
        let (changes, out) = match w.store.as_mut() {
            Some(store) => store.write(&mut w.index, dim, plan)?,
            None => plan(&w.index)?,
        };
        for change in &changes {
            match change {
                Change::Put(id, t) => w.index.put(id, t),
                Change::Remove(id) => {
                    w.index.remove(id);
                }
            }
        }
        self.publish(&w.index);
        Ok(out)
    }

    fn publish(&self, index: &Index) {
        let snapshot = index.snapshot();
        *self.published.write().unwrap_or_else(|e| e.into_inner()) = snapshot;
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        self.published
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The writer lock. A panic inside a write (a bug) cannot leave memory half
    /// changed (memory changes only after the commit, by infallible steps), so a
    /// poisoned lock is taken over.
    fn writer(&self) -> MutexGuard<'_, Writer> {
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn check_picture(&self, id: &str, e: &Embedding) -> Result<()> {
        check_id(id)?;
        self.check_feature_values(&e.feature)?;
        if !(e.confidence.is_finite() && e.confidence > 0.0) {
            return Err(Error::invalid(format!(
                "confidence {} is not a positive number",
                e.confidence
            )));
        }
        Ok(())
    }

    fn check_feature(&self, f: &[f32]) -> Result<()> {
        self.check_feature_values(f)?;
        if f.iter().all(|&v| v == 0.0) {
            return Err(Error::invalid("the feature is zero: it has no direction"));
        }
        Ok(())
    }

    fn check_feature_values(&self, f: &[f32]) -> Result<()> {
        let dim = self.stamp.feature_dim;
        if f.len() != dim {
            return Err(Error::invalid(format!(
                "a feature of {} floats; this gallery's model gives {dim}",
                f.len()
            )));
        }
        if !f.iter().all(|v| v.is_finite()) {
            return Err(Error::invalid("the feature holds NaN or infinity"));
        }
        Ok(())
    }
}

/// A template with no pictures yet.
const EMPTY: Template = Template {
    pictures: 0,
    weight: 0.0,
    mean: Vec::new(),
};

/// Adds one picture to a template: the running Σωᵢfᵢ / Σωᵢ.
fn add_picture(t: &mut Template, e: &Embedding, id: &str) -> Result<()> {
    t.pictures = t
        .pictures
        .checked_add(1)
        .ok_or_else(|| Error::invalid(format!("`{id}` has too many pictures")))?;
    if t.mean.is_empty() {
        t.mean = vec![0.0; e.feature.len()];
    }
    let weight = t.weight + e.confidence;
    let (old, new) = (t.weight / weight, e.confidence / weight);
    for (m, &f) in t.mean.iter_mut().zip(&e.feature) {
        *m = *m * old + f * new;
    }
    t.weight = weight;
    Ok(())
}

/// Checks a finished template: finite and not zero.
fn finish(id: &str, t: Template) -> Result<Template> {
    if !(t.weight.is_finite() && t.mean.iter().all(|v| v.is_finite())) {
        return Err(Error::invalid(format!(
            "`{id}`'s template overflowed: too many pictures"
        )));
    }
    if t.mean.iter().all(|&v| v == 0.0) {
        return Err(Error::invalid(format!(
            "`{id}`'s pictures sum to a zero template"
        )));
    }
    Ok(t)
}

/// Names item `i` of `count` in an argument error.
fn prefix(e: Error, count: usize, i: usize) -> Error {
    match e {
        Error::InvalidArgument(s) if count > 1 => Error::InvalidArgument(format!("item {i}: {s}")),
        e => e,
    }
}
