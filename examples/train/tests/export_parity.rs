//! The exported bundle, run by tract, computes what burn's networks compute (inference
//! mode, batch norm folded by the exporter): max |burn - tract| < 1e-4 on every output,
//! on networks whose outputs depend on their inputs (the decoder's image moves with the
//! pose code by more than 100x that tolerance).

use burn::prelude::*;
use burn::tensor::TensorData;
use drgan::bundle::BundleFiles;
use drgan_train::export::weights;
use drgan_train::train::batch::BatchSpec;
use drgan_train::train::{Dataset, Scene, TrainOptions, Trainer};
use drgan_writer::{BundleFilesExt, Config, Upsample};

/// tract, in a module of its own: its prelude and burn's both export `Tensor`.
mod onnx {
    use tract_onnx::prelude::*;

    pub fn run(bytes: &[u8], inputs: Vec<(Vec<usize>, Vec<f32>)>) -> Vec<Vec<f32>> {
        let mut model = tract_onnx::onnx().model_for_read(&mut &bytes[..]).unwrap();
        for (i, (shape, _)) in inputs.iter().enumerate() {
            model
                .set_input_fact(i, f32::fact(shape.clone()).into())
                .unwrap();
        }
        let plan = model.into_optimized().unwrap().into_runnable().unwrap();
        let tensors: TVec<TValue> = inputs
            .into_iter()
            .map(|(shape, data)| {
                tract_ndarray::ArrayD::from_shape_vec(shape, data)
                    .unwrap()
                    .into_tvalue()
            })
            .collect();
        plan.run(tensors)
            .unwrap()
            .iter()
            .map(|t| {
                let view = t.to_plain_array_view::<f32>().unwrap();
                view.iter().copied().collect()
            })
            .collect()
    }
}

fn host<const D: usize>(t: burn::Tensor<D>) -> Vec<f32> {
    t.into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .unwrap()
}

