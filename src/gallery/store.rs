//! The gallery on disk: one SQLite database (compiled into the library, so the target
//! needs nothing installed). Every change is one transaction, committed before the
//! gallery's memory changes, so a crash or a killed process never loses an
//! acknowledged enrolment and never leaves half a person.
//!
//! Schema (format 1):
//! - `drgan_gallery`: one row, the model the gallery belongs to (`config`,
//!   `feature_dim`, `model_fingerprint` in hex) and a `generation` counter that every
//!   write raises, so a process sees when another one has written.
//! - `people`: `id` (TEXT, the primary key), `pictures`, `weight` (Σω), `mean` (the
//!   template Σωᵢfᵢ / Σωᵢ as little-endian f32) and `checksum`, a 64-bit hash of the
//!   other four. SQLite keeps no checksums of its own: this one finds damage inside a
//!   row, which opening reports instead of loading a wrong template.
//!
//! The file is in WAL mode with `synchronous = FULL`: readers in other processes do not
//! block a writer, and a commit is on disk when the call returns. Writers of several
//! processes take turns; one that waits over [`BUSY_TIMEOUT`] fails.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::id::check_id;
use super::index::{Index, Template};
use super::stamp::Stamp;
use crate::{Error, Result};

/// The file format this library writes and reads.
pub(crate) const FORMAT: i64 = 1;

/// How long a write waits for another process's write to finish.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A change to one person, as it is written.
pub(crate) enum Change {
    Put(String, Template),
    Remove(String),
}

/// An open gallery file; owned by the gallery's writer lock.
pub(crate) struct Store {
    conn: Connection,
    path: PathBuf,
    /// The generation this process's memory reflects.
    generation: i64,
}

