//! Training pictures in memory: the synthetic generator's identities rendered at every
//! yaw bin (on the fly, at start-up) and `labels.csv` folders of real or exported faces,
//! joined into one set whose identities are classes, each from a named source.
//! Read-only once built; [`Dataset::batch`] draws DR-GAN batches from it.

use crate::synth::dataset::{parallel_map, sample_in_scene, studio_portrait};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// Synthetic identities used for training are seeds `0..n`; evaluation uses seeds from
/// here on, which training never sees.
pub const HELD_OUT_FIRST_IDENTITY: u64 = 1_000_000_000;

/// Where a synthetic training picture's lighting and background come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scene {
    /// Drawn anew for every picture, so that they cannot stand in for identity
    ///
    /// Expression, pitch, roll and framing still follow the variation; the
    /// reconstruction target is in another scene than the input.
    PerPicture,
    /// Per-picture inputs; each target the person's studio portrait at the target yaw
    ///
    /// [`studio_portrait`]: neutral expression, no jitter, grey background, a frontal key
    /// light. The target then depends only on who and which pose, all the decoder is
    /// told, so it can learn one sharp portrait instead of the average over scenes it
    /// cannot know.
    Studio,
    /// Shared by a variation's pictures at every yaw (the generator's usual pictures)
    ///
    /// The reconstruction target is lit and framed like the input, but a person's few
    /// scenes then recur across all their yaws, and the encoder learns them as identity.
    PerVariation,
}

impl Scene {
    /// The variation whose lighting and background the picture of `variation` at yaw bin
    /// `bin` (of `bins`) gets: its own, or one of its own for every picture.
    pub fn key(self, variation: u64, bin: usize, bins: usize) -> u64 {
        match self {
            Scene::PerVariation => variation,
            Scene::PerPicture | Scene::Studio => {
                PER_PICTURE_SCENES + variation * bins as u64 + bin as u64
            }
        }
    }
}

/// Scene keys of per-picture scenes start here, far above any variation index, so that
/// they never repeat a variation's own scene.
const PER_PICTURE_SCENES: u64 = 1 << 40;

/// Square RGB8 pictures with an identity class, a yaw bin and a variation key.
pub struct Dataset {
    /// Picture side in pixels (the model's input size).
    pub size: usize,
    /// Yaw bins in degrees, ascending.
    pub yaws: Vec<f32>,
    /// Identity classes (Nd).
    pub classes: usize,
    /// A name per class (the identity seed or the folder's identity string).
    pub class_names: Vec<String>,
    /// How synthetic pictures were lit and set (class `c` is identity seed `c`); `None`
    /// for a folder.
    pub scene: Option<Scene>,
    pixels: Vec<u8>,
    /// [`Scene::Studio`]'s targets: each class's studio portrait at every bin, by
    /// `class * bins + bin`; empty for other data.
    studio: Vec<u8>,
    variation: Vec<u32>,
    /// Picture indices by [class][bin].
    by_class_bin: Vec<Vec<Vec<u32>>>,
    /// Source names (`synth`, a folder's `source` values), and each class's source.
    pub sources: Vec<String>,
    class_source: Vec<usize>,
    /// `--mix`'s draw; `None`: every class equally likely.
    mix: Option<SourceMix>,
}

/// How `--mix` draws a class: a source by its weight, then one of its classes that have
/// pictures, all alike. Built once by [`Dataset::set_mix`].
pub(super) struct SourceMix {
    /// By source index; 0 for a source without usable classes.
    pub weights: Vec<f32>,
    /// By source index: its classes with at least one picture.
    pub classes: Vec<Vec<usize>>,
}

