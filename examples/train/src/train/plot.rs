//! `RUN/losses.png`: the losses of `RUN/log.csv`, each a moving average, in four panels
//! with axes, numbers, titles and legends. The text needs a TrueType font file: the one
//! at env `DRGAN_PLOT_FONT`, else DejaVu Sans (Debian's `fonts-dejavu-core`). Without
//! it the plot is drawn without text, after one warning.

use super::log;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontStyle};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The environment variable that names the font file.
pub const FONT_ENV: &str = "DRGAN_PLOT_FONT";
/// The font file when `DRGAN_PLOT_FONT` is not set.
pub const DEFAULT_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
/// The plot's size in pixels.
pub const SIZE: (u32, u32) = (900, 1000);
/// The height of the title strip at the top.
pub const TITLE_HEIGHT: u32 = 40;

const FAMILY: &str = "sans-serif";

/// A panel: its title and its series (log column by its name in `log::HEADER`, label,
/// colour).
type Panel = (
    &'static str,
    &'static [(&'static str, &'static str, RGBColor)],
);

const PANELS: [Panel; 4] = [
    ("discriminator", &[("d_loss", "D loss", RED)]),
    ("generator", &[("g_adv", "G adversarial", BLUE)]),
    (
        "synthesis",
        &[
            ("rec", "reconstruction L1", GREEN),
            ("perceptual", "perceptual", MAGENTA),
            ("id_keep", "identity keeping", RGBColor(230, 140, 0)),
        ],
    ),
    (
        "encoder",
        &[
            ("id_aux", "identity softmax", BLACK),
            ("proto", "prototype", CYAN),
        ],
    ),
];

/// The font file to read: env `DRGAN_PLOT_FONT`, else [`DEFAULT_FONT`].
pub fn font_path() -> PathBuf {
    std::env::var_os(FONT_ENV).map_or_else(|| DEFAULT_FONT.into(), PathBuf::from)
}

/// Reads the font file and registers it with plotters, once per process; whether text
/// can be drawn. The first failure prints one warning.
pub fn font_ready() -> bool {
    static READY: OnceLock<bool> = OnceLock::new();
    *READY.get_or_init(|| match register(&font_path()) {
        Ok(()) => true,
        Err(e) => {
            eprintln!("warning: losses.png is drawn without text: {e}");
            false
        }
    })
}

fn register(path: &Path) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("font {}: {e}", path.display()))?;
    // plotters keeps fonts for the whole process.
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    register_font(FAMILY, FontStyle::Normal, bytes)
        .map_err(|_| format!("font {}: not a TrueType font", path.display()))
}

/// Draws `RUN/losses.png` from `RUN/log.csv` (nothing with fewer than two rows).
pub fn losses(run: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(run.join("log.csv")).map_err(|e| e.to_string())?;
    let rows: Vec<Vec<f64>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|v| v.parse().unwrap_or(0.0)).collect())
        .collect();
    if rows.len() < 2 {
        return Ok(());
    }
    let name = run
        .file_name()
        .map_or(String::new(), |n| format!("{} ", n.to_string_lossy()));
    let title = format!("{name}losses (moving averages over ~50 steps)");
    draw(&rows, &title, font_ready(), &run.join("losses.png"))
}

/// Draws `rows` of the log (step first) to the PNG at `path`, with `title` and the
/// panels' text when `text`.
pub fn draw(rows: &[Vec<f64>], title: &str, text: bool, path: &Path) -> Result<(), String> {
    let (w, h) = SIZE;
    let mut rgb = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        let e = |e: DrawingAreaErrorKind<_>| e.to_string();
        root.fill(&WHITE).map_err(e)?;
        let (top, body) = root.split_vertically(TITLE_HEIGHT);
        if text {
            let style = (FAMILY, 24)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Center));
            let at = (w as i32 / 2, TITLE_HEIGHT as i32 / 2);
            top.draw_text(title, &style, at).map_err(e)?;
        }
        for (area, panel) in body.split_evenly((PANELS.len(), 1)).iter().zip(PANELS) {
            draw_panel(area, rows, panel, text).map_err(e)?;
        }
        root.present().map_err(e)?;
    }
    image::save_buffer(path, &rgb, w, h, image::ExtendedColorType::Rgb8)
        .map_err(|e| format!("writing {}: {e}", path.display()))
}