impl Store {
    /// Opens or creates the gallery at `path` for the model `stamp`, and loads its
    /// people.
    pub(crate) fn open(path: &Path, stamp: &Stamp) -> Result<(Store, Index)> {
        let conn = Connection::open(path).map_err(|e| fail(path, "cannot open", e))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            generation: 0,
        };
        store.configure()?;
        store.create_or_check(stamp)?;
        let index = store.load(stamp.feature_dim)?;
        Ok((store, index))
    }

    fn configure(&mut self) -> Result<()> {
        let path = &self.path;
        self.conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| fail(path, "cannot configure", e))?;
        // The first statement that reads the file: a file that is not SQLite fails here.
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| not_a_gallery(path, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Gallery(format!(
                "{}: cannot switch to WAL journaling (got {mode})",
                path.display()
            )));
        }
        self.conn
            .execute_batch("PRAGMA synchronous = FULL")
            .map_err(|e| fail(path, "cannot configure", e))
    }

    /// Creates the tables in an empty database, or checks that the gallery belongs to
    /// this model. Only creating takes the write lock.
    fn create_or_check(&mut self, stamp: &Stamp) -> Result<()> {
        let path = self.path.clone();
        if tables(&self.conn, &path)?.is_empty() {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(|e| not_a_gallery(&path, e))?;
            // Another process may have created it since the look above.
            if tables(&tx, &path)?.is_empty() {
                tx.execute_batch(
                    "CREATE TABLE drgan_gallery (
                         format INTEGER NOT NULL, config TEXT NOT NULL,
                         feature_dim INTEGER NOT NULL, model_fingerprint TEXT NOT NULL,
                         generation INTEGER NOT NULL);
                     CREATE TABLE people (
                         id TEXT PRIMARY KEY NOT NULL, pictures INTEGER NOT NULL,
                         weight REAL NOT NULL, mean BLOB NOT NULL, checksum INTEGER NOT NULL);",
                )
                .map_err(|e| fail(&path, "cannot create the tables", e))?;
                tx.execute(
                    "INSERT INTO drgan_gallery VALUES (?1, ?2, ?3, ?4, 0)",
                    params![
                        FORMAT,
                        stamp.config,
                        stamp.feature_dim as i64,
                        stamp.fingerprint_hex()
                    ],
                )
                .map_err(|e| fail(&path, "cannot write the header", e))?;
            }
            tx.commit().map_err(|e| fail(&path, "cannot commit", e))?;
        }
        self.check(stamp)
    }

    /// Checks that the file is a gallery of a format this library reads, built with
    /// the model `stamp`.
    fn check(&self, stamp: &Stamp) -> Result<()> {
        let path = &self.path;
        let tables = tables(&self.conn, path)?;
        if !tables.iter().any(|t| t == "drgan_gallery") || !tables.iter().any(|t| t == "people") {
            return Err(Error::Gallery(format!(
                "{} is an SQLite database but not a drgan gallery (its tables: {})",
                path.display(),
                tables.join(", ")
            )));
        }
        let header = self
            .conn
            .query_row(
                "SELECT format, config, feature_dim, model_fingerprint FROM drgan_gallery",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| not_a_gallery(path, e))?;
        let Some((format, config, dim, fingerprint)) = header else {
            return Err(Error::Gallery(format!(
                "{}: the gallery header row is missing",
                path.display()
            )));
        };
        if format != FORMAT {
            return Err(Error::Gallery(format!(
                "{}: gallery format {format}; this library reads format {FORMAT}",
                path.display()
            )));
        }
        let theirs = format!("config `{config}`, feature_dim {dim}, encoder {fingerprint}");
        let ours = format!(
            "config `{}`, feature_dim {}, encoder {}",
            stamp.config,
            stamp.feature_dim,
            stamp.fingerprint_hex()
        );
        if theirs != ours {
            return Err(Error::ModelMismatch(format!(
                "{} was built with another model ({theirs}); this model is {ours}",
                path.display()
            )));
        }
        Ok(())
    }

    /// Every person in the file, as an index.
    fn load(&mut self, dim: usize) -> Result<Index> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| fail(&path, "cannot read", e))?;
        let (generation, index) = read_all(&tx, &path, dim)?;
        tx.commit().map_err(|e| fail(&path, "cannot read", e))?;
        self.generation = generation;
        Ok(index)
    }

    /// Runs one write: `plan` sees the people as they are in the file (reloaded into
    /// `index` first when another process has written since) and says what to change;
    /// the changes are committed in one transaction. Returns the changes and what
    /// `plan` returned; `index` is updated by the caller after the commit.
    pub(crate) fn write<T>(
        &mut self,
        index: &mut Index,
        dim: usize,
        plan: impl FnOnce(&Index) -> Result<(Vec<Change>, T)>,
    ) -> Result<(Vec<Change>, T)> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| fail(&path, "cannot start a write", e))?;
        let generation = read_generation(&tx, &path)?;
        if generation != self.generation {
            *index = read_all(&tx, &path, dim)?.1;
        }
        let (changes, out) = plan(index)?;
        {
            let mut put = tx
                .prepare(
                    "INSERT INTO people (id, pictures, weight, mean, checksum)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT(id) DO UPDATE SET pictures = excluded.pictures,
                         weight = excluded.weight, mean = excluded.mean,
                         checksum = excluded.checksum",
                )
                .map_err(|e| fail(&path, "cannot write", e))?;
            let mut remove = tx
                .prepare("DELETE FROM people WHERE id = ?1")
                .map_err(|e| fail(&path, "cannot write", e))?;
            let mut scratch = Vec::new();
            for change in &changes {
                match change {
                    Change::Put(id, t) => {
                        let mean = to_bytes(&t.mean);
                        let weight = t.weight as f64;
                        put.execute(params![
                            id,
                            t.pictures as i64,
                            weight,
                            mean,
                            checksum(&mut scratch, id, t.pictures as i64, weight, &mean)
                        ])
                    }
                    Change::Remove(id) => remove.execute(params![id]),
                }
                .map_err(|e| fail(&path, "cannot write", e))?;
            }
        }
        tx.execute(
            "UPDATE drgan_gallery SET generation = ?1",
            params![generation + 1],
        )
        .map_err(|e| fail(&path, "cannot write", e))?;
        tx.commit().map_err(|e| fail(&path, "cannot commit", e))?;
        self.generation = generation + 1;
        Ok((changes, out))
    }

    /// Reloads the people when another process has written since this one last read;
    /// returns the new index, or `None` when nothing changed.
    pub(crate) fn refresh(&mut self, dim: usize) -> Result<Option<Index>> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| fail(&path, "cannot read", e))?;
        if read_generation(&tx, &path)? == self.generation {
            return Ok(None);
        }
        let (generation, index) = read_all(&tx, &path, dim)?;
        tx.commit().map_err(|e| fail(&path, "cannot read", e))?;
        self.generation = generation;
        Ok(Some(index))
    }
}

