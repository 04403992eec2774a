//! The `evaluate` example (examples/evaluate.rs), end to end on a random-weight fixture
//! bundle and small labels folders written here: the reports exist, parse, and hold
//! finite, well-formed numbers; identical probes and gallery images score 100 %; bad
//! inputs are clear errors. The example's modules are compiled into this test, so their
//! unit tests (metrics, pairs, pixels, lineup) run here too.

#[path = "../examples/evaluate/app.rs"]
mod app;
#[path = "../examples/evaluate/args.rs"]
mod args;
#[path = "../examples/evaluate/cmu.rs"]
mod cmu;
#[path = "../examples/evaluate/data.rs"]
mod data;
#[path = "../examples/evaluate/lineup.rs"]
mod lineup;
#[path = "../examples/evaluate/metrics.rs"]
mod metrics;
#[path = "../examples/evaluate/pairs.rs"]
mod pairs;
#[path = "../examples/evaluate/pixels.rs"]
mod pixels;
#[path = "../examples/evaluate/plot.rs"]
mod plot;
#[path = "../examples/evaluate/protocol.rs"]
mod protocol;
#[path = "../examples/evaluate/realfaces.rs"]
mod realfaces;
#[path = "../examples/evaluate/report.rs"]
mod report;
#[path = "../examples/evaluate/table.rs"]
mod table;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use drgan::bundle::BundleFiles;
use drgan::{Image, PixelFormat};
use drgan_writer::{BundleFilesExt, Config};

/// A tiny random bundle (32x32 input) in `dir/bundle`.
fn bundle(dir: &Path) -> PathBuf {
    let path = dir.join("bundle");
    BundleFiles::random(&Config::named("tiny").unwrap(), 11)
        .unwrap()
        .write_dir(&path)
        .unwrap();
    path
}

/// A cartoon face: an ellipse coloured by identity, eyes and mouth, shifted sideways
/// with the yaw, on a background set by the variation.
fn face(identity: u32, yaw: f32, variation: u32, size: u32) -> Vec<u8> {
    let s = size as f32;
    let cx = 0.5 * s + yaw / 90.0 * 0.15 * s;
    let skin = [
        (identity * 70 + 40) % 256,
        (identity * 130 + 90) % 256,
        (identity * 50 + 150) % 256,
    ]
    .map(|v| v as u8);
    let bg = (60 + 40 * variation) as u8;
    let mut px = Vec::with_capacity((size * size * 3) as usize);
    for y in 0..size {
        for x in 0..size {
            let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
            let head = ((fx - cx) / (0.3 * s)).powi(2) + ((fy - 0.5 * s) / (0.4 * s)).powi(2) < 1.0;
            let eye = [-1.0, 1.0].iter().any(|side| {
                (fx - cx - side * 0.12 * s).powi(2) + (fy - 0.42 * s).powi(2) < (0.05 * s).powi(2)
            });
            let mouth = (fy - 0.7 * s).abs() < 0.03 * s
                && (fx - cx).abs() < (0.06 + 0.03 * (identity % 4) as f32) * s;
            px.extend(if eye || mouth {
                [20, 20, 20]
            } else if head {
                skin
            } else {
                [bg, bg, bg]
            });
        }
    }
    px
}

fn save_rgb(path: &Path, pixels: &[u8], w: u32, h: u32, format: PixelFormat) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let image = Image::packed(pixels, w, h, format).unwrap();
    drgan::io::save_png(&image, path).unwrap();
}

/// A labels folder: identities x yaws x variations of 40x40 cartoon faces. With `copies`,
/// every image of an identity is the same picture (its frontal variation 0).
fn labels_folder(dir: &Path, identities: u32, yaws: &[f32], variations: u32, copies: bool) {
    let mut csv = String::from("path,identity,yaw_degrees,variation,pitch_degrees\n");
    for id in 0..identities {
        for &yaw in yaws {
            for v in 0..variations {
                let name = format!("{id}/{id}_{yaw}_{v}.png");
                let pixels = if copies {
                    face(id, 0.0, 0, 40)
                } else {
                    face(id, yaw, v, 40)
                };
                save_rgb(&dir.join(&name), &pixels, 40, 40, PixelFormat::Rgb8);
                let _ = writeln!(csv, "{name},{},{yaw},{v},0.5", 1000 + id);
            }
        }
    }
    std::fs::write(dir.join("labels.csv"), csv).unwrap();
}

