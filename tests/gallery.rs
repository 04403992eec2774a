//! The gallery through the Rust API: fusion of pictures into templates, exact search,
//! persistence across reopening, bad files, another model's files, a writer killed
//! mid-way (1,000 times), two processes on one file, and searches running while
//! another thread enrols.
//!
//! The processes are this test binary run again with `DRGAN_GALLERY_CHILD` set: the
//! test `child` does the child's part and nothing otherwise.

mod fixtures;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use drgan::{Embedding, Error, Gallery, Model};

const NF: usize = 16;
const CHILD: &str = "DRGAN_GALLERY_CHILD";

/// A deterministic feature for `seed` (length NF, never zero).
fn feature(seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    (0..NF)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s % 2001) as f32 / 1000.0 - 1.0 + 1e-3
        })
        .collect()
}

fn picture(seed: u64, confidence: f32) -> Embedding {
    Embedding {
        feature: feature(seed),
        confidence,
    }
}

fn model() -> Model {
    fixtures::tiny_model()
}

#[test]
fn pictures_fuse_into_a_template_weighted_by_confidence() {
    let model = model();
    let g = Gallery::in_memory(&model);
    let (a, b, c) = (picture(1, 0.2), picture(2, 0.6), picture(3, 0.9));
    g.enrol("ada", &[a.clone(), b.clone()]).unwrap();
    g.enrol("ada", std::slice::from_ref(&c)).unwrap();
    let p = g.person("ada").unwrap();
    assert_eq!(p.pictures, 3);
    assert!((p.confidence - (0.2 + 0.6 + 0.9) / 3.0).abs() < 1e-6);
    for (i, v) in p.feature.iter().enumerate() {
        let want = (0.2 * a.feature[i] + 0.6 * b.feature[i] + 0.9 * c.feature[i]) / 1.7;
        assert!((v - want).abs() < 1e-5, "{v} vs {want}");
    }
    // Replacing starts the template again from the new pictures only.
    g.replace("ada", std::slice::from_ref(&c)).unwrap();
    let p = g.person("ada").unwrap();
    assert_eq!((p.pictures, p.feature.clone()), (1, c.feature.clone()));
}

#[test]
fn search_is_exact_best_first_and_honours_the_minimum() {
    let model = model();
    let g = Gallery::in_memory(&model);
    let people: Vec<(String, Embedding)> = (0..500)
        .map(|i| (format!("person {i}"), picture(i, 0.5)))
        .collect();
    let batch: Vec<(&str, &Embedding)> = people.iter().map(|(id, e)| (id.as_str(), e)).collect();
    g.enrol_batch(&batch).unwrap();
    assert_eq!(g.len(), 500);
    let queries: Vec<f32> = (0..40).flat_map(|i| feature(10_000 + i)).collect();
    let batch_found = g.search_batch(&queries, 7, None).unwrap();
    for (q, from_batch) in queries.chunks(NF).zip(&batch_found) {
        let mut all: Vec<(f32, &str)> = people
            .iter()
            .map(|(id, e)| (drgan::similarity(q, &e.feature).unwrap(), id.as_str()))
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0));
        let found = g.search(q, 7, None).unwrap();
        assert_eq!(&found, from_batch);
        let ids: Vec<&str> = found.iter().map(|m| m.id.as_str()).collect();
        let want: Vec<&str> = all[..7].iter().map(|x| x.1).collect();
        assert_eq!(ids, want);
        for (m, (s, _)) in found.iter().zip(&all) {
            assert!((m.similarity - s).abs() < 1e-6);
        }
        let above = g.search(q, 100, Some(all[3].0)).unwrap();
        assert_eq!(
            above.len(),
            4,
            "the minimum keeps exactly those at or above it"
        );
    }
    // A person's own template is their best match.
    let own = g.search(&people[42].1.feature, 1, None).unwrap();
    assert_eq!(own[0].id, "person 42");
    assert!(own[0].similarity > 0.999_999);
    // k beyond the gallery gives everyone.
    assert_eq!(g.search(&queries[..NF], 10_000, None).unwrap().len(), 500);
}

