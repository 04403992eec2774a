//! A labels folder (`labels.csv` with `path,identity,yaw_degrees` and optionally
//! `variation`, as the synthetic generator writes it) turned into the Multi-PIE style
//! split: for each identity the image in the frontal yaw bin with the lowest variation is
//! the gallery, every other image is a probe, reported in the row of its yaw bin. The
//! same identity and variation in the frontal bin is a probe's ground-truth frontal face.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use drgan::RgbImage;

use crate::metrics::snap;
use crate::protocol::{Images, Probe, Split};
use crate::table::Table;

/// The images of a labels folder and their split.
pub struct LabelsSet {
    pub paths: Vec<PathBuf>,
    pub split: Split,
    /// Yaw of each row (the model's yaw bins).
    pub bins: Vec<f32>,
    /// Identities that had no frontal image and were left out.
    pub skipped_identities: Vec<String>,
    /// Whether the folder has a `variation` column (and so ground-truth frontals).
    pub has_truth: bool,
}

/// Reads `dir/labels.csv` and snaps each yaw to the nearest of `bins`.
pub fn read(dir: &Path, bins: &[f32]) -> Result<LabelsSet, String> {
    let table = Table::read(&dir.join("labels.csv"))?;
    let path_col = table.require("path")?;
    let identity_col = table.require("identity")?;
    let yaw_col = table.require("yaw_degrees")?;
    let variation_col = table.column("variation");
    if table.len() == 0 {
        return Err(format!("{}/labels.csv lists no images", dir.display()));
    }

    struct Row {
        identity: String,
        yaw: f32,
        bin: usize,
        variation: u64,
    }
    let mut paths = Vec::with_capacity(table.len());
    let mut rows = Vec::with_capacity(table.len());
    for r in 0..table.len() {
        let path = dir.join(table.get(r, path_col));
        if !path.is_file() {
            return Err(format!(
                "{} (listed in {}/labels.csv) does not exist",
                path.display(),
                dir.display()
            ));
        }
        let yaw: f32 = table.parse(r, yaw_col)?;
        if !yaw.is_finite() {
            return Err(format!("{}: yaw_degrees is {yaw}", path.display()));
        }
        let variation = match variation_col {
            Some(c) => table.parse(r, c)?,
            None => 0,
        };
        paths.push(path);
        rows.push(Row {
            identity: table.get(r, identity_col).to_string(),
            yaw,
            bin: snap(bins, yaw),
            variation,
        });
    }

    let frontal = snap(bins, 0.0);
    // Per identity (in order of first appearance), its frontal images by variation.
    let mut order: Vec<&str> = Vec::new();
    let mut frontals: HashMap<&str, BTreeMap<u64, usize>> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        if !frontals.contains_key(row.identity.as_str()) {
            order.push(&row.identity);
            frontals.insert(&row.identity, BTreeMap::new());
        }
        if row.bin == frontal {
            // Keep the first image listed for each variation.
            frontals
                .get_mut(row.identity.as_str())
                .unwrap()
                .entry(row.variation)
                .or_insert(i);
        }
    }
    let mut split = Split::default();
    let mut gallery_index = HashMap::new();
    let mut skipped_identities = Vec::new();
    for id in order {
        match frontals[id].values().next() {
            Some(&g) => {
                gallery_index.insert(id, split.gallery.len());
                split.gallery.push(g);
            }
            None => skipped_identities.push(id.to_string()),
        }
    }
    for (i, row) in rows.iter().enumerate() {
        let Some(&identity) = gallery_index.get(row.identity.as_str()) else {
            continue;
        };
        if split.gallery[identity] == i {
            continue;
        }
        split.probes.push(Probe {
            image: i,
            identity,
            row: row.bin,
            truth: variation_col
                .and_then(|_| frontals[row.identity.as_str()].get(&row.variation).copied()),
            yaw: Some(row.yaw),
        });
    }
    Ok(LabelsSet {
        paths,
        split,
        bins: bins.to_vec(),
        skipped_identities,
        has_truth: variation_col.is_some(),
    })
}

impl Images for LabelsSet {
    fn load(&self, i: usize) -> Result<RgbImage, String> {
        load(&self.paths[i])
    }
}

/// Decodes an image file (PNG or JPEG, grey or colour) with the SDK's decoder.
pub fn load(path: &Path) -> Result<RgbImage, String> {
    drgan::io::load_image(path, drgan::Options::default().max_image_pixels)
        .map_err(|e| format!("{}: {e}", path.display()))
}