/// A CMU-like folder: 128x120 grey pictures with the CMU labels.
fn cmu_folder(dir: &Path, people: u32) {
    let mut csv = String::from("path,identity,pose,yaw_sign,expression,eyes\n");
    for id in 0..people {
        let person = format!("p{id}");
        for (pose, sign, yaw) in [
            ("straight", 0, 0.0),
            ("left", 1, 60.0),
            ("right", -1, -60.0),
            ("up", 0, 0.0),
        ] {
            for (e, expression) in ["neutral", "happy"].iter().enumerate() {
                for eyes in ["open", "sunglasses"] {
                    let rgb = face(id, yaw, e as u32, 120);
                    // Grey, 128 wide: the face picture with 8 columns of background.
                    let mut grey = Vec::with_capacity(128 * 120);
                    for y in 0..120usize {
                        for x in 0..128usize {
                            let v = if x < 120 {
                                rgb[(y * 120 + x) * 3 + 1]
                            } else {
                                90
                            };
                            let dark = eyes == "sunglasses" && (45..55).contains(&y);
                            grey.push(if dark { 10 } else { v });
                        }
                    }
                    let name = format!("faces/{person}/{person}_{pose}_{expression}_{eyes}.png");
                    save_rgb(&dir.join(&name), &grey, 128, 120, PixelFormat::Gray8);
                    let _ = writeln!(csv, "{name},{person},{pose},{sign},{expression},{eyes}");
                }
            }
        }
    }
    std::fs::write(dir.join("labels.csv"), csv).unwrap();
}

/// The first Markdown table in `md`: its header and rows, cells trimmed.
fn table_of(md: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = md.lines().filter(|l| l.starts_with('|'));
    let cells = |l: &str| -> Vec<String> {
        l.trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect()
    };
    let head = cells(lines.next().expect("a table"));
    let sep = cells(lines.next().expect("a separator row"));
    assert!(sep.iter().all(|c| c == "---"), "{sep:?}");
    let rows: Vec<Vec<String>> = lines.map(cells).collect();
    for r in &rows {
        assert_eq!(r.len(), head.len(), "row {r:?} under {head:?}");
    }
    (head, rows)
}

/// A rank-1 cell: a percentage (optionally followed by a group count) or a dash.
fn percent(cell: &str) -> Option<f64> {
    if cell == "–" {
        return None;
    }
    let v: f64 = cell
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{cell:?}"));
    assert!((0.0..=100.0).contains(&v), "{cell}");
    Some(v)
}

/// A "PSNR / SSIM" cell.
fn quality(cell: &str) -> Option<(f64, f64)> {
    if cell == "–" {
        return None;
    }
    let (p, s) = cell.split_once(" / ").unwrap_or_else(|| panic!("{cell:?}"));
    let p = if p == "∞" {
        f64::INFINITY
    } else {
        p.parse().unwrap()
    };
    let s: f64 = s.parse().unwrap();
    assert!(p > 0.0 && (-1.0..=1.0).contains(&s), "{cell}");
    Some((p, s))
}

fn run(
    model: &Path,
    data: Option<&Path>,
    cmu: Option<&Path>,
    out: &Path,
) -> Result<String, String> {
    run_with(model, data, cmu, out, &[])
}

