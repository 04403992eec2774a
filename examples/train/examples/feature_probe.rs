//! What a bundle's identity features carry of the person's face, and how much of it the
//! bundle's decoder draws:
//! `cargo run --release -p drgan-train --example feature_probe -- MODEL_DIR [IDENTITIES]
//! [GRID_PNG]`.
//!
//! A **linear decoder** (ridge regression, [`drgan_train::ridge`]) is fitted from the
//! features of training identities `0..IDENTITIES` (default 1,000; every yaw bin,
//! variations 0 and 1, through `Model::embed_batch`) to each person's frontal studio
//! portrait, and linear maps to the person's hair and skin colours. A **nonlinear
//! decoder** is fitted the same way on the features followed by a fixed layer of random
//! rectified projections of them ([`RandomRelu`]: a kernel machine in all but name). All
//! are then scored on the 200 held-out identities of `studio_frontal` (variation 1's
//! pictures at every yaw) beside the bundle's own decoder (frontalization): PSNR against
//! the portrait, pixel rank-1 (the nearest of the 200 portraits is the person's own), and
//! the share of colour variance the features explain (R²). A trained decoder that does
//! no better than the linear one draws no more than a linear read-out of its features;
//! one the nonlinear read-out beats by far is short of capacity or training, not of
//! features; colours with a low R² are not in the features for any decoder to draw.
//! With `GRID_PNG`, a picture of what each decoder draws of the sample grid's five
//! held-out faces (`drgan-train`'s `samples_*.png`): a row per face, the input and its
//! studio portrait first, then the decoders in the table's order.

use drgan::{Image, Model, Options, PixelFormat};
use drgan_train::portrait::{nearest, psnr, unit_floats};
use drgan_train::ridge::{LinearMap, RandomRelu, Ridge};
use drgan_train::synth::dataset::{sample, studio_portrait};
use drgan_train::synth::identity::Identity;
use drgan_train::train::run::SAMPLE_PROBES;
use drgan_train::train::HELD_OUT_FIRST_IDENTITY;

/// Ridges (relative to the inputs' mean square) the decoders are fitted with.
const LINEAR_RIDGES: [f64; 3] = [1e-4, 1e-3, 1e-2];
const NONLINEAR_RIDGES: [f64; 3] = [1e-2, 1e-1, 1.0];
/// Random rectified units of the nonlinear decoder.
const UNITS: usize = 2048;
const HELD_OUT: u64 = 200;

/// A feature's frontal picture (RGB in [0, 1]), drawn by one decoder.
type Draw<'a> = Box<dyn Fn(&[f32]) -> Result<Vec<f32>, String> + 'a>;

