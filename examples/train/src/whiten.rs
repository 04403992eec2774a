//! Within-class covariance normalisation of a bundle's identity features (WCCN, as in
//! speaker and face verification): `drgan-train whiten BUNDLE --out DIR`. The features
//! of many training identities give the mean f̄ and the within-identity covariance S_w;
//! the map f' = (S_w + εI)^(-1/2) (f − f̄) makes the directions in which one person's
//! pictures scatter (light, background, pose) count as much as the others under cosine
//! similarity, instead of dominating it. The map is folded into the bundle
//! ([`drgan_writer::FeatureMap`]): no extra cost at inference, synthesis unchanged.

use drgan_writer::FeatureMap;

/// Default relative ridge: ε = `ridge` x the mean eigenvalue of S_w, so that directions
/// in which the training features hardly vary are not blown up.
pub const DEFAULT_RIDGE: f64 = 0.01;

/// Mean and within-class covariance of `features` (rows of `nf`) grouped by `labels`.
pub fn scatter(features: &[Vec<f32>], labels: &[usize], nf: usize) -> (Vec<f64>, Vec<f64>) {
    let n = features.len().max(1) as f64;
    let mut mean = vec![0f64; nf];
    for f in features {
        for (m, v) in mean.iter_mut().zip(f) {
            *m += *v as f64 / n;
        }
    }
    let classes = labels.iter().max().map_or(0, |m| m + 1);
    let mut sums = vec![vec![0f64; nf]; classes];
    let mut counts = vec![0usize; classes];
    for (f, &l) in features.iter().zip(labels) {
        counts[l] += 1;
        for (s, v) in sums[l].iter_mut().zip(f) {
            *s += *v as f64;
        }
    }
    let mut cov = vec![0f64; nf * nf];
    for (f, &l) in features.iter().zip(labels) {
        let d: Vec<f64> = (0..nf)
            .map(|i| f[i] as f64 - sums[l][i] / counts[l] as f64)
            .collect();
        for i in 0..nf {
            for j in 0..nf {
                cov[i * nf + j] += d[i] * d[j] / n;
            }
        }
    }
    (mean, cov)
}

/// Errors unless `ridge` (see [`wccn`]) is a positive finite number.
pub fn check_ridge(ridge: f64) -> Result<(), String> {
    if ridge > 0.0 && ridge.is_finite() {
        Ok(())
    } else {
        Err(format!("the ridge must be a positive number, not {ridge}"))
    }
}

/// The WCCN map of `mean` and within-class covariance `cov` (`nf` x `nf`): the matrix
/// (cov + εI)^(-1/2) and its inverse (cov + εI)^(1/2), with ε = `ridge` x the mean
/// eigenvalue of cov. Errors when cov is not a covariance (not symmetric, negative or
/// all-zero eigenvalues) or `ridge` is not a positive number.
pub fn wccn(mean: &[f64], cov: &[f64], nf: usize, ridge: f64) -> Result<FeatureMap, String> {
    check_ridge(ridge)?;
    let asymmetry = (0..nf)
        .flat_map(|i| (0..nf).map(move |j| (i, j)))
        .map(|(i, j)| (cov[i * nf + j] - cov[j * nf + i]).abs())
        .fold(0.0, f64::max);
    let (values, vectors) = symmetric_eigen(cov, nf);
    let mean_value = values.iter().sum::<f64>() / nf as f64;
    let scale = values.iter().fold(0f64, |a, v| a.max(v.abs()));
    // NaN features leave NaN here, which fails the first test too.
    let positive = mean_value.partial_cmp(&0.0) == Some(std::cmp::Ordering::Greater);
    if !positive || asymmetry > 1e-9 * scale || values.iter().any(|&v| v < -1e-9 * scale) {
        return Err("the within-identity covariance is not a covariance matrix".into());
    }
    let ridge = ridge * mean_value;
    let power = |p: f64| -> Vec<f32> {
        let mut m = vec![0f32; nf * nf];
        for i in 0..nf {
            for j in 0..nf {
                let v: f64 = (0..nf)
                    .map(|k| {
                        vectors[i * nf + k]
                            * (values[k].max(0.0) + ridge).powf(p)
                            * vectors[j * nf + k]
                    })
                    .sum();
                m[i * nf + j] = v as f32;
            }
        }
        m
    };
    Ok(FeatureMap {
        mean: mean.iter().map(|&v| v as f32).collect(),
        matrix: power(-0.5),
        inverse: power(0.5),
    })
}

