//! The evaluation protocol, run through the public API only: one gallery image per
//! identity, every probe scored against the whole gallery (model features, the
//! raw-pixel baseline, and the features of the probe's frontalization), fused groups of
//! probes (`Model::embed_fused`, and the face synthesized from the fused feature), and
//! frontalization quality against a ground truth. Frontalized faces are embedded by a
//! judge: the model itself, or another bundle's encoder (`--judge`).
//!
//! Work is split by (identity, row) units over threads; the `Model` is shared (it is
//! `Sync`, inference takes no lock). Results come back in probe order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use drgan::{Image, Model, RgbImage};

use crate::metrics;
use crate::pixels::{self, Grey};

/// Where a data set's images come from: image `i` as a framed face of any size.
pub trait Images: Sync {
    fn load(&self, i: usize) -> Result<RgbImage, String>;
}

/// One probe: an image of gallery identity `identity`, reported in table row `row`.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    pub image: usize,
    /// Index into `Split::gallery`.
    pub identity: usize,
    pub row: usize,
    /// The image that is this probe's ground-truth frontal face, if known.
    pub truth: Option<usize>,
    /// The probe's labelled yaw in degrees, if known.
    pub yaw: Option<f32>,
}

/// Gallery (one image per identity) and probes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Split {
    pub gallery: Vec<usize>,
    pub probes: Vec<Probe>,
}

/// Knobs of a run.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Images per fused group.
    pub fuse: usize,
    /// Noise seed of every `Model::frontalize`.
    pub seed: u64,
    pub threads: usize,
}

/// PSNR (dB) and SSIM of an image against the ground-truth frontal face.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quality {
    pub psnr: f64,
    pub ssim: f64,
}

/// What happened to one probe.
#[derive(Clone, Debug)]
pub struct ProbeResult {
    pub identity: usize,
    pub row: usize,
    /// Cosine similarity of the probe's feature with each gallery feature.
    pub model: Vec<f32>,
    /// The same for the raw-pixel baseline.
    pub raw: Vec<f32>,
    /// The same for the judge's feature of the probe's frontalization, against the
    /// judge's gallery.
    pub frontal: Vec<f32>,
    /// The frontalization against the ground truth, and the probe itself against it.
    pub frontal_quality: Option<Quality>,
    pub input_quality: Option<Quality>,
    /// The probe is its own ground truth (a frontal probe).
    pub self_truth: bool,
    /// |`Model::estimate_yaw` − the labelled yaw| in degrees, when the bundle has a pose
    /// head and the probe a labelled yaw.
    pub yaw_error: Option<f32>,
}

/// One fused group: `fuse` probes of one identity in one row, embedded together.
#[derive(Clone, Debug)]
pub struct FusedResult {
    pub identity: usize,
    pub row: usize,
    pub scores: Vec<f32>,
    /// The same for the judge's feature of the face synthesized from the fused feature
    /// at yaw 0 (`Model::synthesize`), against the judge's gallery.
    pub frontal: Vec<f32>,
}

/// Everything a report needs.
#[derive(Clone, Debug)]
pub struct Results {
    pub probes: Vec<ProbeResult>,
    pub fused: Vec<FusedResult>,
    /// Probes of the first identity (one per row that has a ground truth other than
    /// itself), their frontalizations and ground truths, for a picture.
    pub examples: Vec<[RgbImage; 3]>,
}

/// Most (probe, frontalized, truth) triples kept for the example picture.
const EXAMPLES: usize = 13;