/// `run` with more arguments.
fn run_with(
    model: &Path,
    data: Option<&Path>,
    cmu: Option<&Path>,
    out: &Path,
    more: &[&str],
) -> Result<String, String> {
    let mut argv = vec!["--model".to_string(), model.display().to_string()];
    argv.extend(more.iter().map(|a| a.to_string()));
    if let Some(d) = data {
        argv.extend(["--data".into(), d.display().to_string()]);
    }
    if let Some(c) = cmu {
        argv.extend(["--cmu".into(), c.display().to_string()]);
    }
    argv.extend(
        [
            "--report",
            &out.display().to_string(),
            "--fuse",
            "2",
            "--threads",
            "2",
        ]
        .map(String::from),
    );
    match args::parse(argv)? {
        args::Command::Run(a) => app::run(&a),
        args::Command::Help => unreachable!(),
    }
}

#[test]
fn evaluates_a_labels_folder_and_the_cmu_layout() {
    let tmp = tempfile::tempdir().unwrap();
    let model = bundle(tmp.path());
    let data_dir = tmp.path().join("data");
    // 44 snaps to the 45 bin; 3 variations at yaw 0 leave 2 probes a frontal bin.
    labels_folder(&data_dir, 3, &[-90.0, -45.0, 0.0, 44.0, 90.0], 3, false);
    let cmu_dir = tmp.path().join("cmu");
    cmu_folder(&cmu_dir, 3);
    let out = tmp.path().join("report");
    let md = run(&model, Some(&data_dir), Some(&cmu_dir), &out).unwrap();

    // The labels-folder report.
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.starts_with(&report), "stdout carries the report");
    let (head, rows) = table_of(&report);
    assert_eq!(head.len(), 10, "{head:?}");
    assert_eq!(head[5], "rank-1 fused ×2, frontalized %");
    assert_eq!(head[9], "yaw estimate error °");
    let labels: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        labels,
        [
            "-90°",
            "-45°",
            "0°",
            "+45°",
            "+90°",
            "**−45°..+45°**",
            "**±60°..±90°**",
            "**all**"
        ]
    );
    let probes: Vec<usize> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    assert_eq!(probes, [9, 9, 6, 9, 9, 24, 18, 42]);
    // Fused: 3 probes per identity a turned bin (2 at yaw 0) make one group of 2 each.
    let groups: Vec<usize> = rows
        .iter()
        .map(|r| r[3].split(['(', ')']).nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(groups, [3, 3, 3, 3, 3, 9, 6, 15]);
    for r in &rows {
        for c in [2, 3, 4, 5, 6] {
            assert!(percent(&r[c]).is_some(), "{r:?}");
        }
        let (fp, fs) = quality(&r[7]).unwrap();
        assert!(fp.is_finite() && fs < 1.0, "{r:?}");
        quality(&r[8]).unwrap();
        let yaw_error: f64 = r[9].parse().unwrap();
        assert!((0.0..=180.0).contains(&yaw_error), "{r:?}");
    }
    // The frontal row's input is its own ground truth; turned rows' inputs are not.
    assert_eq!(quality(&rows[2][8]), Some((f64::INFINITY, 1.0)));
    assert!(quality(&rows[0][8]).unwrap().0.is_finite());
    assert!(quality(&rows[7][8]).unwrap().0.is_finite());
    let aucs = aucs(&report);
    assert_eq!(aucs.len(), 3, "{report}");
    assert!(aucs.iter().all(|a| (0.0..=1.0).contains(a)));

    let plot = drgan::io::load_image(out.join("rank1_by_yaw.png"), 1 << 24).unwrap();
    assert_eq!((plot.width, plot.height), (720, 420));
    let coloured = |c: plotters::style::RGBColor| plot.data.chunks(3).any(|p| p == [c.0, c.1, c.2]);
    assert!(coloured(plot::SINGLE) && coloured(plot::RAW) && coloured(plot::TARGET));
    // With a font, the title, the rank-1 numbers left of the plot and the legend's names
    // are dark text; drawn without text, nothing in the picture is that dark.
    if plot::font_path().is_file() {
        let dark = |x0: u32, y0: u32, x1: u32, y1: u32| {
            let mut n = 0;
            for y in y0..y1 {
                for x in x0..x1 {
                    let i = 3 * (y * plot.width + x) as usize;
                    n += usize::from(plot.data[i..i + 3].iter().all(|&v| v < 100));
                }
            }
            n
        };
        let (w, h, legend) = (plot::WIDTH, plot::HEIGHT, plot::LEGEND_WIDTH);
        assert!(dark(0, 0, w - legend, 30) > 100, "no title");
        assert!(dark(0, 40, 70, h - 60) > 100, "no rank-1 numbers");
        assert!(dark(w - legend + 40, 40, w, 200) > 100, "no legend");
    }
    let examples = drgan::io::load_image(out.join("frontalized.png"), 1 << 24).unwrap();
    assert_eq!(examples.height, 3 * (32 + 2) + 2);

    // The CMU report.
    let cmu_md = std::fs::read_to_string(out.join("cmu_report.md")).unwrap();
    assert!(md.ends_with(&cmu_md));
    let (head, rows) = table_of(&cmu_md);
    assert_eq!(head.len(), 7, "{head:?}");
    assert_eq!(rows.len(), 11);
    assert_eq!(rows[1][0], "left (yaw_sign +1), open");
    assert_eq!(rows[10][0], "**all**");
    // Per person: straight open 1 probe (2 pictures less the gallery), other rows 2.
    let probes: Vec<usize> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    assert_eq!(probes, [3, 6, 6, 6, 21, 6, 6, 6, 6, 24, 45]);
    assert_eq!(
        [&rows[0][3], &rows[0][5]],
        ["–", "–"],
        "one straight open probe per person: no group of 2"
    );
    for r in &rows {
        assert!(
            percent(&r[2]).is_some() && percent(&r[6]).is_some(),
            "{r:?}"
        );
    }
    assert_eq!(cmu_md.lines().filter(|l| l.starts_with("- ")).count(), 3);
    let crops = drgan::io::load_image(out.join("cmu_crops.png"), 1 << 24).unwrap();
    let side = cmu::CROP.side;
    assert_eq!(
        (crops.width, crops.height),
        (3 * (side + 2) + 2, 4 * (side + 2) + 2)
    );
}

