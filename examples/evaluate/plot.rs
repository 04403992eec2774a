//! The rank-1-by-yaw plot (PNG) with plotters. x: yaw from -90° to 90°, light grey
//! verticals every 15°; y: rank-1 from 0 to 1, light grey horizontals every 0.1 (darker at
//! 0.5 and 1). Red dashes mark the targets: 0.95 over |yaw| ≤ 45°, 0.80 over 60°..90°.
//!
//! With a font file (env `DRGAN_PLOT_FONT`, else [`DEFAULT_FONT`], Debian's
//! `fonts-dejavu-core`) the picture carries a title, numbered and labelled axes and a
//! legend. Without one it is drawn without any text (one warning line on stderr) and the
//! report explains the colours.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::register_font;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One curve: its colour, its name in the legend and (yaw, rank-1) points; missing
/// values break the line.
pub struct Curve {
    pub colour: RGBColor,
    pub label: String,
    pub points: Vec<(f32, Option<f64>)>,
}

/// Colours of the curves, named in the legend and the report.
pub const SINGLE: RGBColor = RGBColor(31, 119, 180);
pub const FUSED: RGBColor = RGBColor(44, 160, 44);
pub const FRONTALIZED: RGBColor = RGBColor(255, 127, 14);
pub const RAW: RGBColor = RGBColor(127, 127, 127);
pub const TARGET: RGBColor = RGBColor(214, 39, 40);

/// The font used when `DRGAN_PLOT_FONT` is not set.
pub const DEFAULT_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
/// The family the font is registered under (plotters' default family).
const FAMILY: &str = "sans-serif";
/// The size of the picture, and the width of the legend strip on its right.
pub const WIDTH: u32 = 720;
pub const HEIGHT: u32 = 420;
pub const LEGEND_WIDTH: u32 = 150;
/// The label areas: left of the plot (rank-1 numbers) and under it (yaw numbers).
pub const Y_LABEL_AREA: u32 = 60;
pub const X_LABEL_AREA: u32 = 44;

/// The font file the plot's text is drawn with: `DRGAN_PLOT_FONT` or [`DEFAULT_FONT`].
pub fn font_path() -> PathBuf {
    std::env::var_os("DRGAN_PLOT_FONT")
        .map(PathBuf::from)
        .unwrap_or_else(|| DEFAULT_FONT.into())
}

/// Registers the font with plotters, once per process; false (after one warning line)
/// when there is no usable font file, and the plot is drawn without text.
fn text_available() -> bool {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    *REGISTERED.get_or_init(|| {
        let path = font_path();
        let problem = match std::fs::read(&path) {
            // plotters keeps the font for the life of the process.
            Ok(bytes) => match register_font(FAMILY, FontStyle::Normal, bytes.leak()) {
                Ok(()) => return true,
                Err(_) => "not a TrueType or OpenType font".to_string(),
            },
            Err(e) => e.to_string(),
        };
        eprintln!(
            "warning: no font for the plot's text ({}: {problem}; set DRGAN_PLOT_FONT): \
             rank1_by_yaw.png is drawn without text",
            path.display()
        );
        false
    })
}

/// Draws `curves` under `title` and writes the PNG to `path`; returns whether the
/// picture carries text (title, axes' numbers and labels, legend).
pub fn rank1_by_yaw(path: &Path, title: &str, curves: &[Curve]) -> Result<bool, String> {
    let text = text_available();
    let mut pixels = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
    draw(&mut pixels, title, curves, text).map_err(|e| format!("drawing the plot: {e}"))?;
    let image = drgan::Image::packed(&pixels, WIDTH, HEIGHT, drgan::PixelFormat::Rgb8)
        .map_err(|e| e.to_string())?;
    drgan::io::save_png(&image, path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text)
}

fn draw<'a>(
    pixels: &'a mut [u8],
    title: &str,
    curves: &[Curve],
    text: bool,
) -> Result<(), Box<dyn std::error::Error + 'a>> {
    let root = BitMapBackend::with_buffer(pixels, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let (area, legend) = if text {
        let (area, legend) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
        (area, Some(legend))
    } else {
        (root.clone(), None)
    };
    let mut builder = ChartBuilder::on(&area);
    builder.margin(24);
    if text {
        builder
            .margin_top(12)
            .margin_right(8)
            .caption(title, (FAMILY, 17))
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA);
    }
    let mut chart = builder.build_cartesian_2d(-95f32..95f32, -0.02f64..1.02f64)?;
    if text {
        // The axes and their names; the numbers go where the grid lines are (every 15°
        // and every 0.1), which plotters' own label placement does not do.
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(0)
            .y_labels(0)
            .axis_style(BLACK)
            .axis_desc_style((FAMILY, 14))
            .x_desc("yaw of the probe (degrees; 0 is frontal)")
            .y_desc("rank-1 (share of probes identified)")
            .draw()?;
        let numbers = (FAMILY, 13).into_font().color(&BLACK);
        for k in -6..=6 {
            let (x, y) = chart.backend_coord(&(k as f32 * 15.0, -0.02));
            root.draw(&PathElement::new([(x, y), (x, y + 4)], BLACK))?;
            root.draw(&Text::new(
                format!("{}°", k * 15),
                (x, y + 6),
                numbers.pos(Pos::new(HPos::Center, VPos::Top)),
            ))?;
        }
        for k in 0..=10 {
            let (x, y) = chart.backend_coord(&(-95.0, k as f64 / 10.0));
            root.draw(&PathElement::new([(x - 4, y), (x, y)], BLACK))?;
            root.draw(&Text::new(
                format!("{:.1}", k as f64 / 10.0),
                (x - 6, y),
                numbers.pos(Pos::new(HPos::Right, VPos::Center)),
            ))?;
        }
    }
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
    if let Some(legend) = legend {
        // One row per curve, the last drawn (on top) first, then the target: a swatch of
        // the line and its name.
        let font = (FAMILY, 13).into_font();
        let rows = curves
            .iter()
            .rev()
            .map(|c| (c.label.as_str(), c.colour, false))
            .chain([("target", TARGET, true)]);
        for (i, (label, colour, dashed)) in rows.enumerate() {
            let y = 70 + 26 * i as i32;
            if dashed {
                for x in [4, 16, 28] {
                    legend.draw(&PathElement::new(
                        [(x, y), (x + 8, y)],
                        colour.stroke_width(2),
                    ))?;
                }
            } else {
                legend.draw(&PathElement::new([(4, y), (36, y)], colour.stroke_width(3)))?;
                legend.draw(&Circle::new((20, y), 4, colour.filled()))?;
            }
            legend.draw(&Text::new(
                label.to_string(),
                (44, y),
                font.color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
    }
    root.present()?;
    Ok(())
}
