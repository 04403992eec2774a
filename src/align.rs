//! Face alignment at any yaw: from what an app has (five points from a common face
//! detector, or only a face box) to the model's crop. One rule serves every pose and is
//! the rule `drgan-train` makes its training crops with, so a user's crop is framed as
//! the model's training pictures were (docs/alignment.md). Pure functions, thread-safe.
//!
//! The rule uses the points that stay meaningful on a profile: the midpoint E of the two
//! eyes and the midpoint M of the two mouth corners (a detector guesses the hidden eye
//! and corner, but their midpoints stay on the face). The crop turns E→M upright, scales
//! it to the template's eye-to-mouth length and puts it on the template's midline, shifted
//! back toward the head's centre by half the nose's sideways offset (a turned face's
//! features lie in front of the head's centre). The eye distance is never fitted, so a
//! face keeps its own proportions and a profile is not stretched sideways.

use crate::error::{Error, Result};
use crate::image::{Image, RgbImage};
use crate::types::Landmarks;
use crate::warp::{warp, Affine};

/// How far back toward the head's centre the crop's midline moves, per unit of the
/// nose's sideways offset: half of the 1.07 by which a face detector's box centre sits
/// behind the eye–mouth line (measured on CFP's training splits, docs/alignment.md).
pub const HEAD_SHIFT: f32 = 0.5;

/// The nose's sideways offset, in eye-to-mouth lengths, of a face turned 90°: the sine
/// law `offset = NOSE_REACH · sin(yaw)` that [`landmark_yaw`] inverts (calibrated on
/// CFP's training profiles, 60–90°, whose mean offset is 0.285).
pub const NOSE_REACH: f32 = 0.295;

/// Eye-to-mouth lengths in a face detector's box height (YuNet-like boxes from brow to
/// chin: 2.63 on frontal faces, 2.42 on profiles, 2.78 on LFW).
pub const BOX_HEIGHT_IN_FACE_LENGTHS: f32 = 2.65;

/// How far below the box's centre the eye–mouth midpoint lies, in eye-to-mouth lengths.
pub const BOX_CENTRE_ABOVE_FACE: f32 = 0.1;

/// A face box in image pixels: `x1, y1` the top-left corner, `x2, y2` the bottom-right.
pub type FaceBox = [f32; 4];

/// The face's frame read from five points: the eye–mouth line and the nose's offset.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FaceFrame {
    /// Midpoint of the eyes.
    pub eyes: [f32; 2],
    /// Midpoint of the mouth corners.
    pub mouth: [f32; 2],
    /// The nose tip's distance from the eye–mouth line, in eye-to-mouth lengths,
    /// positive when it points to the image's right (the face turned to the image's
    /// right, positive yaw).
    pub nose_offset: f32,
}

