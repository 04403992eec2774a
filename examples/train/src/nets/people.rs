//! The number of training people a network's identity classifiers know: G's auxiliary
//! classifier and D's real-identity outputs resized to `n` classes. Classes below both
//! the old and the new count keep their weights, D's "synthesized" and pose outputs keep
//! theirs, and classes beyond the old count start fresh. `drgan-train train --resume`
//! uses it when the data has more people than the checkpoint (new people are appended
//! after the old ones, so class `c` stays the same person).

use super::discriminator::Discriminator;
use super::generator::Generator;
use super::{host, paper_init};
use burn::module::Param;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::TensorData;

impl Generator {
    /// This generator with its identity classifier resized to `n` classes (see the module).
    pub fn with_identities(mut self, n: usize) -> Result<Self, String> {
        let [_, old] = self.id_head.weight.val().dims();
        if n == old {
            return Ok(self);
        }
        self.id_head = resized(self.id_head, n, |j| (j < old).then_some(j))?;
        Ok(self)
    }
}

impl Discriminator {
    /// This D with its real-identity outputs resized to `n` classes (see the module).
    pub fn with_identities(mut self, n: usize) -> Result<Self, String> {
        let old = self.identities;
        if n == old {
            return Ok(self);
        }
        let [_, cols] = self.fc.weight.val().dims();
        let rest = cols - old; // "synthesized", then the poses
        self.fc = resized(self.fc, n + rest, |j| {
            if j < n.min(old) {
                Some(j)
            } else if j >= n {
                Some(old + (j - n))
            } else {
                None
            }
        })?;
        self.identities = n;
        Ok(self)
    }
}

/// `layer` with `outputs` output columns: column `j` is the old column `source(j)`, or a
/// fresh one (N(0, 0.02), bias 0) where that is `None`.
fn resized(
    layer: Linear,
    outputs: usize,
    source: impl Fn(usize) -> Option<usize>,
) -> Result<Linear, String> {
    let [inputs, cols] = layer.weight.val().dims();
    let device = layer.weight.val().device();
    let fresh = LinearConfig::new(inputs, outputs.max(1))
        .with_initializer(paper_init())
        .init(&device);
    let old_w = host(layer.weight.val())?;
    let mut w = host(fresh.weight.val())?;
    let old_b = layer.bias.as_ref().map(|b| host(b.val())).transpose()?;
    let mut b = fresh.bias.as_ref().map(|b| host(b.val())).transpose()?;
    for j in 0..outputs {
        let Some(k) = source(j) else { continue };
        if k >= cols {
            return Err(format!("output {k} of a layer with {cols}"));
        }
        for i in 0..inputs {
            w[i * outputs + j] = old_w[i * cols + k];
        }
        if let (Some(b), Some(old_b)) = (&mut b, &old_b) {
            b[j] = old_b[k];
        }
    }
    let mut out = fresh;
    out.weight = Param::from_tensor(Tensor::from_data(
        TensorData::new(w, [inputs, outputs]),
        &device,
    ));
    out.bias =
        b.map(|b| Param::from_tensor(Tensor::from_data(TensorData::new(b, [outputs]), &device)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::nets::{host, Discriminator, Generator};
    use crate::train::run::device;
    use drgan_writer::Config;

    fn columns(w: &[f32], cols: usize, j: usize) -> Vec<f32> {
        w.iter().skip(j).step_by(cols).copied().collect()
    }

    #[test]
    fn more_people_keep_the_old_classes_and_the_synthesized_and_pose_outputs() {
        let c = Config::scaled("tiny", 32, 0.125, 16, 8).unwrap();
        let np = c.pose_yaws.len();
        let dev = device();
        let d = Discriminator::new(&c, 3, &dev);
        let before = host(d.fc.weight.val()).unwrap();
        let d5 = d.with_identities(5).unwrap();
        assert_eq!(d5.identities, 5);
        let after = host(d5.fc.weight.val()).unwrap();
        let (old_cols, new_cols) = (3 + 1 + np, 5 + 1 + np);
        for j in 0..3 {
            assert_eq!(columns(&before, old_cols, j), columns(&after, new_cols, j));
        }
        // "Synthesized" and every pose moved up by the two new people.
        for j in 3..old_cols {
            assert_eq!(
                columns(&before, old_cols, j),
                columns(&after, new_cols, j + 2)
            );
        }
        // The new people are fresh columns, not copies.
        assert_ne!(columns(&after, new_cols, 3), columns(&after, new_cols, 0));

        let g = Generator::new(&c, 3, &dev);
        let head = host(g.id_head.weight.val()).unwrap();
        let g5 = g.with_identities(5).unwrap();
        assert_eq!(g5.id_head.weight.val().dims(), [c.feature_dim, 5]);
        let head5 = host(g5.id_head.weight.val()).unwrap();
        for j in 0..3 {
            assert_eq!(columns(&head, 3, j), columns(&head5, 5, j));
        }
    }

    #[test]
    fn fewer_people_keep_the_first_classes() {
        let c = Config::scaled("tiny", 32, 0.125, 16, 8).unwrap();
        let np = c.pose_yaws.len();
        let d = Discriminator::new(&c, 4, &device());
        let before = host(d.fc.weight.val()).unwrap();
        let d2 = d.with_identities(2).unwrap();
        let after = host(d2.fc.weight.val()).unwrap();
        let (old_cols, new_cols) = (4 + 1 + np, 2 + 1 + np);
        for j in 0..2 {
            assert_eq!(columns(&before, old_cols, j), columns(&after, new_cols, j));
        }
        for j in 4..old_cols {
            assert_eq!(
                columns(&before, old_cols, j),
                columns(&after, new_cols, j - 2)
            );
        }
    }
}
