//! Evaluates a DR-GAN bundle through the public API only: rank-1 identification per yaw
//! bin with one frontal gallery image per identity (the Multi-PIE protocol), single-image
//! and fused, verification ROC AUC, frontalization quality (identity kept, PSNR / SSIM
//! against the ground-truth frontal face), each beside a raw-pixel baseline; and a
//! zero-shot run on the CMU face images; and the real-face benchmarks: CFP split 10's
//! frontal-frontal and frontal-profile protocols and LFW View 1's test pairs.
//!
//! `cargo run --release --example evaluate -- --model DIR --data DIR [--report OUT]
//! [--fuse 4]`; `--cmu DIR` for the CMU set; `--cfp DIR` / `--lfw DIR` for CFP and LFW; `--judge DIR` has another bundle's encoder
//! judge the frontalized faces. See README.md, "Evaluation".

#[path = "evaluate/app.rs"]
mod app;
#[path = "evaluate/args.rs"]
mod args;
#[path = "evaluate/cmu.rs"]
mod cmu;
#[path = "evaluate/data.rs"]
mod data;
#[path = "evaluate/lineup.rs"]
mod lineup;
#[path = "evaluate/metrics.rs"]
mod metrics;
#[path = "evaluate/pairs.rs"]
mod pairs;
#[path = "evaluate/pixels.rs"]
mod pixels;
#[path = "evaluate/plot.rs"]
mod plot;
#[path = "evaluate/protocol.rs"]
mod protocol;
#[path = "evaluate/realfaces.rs"]
mod realfaces;
#[path = "evaluate/report.rs"]
mod report;
#[path = "evaluate/table.rs"]
mod table;

fn main() {
    let parsed = args::parse(std::env::args().skip(1));
    let result = match parsed {
        Ok(args::Command::Help) => {
            print!("{}", args::USAGE);
            return;
        }
        Ok(args::Command::Run(a)) => app::run(&a),
        Err(e) => Err(e),
    };
    match result {
        Ok(markdown) => print!("{markdown}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
