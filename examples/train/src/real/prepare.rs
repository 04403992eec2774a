//! Cuts the real sets into training crops with the SDK's alignment
//! ([`drgan::align::align`], the rule a user's `Model::align` applies), labels their yaw,
//! and writes a `labels.csv` folder that `drgan-train train --data` reads.

use super::sets::{training_rows, yaw_label, PoseHint, Row};
use drgan::Landmarks;
use rayon::prelude::*;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::RangeBounds;
use std::path::Path;

/// What `prepare` wrote, for its report.
#[derive(Debug)]
pub struct Prepared {
    /// Pictures written.
    pub pictures: usize,
    /// Identities written.
    pub identities: usize,
    /// A text summary: per set, pictures and people; yaw labels against the sets' poses.
    pub report: String,
}

/// Writes the crops of `sets` under `root` into `out` (`crops/*.png` and `labels.csv`:
/// `path,identity,yaw_degrees,variation,source`), `size` pixels on a side on `template`,
/// keeping people with a count of pictures in `pictures`, each crop's source its set's
/// name or `source` where given. Every crop is variation 0, so a
/// person's first picture at a yaw bin is the reconstruction target of each of their
/// pictures turned to that bin (see `train::data`).
pub fn prepare(
    root: &Path,
    sets: &[&str],
    out: &Path,
    template: &Landmarks,
    size: u32,
    pictures: impl RangeBounds<usize>,
    source: Option<&str>,
) -> Result<Prepared, String> {
    let mut rows = training_rows(root, sets)?;
    let mut count: HashMap<String, usize> = HashMap::new();
    for r in &rows {
        *count.entry(r.identity.clone()).or_default() += 1;
    }
    rows.retain(|r| pictures.contains(&count[&r.identity]));
    if rows.is_empty() {
        return Err(format!(
            "no training pictures under {} (sets {sets:?})",
            root.display()
        ));
    }
    let crops = out.join("crops");
    std::fs::create_dir_all(&crops).map_err(|e| format!("creating {}: {e}", crops.display()))?;
    let done: Vec<Result<Option<(usize, f32)>, String>> = rows
        .par_iter()
        .enumerate()
        .map(|(k, r)| crop_one(r, k, &crops, template, size))
        .collect();
    let mut csv = String::from("path,identity,yaw_degrees,variation,source\n");
    let mut written = Vec::new();
    for d in done {
        if let Some((k, yaw)) = d? {
            let r = &rows[k];
            let source = source.unwrap_or(r.set);
            writeln!(csv, "crops/{k:06}.png,{},{yaw:.1},0,{source}", r.identity).unwrap();
            written.push((r, yaw));
        }
    }
    let labels = out.join("labels.csv");
    std::fs::write(&labels, csv).map_err(|e| format!("writing {}: {e}", labels.display()))?;
    let mut ids: Vec<&str> = written.iter().map(|(r, _)| r.identity.as_str()).collect();
    ids.sort();
    ids.dedup();
    Ok(Prepared {
        pictures: written.len(),
        identities: ids.len(),
        report: report(&written),
    })
}

/// Crops row `k` into `crops/{k}.png`; `None` when its picture cannot be aligned (a
/// degenerate detection), an error when it cannot be read or written.
fn crop_one(
    r: &Row,
    k: usize,
    crops: &Path,
    template: &Landmarks,
    size: u32,
) -> Result<Option<(usize, f32)>, String> {
    let img = drgan::io::load_image(&r.path, 1 << 26)
        .map_err(|e| format!("reading {}: {e}", r.path.display()))?;
    let Ok(crop) = drgan::align::align(&img.view(), &r.points, template, size) else {
        return Ok(None);
    };
    let Ok(yaw) = yaw_label(&r.points, r.hint) else {
        return Ok(None);
    };
    let path = crops.join(format!("{k:06}.png"));
    drgan::io::save_png(&crop.view(), &path)
        .map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(Some((k, yaw)))
}

/// Pictures and people per set, and how the points' own yaw (before the sets' hints)
/// agrees with the poses the sets state.
fn report(written: &[(&Row, f32)]) -> String {
    let mut out = String::new();
    let mut sets: Vec<&str> = written.iter().map(|(r, _)| r.set).collect();
    sets.dedup();
    for set in sets {
        let rows: Vec<_> = written.iter().filter(|(r, _)| r.set == set).collect();
        let mut ids: Vec<&str> = rows.iter().map(|(r, _)| r.identity.as_str()).collect();
        ids.sort();
        ids.dedup();
        writeln!(
            out,
            "{set}: {} pictures of {} people",
            rows.len(),
            ids.len()
        )
        .unwrap();
    }
    for (hint, name) in [
        (PoseHint::Frontal, "frontal"),
        (PoseHint::Profile, "profile"),
    ] {
        let yaws: Vec<f32> = written
            .iter()
            .filter(|(r, _)| r.hint == hint)
            .filter_map(|(r, _)| drgan::align::landmark_yaw(&r.points).ok())
            .map(f32::abs)
            .collect();
        if yaws.is_empty() {
            continue;
        }
        let mean = yaws.iter().sum::<f32>() / yaws.len() as f32;
        let (lo, hi) = if hint == PoseHint::Frontal {
            (0.0, 20.0)
        } else {
            (60.0, 90.0)
        };
        let inside = yaws.iter().filter(|y| (lo..=hi).contains(*y)).count();
        writeln!(
            out,
            "{name} pictures (as the sets say): |yaw from points| mean {mean:.1}°, \
             {:.1} % within {lo}–{hi}°",
            100.0 * inside as f32 / yaws.len() as f32
        )
        .unwrap();
    }
    out
}
