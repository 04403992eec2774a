//! Draws one DR-GAN batch from a [`Dataset`] on the host: groups of pictures of one
//! identity, random crop and flip (the paper's augmentation), random target poses, and,
//! where the data has one, the picture at the target pose (for the reconstruction loss).

use super::augment::augment;
use super::data::Dataset;
use crate::synth::rng::Rng;

/// A batch as flat host arrays (images in [-1, 1], NCHW).
#[derive(Clone)]
pub struct Batch {
    /// Groups of `group` pictures of one identity each: `groups * group` inputs.
    pub inputs: Vec<f32>,
    pub input_class: Vec<usize>,
    pub input_bin: Vec<usize>,
    /// One target per synthesized picture: first one per input, then one per group
    /// (the fused representation's).
    pub target_bin: Vec<usize>,
    pub target_class: Vec<usize>,
    /// Ground truth at the target pose (zeros where there is none) and its mask (1 / 0).
    pub truth: Vec<f32>,
    pub truth_mask: Vec<f32>,
    pub groups: usize,
    pub group: usize,
}

/// How batches are drawn.
#[derive(Clone, Copy, Debug)]
pub struct BatchSpec {
    pub groups: usize,
    /// Pictures per identity group (n of multi-image DR-GAN; 1 = single-image).
    pub group: usize,
    /// Largest random shift of the crop, in pixels (the paper's 96-in-110 crop is ±7 px).
    pub max_shift: usize,
    /// Mirror half of the inputs (pose bins mirror with them).
    pub flip: bool,
    /// Fill in the pictures at the target poses (the warm-up needs none). Off, every truth
    /// is masked out; the batch is otherwise the same.
    pub truths: bool,
    /// Strength of the capture augmentation of inputs (`train::augment`; 0 = none).
    pub augment: f32,
    /// Share of target poses drawn among those where the person has a picture to compare
    /// with (0 = every pose alike). A photographed person has pictures at a few poses
    /// only; drawn uniformly, most of their rows get no reconstruction target.
    pub known_targets: f32,
}

impl Dataset {
    /// A batch drawn with `rng`.
    pub fn batch(&self, spec: &BatchSpec, rng: &mut Rng) -> Batch {
        let s = self.size;
        let np = self.yaws.len();
        let n = spec.groups * spec.group;
        let m = n + if spec.group > 1 { spec.groups } else { 0 };
        let mut b = Batch {
            inputs: Vec::with_capacity(n * 3 * s * s),
            input_class: Vec::with_capacity(n),
            input_bin: Vec::with_capacity(n),
            target_bin: Vec::with_capacity(m),
            target_class: Vec::with_capacity(m),
            truth: Vec::with_capacity(m * 3 * s * s),
            truth_mask: Vec::with_capacity(m),
            groups: spec.groups,
            group: spec.group,
        };
        let symmetric = (0..np).all(|i| (self.yaws[i] + self.yaws[np - 1 - i]).abs() < 1e-3);
        let mut firsts = Vec::new();
        for _ in 0..spec.groups {
            let class = self.pick_class(rng);
            for j in 0..spec.group {
                let bins: Vec<usize> = (0..np)
                    .filter(|&k| !self.pictures(class, k).is_empty())
                    .collect();
                let bin = bins[pick(rng, bins.len())];
                let pics = self.pictures(class, bin);
                let k = pics[pick(rng, pics.len())];
                let flip = spec.flip && symmetric && rng.chance(0.5);
                let dx = shift(rng, spec.max_shift);
                let dy = shift(rng, spec.max_shift);
                if spec.augment > 0.0 {
                    let mut rgb = self.picture(k).to_vec();
                    augment(&mut rgb, s, spec.augment, rng);
                    push_image(&mut b.inputs, &rgb, s, flip, dx, dy);
                } else {
                    push_image(&mut b.inputs, self.picture(k), s, flip, dx, dy);
                }
                b.input_class.push(class);
                b.input_bin.push(if flip { np - 1 - bin } else { bin });
                let input = Input {
                    class,
                    variation: self.variation(k),
                    flip,
                };
                if j == 0 {
                    firsts.push(input);
                }
                self.push_target(&mut b, &input, spec, rng);
            }
        }
        if spec.group > 1 {
            for input in firsts {
                self.push_target(&mut b, &input, spec, rng);
            }
        }
        b
    }

