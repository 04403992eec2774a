//! The `train` / `export` commands end to end on the tiny config: a few steps write the
//! log, plot, samples and checkpoint; `--resume` continues; the export opens in the SDK.

use drgan_train::cli;

fn run(cmd: &str) -> i32 {
    cli::run(cmd.split_whitespace().map(String::from).collect())
}

#[test]
fn a_tiny_run_trains_resumes_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path().join("run");
    let rs = r.display();
    let common = "--config tiny --identities 4 --variations 1 --groups 2 --group 2 \
                  --sample-every 2 --checkpoint-every 2 --quiet";
    assert_eq!(
        run(&format!(
            "train --out {rs} {common} --steps 3 --warmup-steps 1"
        )),
        0
    );
    let kept = std::fs::read_to_string(r.join("checkpoint-0000001/state.txt"));
    assert!(
        kept.is_ok_and(|s| s.starts_with("step=1\n")),
        "the warm-up's end is kept"
    );
    for f in [
        "options.toml",
        "log.csv",
        "losses.png",
        "samples_0000002.png",
        "samples_0000003.png",
    ] {
        assert!(r.join(f).is_file(), "{f} is missing");
    }
    let log = std::fs::read_to_string(r.join("log.csv")).unwrap();
    assert_eq!(log.lines().count(), 1 + 3);
    // A second fresh run into the same folder is refused; --resume continues it, here
    // with the batches shared by two workers (saved with the run).
    assert_ne!(run(&format!("train --out {rs} {common} --steps 3")), 0);
    assert_eq!(
        run(&format!(
            "train --out {rs} --resume --steps 5 --workers 2 --quiet"
        )),
        0
    );
    let log = std::fs::read_to_string(r.join("log.csv")).unwrap();
    assert_eq!(log.lines().count(), 1 + 5);
    assert!(
        !r.join("checkpoint-0000004").exists(),
        "only a phase's start keeps a copy"
    );
    assert!(log.lines().last().unwrap().starts_with("5,"));
    let options = std::fs::read_to_string(r.join("options.toml")).unwrap();
    assert!(options.contains("workers = 2\n"), "{options}");

    let b = dir.path().join("bundle");
    assert_eq!(run(&format!("export {rs} --out {}", b.display())), 0);
    let model = drgan::Model::open(&b, &drgan::Options::default()).unwrap();
    let info = model.info();
    assert_eq!(info.input_size, 32);
    assert_eq!(info.pose_yaws.len(), 13);
    assert!(info.has_pose_head);
    assert_eq!(info.config, "tiny");
    assert!(info.trained_on.contains("5 steps"), "{}", info.trained_on);

    // Two more steps with the encoder frozen and studio targets: the exported encoder
    // gives the same features as before them (the decoder's learning is checked in
    // `train::step`'s tests).
    let frozen = dir.path().join("frozen");
    let resume = "--resume --steps 7 --freeze-encoder-from 5 --scene studio --quiet";
    assert_eq!(run(&format!("train --out {rs} {resume}")), 0);
    assert_eq!(run(&format!("export {rs} --out {}", frozen.display())), 0);
    let after = drgan::Model::open(&frozen, &drgan::Options::default()).unwrap();
    let face = drgan_train::synth::dataset::sample(1_000_000_000, 30.0, 0, 32).rgb;
    let image = drgan::Image::new(&face, 32, 32, 32 * 3, drgan::PixelFormat::Rgb8).unwrap();
    assert_eq!(
        model.embed(&image).unwrap(),
        after.embed(&image).unwrap(),
        "the encoder must stay as it was at step 5"
    );
    assert!(
        after.info().trained_on.contains("encoder frozen from 5"),
        "{}",
        after.info().trained_on
    );
    let c = dir.path().join("described");
    let export = |text: &str| {
        run(&format!(
            "export {rs} --out {} --trained-on {text}",
            c.display()
        ))
    };
    assert_eq!(export("hand-written"), 0);
    let model = drgan::Model::open(&c, &drgan::Options::default()).unwrap();
    assert_eq!(model.info().trained_on, "hand-written");
    assert_ne!(export(&"x".repeat(256)), 0, "too long for the C field");

    // Whitening: the features move, the synthesis stays.
    let w = dir.path().join("whitened");
    let whiten = format!(
        "whiten {} --out {} --identities 3 --variations 1",
        c.display(),
        w.display()
    );
    assert_eq!(run(&whiten), 0);
    let white = drgan::Model::open(&w, &drgan::Options::default()).unwrap();
    assert_eq!(
        white.info().trained_on,
        "hand-written; WCCN on 3 synthetic identities"
    );
    let (e0, e1) = (model.embed(&image).unwrap(), white.embed(&image).unwrap());
    assert!((e0.confidence - e1.confidence).abs() < 1e-5);
    assert_ne!(e0.feature, e1.feature);
    let (f0, f1) = (
        model.frontalize(&image, 3).unwrap(),
        white.frontalize(&image, 3).unwrap(),
    );
    let off = f0
        .data
        .iter()
        .zip(&f1.data)
        .filter(|(a, b)| a.abs_diff(**b) > 2)
        .count();
    assert!(off * 100 < f0.data.len(), "{off} pixels differ");
    // Whitening on a folder's people (as `prepare` writes them), here synthetic ones at
    // three yaws.
    let synth = |out: &std::path::Path, people: usize| {
        let args = "--yaws -30:30:30 --size 32";
        run(&format!(
            "synth --out {} --identities {people} {args}",
            out.display()
        ))
    };
    let people = dir.path().join("people");
    assert_eq!(synth(&people, 3), 0);
    let w2 = dir.path().join("whitened-on-people");
    let on_people = format!("whiten {} --out {}", c.display(), w2.display());
    assert_eq!(run(&format!("{on_people} --data {}", people.display())), 0);
    let white2 = drgan::Model::open(&w2, &drgan::Options::default()).unwrap();
    assert_eq!(
        white2.info().trained_on,
        "hand-written; WCCN on 3 people of people"
    );
    assert_ne!(white2.embed(&image).unwrap().feature, e1.feature);
    // One person has no within-identity scatter to measure; a folder without labels.csv
    // is an error too.
    let one = dir.path().join("one");
    assert_eq!(synth(&one, 1), 0);
    assert_ne!(run(&format!("{on_people} --data {}", one.display())), 0);
    assert_ne!(run(&format!("{on_people} --data {}", w.display())), 0);
    let long = format!("{whiten} --trained-on {}", "x".repeat(256));
    assert_ne!(run(&long), 0, "too long for the C field");
    assert_ne!(
        run(&format!("whiten {} --identities 3", c.display())),
        0,
        "no --out"
    );
    for ridge in ["0", "-1", "NaN", "lots"] {
        assert_ne!(
            run(&format!("{whiten} --ridge {ridge}")),
            0,
            "ridge {ridge}"
        );
    }
    assert_ne!(run("whiten /nonexistent/bundle --out /tmp/x"), 0);
    // Bad arguments fail with a message, not a panic.
    assert_ne!(run("export /nonexistent/run --out /tmp/x"), 0);
    assert_ne!(run("train --config tiny"), 0);

    // The perceptual loss: saved with the run, logged.
    let p = dir.path().join("perceptual");
    let extra = "--steps 1 --perceptual-weight 0.5";
    assert_eq!(
        run(&format!("train --out {} {common} {extra}", p.display())),
        0
    );
    let options = std::fs::read_to_string(p.join("options.toml")).unwrap();
    assert!(options.contains("perceptual_weight = 0.5\n"), "{options}");
    let log = std::fs::read_to_string(p.join("log.csv")).unwrap();
    assert!(log.starts_with(drgan_train::train::log::HEADER), "{log}");
    let last: Vec<f32> = log
        .lines()
        .last()
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    let column = drgan_train::train::log::column;
    assert!(
        last[column("perceptual")] > 0.0,
        "the perceptual loss is logged: {log}"
    );
    assert_eq!(last[column("id_keep")], 0.0, "identity keeping is off");
    let q = dir.path().join("refused");
    let q = q.display();
    for bad in [
        "--scene paired",
        "--perceptual-weight -1",
        "--rec-weight 0 --adv-weight 0",
    ] {
        assert_ne!(run(&format!("train --out {q} {common} {bad}")), 0, "{bad}");
    }
}

