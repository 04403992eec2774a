//! The real face sets of `../shared/data` as training rows: each picture's identity, its
//! detector box and five points, and what the set says of its pose. Test people (CFP
//! split 10, LFW View 1's test people, and anyone of either under another set's name)
//! are never returned. Read-only, plain data.

use drgan::Landmarks;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The sets `prepare` knows, by folder name under the data root.
pub const SETS: [&str; 4] = ["cfp", "lfw", "umist", "fei28"];

/// What a set says about a picture's pose, beside the detector's points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PoseHint {
    /// Nothing: the yaw comes from the points alone.
    None,
    /// Frontal (CFP's frontal pictures; FEI's pictures 11..14).
    Frontal,
    /// A profile, 60–90° (CFP), either way.
    Profile,
}

/// One training picture of a real set.
#[derive(Clone, Debug)]
pub struct Row {
    /// The set's folder name (`cfp`, `lfw`, ...), also the training source's name.
    pub set: &'static str,
    /// The picture's file.
    pub path: PathBuf,
    /// `set/identity`, unique across sets.
    pub identity: String,
    /// The detector's five points, in the picture's pixels.
    pub points: Landmarks,
    pub hint: PoseHint,
}

/// A CSV file as rows of named fields.
fn read_csv(path: &Path) -> Result<Vec<HashMap<String, String>>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .ok_or_else(|| format!("{} is empty", path.display()))?
        .split(',')
        .map(|h| h.trim().to_string())
        .collect();
    Ok(lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(|v| v.trim().to_string()))
                .collect()
        })
        .collect())
}

/// The five points of each picture the detector found, by path.
fn detections(dir: &Path) -> Result<HashMap<String, Landmarks>, String> {
    let mut out = HashMap::new();
    for r in read_csv(&dir.join("detections.csv"))? {
        if r.get("found").map(String::as_str) != Some("1") {
            continue;
        }
        let v = |k: String| r.get(&k).and_then(|v| v.parse::<f32>().ok());
        let mut p: Landmarks = [[0.0; 2]; 5];
        let mut ok = true;
        for (i, q) in p.iter_mut().enumerate() {
            match (v(format!("p{}x", i + 1)), v(format!("p{}y", i + 1))) {
                (Some(x), Some(y)) => *q = [x, y],
                _ => ok = false,
            }
        }
        if ok {
            out.insert(r["path"].clone(), p);
        }
    }
    Ok(out)
}

/// A name as a comparable key: letters only, lower case (`Aaron Rodgers`, `Aaron_Rodgers`).
fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// CFP's people's names by their three-digit folder (`Data/list_name.txt`, line k is
/// person k).
fn cfp_names(dir: &Path) -> Result<HashMap<String, String>, String> {
    let p = dir.join("Data/list_name.txt");
    let text = std::fs::read_to_string(&p).map_err(|e| format!("reading {}: {e}", p.display()))?;
    Ok(text
        .lines()
        .enumerate()
        .map(|(i, n)| (format!("{:03}", i + 1), name_key(n)))
        .collect())
}

/// The training rows of the sets in `names` under `root`, test people left out.
pub fn training_rows(root: &Path, names: &[&str]) -> Result<Vec<Row>, String> {
    // The two test sets' people, by name, so neither trains on the other's.
    let cfp = root.join("cfp");
    let lfw = root.join("lfw");
    let cfp_name = cfp_names(&cfp)?;
    let cfp_labels = read_csv(&cfp.join("labels.csv"))?;
    let lfw_labels = read_csv(&lfw.join("labels.csv"))?;
    let cfp_test: HashSet<String> = cfp_labels
        .iter()
        .filter(|r| r["split"] == "10")
        .map(|r| cfp_name[&r["identity"]].clone())
        .collect();
    let lfw_test: HashSet<String> = lfw_labels
        .iter()
        .filter(|r| r["view1"] == "test")
        .map(|r| name_key(&r["identity"]))
        .collect();
    let mut rows = Vec::new();
    for &set in SETS.iter().filter(|s| names.contains(s)) {
        let dir = root.join(set);
        let found = detections(&dir)?;
        let labels = match set {
            "cfp" => cfp_labels.clone(),
            "lfw" => lfw_labels.clone(),
            _ => read_csv(&dir.join("labels.csv"))?,
        };
        for r in labels {
            let Some(points) = found.get(&r["path"]) else {
                continue;
            };
            let id = &r["identity"];
            let (keep, hint) = match set {
                "cfp" => {
                    let name = &cfp_name[id];
                    let keep = r["split"] != "10" && !lfw_test.contains(name);
                    let hint = if r["pose"] == "profile" {
                        PoseHint::Profile
                    } else {
                        PoseHint::Frontal
                    };
                    (keep, hint)
                }
                "lfw" => {
                    let name = name_key(id);
                    let keep = r["view1"] == "train" && !cfp_test.contains(&name);
                    (keep, PoseHint::None)
                }
                "fei28" => {
                    let n: u32 = r["image_no"].parse().unwrap_or(0);
                    let hint = if n >= 11 {
                        PoseHint::Frontal
                    } else {
                        PoseHint::None
                    };
                    (true, hint)
                }
                _ => (true, PoseHint::None),
            };
            if keep {
                rows.push(Row {
                    set,
                    path: dir.join(&r["path"]),
                    identity: format!("{set}/{id}"),
                    points: *points,
                    hint,
                });
            }
        }
    }
    Ok(rows)
}

/// The yaw label of a picture in degrees: the points' own estimate
/// ([`drgan::align::landmark_yaw`]), held to what the set says (a frontal within ±20°, a
/// CFP profile at least 60° to the side the nose points).
pub fn yaw_label(points: &Landmarks, hint: PoseHint) -> Result<f32, String> {
    let yaw = drgan::align::landmark_yaw(points).map_err(|e| e.to_string())?;
    Ok(match hint {
        PoseHint::None => yaw,
        PoseHint::Frontal => yaw.clamp(-20.0, 20.0),
        PoseHint::Profile => yaw.signum() * yaw.abs().max(60.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_across_spellings() {
        assert_eq!(name_key("Aaron Rodgers"), name_key("Aaron_Rodgers"));
        assert_ne!(name_key("Aaron Rodgers"), name_key("Aaron_Rodger"));
    }

    #[test]
    fn set_hints_bound_the_yaw_label() {
        // Points of a face turned a little to the image's right.
        let p = [
            [34.0, 40.0],
            [66.0, 40.0],
            [56.0, 56.0],
            [37.0, 72.0],
            [63.0, 72.0],
        ];
        let free = yaw_label(&p, PoseHint::None).unwrap();
        assert!(free > 20.0, "{free}");
        assert_eq!(yaw_label(&p, PoseHint::Frontal).unwrap(), 20.0);
        assert_eq!(yaw_label(&p, PoseHint::Profile).unwrap(), 60.0);
        let mirrored = p.map(|[x, y]| [100.0 - x, y]);
        assert_eq!(yaw_label(&mirrored, PoseHint::Profile).unwrap(), -60.0);
    }
}