    fn pick_class(&self, rng: &mut Rng) -> usize {
        if let Some(mix) = self.mix() {
            let classes = &mix.classes[rng.weighted(&mix.weights)];
            return classes[pick(rng, classes.len())];
        }
        loop {
            let c = pick(rng, self.classes);
            if self.has_pictures(c) {
                return c;
            }
        }
    }

    /// A random target pose for `input`, with, when `spec.truths` asks for it, the
    /// input's variation at that pose as ground truth where there is one (see
    /// [`Dataset::truth`]); `spec.known_targets` of the poses are drawn among those that
    /// have one.
    fn push_target(&self, b: &mut Batch, input: &Input, spec: &BatchSpec, rng: &mut Rng) {
        let np = self.yaws.len();
        let s = self.size;
        // The unmirrored bin whose picture, mirrored like the input, shows pose `t`.
        let source_bin = |t: usize| if input.flip { np - 1 - t } else { t };
        let mut t = pick(rng, np);
        if spec.truths && spec.known_targets > 0.0 && rng.chance(spec.known_targets) {
            let known: Vec<usize> = (0..np)
                .filter(|&t| self.truth(input, source_bin(t)).is_some())
                .collect();
            if !known.is_empty() {
                t = known[pick(rng, known.len())];
            }
        }
        b.target_bin.push(t);
        b.target_class.push(input.class);
        let truth = if spec.truths {
            self.truth(input, source_bin(t))
        } else {
            None
        };
        match truth {
            Some(rgb) => {
                push_image(&mut b.truth, rgb, s, input.flip, 0, 0);
                b.truth_mask.push(1.0);
            }
            None => {
                b.truth.extend(std::iter::repeat_n(0.0, 3 * s * s));
                b.truth_mask.push(0.0);
            }
        }
    }

    /// The ground truth for `input` at unmirrored yaw bin `bin`: the person's studio
    /// portrait for a synthetic person of [`super::data::Scene::Studio`] data, else the
    /// dataset's first picture of the input's variation there (a folder's people beside
    /// studio faces have no portraits, only pictures); `None` where there is neither.
    fn truth(&self, input: &Input, bin: usize) -> Option<&[u8]> {
        if let Some(portrait) = self.studio_portrait(input.class, bin) {
            return Some(portrait);
        }
        self.pictures(input.class, bin)
            .iter()
            .find(|&&k| self.variation(k) == input.variation)
            .map(|&k| self.picture(k))
    }
}

/// An input picture as its target needs it: class, unmirrored yaw bin, variation, and
/// whether it is seen mirrored.
#[derive(Clone, Copy)]
struct Input {
    class: usize,
    variation: u32,
    flip: bool,
}

fn pick(rng: &mut Rng, n: usize) -> usize {
    ((rng.next_u64() >> 11) as usize) % n
}

fn shift(rng: &mut Rng, max: usize) -> isize {
    if max == 0 {
        0
    } else {
        pick(rng, 2 * max + 1) as isize - max as isize
    }
}

