//! A quick held-out check during training: rank-1 identification of synthetic identities
//! that training never sees (seeds from [`HELD_OUT_FIRST_IDENTITY`]), per yaw bin, with
//! one frontal gallery picture per identity (variation 0) and probes of variation 1.
//! The full evaluation goes through the SDK (`cargo run --example evaluate`).

use super::batch::push_image;
use super::data::HELD_OUT_FIRST_IDENTITY;
use crate::nets::Generator;
use crate::synth::dataset::{batch, Request};
use burn::prelude::*;
use burn::tensor::TensorData;

/// Rank-1 per bin of `yaws` over `identities` held-out identities (cosine similarity).
pub fn rank1(
    g: &Generator,
    yaws: &[f32],
    size: usize,
    identities: usize,
    threads: usize,
    device: &Device,
) -> Result<Vec<f32>, String> {
    let g = g.valid();
    let ids = (0..identities as u64).map(|i| HELD_OUT_FIRST_IDENTITY + i);
    let gallery: Vec<Request> = ids
        .clone()
        .map(|identity| Request {
            identity,
            yaw_deg: 0.0,
            variation: 0,
        })
        .collect();
    let probes: Vec<Request> = ids
        .flat_map(|identity| {
            yaws.iter().map(move |&yaw_deg| Request {
                identity,
                yaw_deg,
                variation: 1,
            })
        })
        .collect();
    let embed = |reqs: &[Request]| -> Result<Vec<Vec<f32>>, String> {
        let pics = batch(reqs, size as u32, threads);
        let mut out = Vec::new();
        for chunk in pics.chunks(64) {
            let mut x = Vec::new();
            for p in chunk {
                push_image(&mut x, &p.rgb, size, false, 0, 0);
            }
            let n = chunk.len();
            let x = Tensor::<4>::from_data(TensorData::new(x, [n, 3, size, size]), device);
            let f: Vec<f32> = g
                .encode(x)
                .identity
                .into_data()
                .convert::<f32>()
                .try_into_vec()
                .map_err(|e| format!("{e:?}"))?;
            let d = f.len() / n;
            out.extend(f.chunks(d).map(normalized));
        }
        Ok(out)
    };
    let gal = embed(&gallery)?;
    let pro = embed(&probes)?;
    let nb = yaws.len();
    let mut hits = vec![0usize; nb];
    for (k, p) in pro.iter().enumerate() {
        let truth = k / nb;
        let best = (0..gal.len())
            .max_by(|&a, &b| dot(p, &gal[a]).total_cmp(&dot(p, &gal[b])))
            .unwrap_or(0);
        if best == truth {
            hits[k % nb] += 1;
        }
    }
    Ok(hits
        .iter()
        .map(|&h| h as f32 / identities.max(1) as f32)
        .collect())
}

fn normalized(v: &[f32]) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    v.iter().map(|x| x / n).collect()
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Appends a row to `RUN/heldout.csv`: the step, then rank-1 per yaw bin.
pub fn append(run: &std::path::Path, step: u64, yaws: &[f32], r: &[f32]) -> Result<(), String> {
    let head: Vec<String> = yaws.iter().map(|y| format!("rank1_yaw{y}")).collect();
    let row: Vec<String> = r.iter().map(|v| format!("{v:.3}")).collect();
    super::log::append_row(
        &run.join("heldout.csv"),
        &format!("step,{}", head.join(",")),
        &format!("{step},{}", row.join(",")),
    )
}
