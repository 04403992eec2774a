//! `train --init-from BUNDLE`: a run starts from a bundle's encoder and pose head. The
//! bundle it then exports embeds faces and estimates yaw as the first one does (the
//! imported encoder is frozen from step 0, D learns nothing), while its decoder is new;
//! with `--warmup-steps` the encoder is fine-tuned from where the bundle left it.

use drgan::{Image, Model, Options, PixelFormat};
use drgan_train::cli;
use drgan_writer::BundleFilesExt;

fn run(cmd: &str) -> i32 {
    cli::run(cmd.split_whitespace().map(String::from).collect())
}

fn face(identity: u64, yaw: f32) -> Vec<u8> {
    drgan_train::synth::dataset::sample(identity, yaw, 0, 32).rgb
}

#[test]
fn a_run_from_a_bundle_keeps_its_encoder_and_pose_head() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let common = "--config tiny --identities 4 --variations 1 --groups 2 --group 2 \
                  --sample-every 100 --checkpoint-every 100 --quiet";
    // A bundle whose encoder and pose head have learned a little (the batch norms are
    // not the identity, so the import's folding matters).
    let d = "--d-from 0 --adv-from 100";
    let cmd = format!("train --out {} {common} {d} --steps 3", first.display());
    assert_eq!(run(&cmd), 0);
    assert_eq!(
        run(&format!("export {} --out {}", first.display(), a.display())),
        0
    );

    let cmd = format!(
        "train --out {} {common} --steps 3 --adv-weight 0 --init-from {}",
        second.display(),
        a.display()
    );
    assert_eq!(run(&cmd), 0);
    let options = std::fs::read_to_string(second.join("options.toml")).unwrap();
    assert!(
        options.contains(&format!("init_from = \"{}\"\n", a.display())),
        "{options}"
    );
    assert!(options.contains("freeze_encoder_from = 0\n"), "{options}");
    let log = std::fs::read_to_string(second.join("log.csv")).unwrap();
    // The decoder learns from the reconstruction loss; no D, no identity loss.
    for row in log.lines().skip(1) {
        let v: Vec<f32> = row.split(',').map(|x| x.parse().unwrap()).collect();
        assert!(v[5] > 0.0 && v[3] == 0.0 && v[6] == 0.0, "{row}");
    }
    assert_eq!(log.lines().count(), 1 + 3);
    assert_eq!(
        run(&format!(
            "export {} --out {}",
            second.display(),
            b.display()
        )),
        0
    );

    let (ma, mb) = (
        Model::open(&a, &Options::default()).unwrap(),
        Model::open(&b, &Options::default()).unwrap(),
    );
    for (identity, yaw) in [(1_000_000_000u64, -45.0f32), (1_000_000_001, 30.0)] {
        let rgb = face(identity, yaw);
        let image = Image::new(&rgb, 32, 32, 32 * 3, PixelFormat::Rgb8).unwrap();
        let (ea, eb) = (ma.embed(&image).unwrap(), mb.embed(&image).unwrap());
        for (x, y) in ea.feature.iter().zip(&eb.feature) {
            assert!((x - y).abs() < 1e-4, "features: {x} vs {y}");
        }
        assert!((ea.confidence - eb.confidence).abs() < 1e-5);
        let (ya, yb) = (
            ma.estimate_yaw(&image).unwrap(),
            mb.estimate_yaw(&image).unwrap(),
        );
        assert!((ya - yb).abs() < 1e-3, "yaw: {ya} vs {yb}");
        assert_ne!(
            ma.frontalize(&image, 1).unwrap().data,
            mb.frontalize(&image, 1).unwrap().data,
            "the decoder is a new one"
        );
    }
}

/// The lowest cosine between the features that the bundles in `a` and `b` give a few
/// held-out synthetic faces.
fn lowest_cosine(a: &std::path::Path, b: &std::path::Path) -> f32 {
    let (ma, mb) = (
        Model::open(a, &Options::default()).unwrap(),
        Model::open(b, &Options::default()).unwrap(),
    );
    [
        (1_000_000_000u64, -45.0f32),
        (1_000_000_001, 30.0),
        (1_000_000_002, 0.0),
    ]
    .iter()
    .map(|&(identity, yaw)| {
        let rgb = face(identity, yaw);
        let image = Image::new(&rgb, 32, 32, 32 * 3, PixelFormat::Rgb8).unwrap();
        let (ea, eb) = (ma.embed(&image).unwrap(), mb.embed(&image).unwrap());
        drgan::similarity(&ea.feature, &eb.feature).unwrap()
    })
    .fold(1.0, f32::min)
}

#[test]
fn a_warm_up_fine_tunes_an_imported_encoder_from_where_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name);
    let common = "--config tiny --identities 4 --variations 1 --groups 2 --group 2 \
                  --sample-every 100 --checkpoint-every 100 --quiet";
    let cmd = format!("train --out {} {common} --steps 3", p("first").display());
    assert_eq!(run(&cmd), 0);
    let export = |run_dir: &str, to: &str| {
        let cmd = format!("export {} --out {}", p(run_dir).display(), p(to).display());
        assert_eq!(run(&cmd), 0);
    };
    export("first", "a");
    // Two warm-up steps from the bundle; the encoder is frozen from step 2.
    let cmd = format!(
        "train --out {} {common} --warmup-steps 2 --steps 2 --init-from {}",
        p("tuned").display(),
        p("a").display()
    );
    assert_eq!(run(&cmd), 0);
    let options = std::fs::read_to_string(p("tuned").join("options.toml")).unwrap();
    assert!(options.contains("freeze_encoder_from = 2\n"), "{options}");
    export("tuned", "b");
    // It learnt, and from the bundle's features (that the start is exact, and would not be
    // with batch statistics in place of the bundle's folded ones, is `import`'s unit test).
    let cos = lowest_cosine(&p("a"), &p("b"));
    assert!(cos < 0.999_99, "the encoder did not learn: {cos}");
    assert!(
        cos > 0.9,
        "the encoder did not start from the bundle: {cos}"
    );
}

#[test]
fn bad_starting_bundles_are_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("run");
    let bundle = dir.path().join("bundle");
    let common = "--identities 4 --variations 1 --groups 2 --group 2 --steps 1 --quiet";
    let tiny = drgan::bundle::BundleFiles::random(&drgan_writer::Config::named("tiny").unwrap(), 1)
        .unwrap();
    tiny.write_dir(&bundle).unwrap();
    let out = |name: &str| dir.path().join(name).display().to_string();
    let b = bundle.display();
    // Another config: the input size differs.
    let cmd = format!(
        "train --out {} --config small {common} --init-from {b}",
        out("small")
    );
    assert_ne!(run(&cmd), 0);
    assert!(!dir.path().join("small/checkpoint").exists());
    let cmd = format!(
        "train --out {} --config tiny {common} --init-from /nonexistent",
        out("n")
    );
    assert_ne!(run(&cmd), 0);
    // A corrupt encoder file.
    std::fs::write(bundle.join("encoder.onnx"), b"not onnx").unwrap();
    let cmd = format!(
        "train --out {} --config tiny {common} --init-from {b}",
        run_dir.display()
    );
    assert_ne!(run(&cmd), 0);
}
