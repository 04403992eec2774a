//! The real-face benchmarks (`--cfp`, `--lfw`), each picture aligned from its detector
//! points (`detections.csv`) by `Model::align`, as an app would:
//!
//! - CFP split 10 (people 451..500): the FF and FP protocols (350 same + 350 different
//!   pairs each, 10-fold cross-validated accuracy, EER, AUC); rank-1 of the split's
//!   profiles against a gallery of each person's fused frontals, as they are and
//!   frontalized (embedded by `--judge` when given); the pose head's yaw on frontals and
//!   profiles; a picture sheet of profiles, frontalizations and a real frontal, and a
//!   blind line-up of 12 people (`lineup`).
//! - LFW View 1's test pairs (`protocol-pairsDevTest.txt`, 500 + 500, 10 folds).
//!
//! Raw pixels of the same crops are scored beside every figure.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use drgan::{Landmarks, Model, RgbImage};

use crate::lineup;
use crate::metrics::{rank1_hit, scores};
use crate::pairs::{folds, verify, Scored, Verification};
use crate::pixels::{grey, montage, raw_feature};
use crate::table::Table;

/// A set's pictures as the model sees them: crops and features by path.
struct Embedded {
    crops: HashMap<String, RgbImage>,
    model: HashMap<String, Vec<f32>>,
    raw: HashMap<String, Vec<f32>>,
    /// Pictures without a detection, cropped from their whole frame as a face box.
    fallbacks: usize,
}

/// One picture's path, crop, model feature, and whether it had no detection.
type Cropped = (String, RgbImage, Vec<f32>, bool);

/// The detector's five points of each picture it found, by path.
fn detections(dir: &Path) -> Result<HashMap<String, Landmarks>, String> {
    let t = Table::read(&dir.join("detections.csv"))?;
    let (path_c, found_c) = (t.require("path")?, t.require("found")?);
    let mut out = HashMap::new();
    for r in 0..t.len() {
        if t.get(r, found_c) != "1" {
            continue;
        }
        let mut p: Landmarks = [[0.0; 2]; 5];
        for (i, q) in p.iter_mut().enumerate() {
            for (j, axis) in ["x", "y"].iter().enumerate() {
                let c = t.require(&format!("p{}{axis}", i + 1))?;
                q[j] = t.parse(r, c)?;
            }
        }
        out.insert(t.get(r, path_c).to_string(), p);
    }
    Ok(out)
}

