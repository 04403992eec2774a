//! The drgan demo: aligns the photos in examples/data (five landmarks each, from
//! landmarks.json), embeds them, prints their similarity matrix, and writes a PNG grid of
//! every face rotated from -90° to +90° (first column: the aligned input).
//!
//! ```sh
//! cargo run --release --example demo -- BUNDLE_DIR [--out demo.png]
//! cargo run --release --example demo -- BUNDLE_DIR --image me.jpg --landmarks x1,y1,...,x5,y5
//! ```
//! Landmarks: eye on the image's left, other eye, nose tip, left and right mouth corner.

use std::path::{Path, PathBuf};

use drgan::{io, Landmarks, Model, Options, RgbImage};

struct Args {
    bundle: PathBuf,
    out: PathBuf,
    image: Option<(PathBuf, Landmarks)>,
}

fn main() {
    let args = parse_args().unwrap_or_else(|e| {
        eprintln!("{e}\n\nusage: demo BUNDLE_DIR [--out grid.png] [--image PATH --landmarks x1,y1,...,x5,y5]");
        std::process::exit(2)
    });
    if let Err(e) = run(&args) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let model = Model::open(&args.bundle, &Options::default())?;
    let info = model.info();
    println!(
        "model: config {}, {}x{} input, Nf {}, yaws {:?}, trained on: {}",
        info.config,
        info.input_size,
        info.input_size,
        info.feature_dim,
        info.pose_yaws,
        info.trained_on
    );
    let mut faces: Vec<Face> = match &args.image {
        Some((path, points)) => vec![(path.display().to_string(), path.clone(), *points)],
        None => example_faces()?,
    };
    faces.sort_by(|a, b| a.0.cmp(&b.0));

    let mut aligned = Vec::new();
    for (name, path, points) in &faces {
        let img = io::load_image(path, 1 << 28)?;
        aligned.push((name.clone(), model.align(&img.view(), points)?));
    }
    let views: Vec<_> = aligned.iter().map(|(_, a)| a.view()).collect();
    let embeddings = model.embed_batch(&views)?;

    println!("\nsimilarity (cosine of identity features):");
    print!("{:>16}", "");
    for (name, _) in &aligned {
        print!("{name:>16}");
    }
    println!();
    for (i, (name, _)) in aligned.iter().enumerate() {
        print!("{name:>16}");
        for e in &embeddings {
            print!(
                "{:>16.3}",
                drgan::similarity(&embeddings[i].feature, &e.feature)?
            );
        }
        println!("   confidence {:.3}", embeddings[i].confidence);
    }

    let yaws: Vec<f32> = (-6..=6).map(|i| i as f32 * 15.0).collect();
    let (lo, hi) = (info.pose_yaws[0], info.pose_yaws[info.pose_yaws.len() - 1]);
    let yaws: Vec<f32> = yaws.into_iter().filter(|y| (lo..=hi).contains(y)).collect();
    let mut rows = Vec::new();
    for ((_, face), e) in aligned.iter().zip(&embeddings) {
        let mut row = vec![face.clone()];
        for &yaw in &yaws {
            row.push(model.synthesize(&e.feature, yaw, 1)?);
        }
        rows.push(row);
    }
    let grid = tile(&rows);
    io::save_png(&grid.view(), &args.out)?;
    println!(
        "\nwrote {} ({} faces x [input, yaw {}..{}])",
        args.out.display(),
        rows.len(),
        yaws[0],
        yaws[yaws.len() - 1]
    );
    Ok(())
}

/// A named photo file and the five landmarks of its face.
type Face = (String, PathBuf, Landmarks);

/// The photos of examples/data with their landmarks.
fn example_faces() -> Result<Vec<Face>, Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let text = std::fs::read_to_string(dir.join("landmarks.json"))?;
    let json: serde_json::Value = serde_json::from_str(&text)?;
    let mut out = Vec::new();
    for (name, v) in json.as_object().ok_or("landmarks.json: not an object")? {
        let p = v["five_points_xy"]
            .as_array()
            .ok_or("five_points_xy missing")?;
        let mut pts = [[0f32; 2]; 5];
        for (i, q) in p.iter().take(5).enumerate() {
            pts[i] = [
                q[0].as_f64().unwrap_or(0.0) as f32,
                q[1].as_f64().unwrap_or(0.0) as f32,
            ];
        }
        out.push((name.clone(), dir.join(name), pts));
    }
    Ok(out)
}

/// Rows of equal-size tiles into one image.
fn tile(rows: &[Vec<RgbImage>]) -> RgbImage {
    let s = rows[0][0].width as usize;
    let cols = rows[0].len();
    let (w, h) = (cols * s, rows.len() * s);
    let mut data = vec![0u8; w * h * 3];
    for (r, row) in rows.iter().enumerate() {
        for (c, img) in row.iter().enumerate() {
            for y in 0..s {
                let dst = ((r * s + y) * w + c * s) * 3;
                data[dst..dst + s * 3].copy_from_slice(&img.data[y * s * 3..(y + 1) * s * 3]);
            }
        }
    }
    RgbImage {
        width: w as u32,
        height: h as u32,
        data,
    }
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut bundle = None;
    let mut out = PathBuf::from("demo.png");
    let (mut image, mut landmarks) = (None, None);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => out = it.next().ok_or("--out needs a path")?.into(),
            "--image" => image = Some(PathBuf::from(it.next().ok_or("--image needs a path")?)),
            "--landmarks" => {
                let s = it.next().ok_or("--landmarks needs ten numbers")?;
                let v: Vec<f32> = s
                    .split(',')
                    .map(|x| {
                        x.trim()
                            .parse::<f32>()
                            .map_err(|_| format!("bad number {x:?}"))
                    })
                    .collect::<Result<_, _>>()?;
                if v.len() != 10 {
                    return Err(format!("--landmarks needs 10 numbers, got {}", v.len()));
                }
                landmarks = Some(std::array::from_fn(|i| [v[2 * i], v[2 * i + 1]]));
            }
            "-h" | "--help" => return Err("drgan demo".into()),
            _ if bundle.is_none() && !a.starts_with("--") => bundle = Some(PathBuf::from(a)),
            _ => return Err(format!("unexpected argument {a:?}")),
        }
    }
    let image = match (image, landmarks) {
        (Some(i), Some(l)) => Some((i, l)),
        (None, None) => None,
        _ => return Err("--image and --landmarks go together".into()),
    };
    Ok(Args {
        bundle: bundle
            .ok_or("a bundle directory is required (the default model is not embedded yet)")?,
        out,
        image,
    })
}
