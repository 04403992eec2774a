//! Data-parallel gradients on the CPU: a batch cut into parts of whole identity groups,
//! each part's loss and backward pass on a thread of its own with its own copy of the
//! network, the gradients summed. One process with several op-level threads keeps the
//! cores only partly busy on these small networks; independent parts keep them all busy.
//!
//! Each copy is an [`own_copy`]: the same parameters as fresh autodiff leaves of their
//! own, so the parts' graphs stay apart and their backward passes do not wait on one
//! another.
//! What changes with the parts: batch-norm statistics are each part's own (as on several
//! GPUs), losses that compare pictures with one another (the prototype loss) see only
//! their part, and the batch-norm running averages, which the copies share, are merged
//! in whatever order the threads reach them. One part is the plain single-batch step.

use super::batch::Batch;
use burn::module::{Module, ModuleMapper, Param};
use burn::optim::{GradientsAccumulator, GradientsParams};
use burn::prelude::*;
use rayon::prelude::*;

/// The gradients of the batch's mean loss over `parts` parts of `batch` (at most one part
/// per identity group), and each part's share of the batch with what `loss` reported for
/// it. `loss(model, part)` returns the part's mean loss and its statistics; it runs on
/// up to `parts` threads at once.
pub fn gradients<M, S, F>(
    model: &M,
    batch: &Batch,
    parts: usize,
    loss: F,
) -> (GradientsParams, Vec<(f32, S)>)
where
    M: Module + Sync,
    S: Send,
    F: Fn(&M, &Batch) -> (Tensor<1>, S) + Sync,
{
    // One part: the batch as it is, not a copy.
    if parts < 2 || batch.groups < 2 {
        let (l, s) = loss(model, batch);
        return (
            GradientsParams::from_grads(l.backward(), model),
            vec![(1.0, s)],
        );
    }
    let pieces = batch.split(parts);
    let total = batch.input_class.len() as f32;
    let share = |piece: &Batch| piece.input_class.len() as f32 / total;
    sum_gradients(model, &pieces, share, loss)
}

/// The gradients of Σ share(item) x `loss(copy, item)` over `items`, each item on a
/// thread of its own with its own copy of `model`; with each item's share and what
/// `loss` reported for it.
pub fn sum_gradients<M, T, S, F>(
    model: &M,
    items: &[T],
    share: impl Fn(&T) -> f32 + Sync,
    loss: F,
) -> (GradientsParams, Vec<(f32, S)>)
where
    M: Module + Sync,
    T: Sync,
    S: Send,
    F: Fn(&M, &T) -> (Tensor<1>, S) + Sync,
{
    let results: Vec<(GradientsParams, f32, S)> = items
        .par_iter()
        .map(|item| {
            let copy = own_copy(model);
            let share = share(item);
            let (l, s) = loss(&copy, item);
            let grads = GradientsParams::from_grads(l.mul_scalar(share).backward(), &copy);
            (grads, share, s)
        })
        .collect();
    sum_parts(model, results)
}

/// A copy of `model` whose parameters (same ids, same values, still requiring gradients)
/// are leaves of autodiff graphs of their own: a backward pass through the copy reaches
/// none of `model`'s nodes. The batch-norm running averages stay shared.
///
/// Not `Module::fork`: it moves each parameter with a tracked `to_device`, which leaves a
/// node in the original's graph that no backward pass frees, so every step of a run
/// that forks its networks got slower than the one before.
pub fn own_copy<M: Module>(model: &M) -> M {
    model.clone().map(&mut FreshLeaves)
}

/// Replaces each float parameter by its detached value (`detach` keeps `require_grad`).
struct FreshLeaves;

impl ModuleMapper for FreshLeaves {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        param.map(|t| t.detach())
    }
}