/// Appends an RGB8 `s`x`s` picture as CHW floats in [-1, 1], mirrored when `flip` and
/// shifted by (dx, dy) with the border replicated (a random crop of a padded picture).
pub fn push_image(out: &mut Vec<f32>, rgb: &[u8], s: usize, flip: bool, dx: isize, dy: isize) {
    let clamp = |v: isize| v.clamp(0, s as isize - 1) as usize;
    for c in 0..3 {
        for y in 0..s {
            let sy = clamp(y as isize + dy);
            for x in 0..s {
                let xx = if flip { s - 1 - x } else { x };
                let sx = clamp(xx as isize + dx);
                out.push(rgb[(sy * s + sx) * 3 + c] as f32 / 127.5 - 1.0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::dataset::studio_portrait;
    use crate::train::data::Scene;

    #[test]
    fn batches_have_consistent_sizes_and_labels() {
        let yaws = [-30.0, 0.0, 30.0];
        let d = Dataset::synthetic(3, 2, Scene::PerVariation, &yaws, 16, 2, |_| {}).unwrap();
        let spec = BatchSpec {
            groups: 2,
            group: 3,
            max_shift: 1,
            flip: true,
            truths: true,
            augment: 0.0,
            known_targets: 0.0,
        };
        let b = d.batch(&spec, &mut Rng::new(7));
        assert_eq!(b.inputs.len(), 6 * 3 * 16 * 16);
        assert_eq!(b.target_bin.len(), 8);
        assert_eq!(b.truth.len(), 8 * 3 * 16 * 16);
        // Every identity of the synthetic set has every bin, so every target has a truth.
        assert!(b.truth_mask.iter().all(|&m| m == 1.0));
        assert!(b.input_class[..3].iter().all(|&c| c == b.input_class[0]));
        assert!(b.inputs.iter().all(|v| (-1.0..=1.0).contains(v)));
    }

    #[test]
    fn studio_targets_are_the_portrait_at_the_target_pose() {
        let yaws = [-30.0, 0.0, 30.0];
        let d = Dataset::synthetic(2, 2, Scene::Studio, &yaws, 16, 2, |_| {}).unwrap();
        let spec = BatchSpec {
            groups: 2,
            group: 2,
            max_shift: 1,
            flip: true,
            truths: true,
            augment: 0.0,
            known_targets: 0.0,
        };
        let n = 3 * 16 * 16;
        let (mut plain, mut mirrored) = (0, 0);
        for seed in 0..20 {
            let b = d.batch(&spec, &mut Rng::new(seed));
            // Two targets per group of two inputs, and one for each group's fused code.
            assert_eq!(b.target_bin.len(), 6);
            assert!(b.truth_mask.iter().all(|&m| m == 1.0));
            for (i, (&class, &to)) in b.target_class.iter().zip(&b.target_bin).enumerate() {
                let truth = &b.truth[i * n..(i + 1) * n];
                // Seen as is, the portrait at the target bin; seen mirrored, the mirror
                // image of the portrait at the opposite bin.
                let portrait = |bin: usize, flip: bool| {
                    let mut out = Vec::new();
                    let rgb = studio_portrait(class as u64, yaws[bin], 16).rgb;
                    push_image(&mut out, &rgb, 16, flip, 0, 0);
                    out
                };
                if truth == &portrait(to, false)[..] {
                    plain += 1;
                } else {
                    assert_eq!(
                        truth,
                        &portrait(2 - to, true)[..],
                        "seed {seed}, target {i}"
                    );
                    mirrored += 1;
                }
            }
        }
        assert!(plain > 0 && mirrored > 0, "{plain} / {mirrored}");
    }

    #[test]
    fn without_truths_the_batch_is_the_same_and_every_truth_masked() {
        let yaws = [-30.0, 0.0, 30.0];
        let d = Dataset::synthetic(3, 2, Scene::Studio, &yaws, 16, 2, |_| {}).unwrap();
        let spec = BatchSpec {
            groups: 2,
            group: 2,
            max_shift: 1,
            flip: true,
            truths: true,
            augment: 0.0,
            known_targets: 0.0,
        };
        let with = d.batch(&spec, &mut Rng::new(5));
        let without = d.batch(
            &BatchSpec {
                truths: false,
                ..spec
            },
            &mut Rng::new(5),
        );
        assert_eq!(with.inputs, without.inputs);
        assert_eq!(with.target_bin, without.target_bin);
        assert_eq!(with.input_bin, without.input_bin);
        assert!(with.truth_mask.iter().all(|&m| m == 1.0));
        assert!(without.truth_mask.iter().all(|&m| m == 0.0));
        assert!(without.truth.iter().all(|&p| p == 0.0));
    }

    #[test]
    fn flipping_mirrors_the_picture() {
        let rgb: Vec<u8> = (0..2 * 2 * 3).map(|i| i as u8 * 10).collect();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        push_image(&mut a, &rgb, 2, false, 0, 0);
        push_image(&mut b, &rgb, 2, true, 0, 0);
        assert_eq!(a[0], b[1]);
        assert_eq!(a[3], b[2]);
    }
}
