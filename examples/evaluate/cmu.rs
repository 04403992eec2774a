//! The CMU face images (Mitchell 1997; `shared/data/cmu-faces`) mapped onto the
//! protocol, zero-shot:
//!
//! - every 128x120 greyscale picture is cut to one fixed square, [`CROP`], that frames a
//!   typical face of the set roughly like the model's landmark template (no landmarks
//!   exist for this set, so no per-image alignment);
//! - gallery: per person, the `straight` picture with `neutral` expression and `open`
//!   eyes (the first `straight` + `open` in the order neutral, happy, sad, angry if it is
//!   missing);
//! - probes: every other picture of that person, in one row per (`pose`, `eyes`):
//!   `straight` (other expressions), `left` (`yaw_sign` +1, the face turned toward the
//!   image's right), `right` (−1), `up` (a pitch change); sunglasses rows apart;
//! - fused groups: the pictures of one person in one row (its four expressions).
//!
//! There is no ground-truth frontal face, so no PSNR / SSIM.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use drgan::RgbImage;

use crate::protocol::{Images, Probe, Split};
use crate::table::Table;

/// A square crop of the 128x120 pictures: top-left corner and side, in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Crop {
    pub x: i64,
    pub y: i64,
    pub side: u32,
}

/// The fixed crop used for every picture: centred on x = 64, where the faces sit; on a
/// typical person of the set the eyes land near y = 0.40 of the crop and 0.32 of its side
/// apart, as in the template; the mouth falls lower (about 0.80 instead of 0.72). People
/// sit at different heights and distances, so some faces are framed a few pixels off.
pub const CROP: Crop = Crop {
    x: 32,
    y: 24,
    side: 64,
};

/// Pose labels, in table order.
pub const POSES: [&str; 4] = ["straight", "left", "right", "up"];
/// Eye labels, in table order.
pub const EYES: [&str; 2] = ["open", "sunglasses"];
/// Preference order of expressions for the gallery picture.
const EXPRESSIONS: [&str; 4] = ["neutral", "happy", "sad", "angry"];

/// The table row of a (pose, eyes) pair.
pub fn row_of(pose: usize, eyes: usize) -> usize {
    pose * EYES.len() + eyes
}

/// The CMU folder as a split.
pub struct CmuSet {
    pub paths: Vec<PathBuf>,
    pub split: Split,
    /// Person of each gallery entry.
    pub people: Vec<String>,
    pub crop: Crop,
}

/// Reads `dir/labels.csv` (`path,identity,pose,yaw_sign,expression,eyes`).
pub fn read(dir: &Path) -> Result<CmuSet, String> {
    let table = Table::read(&dir.join("labels.csv"))?;
    let [path_c, id_c, pose_c, sign_c, expr_c, eyes_c] =
        ["path", "identity", "pose", "yaw_sign", "expression", "eyes"].map(|c| table.require(c));
    let (path_c, id_c, pose_c, sign_c, expr_c, eyes_c) =
        (path_c?, id_c?, pose_c?, sign_c?, expr_c?, eyes_c?);

    struct Pic {
        person: String,
        pose: usize,
        eyes: usize,
        expression: usize,
    }
    let mut paths = Vec::new();
    let mut pics = Vec::new();
    for r in 0..table.len() {
        let path = dir.join(table.get(r, path_c));
        if !path.is_file() {
            return Err(format!(
                "{} (listed in labels.csv) does not exist",
                path.display()
            ));
        }
        let label = |col: usize, known: &[&str]| -> Result<usize, String> {
            let v = table.get(r, col);
            known
                .iter()
                .position(|k| *k == v)
                .ok_or_else(|| format!("{}: label {v:?} is not one of {known:?}", path.display()))
        };
        let pose = label(pose_c, &POSES)?;
        let sign: i32 = table.parse(r, sign_c)?;
        let expected = [0, 1, -1, 0][pose];
        if sign != expected {
            return Err(format!(
                "{}: yaw_sign {sign} does not match pose {:?} (expected {expected})",
                path.display(),
                POSES[pose]
            ));
        }
        let eyes = label(eyes_c, &EYES)?;
        let expression = EXPRESSIONS
            .iter()
            .position(|e| *e == table.get(r, expr_c))
            .unwrap_or(EXPRESSIONS.len());
        paths.push(path);
        pics.push(Pic {
            person: table.get(r, id_c).to_string(),
            pose,
            eyes,
            expression,
        });
    }

    // Gallery: each person's best straight, open-eyed picture; people in first-seen order.
    let mut people: Vec<String> = Vec::new();
    let mut best: HashMap<&str, usize> = HashMap::new();
    for (i, p) in pics.iter().enumerate() {
        if !people.contains(&p.person) {
            people.push(p.person.clone());
        }
        if p.pose == 0 && p.eyes == 0 {
            let e = best.entry(&p.person).or_insert(i);
            if p.expression < pics[*e].expression {
                *e = i;
            }
        }
    }
    let mut split = Split::default();
    let mut index = HashMap::new();
    let mut kept = Vec::new();
    for person in &people {
        if let Some(&g) = best.get(person.as_str()) {
            index.insert(person.as_str(), split.gallery.len());
            split.gallery.push(g);
            kept.push(person.clone());
        } else {
            eprintln!("warning: {person} has no straight picture with open eyes; left out");
        }
    }
    for (i, p) in pics.iter().enumerate() {
        match index.get(p.person.as_str()) {
            Some(&identity) if split.gallery[identity] != i => split.probes.push(Probe {
                image: i,
                identity,
                row: row_of(p.pose, p.eyes),
                truth: None,
                yaw: None,
            }),
            _ => {}
        }
    }
    Ok(CmuSet {
        paths,
        split,
        people: kept,
        crop: CROP,
    })
}

impl Images for CmuSet {
    fn load(&self, i: usize) -> Result<RgbImage, String> {
        let full = crate::data::load(&self.paths[i])?;
        let c = self.crop;
        Ok(crate::pixels::crop(&full.view(), c.x, c.y, c.side))
    }
}