impl Dataset {
    /// Renders synthetic identities `0..identities` at every yaw of `yaws`, `variations`
    /// pictures each, lit and set as `scene` says, at `size` px, on `threads` threads.
    pub fn synthetic(
        identities: usize,
        variations: usize,
        scene: Scene,
        yaws: &[f32],
        size: usize,
        threads: usize,
        progress: impl Fn(usize) + Sync,
    ) -> Result<Dataset, String> {
        if identities == 0 || variations == 0 {
            return Err("synthetic data needs at least one identity and one variation".into());
        }
        if identities as u64 >= HELD_OUT_FIRST_IDENTITY {
            return Err(format!(
                "at most {HELD_OUT_FIRST_IDENTITY} training identities"
            ));
        }
        let per_id = yaws.len() * variations;
        let portraits = scene == Scene::Studio;
        let pics = parallel_map(identities, threads, |id| {
            let mut out = Vec::with_capacity(per_id * size * size * 3);
            for (bin, &yaw) in yaws.iter().enumerate() {
                for v in 0..variations {
                    let key = scene.key(v as u64, bin, yaws.len());
                    out.extend(sample_in_scene(id as u64, yaw, v as u64, key, size as u32).rgb);
                }
            }
            let studio: Vec<u8> = if portraits {
                yaws.iter()
                    .flat_map(|&yaw| studio_portrait(id as u64, yaw, size as u32).rgb)
                    .collect()
            } else {
                Vec::new()
            };
            progress(per_id);
            (out, studio)
        });
        let mut d = Dataset::empty(size, yaws, identities);
        d.class_names = (0..identities).map(|i| i.to_string()).collect();
        d.scene = Some(scene);
        d.sources = vec!["synth".into()];
        d.class_source = vec![0; identities];
        let (pixels, studio): (Vec<_>, Vec<_>) = pics.into_iter().unzip();
        d.pixels = pixels.concat();
        d.studio = studio.concat();
        let mut k = 0u32;
        for bins in d.by_class_bin.iter_mut() {
            for bin in bins.iter_mut() {
                for v in 0..variations {
                    d.variation.push(v as u32);
                    bin.push(k);
                    k += 1;
                }
            }
        }
        Ok(d)
    }

