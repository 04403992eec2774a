//! The rank-1-by-yaw plot (PNG) with plotters, drawn without any text (a fresh machine
//! has no fonts): the report explains the colours. x: yaw from -90° to 90°, light grey
//! verticals every 15°; y: rank-1 from 0 to 1, light grey horizontals every 0.1 (darker at
//! 0.5 and 1). Red dashes mark the targets: 0.95 over |yaw| ≤ 45°, 0.80 over 60°..90°.

use std::path::Path;

use plotters::prelude::*;

/// One curve: its colour and (yaw, rank-1) points; missing values break the line.
pub struct Curve {
    pub colour: RGBColor,
    pub points: Vec<(f32, Option<f64>)>,
}

/// Colours of the curves, named in the report.
pub const SINGLE: RGBColor = RGBColor(31, 119, 180);
pub const FUSED: RGBColor = RGBColor(44, 160, 44);
pub const FRONTALIZED: RGBColor = RGBColor(255, 127, 14);
pub const RAW: RGBColor = RGBColor(127, 127, 127);
pub const TARGET: RGBColor = RGBColor(214, 39, 40);

const WIDTH: u32 = 720;
const HEIGHT: u32 = 420;

/// Draws `curves` and writes the PNG to `path`.
pub fn rank1_by_yaw(path: &Path, curves: &[Curve]) -> Result<(), String> {
    let mut pixels = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
    draw(&mut pixels, curves).map_err(|e| format!("drawing the plot: {e}"))?;
    let image = drgan::Image::packed(&pixels, WIDTH, HEIGHT, drgan::PixelFormat::Rgb8)
        .map_err(|e| e.to_string())?;
    drgan::io::save_png(&image, path).map_err(|e| format!("{}: {e}", path.display()))
}

fn draw<'a>(pixels: &'a mut [u8], curves: &[Curve]) -> Result<(), Box<dyn std::error::Error + 'a>> {
    let root = BitMapBackend::with_buffer(pixels, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .margin(24)
        .build_cartesian_2d(-95f32..95f32, -0.02f64..1.02f64)?;
    let grid = RGBColor(225, 225, 225);
    let strong = RGBColor(170, 170, 170);
    for k in -6..=6 {
        let x = k as f32 * 15.0;
        let colour = if k == 0 { strong } else { grid };
        chart.draw_series(LineSeries::new(
            [(x, 0.0), (x, 1.0)],
            colour.stroke_width(1),
        ))?;
    }
    for k in 0..=10 {
        let y = k as f64 / 10.0;
        let colour = if k % 5 == 0 { strong } else { grid };
        chart.draw_series(LineSeries::new(
            [(-90.0, y), (90.0, y)],
            colour.stroke_width(1),
        ))?;
    }
    // Targets, dashed: 0.95 for |yaw| <= 45, 0.80 for 60..90 on both sides.
    for (from, to, level) in [
        (-45.0, 45.0, 0.95),
        (-90.0, -60.0, 0.80),
        (60.0, 90.0, 0.80),
    ] {
        let mut x = from;
        while x < to {
            let end = (x + 4.0f32).min(to);
            chart.draw_series(LineSeries::new(
                [(x, level), (end, level)],
                TARGET.stroke_width(2),
            ))?;
            x += 8.0;
        }
    }
    for curve in curves {
        let style = curve.colour.stroke_width(3);
        // Consecutive defined points form one segment of the line.
        for run in curve
            .points
            .split(|(_, v)| v.is_none())
            .filter(|r| !r.is_empty())
        {
            let pts: Vec<(f32, f64)> = run.iter().map(|&(x, v)| (x, v.unwrap())).collect();
            chart.draw_series(LineSeries::new(pts.clone(), style))?;
            chart.draw_series(
                pts.into_iter()
                    .map(|p| Circle::new(p, 4, curve.colour.filled())),
            )?;
        }
    }
    root.present()?;
    Ok(())
}
