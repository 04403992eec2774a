//! `drgan-train synth`: write a dataset folder, a preview grid, or the measurements.

use crate::synth::dataset::{parallel_map, sample};
use crate::synth::measure;
use clap::{ArgGroup, Args};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Write synthetic faces: a dataset folder, a preview grid, or the generator's
/// measurements.
#[derive(Args, Clone, Debug, PartialEq)]
#[command(group(ArgGroup::new("mode").required(true).args(["out", "preview", "measure"])))]
pub struct SynthArgs {
    /// Write PNGs and labels.csv for N identities x yaws x V variations into DIR
    #[arg(long, value_name = "DIR", requires = "identities")]
    pub out: Option<PathBuf>,
    /// Write a grid: identities as rows (default 8), yaws as columns
    #[arg(long, value_name = "FILE")]
    pub preview: Option<PathBuf>,
    /// Print images/s at 64 and 96 px and the identity distinctness figures (default
    /// 10000 identities)
    #[arg(long)]
    pub measure: bool,
    /// Identities K..K+N (K: --first-identity)
    #[arg(long, value_name = "N")]
    pub identities: Option<u64>,
    /// The first identity
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub first_identity: u64,
    /// Comma-separated degrees or START:END:STEP, within [-90, 90]
    #[arg(
        long,
        value_name = "LIST",
        default_value = "-90:90:15",
        value_parser = parse_yaws,
        allow_hyphen_values = true
    )]
    pub yaws: ::std::vec::Vec<f32>,
    /// Pictures per (identity, yaw): variations 0..V
    #[arg(long, value_name = "V", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub variations: u64,
    /// Square picture side in pixels
    #[arg(long, value_name = "S", default_value_t = 96, value_parser = clap::value_parser!(u32).range(8..=1024))]
    pub size: u32,
    /// Worker threads [default: all cores]
    #[arg(long, value_name = "T", default_value_t = crate::synth::dataset::default_threads(), hide_default_value = true)]
    pub threads: usize,
}

/// The 13 Multi-PIE yaws, -90..90 in 15 degree steps.
pub fn default_yaws() -> Vec<f32> {
    (0..13).map(|i| -90.0 + 15.0 * i as f32).collect()
}

fn parse_yaws(s: &str) -> Result<Vec<f32>, String> {
    let bad = || format!("bad --yaws `{s}` (want `a,b,c` or `start:end:step`)");
    let v: Vec<f32> = if s.contains(':') {
        let p: Vec<f32> = s
            .split(':')
            .map(|x| x.trim().parse().map_err(|_| bad()))
            .collect::<Result<_, _>>()?;
        if p.len() != 3 || p[2] <= 0.0 {
            return Err(bad());
        }
        let n = ((p[1] - p[0]) / p[2]).floor() as i64;
        (0..=n.max(-1)).map(|i| p[0] + p[2] * i as f32).collect()
    } else {
        s.split(',')
            .map(|x| x.trim().parse().map_err(|_| bad()))
            .collect::<Result<_, _>>()?
    };
    if v.is_empty() || v.iter().any(|y| !(-90.0..=90.0).contains(y)) {
        return Err(format!(
            "--yaws must be non-empty and within [-90, 90]: `{s}`"
        ));
    }
    Ok(v)
}

/// Header of `labels.csv`. `variation` indexes the lighting, background, expression and
/// jitter draw (the same variation at yaw 0 is a probe's ground-truth frontal). Landmarks are in pixels (x right, y down, origin at the image's
/// top-left corner): `le` eye on the image's left (at yaw 0), `re` the other eye, `n` nose
/// tip, `ml` / `mr` mouth corners on the image's left / right; the `*v` columns are the
/// visibility flags (1 visible, 0 hidden by the head).
pub const LABELS_HEADER: &str =
    "path,identity,yaw_degrees,variation,pitch_degrees,lex,ley,rex,rey,nx,ny,mlx,mly,mrx,mry,lev,rev,nv,mlv,mrv";

pub fn run(a: &SynthArgs) -> Result<(), String> {
    if let Some(dir) = &a.out {
        write_dataset(a, dir)
    } else if let Some(path) = &a.preview {
        write_preview(a, path)
    } else {
        measure::report(a.identities.unwrap_or(10_000) as usize, a.threads);
        Ok(())
    }
}

/// Relative path of one picture inside the dataset folder.
pub fn picture_path(identity: u64, yaw: f32, variation: u64) -> String {
    format!(
        "{identity:06}/{identity:06}_yaw{:+04}_v{variation}.png",
        yaw.round() as i32
    )
}

fn save_png(path: &Path, rgb: &[u8], size: u32) -> Result<(), String> {
    image::save_buffer_with_format(
        path,
        rgb,
        size,
        size,
        image::ExtendedColorType::Rgb8,
        image::ImageFormat::Png,
    )
    .map_err(|e| format!("writing {}: {e}", path.display()))
}