/// A decoder of features and its name in the table.
struct Readout<'a> {
    name: String,
    draw: Draw<'a>,
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .first()
        .ok_or("usage: feature_probe MODEL_DIR [IDENTITIES] [GRID_PNG]")?;
    let identities: u64 = match args.get(1) {
        Some(v) => v.parse().map_err(|_| format!("bad identity count `{v}`"))?,
        None => 1000,
    };
    let model = Model::open(dir, &Options::default()).map_err(|e| e.to_string())?;
    let size = model.info().input_size;
    let nf = model.info().feature_dim;
    let portrait = |id: u64| unit_floats(&studio_portrait(id, 0.0, size).rgb);

    // Every training picture's feature, per identity (IDENTITIES x 26 x Nf floats).
    let train: Vec<Vec<Vec<f32>>> = (0..identities)
        .map(|id| Ok([features(&model, id, 0)?, features(&model, id, 1)?].concat()))
        .collect::<Result<_, String>>()?;
    let all: Vec<&[f32]> = train.iter().flatten().map(|f| &f[..]).collect();
    let relu = RandomRelu::new(&all, UNITS, 7);
    let outputs = (size * size * 3) as usize;
    let (mut pixels, mut wide) = (Ridge::new(nf, outputs), Ridge::new(nf + UNITS, outputs));
    let mut colours = Ridge::new(nf, 6);
    for (id, fs) in (0..identities).zip(&train) {
        let target = widen(&portrait(id));
        pixels.add_group(fs, &target);
        let expanded: Vec<Vec<f32>> = fs.iter().map(|f| relu.expand(f)).collect();
        wide.add_group(&expanded, &target);
        colours.add_group(fs, &colours_of(id));
    }
    let colour_map = colours.fit(LINEAR_RIDGES[0])?;

    // The bundle's frontalization of a face (`Model::frontalize`), decoded from the
    // feature already at hand instead of running the encoder again.
    let mut readouts = vec![Readout {
        name: "the bundle's".into(),
        draw: Box::new(|f| {
            let drawn = model.synthesize(f, 0.0, 0).map_err(|e| e.to_string())?;
            Ok(unit_floats(&drawn.data))
        }),
    }];
    for &ridge in &LINEAR_RIDGES {
        let map = pixels.fit(ridge)?;
        readouts.push(Readout {
            name: format!("linear, ridge {ridge}"),
            draw: Box::new(move |f| Ok(narrow(&map.predict(f)))),
        });
    }
    for &ridge in &NONLINEAR_RIDGES {
        let (map, relu) = (wide.fit(ridge)?, &relu);
        readouts.push(Readout {
            name: format!("{UNITS} random ReLUs, ridge {ridge}"),
            draw: Box::new(move |f| Ok(narrow(&map.predict(&relu.expand(f))))),
        });
    }
    drop((pixels, wide));

    score(&model, &readouts, &colour_map, &portrait)?;
    if let Some(png) = args.get(2) {
        write_grid(png, &model, &readouts, &portrait)?;
        println!("\nwrote {png}");
    }
    Ok(())
}

/// Prints each read-out's PSNR and pixel rank-1 on the held-out identities, and the R² of
/// the colour map.
fn score(
    model: &Model,
    readouts: &[Readout],
    colour_map: &LinearMap,
    portrait: &dyn Fn(u64) -> Vec<f32>,
) -> Result<(), String> {
    let ids: Vec<u64> = (HELD_OUT_FIRST_IDENTITY..HELD_OUT_FIRST_IDENTITY + HELD_OUT).collect();
    let portraits: Vec<Vec<f32>> = ids.iter().map(|&id| portrait(id)).collect();
    // Per read-out: PSNR sum and hits.
    let mut scores = vec![(0.0f64, 0usize); readouts.len()];
    let truth: Vec<[f64; 6]> = ids.iter().map(|&id| colours_of(id)).collect();
    let mut colour_error = [0.0f64; 6];
    let mut probes = 0usize;
    for (k, &id) in ids.iter().enumerate() {
        for feature in features(model, id, 1)? {
            for (score, readout) in scores.iter_mut().zip(readouts) {
                let out = (readout.draw)(&feature)?;
                score.0 += psnr(&out, &portraits[k]);
                score.1 += usize::from(nearest(&out, &portraits) == k);
            }
            for (c, p) in colour_map.predict(&feature).iter().enumerate() {
                colour_error[c] += (p - truth[k][c]).powi(2);
            }
            probes += 1;
        }
    }

    println!("| decoder | PSNR dB | pixel rank-1 % |\n|---|--:|--:|");
    for (readout, (psnr_sum, hits)) in readouts.iter().zip(&scores) {
        println!(
            "| {} | {:.2} | {:.1} |",
            readout.name,
            psnr_sum / probes as f64,
            100.0 * *hits as f64 / probes as f64
        );
    }
    let r2: Vec<String> = (0..6)
        .map(|c| {
            let mean = truth.iter().map(|t| t[c]).sum::<f64>() / truth.len() as f64;
            let per_probe = probes as f64 / truth.len() as f64;
            let var = truth.iter().map(|t| (t[c] - mean).powi(2)).sum::<f64>() * per_probe;
            format!("{:.2}", 1.0 - colour_error[c] / var)
        })
        .collect();
    println!(
        "\nR² of the colours from the features (held-out): hair R G B {}, skin R G B {}",
        r2[..3].join(" "),
        r2[3..].join(" ")
    );
    Ok(())
}

