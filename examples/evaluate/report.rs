//! Turns per-probe results into table rows (rank-1 rates, mean PSNR / SSIM, ROC AUC)
//! and formats them as Markdown.

use crate::metrics::{rank1_hit, roc_auc};
use crate::protocol::{ProbeResult, Quality, Results};

/// Hits out of a number of trials.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rate {
    pub hits: usize,
    pub total: usize,
}

impl Rate {
    fn add(&mut self, hit: bool) {
        self.hits += hit as usize;
        self.total += 1;
    }

    /// The fraction of hits, `None` without trials.
    pub fn value(&self) -> Option<f64> {
        (self.total > 0).then(|| self.hits as f64 / self.total as f64)
    }

    fn percent(&self) -> String {
        self.value()
            .map_or("–".into(), |v| format!("{:.1}", 100.0 * v))
    }
}

/// Mean PSNR and SSIM over pairs; pairs of identical images are counted apart (their
/// PSNR is infinite).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MeanQuality {
    pub psnr_sum: f64,
    pub ssim_sum: f64,
    pub n: usize,
    pub identical: usize,
}

impl MeanQuality {
    fn add(&mut self, q: Quality) {
        if q.psnr.is_finite() {
            self.psnr_sum += q.psnr;
            self.ssim_sum += q.ssim;
            self.n += 1;
        } else {
            self.identical += 1;
        }
    }

    /// Mean (PSNR, SSIM) over the pairs that differ.
    pub fn value(&self) -> Option<(f64, f64)> {
        (self.n > 0).then(|| (self.psnr_sum / self.n as f64, self.ssim_sum / self.n as f64))
    }

    fn text(&self) -> String {
        match self.value() {
            Some((p, s)) => format!("{p:.2} / {s:.3}"),
            None if self.identical > 0 => "∞ / 1.000".into(),
            None => "–".into(),
        }
    }
}

/// Mean of absolute errors (degrees).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MeanError {
    pub sum: f64,
    pub n: usize,
}

impl MeanError {
    fn add(&mut self, error: f32) {
        self.sum += f64::from(error);
        self.n += 1;
    }

    /// The mean, `None` without errors.
    pub fn value(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }

    fn text(&self) -> String {
        self.value().map_or("–".into(), |v| format!("{v:.1}"))
    }
}

/// One table row.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub label: String,
    pub probes: usize,
    pub single: Rate,
    pub fused: Rate,
    pub frontal: Rate,
    /// Rank-1 of the faces synthesized at yaw 0 from the fused features.
    pub fused_frontal: Rate,
    pub raw: Rate,
    pub frontal_quality: MeanQuality,
    pub input_quality: MeanQuality,
    /// `Model::estimate_yaw` against the labelled yaw.
    pub yaw_error: MeanError,
}

/// The row over the probes (and fused groups) whose row index is in `rows`. With
/// `skip_self_truth`, probes that are their own ground truth add nothing to the quality
/// columns (so group rows compare turned faces only).
pub fn row(label: &str, results: &Results, rows: &[usize], skip_self_truth: bool) -> Row {
    let mut r = Row {
        label: label.into(),
        probes: 0,
        single: Rate::default(),
        fused: Rate::default(),
        frontal: Rate::default(),
        fused_frontal: Rate::default(),
        raw: Rate::default(),
        frontal_quality: MeanQuality::default(),
        input_quality: MeanQuality::default(),
        yaw_error: MeanError::default(),
    };
    for p in results.probes.iter().filter(|p| rows.contains(&p.row)) {
        r.probes += 1;
        r.single.add(rank1_hit(&p.model, p.identity));
        r.frontal.add(rank1_hit(&p.frontal, p.identity));
        r.raw.add(rank1_hit(&p.raw, p.identity));
        if let Some(e) = p.yaw_error {
            r.yaw_error.add(e);
        }
        if skip_self_truth && p.self_truth {
            continue;
        }
        if let Some(q) = p.frontal_quality {
            r.frontal_quality.add(q);
        }
        if let Some(q) = p.input_quality {
            r.input_quality.add(q);
        }
    }
    for f in results.fused.iter().filter(|f| rows.contains(&f.row)) {
        r.fused.add(rank1_hit(&f.scores, f.identity));
        r.fused_frontal.add(rank1_hit(&f.frontal, f.identity));
    }
    r
}

/// ROC AUC of the model, its frontalizations and raw pixels over every (probe, gallery)
/// pair of the probes in `rows`.
pub fn auc(results: &Results, rows: &[usize]) -> [Option<f64>; 3] {
    let probes: Vec<&ProbeResult> = results
        .probes
        .iter()
        .filter(|p| rows.contains(&p.row))
        .collect();
    let pairs = |scores: fn(&ProbeResult) -> &[f32]| {
        let (mut genuine, mut impostor) = (Vec::new(), Vec::new());
        for p in &probes {
            for (g, &s) in scores(p).iter().enumerate() {
                if g == p.identity {
                    genuine.push(s);
                } else {
                    impostor.push(s);
                }
            }
        }
        roc_auc(&genuine, &impostor)
    };
    [
        pairs(|p| p.model.as_slice()),
        pairs(|p| p.frontal.as_slice()),
        pairs(|p| p.raw.as_slice()),
    ]
}

/// Formats an AUC to four places, or a dash.
pub fn auc_text(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{v:.4}"))
}

/// A Markdown table of `rows`; `quality` adds the PSNR / SSIM columns, `yaw` the pose
/// head's mean absolute yaw error.
pub fn markdown(first_column: &str, rows: &[Row], fuse: usize, quality: bool, yaw: bool) -> String {
    let mut head = vec![
        first_column.to_string(),
        "probes".into(),
        "rank-1 single %".into(),
        format!("rank-1 fused ×{fuse} % (groups)"),
        "rank-1 frontalized %".into(),
        format!("rank-1 fused ×{fuse}, frontalized %"),
        "rank-1 raw pixels %".into(),
    ];
    if quality {
        head.push("PSNR dB / SSIM frontalized".into());
        head.push("PSNR dB / SSIM input".into());
    }
    if yaw {
        head.push("yaw estimate error °".into());
    }
    let mut out = line(&head);
    out += &line(&head.iter().map(|_| "---".to_string()).collect::<Vec<_>>());
    for r in rows {
        let mut cells = vec![
            r.label.clone(),
            r.probes.to_string(),
            r.single.percent(),
            match r.fused.value() {
                Some(_) => format!("{} ({})", r.fused.percent(), r.fused.total),
                None => "–".into(),
            },
            r.frontal.percent(),
            r.fused_frontal.percent(),
            r.raw.percent(),
        ];
        if quality {
            cells.push(r.frontal_quality.text());
            cells.push(r.input_quality.text());
        }
        if yaw {
            cells.push(r.yaw_error.text());
        }
        out += &line(&cells);
    }
    out
}

fn line(cells: &[String]) -> String {
    format!("| {} |\n", cells.join(" | "))
}
