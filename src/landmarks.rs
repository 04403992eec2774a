//! Five points from the landmark sets of common detectors, for [`crate::Model::align`]
//! (docs/landmarks.md). Detectors that give five named points (RetinaFace, YuNet, MTCNN,
//! ML Kit, Apple Vision's pupils) need only a choice of points, written in the doc;
//! dense sets need averaging, done here:
//!
//! - [`LandmarkScheme::Dlib68`]: dlib's 68 points (iBUG 300-W, 0-based): each eye the mean
//!   of its six contour points (36..41, 42..47), the nose tip 30, the mouth corners 48, 54;
//! - [`LandmarkScheme::FaceMesh`]: MediaPipe Face Mesh (468 points, or 478 with irises):
//!   each eye the midpoint of its corners (33 and 133, 362 and 263), the nose tip 1, the
//!   mouth corners 61 and 291.
//!
//! The two eyes and the two mouth corners come out in image order (the one with the
//! smaller x first), as alignment expects, whichever way the detector names them or the
//! camera mirrors. Pure functions; thread-safe.

use crate::error::{Error, Result};
use crate::types::Landmarks;

/// A detector's landmark set. The numbers are part of the C ABI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
#[non_exhaustive]
pub enum LandmarkScheme {
    /// dlib's 68-point shape predictor (the iBUG 300-W layout), 0-based.
    Dlib68 = 0,
    /// MediaPipe Face Mesh: 468 points, or 478 with the iris refinement.
    FaceMesh = 1,
}

impl LandmarkScheme {
    /// The scheme with this C enum value, if any.
    pub fn from_raw(value: i32) -> Option<Self> {
        match value {
            0 => Some(LandmarkScheme::Dlib68),
            1 => Some(LandmarkScheme::FaceMesh),
            _ => None,
        }
    }

    /// The numbers of points this scheme comes in.
    pub fn point_counts(self) -> &'static [usize] {
        match self {
            LandmarkScheme::Dlib68 => &[68],
            LandmarkScheme::FaceMesh => &[468, 478],
        }
    }
}

/// The five points alignment takes, from `points` of `scheme` (in image pixels).
/// `InvalidArgument` for a count the scheme does not have, or a NaN or infinite point
/// among those used.
pub fn five_points(scheme: LandmarkScheme, points: &[[f32; 2]]) -> Result<Landmarks> {
    if !scheme.point_counts().contains(&points.len()) {
        return Err(Error::invalid(format!(
            "{scheme:?} has {:?} points; {} given",
            scheme.point_counts(),
            points.len()
        )));
    }
    let mean = |ids: &[usize]| {
        let n = ids.len() as f32;
        let sum = ids.iter().fold([0f32; 2], |s, &i| {
            [s[0] + points[i][0], s[1] + points[i][1]]
        });
        [sum[0] / n, sum[1] / n]
    };
    let [a, b, nose, c, d] = match scheme {
        LandmarkScheme::Dlib68 => [
            mean(&[36, 37, 38, 39, 40, 41]),
            mean(&[42, 43, 44, 45, 46, 47]),
            points[30],
            points[48],
            points[54],
        ],
        LandmarkScheme::FaceMesh => [
            mean(&[33, 133]),
            mean(&[362, 263]),
            points[1],
            points[61],
            points[291],
        ],
    };
    let out = [a, b, nose, c, d];
    if !out.iter().flatten().all(|v| v.is_finite()) {
        return Err(Error::invalid(format!(
            "the {scheme:?} points used hold NaN or infinity"
        )));
    }
    let in_order = |p: [f32; 2], q: [f32; 2]| if p[0] <= q[0] { [p, q] } else { [q, p] };
    let [left_eye, right_eye] = in_order(a, b);
    let [left_mouth, right_mouth] = in_order(c, d);
    Ok([left_eye, right_eye, nose, left_mouth, right_mouth])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dlib_eyes_are_contour_means_in_image_order() {
        let mut p = vec![[0f32, 0.0]; 68];
        for (i, q) in p.iter_mut().enumerate().take(42).skip(36) {
            *q = [60.0 + i as f32, 40.0]; // the subject's right eye, on the image's right
        }
        for (i, q) in p.iter_mut().enumerate().take(48).skip(42) {
            *q = [20.0 + i as f32, 42.0];
        }
        p[30] = [50.0, 60.0];
        p[48] = [70.0, 80.0];
        p[54] = [30.0, 80.0];
        let f = five_points(LandmarkScheme::Dlib68, &p).unwrap();
        assert_eq!(
            f,
            [
                [64.5, 42.0],
                [98.5, 40.0],
                [50.0, 60.0],
                [30.0, 80.0],
                [70.0, 80.0]
            ]
        );
    }

    #[test]
    fn face_mesh_takes_468_or_478_points() {
        let mut p = vec![[1f32, 1.0]; 478];
        (p[33], p[133], p[362], p[263]) = ([10.0, 10.0], [20.0, 12.0], [40.0, 12.0], [50.0, 10.0]);
        (p[1], p[61], p[291]) = ([30.0, 25.0], [18.0, 40.0], [42.0, 40.0]);
        let want = [
            [15.0, 11.0],
            [45.0, 11.0],
            [30.0, 25.0],
            [18.0, 40.0],
            [42.0, 40.0],
        ];
        assert_eq!(five_points(LandmarkScheme::FaceMesh, &p).unwrap(), want);
        assert_eq!(
            five_points(LandmarkScheme::FaceMesh, &p[..468]).unwrap(),
            want
        );
        let err = five_points(LandmarkScheme::FaceMesh, &p[..68]).unwrap_err();
        assert!(err.to_string().contains("[468, 478]"), "{err}");
        p[61] = [f32::NAN, 0.0];
        assert!(five_points(LandmarkScheme::FaceMesh, &p).is_err());
    }
}
