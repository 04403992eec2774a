//! Five-point face alignment: the least-squares similarity transform (rotation, uniform
//! scale, translation) that takes a face's five landmarks onto a template, and the warp
//! of the image through it to the model's input size. Pure functions, thread-safe.

use crate::error::{Error, Result};
use crate::image::{Image, RgbImage};
use crate::types::Landmarks;
use crate::warp::{warp, Affine};

/// `dst ≈ [a -b; b a]·src + [tx, ty]`: rotation and uniform scale, then translation.
/// Plain data.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Similarity {
    /// scale × cos(angle).
    pub a: f32,
    /// scale × sin(angle).
    pub b: f32,
    /// Translation along x, in destination pixels.
    pub tx: f32,
    /// Translation along y, in destination pixels.
    pub ty: f32,
}

impl Similarity {
    /// The least-squares similarity taking `src` points onto `dst` points.
    /// Fails if the source points are not finite or all coincide.
    pub fn fit(src: &Landmarks, dst: &Landmarks) -> Result<Similarity> {
        if src.iter().chain(dst).flatten().any(|v| !v.is_finite()) {
            return Err(Error::invalid("landmarks contain NaN or infinity"));
        }
        let mean = |p: &Landmarks| {
            let (sx, sy) = p
                .iter()
                .fold((0f64, 0f64), |(x, y), q| (x + q[0] as f64, y + q[1] as f64));
            (sx / 5.0, sy / 5.0)
        };
        let (ms, md) = (mean(src), mean(dst));
        let (mut pp, mut dot, mut cross) = (0f64, 0f64, 0f64);
        for (s, d) in src.iter().zip(dst) {
            let (px, py) = (s[0] as f64 - ms.0, s[1] as f64 - ms.1);
            let (qx, qy) = (d[0] as f64 - md.0, d[1] as f64 - md.1);
            pp += px * px + py * py;
            dot += px * qx + py * qy;
            cross += px * qy - py * qx;
        }
        if pp < 1e-6 {
            return Err(Error::invalid(
                "the five landmarks coincide; cannot align a face from them",
            ));
        }
        let (a, b) = (dot / pp, cross / pp);
        if a * a + b * b < 1e-12 {
            return Err(Error::invalid(
                "landmarks give a degenerate (zero-scale) alignment",
            ));
        }
        let tx = md.0 - (a * ms.0 - b * ms.1);
        let ty = md.1 - (b * ms.0 + a * ms.1);
        Ok(Similarity {
            a: a as f32,
            b: b as f32,
            tx: tx as f32,
            ty: ty as f32,
        })
    }

    /// Maps a point.
    pub fn apply(&self, p: [f32; 2]) -> [f32; 2] {
        [
            self.a * p[0] - self.b * p[1] + self.tx,
            self.b * p[0] + self.a * p[1] + self.ty,
        ]
    }

    /// The scale factor (source distances × scale = destination distances).
    pub fn scale(&self) -> f32 {
        self.a.hypot(self.b)
    }

    /// The inverse map as an output→source affine for warping.
    fn inverse(&self) -> Affine {
        let k = self.a * self.a + self.b * self.b;
        let (ia, ib) = (self.a / k, self.b / k);
        // src = [ia ib; -ib ia]·(dst - t)
        Affine {
            m: [
                ia,
                ib,
                -(ia * self.tx + ib * self.ty),
                -ib,
                ia,
                ib * self.tx - ia * self.ty,
            ],
        }
    }
}

/// Warps `image` so that `points` land on `template` (points in output pixels), into a
/// `size`×`size` RGB8 image.
pub fn align(
    image: &Image,
    points: &Landmarks,
    template: &Landmarks,
    size: u32,
) -> Result<RgbImage> {
    let t = Similarity::fit(points, template)?;
    let scale = t.scale();
    // An eye distance of a few thousandths of a pixel, or larger than the whole output
    // many times over, is a caller mistake, not a face.
    if !(1e-3..=1e3).contains(&scale) {
        return Err(Error::invalid(format!(
            "landmarks imply a scale of {scale} between image and crop; check their units"
        )));
    }
    let mut data = vec![0u8; size as usize * size as usize * 3];
    let s = size as usize;
    warp(image, &t.inverse(), size, size, |x, y, p| {
        let i = (y as usize * s + x as usize) * 3;
        for c in 0..3 {
            data[i + c] = p[c].round().clamp(0.0, 255.0) as u8;
        }
    });
    Ok(RgbImage {
        width: size,
        height: size,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: Landmarks = [
        [32.6, 38.4],
        [63.4, 38.4],
        [48.0, 53.8],
        [35.5, 69.1],
        [60.5, 69.1],
    ];

    #[test]
    fn recovers_a_known_similarity() {
        let truth = Similarity {
            a: 0.8,
            b: 0.3,
            tx: 5.0,
            ty: -7.0,
        };
        let src = TEMPLATE;
        let dst = src.map(|p| truth.apply(p));
        let fit = Similarity::fit(&src, &dst).unwrap();
        for (x, y) in [
            (fit.a, truth.a),
            (fit.b, truth.b),
            (fit.tx, truth.tx),
            (fit.ty, truth.ty),
        ] {
            assert!((x - y).abs() < 1e-3, "{fit:?} vs {truth:?}");
        }
        // The inverse affine undoes the map.
        let inv = fit.inverse();
        let q = fit.apply([10.0, 20.0]);
        let m = inv.m;
        let back = [
            m[0] * q[0] + m[1] * q[1] + m[2],
            m[3] * q[0] + m[4] * q[1] + m[5],
        ];
        assert!((back[0] - 10.0).abs() < 1e-3 && (back[1] - 20.0).abs() < 1e-3);
    }

    #[test]
    fn degenerate_points_are_an_error() {
        let same = [[5.0, 5.0]; 5];
        assert!(Similarity::fit(&same, &TEMPLATE).is_err());
        let mut nan = TEMPLATE;
        nan[2][0] = f32::NAN;
        assert!(Similarity::fit(&nan, &TEMPLATE).is_err());
    }
}