/// Sums the parts' gradients for `model`'s parameters; keeps each part's share and
/// statistics.
pub fn sum_parts<M: Module, S>(
    model: &M,
    parts: Vec<(GradientsParams, f32, S)>,
) -> (GradientsParams, Vec<(f32, S)>) {
    let mut sum = GradientsAccumulator::new();
    let mut stats = Vec::with_capacity(parts.len());
    for (grads, share, s) in parts {
        sum.accumulate(model, grads);
        stats.push((share, s));
    }
    (sum.grads(), stats)
}

impl Batch {
    /// The batch cut into at most `parts` batches of whole identity groups, as even as
    /// can be (the first ones take a group more); each keeps its inputs' targets, then
    /// its groups' fused targets, in the order of the whole ([`Batch::target_rows`]).
    pub fn split(&self, parts: usize) -> Vec<Batch> {
        let n = self.input_class.len();
        let px = self.inputs.len().checked_div(n).unwrap_or(0);
        self.group_ranges(parts)
            .into_iter()
            .zip(self.target_rows(parts))
            .map(|((first, count), targets)| {
                let (a, b) = (first * self.group, (first + count) * self.group);
                Batch {
                    inputs: self.inputs[a * px..b * px].to_vec(),
                    input_class: self.input_class[a..b].to_vec(),
                    input_bin: self.input_bin[a..b].to_vec(),
                    target_bin: targets.iter().map(|&t| self.target_bin[t]).collect(),
                    target_class: targets.iter().map(|&t| self.target_class[t]).collect(),
                    truth: targets
                        .iter()
                        .flat_map(|&t| &self.truth[t * px..(t + 1) * px])
                        .copied()
                        .collect(),
                    truth_mask: targets.iter().map(|&t| self.truth_mask[t]).collect(),
                    groups: count,
                    group: self.group,
                }
            })
            .collect()
    }

    /// For each part of [`Batch::split`], the rows of the whole batch's targets it keeps.
    pub fn target_rows(&self, parts: usize) -> Vec<Vec<usize>> {
        let n = self.input_class.len();
        let fused = self.target_bin.len() > n;
        self.group_ranges(parts)
            .into_iter()
            .map(|(first, count)| {
                let mut rows: Vec<usize> =
                    (first * self.group..(first + count) * self.group).collect();
                if fused {
                    rows.extend(n + first..n + first + count);
                }
                rows
            })
            .collect()
    }