#[test]
fn a_resumed_run_keeps_what_defines_it_and_takes_new_steps_and_weights() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path().join("run");
    let rs = r.display();
    let start = "--config tiny --identities 4 --variations 1 --groups 2 --group 2 --steps 2 \
                 --pose-scale 2 --workers 2 --lr-schedule 1:1e-4 --quiet";
    assert_eq!(run(&format!("train --out {rs} {start}")), 0);
    let options = || std::fs::read_to_string(r.join("options.toml")).unwrap();
    let log_rows = || {
        std::fs::read_to_string(r.join("log.csv"))
            .unwrap()
            .lines()
            .count()
    };
    // What makes the run what it is cannot change; nothing runs then.
    for fixed in [
        "--pose-scale 4",
        "--config small",
        "--identities 5",
        "--variations 2",
        "--data /faces",
        "--init-from /models/default",
        "--width 0.25",
        "--decoder-width 0.5",
    ] {
        let cmd = format!("train --out {rs} --resume --steps 3 {fixed} --quiet");
        assert_ne!(run(&cmd), 0, "{fixed}");
        assert_eq!(log_rows(), 1 + 2, "nothing ran with {fixed}");
    }
    // The steps, the schedule and the loss weights can; the rest stays as saved.
    let more = "--steps 3 --perceptual-weight 0.5 --scene studio --sample-every 1";
    assert_eq!(run(&format!("train --out {rs} --resume {more} --quiet")), 0);
    let saved = options();
    for line in [
        "steps = 3\n",
        "perceptual_weight = 0.5\n",
        "scene = \"studio\"\n",
        "pose_scale = 2.0\n",
        "workers = 2\n",
        "lr_schedule = \"1:0.0001\"\n",
        "identities = 4\n",
        "name = \"tiny\"\n",
    ] {
        assert!(saved.contains(line), "{line} in {saved}");
    }
    assert_eq!(log_rows(), 1 + 3);
    assert!(r.join("samples_0000003.png").is_file());
    // --new-decoder frees the decoder's own options (and needs --resume); the run goes on
    // with the new decoder from then on.
    assert_ne!(
        run(&format!("train --out {rs} --new-decoder --steps 4 --quiet")),
        0
    );
    // The encoder's width is not the decoder's: a new decoder does not free it.
    assert_ne!(
        run(&format!(
            "train --out {rs} --resume --new-decoder --width 0.25 --steps 3 --quiet"
        )),
        0
    );
    // With no step to train, the new decoder is still saved beside its options.
    let wider = "--new-decoder --decoder-width 0.25 --upsample resize --steps 3 --quiet";
    assert_eq!(run(&format!("train --out {rs} --resume {wider}")), 0);
    assert_eq!(
        run(&format!("train --out {rs} --resume --steps 4 --quiet")),
        0
    );
    let saved = options();
    for line in [
        "decoder_width = 0.25\n",
        "upsample = \"resize\"\n",
        "width = 0.125\n",
    ] {
        assert!(saved.contains(line), "{line} in {saved}");
    }
    assert_eq!(
        run(&format!("train --out {rs} --resume --steps 5 --quiet")),
        0
    );
    assert_eq!(log_rows(), 1 + 5);
    // --data may grow: a folder after the synthetic faces brings two new people (classes
    // 4 and 5); a list that does not start with the saved one is refused.
    let people = dir.path().join("people");
    std::fs::create_dir_all(&people).unwrap();
    let mut csv = String::from("path,identity,yaw_degrees\n");
    for (k, id) in ["ann", "ann", "bob"].iter().enumerate() {
        image::RgbImage::from_pixel(32, 32, image::Rgb([40 * k as u8, 90, 30]))
            .save(people.join(format!("{k}.png")))
            .unwrap();
        csv += &format!("{k}.png,{id},0\n");
    }
    std::fs::write(people.join("labels.csv"), csv).unwrap();
    let ps = people.display();
    let cmd = format!("train --out {rs} --resume --steps 6 --data {ps},synth --quiet");
    assert_ne!(run(&cmd), 0, "the folder before the saved sources");
    let cmd = format!("train --out {rs} --resume --steps 6 --data synth,{ps} --quiet");
    assert_eq!(run(&cmd), 0);
    assert_eq!(log_rows(), 1 + 6);
    let state = std::fs::read_to_string(r.join("checkpoint/state.txt")).unwrap();
    assert!(state.contains("classes=6"), "{state}");
    assert!(options().contains(&format!("data = \"synth,{ps}\"")));
    // A run saved before options.toml (options.txt) is not read.
    let old = dir.path().join("old");
    std::fs::create_dir_all(old.join("checkpoint")).unwrap();
    std::fs::write(old.join("options.txt"), "config=tiny\n").unwrap();
    let cmd = format!("train --out {} --resume --steps 3 --quiet", old.display());
    assert_ne!(run(&cmd), 0);
}

