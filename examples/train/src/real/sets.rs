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

/// A CSV file's rows, each a map of named fields.
struct Csv {
    path: PathBuf,
    rows: Vec<HashMap<String, String>>,
}

impl Csv {
    fn read(path: &Path) -> Result<Csv, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        let mut lines = text.lines();
        let header: Vec<String> = lines
            .next()
            .ok_or_else(|| format!("{} is empty", path.display()))?
            .split(',')
            .map(|h| h.trim().to_string())
            .collect();
        let rows = lines
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                header
                    .iter()
                    .cloned()
                    .zip(l.split(',').map(|v| v.trim().to_string()))
                    .collect()
            })
            .collect();
        Ok(Csv {
            path: path.to_path_buf(),
            rows,
        })
    }

    /// Row `i`'s field `name`; an error naming the file when it lacks one.
    fn get(&self, i: usize, name: &str) -> Result<&str, String> {
        self.rows[i]
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| format!("{} line {}: no `{name}` field", self.path.display(), i + 2))
    }
}

/// The five points of each picture the detector found, by path.
fn detections(dir: &Path) -> Result<HashMap<String, Landmarks>, String> {
    let csv = Csv::read(&dir.join("detections.csv"))?;
    let mut out = HashMap::new();
    for i in 0..csv.rows.len() {
        if csv.get(i, "found")? != "1" {
            continue;
        }
        let mut p: Landmarks = [[0.0; 2]; 5];
        for (k, q) in p.iter_mut().enumerate() {
            for (axis, v) in ["x", "y"].iter().zip(q.iter_mut()) {
                let name = format!("p{}{axis}", k + 1);
                *v = csv
                    .get(i, &name)?
                    .parse()
                    .map_err(|_| format!("{} line {}: bad `{name}`", csv.path.display(), i + 2))?;
            }
        }
        out.insert(csv.get(i, "path")?.to_string(), p);
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
    let name_of = |id: &str| {
        cfp_name
            .get(id)
            .ok_or_else(|| format!("CFP person {id} is not in Data/list_name.txt"))
    };
    let cfp_labels = Csv::read(&cfp.join("labels.csv"))?;
    let lfw_labels = Csv::read(&lfw.join("labels.csv"))?;
    let mut cfp_test = HashSet::new();
    for i in 0..cfp_labels.rows.len() {
        if cfp_labels.get(i, "split")? == "10" {
            cfp_test.insert(name_of(cfp_labels.get(i, "identity")?)?.clone());
        }
    }
    let mut lfw_test = HashSet::new();
    for i in 0..lfw_labels.rows.len() {
        if lfw_labels.get(i, "view1")? == "test" {
            lfw_test.insert(name_key(lfw_labels.get(i, "identity")?));
        }
    }
    let mut rows = Vec::new();
    for &set in SETS.iter().filter(|s| names.contains(s)) {
        let dir = root.join(set);
        let found = detections(&dir)?;
        let own;
        let labels = match set {
            "cfp" => &cfp_labels,
            "lfw" => &lfw_labels,
            _ => {
                own = Csv::read(&dir.join("labels.csv"))?;
                &own
            }
        };
        for i in 0..labels.rows.len() {
            let path = labels.get(i, "path")?;
            let Some(points) = found.get(path) else {
                continue;
            };
            let id = labels.get(i, "identity")?;
            let (keep, hint) = match set {
                "cfp" => {
                    let keep = labels.get(i, "split")? != "10" && !lfw_test.contains(name_of(id)?);
                    let hint = if labels.get(i, "pose")? == "profile" {
                        PoseHint::Profile
                    } else {
                        PoseHint::Frontal
                    };
                    (keep, hint)
                }
                "lfw" => {
                    let keep =
                        labels.get(i, "view1")? == "train" && !cfp_test.contains(&name_key(id));
                    (keep, PoseHint::None)
                }
                "fei28" => {
                    let n: u32 = labels.get(i, "image_no")?.parse().unwrap_or(0);
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
                    path: dir.join(path),
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