/// n one-hot pose codes of np bins, row i hot at `bin(i)`.
fn one_hot(n: usize, np: usize, bin: impl Fn(usize) -> usize) -> Vec<f32> {
    let mut code = vec![0.0f32; n * np];
    for i in 0..n {
        code[i * np + bin(i)] = 1.0;
    }
    code
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[test]
fn burn_and_the_exported_bundle_agree() {
    agree_for(Config::named("tiny").unwrap(), 1.0);
}

/// The same with the pose code scaled while training (`--pose-scale`): the exporter
/// folds the scale into the decoder's FC.
#[test]
fn burn_and_the_exported_bundle_agree_with_a_scaled_pose_code() {
    agree_for(Config::named("tiny").unwrap(), 8.0);
}

/// The same with a decoder twice as wide as the encoder (`Config::with_decoder_width`).
#[test]
fn burn_and_the_exported_bundle_agree_with_a_wider_decoder() {
    agree_for(
        Config::named("tiny")
            .unwrap()
            .with_decoder_width(0.25)
            .unwrap(),
        1.0,
    );
}

/// The same with a decoder that upsamples by resizing (`Upsample::Resize`): burn runs
/// its 3x3 taps expanded, the bundle holds the 4x4 transposed convolutions.
#[test]
fn burn_and_the_exported_bundle_agree_with_a_resizing_decoder() {
    let config = Config::named("tiny").unwrap();
    agree_for(config.with_upsample(Upsample::Resize), 1.0);
}

fn agree_for(config: Config, pose_scale: f32) {
    let (s, np, nz, nf) = (32usize, 13usize, config.noise_dim, config.feature_dim);
    let data =
        Dataset::synthetic(3, 1, Scene::PerVariation, &config.pose_yaws, s, 2, |_| {}).unwrap();
    let mut o = TrainOptions::new(config.clone());
    o.groups = 2;
    o.group = 2;
    o.pose_scale = pose_scale;
    let mut t = Trainer::new(o, data.classes, Device::flex().autodiff());
    // A few steps move the weights and the batch-norm statistics away from their init.
    let spec = BatchSpec {
        groups: 2,
        group: 2,
        max_shift: 2,
        flip: true,
        truths: true,
        augment: 0.0,
        known_targets: 0.0,
    };
    let mut rng = drgan_train::synth::rng::Rng::new(3);
    for step in 0..3 {
        let b = data.batch(&spec, &mut rng);
        t.step(&b, step);
    }
    settle_batch_norm(&t, &data, &mut rng);
    let w = weights(&t.g, &t.d, &config).unwrap();
    let files = BundleFiles::build(&config, &w, "parity test", true).unwrap();

    let n = 3;
    let b = data.batch(
        &BatchSpec {
            groups: 1,
            group: n,
            max_shift: 0,
            flip: false,
            truths: true,
            augment: 0.0,
            known_targets: 0.0,
        },
        &mut rng,
    );
    let dev = Device::flex();
    let g = t.g.valid();
    let d = t.d.valid();
    let x = burn::Tensor::<4>::from_data(TensorData::new(b.inputs.clone(), [n, 3, s, s]), &dev);
    let enc = g.encode(x.clone());
    let pose_logits = d.forward(x).pose;
    let noise: Vec<f32> = (0..n * nz)
        .map(|i| ((i * 37 % 17) as f32 / 8.5) - 1.0)
        .collect();
    let code = one_hot(n, np, |i| (i * 5) % np);
    let image = g.decoder.forward(
        enc.identity.clone(),
        burn::Tensor::from_data(TensorData::new(code.clone(), [n, np]), &dev),
        burn::Tensor::from_data(TensorData::new(noise.clone(), [n, nz]), &dev),
    );
    let (f, c) = (host(enc.identity.clone()), host(enc.confidence));

    // The comparison has teeth: the decoder's image moves with the pose code far more
    // than the tolerance (a missing pose-scale fold or a wrong weight shows).
    let other_code = one_hot(n, np, |i| (i * 5 + 6) % np);
    let moved = g.decoder.forward(
        enc.identity.clone(),
        burn::Tensor::from_data(TensorData::new(other_code, [n, np]), &dev),
        burn::Tensor::from_data(TensorData::new(noise.clone(), [n, nz]), &dev),
    );
    let image = host(image);
    let pose_effect = max_diff(&image, &host(moved));
    assert!(
        pose_effect > 1e-2,
        "the decoder hardly depends on its pose code ({pose_effect}): the test cannot see an export error"
    );
    let img_in = vec![(vec![n, 3, s, s], b.inputs.clone())];
    let e = onnx::run(&files.encoder, img_in.clone());
    let p = onnx::run(files.pose.as_ref().unwrap(), img_in);
    let dec = onnx::run(
        &files.decoder,
        vec![
            (vec![n, nf], f.clone()),
            (vec![n, np], code),
            (vec![n, nz], noise),
        ],
    );
    let diffs = [
        ("identity", max_diff(&f, &e[0])),
        ("confidence", max_diff(&c, &e[1])),
        ("pose_logits", max_diff(&host(pose_logits), &p[0])),
        ("image", max_diff(&image, &dec[0])),
    ];
    let scale = f.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    println!("max |burn - tract|: {diffs:?}; max |f| {scale}; pose effect {pose_effect}");
    for (name, d) in diffs {
        assert!(d < 1e-4, "{name}: burn and tract differ by {d}");
    }
    // The features are not degenerate (a broken export would agree on zeros).
    assert!(f.iter().any(|v| v.abs() > 1e-3));
}

/// Runs the networks in training mode on a few batches without updating a weight, so
/// every batch norm's running statistics come to match its activations. After only a
/// few steps they are still near their init (mean 0, variance 1), and the inference-mode
/// image then hardly depends on the decoder's input.
fn settle_batch_norm(t: &Trainer, data: &Dataset, rng: &mut drgan_train::synth::rng::Rng) {
    let spec = BatchSpec {
        groups: 2,
        group: 2,
        max_shift: 0,
        flip: false,
        truths: true,
        augment: 0.0,
        known_targets: 0.0,
    };
    let config = &t.options.config;
    let (np, nz, s) = (
        config.pose_yaws.len(),
        config.noise_dim,
        config.input_size as usize,
    );
    for pass in 0..40 {
        let b = data.batch(&spec, rng);
        let n = b.inputs.len() / (3 * s * s);
        let x = burn::Tensor::<4>::from_data(TensorData::new(b.inputs, [n, 3, s, s]), &t.device);
        let enc = t.g.encode(x.clone());
        let _ = t.d.forward(x);
        let code = one_hot(n, np, |i| (i * 3 + pass) % np);
        let noise: Vec<f32> = (0..n * nz)
            .map(|i| ((i * 13 + pass) % 7) as f32 / 3.5 - 1.0)
            .collect();
        let _ = t.g.decoder.forward(
            enc.identity,
            burn::Tensor::from_data(TensorData::new(code, [n, np]), &t.device),
            burn::Tensor::from_data(TensorData::new(noise, [n, nz]), &t.device),
        );
    }
}
