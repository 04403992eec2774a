//! Draws one DR-GAN batch from a [`Dataset`] on the host: groups of pictures of one
//! identity, random crop and flip (the paper's augmentation), random target poses, and,
//! where the data has one, the picture at the target pose (for the reconstruction loss).

use super::data::Dataset;
use crate::synth::rng::Rng;

/// A batch as flat host arrays (images in [-1, 1], NCHW).
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
                push_image(&mut b.inputs, self.picture(k), s, flip, dx, dy);
                b.input_class.push(class);
                b.input_bin.push(if flip { np - 1 - bin } else { bin });
                if j == 0 {
                    firsts.push((class, self.variation(k), flip));
                }
                self.push_target(&mut b, class, self.variation(k), flip, rng);
            }
        }
        if spec.group > 1 {
            for (class, variation, flip) in firsts {
                self.push_target(&mut b, class, variation, flip, rng);
            }
        }
        b
    }

    fn pick_class(&self, rng: &mut Rng) -> usize {
        loop {
            let c = pick(rng, self.classes);
            if (0..self.yaws.len()).any(|k| !self.pictures(c, k).is_empty()) {
                return c;
            }
        }
    }

    /// A random target pose for a picture of `class` (seen mirrored when `flip`), with the
    /// same variation's picture at that pose as ground truth when there is one.
    fn push_target(&self, b: &mut Batch, class: usize, variation: u32, flip: bool, rng: &mut Rng) {
        let np = self.yaws.len();
        let s = self.size;
        let t = pick(rng, np);
        b.target_bin.push(t);
        b.target_class.push(class);
        let source_bin = if flip { np - 1 - t } else { t };
        let truth = self
            .pictures(class, source_bin)
            .iter()
            .copied()
            .find(|&k| self.variation(k) == variation);
        match truth {
            Some(k) => {
                push_image(&mut b.truth, self.picture(k), s, flip, 0, 0);
                b.truth_mask.push(1.0);
            }
            None => {
                b.truth.extend(std::iter::repeat_n(0.0, 3 * s * s));
                b.truth_mask.push(0.0);
            }
        }
    }
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
    fn flipping_mirrors_the_picture() {
        let rgb: Vec<u8> = (0..2 * 2 * 3).map(|i| i as u8 * 10).collect();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        push_image(&mut a, &rgb, 2, false, 0, 0);
        push_image(&mut b, &rgb, 2, true, 0, 0);
        assert_eq!(a[0], b[1]);
        assert_eq!(a[3], b[2]);
    }
}