    /// Reads `dir/labels.csv` (`path,identity,yaw_degrees[,variation][,source]`):
    /// pictures are resized to `size` (greyscale is replicated to RGB), yaws snap to the
    /// nearest bin; an identity's source is its first picture's `source` (the folder's
    /// name without the column).
    pub fn folder(dir: &Path, yaws: &[f32], size: usize) -> Result<Dataset, String> {
        let csv_path = dir.join("labels.csv");
        let text = std::fs::read_to_string(&csv_path)
            .map_err(|e| format!("reading {}: {e}", csv_path.display()))?;
        let mut lines = text.lines();
        let header: Vec<&str> = lines
            .next()
            .ok_or_else(|| format!("{} is empty", csv_path.display()))?
            .split(',')
            .map(str::trim)
            .collect();
        let col = |name: &str| header.iter().position(|h| *h == name);
        let (Some(cp), Some(ci), Some(cy)) = (col("path"), col("identity"), col("yaw_degrees"))
        else {
            return Err(format!(
                "{}: the header needs path,identity,yaw_degrees",
                csv_path.display()
            ));
        };
        let cv = col("variation");
        let cs = col("source");
        let folder_name = dir
            .file_name()
            .map_or("folder".into(), |n| n.to_string_lossy().into_owned());
        let mut rows = Vec::new();
        for (n, line) in lines.enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let f: Vec<&str> = line.split(',').map(str::trim).collect();
            let get = |i: usize| {
                f.get(i).copied().ok_or_else(|| {
                    format!("{} line {}: too few columns", csv_path.display(), n + 2)
                })
            };
            let yaw: f32 = get(cy)?
                .parse()
                .map_err(|_| format!("{} line {}: bad yaw_degrees", csv_path.display(), n + 2))?;
            let variation = match cv {
                Some(i) => get(i)?.parse::<u32>().unwrap_or(0),
                None => n as u32,
            };
            let source = match cs {
                Some(i) => get(i)?.to_string(),
                None => folder_name.clone(),
            };
            rows.push((
                get(cp)?.to_string(),
                get(ci)?.to_string(),
                yaw,
                variation,
                source,
            ));
        }
        if rows.is_empty() {
            return Err(format!("{} lists no pictures", csv_path.display()));
        }
        let mut names: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
        names.sort();
        names.dedup();
        let class_of: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let mut d = Dataset::empty(size, yaws, names.len());
        d.class_source = vec![usize::MAX; names.len()];
        for (k, (path, id, yaw, variation, source)) in rows.iter().enumerate() {
            let img = image::open(dir.join(path))
                .map_err(|e| format!("reading {}: {e}", dir.join(path).display()))?
                .resize_exact(
                    size as u32,
                    size as u32,
                    image::imageops::FilterType::Triangle,
                )
                .to_rgb8();
            d.pixels.extend_from_slice(img.as_raw());
            d.variation.push(*variation);
            let class = class_of[id.as_str()];
            d.by_class_bin[class][nearest_bin(yaws, *yaw)].push(k as u32);
            if d.class_source[class] == usize::MAX {
                d.class_source[class] = match d.sources.iter().position(|s| s == source) {
                    Some(i) => i,
                    None => {
                        d.sources.push(source.clone());
                        d.sources.len() - 1
                    }
                };
            }
        }
        d.class_names = names;
        Ok(d)
    }

    /// One set of `parts`' pictures, their classes numbered in order (a synthetic part
    /// must come first: its classes keep their identity seeds and studio portraits).
    pub fn concat(parts: Vec<Dataset>) -> Result<Dataset, String> {
        let mut it = parts.into_iter();
        let mut d = it.next().ok_or("no training data")?;
        for p in it {
            if p.size != d.size || p.yaws != d.yaws {
                return Err("training sources of different sizes or yaw bins".into());
            }
            if p.scene.is_some() {
                return Err("the synthetic source must come first in --data".into());
            }
            let first = d.variation.len() as u32;
            d.pixels.extend_from_slice(&p.pixels);
            d.variation.extend_from_slice(&p.variation);
            for bins in p.by_class_bin {
                d.by_class_bin.push(
                    bins.into_iter()
                        .map(|b| b.into_iter().map(|k| k + first).collect())
                        .collect(),
                );
            }
            for src in p.class_source {
                let name = &p.sources[src];
                let i = match d.sources.iter().position(|s| s == name) {
                    Some(i) => i,
                    None => {
                        d.sources.push(name.clone());
                        d.sources.len() - 1
                    }
                };
                d.class_source.push(i);
            }
            d.class_names.extend(p.class_names);
            d.classes += p.classes;
        }
        Ok(d)
    }

    /// Draws classes by `mix`'s shares of sources (empty: every class alike). Fails on a
    /// name that is no source, or when no source with pictures gets a weight above 0.
    pub fn set_mix(&mut self, mix: &[(String, f32)]) -> Result<(), String> {
        if mix.is_empty() {
            self.mix = None;
            return Ok(());
        }
        let mut classes = vec![Vec::new(); self.sources.len()];
        for (c, &s) in self.class_source.iter().enumerate() {
            if self.has_pictures(c) {
                classes[s].push(c);
            }
        }
        let mut weights = vec![0f32; self.sources.len()];
        for (name, weight) in mix {
            let i = self.sources.iter().position(|s| s == name).ok_or_else(|| {
                format!(
                    "--mix names `{name}`, which is no source (sources: {})",
                    self.sources.join(", ")
                )
            })?;
            if !classes[i].is_empty() {
                weights[i] = *weight;
            }
        }
        if weights.iter().all(|&x| x == 0.0) {
            return Err("--mix gives no source with pictures a weight above 0".into());
        }
        self.mix = Some(SourceMix { weights, classes });
        Ok(())
    }

    /// The source name of `class`.
    pub fn source_of(&self, class: usize) -> &str {
        &self.sources[self.class_source[class]]
    }

    /// `--mix`'s draw, when it set one.
    pub(super) fn mix(&self) -> Option<&SourceMix> {
        self.mix.as_ref()
    }

    fn empty(size: usize, yaws: &[f32], classes: usize) -> Dataset {
        Dataset {
            size,
            yaws: yaws.to_vec(),
            classes,
            class_names: Vec::new(),
            scene: None,
            pixels: Vec::new(),
            studio: Vec::new(),
            variation: Vec::new(),
            by_class_bin: vec![vec![Vec::new(); yaws.len()]; classes],
            sources: Vec::new(),
            class_source: Vec::new(),
            mix: None,
        }
    }

    /// Number of pictures.
    pub fn len(&self) -> usize {
        self.variation.len()
    }

    pub fn is_empty(&self) -> bool {
        self.variation.is_empty()
    }

    /// RGB8 bytes of picture `k`.
    pub fn picture(&self, k: u32) -> &[u8] {
        let n = self.size * self.size * 3;
        &self.pixels[k as usize * n..(k as usize + 1) * n]
    }

    /// The studio portrait of `class` at yaw bin `bin`: `None` unless `class` is a
    /// synthetic person of [`Scene::Studio`] data.
    pub fn studio_portrait(&self, class: usize, bin: usize) -> Option<&[u8]> {
        let n = self.size * self.size * 3;
        let k = class * self.yaws.len() + bin;
        self.studio.get(k * n..(k + 1) * n)
    }

    /// Picture indices of `class` in yaw bin `bin`.
    pub fn pictures(&self, class: usize, bin: usize) -> &[u32] {
        &self.by_class_bin[class][bin]
    }

    /// Whether `class` has a picture at any yaw bin.
    pub fn has_pictures(&self, class: usize) -> bool {
        self.by_class_bin[class].iter().any(|bin| !bin.is_empty())
    }

    /// The variation key of picture `k`.
    pub fn variation(&self, k: u32) -> u32 {
        self.variation[k as usize]
    }
}

