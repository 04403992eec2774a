//! Ridge regression in closed form: a linear map (with a bias) from feature vectors to
//! targets, fitted from the sums XᵀX and XᵀY. `examples/feature_probe.rs` uses it as a
//! linear decoder, the yardstick for what a bundle's features carry and how much of it a
//! trained decoder draws; on [`RandomRelu`]'s expansion of the features it is a
//! nonlinear decoder of fixed capacity. A [`Ridge`] owns its sums; it is not shared
//! between threads.

use crate::synth::rng::Rng;

/// The sums of a ridge regression with `inputs` features (plus a bias) and `outputs`
/// targets per sample.
pub struct Ridge {
    /// Inputs plus the bias.
    d: usize,
    outputs: usize,
    xtx: Vec<f64>,
    xty: Vec<f64>,
    samples: usize,
}

/// A fitted linear map: `predict(x) = Wᵀ[x; 1]`.
#[derive(Debug)]
pub struct LinearMap {
    d: usize,
    outputs: usize,
    /// Row-major [d, outputs]; the last row is the bias.
    weights: Vec<f64>,
}

impl Ridge {
    pub fn new(inputs: usize, outputs: usize) -> Ridge {
        let d = inputs + 1;
        Ridge {
            d,
            outputs,
            xtx: vec![0.0; d * d],
            xty: vec![0.0; d * outputs],
            samples: 0,
        }
    }

    /// Adds one sample. Panics if the lengths are not `inputs` and `outputs`.
    pub fn add(&mut self, x: &[f32], y: &[f64]) {
        self.add_group(std::slice::from_ref(&x), y);
    }

    /// Adds one sample per input in `xs`, all with the target `y`: the same sums as
    /// adding each, for a fraction of the work on wide targets. Panics if the lengths are
    /// not `inputs` and `outputs`.
    pub fn add_group(&mut self, xs: &[impl AsRef<[f32]>], y: &[f64]) {
        assert_eq!(y.len(), self.outputs, "target length");
        let mut sum = vec![0.0f64; self.d];
        for x in xs {
            let x = x.as_ref();
            assert_eq!(x.len() + 1, self.d, "feature length");
            let x: Vec<f64> = x.iter().map(|&v| f64::from(v)).chain([1.0]).collect();
            for (a, &xa) in x.iter().enumerate() {
                for (s, &xb) in self.xtx[a * self.d..][..=a].iter_mut().zip(&x) {
                    *s += xa * xb;
                }
                sum[a] += xa;
            }
            self.samples += 1;
        }
        for (a, &xa) in sum.iter().enumerate() {
            for (s, &t) in self.xty[a * self.outputs..][..self.outputs]
                .iter_mut()
                .zip(y)
            {
                *s += xa * t;
            }
        }
    }

    /// The map minimising Σ‖y − Wᵀ[x; 1]‖² + λ‖W‖² (the bias is not penalised), with
    /// λ = `ridge` x the mean of the features' squares, so `ridge` does not depend on
    /// their scale. Fails without samples or when the system is singular (`ridge` 0 and
    /// fewer independent samples than features).
    pub fn fit(&self, ridge: f64) -> Result<LinearMap, String> {
        if self.samples == 0 {
            return Err("no samples to fit".into());
        }
        if !(ridge >= 0.0 && ridge.is_finite()) {
            return Err(format!("ridge must be finite and >= 0, not {ridge}"));
        }
        let d = self.d;
        let mut m = vec![0.0; d * d];
        for a in 0..d {
            for b in 0..=a {
                m[a * d + b] = self.xtx[a * d + b];
                m[b * d + a] = self.xtx[a * d + b];
            }
        }
        let scale = (0..d - 1).map(|a| m[a * d + a]).sum::<f64>() / (d - 1).max(1) as f64;
        for a in 0..d - 1 {
            m[a * d + a] += ridge * scale;
        }
        let l = cholesky(&m, d)?;
        // Solve L Lᵀ W = XᵀY a row of W at a time (rows are contiguous).
        let mut w = self.xty.clone();
        let k = self.outputs;
        for i in 0..d {
            let (done, rest) = w.split_at_mut(i * k);
            let row = &mut rest[..k];
            for j in 0..i {
                subtract_scaled(row, &done[j * k..][..k], l[i * d + j]);
            }
            row.iter_mut().for_each(|v| *v /= l[i * d + i]);
        }
        for i in (0..d).rev() {
            let (head, done) = w.split_at_mut((i + 1) * k);
            let row = &mut head[i * k..];
            for j in i + 1..d {
                subtract_scaled(row, &done[(j - i - 1) * k..][..k], l[j * d + i]);
            }
            row.iter_mut().for_each(|v| *v /= l[i * d + i]);
        }
        Ok(LinearMap {
            d,
            outputs: k,
            weights: w,
        })
    }
}

