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

/// Identity cross-entropy on `logits` [N, K].
pub fn identity_loss(logits: Tensor<2>, labels: &[usize], device: &Device) -> Tensor<1> {
    let [_, classes] = logits.dims();
    cross_entropy(logits, one_hot(labels, classes, device))
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

/// The identity loss of `features` [N, Nf] through the classifier `head` (Nf -> K), and
/// the logits its accuracy is read from. `margin` 0: the plain softmax on the head's
/// logits. `margin` > 0: the large-margin cosine softmax (CosFace): unit features against
/// unit class weights, the true class's cosine lowered by `margin`, all times `scale`.
pub fn margin_identity_loss(
    head: &burn::nn::Linear,
    features: Tensor<2>,
    labels: &[usize],
    margin: f32,
    scale: f32,
    device: &Device,
) -> (Tensor<1>, Tensor<2>) {
    if margin <= 0.0 {
        let logits = head.forward(features);
        return (identity_loss(logits.clone(), labels, device), logits);
    }
    let w = head.weight.val();
    let [_, classes] = w.dims();
    let w_norm = w
        .clone()
        .powf_scalar(2.0)
        .sum_dim(0)
        .add_scalar(1e-12)
        .sqrt();
    let cos = l2_normalize(features).matmul(w / w_norm);
    let target = one_hot(labels, classes, device);
    let logits = (cos.clone() - target.clone().mul_scalar(margin)).mul_scalar(scale);
    (cross_entropy(logits, target), cos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::nn::LinearConfig;

    #[test]
    fn the_cosine_margin_lowers_the_true_class_and_keeps_accuracy_on_cosines() {
        let dev = crate::train::run::device();
        let head = LinearConfig::new(4, 3).init(&dev);
        let f = Tensor::<2>::from_data(
            TensorData::new(vec![1.0, 0.5, -0.2, 0.1, -0.3, 0.8, 0.4, 0.0], [2, 4]),
            &dev,
        );
        let labels = [0, 2];
        let (plain, logits) = margin_identity_loss(&head, f.clone(), &labels, 0.0, 30.0, &dev);
        assert_eq!(
            scalar(&plain),
            scalar(&identity_loss(logits, &labels, &dev))
        );
        let (small, cos) = margin_identity_loss(&head, f.clone(), &labels, 0.1, 30.0, &dev);
        let (large, _) = margin_identity_loss(&head, f, &labels, 0.4, 30.0, &dev);
        assert!(scalar(&large) > scalar(&small), "a larger margin is harder");
        let cos = cos.into_data().try_to_vec::<f32>().unwrap();
        assert!(cos.iter().all(|c| (-1.0..=1.0).contains(c)), "{cos:?}");
    }
}