#[test]
fn bad_arguments_are_refused_and_change_nothing() {
    let model = model();
    let g = Gallery::in_memory(&model);
    g.enrol("kept", &[picture(1, 0.5)]).unwrap();
    let long = "x".repeat(256);
    let bad_pictures: Vec<(&str, Embedding, &str)> = vec![
        ("", picture(2, 0.5), "empty"),
        (&long, picture(2, 0.5), "256 bytes"),
        ("a\0b", picture(2, 0.5), "NUL"),
        (
            "short",
            Embedding {
                feature: vec![1.0; NF - 1],
                confidence: 0.5,
            },
            "15 floats",
        ),
        (
            "nan",
            Embedding {
                feature: vec![f32::NAN; NF],
                confidence: 0.5,
            },
            "NaN",
        ),
        ("zero confidence", picture(2, 0.0), "positive"),
        ("nan confidence", picture(2, f32::NAN), "positive"),
        (
            "zero",
            Embedding {
                feature: vec![0.0; NF],
                confidence: 0.5,
            },
            "zero",
        ),
    ];
    for (id, e, word) in &bad_pictures {
        let err = g.enrol(id, std::slice::from_ref(e)).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)), "{id}: {err}");
        assert!(err.to_string().contains(word), "{id}: {err} lacks {word}");
    }
    // In a batch, one bad picture refuses the whole batch and names it.
    let good = picture(3, 0.5);
    let err = g
        .enrol_batch(&[("fine", &good), ("", &good)])
        .unwrap_err()
        .to_string();
    assert!(err.contains("item 1"), "{err}");
    assert!(g.enrol("nobody", &[]).is_err());
    assert_eq!(g.len(), 1);
    assert!(!g.contains("fine"));
    let q = feature(1);
    for (k, min, word) in [
        (0, None, "k is 0"),
        (1, Some(1.5), "outside"),
        (1, Some(f32::NAN), "outside"),
    ] {
        let err = g.search(&q, k, min).unwrap_err().to_string();
        assert!(err.contains(word), "{err}");
    }
    for bad in [
        vec![0.0; NF],
        vec![f32::INFINITY; NF],
        vec![1.0; NF + 1],
        vec![],
    ] {
        assert!(matches!(
            g.search(&bad, 1, None),
            Err(Error::InvalidArgument(_))
        ));
    }
    assert!(g.search_batch(&q[..NF - 1], 1, None).is_err());
    assert!(g.search_batch(&[], 1, None).is_err());
    assert!(!g.remove("nobody").unwrap());
    assert!(g.remove("").is_err());
}

#[test]
fn an_empty_gallery_finds_nobody() {
    let model = model();
    let g = Gallery::in_memory(&model);
    assert!(g.is_empty());
    assert_eq!(g.search(&feature(1), 5, None).unwrap(), vec![]);
    assert_eq!(
        g.search_batch(&[feature(1), feature(2)].concat(), 5, None)
            .unwrap(),
        vec![vec![], vec![]]
    );
}

#[test]
fn a_file_gallery_keeps_everything_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.db");
    let model = model();
    {
        let g = Gallery::open(&path, &model).unwrap();
        assert_eq!(g.path(), Some(path.as_path()));
        g.enrol("ada", &[picture(1, 0.3), picture(2, 0.7)]).unwrap();
        g.enrol("bob", &[picture(3, 0.5)]).unwrap();
        g.enrol("cy", &[picture(4, 0.5)]).unwrap();
        assert!(g.remove("cy").unwrap());
        g.enrol("ada", &[picture(5, 0.4)]).unwrap();
    }
    let memory = Gallery::in_memory(&model);
    memory
        .enrol("ada", &[picture(1, 0.3), picture(2, 0.7)])
        .unwrap();
    memory.enrol("ada", &[picture(5, 0.4)]).unwrap();
    let g = Gallery::open(&path, &model).unwrap();
    assert_eq!(g.len(), 2);
    assert!(!g.contains("cy"));
    assert_eq!(g.person("ada"), memory.person("ada"));
    assert_eq!(g.search(&feature(3), 1, None).unwrap()[0].id, "bob");
    // A second handle on the same file sees the first one's writes after a refresh.
    let other = Gallery::open(&path, &model).unwrap();
    g.enrol("dee", &[picture(6, 0.5)]).unwrap();
    assert!(!other.contains("dee"));
    assert!(other.refresh().unwrap());
    assert!(other.contains("dee"));
    assert!(!other.refresh().unwrap());
}

