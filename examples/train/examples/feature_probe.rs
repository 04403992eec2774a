//! What a bundle's identity features carry of the person's face, and how much of it the
//! bundle's decoder draws:
//! `cargo run --release -p drgan-train --example feature_probe -- MODEL_DIR [IDENTITIES]`.
//!
//! A **linear decoder** (ridge regression, [`drgan_train::ridge`]) is fitted from the
//! features of training identities `0..IDENTITIES` (default 1,000; every yaw bin,
//! variations 0 and 1, through `Model::embed_batch`) to each person's frontal studio
//! portrait, and linear maps to the person's hair and skin colours. Both are then
//! scored on the 200 held-out identities of `studio_frontal` (variation 1's pictures at
//! every yaw) beside the bundle's own decoder (frontalization): PSNR against the
//! portrait, pixel rank-1 (the nearest of the 200 portraits is the person's own), and
//! the share of colour variance the features explain (R²). A trained decoder that does
//! no better than the linear one draws no more than a linear read-out of its features;
//! colours with a low R² are not in the features for any decoder to draw.

use drgan::{Image, Model, Options, PixelFormat};
use drgan_train::portrait::{nearest, psnr, unit_floats};
use drgan_train::ridge::{LinearMap, Ridge};
use drgan_train::synth::dataset::{sample, studio_portrait};
use drgan_train::synth::identity::Identity;
use drgan_train::train::HELD_OUT_FIRST_IDENTITY;

/// Ridges (relative to the features' mean square) the linear decoder is fitted with.
const RIDGES: [f64; 3] = [1e-4, 1e-3, 1e-2];
const HELD_OUT: u64 = 200;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .first()
        .ok_or("usage: feature_probe MODEL_DIR [IDENTITIES]")?;
    let identities: u64 = match args.get(1) {
        Some(v) => v.parse().map_err(|_| format!("bad identity count `{v}`"))?,
        None => 1000,
    };
    let model = Model::open(dir, &Options::default()).map_err(|e| e.to_string())?;
    let size = model.info().input_size;
    let nf = model.info().feature_dim;
    let portrait = |id: u64| unit_floats(&studio_portrait(id, 0.0, size).rgb);

    let mut pixels = Ridge::new(nf, (size * size * 3) as usize);
    let mut colours = Ridge::new(nf, 6);
    for id in 0..identities {
        let (target, colour) = (widen(&portrait(id)), colours_of(id));
        for variation in 0..2 {
            for f in features(&model, id, variation)? {
                pixels.add(&f, &target);
                colours.add(&f, &colour);
            }
        }
    }
    let linear: Vec<LinearMap> = RIDGES
        .iter()
        .map(|&r| pixels.fit(r))
        .collect::<Result<_, _>>()?;
    let colour_map = colours.fit(RIDGES[0])?;

    let ids: Vec<u64> = (HELD_OUT_FIRST_IDENTITY..HELD_OUT_FIRST_IDENTITY + HELD_OUT).collect();
    let portraits: Vec<Vec<f32>> = ids.iter().map(|&id| portrait(id)).collect();
    // Per decoder (the bundle's, then one per ridge): PSNR sum and hits.
    let mut scores = vec![(0.0f64, 0usize); 1 + RIDGES.len()];
    let truth: Vec<[f64; 6]> = ids.iter().map(|&id| colours_of(id)).collect();
    let mut colour_error = [0.0f64; 6];
    let mut probes = 0usize;
    for (k, &id) in ids.iter().enumerate() {
        for feature in features(&model, id, 1)? {
            // The bundle's frontalization of the face (`Model::frontalize`), decoded from
            // the feature already at hand instead of running the encoder again.
            let drawn = model
                .synthesize(&feature, 0.0, 0)
                .map_err(|e| e.to_string())?;
            let mut outputs = vec![unit_floats(&drawn.data)];
            outputs.extend(linear.iter().map(|m| narrow(&m.predict(&feature))));
            for (score, out) in scores.iter_mut().zip(&outputs) {
                score.0 += psnr(out, &portraits[k]);
                score.1 += usize::from(nearest(out, &portraits) == k);
            }
            for (c, p) in colour_map.predict(&feature).iter().enumerate() {
                colour_error[c] += (p - truth[k][c]).powi(2);
            }
            probes += 1;
        }
    }

    println!("| decoder | PSNR dB | pixel rank-1 % |\n|---|--:|--:|");
    let names = std::iter::once("the bundle's".to_string())
        .chain(RIDGES.iter().map(|r| format!("linear, ridge {r}")));
    for (name, (psnr_sum, hits)) in names.zip(&scores) {
        println!(
            "| {name} | {:.2} | {:.1} |",
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