#[test]
fn identical_probes_are_found_and_split_is_multipie() {
    let tmp = tempfile::tempdir().unwrap();
    let model = bundle(tmp.path());
    let data_dir = tmp.path().join("copies");
    labels_folder(&data_dir, 4, &[0.0, 30.0, -75.0], 2, true);

    // The split: the yaw-0, variation-0 picture is each identity's gallery image; a
    // probe's truth is its identity's yaw-0 picture of the same variation.
    let yaws = drgan_writer::multipie_yaws();
    let set = data::read(&data_dir, &yaws).unwrap();
    assert_eq!(set.split.gallery, [0, 6, 12, 18]);
    assert_eq!(set.split.probes.len(), 4 * 5);
    let p = &set.split.probes[0];
    assert_eq!((p.image, p.identity, p.row, p.truth), (1, 0, 6, Some(1)));
    let p = &set.split.probes[3];
    assert_eq!((p.image, p.identity, p.row, p.truth), (4, 0, 1, Some(0)));

    // Every probe is its gallery picture, so single, fused and raw rank-1 are 100 %,
    // AUC is 1 and the input equals its ground truth.
    let out = tmp.path().join("report");
    let md = run(&model, Some(&data_dir), None, &out).unwrap();
    let (_, rows) = table_of(&md);
    for r in &rows {
        assert_eq!(percent(&r[2]), Some(100.0), "{r:?}");
        assert_eq!(percent(&r[6]), Some(100.0), "{r:?}");
        assert_eq!(quality(&r[8]), Some((f64::INFINITY, 1.0)), "{r:?}");
    }
    assert_eq!(rows[0][0], "-75°");
    assert_eq!(rows[0][3], "100.0 (4)");
    assert!(md.contains("**model 1.0000**"), "{md}");
}

