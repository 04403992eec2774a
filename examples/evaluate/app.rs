//! Runs the evaluation modes (a labels folder, the CMU zero-shot set) and writes their
//! reports: Markdown tables, the rank-1 plot and pictures of what the model saw.

use std::fmt::Write as _;
use std::path::Path;

use drgan::{Model, Options};

use crate::args::Args;
use crate::protocol::{self, Images, Results, Settings};
use crate::report::{self, auc_text, Row};
use crate::{cmu, data, pixels, plot, realfaces};

/// Runs every mode `args` asks for; returns the reports' Markdown (also written under
/// `--report` when given).
pub fn run(args: &Args) -> Result<String, String> {
    let (model, name) = match args.model.as_deref() {
        Some(dir) => (
            Model::open(dir, &Options::default())
                .map_err(|e| format!("opening the model bundle {}: {e}", dir.display()))?,
            format!("`{}`", dir.display()),
        ),
        None => (default_model()?, "the embedded default model".into()),
    };
    let judge = match args.judge.as_deref() {
        Some(dir) => Some(Judge {
            model: Model::open(dir, &Options::default())
                .map_err(|e| format!("opening the judge bundle {}: {e}", dir.display()))?,
            name: format!("`{}`", dir.display()),
        }),
        None => None,
    };
    let judge = judge.as_ref();
    let settings = Settings {
        fuse: args.fuse,
        seed: args.seed,
        threads: args.threads,
    };
    if let Some(out) = &args.report {
        std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let mut text = String::new();
    if let Some(data_dir) = &args.data {
        text += &labels_folder(
            &model,
            &name,
            judge,
            data_dir,
            settings,
            args.report.as_deref(),
        )?;
    }
    if let Some(cmu_dir) = &args.cmu {
        if !text.is_empty() {
            text += "\n";
        }
        text += &cmu_faces(
            &model,
            &name,
            judge,
            cmu_dir,
            settings,
            args.report.as_deref(),
        )?;
    }
    let mut real = String::new();
    if let Some(dir) = &args.cfp {
        let judge = judge.map(|j| &j.model);
        let report = args.report.as_deref();
        real += &realfaces::cfp(&model, judge, dir, args.threads, args.seed, report)?;
    }
    if let Some(dir) = &args.lfw {
        real += "\n";
        real += &realfaces::lfw(&model, dir, args.threads)?;
    }
    if !real.is_empty() {
        let real = format!(
            "## Real faces\n\n{}{}\n{real}",
            model_line(&model, &name),
            judge_line(judge)
        );
        if let Some(out) = &args.report {
            let path = out.join("real_report.md");
            std::fs::write(&path, &real).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        if !text.is_empty() {
            text += "\n";
        }
        text += &real;
    }
    Ok(text)
}

/// The model compiled into the library (cargo feature `default-model`).
#[cfg(feature = "default-model")]
fn default_model() -> Result<Model, String> {
    Model::default_model().map_err(|e| format!("opening the embedded default model: {e}"))
}

#[cfg(not(feature = "default-model"))]
fn default_model() -> Result<Model, String> {
    Err(
        "this build has no embedded default model (cargo feature `default-model`): \
         give --model BUNDLE_DIR"
            .into(),
    )
}

/// Another bundle whose encoder embeds the frontalized faces (`--judge`).
struct Judge {
    model: Model,
    name: String,
}

/// The line that says who embeds the frontalized faces, when it is not the model.
fn judge_line(judge: Option<&Judge>) -> String {
    match judge {
        Some(j) => format!(
            "Judge: frontalized faces, and the gallery they are matched against, are \
             embedded by the encoder of {} (`--judge`), not by the model's own; this \
             applies to both frontalized columns and the frontalized AUC.\n",
            j.name
        ),
        None => String::new(),
    }
}

fn model_line(model: &Model, name: &str) -> String {
    let i = model.info();
    format!(
        "Model: {name} (config `{}`, input {s}x{s}, Nf {}, yaw bins {}..{}; trained on: {}).\n",
        i.config,
        i.feature_dim,
        i.pose_yaws.first().unwrap_or(&0.0),
        i.pose_yaws.last().unwrap_or(&0.0),
        i.trained_on,
        s = i.input_size,
    )
}

fn yaw_label(yaw: f32) -> String {
    if yaw == 0.0 {
        "0°".into()
    } else {
        format!("{yaw:+}°")
    }
}

/// The labels-folder evaluation: `report.md`, `rank1_by_yaw.png`, `frontalized.png`.
fn labels_folder(
    model: &Model,
    model_name: &str,
    judge: Option<&Judge>,
    dir: &Path,
    settings: Settings,
    out: Option<&Path>,
) -> Result<String, String> {
    let set = data::read(dir, &model.info().pose_yaws)?;
    eprintln!(
        "{}: {} gallery images, {} probes",
        dir.display(),
        set.split.gallery.len(),
        set.split.probes.len()
    );
    let results = protocol::run(model, judge.map(|j| &j.model), &set, &set.split, settings)?;

    let present: Vec<usize> = (0..set.bins.len())
        .filter(|b| results.probes.iter().any(|p| p.row == *b))
        .collect();
    let mut rows: Vec<Row> = present
        .iter()
        .map(|&b| report::row(&yaw_label(set.bins[b]), &results, &[b], false))
        .collect();
    let near: Vec<usize> = present
        .iter()
        .copied()
        .filter(|&b| set.bins[b].abs() <= 45.0)
        .collect();
    let far: Vec<usize> = present
        .iter()
        .copied()
        .filter(|&b| (60.0..=90.0).contains(&set.bins[b].abs()))
        .collect();
    for (label, group) in [("**−45°..+45°**", &near), ("**±60°..±90°**", &far)] {
        if !group.is_empty() {
            rows.push(report::row(label, &results, group, true));
        }
    }
    rows.push(report::row("**all**", &results, &present, true));

    let mut md = String::new();
    let _ = writeln!(md, "# drgan evaluation: `{}`\n", dir.display());
    md += &model_line(model, model_name);
    md += &judge_line(judge);
    let identities = set.split.gallery.len();
    let _ = writeln!(
        md,
        "Data: {} images; gallery: one frontal image per identity ({identities} identities, \
         the lowest variation at yaw 0); probes: the other {} images, in rows by yaw bin \
         (yaws snapped to the model's bins).{}",
        set.paths.len(),
        set.split.probes.len(),
        if set.skipped_identities.is_empty() {
            String::new()
        } else {
            format!(
                " Left out, no frontal image: {} identities.",
                set.skipped_identities.len()
            )
        }
    );
    let _ = writeln!(
        md,
        "Fused: groups of {f} probes of one identity and yaw bin (`Model::embed_fused`; a rest \
         of fewer than {f} is left out). Frontalized: `Model::frontalize` with noise seed {}, \
         then embedded as a probe; fused, frontalized: the face `Model::synthesize` draws \
         at yaw 0 from a group's fused feature, embedded as a probe. Yaw estimate error: \
         the mean of |`Model::estimate_yaw` − the labelled yaw| in degrees (bundles with a \
         pose head).\n",
        settings.seed,
        f = settings.fuse
    );
    let yaw = model.info().has_pose_head;
    md += &report::markdown("yaw", &rows, settings.fuse, set.has_truth, yaw);
    let [model_auc, frontal_auc, raw_auc] = report::auc(&results, &present);
    let pairs = results.probes.len() * identities;
    let _ = writeln!(
        md,
        "\nVerification ROC AUC over all {pairs} probe × gallery pairs ({} genuine): \
         **model {}**, frontalized {}, raw pixels {}.\n",
        results.probes.len(),
        auc_text(model_auc),
        auc_text(frontal_auc),
        auc_text(raw_auc)
    );
    md += NOTES;
    if !set.has_truth {
        md += "\nThis folder has no `variation` column, so no ground-truth frontal faces and \
               no PSNR / SSIM.\n";
    }

    if let Some(out) = out {
        let curve = |colour, label: &str, f: fn(&Row) -> Option<f64>| plot::Curve {
            colour,
            label: label.to_string(),
            points: present
                .iter()
                .zip(&rows)
                .map(|(&b, r)| (set.bins[b], f(r)))
                .collect(),
        };
        let fused = format!("fused ×{}", settings.fuse);
        let text = plot::rank1_by_yaw(
            &out.join("rank1_by_yaw.png"),
            &plot_title(model_name, identities),
            &[
                curve(plot::RAW, "raw pixels", |r| r.raw.value()),
                curve(plot::FRONTALIZED, "frontalized", |r| r.frontal.value()),
                curve(plot::SINGLE, "single image", |r| r.single.value()),
                curve(plot::FUSED, &fused, |r| r.fused.value()),
            ],
        )?;
        md += if text { PLOT_NOTES } else { PLOT_NOTES_NO_TEXT };
        if write_examples(&results, &out.join("frontalized.png"))? {
            md += "\n![probes, frontalized, ground truth](frontalized.png)\n\n\
                   `frontalized.png`: probes of the first identity (top row), their \
                   frontalizations (middle) and the ground-truth frontal faces (bottom), at \
                   the model's input size.\n";
        }
        write(&out.join("report.md"), &md)?;
    }
    Ok(md)
}

const NOTES: &str = "\
How to read it: *rank-1* is the share of probes whose most similar gallery feature (cosine, \
`drgan::similarity`; a tie goes to the first gallery entry) is their own identity. *Raw \
pixels* is the same protocol with the probe's grey pixels at the model's input size, mean \
removed and scaled to unit length, as the feature. *PSNR / SSIM* compare grey images \
(BT.601 luma) at the model's input size with the ground-truth frontal face (same identity \
and variation at yaw 0): *frontalized* is the model's frontal rendering, *input* the probe \
itself (the do-nothing baseline). SSIM: 11x11 Gaussian window, σ 1.5, at every position \
inside the image, K1 0.01, K2 0.03. A frontal probe is its own ground truth (input: ∞ dB, \
SSIM 1), so the bold group rows (−45°..+45°, ±60°..±90°, all) average PSNR / SSIM over turned probes only.\n";

/// The plot's title: the model (a bundle's folder name) and the gallery's size.
fn plot_title(model_name: &str, identities: usize) -> String {
    let name = model_name.trim_matches('`');
    let short = Path::new(name)
        .file_name()
        .map_or(name.into(), |n| n.to_string_lossy());
    format!("Rank-1 by yaw: {short} ({identities} identities)")
}

const PLOT_NOTES: &str = "\n![rank-1 by yaw](rank1_by_yaw.png)\n\n\
`rank1_by_yaw.png`: rank-1 of each curve by yaw bin; a grid line every 15° and every 0.1 \
(darker at 0°, 0.5 and 1); **red dashes**: the targets (0.95 for |yaw| ≤ 45°, 0.80 for \
60°..90°).\n";

const PLOT_NOTES_NO_TEXT: &str = "\n![rank-1 by yaw](rank1_by_yaw.png)\n\n\
`rank1_by_yaw.png` (drawn without text: no font file was found): x is yaw from −90° (left edge) to +90° (right \
edge), a vertical grid line every 15° (darker at 0°); y is rank-1 from 0 (bottom) to 1 \
(top), a grid line every 0.1 (darker at 0.5 and 1). **Blue**: single image; **green**: \
fused; **orange**: frontalized; **grey**: raw pixels; **red dashes**: the targets (0.95 \
for |yaw| ≤ 45°, 0.80 for 60°..90°).\n";

/// Writes the (probe, frontalized, truth) picture; false when there are no examples.
fn write_examples(results: &Results, path: &Path) -> Result<bool, String> {
    let mut tiles = Vec::new();
    for k in 0..3 {
        tiles.extend(results.examples.iter().map(|e| e[k].clone()));
    }
    match pixels::montage(&tiles, results.examples.len()) {
        Some(m) => {
            save(&m, path)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// The CMU zero-shot evaluation: `cmu_report.md` and `cmu_crops.png`.
fn cmu_faces(
    model: &Model,
    model_name: &str,
    judge: Option<&Judge>,
    dir: &Path,
    settings: Settings,
    out: Option<&Path>,
) -> Result<String, String> {
    let set = cmu::read(dir)?;
    eprintln!(
        "{}: {} gallery pictures, {} probes",
        dir.display(),
        set.split.gallery.len(),
        set.split.probes.len()
    );
    let results = protocol::run(model, judge.map(|j| &j.model), &set, &set.split, settings)?;

    let mut rows = Vec::new();
    let mut all_rows = Vec::new();
    for (e, eyes) in cmu::EYES.iter().enumerate() {
        let mut these = Vec::new();
        for (p, pose) in cmu::POSES.iter().enumerate() {
            let r = cmu::row_of(p, e);
            let sign = match p {
                1 => " (yaw_sign +1)",
                2 => " (yaw_sign −1)",
                0 => " (other expressions)",
                _ => " (pitch)",
            };
            rows.push(report::row(
                &format!("{pose}{sign}, {eyes}"),
                &results,
                &[r],
                false,
            ));
            these.push(r);
        }
        rows.push(report::row(
            &format!("**all {eyes}**"),
            &results,
            &these,
            false,
        ));
        all_rows.extend(these);
    }
    rows.push(report::row("**all**", &results, &all_rows, false));

    let mut md = String::new();
    let _ = writeln!(
        md,
        "# drgan zero-shot evaluation: CMU faces (`{}`)\n",
        dir.display()
    );
    md += &model_line(model, model_name);
    md += &judge_line(judge);
    let c = set.crop;
    let _ = writeln!(
        md,
        "Data: {} greyscale pictures of {} people. Gallery: one `straight`, `neutral`, `open` \
         picture per person; probes: the other {} pictures, in rows by `pose` and `eyes` \
         (sunglasses reported apart). Every picture is cut to the square of side {} at \
         x = {}, y = {} (of 128x120) and then resized by the SDK to the model's input. \
         Fused: groups of {} pictures of one person in one row (its expressions). \
         Frontalized: `Model::frontalize`, seed {}; fused, frontalized: `Model::synthesize` \
         at yaw 0 from a group's fused feature. No ground truth frontal faces: no PSNR / \
         SSIM.\n",
        set.paths.len(),
        set.people.len(),
        set.split.probes.len(),
        c.side,
        c.x,
        c.y,
        settings.fuse,
        settings.seed
    );
    md += &report::markdown("pose, eyes", &rows, settings.fuse, false, false);
    md += "\nVerification ROC AUC over probe × gallery pairs (model / frontalized / raw pixels):\n";
    let open: Vec<usize> = (0..cmu::POSES.len()).map(|p| cmu::row_of(p, 0)).collect();
    let dark: Vec<usize> = (0..cmu::POSES.len()).map(|p| cmu::row_of(p, 1)).collect();
    for (label, set_rows) in [
        ("open eyes", &open),
        ("sunglasses", &dark),
        ("all", &all_rows),
    ] {
        let [m, f, r] = report::auc(&results, set_rows);
        let _ = writeln!(
            md,
            "- {label}: **{}** / {} / {}",
            auc_text(m),
            auc_text(f),
            auc_text(r)
        );
    }
    if let Some(out) = out {
        save_crops(&set, &out.join("cmu_crops.png"))?;
        md += "\n![the crops](cmu_crops.png)\n\n`cmu_crops.png`: the crop of each person's \
               gallery picture (top row) and of their `left`, `right` and `up` neutral \
               open-eyed pictures (rows 2-4), before the SDK's resize.\n";
        write(&out.join("cmu_report.md"), &md)?;
    }
    Ok(md)
}

/// A montage: gallery crops, then one left, right and up probe of each person.
fn save_crops(set: &cmu::CmuSet, path: &Path) -> Result<(), String> {
    let mut tiles = Vec::new();
    let people = set.split.gallery.len();
    for &g in &set.split.gallery {
        tiles.push(set.load(g)?);
    }
    for pose in 1..cmu::POSES.len() {
        for person in 0..people {
            let row = cmu::row_of(pose, 0);
            let pick = set
                .split
                .probes
                .iter()
                .filter(|p| p.identity == person && p.row == row)
                .find(|p| set.paths[p.image].to_string_lossy().contains("neutral"))
                .or_else(|| {
                    set.split
                        .probes
                        .iter()
                        .find(|p| p.identity == person && p.row == row)
                });
            tiles.push(match pick {
                Some(p) => set.load(p.image)?,
                None => drgan::RgbImage {
                    width: set.crop.side,
                    height: set.crop.side,
                    data: vec![255; (set.crop.side * set.crop.side * 3) as usize],
                },
            });
        }
    }
    let m = pixels::montage(&tiles, people).ok_or("no crops to show")?;
    save(&m, path)
}

fn save(image: &drgan::RgbImage, path: &Path) -> Result<(), String> {
    drgan::io::save_png(&image.view(), path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}
