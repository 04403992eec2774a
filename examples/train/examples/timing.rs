//! Single-thread timing of the generator's stages: `cargo run --release -p drgan-train --example timing`.

use drgan_train::synth::head::Head;
use drgan_train::synth::identity::Identity;
use drgan_train::synth::nuisance::Nuisance;
use drgan_train::synth::render::render;
use std::time::Instant;

fn main() {
    let n = 20u64;
    let t = Instant::now();
    let heads: Vec<Head> = (0..n)
        .map(|i| Head::build(&Identity::from_seed(i)))
        .collect();
    let build = t.elapsed().as_secs_f64() / n as f64;
    let m = &heads[0].mesh;
    println!("mesh: {} vertices, {} triangles", m.pos.len(), m.tris.len());
    println!("head build: {:.2} ms", build * 1e3);
    for size in [64u32, 96] {
        let t = Instant::now();
        let mut k = 0;
        for h in &heads {
            for y in 0..13 {
                let nz = Nuisance::sample(h.identity.seed, y);
                let r = render(h, -90.0 + 15.0 * y as f32, &nz, size);
                k += r.rgb[0] as usize;
            }
        }
        println!(
            "render {size}: {:.2} ms ({k})",
            t.elapsed().as_secs_f64() * 1e3 / (n * 13) as f64
        );
    }
}