/// The figures of the verification line, in order: model, frontalized, raw pixels.
fn aucs(md: &str) -> Vec<f64> {
    let line = md
        .lines()
        .find(|l| l.starts_with("Verification ROC AUC"))
        .unwrap();
    line.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|t| t.starts_with("0.") || t.starts_with("1."))
        .map(|t| t.trim_end_matches('.').parse().unwrap())
        .collect()
}

/// `--judge`: another bundle's encoder embeds the frontalized faces and its own gallery.
/// The model as its own judge changes no figure; another judge changes the frontalized
/// ones only.
#[test]
fn a_judge_embeds_the_frontalized_faces() {
    let tmp = tempfile::tempdir().unwrap();
    let model = bundle(tmp.path());
    let other = tmp.path().join("other");
    BundleFiles::random(&Config::named("tiny").unwrap(), 12)
        .unwrap()
        .write_dir(&other)
        .unwrap();
    let data_dir = tmp.path().join("data");
    labels_folder(&data_dir, 3, &[-45.0, 0.0, 45.0], 3, false);
    let out = tmp.path().join("out");
    let judged_by = |judge: &Path| {
        let judge = judge.display().to_string();
        run_with(&model, Some(&data_dir), None, &out, &["--judge", &judge]).unwrap()
    };

    let plain = run(&model, Some(&data_dir), None, &out).unwrap();
    let own = judged_by(&model);
    assert!(!plain.contains("Judge:") && own.contains("Judge:"), "{own}");
    assert_eq!(table_of(&own), table_of(&plain));
    assert_eq!(aucs(&own), aucs(&plain));

    let by_other = judged_by(&other);
    let (_, plain_rows) = table_of(&plain);
    let (_, other_rows) = table_of(&by_other);
    for (p, o) in plain_rows.iter().zip(&other_rows) {
        for c in [0, 1, 2, 3, 6, 7, 8, 9] {
            assert_eq!(p[c], o[c], "column {c} does not depend on the judge");
        }
    }
    let (a, b) = (aucs(&plain), aucs(&by_other));
    assert_eq!((a[0], a[2]), (b[0], b[2]));
    assert_ne!(a[1], b[1], "the frontalized AUC is the judge's");

    let e = run_with(
        &model,
        Some(&data_dir),
        None,
        &out,
        &["--judge", &tmp.path().join("nope").display().to_string()],
    )
    .unwrap_err();
    assert!(e.contains("opening the judge bundle"), "{e}");
}

#[test]
fn bad_inputs_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let model = bundle(tmp.path());
    let out = tmp.path().join("out");
    let data_dir = tmp.path().join("data");
    labels_folder(&data_dir, 2, &[0.0, 45.0], 1, false);

    let labels = data_dir.join("labels.csv");
    let good = std::fs::read_to_string(&labels).unwrap();
    std::fs::write(&labels, good.replace("yaw_degrees", "yaw")).unwrap();
    let e = run(&model, Some(&data_dir), None, &out).unwrap_err();
    assert!(e.contains("no column `yaw_degrees`"), "{e}");

    std::fs::write(&labels, good.replace("0/0_45_0.png", "0/missing.png")).unwrap();
    let e = run(&model, Some(&data_dir), None, &out).unwrap_err();
    assert!(
        e.contains("missing.png") && e.contains("does not exist"),
        "{e}"
    );

    std::fs::write(&labels, good.replacen(",45,", ",left,", 1)).unwrap();
    let e = run(&model, Some(&data_dir), None, &out).unwrap_err();
    assert!(e.contains("yaw_degrees") && e.contains("\"left\""), "{e}");

    std::fs::write(&labels, &good).unwrap();
    let e = run(&tmp.path().join("nope"), Some(&data_dir), None, &out).unwrap_err();
    assert!(e.contains("opening the model bundle"), "{e}");

    let e = run(&model, None, Some(&tmp.path().join("nocmu")), &out).unwrap_err();
    assert!(e.contains("labels.csv"), "{e}");

    assert!(args::parse(["--model".to_string(), "m".into()]).is_err());
    assert!(args::parse([
        "--data".to_string(),
        "d".into(),
        "--fuse".into(),
        "0".into()
    ])
    .is_err());
    assert!(args::parse(["--data".to_string(), "d".into(), "--bogus".into()]).is_err());
    assert_eq!(args::parse(["--help".to_string()]), Ok(args::Command::Help));
}

