//! `drgan-train prepare` on a miniature data root laid out like `../shared/data`: the
//! test people never come out, the crops and labels are what `train --data` reads, and a
//! person's first picture at a yaw bin is the reconstruction target of their pictures
//! turned there.

use drgan_train::real::prepare::{prepare, Prepared};
use drgan_train::synth::rng::Rng;
use drgan_train::train::batch::{push_image, BatchSpec};
use drgan_train::train::Dataset;
use drgan_writer::Config;
use std::fmt::Write;
use std::path::Path;

/// Five points of a frontal face in a 100x100 picture, and of one turned to the right.
const FRONTAL: [[f32; 2]; 5] = [[35., 40.], [65., 40.], [50., 55.], [38., 70.], [62., 70.]];
const PROFILE: [[f32; 2]; 5] = [[50., 40.], [66., 40.], [76., 55.], [52., 70.], [66., 70.]];

/// A picture at `dir/path`, its colour from `seed`.
fn picture(dir: &Path, path: &str, seed: u8) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    image::RgbImage::from_fn(100, 100, |x, y| {
        image::Rgb([seed.wrapping_mul(40), (x * 2) as u8, (y * 2) as u8])
    })
    .save(p)
    .unwrap();
}

/// A `detections.csv` row: found, with `points`.
fn detection(path: &str, points: &[[f32; 2]; 5]) -> String {
    let mut row = format!("{path},1,0.9,10,10,90,90");
    for [x, y] in points {
        write!(row, ",{x},{y}").unwrap();
    }
    row + "\n"
}

const DETECTIONS_HEADER: &str =
    "path,found,score,x1,y1,x2,y2,p1x,p1y,p2x,p2y,p3x,p3y,p4x,p4y,p5x,p5y\n";

/// CFP: Ann (split 1), Bob (split 10: test), Cat (split 1, but one of LFW's test people);
/// two frontals and a profile each. LFW: Dan (train), Cat (test), Bob (train, but CFP's
/// test person), Eve (one picture). FEI: one person, a frontal and a sweep picture.
fn data_root(root: &Path) {
    let cfp = root.join("cfp");
    std::fs::create_dir_all(cfp.join("Data")).unwrap();
    std::fs::write(
        cfp.join("Data/list_name.txt"),
        "Ann Alpha\nBob Beta\nCat Gamma\n",
    )
    .unwrap();
    let mut labels = String::from("path,identity,pose,fiducials,split\n");
    let mut found = String::from(DETECTIONS_HEADER);
    for (id, split) in [("001", 1), ("002", 10), ("003", 1)] {
        for (pose, n, points) in [
            ("frontal", 1, FRONTAL),
            ("frontal", 2, FRONTAL),
            ("profile", 1, PROFILE),
        ] {
            let path = format!("Data/Images/{id}/{pose}/{n:02}.png");
            picture(&cfp, &path, n as u8);
            writeln!(labels, "{path},{id},{pose},none,{split}").unwrap();
            found += &detection(&path, &points);
        }
    }
    std::fs::write(cfp.join("labels.csv"), labels).unwrap();
    std::fs::write(cfp.join("detections.csv"), found).unwrap();

    let lfw = root.join("lfw");
    let mut labels = String::from("path,identity,view1\n");
    let mut found = String::from(DETECTIONS_HEADER);
    for (id, view1, pictures) in [
        ("Dan_Delta", "train", 2),
        ("Cat_Gamma", "test", 2),
        ("Bob_Beta", "train", 2),
        ("Eve_Epsilon", "train", 1),
    ] {
        for n in 1..=pictures {
            let path = format!("images/{id}/{id}_{n:04}.png");
            picture(&lfw, &path, n);
            writeln!(labels, "{path},{id},{view1}").unwrap();
            found += &detection(&path, &FRONTAL);
        }
    }
    std::fs::write(lfw.join("labels.csv"), labels).unwrap();
    std::fs::write(lfw.join("detections.csv"), found).unwrap();

    let fei = root.join("fei28");
    picture(&fei, "images/1-11.png", 1);
    picture(&fei, "images/1-03.png", 2);
    std::fs::write(
        fei.join("labels.csv"),
        "path,identity,image_no\nimages/1-11.png,001,11\nimages/1-03.png,001,3\n",
    )
    .unwrap();
    let found = String::from(DETECTIONS_HEADER)
        + &detection("images/1-11.png", &FRONTAL)
        + &detection("images/1-03.png", &PROFILE);
    std::fs::write(fei.join("detections.csv"), found).unwrap();
}

