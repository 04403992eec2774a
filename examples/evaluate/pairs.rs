//! Pair verification as face benchmarks report it: accuracy with the threshold chosen by
//! 10-fold cross-validation (each fold's threshold is the best on the other nine), the
//! equal error rate, and ROC AUC. Pure functions of scores and labels.

use crate::metrics::roc_auc;

/// One scored pair: cosine similarity and whether both pictures show one person.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    pub score: f32,
    pub same: bool,
}

/// The figures of one protocol.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Verification {
    /// Mean accuracy over the folds, each at the threshold learnt on the others.
    pub accuracy: f64,
    /// Standard deviation of the folds' accuracies.
    pub accuracy_sd: f64,
    /// Equal error rate over all pairs.
    pub eer: f64,
    pub auc: Option<f64>,
}

/// Share of `pairs` a threshold `t` classifies right (`score >= t` means same).
fn accuracy_at(pairs: &[Scored], t: f32) -> f64 {
    let right = pairs.iter().filter(|p| (p.score >= t) == p.same).count();
    right as f64 / pairs.len().max(1) as f64
}

/// The threshold with the best accuracy on `pairs` (midpoints between sorted scores).
fn best_threshold(pairs: &[Scored]) -> f32 {
    let mut s: Vec<f32> = pairs.iter().map(|p| p.score).collect();
    s.sort_by(f32::total_cmp);
    let mut best = (f64::MIN, f32::NEG_INFINITY);
    let candidates = std::iter::once(s[0] - 1e-3)
        .chain(s.windows(2).map(|w| (w[0] + w[1]) / 2.0))
        .chain(std::iter::once(s[s.len() - 1] + 1e-3));
    for t in candidates {
        let a = accuracy_at(pairs, t);
        if a > best.0 {
            best = (a, t);
        }
    }
    best.1
}

/// The equal error rate: where the false accept and false reject rates meet.
fn eer(pairs: &[Scored]) -> f64 {
    let same = pairs.iter().filter(|p| p.same).count().max(1) as f64;
    let diff = pairs.iter().filter(|p| !p.same).count().max(1) as f64;
    let mut s: Vec<f32> = pairs.iter().map(|p| p.score).collect();
    s.sort_by(f32::total_cmp);
    let mut best = (f64::MAX, 0.5);
    for &t in &s {
        let far = pairs.iter().filter(|p| !p.same && p.score >= t).count() as f64 / diff;
        let frr = pairs.iter().filter(|p| p.same && p.score < t).count() as f64 / same;
        if (far - frr).abs() < best.0 {
            best = ((far - frr).abs(), (far + frr) / 2.0);
        }
    }
    best.1
}

/// The protocol's figures over `folds` (the pairs of each fold).
pub fn verify(folds: &[Vec<Scored>]) -> Result<Verification, String> {
    if folds.len() < 2 || folds.iter().any(Vec::is_empty) {
        return Err("verification needs at least two non-empty folds".into());
    }
    let accs: Vec<f64> = (0..folds.len())
        .map(|k| {
            let train: Vec<Scored> = folds
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != k)
                .flat_map(|(_, f)| f.iter().copied())
                .collect();
            accuracy_at(&folds[k], best_threshold(&train))
        })
        .collect();
    let mean = accs.iter().sum::<f64>() / accs.len() as f64;
    let sd = (accs.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / accs.len() as f64).sqrt();
    let all: Vec<Scored> = folds.iter().flatten().copied().collect();
    let genuine: Vec<f32> = all.iter().filter(|p| p.same).map(|p| p.score).collect();
    let impostor: Vec<f32> = all.iter().filter(|p| !p.same).map(|p| p.score).collect();
    Ok(Verification {
        accuracy: mean,
        accuracy_sd: sd,
        eer: eer(&all),
        auc: roc_auc(&genuine, &impostor),
    })
}

/// `pairs` cut into `k` folds of consecutive pairs, same and different pairs spread
/// evenly (the i-th same pair and the i-th different pair go to fold `i * k / n`).
pub fn folds(pairs: &[Scored], k: usize) -> Vec<Vec<Scored>> {
    let mut out = vec![Vec::new(); k];
    for same in [true, false] {
        let part: Vec<Scored> = pairs.iter().filter(|p| p.same == same).copied().collect();
        let n = part.len();
        for (i, p) in part.into_iter().enumerate() {
            out[i * k / n.max(1)].push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(score: f32, same: bool) -> Scored {
        Scored { score, same }
    }

    #[test]
    fn separable_scores_verify_perfectly() {
        let pairs: Vec<Scored> = (0..40)
            .map(|i| {
                pair(
                    if i % 2 == 0 { 0.8 } else { 0.1 } + i as f32 * 1e-3,
                    i % 2 == 0,
                )
            })
            .collect();
        let v = verify(&folds(&pairs, 10)).unwrap();
        assert_eq!(v.accuracy, 1.0);
        assert_eq!(v.eer, 0.0);
        assert_eq!(v.auc, Some(1.0));
    }

    #[test]
    fn uninformative_scores_sit_near_chance() {
        let pairs: Vec<Scored> = (0..200).map(|i| pair(0.5, i % 2 == 0)).collect();
        let v = verify(&folds(&pairs, 10)).unwrap();
        assert!((v.accuracy - 0.5).abs() < 0.01, "{v:?}");
        assert_eq!(v.auc, Some(0.5));
        assert!(verify(&folds(&pairs, 1)).is_err());
    }

    #[test]
    fn folds_spread_same_and_different_pairs() {
        let pairs: Vec<Scored> = (0..100).map(|i| pair(i as f32, i < 50)).collect();
        let f = folds(&pairs, 10);
        assert!(f
            .iter()
            .all(|f| f.len() == 10 && f.iter().filter(|p| p.same).count() == 5));
    }
}
