//! Writes a bundle with seeded random weights: a stand-in model for trying the API,
//! for benchmarks and for the onnxruntime parity check. Its faces are noise, not faces.
//!
//! ```sh
//! cargo run --release --example fixture_bundle -- paper target/fixtures/paper [seed]
//! cargo run --release --example fixture_bundle -- small target/fixtures/small
//! ```
//! Configs: `paper` (96x96, the paper's channels), `small` (64x64, 1/4 width, Nf 128),
//! `tiny` (32x32, 1/8 width, Nf 16).

use drgan::bundle::BundleFiles;
use drgan_writer::{BundleFilesExt, Config};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: fixture_bundle <paper|small|tiny> <out-dir> [seed]");
        std::process::exit(2);
    }
    let config = Config::named(&args[0]).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let seed = args
        .get(2)
        .map_or(Ok(1), |s| s.parse())
        .unwrap_or_else(|_| {
            eprintln!("seed must be an unsigned integer");
            std::process::exit(2)
        });
    let result = BundleFiles::random(&config, seed)
        .and_then(|b| b.write_dir(std::path::Path::new(&args[1])));
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    println!("wrote a random-weight {} bundle to {}", args[0], args[1]);
}