/// The names of the database's tables.
fn tables(conn: &Connection, path: &Path) -> Result<Vec<String>> {
    let mut st = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .map_err(|e| not_a_gallery(path, e))?;
    let rows = st
        .query_map([], |r| r.get(0))
        .map_err(|e| not_a_gallery(path, e))?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(|e| not_a_gallery(path, e))
}

fn read_generation(conn: &Connection, path: &Path) -> Result<i64> {
    conn.query_row("SELECT generation FROM drgan_gallery", [], |r| r.get(0))
        .map_err(|e| not_a_gallery(path, e))
}

/// The generation and every person, each row checked.
fn read_all(conn: &Connection, path: &Path, dim: usize) -> Result<(i64, Index)> {
    let generation = read_generation(conn, path)?;
    let mut index = Index::new(dim);
    let mut st = conn
        .prepare("SELECT id, pictures, weight, mean, checksum FROM people ORDER BY rowid")
        .map_err(|e| not_a_gallery(path, e))?;
    let mut rows = st.query([]).map_err(|e| not_a_gallery(path, e))?;
    let mut mean = vec![0f32; dim];
    let mut scratch = Vec::new();
    while let Some(row) = rows.next().map_err(|e| not_a_gallery(path, e))? {
        let bad = |what: String| Error::Gallery(format!("{}: {what}", path.display()));
        let id: String = row.get(0).map_err(|e| not_a_gallery(path, e))?;
        let pictures: i64 = row.get(1).map_err(|e| not_a_gallery(path, e))?;
        let weight: f64 = row.get(2).map_err(|e| not_a_gallery(path, e))?;
        let bytes = row
            .get_ref(3)
            .and_then(|v| Ok(v.as_blob()?))
            .map_err(|e| not_a_gallery(path, e))?;
        let stored: i64 = row.get(4).map_err(|e| not_a_gallery(path, e))?;
        if stored != checksum(&mut scratch, &id, pictures, weight, bytes) {
            return Err(bad(format!(
                "person `{id}` is damaged (its checksum does not match)"
            )));
        }
        check_id(&id).map_err(|e| bad(format!("a stored id is invalid: {e}")))?;
        if bytes.len() != dim * 4 {
            return Err(bad(format!(
                "person `{id}` has {} bytes of template; {} expected",
                bytes.len(),
                dim * 4
            )));
        }
        for (m, b) in mean.iter_mut().zip(bytes.chunks_exact(4)) {
            *m = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
        let weight = weight as f32;
        let valid = pictures >= 1
            && pictures <= u32::MAX as i64
            && weight.is_finite()
            && weight > 0.0
            && mean.iter().all(|v| v.is_finite())
            && mean.iter().any(|&v| v != 0.0);
        if !valid {
            return Err(bad(format!("person `{id}` has an invalid template")));
        }
        index.put(
            &id,
            &Template {
                pictures: pictures as u32,
                weight,
                mean: mean.clone(),
            },
        );
    }
    Ok((generation, index))
}

/// The checksum of a row: the fingerprint of its fields' bytes, laid out in `bytes`
/// (a buffer reused from row to row).
fn checksum(bytes: &mut Vec<u8>, id: &str, pictures: i64, weight: f64, mean: &[u8]) -> i64 {
    bytes.clear();
    bytes.extend_from_slice(id.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(&pictures.to_le_bytes());
    bytes.extend_from_slice(&weight.to_le_bytes());
    bytes.extend_from_slice(mean);
    crate::fingerprint::fingerprint(bytes) as i64
}

fn to_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn fail(path: &Path, what: &str, e: rusqlite::Error) -> Error {
    Error::Gallery(format!("{}: {what}: {e}", path.display()))
}

/// An error reading what should be a gallery: not SQLite, corrupt, or truncated.
fn not_a_gallery(path: &Path, e: rusqlite::Error) -> Error {
    Error::Gallery(format!(
        "{} is not a readable drgan gallery (not a database, corrupt or truncated?): {e}",
        path.display()
    ))
}
