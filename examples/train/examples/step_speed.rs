//! Seconds per training step of a config (`small`, the default model's, unless named) with
//! one and with several workers (`--workers`): the encoder warm-up (16 groups of 4), the
//! decoder alone on a frozen encoder (4 groups of 4 and their fused codes), and the same
//! with D learning beside it.
//! Rounds alternate between the worker counts, so that a busy machine slows both alike;
//! it prints the median over rounds and the ratio.
//!
//! `cargo run --release -p drgan-train --example step_speed -- [ROUNDS] [STEPS] [WORKERS]
//! [CONFIG]` (defaults 5 rounds of 6 steps each, 2 workers, `small`).

use drgan_train::synth::rng::Rng;
use drgan_train::train::batch::{Batch, BatchSpec};
use drgan_train::train::{Dataset, Scene, TrainOptions, Trainer};
use drgan_writer::Config;
use std::time::Instant;

/// One kind of step: its name, batch and how the options differ from the defaults.
struct Kind {
    name: &'static str,
    spec: BatchSpec,
    warmup: bool,
    with_d: bool,
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize, default: usize| -> Result<usize, String> {
        args.get(i).map_or(Ok(default), |a| {
            a.parse().map_err(|_| format!("`{a}`: want a number"))
        })
    };
    let rounds = number(0, 5)?.max(1);
    let steps = number(1, 6)?.max(1);
    let workers = number(2, 2)?.max(1);
    let name = args.get(3).map_or("small", String::as_str);
    let config = Config::named(name).map_err(|e| e.to_string())?;
    let s = config.input_size as usize;
    let data = Dataset::synthetic(40, 1, Scene::Studio, &config.pose_yaws, s, 2, |_| {})?;
    let spec = |groups, truths| BatchSpec {
        groups,
        group: 4,
        max_shift: 4,
        flip: true,
        truths,
        augment: 0.0,
        known_targets: 0.0,
    };
    let kinds = [
        Kind {
            name: "encoder warm-up (64 pictures)",
            spec: spec(16, false),
            warmup: true,
            with_d: false,
        },
        Kind {
            name: "decoder alone (16 pictures + 4 fused)",
            spec: spec(4, true),
            warmup: false,
            with_d: false,
        },
        Kind {
            name: "decoder and D (16 pictures + 4 fused)",
            spec: spec(4, true),
            warmup: false,
            with_d: true,
        },
    ];
    println!("config {name}: seconds per step, median of {rounds} rounds of {steps} steps");
    println!("| step | 1 worker | {workers} workers | speed-up |");
    println!("|---|--:|--:|--:|");
    for kind in &kinds {
        let batches: Vec<Batch> = (0..steps)
            .map(|i| data.batch(&kind.spec, &mut Rng::new(i as u64)))
            .collect();
        let mut trainers = [1, workers].map(|w| trainer(&config, kind, w, data.classes));
        let mut times = [Vec::new(), Vec::new()];
        for round in 0..=rounds {
            for (t, times) in trainers.iter_mut().zip(&mut times) {
                let start = Instant::now();
                for (i, b) in batches.iter().enumerate() {
                    if kind.warmup {
                        t.warmup_step(b, i as u64);
                    } else {
                        t.step(b, i as u64);
                    }
                }
                // Round 0 warms caches and allocators up and is not counted.
                if round > 0 {
                    times.push(start.elapsed().as_secs_f64() / steps as f64);
                }
            }
        }
        let [one, many] = times.map(median);
        println!(
            "| {} | {one:.3} | {many:.3} | {:.2}x |",
            kind.name,
            one / many
        );
    }
    Ok(())
}

/// A trainer for `kind` with `workers` workers.
fn trainer(config: &Config, kind: &Kind, workers: usize, classes: usize) -> Trainer {
    let mut o = TrainOptions::new(config.clone());
    o.workers = workers;
    o.proto_weight = 1.0;
    if !kind.warmup {
        o.freeze_encoder_from = Some(0);
        o.adv_weight = 0.0;
        o.d_from = kind.with_d.then_some(0);
    }
    Trainer::new(o, classes, drgan_train::train::run::device())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
