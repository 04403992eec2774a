//! The numbers the evaluation reports: yaw-bin snapping, cosine scores against a
//! gallery, rank-1 hits, exact ROC AUC, and PSNR / SSIM of grey images.

use crate::pixels::Grey;

/// Index of the bin in `bins` nearest to `yaw` (the first one on a tie).
pub fn snap(bins: &[f32], yaw: f32) -> usize {
    let mut best = 0;
    for (i, b) in bins.iter().enumerate() {
        if (b - yaw).abs() < (bins[best] - yaw).abs() {
            best = i;
        }
    }
    best
}

/// Cosine similarity (`drgan::similarity`) of `probe` with every gallery feature.
pub fn scores(probe: &[f32], gallery: &[Vec<f32>]) -> Result<Vec<f32>, String> {
    gallery
        .iter()
        .map(|g| drgan::similarity(probe, g).map_err(|e| format!("similarity: {e}")))
        .collect()
}

/// Whether the best-scoring gallery entry is `truth` (rank-1 hit). On a tie for the
/// best score the lowest index wins, so a constant score never counts as a hit by luck
/// unless the truth is the first entry.
pub fn rank1_hit(scores: &[f32], truth: usize) -> bool {
    let mut best = 0;
    for (i, &s) in scores.iter().enumerate() {
        if s > scores[best] {
            best = i;
        }
    }
    !scores.is_empty() && best == truth
}

/// Area under the ROC curve of `genuine` against `impostor` scores: the probability that
/// a random genuine pair scores above a random impostor pair, ties counted half (the
/// Mann-Whitney U statistic, exact, from average ranks). `None` when either is empty.
pub fn roc_auc(genuine: &[f32], impostor: &[f32]) -> Option<f64> {
    if genuine.is_empty() || impostor.is_empty() {
        return None;
    }
    let mut all: Vec<(f32, bool)> = genuine
        .iter()
        .map(|&s| (s, true))
        .chain(impostor.iter().map(|&s| (s, false)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut rank_sum = 0f64;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        // Ranks i+1..=j share their average.
        let rank = (i + 1 + j) as f64 / 2.0;
        rank_sum += rank * all[i..j].iter().filter(|p| p.1).count() as f64;
        i = j;
    }
    let (g, n) = (genuine.len() as f64, impostor.len() as f64);
    Some((rank_sum - g * (g + 1.0) / 2.0) / (g * n))
}

/// Peak signal-to-noise ratio in dB of two grey images of one size (peak 255);
/// infinite for identical images.
pub fn psnr(a: &Grey, b: &Grey) -> f64 {
    assert_eq!((a.width, a.height), (b.width, b.height));
    let mse = a
        .data
        .iter()
        .zip(&b.data)
        .map(|(&x, &y)| (x as f64 - y as f64).powi(2))
        .sum::<f64>()
        / a.data.len() as f64;
    10.0 * (255.0f64 * 255.0 / mse).log10()
}

/// Side of the SSIM window.
pub const SSIM_WINDOW: usize = 11;
/// Standard deviation of the SSIM window's Gaussian, in pixels.
pub const SSIM_SIGMA: f64 = 1.5;

/// Mean structural similarity (Wang, Bovik, Sheikh and Simoncelli, 2004) of two grey
/// images of one size: an 11x11 Gaussian window (σ 1.5) at every position where it fits
/// inside the image (no padding), K1 = 0.01, K2 = 0.03, L = 255. 1 for identical images.
/// Images must be at least 11 pixels on each side.
pub fn ssim(a: &Grey, b: &Grey) -> f64 {
    assert_eq!((a.width, a.height), (b.width, b.height));
    assert!(a.width >= SSIM_WINDOW && a.height >= SSIM_WINDOW);
    let (c1, c2) = ((0.01 * 255.0f64).powi(2), (0.03 * 255.0f64).powi(2));
    let x: Vec<f64> = a.data.iter().map(|&v| v as f64).collect();
    let y: Vec<f64> = b.data.iter().map(|&v| v as f64).collect();
    let xx: Vec<f64> = x.iter().map(|v| v * v).collect();
    let yy: Vec<f64> = y.iter().map(|v| v * v).collect();
    let xy: Vec<f64> = x.iter().zip(&y).map(|(p, q)| p * q).collect();
    let (w, h) = (a.width, a.height);
    let [mx, my, sxx, syy, sxy] = [&x, &y, &xx, &yy, &xy].map(|p| gaussian_valid(p, w, h));
    let n = mx.len();
    let mut total = 0.0;
    for i in 0..n {
        let (vx, vy, cxy) = (
            sxx[i] - mx[i] * mx[i],
            syy[i] - my[i] * my[i],
            sxy[i] - mx[i] * my[i],
        );
        total += ((2.0 * mx[i] * my[i] + c1) * (2.0 * cxy + c2))
            / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2));
    }
    total / n as f64
}