/// Runs the protocol on `split` with `model`; `judge` embeds the frontalized faces and
/// a gallery of its own to match them against (`None`: the model).
pub fn run(
    model: &Model,
    judge: Option<&Model>,
    images: &dyn Images,
    split: &Split,
    settings: Settings,
) -> Result<Results, String> {
    if split.gallery.is_empty() {
        return Err("the gallery is empty: no identity has a frontal image".into());
    }
    if split.probes.is_empty() {
        return Err("there are no probe images (only gallery images)".into());
    }
    let side = model.info().input_size as usize;
    let judge = judge.unwrap_or(model);
    let gallery = embed_gallery(model, judge, images, &split.gallery, side)?;

    // Units of work: the probes of one identity in one row, in first-seen order.
    let mut units: Vec<Vec<usize>> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for (p, probe) in split.probes.iter().enumerate() {
        let u = *index.entry((probe.identity, probe.row)).or_insert_with(|| {
            units.push(Vec::new());
            units.len() - 1
        });
        units[u].push(p);
    }

    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let out = Mutex::new(Vec::new());
    let failure = Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..settings.threads.min(units.len()) {
            s.spawn(|| loop {
                let u = next.fetch_add(1, Ordering::Relaxed);
                if u >= units.len() || failure.lock().unwrap().is_some() {
                    break;
                }
                let ctx = Context {
                    model,
                    judge,
                    images,
                    split,
                    gallery: &gallery,
                    settings,
                    side,
                };
                match ctx.unit(&units[u]) {
                    Ok(r) => out.lock().unwrap().push((u, r)),
                    Err(e) => {
                        failure.lock().unwrap().get_or_insert(e);
                        break;
                    }
                }
                progress(&done, units.len());
            });
        }
    });
    if let Some(e) = failure.into_inner().unwrap() {
        return Err(e);
    }
    let mut out = out.into_inner().unwrap();
    out.sort_by_key(|(u, _)| *u);
    let mut probes: Vec<Option<ProbeResult>> = vec![None; split.probes.len()];
    let mut results = Results {
        probes: Vec::new(),
        fused: Vec::new(),
        examples: Vec::new(),
    };
    for (u, r) in out {
        for (&p, result) in units[u].iter().zip(r.probes) {
            probes[p] = Some(result);
        }
        results.fused.extend(r.fused);
        // Examples come from the first identity only (one face across the yaws).
        let identity = split.probes[units[u][0]].identity;
        if identity == split.probes[0].identity && results.examples.len() < EXAMPLES {
            results.examples.extend(r.example);
        }
    }
    results.probes = probes
        .into_iter()
        .map(|p| p.expect("every probe ran"))
        .collect();
    Ok(results)
}

/// Gallery features: the model's, the judge's and raw pixels.
struct Gallery {
    model: Vec<Vec<f32>>,
    judged: Vec<Vec<f32>>,
    raw: Vec<Vec<f32>>,
}

fn embed_gallery(
    model: &Model,
    judge: &Model,
    images: &dyn Images,
    gallery: &[usize],
    side: usize,
) -> Result<Gallery, String> {
    let mut g = Gallery {
        model: Vec::new(),
        judged: Vec::new(),
        raw: Vec::new(),
    };
    for chunk in gallery.chunks(64) {
        let loaded = chunk
            .iter()
            .map(|&i| images.load(i))
            .collect::<Result<Vec<_>, _>>()?;
        let views: Vec<Image> = loaded.iter().map(RgbImage::view).collect();
        let e = model
            .embed_batch(&views)
            .map_err(|e| format!("embedding the gallery: {e}"))?;
        let features: Vec<Vec<f32>> = e.into_iter().map(|e| e.feature).collect();
        if std::ptr::eq(judge, model) {
            g.judged.extend(features.iter().cloned());
        } else {
            let j = judge
                .embed_batch(&views)
                .map_err(|e| format!("embedding the gallery with the judge: {e}"))?;
            g.judged.extend(j.into_iter().map(|e| e.feature));
        }
        g.model.extend(features);
        g.raw
            .extend(views.iter().map(|v| pixels::raw_feature(&at_size(v, side))));
    }
    Ok(g)
}

/// A unit's results.
struct UnitResult {
    probes: Vec<ProbeResult>,
    fused: Vec<FusedResult>,
    example: Option<[RgbImage; 3]>,
}

struct Context<'a> {
    model: &'a Model,
    /// Embeds frontalized faces, matched against `gallery.judged`.
    judge: &'a Model,
    images: &'a dyn Images,
    split: &'a Split,
    gallery: &'a Gallery,
    settings: Settings,
    side: usize,
}

