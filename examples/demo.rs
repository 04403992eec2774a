//! The drgan demo: aligns the faces in examples/data (real photos and synthetic faces,
//! five landmarks each in landmarks.json), embeds them, prints their similarity matrix,
//! and writes a PNG grid with one row per face: the aligned input, then the face rotated
//! to each of the model's yaws (-90° to +90°).
//!
//! ```sh
//! cargo run --release --example demo                      # the embedded default model
//! cargo run --release --example demo -- --model BUNDLE_DIR --out grid.png
//! cargo run --release --example demo -- --image me.jpg --landmarks x1,y1,...,x5,y5
//! ```
//! Landmarks: the eye on the image's left, the other eye, the nose tip, the mouth corner
//! on the image's left, the other one, in photo pixels.

use std::io::Write;
use std::path::PathBuf;

use drgan::{io, Model, Options};

#[path = "demo/faces.rs"]
mod faces;
#[path = "demo/report.rs"]
mod report;

const USAGE: &str = "usage: demo [--model BUNDLE_DIR] [--out grid.png] \
                     [--image PATH --landmarks x1,y1,...,x5,y5]
  --model DIR   a model bundle directory (default: the model embedded in the library)
  --out PATH    where to write the grid of rotated faces (default: demo.png)
  --image PATH  your own photo instead of examples/data, with
  --landmarks   its five points: eye on the image's left, other eye, nose tip,
                mouth corner on the image's left, other mouth corner";

/// The demo's command line.
#[derive(Debug)]
pub struct Args {
    /// A bundle directory; `None` is the embedded default model.
    pub model: Option<PathBuf>,
    /// The grid PNG to write.
    pub out: PathBuf,
    /// The user's own photo and its landmarks, instead of examples/data.
    pub image: Option<(PathBuf, drgan::Landmarks)>,
}

/// What a run produced (for tests).
#[derive(Debug)]
pub struct Report {
    pub labels: Vec<String>,
    pub similarity: Vec<Vec<f32>>,
    pub yaws: Vec<f32>,
    pub grid_size: (u32, u32),
}

fn main() {
    let args = parse_args(std::env::args().skip(1)).unwrap_or_else(|e| {
        eprintln!("{e}\n\n{USAGE}");
        std::process::exit(2)
    });
    if let Err(e) = run(&args, &mut std::io::stdout()) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// Runs the demo, writing what it shows to `out`.
pub fn run(args: &Args, out: &mut dyn Write) -> Result<Report, Box<dyn std::error::Error>> {
    let model = open_model(args)?;
    let info = model.info();
    writeln!(
        out,
        "model: {}, config {}, {}x{} input, Nf {}, yaws {:?}..{:?}\ntrained on: {}\n",
        args.model
            .as_ref()
            .map_or("embedded default".into(), |d| d.display().to_string()),
        info.config,
        info.input_size,
        info.input_size,
        info.feature_dim,
        info.pose_yaws[0],
        info.pose_yaws[info.pose_yaws.len() - 1],
        info.trained_on
    )?;
    let faces = match &args.image {
        Some((path, points)) => {
            if !path.is_file() {
                return Err(format!("--image {}: no such file", path.display()).into());
            }
            vec![faces::Face {
                label: path
                    .file_stem()
                    .map_or("image".into(), |s| s.to_string_lossy().into_owned()),
                path: path.clone(),
                points: *points,
            }]
        }
        None => faces::example_faces(&faces::data_dir())?,
    };

    let mut aligned = Vec::new();
    for face in &faces {
        let photo = io::load_image(&face.path, 1 << 28)
            .map_err(|e| format!("{}: cannot load: {e}", face.path.display()))?;
        let crop = model
            .align(&photo.view(), &face.points)
            .map_err(|e| format!("{}: cannot align: {e}", face.path.display()))?;
        aligned.push(crop);
    }
    let views: Vec<_> = aligned.iter().map(|a| a.view()).collect();
    let embeddings = model.embed_batch(&views)?;
    let yaws: Vec<Option<f32>> = views.iter().map(|v| model.estimate_yaw(v).ok()).collect();
    let labels: Vec<String> = faces.iter().map(|f| f.label.clone()).collect();
    let similarity = report::similarity_matrix(out, &labels, &embeddings, &yaws)?;

    // One row per face: the aligned input, then the face at each of the model's yaws.
    let mut rows = Vec::new();
    for (crop, e) in aligned.iter().zip(&embeddings) {
        let mut row = vec![crop.clone()];
        for &yaw in &info.pose_yaws {
            row.push(model.synthesize(&e.feature, yaw, 1)?);
        }
        rows.push(row);
    }
    let grid = report::tile(&rows);
    io::save_png(&grid.view(), &args.out)
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    writeln!(
        out,
        "\nwrote {} ({}x{}): one row per face, the aligned input then yaw {}..{} in {} steps",
        args.out.display(),
        grid.width,
        grid.height,
        info.pose_yaws[0],
        info.pose_yaws[info.pose_yaws.len() - 1],
        info.pose_yaws.len()
    )?;
    Ok(Report {
        labels,
        similarity,
        yaws: info.pose_yaws.clone(),
        grid_size: (grid.width, grid.height),
    })
}

/// The bundle of `--model`, or the model embedded in the library.
fn open_model(args: &Args) -> Result<Model, Box<dyn std::error::Error>> {
    let options = Options::default();
    match &args.model {
        Some(dir) => {
            Model::open(dir, &options).map_err(|e| format!("--model {}: {e}", dir.display()).into())
        }
        #[cfg(feature = "default-model")]
        None => Ok(Model::default_model_with(&options)?),
        #[cfg(not(feature = "default-model"))]
        None => Err(
            "this build of drgan has no embedded default model (cargo feature \
                     `default-model`); pass --model BUNDLE_DIR"
                .into(),
        ),
    }
}

/// Parses the command line (without the program name).
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut it = args.into_iter();
    let mut model = None;
    let mut out = PathBuf::from("demo.png");
    let (mut image, mut landmarks) = (None, None);
    while let Some(a) = it.next() {
        let mut value = |what: &str| it.next().ok_or(format!("{a} needs {what}"));
        match a.as_str() {
            "--model" => model = Some(PathBuf::from(value("a bundle directory")?)),
            "--out" => out = PathBuf::from(value("a path")?),
            "--image" => image = Some(PathBuf::from(value("a path")?)),
            "--landmarks" => landmarks = Some(faces::parse_landmarks(&value("ten numbers")?)?),
            "-h" | "--help" => return Err("drgan demo".into()),
            _ => return Err(format!("unexpected argument {a:?}")),
        }
    }
    let image = match (image, landmarks) {
        (Some(i), Some(l)) => Some((i, l)),
        (None, None) => None,
        (Some(_), None) => return Err("--image needs --landmarks x1,y1,...,x5,y5".into()),
        (None, Some(_)) => return Err("--landmarks goes with --image PATH".into()),
    };
    Ok(Args { model, out, image })
}