/// Without `--model`, the model embedded in the library is evaluated (or, in a build
/// without it, the error says to give `--model`).
#[test]
fn without_model_the_default_model_is_evaluated() {
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("data");
    labels_folder(&data_dir, 2, &[0.0, 45.0], 2, false);
    let argv = ["--data", &data_dir.display().to_string(), "--threads", "2"].map(String::from);
    let args::Command::Run(a) = args::parse(argv).unwrap() else {
        panic!("not a run")
    };
    let result = app::run(&a);
    if cfg!(feature = "default-model") {
        let md = result.unwrap();
        assert!(md.contains("Model: the embedded default model"), "{md}");
        assert!(md.contains("input 64x64"), "{md}");
    } else {
        assert!(result.unwrap_err().contains("give --model"));
    }
}

/// Five points of a [`face`] picture of side `size` at `yaw` (the cartoon's eyes and mouth,
/// the nose between them, shifted with the yaw), as a detections.csv row's tail.
fn face_points(yaw: f32, size: u32) -> String {
    let s = size as f32;
    let cx = 0.5 * s + yaw / 90.0 * 0.15 * s;
    let p = [
        [cx - 0.12 * s, 0.42 * s],
        [cx + 0.12 * s, 0.42 * s],
        [cx + yaw / 90.0 * 0.05 * s, 0.56 * s],
        [cx - 0.07 * s, 0.7 * s],
        [cx + 0.07 * s, 0.7 * s],
    ];
    let box_ = [cx - 0.3 * s, 0.1 * s, cx + 0.3 * s, 0.9 * s];
    let mut out = format!("1,0.9,{},{},{},{}", box_[0], box_[1], box_[2], box_[3]);
    for q in p {
        out += &format!(",{},{}", q[0], q[1]);
    }
    out
}

/// A CFP-like folder: people 451..453, two frontals and two profiles each, split 10's
/// FF and FP lists (10 same and 10 different pairs each); one profile undetected.
fn cfp_folder(dir: &Path) {
    let mut det =
        String::from("path,found,score,x1,y1,x2,y2,p1x,p1y,p2x,p2y,p3x,p3y,p4x,p4y,p5x,p5y\n");
    let (mut f_list, mut p_list) = (String::new(), String::new());
    let mut k = 0;
    for person in 0..3u32 {
        for (pose, yaw, list) in [
            ("frontal", 0.0, &mut f_list),
            ("profile", 70.0, &mut p_list),
        ] {
            for n in 1..=2u32 {
                let rel = format!("Data/Images/{:03}/{pose}/{n:02}.jpg", 451 + person);
                save_rgb(
                    &dir.join(&rel),
                    &face(person, yaw, n, 80),
                    80,
                    80,
                    PixelFormat::Rgb8,
                );
                let index = list.lines().count() + 1;
                let _ = writeln!(list, "{index} ../{rel}");
                k += 1;
                if k == 4 {
                    let _ = writeln!(det, "{rel},0,,,,,,,,,,,,,,,");
                } else {
                    let _ = writeln!(det, "{rel},{}", face_points(yaw, 80));
                }
            }
        }
    }
    std::fs::write(dir.join("detections.csv"), det).unwrap();
    std::fs::create_dir_all(dir.join("Protocol")).unwrap();
    std::fs::write(dir.join("Protocol/Pair_list_F.txt"), f_list).unwrap();
    std::fs::write(dir.join("Protocol/Pair_list_P.txt"), p_list).unwrap();
    for protocol in ["FF", "FP"] {
        let split = dir.join("Protocol/Split").join(protocol).join("10");
        std::fs::create_dir_all(&split).unwrap();
        let (mut same, mut diff) = (String::new(), String::new());
        for i in 0..10u32 {
            let a = 2 * (i % 3) + 1;
            let _ = writeln!(same, "{a},{}", a + 1);
            let _ = writeln!(diff, "{a},{}", (a + 2) % 6 + 1);
        }
        std::fs::write(split.join("same.txt"), same).unwrap();
        std::fs::write(split.join("diff.txt"), diff).unwrap();
    }
}

