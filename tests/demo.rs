//! The demo (examples/demo.rs, included here and run in-process): with no arguments it
//! aligns and embeds every face of examples/data with the embedded default model, prints
//! an n x n similarity matrix and writes a grid PNG of n rows of (1 + yaws) faces; on the
//! user's own photo it does the same for one face; bad command lines are clear errors.

mod fixtures;

#[allow(dead_code)] // its `main` is not called here
#[path = "../examples/demo.rs"]
mod demo;

use drgan_writer::BundleFilesExt;
use std::path::Path;

fn args(list: &[&str]) -> Result<demo::Args, String> {
    demo::parse_args(list.iter().map(|s| s.to_string()))
}

/// The number of faces listed in examples/data/landmarks.json.
#[cfg(feature = "default-model")]
fn example_count() -> usize {
    let text = std::fs::read_to_string(fixtures::examples_data().join("landmarks.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json.as_object().unwrap().len()
}

/// Checks the printed matrix: a header naming every label, then one row per label with
/// n numbers in [-1, 1], 1 on the diagonal.
fn check_printed_matrix(text: &str, labels: &[String]) {
    let mut lines = text
        .lines()
        .skip_while(|l| !l.starts_with("similarity"))
        .skip(1);
    let header = lines.next().expect("a header line");
    assert_eq!(
        header
            .split_whitespace()
            .take(labels.len())
            .collect::<Vec<_>>(),
        labels.iter().map(String::as_str).collect::<Vec<_>>(),
        "{text}"
    );
    for (i, label) in labels.iter().enumerate() {
        let line = lines.next().unwrap_or_else(|| panic!("no row {i}: {text}"));
        let mut cells = line.split_whitespace();
        assert_eq!(cells.next(), Some(label.as_str()), "{line}");
        let numbers: Vec<f32> = cells
            .take(labels.len())
            .map(|c| c.parse().unwrap_or_else(|_| panic!("{c:?} in {line}")))
            .collect();
        assert_eq!(numbers.len(), labels.len(), "{line}");
        assert!(numbers.iter().all(|s| (-1.0..=1.0).contains(s)), "{line}");
        assert!((numbers[i] - 1.0).abs() < 1e-3, "diagonal of {line}");
    }
}

fn check_png(path: &Path, size: (u32, u32)) {
    let img = drgan::io::load_image(path, 1 << 26).expect("the demo wrote a PNG");
    assert_eq!((img.width, img.height), size);
}

#[cfg(feature = "default-model")]
#[test]
fn demo_with_no_arguments_uses_the_embedded_model_and_examples_data() {
    let dir = tempfile::tempdir().unwrap();
    let out_png = dir.path().join("grid.png");
    let mut a = args(&[]).unwrap();
    assert!(a.model.is_none() && a.image.is_none());
    assert_eq!(a.out, Path::new("demo.png"));
    a.out = out_png.clone();
    let mut printed = Vec::new();
    let report = demo::run(&a, &mut printed).unwrap();
    let printed = String::from_utf8(printed).unwrap();
    println!("{printed}");

    let n = example_count();
    assert!(n >= 7, "3 real photos and 4 synthetic faces, got {n}");
    assert_eq!(report.labels.len(), n);
    for want in ["astronaut", "biden", "obama"] {
        assert!(
            report.labels.iter().any(|l| l == want),
            "{:?}",
            report.labels
        );
    }
    assert_eq!(report.similarity.len(), n);
    assert!(report.similarity.iter().all(|row| row.len() == n));
    check_printed_matrix(&printed, &report.labels);
    let info = drgan::Model::default_model().unwrap().info().clone();
    assert_eq!(report.yaws, info.pose_yaws);
    let s = info.input_size;
    let size = ((1 + info.pose_yaws.len() as u32) * s, n as u32 * s);
    assert_eq!(report.grid_size, size);
    check_png(&out_png, size);
    assert!(printed.contains(&format!("wrote {}", out_png.display())));
    assert!(printed.contains("embedded default"));
}

#[test]
fn demo_on_your_own_photo_with_a_bundle_directory() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("tiny");
    fixtures::tiny_bundle(2).write_dir(&bundle).unwrap();
    let photo = fixtures::examples_data().join("astronaut.png");
    let out_png = dir.path().join("me.png");
    let a = args(&[
        "--model",
        bundle.to_str().unwrap(),
        "--image",
        photo.to_str().unwrap(),
        "--landmarks",
        "205.1,100.5, 245.5,102.5, 224.7,127.4, 205.6,140.9, 243.3,142.6",
        "--out",
        out_png.to_str().unwrap(),
    ])
    .unwrap();
    let mut printed = Vec::new();
    let report = demo::run(&a, &mut printed).unwrap();
    let printed = String::from_utf8(printed).unwrap();
    assert_eq!(report.labels, ["astronaut"]);
    assert_eq!(report.similarity.len(), 1);
    assert!((report.similarity[0][0] - 1.0).abs() < 1e-5);
    check_printed_matrix(&printed, &report.labels);
    assert_eq!(report.grid_size, (14 * 32, 32));
    check_png(&out_png, (14 * 32, 32));
}

#[test]
fn demo_command_line_errors_are_clear() {
    let err = |list: &[&str]| args(list).unwrap_err();
    assert!(err(&["--image", "me.jpg"]).contains("--landmarks"));
    assert!(err(&["--landmarks", "1,2,3,4,5,6,7,8,9,10"]).contains("--image"));
    let e = err(&["--image", "me.jpg", "--landmarks", "1,2,3"]);
    assert!(
        e.contains("10 comma-separated numbers") && e.contains("got 3"),
        "{e}"
    );
    let e = err(&["--image", "me.jpg", "--landmarks", "1,2,3,4,5,6,7,8,9,ten"]);
    assert!(e.contains("\"ten\" is not a number"), "{e}");
    assert!(err(&["--landmarks", "1,2,3,4,5,6,7,8,9,NaN"]).contains("not a number"));
    assert!(err(&["--model"]).contains("--model needs a bundle directory"));
    assert!(err(&["--out"]).contains("--out needs a path"));
    assert!(err(&["bundle-dir"]).contains("unexpected argument \"bundle-dir\""));

    let a = args(&[
        "--model",
        "/nonexistent/bundle",
        "--image",
        "x.png",
        "--landmarks",
        "1,2,3,4,5,6,7,8,9,10",
    ])
    .unwrap();
    let e = demo::run(&a, &mut Vec::new()).unwrap_err().to_string();
    assert!(e.contains("--model /nonexistent/bundle"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("tiny");
    fixtures::tiny_bundle(2).write_dir(&bundle).unwrap();
    let missing = dir.path().join("missing.jpg");
    let a = args(&[
        "--model",
        bundle.to_str().unwrap(),
        "--image",
        missing.to_str().unwrap(),
        "--landmarks",
        "1,2,3,4,5,6,7,8,9,10",
    ])
    .unwrap();
    let e = demo::run(&a, &mut Vec::new()).unwrap_err().to_string();
    assert!(
        e.contains("missing.jpg") && e.contains("no such file"),
        "{e}"
    );
}