/// Each series as (step, exponential moving average over ~50 steps); series that are 0
/// throughout (losses that are off) are left out.
fn smoothed(rows: &[Vec<f64>], column: usize) -> Option<Vec<(f64, f64)>> {
    let value = |r: &Vec<f64>| r.get(column).copied().unwrap_or(0.0);
    if rows.iter().all(|r| value(r) == 0.0) {
        return None;
    }
    let mut ema = value(&rows[0]);
    let points = rows.iter().map(|r| {
        ema = 0.98 * ema + 0.02 * value(r);
        (r[0], ema)
    });
    Some(points.collect())
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    rows: &[Vec<f64>],
    (title, series): Panel,
    text: bool,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let lines: Vec<_> = series
        .iter()
        .filter_map(|&(column, name, colour)| {
            Some((smoothed(rows, log::column(column))?, name, colour))
        })
        .collect();
    let x_max = rows.last().map_or(1.0, |r| r[0]).max(1.0);
    let y_max = lines
        .iter()
        .flat_map(|(points, _, _)| points.iter().map(|p| p.1))
        .fold(1e-6, f64::max);
    let mut builder = ChartBuilder::on(area);
    builder.margin(8).margin_right(24);
    if text {
        builder
            .caption(title, (FAMILY, 18))
            .x_label_area_size(40)
            .y_label_area_size(60);
    }
    let mut chart = builder.build_cartesian_2d(0.0..x_max, 0.0..y_max * 1.05)?;
    if text {
        chart
            .configure_mesh()
            .x_desc("step")
            .y_desc("loss")
            .x_label_formatter(&|step| format!("{step:.0}"))
            .label_style((FAMILY, 13))
            .draw()?;
    } else {
        let (w, h) = area.dim_in_pixel();
        let corner = (w as i32 - 1, h as i32 - 1);
        area.draw(&Rectangle::new([(0, 0), corner], RGBColor(200, 200, 200)))?;
    }
    for (points, name, colour) in lines {
        let drawn = chart.draw_series(LineSeries::new(points, colour))?;
        drawn
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour));
    }
    if text {
        chart
            .configure_series_labels()
            .label_font((FAMILY, 13))
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A few log rows: step, seconds, images/s, then the losses of [`super::super::log::HEADER`].
    fn rows() -> Vec<Vec<f64>> {
        (1..=40)
            .map(|s| {
                let s = f64::from(s);
                vec![
                    s,
                    s,
                    100.0,
                    1.5,
                    0.7,
                    0.3 / s,
                    4.0 - s / 20.0,
                    0.5,
                    0.5,
                    1.0,
                    0.0,
                    0.1,
                ]
            })
            .collect()
    }

    /// Dark pixels (text and the black series) in rows `ys` of the PNG at `path`.
    fn dark(path: &Path, ys: std::ops::Range<u32>) -> usize {
        let img = image::open(path).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), SIZE);
        ys.flat_map(|y| (0..SIZE.0).map(move |x| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0.iter().all(|&c| c < 100))
            .count()
    }

    #[test]
    fn the_plot_has_a_title_and_axis_numbers_in_the_font() {
        let path = font_path();
        assert!(
            font_ready(),
            "no font at {} (install fonts-dejavu-core or set {FONT_ENV})",
            path.display()
        );
        let dir = tempfile::tempdir().unwrap();
        let (with, without) = (dir.path().join("text.png"), dir.path().join("bare.png"));
        draw(&rows(), "run losses", true, &with).unwrap();
        draw(&rows(), "run losses", false, &without).unwrap();
        // The title strip holds the title's letters, and the first panel (the D loss, in
        // red) its caption and numbers; without text both are blank.
        let panel = TITLE_HEIGHT..TITLE_HEIGHT + (SIZE.1 - TITLE_HEIGHT) / 4;
        assert!(dark(&with, 0..TITLE_HEIGHT) > 100);
        assert!(dark(&with, panel.clone()) > 200);
        assert_eq!(dark(&without, 0..TITLE_HEIGHT), 0);
        assert_eq!(dark(&without, panel), 0);
    }

    #[test]
    fn a_missing_font_file_is_an_error_that_names_it() {
        let e = register(Path::new("/nonexistent/font.ttf")).unwrap_err();
        assert!(e.contains("/nonexistent/font.ttf"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.ttf");
        std::fs::write(&junk, b"not a font").unwrap();
        assert!(register(&junk).unwrap_err().contains("not a TrueType font"));
    }
}