/// An LFW-like folder: three people, two pictures each, 10 same and 10 different pairs.
fn lfw_folder(dir: &Path) {
    let mut det =
        String::from("path,found,score,x1,y1,x2,y2,p1x,p1y,p2x,p2y,p3x,p3y,p4x,p4y,p5x,p5y\n");
    let names = ["Ann_A", "Bob_B", "Cy_C"];
    for (id, name) in names.iter().enumerate() {
        for n in 1..=2u32 {
            let rel = format!("images/{name}/{name}_{n:04}.jpg");
            save_rgb(
                &dir.join(&rel),
                &face(id as u32, 0.0, n, 60),
                60,
                60,
                PixelFormat::Rgb8,
            );
            let _ = writeln!(det, "{rel},{}", face_points(0.0, 60));
        }
    }
    std::fs::write(dir.join("detections.csv"), det).unwrap();
    let mut pairs = String::from("10\n");
    for i in 0..10 {
        let _ = writeln!(pairs, "{}\t1\t2", names[i % 3]);
    }
    for i in 0..10 {
        let _ = writeln!(pairs, "{}\t1\t{}\t2", names[i % 3], names[(i + 1) % 3]);
    }
    std::fs::write(dir.join("protocol-pairsDevTest.txt"), pairs).unwrap();
}

#[test]
fn cfp_and_lfw_protocols_report_every_figure() {
    let tmp = tempfile::tempdir().unwrap();
    let model = bundle(tmp.path());
    let (cfp, lfw, out) = (
        tmp.path().join("cfp"),
        tmp.path().join("lfw"),
        tmp.path().join("report"),
    );
    cfp_folder(&cfp);
    lfw_folder(&lfw);
    let argv = [
        "--model",
        &model.display().to_string(),
        "--cfp",
        &cfp.display().to_string(),
        "--lfw",
        &lfw.display().to_string(),
        "--report",
        &out.display().to_string(),
        "--threads",
        "2",
    ]
    .map(String::from);
    let args::Command::Run(a) = args::parse(argv).unwrap() else {
        panic!("a run");
    };
    let text = app::run(&a).unwrap();
    for want in [
        "### CFP split 10",
        "1 without a detection",
        "| FF: model |",
        "| FP: raw pixels |",
        "Rank-1 of the 6 profiles against the 3 people",
        "Pose head: mean |yaw| error",
        "### LFW View 1 test pairs (20 pairs of 6 pictures, 0 without a detection)",
        "| raw pixels |",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    assert!(!text.contains("NaN"), "{text}");
    assert!(out.join("real_report.md").is_file());
    assert!(out.join("cfp_sheet.png").is_file());
    // The line-up: the 3 people's frontals over their frontalized profiles, and a key
    // that pairs each bottom column with a different top column.
    let sheet = drgan::io::load_image(out.join("cfp_lineup.png"), 1 << 20).unwrap();
    let tile = (sheet.height - 6) / 2;
    assert_eq!(sheet.width, 3 * (tile + 2) + 2, "3 columns of 2 rows");
    let key = std::fs::read_to_string(out.join("cfp_lineup_key.txt")).unwrap();
    let mut tops: Vec<&str> = key.lines().skip(1).map(|l| &l[l.len() - 1..]).collect();
    tops.sort_unstable();
    assert_eq!(tops, ["1", "2", "3"], "{key}");
    assert!(text.contains("a blind line-up of 3 people"), "{text}");
    // Broken protocol files are clear errors.
    std::fs::write(cfp.join("Protocol/Split/FP/10/same.txt"), "1;2\n").unwrap();
    let e = app::run(&a).unwrap_err();
    assert!(e.contains("bad line"), "{e}");
}