impl LinearMap {
    /// The map applied to one feature vector. Panics if its length is not the fit's.
    pub fn predict(&self, x: &[f32]) -> Vec<f64> {
        assert_eq!(x.len() + 1, self.d, "feature length");
        let mut y = self.weights[(self.d - 1) * self.outputs..].to_vec();
        for (row, &xa) in self.weights.chunks_exact(self.outputs).zip(x) {
            for (o, &w) in y.iter_mut().zip(row) {
                *o += f64::from(xa) * w;
            }
        }
        y
    }
}

/// A fixed layer of random rectified units: `expand(x)` is `x` followed by
/// `max(0, W z + b)`, where `z` is `x` with each dimension standardized over the fitting
/// samples, and `W`, `b` are drawn from N(0, 1/dims) and N(0, 1). Ridge regression on the
/// expansion is a cheap stand-in for a kernel machine.
pub struct RandomRelu {
    mean: Vec<f32>,
    inv_sd: Vec<f32>,
    /// Row-major [units, dims].
    weights: Vec<f32>,
    bias: Vec<f32>,
}

impl RandomRelu {
    /// `units` units on the dimensions of `samples` (all of one length), drawn from `seed`.
    pub fn new(samples: &[&[f32]], units: usize, seed: u64) -> RandomRelu {
        let n = samples.len().max(1) as f64;
        let dims = samples.first().map_or(0, |x| x.len());
        let mean: Vec<f64> = (0..dims)
            .map(|k| samples.iter().map(|x| f64::from(x[k])).sum::<f64>() / n)
            .collect();
        let inv_sd = (0..dims)
            .map(|k| {
                let sq = samples.iter().map(|x| (f64::from(x[k]) - mean[k]).powi(2));
                (1.0 / (sq.sum::<f64>() / n).sqrt().max(1e-12)) as f32
            })
            .collect();
        let mut rng = Rng::new(seed);
        let sd = 1.0 / (dims.max(1) as f32).sqrt();
        RandomRelu {
            mean: mean.iter().map(|&m| m as f32).collect(),
            inv_sd,
            weights: (0..units * dims).map(|_| rng.normal(0.0, sd)).collect(),
            bias: (0..units).map(|_| rng.normal(0.0, 1.0)).collect(),
        }
    }

    /// `x` followed by the units' outputs. Panics if `x` is not of the samples' length.
    pub fn expand(&self, x: &[f32]) -> Vec<f32> {
        assert_eq!(x.len(), self.mean.len(), "input length");
        let z: Vec<f32> = (x.iter().zip(&self.mean).zip(&self.inv_sd))
            .map(|((&v, m), s)| (v - m) * s)
            .collect();
        let hidden = (self.weights.chunks_exact(z.len().max(1)).zip(&self.bias))
            .map(|(w, b)| (w.iter().zip(&z).map(|(a, c)| a * c).sum::<f32>() + b).max(0.0));
        x.iter().copied().chain(hidden).collect()
    }
}

/// `row -= scale * other`.
fn subtract_scaled(row: &mut [f64], other: &[f64], scale: f64) {
    for (r, &o) in row.iter_mut().zip(other) {
        *r -= scale * o;
    }
}

