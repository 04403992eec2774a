//! Parity with onnxruntime: for fixture bundles of the tiny, small and paper configs
//! (with pose heads), tract's outputs must equal onnxruntime's on the same ONNX files
//! within 1e-4. This test writes the bundles, random inputs (batch 1 and 3) and tract's
//! outputs into a directory (raw little-endian f32 plus `manifest.json`), then runs
//! `python3 tests/parity.py DIR`, which runs the same files in onnxruntime
//! (CPUExecutionProvider) and compares. The script needs `onnxruntime` and `numpy`
//! (`python3 -m pip install onnxruntime numpy`); without them this test FAILS, it does
//! not skip. `DRGAN_PYTHON` names another interpreter; `DRGAN_PARITY_DIR` keeps the
//! files in that directory instead of a temporary one.
//!
//! tract is loaded here as it comes, independently of the SDK: inputs typed f32 `[N, ...]`
//! with a symbolic batch `N`, tract's own `Elu`, `into_optimized`, `into_runnable`. The
//! encoder is also run through the public API (`Model::embed_batch`, which plans batch 1,
//! runs a batch image by image and fuses `Elu`, `src/backend/cpu.rs`) on the same
//! pixels, so the SDK's path is tied to the very outputs onnxruntime checks.

use std::path::{Path, PathBuf};
use std::process::Command;

use drgan::bundle::{BundleFiles, DECODER_FILE, ENCODER_FILE, POSE_FILE};
use drgan::{Image, Model, Options, PixelFormat};
use drgan_writer::{BundleFilesExt, Config};
use serde_json::{json, Value};
use tract_onnx::prelude::*;

/// Batch sizes every model is run at.
const BATCHES: [usize; 2] = [1, 3];

/// The largest difference the SDK's own encoder path may show against direct tract
/// (they run the same plan on the same floats, so this is loose).
const SDK_TOLERANCE: f32 = 1e-5;

/// Seeded uniform numbers (SplitMix64), so every run writes the same inputs.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    /// Uniform in [-1, 1).
    fn signed(&mut self) -> f32 {
        2.0 * self.unit() - 1.0
    }
    /// Roughly standard normal (sum of four uniforms, rescaled).
    fn normal(&mut self) -> f32 {
        (0..4).map(|_| self.signed()).sum::<f32>() * (3.0f32 / 4.0).sqrt()
    }
}

/// One named input or output tensor.
struct Named {
    name: &'static str,
    shape: Vec<usize>,
    data: Vec<f32>,
}

/// One model run of a case: which file, its plan, inputs, and the output names the
/// bundle format gives it.
struct Run<'a> {
    model: &'static str,
    file: &'static str,
    plan: &'a Arc<TypedRunnableModel>,
    inputs: &'a [Named],
    outputs: &'static [&'static str],
}

/// tract, loaded as the SDK's CPU backend loads it.
fn tract_plan(onnx: &[u8], per_sample: &[&[usize]]) -> Arc<TypedRunnableModel> {
    let mut model = tract_onnx::onnx()
        .with_ignore_output_shapes(true)
        .model_for_read(&mut &onnx[..])
        .expect("tract reads the ONNX file");
    let n = model.symbols.sym("N");
    for (i, dims) in per_sample.iter().enumerate() {
        let mut shape: TVec<TDim> = tvec![n.clone().into()];
        shape.extend(dims.iter().map(|&d| d.to_dim()));
        model
            .set_input_fact(i, f32::fact(shape).into())
            .expect("input fact");
    }
    model
        .into_optimized()
        .expect("tract optimizes the graph")
        .into_runnable()
        .expect("tract plans the graph")
}