#[test]
fn files_that_are_not_galleries_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let model = model();
    let random = dir.path().join("random.db");
    std::fs::write(&random, fixtures::picture(64, 64, 7)).unwrap();
    let err = Gallery::open(&random, &model).err().unwrap();
    assert!(matches!(err, Error::Gallery(_)), "{err}");
    assert!(
        err.to_string().contains("not a readable drgan gallery"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&random).unwrap(),
        fixtures::picture(64, 64, 7)
    );

    let foreign = dir.path().join("foreign.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE invoices (n INTEGER)")
        .unwrap();
    let err = Gallery::open(&foreign, &model).err().unwrap();
    assert!(err.to_string().contains("not a drgan gallery"), "{err}");
    assert!(err.to_string().contains("invoices"), "{err}");

    let future = dir.path().join("future.db");
    Gallery::open(&future, &model).unwrap();
    rusqlite::Connection::open(&future)
        .unwrap()
        .execute_batch("UPDATE drgan_gallery SET format = 2")
        .unwrap();
    let err = Gallery::open(&future, &model).err().unwrap();
    assert!(err.to_string().contains("format 2"), "{err}");

    let bad_row = dir.path().join("bad-row.db");
    Gallery::open(&bad_row, &model)
        .unwrap()
        .enrol("ada", &[picture(1, 0.5)])
        .unwrap();
    rusqlite::Connection::open(&bad_row)
        .unwrap()
        .execute_batch("UPDATE people SET mean = x'0102'")
        .unwrap();
    let err = Gallery::open(&bad_row, &model).err().unwrap();
    assert!(err.to_string().contains("`ada` is damaged"), "{err}");

    let not_a_dir = dir.path().join("missing").join("people.db");
    assert!(matches!(
        Gallery::open(&not_a_dir, &model),
        Err(Error::Gallery(_))
    ));
    assert!(matches!(
        Gallery::open(dir.path(), &model),
        Err(Error::Gallery(_))
    ));
}

#[test]
fn a_truncated_or_damaged_file_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.db");
    let model = model();
    {
        let g = Gallery::open(&path, &model).unwrap();
        let people: Vec<(String, Embedding)> = (0..300)
            .map(|i| (format!("p{i}"), picture(i, 0.5)))
            .collect();
        let batch: Vec<_> = people.iter().map(|(id, e)| (id.as_str(), e)).collect();
        g.enrol_batch(&batch).unwrap();
    }
    // Fold the WAL into the main file so that damage to it is damage to the data.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    let whole = std::fs::read(&path).unwrap();
    let page = 4096;
    // Each damage gives a clear error, or a gallery whose every person is intact (SQLite
    // may not need a page that was cut or overwritten).
    let mut damages: Vec<(String, Vec<u8>)> = vec![
        ("cut to 100 bytes".into(), whole[..100].to_vec()),
        ("cut in half".into(), whole[..whole.len() / 2].to_vec()),
        ("cut by one byte".into(), whole[..whole.len() - 1].to_vec()),
    ];
    for p in 1..whole.len() / page {
        let mut d = whole.clone();
        d[p * page + page / 2..p * page + page / 2 + 40].fill(0xA5);
        damages.push((format!("page {p} overwritten"), d));
    }
    let mut refused = 0;
    for (what, bytes) in &damages {
        std::fs::write(&path, bytes).unwrap();
        let _ = std::fs::remove_file(path.with_extension("db-wal"));
        match Gallery::open(&path, &model) {
            Err(Error::Gallery(_)) => refused += 1,
            Err(e) => panic!("{what}: {e}"),
            Ok(g) => {
                for i in 0..300 {
                    if let Some(p) = g.person(&format!("p{i}")) {
                        assert_eq!(p.feature, feature(i), "{what}: p{i} loaded wrong");
                    }
                }
            }
        }
    }
    assert!(
        refused >= damages.len() / 2,
        "{refused} of {}",
        damages.len()
    );
}

#[test]
fn another_models_gallery_is_a_model_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.db");
    Gallery::open(&path, &model())
        .unwrap()
        .enrol("ada", &[picture(1, 0.5)])
        .unwrap();
    let b = fixtures::tiny_bundle(2); // same config, other weights
    let other = Model::from_bytes(&b.encoder, &b.decoder, None, &Default::default()).unwrap();
    assert_ne!(model().encoder_fingerprint(), other.encoder_fingerprint());
    let err = Gallery::open(&path, &other).err().unwrap();
    assert!(matches!(err, Error::ModelMismatch(_)), "{err}");
    assert!(err.to_string().contains("another model"), "{err}");
}