    /// (first group, groups) of each part.
    fn group_ranges(&self, parts: usize) -> Vec<(usize, usize)> {
        let parts = parts.clamp(1, self.groups.max(1));
        let mut first = 0;
        (0..parts)
            .map(|p| {
                let count = self.groups / parts + usize::from(p < self.groups % parts);
                first += count;
                (first - count, count)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::gradients;
    use crate::synth::rng::Rng;
    use crate::train::batch::BatchSpec;
    use crate::train::data::{Dataset, Scene};
    use crate::train::losses::{cross_entropy, one_hot};
    use burn::nn::{Linear, LinearConfig};
    use burn::optim::GradientsParams;
    use burn::prelude::*;
    use burn::tensor::TensorData;

    #[test]
    fn parts_sum_to_the_whole_batch_gradient() {
        // A model without batch norm and a per-picture loss: splitting must not matter.
        let yaws = [-30.0, 0.0, 30.0];
        let d = Dataset::synthetic(4, 1, Scene::PerVariation, &yaws, 8, 1, |_| {}).unwrap();
        let spec = BatchSpec {
            groups: 3,
            group: 2,
            max_shift: 1,
            flip: true,
            truths: false,
            augment: 0.0,
            known_targets: 0.0,
        };
        let batch = d.batch(&spec, &mut Rng::new(5));
        let dev = crate::train::run::device();
        let model: Linear = LinearConfig::new(3 * 8 * 8, 4).init(&dev);
        let loss = |m: &Linear, b: &super::Batch| {
            let n = b.input_class.len();
            let x = Tensor::<2>::from_data(TensorData::new(b.inputs.clone(), [n, 3 * 8 * 8]), &dev);
            let l = cross_entropy(m.forward(x), one_hot(&b.input_class, 4, &dev));
            (l, n)
        };
        let weight = |parts: usize| {
            let (mut grads, stats) = gradients(&model, &batch, parts, loss);
            let sizes: Vec<(f32, usize)> = stats;
            let g = grads
                .remove::<2>(model.weight.id)
                .expect("a weight gradient");
            (g.into_data().try_to_vec::<f32>().unwrap(), sizes)
        };
        let (whole, one) = weight(1);
        let (split, two) = weight(2);
        assert_eq!(one, vec![(1.0, 6)]);
        assert_eq!(two.iter().map(|s| s.1).collect::<Vec<_>>(), vec![4, 2]);
        assert!((two[0].0 - 4.0 / 6.0).abs() < 1e-6);
        assert!(
            whole.iter().any(|v| v.abs() > 1e-4),
            "a gradient to compare"
        );
        for (a, b) in whole.iter().zip(&split) {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
    }

    #[test]
    fn own_copy_has_the_same_parameters_as_leaves_of_its_own() {
        let dev = crate::train::run::device();
        let model: Linear = LinearConfig::new(3, 2).init(&dev);
        let copy = super::own_copy(&model);
        assert_eq!(copy.weight.id, model.weight.id);
        assert_eq!(
            copy.weight.val().into_data(),
            model.weight.val().into_data()
        );
        assert!(copy.weight.val().is_require_grad());
        let x = Tensor::<2>::ones([1, 3], &dev);
        let loss = copy.forward(x).sum();
        let mut of_copy = GradientsParams::from_grads(loss.backward(), &copy);
        assert!(of_copy.remove::<2>(model.weight.id).is_some());
        let x = Tensor::<2>::ones([1, 3], &dev);
        let loss = copy.forward(x).sum();
        let mut of_model = GradientsParams::from_grads(loss.backward(), &model);
        assert!(
            of_model.remove::<2>(model.weight.id).is_none(),
            "a backward pass through the copy reaches the original"
        );
    }

    #[test]
    fn split_keeps_every_picture_and_target_with_its_group() {
        let yaws = [-30.0, 0.0, 30.0];
        let d = Dataset::synthetic(5, 2, Scene::PerVariation, &yaws, 8, 1, |_| {}).unwrap();
        let spec = BatchSpec {
            groups: 5,
            group: 2,
            max_shift: 1,
            flip: true,
            truths: true,
            augment: 0.0,
            known_targets: 0.0,
        };
        let b = d.batch(&spec, &mut Rng::new(7));
        let px = 3 * 8 * 8;
        let parts = b.split(2);
        assert_eq!(
            parts.iter().map(|p| p.groups).collect::<Vec<_>>(),
            vec![3, 2]
        );
        let join = |f: &dyn Fn(&super::Batch) -> Vec<usize>| -> Vec<usize> {
            parts.iter().flat_map(f).collect()
        };
        assert_eq!(join(&|p| p.input_class.clone()), b.input_class);
        assert_eq!(join(&|p| p.input_bin.clone()), b.input_bin);
        let inputs: Vec<f32> = parts.iter().flat_map(|p| p.inputs.clone()).collect();
        assert_eq!(inputs, b.inputs);
        // Targets: each part's per-input targets, then its groups' fused ones.
        let (first, second) = (&parts[0], &parts[1]);
        assert_eq!(first.target_bin[..6], b.target_bin[..6]);
        assert_eq!(first.target_bin[6..], b.target_bin[10..13]);
        assert_eq!(second.target_bin[..4], b.target_bin[6..10]);
        assert_eq!(second.target_bin[4..], b.target_bin[13..15]);
        assert_eq!(second.target_class[4..], b.target_class[13..15]);
        assert_eq!(second.truth[4 * px..], b.truth[13 * px..15 * px]);
        assert_eq!(second.truth_mask[..4], b.truth_mask[6..10]);
        // Never more parts than groups; one part is the batch itself.
        assert_eq!(b.split(9).len(), 5);
        assert_eq!(b.split(1)[0].inputs, b.inputs);
    }
}