impl Context<'_> {
    fn unit(&self, members: &[usize]) -> Result<UnitResult, String> {
        let probes: Vec<&Probe> = members.iter().map(|&p| &self.split.probes[p]).collect();
        let loaded = probes
            .iter()
            .map(|p| self.images.load(p.image))
            .collect::<Result<Vec<_>, _>>()?;
        let views: Vec<Image> = loaded.iter().map(RgbImage::view).collect();
        let api = |what: &'static str| move |e: drgan::Error| format!("{what}: {e}");

        let features = self.model.embed_batch(&views).map_err(api("embedding"))?;
        let frontals = views
            .iter()
            .map(|v| self.model.frontalize(v, self.settings.seed))
            .collect::<Result<Vec<_>, _>>()
            .map_err(api("frontalizing"))?;
        let frontal_views: Vec<Image> = frontals.iter().map(RgbImage::view).collect();
        let pose_head = self.model.info().has_pose_head;
        let yaw_errors = probes
            .iter()
            .zip(&views)
            .map(|(p, v)| match p.yaw {
                Some(yaw) if pose_head => self
                    .model
                    .estimate_yaw(v)
                    .map(|estimate| Some((estimate - yaw).abs())),
                _ => Ok(None),
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(api("estimating yaw"))?;
        let frontal_features = self
            .judge
            .embed_batch(&frontal_views)
            .map_err(api("embedding frontalized faces"))?;

        let mut out = UnitResult {
            probes: Vec::new(),
            fused: Vec::new(),
            example: None,
        };
        for (k, probe) in probes.iter().enumerate() {
            let input = at_size(&views[k], self.side);
            let (frontal_quality, input_quality) = match probe.truth {
                Some(t) => {
                    let truth = self.images.load(t)?;
                    let truth = at_size(&truth.view(), self.side);
                    let synthesized = pixels::grey(&frontal_views[k]);
                    if out.example.is_none() && t != probe.image {
                        out.example = Some([
                            pixels::resize_rgb(&views[k], self.side),
                            frontals[k].clone(),
                            pixels::resize_rgb(&self.images.load(t)?.view(), self.side),
                        ]);
                    }
                    (
                        Some(quality(&synthesized, &truth)),
                        Some(quality(&input, &truth)),
                    )
                }
                None => (None, None),
            };
            out.probes.push(ProbeResult {
                identity: probe.identity,
                row: probe.row,
                model: metrics::scores(&features[k].feature, &self.gallery.model)?,
                raw: metrics::scores(&pixels::raw_feature(&input), &self.gallery.raw)?,
                frontal: metrics::scores(&frontal_features[k].feature, &self.gallery.judged)?,
                frontal_quality,
                input_quality,
                self_truth: probe.truth == Some(probe.image),
                yaw_error: yaw_errors[k],
            });
        }
        // Fused groups: consecutive runs of `fuse` probes; a shorter rest is left out.
        for group in views.chunks_exact(self.settings.fuse) {
            let e = self.model.embed_fused(group).map_err(api("fusing"))?;
            let face = self
                .model
                .synthesize(&e.feature, 0.0, self.settings.seed)
                .map_err(api("synthesizing from a fused feature"))?;
            let face_feature = self
                .judge
                .embed(&face.view())
                .map_err(api("embedding a face synthesized from a fused feature"))?;
            out.fused.push(FusedResult {
                identity: probes[0].identity,
                row: probes[0].row,
                scores: metrics::scores(&e.feature, &self.gallery.model)?,
                frontal: metrics::scores(&face_feature.feature, &self.gallery.judged)?,
            });
        }
        Ok(out)
    }
}

/// The grey image at the model's input size (the raw-pixel baseline and the quality
/// metrics work on this).
fn at_size(image: &Image, side: usize) -> Grey {
    let g = pixels::grey(image);
    if g.width == side && g.height == side {
        g
    } else {
        pixels::resize(&g, side, side)
    }
}

fn quality(image: &Grey, truth: &Grey) -> Quality {
    Quality {
        psnr: metrics::psnr(image, truth),
        ssim: metrics::ssim(image, truth),
    }
}

fn progress(done: &AtomicUsize, total: usize) {
    let d = done.fetch_add(1, Ordering::Relaxed) + 1;
    let step = (total / 10).max(1);
    if d.is_multiple_of(step) || d == total {
        eprintln!("  {d}/{total} probe groups");
    }
}
