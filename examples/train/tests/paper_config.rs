//! The paper's network (96x96, full width, Nf 320, Nz 50, 13 yaws) builds, takes a few
//! training steps on the CPU and exports a bundle the SDK opens.

use burn::prelude::*;
use drgan::bundle::BundleFiles;
use drgan_train::export::weights;
use drgan_train::train::batch::BatchSpec;
use drgan_train::train::{Dataset, Scene, TrainOptions, Trainer};
use drgan_writer::{BundleFilesExt, Config};

#[test]
fn the_paper_config_trains_and_exports() {
    let config = Config::paper();
    let data =
        Dataset::synthetic(2, 1, Scene::PerPicture, &config.pose_yaws, 96, 2, |_| {}).unwrap();
    let mut o = TrainOptions::new(config.clone());
    o.groups = 1;
    o.group = 2;
    let mut t = Trainer::new(o, data.classes, Device::flex().autodiff());
    let spec = BatchSpec {
        groups: 1,
        group: 2,
        max_shift: 7,
        flip: true,
        truths: true,
        augment: 0.0,
        known_targets: 0.0,
    };
    let mut rng = drgan_train::synth::rng::Rng::new(1);
    for step in 0..2 {
        let s = t.step(&data.batch(&spec, &mut rng), step);
        assert!(s.d_loss.is_finite() && s.g_adv.is_finite() && s.rec.is_finite());
    }
    let w = weights(&t.g, &t.d, &config).unwrap();
    let files = BundleFiles::build(&config, &w, "paper config test", true).unwrap();
    let opts = drgan::Options::default();
    let model =
        drgan::Model::from_bytes(&files.encoder, &files.decoder, files.pose.as_deref(), &opts)
            .unwrap();
    assert_eq!(model.info().input_size, 96);
    assert_eq!(model.info().feature_dim, 320);
}
