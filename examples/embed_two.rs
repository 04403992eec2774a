//! Opens a bundle, aligns and embeds two faces, prints their similarity and writes the
//! first one frontalized to a PNG, with the Rust API. The same program exists in C
//! (examples/c), C++ (examples/cpp), C# (examples/csharp) and Swift (examples/swift).
//!
//! ```sh
//! cargo run --release --example fixture_bundle -- tiny target/fixtures/tiny
//! cargo run --release --example embed_two -- target/fixtures/tiny [examples/data] [frontal.png]
//! ```

use drgan::{Landmarks, Model, Options};

/// Five points of each photo (examples/data/landmarks.json): eyes, nose tip, mouth corners.
const ASTRONAUT: Landmarks = [
    [205.1, 100.5],
    [245.5, 102.5],
    [224.7, 127.4],
    [205.6, 140.9],
    [243.3, 142.6],
];
const OBAMA: Landmarks = [
    [443.0, 211.8],
    [544.7, 209.3],
    [497.7, 277.8],
    [443.6, 323.1],
    [548.9, 317.9],
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(bundle) = args.first() else {
        eprintln!("usage: embed_two BUNDLE_DIR [DATA_DIR] [OUT_PNG]");
        std::process::exit(2);
    };
    let data = args.get(1).map_or("examples/data", String::as_str);
    let out_png = args.get(2).map_or("frontal.png", String::as_str);
    match run(bundle, data, out_png) {
        Ok(report) => print!("{report}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

/// Does the work; returns what `main` prints (tests/bindings_examples.rs calls it too).
pub fn run(bundle: &str, data: &str, out_png: &str) -> drgan::Result<String> {
    let options = Options::default();
    let model = Model::open(bundle, &options)?;
    let aligned = |name: &str, points: &Landmarks| {
        let photo = drgan::io::load_image(format!("{data}/{name}"), options.max_image_pixels)?;
        model.align(&photo.view(), points)
    };
    let a = aligned("astronaut.png", &ASTRONAUT)?;
    let b = aligned("obama.jpg", &OBAMA)?;
    let ea = model.embed(&a.view())?;
    let eb = model.embed(&b.view())?;
    let similarity = drgan::similarity(&ea.feature, &eb.feature)?;
    let mut report = format!("similarity(astronaut, obama) = {similarity:.4}\n");
    report += &format!("confidences {:.4} {:.4}\n", ea.confidence, eb.confidence);
    let front = model.frontalize(&a.view(), 1)?;
    drgan::io::save_png(&front.view(), out_png)?;
    report += &format!("wrote {out_png}\n");
    Ok(report)
}
