//! How close a bundle's frontalized faces come to the person's own frontal face, judged
//! in pixels, without any recognition network:
//! `cargo run --release -p drgan-train --example studio_frontal -- MODEL_DIR [IDENTITIES]
//! [FIRST_IDENTITY]`.
//!
//! Held-out synthetic identities (default 200, from the first held-out one; a
//! `FIRST_IDENTITY` below it measures training identities instead) are pictured at
//! every yaw bin of the bundle in variation 1's conditions (the scene, expression and
//! framing of the generator's usual held-out pictures) and frontalized with
//! `Model::frontalize`. Each result is compared with the person's studio portrait at
//! yaw 0 (neutral expression, grey background, frontal light:
//! `synth::dataset::studio_portrait`): PSNR, and pixel rank-1, whether the nearest of
//! all the identities' studio portraits (RGB L2) is the person's own. A decoder that
//! draws an average face scores the mean portrait's PSNR and chance rank-1 (the last
//! table rows); one that draws the person scores higher.

use drgan::{Image, Model, Options, PixelFormat};
use drgan_train::synth::dataset::{sample, studio_portrait};
use drgan_train::train::HELD_OUT_FIRST_IDENTITY;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .first()
        .ok_or("usage: studio_frontal MODEL_DIR [IDENTITIES] [FIRST_IDENTITY]")?;
    let n: u64 = match args.get(1) {
        Some(v) => v.parse().map_err(|_| format!("bad identity count `{v}`"))?,
        None => 200,
    };
    let model = Model::open(dir, &Options::default()).map_err(|e| e.to_string())?;
    let size = model.info().input_size;
    let yaws = model.info().pose_yaws.clone();
    let first: u64 = match args.get(2) {
        Some(v) => v.parse().map_err(|_| format!("bad first identity `{v}`"))?,
        None => HELD_OUT_FIRST_IDENTITY,
    };
    let ids: Vec<u64> = (first..first.saturating_add(n)).collect();
    let portraits: Vec<Vec<f32>> = ids
        .iter()
        .map(|&id| unit_floats(&studio_portrait(id, 0.0, size).rgb))
        .collect();
    let mean: Vec<f32> = (0..portraits[0].len())
        .map(|i| portraits.iter().map(|p| p[i]).sum::<f32>() / portraits.len() as f32)
        .collect();

    println!("| yaw | PSNR dB | pixel rank-1 % |\n|---|--:|--:|");
    let (mut all_psnr, mut all_hits) = (0.0, 0);
    for &yaw in &yaws {
        let (mut psnr_sum, mut hits) = (0.0, 0);
        for (k, &id) in ids.iter().enumerate() {
            let rgb = sample(id, yaw, 1, size).rgb;
            let face =
                Image::packed(&rgb, size, size, PixelFormat::Rgb8).map_err(|e| e.to_string())?;
            let out = unit_floats(&model.frontalize(&face, 0).map_err(|e| e.to_string())?.data);
            psnr_sum += psnr(&out, &portraits[k]);
            hits += usize::from(nearest(&out, &portraits) == k);
        }
        println!(
            "| {yaw:+.0}° | {:.2} | {:.1} |",
            psnr_sum / n as f64,
            100.0 * hits as f64 / n as f64
        );
        all_psnr += psnr_sum;
        all_hits += hits;
    }
    let total = (n as usize * yaws.len()) as f64;
    println!(
        "| **all** | {:.2} | {:.1} |",
        all_psnr / total,
        100.0 * all_hits as f64 / total
    );
    let mean_psnr = portraits.iter().map(|p| psnr(&mean, p)).sum::<f64>() / n as f64;
    println!(
        "| the mean portrait (an identity-blind decoder) | {mean_psnr:.2} | {:.1} (chance) |",
        100.0 / n as f64
    );
    Ok(())
}

/// RGB8 bytes as values in [0, 1].
fn unit_floats(rgb: &[u8]) -> Vec<f32> {
    rgb.iter().map(|&v| f32::from(v) / 255.0).collect()
}

/// Σ (a − b)².
fn squared_distance(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| f64::from(x - y).powi(2)).sum()
}

/// PSNR in dB of `a` against `b`; capped at 99 dB for equal pictures.
fn psnr(a: &[f32], b: &[f32]) -> f64 {
    let mse = squared_distance(a, b) / a.len().max(1) as f64;
    (10.0 * (1.0 / mse.max(1e-10)).log10()).min(99.0)
}

/// Index of the portrait nearest to `x` (the first of equals).
fn nearest(x: &[f32], portraits: &[Vec<f32>]) -> usize {
    let distances = portraits.iter().map(|p| squared_distance(x, p));
    let best = distances.enumerate().min_by(|a, b| a.1.total_cmp(&b.1));
    best.map_or(0, |(i, _)| i)
}