fn tract_run(
    plan: &Arc<TypedRunnableModel>,
    inputs: &[Named],
    output_names: &[&'static str],
) -> Vec<Named> {
    let values: TVec<TValue> = inputs
        .iter()
        .map(|t| {
            tract_ndarray::ArrayD::from_shape_vec(t.shape.clone(), t.data.clone())
                .unwrap()
                .into_tvalue()
        })
        .collect();
    let outputs = plan.run(values).expect("tract runs the graph");
    assert_eq!(outputs.len(), output_names.len(), "number of outputs");
    outputs
        .iter()
        .zip(output_names)
        .map(|(v, &name)| {
            let view = v.to_plain_array_view::<f32>().unwrap();
            Named {
                name,
                shape: view.shape().to_vec(),
                data: view.iter().copied().collect(),
            }
        })
        .collect()
}

fn write_f32(path: &Path, data: &[f32]) {
    let bytes: Vec<u8> = data.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(path, bytes).unwrap();
}

/// Writes `tensors` as `<prefix>.<name>.f32` and returns their manifest entries.
fn write_tensors(dir: &Path, prefix: &str, tensors: &[Named]) -> Vec<Value> {
    tensors
        .iter()
        .map(|t| {
            assert_eq!(t.shape.iter().product::<usize>(), t.data.len());
            assert!(t.data.iter().all(|v| v.is_finite()), "{prefix}.{}", t.name);
            let file = format!("{prefix}.{}.f32", t.name);
            write_f32(&dir.join(&file), &t.data);
            json!({ "name": t.name, "shape": t.shape, "file": file })
        })
        .collect()
}

/// Random images: u8 pixels as the SDK would normalise them (x / 127.5 - 1), so the
/// encoder's inputs are also valid `Image`s for the public API. Returns the pixels
/// (packed RGB8, one image after another) and the planar [N, 3, S, S] tensor.
fn random_images(rng: &mut Rng, n: usize, s: usize) -> (Vec<u8>, Vec<f32>) {
    let pixels: Vec<u8> = (0..n * s * s * 3)
        .map(|_| (rng.next_u64() >> 56) as u8)
        .collect();
    let mut planar = vec![0f32; n * 3 * s * s];
    for b in 0..n {
        for i in 0..s * s {
            for c in 0..3 {
                let v = pixels[(b * s * s + i) * 3 + c] as f32;
                planar[(b * 3 + c) * s * s + i] = v / 127.5 - 1.0;
            }
        }
    }
    (pixels, planar)
}

/// Pose codes as the SDK makes them: one-hot, or a blend of two neighbouring bins.
fn pose_codes(rng: &mut Rng, n: usize, np: usize) -> Vec<f32> {
    let mut out = vec![0f32; n * np];
    for row in out.chunks_exact_mut(np) {
        let k = (rng.next_u64() % np as u64) as usize;
        if k + 1 < np && rng.unit() < 0.5 {
            let t = rng.unit();
            row[k] = 1.0 - t;
            row[k + 1] = t;
        } else {
            row[k] = 1.0;
        }
    }
    out
}

/// Writes one config's bundle, inputs and tract outputs; returns the manifest cases.
fn write_config(root: &Path, name: &str, seed: u64) -> Vec<Value> {
    let config = Config::named(name).unwrap();
    let files = BundleFiles::random(&config, seed).unwrap();
    let dir = root.join(name);
    files.write_dir(&dir).unwrap();
    let s = config.input_size as usize;
    let (nf, np, nz) = (config.feature_dim, config.pose_yaws.len(), config.noise_dim);
    let image_shape: &[usize] = &[3, s, s];
    let encoder = tract_plan(&files.encoder, &[image_shape]);
    let pose_bytes = files
        .pose
        .as_deref()
        .expect("fixture bundles have a pose head");
    let pose = tract_plan(pose_bytes, &[image_shape]);
    let decoder = tract_plan(&files.decoder, &[&[nf], &[np], &[nz]]);
    let sdk = Model::from_bytes(
        &files.encoder,
        &files.decoder,
        files.pose.as_deref(),
        &Options::default(),
    )
    .unwrap();

    let mut rng = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0xD1B5);
    let mut cases = Vec::new();
    for &n in &BATCHES {
        let (pixels, planar) = random_images(&mut rng, n, s);
        let image = vec![Named {
            name: "image",
            shape: vec![n, 3, s, s],
            data: planar,
        }];
        let decoder_inputs = vec![
            Named {
                name: "identity",
                shape: vec![n, nf],
                data: (0..n * nf).map(|_| rng.normal()).collect(),
            },
            Named {
                name: "pose",
                shape: vec![n, np],
                data: pose_codes(&mut rng, n, np),
            },
            Named {
                name: "noise",
                shape: vec![n, nz],
                data: (0..n * nz).map(|_| rng.signed()).collect(),
            },
        ];
        let runs = [
            Run {
                model: "encoder",
                file: ENCODER_FILE,
                plan: &encoder,
                inputs: &image,
                outputs: &["identity", "confidence"],
            },
            Run {
                model: "pose",
                file: POSE_FILE,
                plan: &pose,
                inputs: &image,
                outputs: &["pose_logits"],
            },
            Run {
                model: "decoder",
                file: DECODER_FILE,
                plan: &decoder,
                inputs: &decoder_inputs,
                outputs: &["image"],
            },
        ];
        for Run {
            model,
            file,
            plan,
            inputs,
            outputs: output_names,
        } in runs
        {
            let outputs = tract_run(plan, inputs, output_names);
            if model == "encoder" {
                check_sdk_encoder(&sdk, &pixels, n, s, &outputs);
            }
            let prefix = format!("{name}/{model}.b{n}");
            cases.push(json!({
                "config": name,
                "model": model,
                "onnx": format!("{name}/{file}"),
                "batch": n,
                "inputs": write_tensors(root, &format!("{prefix}.in"), inputs),
                "outputs": write_tensors(root, &format!("{prefix}.out"), &outputs),
            }));
        }
    }
    cases
}

