//! `drgan-train synth`: write a dataset folder, a preview grid, or the measurements.

use super::args::SynthArgs;
use crate::synth::dataset::{parallel_map, sample};
use crate::synth::measure;
use std::fmt::Write as _;
use std::path::Path;

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
