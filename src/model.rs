//! The `Model` handle: a loaded bundle (encoder, decoder, optional pose head) with its
//! metadata. Immutable after loading, `Send + Sync`, no lock on the inference path.
//! The work itself lives in `embed` (encoder), `pose` (yaw codes and the pose head) and
//! `align`; this file ties them to the public API.

use std::path::Path;

use crate::backend::{Decoder, Net, Tensor, Threads};
use crate::bundle::{self, Metadata};
use crate::error::{Error, Result};
use crate::fingerprint::fingerprint;
use crate::image::{Image, RgbImage};
use crate::options::Options;
use crate::types::{Embedding, ExecutionBackend, Landmarks, ModelInfo};
use crate::{align, convert, embed, noise, pose};

/// A loaded DR-GAN bundle. Create with [`Model::open`] or [`Model::from_bytes`]; share
/// between threads freely (`&Model` is all any call needs).
pub struct Model {
    info: ModelInfo,
    options: Options,
    encoder: Net,
    decoder: Decoder,
    pose_head: Option<Net>,
    /// [`fingerprint`] of the encoder's ONNX bytes: galleries record it.
    encoder_fingerprint: u64,
}

impl Model {
    /// Opens the bundle in `dir` (`encoder.onnx`, `decoder.onnx`, optional `pose.onnx`).
    pub fn open(dir: impl AsRef<Path>, options: &Options) -> Result<Model> {
        let files = bundle::BundleFiles::read_dir(dir.as_ref(), options.max_model_bytes)?;
        Self::from_bytes(
            &files.encoder,
            &files.decoder,
            files.pose.as_deref(),
            options,
        )
    }

    /// Opens the default model embedded in the library, with the default [`Options`]
    /// (the same as `Model::default_model_with(&Options::default())`).
    ///
    /// The default model is the bundle in `models/default/` of the drgan sources: a
    /// DR-GAN of the `small` configuration (64x64 input, the paper's network at a
    /// quarter of its width, Nf 128, Nz 32, yaw -90..90 in 15° steps, with a pose head),
    /// small enough to be trained on two CPU cores by `drgan-train` (examples/train),
    /// on research-use face sets (see its terms in MODEL.md).
    /// `models/default/MODEL.md` says what it was trained on, how and how well it does;
    /// [`Model::info`] gives its `config` and `trained_on`. It is compiled into the
    /// library by the cargo feature `default-model` (on by default), which adds its
    /// ONNX files (a few MB) to the binary; without the feature this function does not
    /// exist (and `drgan_model_open_default` returns `Unsupported`).
    ///
    /// Each call builds a new, independent `Model` from the embedded bytes (nothing is
    /// cached: parsing and optimizing the graphs takes tens to hundreds of milliseconds),
    /// so open it once and share it: like every `Model` it is `Send + Sync` and may be
    /// used from many threads at once. The function itself may be called from any thread.
    #[cfg(feature = "default-model")]
    pub fn default_model() -> Result<Model> {
        Self::default_model_with(&Options::default())
    }

    /// Opens the default model embedded in the library (see [`Model::default_model`])
    /// with `options` (backend, limits; `max_model_bytes` applies to the embedded files
    /// as to any other). Each call builds a new `Model`.
    #[cfg(feature = "default-model")]
    pub fn default_model_with(options: &Options) -> Result<Model> {
        use crate::default_model::{DECODER, ENCODER, POSE};
        Self::from_bytes(ENCODER, DECODER, Some(POSE), options)
    }

    /// Loads a bundle from in-memory ONNX files.
    pub fn from_bytes(
        encoder: &[u8],
        decoder: &[u8],
        pose: Option<&[u8]>,
        options: &Options,
    ) -> Result<Model> {
        let parts = bundle::parse_bundle(encoder, decoder, pose, options.max_model_bytes)?;
        let encoder_fingerprint = fingerprint(encoder);
        let meta = &parts.metadata;
        let n = meta.input_size as usize;
        let threads = Threads::new(options.threads)?;
        let decoder_inputs: [&[usize]; 3] = [
            &[meta.feature_dim],
            &[meta.pose_yaws.len()],
            &[meta.noise_dim],
        ];
        // The parts load at once when the model has threads (errors in part order).
        let (encoder, (decoder, pose_head)) = threads.join(
            || Net::load(&parts.encoder, &[&[3, n, n]], &threads, "encoder"),
            || {
                threads.join(
                    || Decoder::load(&parts.decoder, &decoder_inputs, options.backend, &threads),
                    || {
                        let pose = parts.pose.as_ref();
                        pose.map(|p| Net::load(p, &[&[3, n, n]], &threads, "pose head"))
                            .transpose()
                    },
                )
            },
        );
        let (encoder, decoder, pose_head) = (encoder?, decoder?, pose_head?);
        Ok(Model {
            info: info_from(
                meta,
                pose_head.is_some(),
                decoder.backend(),
                threads.count(),
            ),
            options: options.clone(),
            encoder,
            decoder,
            pose_head,
            encoder_fingerprint,
        })
    }

    /// What this bundle is and where it runs.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// A 64-bit fingerprint of the encoder's ONNX file (a fast hash, not a
    /// cryptographic one): features of two models can be compared only when their
    /// fingerprints are equal. A [`crate::Gallery`] records it to refuse another model's
    /// features; store it beside features you keep yourself.
    pub fn encoder_fingerprint(&self) -> u64 {
        self.encoder_fingerprint
    }

    /// The identity feature of one aligned face (any size; resized to the input size).
    pub fn embed(&self, face: &Image) -> Result<Embedding> {
        Ok(self.embed_batch(std::slice::from_ref(face))?.remove(0))
    }