#[test]
fn a_wider_decoder_trains_and_its_bundle_frontalizes() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path().join("wide");
    let start = "--config tiny --decoder-width 0.25 --identities 3 --variations 1 --groups 2 \
                 --group 2 --steps 1 --quiet";
    assert_eq!(run(&format!("train --out {} {start}", r.display())), 0);
    let b = dir.path().join("bundle");
    assert_eq!(
        run(&format!("export {} --out {}", r.display(), b.display())),
        0
    );
    let model = drgan::Model::open(&b, &drgan::Options::default()).unwrap();
    let face = drgan_train::synth::dataset::sample(1_000_000_000, 0.0, 0, 32).rgb;
    let image = drgan::Image::new(&face, 32, 32, 32 * 3, drgan::PixelFormat::Rgb8).unwrap();
    let front = model.frontalize(&image, 1).unwrap();
    assert_eq!((front.width, front.height), (32, 32));
    // Twice the tiny config's decoder channels: about four times its weights.
    let size = |d: &std::path::Path| std::fs::metadata(d.join("decoder.onnx")).unwrap().len();
    let narrow = dir.path().join("narrow");
    let narrow_bundle = dir.path().join("narrow-bundle");
    let start = start.replace("--decoder-width 0.25 ", "");
    assert_eq!(run(&format!("train --out {} {start}", narrow.display())), 0);
    let export = format!(
        "export {} --out {}",
        narrow.display(),
        narrow_bundle.display()
    );
    assert_eq!(run(&export), 0);
    assert!(
        size(&b) > 3 * size(&narrow_bundle),
        "{} vs {}",
        size(&b),
        size(&narrow_bundle)
    );
}