fn write_dataset(a: &SynthArgs, dir: &Path) -> Result<(), String> {
    let n_id = a.identities.unwrap_or(0);
    let jobs: Vec<(u64, f32, u64)> = (a.first_identity..a.first_identity + n_id)
        .flat_map(|id| {
            a.yaws
                .iter()
                .flat_map(move |&y| (0..a.variations).map(move |v| (id, y, v)))
        })
        .collect();
    for id in a.first_identity..a.first_identity + n_id {
        std::fs::create_dir_all(dir.join(format!("{id:06}")))
            .map_err(|e| format!("creating folders in {}: {e}", dir.display()))?;
    }
    let t0 = std::time::Instant::now();
    let rows = parallel_map(jobs.len(), a.threads, |i| -> Result<String, String> {
        let (id, yaw, v) = jobs[i];
        let s = sample(id, yaw, v, a.size);
        let rel = picture_path(id, yaw, v);
        save_png(&dir.join(&rel), &s.rgb, a.size)?;
        let mut row = format!("{rel},{id},{yaw},{v},{:.2}", s.pitch_deg);
        for l in &s.landmarks {
            write!(row, ",{:.2},{:.2}", l.x, l.y).expect("write to string");
        }
        for l in &s.landmarks {
            write!(row, ",{}", l.visible as u8).expect("write to string");
        }
        Ok(row)
    });
    let mut csv = String::from(LABELS_HEADER);
    csv.push('\n');
    for r in rows {
        csv.push_str(&r?);
        csv.push('\n');
    }
    std::fs::write(dir.join("labels.csv"), csv).map_err(|e| format!("writing labels.csv: {e}"))?;
    let dt = t0.elapsed().as_secs_f64();
    println!(
        "wrote {} pictures and labels.csv to {} in {:.1} s ({:.0} /s)",
        jobs.len(),
        dir.display(),
        dt,
        jobs.len() as f64 / dt
    );
    Ok(())
}

/// Identities x yaws grid as one RGB image (2 px white gutters).
pub fn preview_grid(
    first: u64,
    rows: u64,
    yaws: &[f32],
    size: u32,
    threads: usize,
) -> (Vec<u8>, u32, u32) {
    let gap = 2u32;
    let cols = yaws.len() as u32;
    let (w, h) = (cols * (size + gap) + gap, rows as u32 * (size + gap) + gap);
    let cells = parallel_map((rows as usize) * yaws.len(), threads, |i| {
        let (r, c) = (i / yaws.len(), i % yaws.len());
        sample(first + r as u64, yaws[c], 0, size).rgb
    });
    let mut img = vec![255u8; (w * h * 3) as usize];
    for (i, cell) in cells.iter().enumerate() {
        let (r, c) = ((i / yaws.len()) as u32, (i % yaws.len()) as u32);
        let (x0, y0) = (gap + c * (size + gap), gap + r * (size + gap));
        for y in 0..size {
            let src = &cell[(y * size * 3) as usize..((y + 1) * size * 3) as usize];
            let off = (((y0 + y) * w + x0) * 3) as usize;
            img[off..off + src.len()].copy_from_slice(src);
        }
    }
    (img, w, h)
}

fn write_preview(a: &SynthArgs, path: &Path) -> Result<(), String> {
    let rows = a.identities.unwrap_or(8);
    let yaws = &a.yaws;
    let (img, w, h) = preview_grid(a.first_identity, rows, yaws, a.size, a.threads);
    image::save_buffer_with_format(
        path,
        &img,
        w,
        h,
        image::ExtendedColorType::Rgb8,
        image::ImageFormat::Png,
    )
    .map_err(|e| format!("writing {}: {e}", path.display()))?;
    println!(
        "wrote {} ({} identities x {} yaws, {} px cells)",
        path.display(),
        rows,
        yaws.len(),
        a.size
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn parse(line: &str) -> Result<SynthArgs, clap::Error> {
        let argv = format!("drgan-train synth {line}");
        match Cli::try_parse_from(argv.split_whitespace())?.command {
            Command::Synth(a) => Ok(a),
            _ => unreachable!("a synth command"),
        }
    }

    #[test]
    fn parses_a_dataset_command() {
        let a = parse("--out d --identities 5 --yaws -30:30:30 --size 64").unwrap();
        assert_eq!(a.identities, Some(5));
        assert_eq!(a.yaws, vec![-30.0, 0.0, 30.0]);
        assert_eq!((a.size, a.variations), (64, 1));
        assert_eq!(parse("--measure").unwrap().yaws, default_yaws());
    }

    #[test]
    fn rejects_bad_input() {
        for bad in [
            "--out d",
            "--out d --identities 2 --yaws 100",
            "--preview a.png --measure",
            "--bogus",
            "",
            "--measure --size 4",
            "--measure --variations 0",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
