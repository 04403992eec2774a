//! A blind line-up, for judging by eye whether a bundle's frontalized faces are
//! recognisably the person's:
//! `cargo run --release -p drgan-train --example lineup -- MODEL_DIR OUT.png [SEED] [PEOPLE]`.
//!
//! The top row of `OUT.png` is PEOPLE (default 12) held-out synthetic identities, chosen by
//! SEED (default 1), each turned to a yaw between ±30° and ±75° in variation 1's
//! conditions (the scene, expression and framing of the generator's usual held-out
//! pictures). The bottom row is their frontalizations (`Model::frontalize`, noise seed 0)
//! in a shuffled order. A viewer who sees only the picture matches each bottom column to
//! a top column; `OUT.png.key.txt` holds the answers. Chance is one right in PEOPLE.

use drgan::{Image, Model, Options, PixelFormat};
use drgan_train::synth::dataset::sample;
use drgan_train::synth::rng::Rng;
use drgan_train::train::grid::Sheet;
use drgan_train::train::HELD_OUT_FIRST_IDENTITY;
use std::collections::BTreeSet;

/// Held-out identities the line-up draws from.
const POOL: u64 = 100_000;
/// Each picture's zoom, and the white gap around it.
const ZOOM: usize = 3;
const GAP: usize = 6;

fn main() -> Result<(), String> {
    let usage = "usage: lineup MODEL_DIR OUT.png [SEED] [PEOPLE]";
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, out) = match (args.first(), args.get(1)) {
        (Some(d), Some(o)) => (d, std::path::PathBuf::from(o)),
        _ => return Err(usage.into()),
    };
    let number = |i: usize, default: u64| match args.get(i) {
        Some(v) => v
            .parse::<u64>()
            .map_err(|_| format!("bad number `{v}`\n{usage}")),
        None => Ok(default),
    };
    let seed = number(2, 1)?;
    let people = number(3, 12)? as usize;
    if !(2..=100).contains(&people) {
        return Err("PEOPLE must be 2 to 100".into());
    }
    let model = Model::open(dir, &Options::default()).map_err(|e| e.to_string())?;
    let size = model.info().input_size;
    let yaws: Vec<f32> = model
        .info()
        .pose_yaws
        .iter()
        .copied()
        .filter(|y| (30.0..=75.0).contains(&y.abs()))
        .collect();
    if yaws.is_empty() {
        return Err("the bundle has no yaw bin between ±30° and ±75°".into());
    }

    let mut rng = Rng::new(seed);
    let mut chosen = BTreeSet::new();
    let mut ids = Vec::new();
    while ids.len() < people {
        let id = HELD_OUT_FIRST_IDENTITY + rng.next_u64() % POOL;
        if chosen.insert(id) {
            ids.push(id);
        }
    }
    let mut inputs = Vec::new();
    let mut frontals = Vec::new();
    for &id in &ids {
        let yaw = yaws[(rng.next_u64() % yaws.len() as u64) as usize];
        let rgb = sample(id, yaw, 1, size).rgb;
        let face = Image::packed(&rgb, size, size, PixelFormat::Rgb8).map_err(|e| e.to_string())?;
        frontals.push(model.frontalize(&face, 0).map_err(|e| e.to_string())?.data);
        inputs.push(rgb);
    }
    // Fisher-Yates: bottom column k shows the person of top column order[k].
    let mut order: Vec<usize> = (0..people).collect();
    for k in (1..people).rev() {
        order.swap(k, (rng.next_u64() % (k as u64 + 1)) as usize);
    }

    let mut sheet = Sheet::new(2, people, size as usize, ZOOM, GAP);
    for (col, rgb) in inputs.iter().enumerate() {
        sheet.put_rgb(0, col, rgb);
    }
    for (col, &person) in order.iter().enumerate() {
        sheet.put_rgb(1, col, &frontals[person]);
    }
    sheet.save(&out)?;

    let mut key = format!(
        "line-up of {people} held-out people, seed {seed}, bundle {dir}; columns count \
         from 1 at the left\nbottom column -> top column\n"
    );
    for (col, &person) in order.iter().enumerate() {
        key += &format!("{} -> {}\n", col + 1, person + 1);
    }
    let key_path = format!("{}.key.txt", out.display());
    std::fs::write(&key_path, key).map_err(|e| format!("writing {key_path}: {e}"))?;
    println!("wrote {} and {key_path}", out.display());
    Ok(())
}
