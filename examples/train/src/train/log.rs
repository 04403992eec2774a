//! The run's log: `RUN/log.csv` (one row a step) and `RUN/losses.png`, a plot of the
//! smoothed losses drawn with plotters (no text: a fresh machine has no fonts; the panels
//! are described in the crate's README).

use super::step::StepStats;
use plotters::prelude::*;
use std::io::Write;
use std::path::Path;

pub const HEADER: &str =
    "step,seconds,images_per_second,d_loss,g_adv,rec,id_aux,d_real_acc,d_fake_acc,d_step,proto,perceptual";

/// Appends one row to `RUN/log.csv` (creating it with its header).
pub fn append(run: &Path, step: u64, seconds: f64, ips: f64, s: &StepStats) -> Result<(), String> {
    let row = format!(
        "{step},{seconds:.1},{ips:.1},{:.5},{:.5},{:.5},{:.5},{:.4},{:.4},{},{:.5},{:.5}",
        s.d_loss,
        s.g_adv,
        s.rec,
        s.id_aux,
        s.d_real_acc,
        s.d_fake_acc,
        s.d_step as u8,
        s.proto,
        s.perceptual
    );
    append_row(&run.join("log.csv"), HEADER, &row)
}

/// Appends `row` to the CSV file at `path`, writing `header` first when the file is new.
pub fn append_row(path: &Path, header: &str, row: &str) -> Result<(), String> {
    let new = !path.exists();
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("opening {}: {e}", path.display()))?;
    if new {
        writeln!(f, "{header}").map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    writeln!(f, "{row}").map_err(|e| format!("writing {}: {e}", path.display()))
}

/// Plots columns of `RUN/log.csv` into `RUN/losses.png`: four panels, top to bottom,
/// D's loss (red), G's adversarial loss (blue), the reconstruction L1 (green), the
/// auxiliary identity loss (black); each an exponential moving average over ~50 steps,
/// with its own vertical scale from 0 to its maximum.
pub fn plot(run: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(run.join("log.csv")).map_err(|e| e.to_string())?;
    let rows: Vec<Vec<f64>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|v| v.parse().unwrap_or(0.0)).collect())
        .filter(|r: &Vec<f64>| r.len() >= 7)
        .collect();
    if rows.len() < 2 {
        return Ok(());
    }
    let path = run.join("losses.png");
    let (w, h) = (800u32, 800u32);
    let mut rgb = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let panels = root.split_evenly((4, 1));
        let colors = [RED, BLUE, GREEN, BLACK];
        for (k, (area, color)) in panels.iter().zip(colors).enumerate() {
            let col = 3 + k;
            let mut ema = rows[0][col];
            let pts: Vec<(f64, f64)> = rows
                .iter()
                .map(|r| {
                    ema = 0.98 * ema + 0.02 * r[col];
                    (r[0], ema)
                })
                .collect();
            let x_max = pts.last().map_or(1.0, |p| p.0).max(1.0);
            let y_max = pts.iter().map(|p| p.1).fold(1e-6, f64::max);
            let mut chart = ChartBuilder::on(area)
                .margin(8)
                .build_cartesian_2d(0.0..x_max, 0.0..y_max * 1.05)
                .map_err(|e| e.to_string())?;
            area.draw(&Rectangle::new(
                [(0, 0), (799, 199)],
                ShapeStyle::from(&RGBColor(200, 200, 200)),
            ))
            .map_err(|e| e.to_string())?;
            chart
                .draw_series(LineSeries::new(pts, &color))
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    image::save_buffer(&path, &rgb, w, h, image::ExtendedColorType::Rgb8)
        .map_err(|e| format!("writing {}: {e}", path.display()))
}
