//! The camera: a fixed perspective view of the head, and the 2D similarity that frames
//! the picture like the SDK's five-point alignment.

use super::math::{Mat3, Vec3};

/// Distance from the camera to the head's rotation centre (units; ~90 cm).
pub const CAMERA_DISTANCE: f32 = 9.0;

/// Point the head turns about (head space): on the midline, 4.5 cm in front of the point
/// between the ears, so that the face, not the back of the head, stays in the crop at
/// profile while the frontal framing is kept for every yaw.
pub const ROTATION_PIVOT: Vec3 = Vec3::new(0.0, 0.0, 0.45);

/// Perspective projection of a posed head-space point: normalised image coordinates
/// (x right, y down) and the depth along the view axis.
pub fn project_normalized(p: Vec3) -> (f32, f32, f32) {
    let depth = CAMERA_DISTANCE - p.z;
    (p.x / depth, -p.y / depth, depth)
}

/// Head orientation for a yaw, pitch and roll in degrees.
///
/// Positive yaw turns the face toward the image's right (the subject's own left);
/// positive pitch lifts the chin; positive roll tilts the head counter-clockwise in the
/// image. The rotation is `R_y(yaw) * R_x(pitch) * R_z(roll)` about [`ROTATION_PIVOT`].
pub fn head_rotation(yaw_deg: f32, pitch_deg: f32, roll_deg: f32) -> Mat3 {
    Mat3::rot_y(yaw_deg.to_radians())
        .mul_mat(&Mat3::rot_x(pitch_deg.to_radians()))
        .mul_mat(&Mat3::rot_z(roll_deg.to_radians()))
}

/// A 2D similarity `(u, v) -> (a u - b v + tx, b u + a v + ty)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Similarity {
    pub a: f32,
    pub b: f32,
    pub tx: f32,
    pub ty: f32,
}

impl Similarity {
    pub fn apply(&self, u: f32, v: f32) -> (f32, f32) {
        (
            self.a * u - self.b * v + self.tx,
            self.b * u + self.a * v + self.ty,
        )
    }
    /// This similarity followed by a scale `s` about `(cx, cy)` and a shift.
    pub fn then_scale_shift(&self, s: f32, cx: f32, cy: f32, dx: f32, dy: f32) -> Similarity {
        Similarity {
            a: self.a * s,
            b: self.b * s,
            tx: (self.tx - cx) * s + cx + dx,
            ty: (self.ty - cy) * s + cy + dy,
        }
    }
}

/// Least-squares similarity mapping `src` onto `dst` (Umeyama, 2D).
pub fn fit_similarity(src: &[[f32; 2]], dst: &[[f32; 2]]) -> Similarity {
    let n = src.len() as f32;
    let mean = |p: &[[f32; 2]]| {
        let s = p
            .iter()
            .fold([0.0, 0.0], |acc, q| [acc[0] + q[0], acc[1] + q[1]]);
        [s[0] / n, s[1] / n]
    };
    let (ms, md) = (mean(src), mean(dst));
    let (mut num_a, mut num_b, mut den) = (0.0, 0.0, 0.0);
    for (p, q) in src.iter().zip(dst) {
        let (px, py) = (p[0] - ms[0], p[1] - ms[1]);
        let (qx, qy) = (q[0] - md[0], q[1] - md[1]);
        num_a += px * qx + py * qy;
        num_b += px * qy - py * qx;
        den += px * px + py * py;
    }
    let (a, b) = (num_a / den, num_b / den);
    Similarity {
        a,
        b,
        tx: md[0] - (a * ms[0] - b * ms[1]),
        ty: md[1] - (b * ms[0] + a * ms[1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_fit_recovers_a_known_transform() {
        let t = Similarity {
            a: 0.8,
            b: 0.3,
            tx: 0.1,
            ty: -0.2,
        };
        let src = [[0.0, 0.0], [1.0, 0.2], [0.3, 1.0], [-0.5, 0.4]];
        let dst: Vec<[f32; 2]> = src
            .iter()
            .map(|p| {
                let (x, y) = t.apply(p[0], p[1]);
                [x, y]
            })
            .collect();
        let f = fit_similarity(&src, &dst);
        assert!((f.a - t.a).abs() < 1e-5 && (f.b - t.b).abs() < 1e-5);
        assert!((f.tx - t.tx).abs() < 1e-5 && (f.ty - t.ty).abs() < 1e-5);
    }
}