/// The image filtered by the normalised SSIM Gaussian, at the positions where the window
/// fits: (w - 10) x (h - 10) values.
fn gaussian_valid(p: &[f64], w: usize, h: usize) -> Vec<f64> {
    let r = SSIM_WINDOW / 2;
    let k: Vec<f64> = (0..SSIM_WINDOW)
        .map(|i| (-((i as f64 - r as f64).powi(2)) / (2.0 * SSIM_SIGMA * SSIM_SIGMA)).exp())
        .collect();
    let sum: f64 = k.iter().sum();
    let k: Vec<f64> = k.iter().map(|v| v / sum).collect();
    let (ow, oh) = (w + 1 - SSIM_WINDOW, h + 1 - SSIM_WINDOW);
    let mut rows = vec![0.0; ow * h];
    for y in 0..h {
        for x in 0..ow {
            rows[y * ow + x] = (0..SSIM_WINDOW).map(|i| k[i] * p[y * w + x + i]).sum();
        }
    }
    let mut out = vec![0.0; ow * oh];
    for y in 0..oh {
        for x in 0..ow {
            out[y * ow + x] = (0..SSIM_WINDOW)
                .map(|i| k[i] * rows[(y + i) * ow + x])
                .sum();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grey(width: usize, height: usize, f: impl Fn(usize, usize) -> f32) -> Grey {
        let data = (0..width * height)
            .map(|i| f(i % width, i / width))
            .collect();
        Grey {
            width,
            height,
            data,
        }
    }

    #[test]
    fn snaps_to_the_nearest_bin() {
        let bins: Vec<f32> = (-6..=6).map(|i| i as f32 * 15.0).collect();
        assert_eq!(bins[snap(&bins, 0.0)], 0.0);
        assert_eq!(bins[snap(&bins, 7.0)], 0.0);
        assert_eq!(bins[snap(&bins, 8.0)], 15.0);
        assert_eq!(bins[snap(&bins, -52.0)], -45.0);
        assert_eq!(bins[snap(&bins, -53.0)], -60.0);
        assert_eq!(bins[snap(&bins, 170.0)], 90.0);
        assert_eq!(bins[snap(&bins, -1000.0)], -90.0);
        // A tie goes to the first (lower) bin.
        assert_eq!(bins[snap(&bins, 7.5)], 0.0);
    }

    #[test]
    fn rank1_on_hand_made_embeddings() {
        let gallery = vec![
            vec![1.0, 0.0, 0.0],
            vec![0.0, 1.0, 0.0],
            vec![0.0, 0.0, 1.0],
        ];
        let probe = [0.1, 0.9, 0.2];
        let s = scores(&probe, &gallery).unwrap();
        assert!(rank1_hit(&s, 1));
        assert!(!rank1_hit(&s, 0));
        assert!(!rank1_hit(&s, 2));
        // Cosine, not dot product: a long vector does not win by its length.
        let gallery = vec![vec![10.0, 10.0], vec![1.0, 0.1]];
        let s = scores(&[1.0, 0.0], &gallery).unwrap();
        assert!(rank1_hit(&s, 1));
        // All scores equal: only the first entry counts as a hit.
        assert!(rank1_hit(&[0.5, 0.5], 0));
        assert!(!rank1_hit(&[0.5, 0.5], 1));
        assert!(!rank1_hit(&[], 0));
        // Features of different lengths are an error, not a score.
        assert!(scores(&[1.0], &gallery).is_err());
    }

    #[test]
    fn auc_of_hand_made_scores() {
        // Perfect separation, and its reverse.
        assert_eq!(roc_auc(&[0.9, 0.8], &[0.1, 0.2, 0.3]), Some(1.0));
        assert_eq!(roc_auc(&[0.1], &[0.5, 0.6]), Some(0.0));
        // genuine {0.8, 0.4}, impostor {0.6, 0.2}: pairs (0.8>0.6, 0.8>0.2, 0.4<0.6,
        // 0.4>0.2) → 3 of 4.
        assert_eq!(roc_auc(&[0.8, 0.4], &[0.6, 0.2]), Some(0.75));
        // Ties count half: genuine {0.5}, impostor {0.5, 0.1} → (0.5 + 1) / 2.
        assert_eq!(roc_auc(&[0.5], &[0.5, 0.1]), Some(0.75));
        // Everything tied: chance.
        assert_eq!(roc_auc(&[0.3, 0.3], &[0.3, 0.3, 0.3]), Some(0.5));
        assert_eq!(roc_auc(&[], &[0.1]), None);
        assert_eq!(roc_auc(&[0.1], &[]), None);
    }

    #[test]
    fn psnr_of_a_known_difference() {
        let a = grey(16, 16, |x, y| ((x * 7 + y * 3) % 200) as f32);
        // Every pixel off by 5: MSE 25, PSNR = 10 log10(255² / 25) = 20 log10(51).
        let b = grey(16, 16, |x, y| ((x * 7 + y * 3) % 200) as f32 + 5.0);
        let expected = 20.0 * 51f64.log10();
        assert!((psnr(&a, &b) - expected).abs() < 1e-9, "{}", psnr(&a, &b));
        // Half the pixels off by 10: MSE 50.
        let c = grey(16, 16, |x, y| {
            ((x * 7 + y * 3) % 200) as f32 + 10.0 * (x % 2) as f32
        });
        let expected = 10.0 * (255.0f64 * 255.0 / 50.0).log10();
        assert!((psnr(&a, &c) - expected).abs() < 1e-9);
        assert_eq!(psnr(&a, &a), f64::INFINITY);
    }

    #[test]
    fn ssim_is_one_only_for_identical_images() {
        let a = grey(24, 20, |x, y| (((x * 13) ^ (y * 7)) % 256) as f32);
        assert!((ssim(&a, &a) - 1.0).abs() < 1e-12);
        let noisy = grey(24, 20, |x, y| {
            let v = (((x * 13) ^ (y * 7)) % 256) as f32;
            (v + if (x + y) % 3 == 0 { 20.0 } else { -10.0 }).clamp(0.0, 255.0)
        });
        let s = ssim(&a, &noisy);
        assert!(s < 0.99 && s > 0.0, "{s}");
        // A brightness change keeps structure but still costs something.
        let brighter = grey(24, 20, |x, y| {
            (((x * 13) ^ (y * 7)) % 256) as f32 * 0.5 + 60.0
        });
        let t = ssim(&a, &brighter);
        assert!(t < 1.0, "{t}");
        // Unrelated images score far lower than a lightly perturbed one.
        let other = grey(24, 20, |x, y| (((x * 31 + 5) ^ (y * 17 + 3)) % 256) as f32);
        assert!(ssim(&a, &other) < s);
        // Symmetric.
        assert!((ssim(&a, &noisy) - ssim(&noisy, &a)).abs() < 1e-12);
    }
}