/// Eigenvalues and eigenvectors (columns of the row-major `n` x `n` result) of the
/// symmetric matrix `a`, by cyclic Jacobi rotations.
pub fn symmetric_eigen(a: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = a.to_vec();
    let mut v = vec![0f64; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    let norm: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j] * a[i * n + j])
            .sum::<f64>()
            .sqrt();
        if off <= 1e-13 * norm.max(f64::MIN_POSITIVE) {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i * n + i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::rng::Rng;

    #[test]
    fn jacobi_diagonalises_a_symmetric_matrix() {
        let n = 5;
        let mut rng = Rng::new(3);
        let b: Vec<f64> = (0..n * n).map(|_| rng.range(-1.0, 1.0) as f64).collect();
        // a = b bᵀ: symmetric, positive semi-definite.
        let a: Vec<f64> = (0..n * n)
            .map(|ij| (0..n).map(|k| b[ij / n * n + k] * b[ij % n * n + k]).sum())
            .collect();
        let (values, v) = symmetric_eigen(&a, n);
        for k in 0..n {
            for i in 0..n {
                let av: f64 = (0..n).map(|j| a[i * n + j] * v[j * n + k]).sum();
                assert!((av - values[k] * v[i * n + k]).abs() < 1e-9, "A v = λ v");
            }
            let len: f64 = (0..n).map(|i| v[i * n + k] * v[i * n + k]).sum();
            assert!((len - 1.0).abs() < 1e-9);
        }
    }

    #[test]
    fn wccn_whitens_the_within_class_scatter() {
        // Two features: identities differ along x; their pictures scatter 4x more along
        // y. After the map both directions scatter alike within a class.
        let mut rng = Rng::new(9);
        let (mut features, mut labels) = (Vec::new(), Vec::new());
        for class in 0..50 {
            let centre = rng.range(-3.0, 3.0);
            for _ in 0..20 {
                let x = centre + rng.range(-0.5, 0.5);
                let y = 5.0 + rng.range(-1.0, 1.0);
                features.push(vec![x, y]);
                labels.push(class);
            }
        }
        let (mean, cov) = scatter(&features, &labels, 2);
        assert!((mean[1] - 5.0).abs() < 0.1);
        assert!(cov[3] > 3.0 * cov[0], "y scatters more within a class");
        let map = wccn(&mean, &cov, 2, DEFAULT_RIDGE).unwrap();
        let mapped: Vec<Vec<f32>> = features
            .iter()
            .map(|f| {
                let d = [f[0] - map.mean[0], f[1] - map.mean[1]];
                (0..2)
                    .map(|i| map.matrix[i * 2] * d[0] + map.matrix[i * 2 + 1] * d[1])
                    .collect()
            })
            .collect();
        let (after_mean, after) = scatter(&mapped, &labels, 2);
        assert!(after_mean.iter().all(|m| m.abs() < 1e-4), "{after_mean:?}");
        let ratio = after[3] / after[0];
        assert!(
            (0.95..1.05).contains(&ratio),
            "within-class scatter {after:?}"
        );
        // matrix x inverse = I.
        for i in 0..2 {
            for j in 0..2 {
                let p: f32 = (0..2)
                    .map(|k| map.matrix[i * 2 + k] * map.inverse[k * 2 + j])
                    .sum();
                assert!((p - f32::from(i == j)).abs() < 1e-4, "{p}");
            }
        }
        assert!(
            wccn(&mean, &[0.0; 4], 2, DEFAULT_RIDGE).is_err(),
            "no scatter at all"
        );
        assert!(
            wccn(&mean, &[1.0, 0.5, 0.0, 1.0], 2, DEFAULT_RIDGE).is_err(),
            "not symmetric"
        );
    }

    #[test]
    fn the_ridge_is_a_share_of_the_mean_eigenvalue() {
        // Eigenvalues 1 and 3 (mean 2): ε = ridge x 2 on both.
        let cov = [1.0, 0.0, 0.0, 3.0];
        for ridge in [0.01, 0.5] {
            let map = wccn(&[0.0, 0.0], &cov, 2, ridge).unwrap();
            let eps = ridge * 2.0;
            assert!((map.matrix[0] as f64 - (1.0 + eps).powf(-0.5)).abs() < 1e-6);
            assert!((map.matrix[3] as f64 - (3.0 + eps).powf(-0.5)).abs() < 1e-6);
            assert!((map.inverse[3] as f64 - (3.0 + eps).sqrt()).abs() < 1e-6);
        }
        for bad in [0.0, -0.1, f64::NAN, f64::INFINITY] {
            assert!(wccn(&[0.0, 0.0], &cov, 2, bad).is_err(), "ridge {bad}");
        }
    }
}
