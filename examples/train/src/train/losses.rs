//! Loss terms on burn tensors.

use burn::prelude::*;
use burn::tensor::activation::log_softmax;
use burn::tensor::TensorData;

/// Rows of one-hot codes for `labels` over `classes`.
pub fn one_hot(labels: &[usize], classes: usize, device: &Device) -> Tensor<2> {
    let mut v = vec![0.0f32; labels.len() * classes];
    for (i, &l) in labels.iter().enumerate() {
        v[i * classes + l] = 1.0;
    }
    Tensor::from_data(TensorData::new(v, [labels.len(), classes]), device)
}

/// Mean softmax cross-entropy of `logits` [N, K] against one-hot `targets` [N, K].
pub fn cross_entropy(logits: Tensor<2>, targets: Tensor<2>) -> Tensor<1> {
    (log_softmax(logits, 1) * targets).sum_dim(1).mean().neg()
}

/// Mean absolute error over the rows of `mask` that are 1 (`mask`: [N]); zero when none.
pub fn masked_l1(a: Tensor<4>, b: Tensor<4>, mask: &[f32], device: &Device) -> Tensor<1> {
    let [n, c, h, w] = a.dims();
    let count: f32 = mask.iter().sum();
    let m =
        Tensor::<1>::from_data(TensorData::new(mask.to_vec(), [n]), device).reshape([n, 1, 1, 1]);
    let sum = ((a - b).abs() * m).sum();
    sum.div_scalar((count * (c * h * w) as f32).max(1.0))
}

/// Share of rows whose arg-max equals the label.
pub fn accuracy(logits: &Tensor<2>, labels: &[usize]) -> f32 {
    let am = logits.clone().argmax(1).into_data();
    let am: Vec<i64> = am
        .convert::<i64>()
        .try_into_vec()
        .expect("argmax gives integers");
    let hits = am
        .iter()
        .zip(labels)
        .filter(|(a, l)| **a as usize == **l)
        .count();
    hits as f32 / labels.len().max(1) as f32
}

/// The first value of a tensor, on the host.
pub fn scalar(t: &Tensor<1>) -> f32 {
    t.clone()
        .into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .expect("f32")[0]
}

/// Rows scaled to unit length.
pub fn l2_normalize(x: Tensor<2>) -> Tensor<2> {
    let norm = x
        .clone()
        .powf_scalar(2.0)
        .sum_dim(1)
        .add_scalar(1e-12)
        .sqrt();
    x / norm
}

/// Scale of the cosine identity logits (the "s" of CosFace; 30 suits 1e3..1e4 classes).
pub const COSINE_SCALE: f32 = 30.0;

/// Cosine classifier logits: `COSINE_SCALE` x the cosine between each row of `features`
/// [N, D] and each class's weight column of `weight` [D, K].
pub fn cosine_logits(features: Tensor<2>, weight: Tensor<2>) -> Tensor<2> {
    let w = l2_normalize(weight.transpose());
    l2_normalize(features)
        .matmul(w.transpose())
        .mul_scalar(COSINE_SCALE)
}

/// Identity cross-entropy on `logits` [N, K]; with `margin` > 0 the logits are cosine
/// logits and each row's own class is lowered by `margin` x `COSINE_SCALE` first (an
/// additive cosine margin, as in CosFace), which pulls classes apart on the sphere.
pub fn identity_loss(
    logits: Tensor<2>,
    labels: &[usize],
    margin: f32,
    device: &Device,
) -> Tensor<1> {
    let [_, classes] = logits.dims();
    let targets = one_hot(labels, classes, device);
    let logits = if margin > 0.0 {
        logits - targets.clone().mul_scalar(margin * COSINE_SCALE)
    } else {
        logits
    };
    cross_entropy(logits, targets)
}

/// Prototype loss over groups of `group` consecutive rows of one identity each: every
/// row's cosine similarity (times `scale`) to each group's mean direction, as logits of a
/// softmax whose right answer is its own group. Teaches what recognition measures
/// (cosine matching across poses) without per-identity weights.
pub fn prototype_loss(features: Tensor<2>, group: usize, scale: f32, device: &Device) -> Tensor<1> {
    let [n, d] = features.dims();
    let groups = n / group;
    let f = l2_normalize(features);
    let centres = l2_normalize(
        f.clone()
            .reshape([groups, group, d])
            .mean_dim(1)
            .reshape([groups, d]),
    );
    let logits = f.matmul(centres.transpose()).mul_scalar(scale);
    let labels: Vec<usize> = (0..n).map(|i| i / group).collect();
    cross_entropy(logits, one_hot(&labels, groups, device))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(t: Tensor<2>) -> Vec<f32> {
        t.into_data().convert::<f32>().try_into_vec().unwrap()
    }

    #[test]
    fn cosine_logits_are_scaled_cosines() {
        let dev = crate::train::run::device();
        // Two classes along x and y; features along x, along y scaled, and diagonal.
        let w = Tensor::<2>::from_data(TensorData::new(vec![2.0f32, 0.0, 0.0, 5.0], [2, 2]), &dev);
        let f = Tensor::<2>::from_data(
            TensorData::new(vec![3.0f32, 0.0, 0.0, 0.5, 1.0, 1.0], [3, 2]),
            &dev,
        );
        let got = host(cosine_logits(f, w));
        let d = COSINE_SCALE * std::f32::consts::FRAC_1_SQRT_2;
        let want = [COSINE_SCALE, 0.0, 0.0, COSINE_SCALE, d, d];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-4, "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn the_margin_raises_the_loss_of_the_true_class() {
        let dev = crate::train::run::device();
        let logits = || Tensor::<2>::from_data(TensorData::new(vec![10.0f32, 4.0], [1, 2]), &dev);
        let plain = scalar(&identity_loss(logits(), &[0], 0.0, &dev));
        let ce = scalar(&cross_entropy(logits(), one_hot(&[0], 2, &dev)));
        assert_eq!(plain, ce);
        let with_margin = scalar(&identity_loss(logits(), &[0], 0.2, &dev));
        // The true logit drops by 0.2 x 30 = 6: log(1 + e^(4 - 4)) = ln 2.
        assert!(
            (with_margin - std::f32::consts::LN_2).abs() < 1e-4,
            "{with_margin}"
        );
        assert!(with_margin > plain);
    }
}
