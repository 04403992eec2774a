//! Where the facial features of one identity sit: the numbers shared by the shape, the
//! colouring, the expressions and the landmarks, derived once from an [`Identity`].

use crate::synth::identity::Identity;
use crate::synth::math::{ray_ellipsoid, smax, Vec3};

/// Eyeball radius (units; ~12 mm).
pub const EYE_RADIUS: f32 = 0.12;

/// Derived positions and sizes of one head (head space, units).
#[derive(Clone, Debug)]
pub struct Layout {
    pub cranium_c: Vec3,
    pub cranium_a: Vec3,
    pub face_c: Vec3,
    pub face_a: Vec3,
    pub chin_c: Vec3,
    pub chin_a: Vec3,
    pub neck_c: Vec3,
    pub neck_a: Vec3,
    /// Eye centres' x (image-left eye is negative) and y.
    pub eye_x: f32,
    pub eye_y: f32,
    /// z of each eyeball centre.
    pub eye_z: f32,
    /// Half width of the eye opening.
    pub eye_half_w: f32,
    pub lid_up: f32,
    pub lid_low: f32,
    pub nasion_y: f32,
    pub tip_y: f32,
    pub subnasale_y: f32,
    pub mouth_y: f32,
    pub mouth_half_w: f32,
    pub upper_lip_h: f32,
    pub lower_lip_h: f32,
    pub brow_y: f32,
    pub chin_y: f32,
}

impl Layout {
    pub fn new(id: &Identity) -> Layout {
        let (w, h, d) = (id.head_width, id.head_height, id.head_depth);
        let cl = id.chin_length;
        let mut l = Layout {
            cranium_c: Vec3::new(0.0, 0.12 * h, -0.08 * d),
            cranium_a: Vec3::new(0.74 * w, 1.02 * h, 0.98 * d),
            face_c: Vec3::new(0.0, -0.35 * cl, 0.05),
            face_a: Vec3::new(0.6 * id.jaw_width * w, 0.85 * cl, 0.80 * d.sqrt()),
            chin_c: Vec3::new(0.0, -0.95 * cl, 0.45),
            chin_a: Vec3::new(0.22 * id.chin_width, 0.25 * cl, 0.28),
            neck_c: Vec3::new(0.0, 0.0, -0.2 * d),
            neck_a: Vec3::new(0.46 * w, 0.0, 0.48 * d),
            eye_x: id.eye_spacing / 2.0,
            eye_y: id.eye_height,
            eye_z: 0.0,
            eye_half_w: 0.43 * id.eye_width,
            lid_up: 0.04 * id.eye_open,
            lid_low: 0.027 * id.eye_open,
            nasion_y: 0.05,
            tip_y: -0.39 * id.nose_length,
            subnasale_y: -0.39 * id.nose_length - 0.08,
            mouth_y: -0.71 * id.mouth_height * (0.6 + 0.4 * cl),
            mouth_half_w: 0.24 * id.mouth_width,
            upper_lip_h: 0.062 * id.upper_lip,
            lower_lip_h: 0.075 * id.lower_lip,
            brow_y: id.eye_height + id.brow_height,
            chin_y: -cl,
        };
        // Keep the mouth clear of the nose.
        l.mouth_y = l.mouth_y.min(l.subnasale_y - l.upper_lip_h - 0.06);
        let z_base = l.front_z_base(l.eye_x, l.eye_y);
        l.eye_z = z_base - 0.025 + id.eye_depth - EYE_RADIUS;
        l
    }

    /// Distance along the unit ray `d` from the origin to the skull/face/neck solid
    /// (before any facial feature, hair or ear is added).
    pub fn base_radius(&self, d: Vec3) -> f32 {
        let cr = ray_ellipsoid(d, self.cranium_c, self.cranium_a);
        let fa = ray_ellipsoid(d, self.face_c, self.face_a);
        let ch = ray_ellipsoid(d, self.chin_c, self.chin_a);
        let mut r = smax(cr, fa, 0.12);
        r = smax(r, ch, 0.10);
        if d.y < -0.2 {
            // Vertical elliptic neck cylinder (only below the head).
            let (dx, dz) = (d.x / self.neck_a.x, d.z / self.neck_a.z);
            let oz = -self.neck_c.z / self.neck_a.z;
            let qa = dx * dx + dz * dz;
            let qb = 2.0 * oz * dz;
            let qc = oz * oz - 1.0;
            let t = (-qb + (qb * qb - 4.0 * qa * qc).max(0.0).sqrt()) / (2.0 * qa);
            let fade = ((-0.2 - d.y) / 0.15).clamp(0.0, 1.0);
            r = smax(r, t * fade, 0.08);
        }
        r
    }

    /// z of the base solid's front surface at (x, y), by bisection along z.
    pub fn front_z_base(&self, x: f32, y: f32) -> f32 {
        let inside = |z: f32| {
            let p = Vec3::new(x, y, z);
            p.length() < self.base_radius(p.normalized())
        };
        let (mut lo, mut hi) = (0.0f32, 2.0f32);
        for _ in 0..30 {
            let mid = 0.5 * (lo + hi);
            if inside(mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    /// Signed vertical distance into the eye opening of the eye on side `s` (+1 image
    /// right); positive inside.
    pub fn eye_opening(&self, x: f32, y: f32, s: f32, tilt: f32) -> f32 {
        let u = (x - s * self.eye_x) * s;
        let t = u / self.eye_half_w;
        let yp = y - self.eye_y - tilt * u;
        if t.abs() >= 1.0 {
            let hx = (t.abs() - 1.0) * self.eye_half_w;
            return -(hx * hx + yp * yp).sqrt() - 0.001;
        }
        let q = 1.0 - t * t;
        let yu = self.lid_up * q * (1.0 - 0.25 * t);
        let yl = -self.lid_low * q * (1.0 + 0.2 * t);
        (yu - yp)
            .min(yp - yl)
            .min((1.0 - t.abs()) * self.eye_half_w * 0.5)
    }
}