/// `prepare` of `sets` at the `small` config's size and template, people with two or more
/// pictures.
fn prepare_small(root: &Path, sets: &[&str], out: &Path) -> Result<Prepared, String> {
    let config = Config::named("small").unwrap();
    prepare(
        root,
        sets,
        out,
        &config.landmarks(),
        config.input_size,
        2..,
        None,
    )
}

/// labels.csv's rows: path, identity, yaw, variation, source.
fn rows(out: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(out.join("labels.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("path,identity,yaw_degrees,variation,source")
    );
    lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn prepare_leaves_the_test_people_out_and_labels_every_crop() {
    let root = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    data_root(root.path());
    let p = prepare_small(root.path(), &["cfp", "lfw", "fei28"], out.path()).unwrap();
    let rows = rows(out.path());
    let mut people: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    people.dedup();
    assert_eq!(people, ["cfp/001", "lfw/Dan_Delta", "fei28/001"]);
    assert_eq!((p.pictures, p.identities), (7, 3));
    for (i, r) in rows.iter().enumerate() {
        let crop = image::open(out.path().join(&r[0])).unwrap();
        assert_eq!((crop.width(), crop.height()), (64, 64), "{r:?}");
        assert_eq!(r[3], "0", "every crop is variation 0");
        assert_eq!(r[4], r[1].split('/').next().unwrap(), "source is the set");
        let yaw: f32 = r[2].parse().unwrap();
        // Rows 2 and 6 are CFP's profile and FEI's sweep picture, both turned right.
        if i == 2 || i == 6 {
            assert!(
                yaw >= 45.0,
                "a face turned right has a large positive yaw: {r:?}"
            );
        } else {
            assert!(yaw.abs() <= 20.0, "{r:?}");
        }
    }
    // CFP's profile is held to at least 60° by the set's word.
    assert!(rows[2][2].parse::<f32>().unwrap() >= 60.0, "{:?}", rows[2]);
    assert!(
        p.report.contains("cfp: 3 pictures of 1 people"),
        "{}",
        p.report
    );
}

#[test]
fn a_persons_first_picture_at_a_bin_is_the_target_of_their_pictures_turned_there() {
    let root = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    data_root(root.path());
    let config = Config::named("small").unwrap();
    let size = config.input_size as usize;
    prepare_small(root.path(), &["cfp"], out.path()).unwrap();
    let d = Dataset::folder(out.path(), &config.pose_yaws, size).unwrap();
    let frontal_bin = config.pose_yaws.iter().position(|&y| y == 0.0).unwrap();
    let first = d.pictures(0, frontal_bin)[0];
    let mut want = Vec::new();
    push_image(&mut want, d.picture(first), size, false, 0, 0);
    let spec = BatchSpec {
        groups: 2,
        group: 2,
        max_shift: 0,
        flip: false,
        truths: true,
        augment: 0.0,
        known_targets: 0.0,
    };
    let n = 3 * size * size;
    let mut checked = 0;
    for seed in 0..40 {
        let b = d.batch(&spec, &mut Rng::new(seed));
        for (t, &bin) in b.target_bin.iter().enumerate() {
            if bin == frontal_bin {
                assert_eq!(b.truth_mask[t], 1.0);
                assert!(
                    b.truth[t * n..(t + 1) * n] == want[..],
                    "seed {seed}, target {t}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}

/// `--min-pictures 1 --max-pictures 1 --source lfw1`: LFW's one-picture training people
/// alone, under their own source name.
#[test]
fn one_picture_people_come_out_alone_under_their_own_source() {
    let root = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    data_root(root.path());
    let config = Config::named("small").unwrap();
    let p = prepare(
        root.path(),
        &["lfw"],
        out.path(),
        &config.landmarks(),
        config.input_size,
        1..=1,
        Some("lfw1"),
    )
    .unwrap();
    assert_eq!((p.pictures, p.identities), (1, 1));
    let rows = rows(out.path());
    assert_eq!(rows[0][1], "lfw/Eve_Epsilon");
    assert_eq!(rows[0][4], "lfw1");
}

#[test]
fn a_labels_file_without_a_needed_column_is_an_error_naming_it() {
    let root = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    data_root(root.path());
    let labels = root.path().join("cfp/labels.csv");
    let text = std::fs::read_to_string(&labels)
        .unwrap()
        .replace(",split\n", ",part\n");
    std::fs::write(&labels, text).unwrap();
    let err = prepare_small(root.path(), &["lfw"], out.path()).unwrap_err();
    assert!(
        err.contains("labels.csv") && err.contains("`split`"),
        "{err}"
    );
}
