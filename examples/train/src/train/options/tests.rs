use super::*;

fn tiny() -> TrainOptions {
    TrainOptions::new(Config::named("tiny").unwrap())
}

#[test]
fn options_round_trip_through_toml() {
    let mut o = tiny();
    o.data = "synth,/data/faces".parse().unwrap();
    o.mix = "synth=1,lfw=2.5".parse().unwrap();
    o.steps = 77;
    o.warmup_steps = 9;
    o.proto_weight = 0.5;
    o.augment = 0.5;
    o.id_margin = 0.2;
    o.perceptual_weight = 2.5;
    o.lr_schedule = "5:1e-4,9:2e-4".parse().unwrap();
    o.rec_weight = 0.0;
    o.adv_weight = 0.25;
    o.adv_from = 40;
    o.workers = 2;
    o.pose_scale = 8.0;
    o.d_lr_scale = 0.25;
    o.d_fake_weight = 0.5;
    o.d_blur = 0.75;
    o.d_head_lr_scale = Some(1.0);
    o.scene = Scene::Studio;
    o.d_from = Some(20);
    o.d_init = DInit::Encoder;
    o.freeze_encoder_from = Some(50);
    o.config = o.config.with_decoder_width(0.25).unwrap();
    let text = o.to_toml();
    assert_eq!(TrainOptions::from_toml(&text).unwrap(), o, "{text}");
    assert!(
        text.contains("lr_schedule = \"5:0.0001,9:0.0002\""),
        "{text}"
    );
    assert!(text.contains("d_init = \"encoder\""), "{text}");
    assert!(text.contains("decoder_width = 0.25"), "{text}");
    let mut imported = tiny();
    imported.init_from = Some("/models/default".into());
    let imported = imported.complete().unwrap();
    assert_eq!(imported.freeze_encoder_from, Some(0));
    assert_eq!(TrainOptions::from_toml(&imported.to_toml()), Ok(imported));
    // Defaults are written out; unknown keys and bad values are refused.
    assert!(text.contains("data = \"synth,/data/faces\""), "{text}");
    assert!(text.contains("mix = \"synth=1,lfw=2.5\""), "{text}");
    assert!(tiny().to_toml().contains("data = \"synth\""));
    assert!(tiny().to_toml().contains("mix = \"\""));
    assert!(TrainOptions::from_toml(&format!("{text}\nid_margin = 0.2\n")).is_err());
    assert!(TrainOptions::from_toml(&text.replace("studio", "sunny")).is_err());
    assert!(TrainOptions::from_toml("steps = 3").is_err());
    // Runs saved before --mix, --fused-id-weight, --d-lr-scale and --d-fake-weight
    // existed resume with them off (D at G's learning rate, its fake term whole).
    let old: String = tiny()
        .to_toml()
        .lines()
        .filter(|l| {
            !["mix ", "fused_id_weight ", "d_lr_scale ", "d_fake_weight "]
                .iter()
                .any(|k| l.starts_with(k))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let resumed = TrainOptions::from_toml(&old).unwrap();
    assert_eq!(
        (
            resumed.mix,
            resumed.fused_id_weight,
            resumed.d_lr_scale,
            resumed.d_fake_weight
        ),
        (Mix::default(), 0.0, 1.0, 1.0)
    );
}

#[test]
fn schedules_phases_and_d() {
    let mut o = tiny();
    o.lr_schedule = "5:1e-4,9:2e-4".parse().unwrap();
    o.warmup_steps = 9;
    o.adv_weight = 0.25;
    o.adv_from = 40;
    assert_eq!((o.lr_at(0), o.lr_at(6), o.lr_at(100)), (o.lr, 1e-4, 2e-4));
    assert_eq!(o.d_lr_at(6), 1e-4, "D at G's rate unless scaled");
    o.d_lr_scale = 0.5;
    assert_eq!((o.d_lr_at(0), o.d_lr_at(100)), (o.lr * 0.5, 1e-4));
    assert_eq!(o.d_head_lr_at(100), 1e-4, "the head at D's rate unless set");
    o.d_head_lr_scale = Some(2.0);
    assert_eq!(o.d_head_lr_at(100), 4e-4);
    assert_eq!((o.adv_weight_at(39), o.adv_weight_at(40)), (0.0, 0.25));
    assert!((39..41).all(|s| o.d_learns_at(s) == (s >= 40)));
    assert_eq!(o.phase_steps(100), [9, 31, 60]);
    assert_eq!(
        o.phase_starts(),
        [9, 40],
        "the warm-up's end, D and G's adversarial terms"
    );
    o.d_from = Some(3);
    assert_eq!(o.d_first_step(), Some(9), "not during the warm-up");
    o.d_from = Some(20);
    assert!(!o.d_learns_at(19) && o.d_learns_at(20) && o.adv_weight_at(20) == 0.0);
    o.adv_weight = 0.0;
    assert!(o.d_learns_at(50), "D learns beside a G that never uses it");
    o.freeze_encoder_from = Some(50);
    assert!(!o.encoder_frozen_at(49) && o.encoder_frozen_at(50));
    assert_eq!(
        o.phase_starts(),
        [9, 20, 50],
        "no adversarial phase at weight 0"
    );
    assert!("5:1e-4,3:1e-3".parse::<Schedule>().is_err());
    assert!("5".parse::<Schedule>().is_err());
    assert_eq!("".parse::<Schedule>(), Ok(Schedule::default()));
}

#[test]
fn bad_combinations_are_refused() {
    let refused = |edit: fn(&mut TrainOptions)| {
        let mut o = tiny();
        edit(&mut o);
        o.complete().is_err()
    };
    assert!(!refused(|_| {}));
    assert!(refused(|o| o.group = 0));
    assert!(refused(|o| o.workers = 0));
    assert!(refused(|o| o.pose_scale = 0.0));
    assert!(refused(|o| o.augment = 1.5));
    assert!(refused(|o| o.known_targets = -0.1));
    assert!(refused(|o| o.known_targets = f32::NAN));
    assert!(refused(|o| o.id_margin = 1.0));
    assert!(refused(|o| o.id_scale = 0.0));
    assert!(refused(|o| o.pose_scale = f32::INFINITY));
    assert!(refused(|o| o.d_lr_scale = 0.0));
    assert!(refused(|o| o.d_lr_scale = f32::NAN));
    assert!(refused(|o| o.d_fake_weight = 0.0));
    assert!(refused(|o| o.d_fake_weight = f32::INFINITY));
    assert!(refused(|o| o.d_blur = -0.5));
    assert!(refused(|o| o.d_blur = f32::NAN));
    assert!(!refused(|o| o.d_blur = 1.0));
    assert!(refused(|o| o.d_head_lr_scale = Some(0.0)));
    assert!(!refused(|o| o.d_head_lr_scale = Some(1.0)));
    assert!(refused(|o| o.adv_weight = -1.0));
    assert!(refused(|o| o.rec_weight = f32::NAN));
    assert!(refused(|o| (o.adv_weight, o.rec_weight) = (0.0, 0.0)));
    assert!(refused(|o| (o.adv_from, o.rec_weight) = (9, 0.0)));
    // A warm-up with the encoder frozen trains its identity classifier alone: allowed,
    // from a bundle too.
    assert!(!refused(
        |o| (o.warmup_steps, o.freeze_encoder_from) = (10, Some(0))
    ));
    assert!(!refused(|o| {
        o.init_from = Some("b".into());
        (o.warmup_steps, o.freeze_encoder_from) = (5, Some(0));
    }));
}

#[test]
fn data_sources_and_mixes_parse_or_explain() {
    let d: DataSources = "synth, /a ,/b".parse().unwrap();
    assert_eq!(
        d.0,
        [
            DataSource::Synth,
            DataSource::Folder("/a".into()),
            DataSource::Folder("/b".into())
        ]
    );
    assert!(d.has_synth() && d.folders().count() == 2);
    assert_eq!(d.to_string(), "synth,/a,/b");
    assert!("".parse::<DataSources>().is_err());
    assert!("synth,synth".parse::<DataSources>().is_err());
    let m: Mix = "synth=0.5, cfp=2".parse().unwrap();
    assert_eq!(m.0, [("synth".to_string(), 0.5), ("cfp".to_string(), 2.0)]);
    for bad in ["synth", "a=x", "a=-1", "a=1,a=2", "a=0,b=0"] {
        assert!(bad.parse::<Mix>().is_err(), "{bad}");
    }
}