    /// Identity features of several aligned faces, in one batched run.
    pub fn embed_batch(&self, faces: &[Image]) -> Result<Vec<Embedding>> {
        let input = self.input_batch(faces)?;
        embed::run(&self.encoder, input, self.info.feature_dim)
    }

    /// One feature for several images of the same person: Σωᵢfᵢ / Σωᵢ, weighted by the
    /// encoder's confidences (multi-image DR-GAN).
    pub fn embed_fused(&self, faces: &[Image]) -> Result<Embedding> {
        embed::fuse(&self.embed_batch(faces)?)
    }

    /// The face turned to yaw 0. Same `seed`, same output.
    pub fn frontalize(&self, face: &Image, seed: u64) -> Result<RgbImage> {
        self.rotate(face, 0.0, seed)
    }

    /// The face synthesized at `yaw_degrees` (within the bundle's yaw range).
    pub fn rotate(&self, face: &Image, yaw_degrees: f32, seed: u64) -> Result<RgbImage> {
        let code = pose::yaw_code(&self.info.pose_yaws, yaw_degrees)?;
        let feature = self.embed(face)?.feature;
        self.decode(feature, code, seed)
    }

    /// A face synthesized from an identity feature (for example a fused one) at a yaw.
    pub fn synthesize(&self, feature: &[f32], yaw_degrees: f32, seed: u64) -> Result<RgbImage> {
        if feature.len() != self.info.feature_dim {
            return Err(Error::invalid(format!(
                "feature has {} values, the model's features have {}",
                feature.len(),
                self.info.feature_dim
            )));
        }
        if feature.iter().any(|v| !v.is_finite()) {
            return Err(Error::invalid("feature contains NaN or infinity"));
        }
        let code = pose::yaw_code(&self.info.pose_yaws, yaw_degrees)?;
        self.decode(feature.to_vec(), code, seed)
    }

    /// The yaw of a face in degrees, from the bundle's pose head: the probability-weighted
    /// mean of the yaw bins. `Unsupported` when the bundle has no `pose.onnx`.
    pub fn estimate_yaw(&self, face: &Image) -> Result<f32> {
        let head = self
            .pose_head
            .as_ref()
            .ok_or_else(|| Error::Unsupported("this bundle has no pose head (pose.onnx)".into()))?;
        let input = self.input_batch(std::slice::from_ref(face))?;
        pose::estimate(head, input, &self.info.pose_yaws)
    }

    /// The crop every other call expects, at the model's input size, of the face whose
    /// five detector `points` are given: framed at any yaw by the rule of [`align`] (the
    /// eye–mouth line upright on the bundle's template), the rule the model's training
    /// crops were made with.
    pub fn align(&self, image: &Image, points: &Landmarks) -> Result<RgbImage> {
        image.check_limit(self.options.max_image_pixels)?;
        align::align(image, points, &self.info.landmarks, self.info.input_size)
    }

    /// The model's crop of the face in a detector's box `[x1, y1, x2, y2]`, for detectors
    /// that give no points ([`align::align_box`]: upright, yaw unknown; five points
    /// frame better).
    pub fn align_box(&self, image: &Image, face: &align::FaceBox) -> Result<RgbImage> {
        image.check_limit(self.options.max_image_pixels)?;
        align::align_box(image, face, &self.info.landmarks, self.info.input_size)
    }

    /// The encoder's input tensor [N, 3, S, S] for `faces`.
    fn input_batch(&self, faces: &[Image]) -> Result<Tensor> {
        if faces.is_empty() {
            return Err(Error::invalid("no images given"));
        }
        let s = self.info.input_size as usize;
        let plane = 3 * s * s;
        let mut data = vec![0f32; faces.len() * plane];
        for (face, out) in faces.iter().zip(data.chunks_exact_mut(plane)) {
            face.check_limit(self.options.max_image_pixels)?;
            convert::to_input(face, self.info.input_size, out);
        }
        Ok(Tensor::new(vec![faces.len(), 3, s, s], data))
    }

    fn decode(&self, feature: Vec<f32>, code: Vec<f32>, seed: u64) -> Result<RgbImage> {
        let z = noise::uniform(seed, self.info.noise_dim);
        let (nf, np, nz) = (feature.len(), code.len(), z.len());
        let out = self.decoder.run(vec![
            Tensor::new(vec![1, nf], feature),
            Tensor::new(vec![1, np], code),
            Tensor::new(vec![1, nz], z),
        ])?;
        let image = out
            .into_iter()
            .next()
            .ok_or_else(|| Error::inference("decoder returned no output"))?;
        let s = self.info.input_size as usize;
        if image.shape != [1, 3, s, s] {
            return Err(Error::inference(format!(
                "decoder returned shape {:?}, expected [1, 3, {s}, {s}]",
                image.shape
            )));
        }
        convert::from_output(&image.data, self.info.input_size)
    }
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("info", &self.info)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

fn info_from(
    meta: &Metadata,
    has_pose_head: bool,
    decoder: ExecutionBackend,
    threads: usize,
) -> ModelInfo {
    ModelInfo {
        format_version: meta.format_version,
        input_size: meta.input_size,
        feature_dim: meta.feature_dim,
        noise_dim: meta.noise_dim,
        pose_yaws: meta.pose_yaws.clone(),
        landmarks: meta.landmarks,
        has_pose_head,
        config: meta.config.clone(),
        trained_on: meta.trained_on.clone(),
        encoder_backend: ExecutionBackend::Cpu,
        decoder_backend: decoder,
        threads,
    }
}