/// The public API's encoder on the same pixels gives what direct tract gave.
fn check_sdk_encoder(sdk: &Model, pixels: &[u8], n: usize, s: usize, tract: &[Named]) {
    let size = s * s * 3;
    let faces: Vec<Image> = pixels
        .chunks_exact(size)
        .map(|p| Image::packed(p, s as u32, s as u32, PixelFormat::Rgb8).unwrap())
        .collect();
    let embeddings = sdk.embed_batch(&faces).unwrap();
    assert_eq!(embeddings.len(), n);
    let feature: Vec<f32> = embeddings.iter().flat_map(|e| e.feature.clone()).collect();
    let confidence: Vec<f32> = embeddings.iter().map(|e| e.confidence).collect();
    for (got, want) in [(&feature, &tract[0]), (&confidence, &tract[1])] {
        let diff = got
            .iter()
            .zip(&want.data)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert_eq!(got.len(), want.data.len());
        assert!(
            diff <= SDK_TOLERANCE,
            "Model::embed_batch differs from direct tract on {} by {diff}",
            want.name
        );
    }
}

fn python() -> String {
    std::env::var("DRGAN_PYTHON").unwrap_or_else(|_| "python3".into())
}

const INSTALL_HINT: &str = "the onnxruntime parity test needs python3 with onnxruntime and \
     numpy: run `python3 -m pip install onnxruntime numpy` (CI installs them; this test \
     does not skip)";

/// Fails the test, clearly, when python3, onnxruntime or numpy is missing.
fn require_python() {
    let py = python();
    let out = Command::new(&py)
        .args(["-c", "import numpy, onnxruntime"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{py}` ({e}): {INSTALL_HINT}"));
    assert!(
        out.status.success(),
        "`{py}` cannot import onnxruntime/numpy ({}): {INSTALL_HINT}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
}

#[test]
fn tract_matches_onnxruntime_on_fixture_bundles() {
    require_python();
    let temp = tempfile::tempdir().unwrap();
    let root: PathBuf = match std::env::var_os("DRGAN_PARITY_DIR") {
        Some(d) => {
            let d = PathBuf::from(d);
            std::fs::create_dir_all(&d).unwrap();
            d
        }
        None => temp.path().to_path_buf(),
    };
    let mut cases = Vec::new();
    for (name, seed) in [("tiny", 11), ("small", 12), ("paper", 13)] {
        cases.extend(write_config(&root, name, seed));
    }
    let manifest = json!({ "tolerance": 1e-4, "cases": cases });
    std::fs::write(
        root.join("manifest.json"),
        serde_json::to_string_pretty(&manifest).unwrap(),
    )
    .unwrap();

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parity.py");
    let out = Command::new(python())
        .arg(&script)
        .arg(&root)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}: {INSTALL_HINT}", script.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Shown with --nocapture, and on failure.
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "tests/parity.py failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
}