/// Lower-triangular L with L Lᵀ = `m` (symmetric, n x n), or an error when `m` is not
/// (numerically) positive definite.
fn cholesky(m: &[f64], n: usize) -> Result<Vec<f64>, String> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s = m[i * n + j] - (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum::<f64>();
            if i == j {
                // Relative to the diagonal: rounding leaves a singular matrix's pivot tiny,
                // not exactly 0.
                if !s.is_finite() || s <= 1e-12 * m[i * n + i].abs() {
                    return Err("the regression is singular: raise the ridge or add samples".into());
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    Ok(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// y = A x + b for a fixed A, b and pseudo-random x.
    fn samples(n: usize) -> Vec<(Vec<f32>, Vec<f64>)> {
        let a = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]];
        let b = [0.3, -2.0];
        (0..n)
            .map(|i| {
                let x: Vec<f32> = (0..3)
                    .map(|k| ((i * 7 + k * 13) % 11) as f32 / 5.0 - 1.0 + (i * k) as f32 * 0.01)
                    .collect();
                let y = (0..2)
                    .map(|r| b[r] + (0..3).map(|k| a[r][k] * f64::from(x[k])).sum::<f64>())
                    .collect();
                (x, y)
            })
            .collect()
    }

    #[test]
    fn without_a_ridge_it_recovers_a_linear_map() {
        let mut r = Ridge::new(3, 2);
        for (x, y) in samples(50) {
            r.add(&x, &y);
        }
        let map = r.fit(0.0).unwrap();
        for (x, y) in samples(60).into_iter().skip(50) {
            for (p, t) in map.predict(&x).iter().zip(&y) {
                assert!((p - t).abs() < 1e-9, "{p} vs {t}");
            }
        }
    }

    #[test]
    fn a_ridge_shrinks_the_weights_but_not_the_bias() {
        let mut r = Ridge::new(3, 2);
        for (x, y) in samples(50) {
            r.add(&x, &y);
        }
        let exact = r.fit(0.0).unwrap();
        let shrunk = r.fit(100.0).unwrap();
        let norm = |m: &LinearMap| m.weights[..3 * 2].iter().map(|w| w * w).sum::<f64>();
        assert!(norm(&shrunk) < 0.1 * norm(&exact));
        // With the weights near 0, the bias is the targets' mean.
        let mean0 = samples(50).iter().map(|(_, y)| y[0]).sum::<f64>() / 50.0;
        assert!((shrunk.predict(&[0.0; 3])[0] - mean0).abs() < 0.1);
    }

    #[test]
    fn a_group_adds_the_same_sums_as_its_samples() {
        let (mut one_by_one, mut grouped) = (Ridge::new(3, 2), Ridge::new(3, 2));
        let all = samples(20);
        let y = &all[0].1;
        let xs: Vec<Vec<f32>> = all.iter().map(|(x, _)| x.clone()).collect();
        for x in &xs {
            one_by_one.add(x, y);
        }
        grouped.add_group(&xs, y);
        assert_eq!(grouped.samples, 20);
        for (a, b) in one_by_one.xtx.iter().zip(&grouped.xtx) {
            assert!((a - b).abs() < 1e-9);
        }
        for (a, b) in one_by_one.xty.iter().zip(&grouped.xty) {
            assert!((a - b).abs() < 1e-9);
        }
    }

    #[test]
    fn random_relus_fit_what_a_linear_map_cannot() {
        // y = |x|: no line fits it; a ridge on the expansion does.
        let xs: Vec<[f32; 1]> = (0..200).map(|i| [i as f32 / 50.0 - 2.0]).collect();
        let refs: Vec<&[f32]> = xs.iter().map(|x| &x[..]).collect();
        let relu = RandomRelu::new(&refs, 64, 3);
        assert_eq!(relu.expand(&[0.5]).len(), 65);
        assert!(relu.expand(&[0.5])[1..].iter().all(|&h| h >= 0.0));
        let (mut line, mut wide) = (Ridge::new(1, 1), Ridge::new(65, 1));
        for x in &xs {
            let y = [f64::from(x[0].abs())];
            line.add(x, &y);
            wide.add(&relu.expand(x), &y);
        }
        let (line, wide) = (line.fit(1e-6).unwrap(), wide.fit(1e-6).unwrap());
        let error = |f: &dyn Fn(&[f32]) -> f64| {
            xs.iter()
                .map(|x| (f(x) - f64::from(x[0].abs())).powi(2))
                .sum::<f64>()
        };
        let line_error = error(&|x| line.predict(x)[0]);
        let wide_error = error(&|x| wide.predict(&relu.expand(x))[0]);
        assert!(
            wide_error < 0.01 * line_error,
            "{wide_error} vs {line_error}"
        );
    }

    #[test]
    fn too_few_samples_or_a_bad_ridge_are_errors() {
        let mut r = Ridge::new(3, 2);
        assert!(r.fit(0.1).is_err());
        let (x, y) = &samples(1)[0];
        r.add(x, y);
        assert!(r.fit(0.0).unwrap_err().contains("singular"));
        assert!(r.fit(-1.0).is_err());
        assert!(r.fit(f64::NAN).is_err());
        assert!(r.fit(0.1).is_ok());
    }
}
