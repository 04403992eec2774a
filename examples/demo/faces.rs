//! The demo's faces: the photos of examples/data with their five landmarks
//! (landmarks.json), or the user's own photo and landmarks from the command line.

use std::path::{Path, PathBuf};

use drgan::Landmarks;

/// A photo file, its label in the demo's output, and the five landmarks of its face.
#[derive(Clone, Debug)]
pub struct Face {
    pub label: String,
    pub path: PathBuf,
    pub points: Landmarks,
}

/// examples/data in the drgan sources.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data")
}

/// Every photo listed in `dir/landmarks.json`, in file name order, labelled by file stem.
pub fn example_faces(dir: &Path) -> Result<Vec<Face>, String> {
    let json_path = dir.join("landmarks.json");
    let text = std::fs::read_to_string(&json_path)
        .map_err(|e| format!("cannot read {}: {e}", json_path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not JSON: {e}", json_path.display()))?;
    let entries = json
        .as_object()
        .ok_or_else(|| format!("{}: not an object of files", json_path.display()))?;
    let mut faces = Vec::new();
    for (name, entry) in entries {
        let bad = || {
            format!(
                "{}: {name}: five_points_xy must be 5 [x, y] pairs",
                json_path.display()
            )
        };
        let pairs = entry["five_points_xy"].as_array().ok_or_else(bad)?;
        let numbers: Vec<f32> = pairs
            .iter()
            .flat_map(|p| p.as_array().into_iter().flatten())
            .map(|v| v.as_f64().map(|x| x as f32))
            .collect::<Option<_>>()
            .ok_or_else(bad)?;
        if pairs.len() != 5 || numbers.len() != 10 {
            return Err(bad());
        }
        let label = Path::new(name)
            .file_stem()
            .map_or(name.clone(), |s| s.to_string_lossy().into_owned());
        faces.push(Face {
            label,
            path: dir.join(name),
            points: std::array::from_fn(|i| [numbers[2 * i], numbers[2 * i + 1]]),
        });
    }
    faces.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(faces)
}

/// `x1,y1,...,x5,y5` (the eye on the image's left, the other eye, the nose tip, the
/// mouth corner on the image's left, the other one), in photo pixels.
pub fn parse_landmarks(text: &str) -> Result<Landmarks, String> {
    let numbers: Vec<f32> = text
        .split(',')
        .map(|x| {
            let x = x.trim();
            x.parse::<f32>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("--landmarks: {x:?} is not a number"))
        })
        .collect::<Result<_, _>>()?;
    if numbers.len() != 10 {
        return Err(format!(
            "--landmarks needs 10 comma-separated numbers x1,y1,...,x5,y5 (eyes, nose tip, \
             mouth corners), got {}",
            numbers.len()
        ));
    }
    Ok(std::array::from_fn(|i| {
        [numbers[2 * i], numbers[2 * i + 1]]
    }))
}