#[test]
fn searches_run_while_another_thread_enrols() {
    let model = model();
    let g = Gallery::in_memory(&model);
    g.enrol("first", &[picture(0, 0.5)]).unwrap();
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        for t in 0..3 {
            let (g, done) = (&g, &done);
            s.spawn(move || {
                let mut n = 0;
                while !done.load(std::sync::atomic::Ordering::Relaxed) || n < 10 {
                    let found = g.search(&feature(t), 3, None).unwrap();
                    assert!(!found.is_empty() && found.len() <= 3);
                    assert!(found.windows(2).all(|w| w[0].similarity >= w[1].similarity));
                    n += 1;
                }
            });
        }
        for i in 1..400 {
            g.enrol(&format!("p{i}"), &[picture(i, 0.5)]).unwrap();
            if i % 3 == 0 {
                g.remove(&format!("p{}", i - 1)).unwrap();
            }
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    assert_eq!(g.len(), 400 - 133);
}

/// What a child process does (see the module doc): `write PATH CYCLE` enrols one batch
/// after another, printing `acked N` after batch N commits, until killed; `share PATH
/// NAME N` enrols N pictures of "shared" and of NAME-i, one write each.
#[test]
fn child() {
    let Ok(spec) = std::env::var(CHILD) else {
        return;
    };
    let args: Vec<&str> = spec.split('|').collect();
    let model = model();
    let g = Gallery::open(args[1], &model).unwrap();
    match args[0] {
        "write" => {
            let cycle: u64 = args[2].parse().unwrap();
            for n in 0.. {
                let (shared, own) = (picture(n, 0.5), picture(cycle * 1000 + n, 0.5));
                let id = format!("c{cycle}-{n}");
                g.enrol_batch(&[("shared", &shared), (&id, &own)]).unwrap();
                println!("acked {n}");
            }
        }
        "share" => {
            let n: u64 = args[3].parse().unwrap();
            for i in 0..n {
                g.enrol("shared", &[picture(i, 0.5)]).unwrap();
                g.enrol(&format!("{}-{i}", args[2]), &[picture(i, 0.5)])
                    .unwrap();
            }
        }
        other => panic!("unknown child task {other}"),
    }
}

fn spawn_child(spec: &str) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env(CHILD, spec)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Kills a writer after a varying number of acknowledged batches, `cycles` times, and
/// checks after each reopening that every acknowledged batch is there whole, and that
/// nothing is half there: "shared" has exactly one picture for each per-batch person.
fn kill_and_reopen(path: &Path, cycles: u64) {
    let model = model();
    for cycle in 0..cycles {
        let mut child = spawn_child(&format!("write|{}|{cycle}", path.display()));
        let wanted = cycle * 7 % 5; // 0..4 acknowledged batches before the kill
        let mut acked = 0;
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        while acked < wanted {
            let line = lines.next().expect("the writer died").unwrap();
            if line.starts_with("acked ") {
                acked += 1;
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let g = Gallery::open(path, &model).unwrap();
        for n in 0..acked {
            let p = g
                .person(&format!("c{cycle}-{n}"))
                .unwrap_or_else(|| panic!("cycle {cycle}: acknowledged batch {n} lost"));
            assert_eq!(p.feature, feature(cycle * 1000 + n), "cycle {cycle}");
        }
        let batches = (g.len() - g.contains("shared") as usize) as u32;
        let shared = g.person("shared").map_or(0, |p| p.pictures);
        assert_eq!(shared, batches, "cycle {cycle}: a batch is half written");
    }
}

#[test]
fn killing_a_writer_never_loses_an_acknowledged_enrolment() {
    let cycles = std::env::var("DRGAN_GALLERY_KILL_CYCLES")
        .map_or(1000, |v| v.parse().expect("DRGAN_GALLERY_KILL_CYCLES"));
    let dir = tempfile::tempdir().unwrap();
    kill_and_reopen(&dir.path().join("people.db"), cycles);
}

#[test]
fn two_processes_write_one_file_without_losing_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.db");
    Gallery::open(&path, &model()).unwrap();
    let mut a = spawn_child(&format!("share|{}|a|40", path.display()));
    let mut b = spawn_child(&format!("share|{}|b|40", path.display()));
    assert!(a.wait().unwrap().success());
    assert!(b.wait().unwrap().success());
    let g = Gallery::open(&path, &model()).unwrap();
    assert_eq!(g.len(), 81);
    // Each process reloaded the other's writes before adding to "shared".
    assert_eq!(g.person("shared").unwrap().pictures, 80);
}