/// Index of the bin nearest to `yaw`.
pub fn nearest_bin(yaws: &[f32], yaw: f32) -> usize {
    let mut best = 0;
    for (i, y) in yaws.iter().enumerate() {
        if (y - yaw).abs() < (yaws[best] - yaw).abs() {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::dataset::sample;

    #[test]
    fn yaws_snap_to_the_nearest_bin() {
        let yaws: Vec<f32> = (-6..=6).map(|i| i as f32 * 15.0).collect();
        assert_eq!(nearest_bin(&yaws, -90.0), 0);
        assert_eq!(nearest_bin(&yaws, 7.0), 6);
        assert_eq!(nearest_bin(&yaws, 8.0), 7);
        assert_eq!(nearest_bin(&yaws, 200.0), 12);
    }

    #[test]
    fn synthetic_data_indexes_every_identity_bin_and_variation() {
        let yaws = [-45.0, 0.0, 45.0];
        let d = Dataset::synthetic(2, 2, Scene::PerVariation, &yaws, 16, 2, |_| {}).unwrap();
        assert_eq!(d.len(), 12);
        assert_eq!(d.pictures(1, 2).len(), 2);
        assert_eq!(d.picture(11).len(), 16 * 16 * 3);
        let again = sample(1, 45.0, 1, 16).rgb;
        assert_eq!(d.picture(d.pictures(1, 2)[1]), &again[..]);
    }

    #[test]
    fn per_picture_scenes_change_lighting_and_background_at_every_yaw() {
        let yaws = [-45.0, 0.0, 45.0];
        let build = |scene| Dataset::synthetic(2, 2, scene, &yaws, 16, 2, |_| {}).unwrap();
        let (shared, own) = (build(Scene::PerVariation), build(Scene::PerPicture));
        let mut keys = Vec::new();
        for v in 0..2u64 {
            for bin in 0..3 {
                assert_eq!(Scene::PerVariation.key(v, bin, 3), v);
                keys.push(Scene::PerPicture.key(v, bin, 3));
            }
        }
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 6, "one scene per picture");
        assert!(
            keys[0] >= PER_PICTURE_SCENES,
            "never a variation's own scene"
        );
        // Each picture is its variation's render in that scene.
        for (bin, &yaw) in yaws.iter().enumerate() {
            let k = own.pictures(1, bin)[1];
            let key = Scene::PerPicture.key(1, bin, 3);
            assert_eq!(own.picture(k), &sample_in_scene(1, yaw, 1, key, 16).rgb[..]);
            let k = shared.pictures(1, bin)[1];
            assert_eq!(shared.picture(k), &sample(1, yaw, 1, 16).rgb[..]);
            assert_ne!(own.picture(k), shared.picture(k));
        }
    }

    #[test]
    fn studio_data_keeps_a_portrait_per_identity_and_bin() {
        let yaws = [-45.0, 0.0, 45.0];
        let studio = Dataset::synthetic(2, 2, Scene::Studio, &yaws, 16, 2, |_| {}).unwrap();
        let own = Dataset::synthetic(2, 2, Scene::PerPicture, &yaws, 16, 2, |_| {}).unwrap();
        for (bin, &yaw) in yaws.iter().enumerate() {
            let want = studio_portrait(1, yaw, 16).rgb;
            assert_eq!(studio.studio_portrait(1, bin), Some(&want[..]));
            assert_eq!(own.studio_portrait(1, bin), None);
            // The inputs are the per-picture scenes' pictures.
            let k = own.pictures(1, bin)[1];
            assert_eq!(studio.picture(k), own.picture(k));
        }
    }

    /// Two synthetic studio people (classes 0, 1) and a folder's person "a" (class 2, source
    /// `real`, the only one drawn) with pictures at 0° and 45° of the bins -45°, 0°, 45°.
    /// The folder lives as long as the returned guard.
    fn one_real_person_beside_studio_faces() -> (Dataset, tempfile::TempDir) {
        let yaws = [-45.0, 0.0, 45.0];
        let dir = tempfile::tempdir().unwrap();
        let mut csv = String::from("path,identity,yaw_degrees,variation,source\n");
        for (k, yaw) in [0.0, 40.0].iter().enumerate() {
            let px = image::RgbImage::from_pixel(16, 16, image::Rgb([k as u8 * 90 + 30, 10, 20]));
            px.save(dir.path().join(format!("{k}.png"))).unwrap();
            csv += &format!("{k}.png,a,{yaw},0,real\n");
        }
        std::fs::write(dir.path().join("labels.csv"), csv).unwrap();
        let synth = Dataset::synthetic(2, 1, Scene::Studio, &yaws, 16, 1, |_| {}).unwrap();
        let folder = Dataset::folder(dir.path(), &yaws, 16).unwrap();
        let mut d = Dataset::concat(vec![synth, folder]).unwrap();
        d.set_mix(&[("real".into(), 1.0)]).unwrap();
        (d, dir)
    }

    /// Beside studio synthetic faces, a folder's people still get their own pictures as
    /// targets (the studio portraits are the synthetic classes' only).
    #[test]
    fn real_people_beside_studio_faces_have_their_pictures_as_targets() {
        use crate::synth::rng::Rng;
        use crate::train::batch::{push_image, BatchSpec};
        let (d, _dir) = one_real_person_beside_studio_faces();
        let spec = BatchSpec {
            groups: 2,
            group: 1,
            max_shift: 0,
            flip: false,
            truths: true,
            augment: 0.0,
            known_targets: 0.0,
        };
        let n = 3 * 16 * 16;
        let mut seen = [false; 3];
        for seed in 0..30 {
            let b = d.batch(&spec, &mut Rng::new(seed));
            for (t, &bin) in b.target_bin.iter().enumerate() {
                assert_eq!(b.target_class[t], 2);
                let mask = b.truth_mask[t];
                // Person "a" has pictures at 0° (bin 1) and 45° (bin 2), none at -45°.
                assert_eq!(mask, if bin == 0 { 0.0 } else { 1.0 }, "bin {bin}");
                if bin > 0 {
                    let mut want = Vec::new();
                    push_image(&mut want, d.picture(d.pictures(2, bin)[0]), 16, false, 0, 0);
                    assert!(b.truth[t * n..(t + 1) * n] == want[..]);
                }
                seen[bin] = true;
            }
        }
        assert_eq!(seen, [true; 3]);
    }

    /// `known_targets` draws target poses among those with a picture, mirrored inputs'
    /// among the mirrored ones; at 0 the poses are drawn alike and some have none.
    #[test]
    fn known_targets_draw_poses_that_have_a_picture() {
        use crate::synth::rng::Rng;
        use crate::train::batch::BatchSpec;
        let (d, _dir) = one_real_person_beside_studio_faces();
        let spec = |known_targets| BatchSpec {
            groups: 2,
            group: 2,
            max_shift: 0,
            flip: true,
            truths: true,
            augment: 0.0,
            known_targets,
        };
        let (mut bins, mut masked) = ([0; 3], 0);
        for seed in 0..40 {
            let all = d.batch(&spec(1.0), &mut Rng::new(seed));
            assert!(all.truth_mask.iter().all(|&m| m == 1.0), "seed {seed}");
            for &bin in &all.target_bin {
                bins[bin] += 1;
            }
            let alike = d.batch(&spec(0.0), &mut Rng::new(seed));
            masked += alike.truth_mask.iter().filter(|&&m| m == 0.0).count();
        }
        // -45° has a picture only for mirrored inputs (the 45° one, mirrored).
        assert!(bins.iter().all(|&n| n > 0), "{bins:?}");
        assert!(masked > 0);
    }

    #[test]
    fn sources_join_and_the_mix_picks_among_them() {
        use crate::synth::rng::Rng;
        use crate::train::batch::BatchSpec;
        let yaws = [-45.0, 0.0, 45.0];
        let dir = tempfile::tempdir().unwrap();
        let mut csv = String::from("path,identity,yaw_degrees,source\n");
        for (k, (id, yaw)) in [("a", 0.0), ("a", 40.0), ("b", -50.0)].iter().enumerate() {
            let px = image::RgbImage::from_pixel(16, 16, image::Rgb([k as u8 * 90, 10, 20]));
            px.save(dir.path().join(format!("{k}.png"))).unwrap();
            csv += &format!("{k}.png,{id},{yaw},real\n");
        }
        std::fs::write(dir.path().join("labels.csv"), csv).unwrap();
        let synth = Dataset::synthetic(3, 1, Scene::PerVariation, &yaws, 16, 1, |_| {}).unwrap();
        let folder = Dataset::folder(dir.path(), &yaws, 16).unwrap();
        assert!(Dataset::concat(vec![folder, synth]).is_err(), "synth first");
        let synth = Dataset::synthetic(3, 1, Scene::PerVariation, &yaws, 16, 1, |_| {}).unwrap();
        let folder = Dataset::folder(dir.path(), &yaws, 16).unwrap();
        let mut d = Dataset::concat(vec![synth, folder]).unwrap();
        assert_eq!((d.classes, d.len()), (5, 12));
        assert_eq!(d.sources, ["synth", "real"]);
        assert_eq!((d.source_of(2), d.source_of(3)), ("synth", "real"));
        // Class 3 ("a") has a frontal and a 45° picture, after the synthetic nine.
        assert_eq!(d.pictures(3, 1), &[9]);
        assert_eq!(d.pictures(3, 2), &[10]);
        assert_eq!(d.picture(11)[0], 180);
        assert!(d.set_mix(&[("cfp".into(), 1.0)]).is_err());
        assert!(d.set_mix(&[("real".into(), 0.0)]).is_err());
        d.set_mix(&[("real".into(), 1.0), ("synth".into(), 0.0)])
            .unwrap();
        let spec = BatchSpec {
            groups: 4,
            group: 1,
            max_shift: 0,
            flip: false,
            truths: false,
            augment: 0.0,
            known_targets: 0.0,
        };
        for seed in 0..10 {
            let b = d.batch(&spec, &mut Rng::new(seed));
            assert!(b.input_class.iter().all(|&c| c >= 3), "{:?}", b.input_class);
        }
    }
}