/// The sample grid's probes, each in a row: the input, its studio portrait, then what
/// every read-out draws of its feature; 3x zoom.
fn write_grid(
    path: &str,
    model: &Model,
    readouts: &[Readout],
    portrait: &dyn Fn(u64) -> Vec<f32>,
) -> Result<(), String> {
    let s = model.info().input_size as usize;
    let (zoom, gap) = (3, 2);
    let (cell, columns) = (s * zoom, 2 + readouts.len());
    let (w, h) = (
        columns * (cell + gap) + gap,
        SAMPLE_PROBES.len() * (cell + gap) + gap,
    );
    let mut img = image::RgbImage::from_pixel(w as u32, h as u32, image::Rgb([255, 255, 255]));
    for (row, &(offset, yaw)) in SAMPLE_PROBES.iter().enumerate() {
        let id = HELD_OUT_FIRST_IDENTITY + offset;
        let input = sample(id, yaw, 0, s as u32).rgb;
        let face = Image::packed(&input, s as u32, s as u32, PixelFormat::Rgb8)
            .map_err(|e| e.to_string())?;
        let feature = model.embed(&face).map_err(|e| e.to_string())?.feature;
        let mut cells = vec![unit_floats(&input), portrait(id)];
        for readout in readouts {
            cells.push((readout.draw)(&feature)?);
        }
        for (col, rgb) in cells.iter().enumerate() {
            for y in 0..cell {
                for x in 0..cell {
                    let at = ((y / zoom) * s + x / zoom) * 3;
                    let px = |c: usize| (rgb[at + c] * 255.0).round().clamp(0.0, 255.0) as u8;
                    let (ox, oy) = (gap + col * (cell + gap) + x, gap + row * (cell + gap) + y);
                    img.put_pixel(ox as u32, oy as u32, image::Rgb([px(0), px(1), px(2)]));
                }
            }
        }
    }
    img.save(path).map_err(|e| format!("writing {path}: {e}"))
}

/// The person's pictures at every yaw bin of the bundle in `variation`'s conditions.
fn pictures(model: &Model, id: u64, variation: u64) -> Vec<Vec<u8>> {
    let size = model.info().input_size;
    let yaws = &model.info().pose_yaws;
    yaws.iter()
        .map(|&y| sample(id, y, variation, size).rgb)
        .collect()
}

fn images(pictures: &[Vec<u8>], size: u32) -> Result<Vec<Image<'_>>, String> {
    pictures
        .iter()
        .map(|rgb| Image::packed(rgb, size, size, PixelFormat::Rgb8).map_err(|e| e.to_string()))
        .collect()
}

/// The features of the person's pictures at every yaw in `variation`'s conditions.
fn features(model: &Model, id: u64, variation: u64) -> Result<Vec<Vec<f32>>, String> {
    let pictures = pictures(model, id, variation);
    let faces = images(&pictures, model.info().input_size)?;
    let embedded = model.embed_batch(&faces).map_err(|e| e.to_string())?;
    Ok(embedded.into_iter().map(|e| e.feature).collect())
}

/// Hair then skin colour, gamma-encoded (about as a picture shows them), in [0, 1].
fn colours_of(id: u64) -> [f64; 6] {
    let person = Identity::from_seed(id);
    let mut c = [0.0; 6];
    for (k, v) in person
        .hair_colour
        .iter()
        .chain(&person.skin_colour)
        .enumerate()
    {
        c[k] = f64::from(*v).powf(1.0 / 2.2);
    }
    c
}

fn widen(v: &[f32]) -> Vec<f64> {
    v.iter().map(|&x| f64::from(x)).collect()
}

/// A linear decoder's output as a picture: clamped to [0, 1].
fn narrow(v: &[f64]) -> Vec<f32> {
    v.iter().map(|&x| x.clamp(0.0, 1.0) as f32).collect()
}