impl FaceFrame {
    /// Reads five points (eye on the image's left, other eye, nose tip, mouth corner on
    /// the image's left, other corner). Fails on NaN or infinite points and when the eyes'
    /// and the mouth's midpoints coincide.
    pub fn from_points(points: &Landmarks) -> Result<FaceFrame> {
        if points.iter().flatten().any(|v| !v.is_finite()) {
            return Err(Error::invalid("landmarks contain NaN or infinity"));
        }
        let mid = |a: [f32; 2], b: [f32; 2]| [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
        let (eyes, mouth) = (mid(points[0], points[1]), mid(points[3], points[4]));
        let (dx, dy) = (mouth[0] - eyes[0], mouth[1] - eyes[1]);
        let length = dx.hypot(dy);
        if length <= 1e-3 {
            return Err(Error::invalid(
                "the eyes and the mouth are at one point; cannot align a face from them",
            ));
        }
        if !length.is_finite() {
            return Err(Error::invalid(
                "landmarks too far apart for single-precision pixels",
            ));
        }
        // Unit vector across the face, to the image's right when the face is upright.
        let across = [dy / length, -dx / length];
        let centre = mid(eyes, mouth);
        let nose = [points[2][0] - centre[0], points[2][1] - centre[1]];
        let nose_offset = (nose[0] * across[0] + nose[1] * across[1]) / length;
        Ok(FaceFrame {
            eyes,
            mouth,
            nose_offset,
        })
    }

    /// The frame a face box implies for an upright face of unknown yaw (no nose offset).
    pub fn from_box(face: &FaceBox) -> Result<FaceFrame> {
        let [x1, y1, x2, y2] = *face;
        if face.iter().any(|v| !v.is_finite()) {
            return Err(Error::invalid("face box contains NaN or infinity"));
        }
        if x2 - x1 <= 1e-3 || y2 - y1 <= 1e-3 {
            return Err(Error::invalid(format!(
                "face box ({x1}, {y1})-({x2}, {y2}) is empty: x2 and y2 must exceed x1 and y1"
            )));
        }
        let length = (y2 - y1) / BOX_HEIGHT_IN_FACE_LENGTHS;
        if !(length.is_finite() && (x2 - x1).is_finite()) {
            return Err(Error::invalid(
                "face box too large for single-precision pixels",
            ));
        }
        let (cx, cy) = (
            (x1 + x2) / 2.0,
            (y1 + y2) / 2.0 + BOX_CENTRE_ABOVE_FACE * length,
        );
        Ok(FaceFrame {
            eyes: [cx, cy - length / 2.0],
            mouth: [cx, cy + length / 2.0],
            nose_offset: 0.0,
        })
    }

    /// The eye-to-mouth length in pixels.
    pub fn length(&self) -> f32 {
        (self.mouth[0] - self.eyes[0]).hypot(self.mouth[1] - self.eyes[1])
    }

    /// The yaw the nose's offset implies, in degrees (see [`landmark_yaw`]).
    pub fn yaw(&self) -> f32 {
        (self.nose_offset / NOSE_REACH)
            .clamp(-1.0, 1.0)
            .asin()
            .to_degrees()
    }

    /// The similarity taking this face onto `template`'s frame: E and M, shifted back
    /// toward the head's centre by [`HEAD_SHIFT`] × the nose offset, land on the
    /// template's eye and mouth midpoints.
    pub fn to_template(&self, template: &Landmarks) -> Result<Similarity> {
        let t = FaceFrame::from_points(template)?;
        let l = self.length();
        let (dx, dy) = (
            (self.mouth[0] - self.eyes[0]) / l,
            (self.mouth[1] - self.eyes[1]) / l,
        );
        let shift = HEAD_SHIFT * self.nose_offset * l;
        let back = [dy * shift, -dx * shift];
        let e = [self.eyes[0] - back[0], self.eyes[1] - back[1]];
        let m = [self.mouth[0] - back[0], self.mouth[1] - back[1]];
        Similarity::from_pair([e, m], [t.eyes, t.mouth])
    }
}

/// The yaw in degrees that five detector points imply, from the nose's sideways offset
/// (`asin(offset / NOSE_REACH)`); positive when the face is turned toward the image's
/// right. Coarse (about ±10° near frontal, saturating toward ±90°): use the model's pose
/// head ([`crate::Model::estimate_yaw`]) where it has one.
pub fn landmark_yaw(points: &Landmarks) -> Result<f32> {
    Ok(FaceFrame::from_points(points)?.yaw())
}

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
    /// The similarity taking the two `src` points exactly onto the two `dst` points.
    /// Fails when the source points coincide or any value is not finite.
    pub fn from_pair(src: [[f32; 2]; 2], dst: [[f32; 2]; 2]) -> Result<Similarity> {
        if src.iter().chain(&dst).flatten().any(|v| !v.is_finite()) {
            return Err(Error::invalid("points contain NaN or infinity"));
        }
        // As complex numbers: dst = k·src + t with k = (d1 - d0) / (s1 - s0).
        let (sx, sy) = (
            (src[1][0] - src[0][0]) as f64,
            (src[1][1] - src[0][1]) as f64,
        );
        let (dx, dy) = (
            (dst[1][0] - dst[0][0]) as f64,
            (dst[1][1] - dst[0][1]) as f64,
        );
        let norm = sx * sx + sy * sy;
        if norm < 1e-12 {
            return Err(Error::invalid("the two source points coincide"));
        }
        let a = (dx * sx + dy * sy) / norm;
        let b = (dy * sx - dx * sy) / norm;
        let (x0, y0) = (src[0][0] as f64, src[0][1] as f64);
        Ok(Similarity {
            a: a as f32,
            b: b as f32,
            tx: (dst[0][0] as f64 - (a * x0 - b * y0)) as f32,
            ty: (dst[0][1] as f64 - (b * x0 + a * y0)) as f32,
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

/// The `size`×`size` RGB8 crop of the face whose five `points` are given, framed on
/// `template` (the model's canonical points, in crop pixels) by the rule of this module.
pub fn align(
    image: &Image,
    points: &Landmarks,
    template: &Landmarks,
    size: u32,
) -> Result<RgbImage> {
    crop(image, &FaceFrame::from_points(points)?, template, size)
}

/// The crop of the face in a detector's box, for detectors that give no points: framed
/// as [`align`] frames an upright face seen from the front. Less exact than five points
/// (no roll, no yaw shift; calibrated on YuNet's boxes, other detectors' boxes may sit
/// differently).
pub fn align_box(
    image: &Image,
    face: &FaceBox,
    template: &Landmarks,
    size: u32,
) -> Result<RgbImage> {
    crop(image, &FaceFrame::from_box(face)?, template, size)
}

/// Warps `image` through `frame.to_template(template)` into a `size`×`size` RGB8 crop.
pub fn crop(image: &Image, frame: &FaceFrame, template: &Landmarks, size: u32) -> Result<RgbImage> {
    let t = frame.to_template(template)?;
    let scale = t.scale();
    // A face of a few thousandths of a pixel, or larger than the whole output many times
    // over, is a caller mistake, not a face.
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

    fn close(a: [f32; 2], b: [f32; 2], tol: f32) -> bool {
        (a[0] - b[0]).hypot(a[1] - b[1]) < tol
    }

    #[test]
    fn a_pair_similarity_is_exact_and_inverts() {
        let src = [[10.0, 20.0], [14.0, 41.0]];
        let dst = [[48.0, 38.4], [48.0, 69.1]];
        let t = Similarity::from_pair(src, dst).unwrap();
        assert!(close(t.apply(src[0]), dst[0], 1e-3) && close(t.apply(src[1]), dst[1], 1e-3));
        let m = t.inverse().m;
        let q = t.apply([3.0, -7.0]);
        let back = [
            m[0] * q[0] + m[1] * q[1] + m[2],
            m[3] * q[0] + m[4] * q[1] + m[5],
        ];
        assert!(close(back, [3.0, -7.0], 1e-3), "{back:?}");
    }

    #[test]
    fn a_frontal_face_lands_on_the_template_midline() {
        // The template itself, moved, turned and scaled: E and M land exactly.
        let truth = Similarity {
            a: 1.7,
            b: -0.4,
            tx: 120.0,
            ty: 33.0,
        };
        let face = TEMPLATE.map(|p| truth.apply(p));
        let frame = FaceFrame::from_points(&face).unwrap();
        assert!(frame.nose_offset.abs() < 1e-4 && frame.yaw().abs() < 0.1);
        let t = frame.to_template(&TEMPLATE).unwrap();
        for p in TEMPLATE.iter().zip(&face) {
            assert!(close(t.apply(*p.1), *p.0, 1e-2), "{p:?}");
        }
    }

    #[test]
    fn a_turned_face_keeps_its_line_and_moves_back_toward_the_head() {
        // The nose pushed to the image's right by 0.2 face lengths: yaw positive, and
        // the crop's midline moves to the image's left of the eye–mouth line by
        // HEAD_SHIFT × 0.2 lengths, i.e. the features land right of the template's.
        let mut face = TEMPLATE;
        let length = TEMPLATE[3][1] - TEMPLATE[0][1];
        face[2][0] += 0.2 * length;
        let frame = FaceFrame::from_points(&face).unwrap();
        assert!((frame.nose_offset - 0.2).abs() < 1e-4);
        let want = (0.2f32 / NOSE_REACH).asin().to_degrees();
        assert!((frame.yaw() - want).abs() < 1e-3 && frame.yaw() > 30.0);
        let t = frame.to_template(&TEMPLATE).unwrap();
        let e = t.apply(frame.eyes);
        assert!((t.scale() - 1.0).abs() < 1e-4);
        assert!(
            (e[0] - (48.0 + HEAD_SHIFT * 0.2 * length)).abs() < 1e-3,
            "{e:?}"
        );
        assert!((e[1] - 38.4).abs() < 1e-3);
        // Mirrored, the other way.
        let mirrored = face.map(|[x, y]| [96.0 - x, y]);
        let m = FaceFrame::from_points(&mirrored).unwrap();
        assert!((m.yaw() + frame.yaw()).abs() < 1e-3);
    }

    #[test]
    fn a_box_gives_an_upright_frame_of_its_height() {
        let frame = FaceFrame::from_box(&[10.0, 20.0, 90.0, 126.0]).unwrap();
        assert!((frame.length() - 106.0 / BOX_HEIGHT_IN_FACE_LENGTHS).abs() < 1e-3);
        assert_eq!(frame.eyes[0], 50.0);
        assert_eq!(frame.mouth[0], 50.0);
        assert!(frame.eyes[1] < frame.mouth[1]);
        assert!(FaceFrame::from_box(&[10.0, 20.0, 5.0, 126.0]).is_err());
        assert!(FaceFrame::from_box(&[10.0, f32::NAN, 50.0, 126.0]).is_err());
    }

    #[test]
    fn degenerate_points_are_an_error() {
        assert!(FaceFrame::from_points(&[[5.0, 5.0]; 5]).is_err());
        let mut nan = TEMPLATE;
        nan[2][0] = f32::NAN;
        assert!(FaceFrame::from_points(&nan).is_err());
        assert!(landmark_yaw(&nan).is_err());
        // Finite points whose differences overflow are refused, never a NaN yaw.
        let huge = [
            [-3e38, -3e38],
            [3e38, -3e38],
            [0.0, 0.0],
            [-3e38, 3e38],
            [3e38, 3e38],
        ];
        assert!(landmark_yaw(&huge).is_err());
        assert!(FaceFrame::from_box(&[-3e38, -3e38, 3e38, 3e38]).is_err());
        assert!(Similarity::from_pair([[1.0, 1.0]; 2], [[0.0, 0.0], [1.0, 1.0]]).is_err());
    }
}
