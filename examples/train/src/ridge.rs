//! Ridge regression in closed form: a linear map (with a bias) from feature vectors to
//! targets, fitted from the sums XᵀX and XᵀY. `examples/feature_probe.rs` uses it as a
//! linear decoder, the yardstick for what a bundle's features carry and how much of it a
//! trained decoder draws. A [`Ridge`] owns its sums; it is not shared between threads.

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
        assert_eq!(x.len() + 1, self.d, "feature length");
        assert_eq!(y.len(), self.outputs, "target length");
        let x: Vec<f64> = x.iter().map(|&v| f64::from(v)).chain([1.0]).collect();
        for (a, &xa) in x.iter().enumerate() {
            for (s, &xb) in self.xtx[a * self.d..][..=a].iter_mut().zip(&x) {
                *s += xa * xb;
            }
            for (s, &t) in self.xty[a * self.outputs..][..self.outputs]
                .iter_mut()
                .zip(y)
            {
                *s += xa * t;
            }
        }
        self.samples += 1;
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
        let mut w = self.xty.clone();
        let k = self.outputs;
        for c in 0..k {
            for i in 0..d {
                let s: f64 = (0..i).map(|j| l[i * d + j] * w[j * k + c]).sum();
                w[i * k + c] = (w[i * k + c] - s) / l[i * d + i];
            }
            for i in (0..d).rev() {
                let s: f64 = (i + 1..d).map(|j| l[j * d + i] * w[j * k + c]).sum();
                w[i * k + c] = (w[i * k + c] - s) / l[i * d + i];
            }
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
