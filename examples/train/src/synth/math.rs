//! Small 3D vector / matrix helpers and smooth kernels used by the generator.

use std::ops::{Add, AddAssign, Mul, Neg, Sub};

/// A 3D vector (f32). Head space: x toward the subject's own left (image right at yaw 0),
/// y up, z out of the face toward the camera.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Vec3 {
    pub x: f32,
    pub y: f32,
    pub z: f32,
}

impl Vec3 {
    pub const ZERO: Vec3 = Vec3 {
        x: 0.0,
        y: 0.0,
        z: 0.0,
    };

    pub const fn new(x: f32, y: f32, z: f32) -> Self {
        Vec3 { x, y, z }
    }
    pub fn dot(self, o: Vec3) -> f32 {
        self.x * o.x + self.y * o.y + self.z * o.z
    }
    pub fn cross(self, o: Vec3) -> Vec3 {
        Vec3::new(
            self.y * o.z - self.z * o.y,
            self.z * o.x - self.x * o.z,
            self.x * o.y - self.y * o.x,
        )
    }
    pub fn length(self) -> f32 {
        self.dot(self).sqrt()
    }
    /// Unit vector in the same direction; zero stays zero.
    pub fn normalized(self) -> Vec3 {
        let l = self.length();
        if l > 1e-12 {
            self * (1.0 / l)
        } else {
            Vec3::ZERO
        }
    }
    pub fn lerp(self, o: Vec3, t: f32) -> Vec3 {
        self + (o - self) * t
    }
    pub fn mul_elem(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x * o.x, self.y * o.y, self.z * o.z)
    }
}

impl Add for Vec3 {
    type Output = Vec3;
    fn add(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x + o.x, self.y + o.y, self.z + o.z)
    }
}
impl AddAssign for Vec3 {
    fn add_assign(&mut self, o: Vec3) {
        *self = *self + o;
    }
}
impl Sub for Vec3 {
    type Output = Vec3;
    fn sub(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x - o.x, self.y - o.y, self.z - o.z)
    }
}
impl Mul<f32> for Vec3 {
    type Output = Vec3;
    fn mul(self, s: f32) -> Vec3 {
        Vec3::new(self.x * s, self.y * s, self.z * s)
    }
}
impl Neg for Vec3 {
    type Output = Vec3;
    fn neg(self) -> Vec3 {
        Vec3::new(-self.x, -self.y, -self.z)
    }
}

/// A row-major 3x3 matrix.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mat3(pub [[f32; 3]; 3]);

impl Mat3 {
    pub const IDENTITY: Mat3 = Mat3([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]);

    /// Rotation about +y by `a` radians: +a turns +z (the nose) toward +x (image right).
    pub fn rot_y(a: f32) -> Mat3 {
        let (s, c) = a.sin_cos();
        Mat3([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])
    }
    /// Rotation about +x by `a` radians: +a turns +z (the nose) toward +y (chin up).
    pub fn rot_x(a: f32) -> Mat3 {
        let (s, c) = a.sin_cos();
        Mat3([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])
    }
    /// Rotation about +z by `a` radians (in-plane roll).
    pub fn rot_z(a: f32) -> Mat3 {
        let (s, c) = a.sin_cos();
        Mat3([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    }
    pub fn mul_vec(&self, v: Vec3) -> Vec3 {
        let m = &self.0;
        Vec3::new(
            m[0][0] * v.x + m[0][1] * v.y + m[0][2] * v.z,
            m[1][0] * v.x + m[1][1] * v.y + m[1][2] * v.z,
            m[2][0] * v.x + m[2][1] * v.y + m[2][2] * v.z,
        )
    }
    pub fn mul_mat(&self, o: &Mat3) -> Mat3 {
        let mut r = [[0.0f32; 3]; 3];
        for (i, row) in r.iter_mut().enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                *cell = (0..3).map(|k| self.0[i][k] * o.0[k][j]).sum();
            }
        }
        Mat3(r)
    }
}

/// Hermite smoothstep from `e0` to `e1`.
pub fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

pub fn lerp(a: f32, b: f32, t: f32) -> f32 {
    a + (b - a) * t
}

/// Compact smooth bump of a squared normalised distance: `(1 - q)^3` for `q < 1`, else 0.
pub fn bump(q: f32) -> f32 {
    if q >= 1.0 {
        0.0
    } else {
        let t = 1.0 - q;
        t * t * t
    }
}

/// Elliptical compact bump centred at (cx, cy) with radii (rx, ry).
pub fn bump2(x: f32, y: f32, cx: f32, cy: f32, rx: f32, ry: f32) -> f32 {
    let dx = (x - cx) / rx;
    let dy = (y - cy) / ry;
    bump(dx * dx + dy * dy)
}

/// Polynomial smooth maximum with blend width `k`.
pub fn smax(a: f32, b: f32, k: f32) -> f32 {
    0.5 * (a + b + ((a - b) * (a - b) + k * k).sqrt())
}

/// Piecewise-linear interpolation through `(x, y)` keys sorted by x; clamps at the ends.
pub fn piecewise(keys: &[(f32, f32)], x: f32) -> f32 {
    if x <= keys[0].0 {
        return keys[0].1;
    }
    for w in keys.windows(2) {
        let (x0, y0) = w[0];
        let (x1, y1) = w[1];
        if x <= x1 {
            let t = smoothstep(0.0, 1.0, (x - x0) / (x1 - x0));
            return lerp(y0, y1, t);
        }
    }
    keys[keys.len() - 1].1
}

/// Distance along the ray `t * dir` (t > 0, from the origin, which must lie inside) to the
/// surface of the axis-aligned ellipsoid with centre `c` and semi-axes `a`.
pub fn ray_ellipsoid(dir: Vec3, c: Vec3, a: Vec3) -> f32 {
    // Scale space so the ellipsoid is a unit sphere.
    let d = Vec3::new(dir.x / a.x, dir.y / a.y, dir.z / a.z);
    let o = Vec3::new(-c.x / a.x, -c.y / a.y, -c.z / a.z);
    let qa = d.dot(d);
    let qb = 2.0 * o.dot(d);
    let qc = o.dot(o) - 1.0;
    let disc = (qb * qb - 4.0 * qa * qc).max(0.0);
    (-qb + disc.sqrt()) / (2.0 * qa)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaw_rotation_turns_nose_to_image_right() {
        let n = Mat3::rot_y(std::f32::consts::FRAC_PI_2).mul_vec(Vec3::new(0.0, 0.0, 1.0));
        assert!((n.x - 1.0).abs() < 1e-6 && n.z.abs() < 1e-6);
    }

    #[test]
    fn ray_hits_unit_sphere_at_one() {
        let r = ray_ellipsoid(
            Vec3::new(0.6, 0.8, 0.0),
            Vec3::ZERO,
            Vec3::new(1.0, 1.0, 1.0),
        );
        assert!((r - 1.0).abs() < 1e-5);
    }
}
