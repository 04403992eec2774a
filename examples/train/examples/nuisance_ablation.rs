//! Which nuisance factors a bundle's identity features depend on:
//! `cargo run --release -p drgan-train --example nuisance_ablation -- MODEL_DIR [IDENTITIES]`.
//!
//! Held-out synthetic identities (default 200), one gallery picture each (frontal, in
//! variation 0's conditions). Each probe is that person in variation 0's conditions with
//! one group of factors (background, lighting, expression, pitch and roll, framing, or
//! all of them) taken from variations 1..=3, at yaw 0 and 45; the table is rank-1 per
//! group. A factor the features ignore costs nothing against the "none" row.

use drgan::{Image, Model, Options, PixelFormat};
use drgan_train::synth::dataset::{head, sample_with};
use drgan_train::synth::nuisance::Nuisance;
use drgan_train::train::HELD_OUT_FIRST_IDENTITY;

/// A factor group: its name and how it moves `from`'s values into `to`.
type Factor = (&'static str, fn(&mut Nuisance, &Nuisance));

const FACTORS: [Factor; 7] = [
    ("none", |_, _| {}),
    ("background", |to, from| to.background = from.background),
    ("lighting", |to, from| {
        *to = to.clone().with_lighting_of(from)
    }),
    ("expression", |to, from| {
        (to.smile, to.mouth_open, to.brow_raise) = (from.smile, from.mouth_open, from.brow_raise)
    }),
    ("pitch and roll", |to, from| {
        (to.pitch_deg, to.roll_deg) = (from.pitch_deg, from.roll_deg)
    }),
    ("framing", |to, from| {
        (to.scale, to.shift) = (from.scale, from.shift)
    }),
    ("all", |to, from| *to = from.clone()),
];

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .first()
        .ok_or("usage: nuisance_ablation MODEL_DIR [IDENTITIES]")?;
    let n: u64 = match args.get(1) {
        Some(v) => v.parse().map_err(|_| format!("bad identity count `{v}`"))?,
        None => 200,
    };
    let model = Model::open(dir, &Options::default()).map_err(|e| e.to_string())?;
    let size = model.info().input_size;
    let embed = |n: &Nuisance, id: u64, yaw: f32| -> Result<Vec<f32>, String> {
        let rgb = sample_with(&head(id), yaw, 0, n, size).rgb;
        let image =
            Image::packed(&rgb, size, size, PixelFormat::Rgb8).map_err(|e| e.to_string())?;
        Ok(model.embed(&image).map_err(|e| e.to_string())?.feature)
    };
    let ids: Vec<u64> = (HELD_OUT_FIRST_IDENTITY..HELD_OUT_FIRST_IDENTITY + n).collect();
    let gallery = ids
        .iter()
        .map(|&id| embed(&Nuisance::sample(id, 0), id, 0.0))
        .collect::<Result<Vec<_>, _>>()?;
    let best = |probe: &[f32]| -> Result<usize, String> {
        let mut top = (f32::MIN, 0);
        for (i, g) in gallery.iter().enumerate() {
            let s = drgan::similarity(probe, g).map_err(|e| e.to_string())?;
            if s > top.0 {
                top = (s, i);
            }
        }
        Ok(top.1)
    };
    println!("| changed | probes per yaw | rank-1 yaw 0 % | rank-1 yaw 45 % |\n|---|--:|--:|--:|");
    for (name, apply) in FACTORS {
        // "none" at yaw 0 is the gallery picture itself: only yaw 45 is a test.
        let variations: &[u64] = if name == "none" { &[0] } else { &[1, 2, 3] };
        let mut hits = [0usize; 2];
        for (i, &id) in ids.iter().enumerate() {
            for &v in variations {
                let mut conditions = Nuisance::sample(id, 0);
                apply(&mut conditions, &Nuisance::sample(id, v));
                for (k, yaw) in [0.0, 45.0].into_iter().enumerate() {
                    hits[k] += (best(&embed(&conditions, id, yaw)?)? == i) as usize;
                }
            }
        }
        let probes = ids.len() * variations.len();
        let pct = |h: usize| format!("{:.1}", 100.0 * h as f64 / probes as f64);
        let yaw0 = if name == "none" {
            "–".into()
        } else {
            pct(hits[0])
        };
        println!("| {name} | {probes} | {yaw0} | {} |", pct(hits[1]));
    }
    Ok(())
}