/// Aligns and embeds `paths` (relative to `dir`) on `threads` threads.
fn embed_all(
    model: &Model,
    dir: &Path,
    paths: &[String],
    threads: usize,
) -> Result<Embedded, String> {
    let det = detections(dir)?;
    let s = model.info().input_size as usize;
    let chunk = paths.len().div_ceil(threads.max(1)).max(1);
    let parts: Vec<Result<Vec<Cropped>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|part| {
                let det = &det;
                scope.spawn(move || {
                    part.iter()
                        .map(|p| {
                            let img = drgan::io::load_image(dir.join(p), 1 << 26)
                                .map_err(|e| format!("{p}: {e}"))?;
                            let (crop, fallback) = match det.get(p) {
                                Some(points) => (model.align(&img.view(), points), false),
                                None => {
                                    let (w, h) = (img.width as f32, img.height as f32);
                                    (model.align_box(&img.view(), &[0.0, 0.0, w, h]), true)
                                }
                            };
                            let crop = crop.map_err(|e| format!("{p}: {e}"))?;
                            let f = model
                                .embed(&crop.view())
                                .map_err(|e| format!("{p}: {e}"))?
                                .feature;
                            Ok((p.clone(), crop, f, fallback))
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("an embedding thread panicked"))
            .collect()
    });
    let mut e = Embedded {
        crops: HashMap::new(),
        model: HashMap::new(),
        raw: HashMap::new(),
        fallbacks: 0,
    };
    for part in parts {
        for (p, crop, f, fallback) in part? {
            e.raw.insert(p.clone(), raw_feature(&grey(&crop.view())));
            e.model.insert(p.clone(), f);
            e.crops.insert(p, crop);
            e.fallbacks += fallback as usize;
        }
    }
    debug_assert!(e.crops.values().all(|c| c.width as usize == s));
    Ok(e)
}

/// Scores `pairs` (path, path, same) with both feature sets: (model, raw pixels).
fn score_pairs(
    e: &Embedded,
    pairs: &[(String, String, bool)],
) -> Result<(Vec<Scored>, Vec<Scored>), String> {
    let mut model = Vec::new();
    let mut raw = Vec::new();
    for (a, b, same) in pairs {
        let s = drgan::similarity(&e.model[a], &e.model[b]).map_err(|e| e.to_string())?;
        model.push(Scored {
            score: s,
            same: *same,
        });
        let r = drgan::similarity(&e.raw[a], &e.raw[b]).map_err(|e| e.to_string())?;
        raw.push(Scored {
            score: r,
            same: *same,
        });
    }
    Ok((model, raw))
}

fn verification_row(name: &str, v: &Verification) -> String {
    format!(
        "| {name} | {:.1} ± {:.1} % | {:.1} % | {} |\n",
        100.0 * v.accuracy,
        100.0 * v.accuracy_sd,
        100.0 * v.eer,
        v.auc.map_or("n/a".into(), |a| format!("{a:.3}"))
    )
}

const VERIFICATION_HEADER: &str =
    "| features | accuracy (10-fold) | EER | ROC AUC |\n|---|--:|--:|--:|\n";

/// CFP's picture lists: index (1-based) → path relative to the set's folder.
fn cfp_list(dir: &Path, name: &str) -> Result<Vec<String>, String> {
    let p = dir.join("Protocol").join(name);
    let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
    Ok(text
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .map(|p| p.trim_start_matches("../").to_string())
        .collect())
}

/// The pairs of CFP's split `split` of protocol `FF` or `FP`.
fn cfp_pairs(
    dir: &Path,
    protocol: &str,
    split: u32,
    frontal: &[String],
    profile: &[String],
) -> Result<Vec<(String, String, bool)>, String> {
    let mut out = Vec::new();
    for (file, same) in [("same.txt", true), ("diff.txt", false)] {
        let p = dir
            .join("Protocol/Split")
            .join(protocol)
            .join(format!("{split:02}"))
            .join(file);
        let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (a, b) = line
                .split_once(',')
                .ok_or_else(|| format!("{}: bad line {line:?}", p.display()))?;
            let index = |v: &str, list: &[String]| -> Result<String, String> {
                let i: usize = v.trim().parse().map_err(|_| format!("bad index {v:?}"))?;
                list.get(i.wrapping_sub(1))
                    .cloned()
                    .ok_or_else(|| format!("index {i} outside the picture list"))
            };
            let second = if protocol == "FF" { frontal } else { profile };
            out.push((index(a, frontal)?, index(b, second)?, same));
        }
    }
    Ok(out)
}

/// The person of a CFP path (`Data/Images/NNN/...`).
fn cfp_person(path: &str) -> &str {
    path.split('/').nth(2).unwrap_or("")
}

/// CFP split 10: verification, rank-1 (as is and frontalized), yaw, picture sheet.
pub fn cfp(
    model: &Model,
    judge: Option<&Model>,
    dir: &Path,
    threads: usize,
    seed: u64,
    report: Option<&Path>,
) -> Result<String, String> {
    const SPLIT: u32 = 10;
    let frontal = cfp_list(dir, "Pair_list_F.txt")?;
    let profile = cfp_list(dir, "Pair_list_P.txt")?;
    let ff = cfp_pairs(dir, "FF", SPLIT, &frontal, &profile)?;
    let fp = cfp_pairs(dir, "FP", SPLIT, &frontal, &profile)?;
    // Every picture of the split's people (451..500), and those people with frontals:
    // the rank-1 gallery.
    let in_split = |p: &&String| {
        cfp_person(p)
            .parse::<u32>()
            .is_ok_and(|i| (451..=500).contains(&i))
    };
    let fronts: Vec<String> = frontal.iter().filter(in_split).cloned().collect();
    let mut people: Vec<String> = fronts.iter().map(|p| cfp_person(p).to_string()).collect();
    people.dedup();
    let profiles: Vec<String> = profile
        .iter()
        .filter(in_split)
        .filter(|p| people.iter().any(|q| q == cfp_person(p)))
        .cloned()
        .collect();
    if profiles.is_empty() {
        return Err(format!(
            "{}: no profiles of split 10's people with frontals",
            dir.display()
        ));
    }
    let all: Vec<String> = fronts.iter().chain(&profiles).cloned().collect();
    let e = embed_all(model, dir, &all, threads)?;

    let mut out = String::new();
    writeln!(
        out,
        "### CFP split 10 (people 451–500; {} pictures, {} without a detection cropped \
         from their whole frame)\n",
        all.len(),
        e.fallbacks
    )
    .unwrap();
    out += VERIFICATION_HEADER;
    for (name, pairs) in [("FF", &ff), ("FP", &fp)] {
        let (m, r) = score_pairs(&e, pairs)?;
        out += &verification_row(&format!("{name}: model"), &verify(&folds(&m, 10))?);
        out += &verification_row(&format!("{name}: raw pixels"), &verify(&folds(&r, 10))?);
    }

    // Rank-1: each profile against every person's fused frontals.
    let model_gallery = gallery(&people, &fronts, |paths| fused(model, &e, paths))?;
    let raw_gallery = gallery(&people, &fronts, |paths| Ok(mean_raw(&e, paths)))?;
    let judge_model = judge.unwrap_or(model);
    let judge_gallery = gallery(&people, &fronts, |paths| fused(judge_model, &e, paths))?;
    let truth = |p: &str| people.iter().position(|q| q == cfp_person(p)).unwrap_or(0);
    let (mut hits, mut raw_hits, mut front_hits) = (0, 0, 0);
    let mut sheet = Vec::new();
    // Each person's first profile, frontalized, beside their first frontal: the line-up.
    let mut lineup_faces: Vec<Option<(RgbImage, RgbImage)>> = vec![None; people.len()];
    for (k, p) in profiles.iter().enumerate() {
        let t = truth(p);
        hits += rank1_hit(&scores(&e.model[p], &model_gallery)?, t) as usize;
        raw_hits += rank1_hit(&scores(&e.raw[p], &raw_gallery)?, t) as usize;
        let turned = model
            .frontalize(&e.crops[p].view(), seed)
            .map_err(|x| x.to_string())?;
        let f = judge_model
            .embed(&turned.view())
            .map_err(|x| x.to_string())?
            .feature;
        front_hits += rank1_hit(&scores(&f, &judge_gallery)?, t) as usize;
        let real = fronts.iter().find(|f| cfp_person(f) == cfp_person(p));
        if lineup_faces[t].is_none() {
            lineup_faces[t] = real.map(|f| (e.crops[f].clone(), turned.clone()));
        }
        if k % 4 == 0 && sheet.len() < 3 * 16 {
            sheet.push(e.crops[p].clone());
            sheet.push(turned);
            sheet.push(real.map_or_else(|| e.crops[p].clone(), |f| e.crops[f].clone()));
        }
    }
    let n = profiles.len().max(1) as f64;
    writeln!(
        out,
        "\nRank-1 of the {} profiles against the {} people's fused frontals: model \
         {:.1} %, raw pixels {:.1} %; frontalized first, embedded by {}: {:.1} %.",
        profiles.len(),
        people.len(),
        100.0 * hits as f64 / n,
        100.0 * raw_hits as f64 / n,
        if judge.is_some() {
            "the judge"
        } else {
            "the model itself"
        },
        100.0 * front_hits as f64 / n
    )
    .unwrap();
    out += &yaw_line(model, &e, &fronts, &profiles)?;
    if let (Some(dir), Some(sheet)) = (report, montage(&sheet, 12)) {
        let path = dir.join("cfp_sheet.png");
        drgan::io::save_png(&sheet.view(), &path)
            .map_err(|x| format!("{}: {x}", path.display()))?;
        writeln!(
            out,
            "\nWrote `{}`: triples of a split-10 profile, its frontalization and a real \
             frontal of the person (CFP's photographs: not for committing).",
            path.display()
        )
        .unwrap();
    }
    if let Some(dir) = report {
        out += &write_lineup(dir, &lineup_faces, seed)?;
    }
    Ok(out)
}

/// Writes the blind line-up of [`lineup::PEOPLE`] of the split's people, spread evenly
/// over them, and its key into `dir`; the report's line about them.
fn write_lineup(
    dir: &Path,
    faces: &[Option<(RgbImage, RgbImage)>],
    seed: u64,
) -> Result<String, String> {
    let faces: Vec<(RgbImage, RgbImage)> = faces.iter().flatten().cloned().collect();
    let n = faces.len().min(lineup::PEOPLE);
    let chosen: Vec<_> = (0..n)
        .map(|k| faces[k * faces.len() / n.max(1)].clone())
        .collect();
    let Some(l) = lineup::lineup(&chosen, seed) else {
        return Ok(String::new());
    };
    let (png, key) = (dir.join("cfp_lineup.png"), dir.join("cfp_lineup_key.txt"));
    drgan::io::save_png(&l.sheet.view(), &png).map_err(|x| format!("{}: {x}", png.display()))?;
    std::fs::write(&key, lineup::key_text(&l.key))
        .map_err(|x| format!("{}: {x}", key.display()))?;
    Ok(format!(
        "\nWrote `{}`, a blind line-up of {n} people: real frontals on top, their profiles \
         frontalized below in another order (the answers: `{}`; CFP's photographs: not for \
         committing).\n",
        png.display(),
        key.display()
    ))
}

/// One gallery entry per person of `people`: `embed` of their pictures among `fronts`.
fn gallery(
    people: &[String],
    fronts: &[String],
    embed: impl Fn(&[String]) -> Result<Vec<f32>, String>,
) -> Result<Vec<Vec<f32>>, String> {
    people
        .iter()
        .map(|person| {
            let mine: Vec<String> = fronts
                .iter()
                .filter(|f| cfp_person(f) == person)
                .cloned()
                .collect();
            embed(&mine)
        })
        .collect()
}

/// The confidence-weighted fused feature of `paths`' crops (`Model::embed_fused`).
fn fused(model: &Model, e: &Embedded, paths: &[String]) -> Result<Vec<f32>, String> {
    let views: Vec<_> = paths.iter().map(|p| e.crops[p].view()).collect();
    Ok(model
        .embed_fused(&views)
        .map_err(|x| x.to_string())?
        .feature)
}

/// The mean raw-pixel feature of `paths`.
fn mean_raw(e: &Embedded, paths: &[String]) -> Vec<f32> {
    let n = paths.len().max(1) as f32;
    let mut acc = vec![0f32; paths.first().map_or(0, |p| e.raw[p].len())];
    for p in paths {
        for (a, v) in acc.iter_mut().zip(&e.raw[p]) {
            *a += v / n;
        }
    }
    acc
}

/// The pose head's yaw on the split's frontals (error against 0°) and profiles (CFP's
/// profiles are 60–90°: error against 75°), when the bundle has one.
fn yaw_line(
    model: &Model,
    e: &Embedded,
    fronts: &[String],
    profiles: &[String],
) -> Result<String, String> {
    if !model.info().has_pose_head {
        return Ok(String::new());
    }
    let mean_error = |paths: &[String], want: f32| -> Result<f64, String> {
        let mut sum = 0f64;
        for p in paths {
            let y = model
                .estimate_yaw(&e.crops[p].view())
                .map_err(|x| x.to_string())?;
            sum += (y.abs() - want).abs() as f64;
        }
        Ok(sum / paths.len().max(1) as f64)
    };
    Ok(format!(
        "\nPose head: mean |yaw| error {:.1}° on the frontals (against 0°), {:.1}° on \
         the profiles (against 75°, the middle of CFP's 60–90°).\n",
        mean_error(fronts, 0.0)?,
        mean_error(profiles, 75.0)?
    ))
}

/// LFW View 1's test pairs.
pub fn lfw(model: &Model, dir: &Path, threads: usize) -> Result<String, String> {
    let p = dir.join("protocol-pairsDevTest.txt");
    let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
    let path = |name: &str, i: &str| -> Result<String, String> {
        let i: u32 = i
            .parse()
            .map_err(|_| format!("{}: bad number {i:?}", p.display()))?;
        Ok(format!("images/{name}/{name}_{i:04}.jpg"))
    };
    let mut pairs = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            [n, a, b] => pairs.push((path(n, a)?, path(n, b)?, true)),
            [n, a, m, b] => pairs.push((path(n, a)?, path(m, b)?, false)),
            _ => return Err(format!("{}: bad line {line:?}", p.display())),
        }
    }
    let mut all: Vec<String> = pairs
        .iter()
        .flat_map(|(a, b, _)| [a.clone(), b.clone()])
        .collect();
    all.sort();
    all.dedup();
    let e = embed_all(model, dir, &all, threads)?;
    let (m, r) = score_pairs(&e, &pairs)?;
    let mut out = format!(
        "### LFW View 1 test pairs ({} pairs of {} pictures, {} without a detection)\n\n",
        pairs.len(),
        all.len(),
        e.fallbacks
    );
    out += VERIFICATION_HEADER;
    out += &verification_row("model", &verify(&folds(&m, 10))?);
    out += &verification_row("raw pixels", &verify(&folds(&r, 10))?);
    Ok(out)
}
