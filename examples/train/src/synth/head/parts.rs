//! The separate meshes of a head: eyeballs, ears and glasses frames.

use super::layout::{Layout, EYE_RADIUS};
use crate::synth::identity::{srgb, Identity};
use crate::synth::math::{bump, Mat3, Vec3};
use crate::synth::mesh::{Mesh, Part};

/// Adds one eyeball looking straight ahead (+z); returns the index of its pupil-centre
/// vertex (the eye-centre landmark).
pub fn eyeball(mesh: &mut Mesh, id: &Identity, l: &Layout, side: f32) -> u32 {
    let part = if side < 0.0 {
        Part::EyeLeft
    } else {
        Part::EyeRight
    };
    let c = Vec3::new(side * l.eye_x, l.eye_y, l.eye_z);
    let ap = (0.022f32 / EYE_RADIUS).asin().to_degrees();
    let ai = (id.iris_radius / EYE_RADIUS).asin().to_degrees();
    let pupil = [0.008, 0.008, 0.01];
    let iris = id.iris_colour;
    let limbal = [iris[0] * 0.45, iris[1] * 0.45, iris[2] * 0.45];
    let sclera = srgb(200, 192, 182);
    let inner = [iris[0] * 0.8, iris[1] * 0.8, iris[2] * 0.8];
    // (angle from the gaze axis in degrees, colour); repeated angles make crisp edges.
    let rings: [(f32, [f32; 3]); 11] = [
        (0.5 * ap, pupil),
        (ap, pupil),
        (ap, inner),
        (0.5 * (ap + ai), iris),
        (0.85 * ai, iris),
        (ai, limbal),
        (ai, sclera),
        (45.0, sclera),
        (65.0, sclera),
        (90.0, sclera),
        (120.0, sclera),
    ];
    let seg = 16;
    let pole = mesh.push_vertex(c + Vec3::new(0.0, 0.0, EYE_RADIUS), pupil, 0.9);
    mesh.normal[pole as usize] = Vec3::new(0.0, 0.0, 1.0);
    let first = mesh.pos.len() as u32;
    for &(a, col) in &rings {
        let a = a.to_radians();
        for k in 0..seg {
            let b = k as f32 / seg as f32 * std::f32::consts::TAU;
            let n = Vec3::new(a.sin() * b.cos(), a.sin() * b.sin(), a.cos());
            let v = mesh.push_vertex(c + n * EYE_RADIUS, col, 0.9);
            mesh.normal[v as usize] = n;
        }
    }
    let idx = |r: usize, k: usize| first + (r * seg + k % seg) as u32;
    for k in 0..seg {
        mesh.push_tri([pole, idx(0, k), idx(0, k + 1)], part);
    }
    for r in 0..rings.len() - 1 {
        if rings[r].0 == rings[r + 1].0 {
            continue;
        }
        for k in 0..seg {
            mesh.push_tri([idx(r, k), idx(r + 1, k), idx(r, k + 1)], part);
            mesh.push_tri([idx(r, k + 1), idx(r + 1, k), idx(r + 1, k + 1)], part);
        }
    }
    pole
}

/// Adds one ear (a thin double-sided sheet with a rim and a hollow) on side `side`.
pub fn ear(mesh: &mut Mesh, id: &Identity, l: &Layout, side: f32) {
    let part = if side < 0.0 {
        Part::EarLeft
    } else {
        Part::EarRight
    };
    let s = id.ear_size;
    let (a, b) = (0.29 * s, 0.16 * s);
    let yc = -0.12 + id.ear_height;
    let zf = 0.02;
    let dir = Vec3::new(side, yc, zf).normalized();
    let r = l.base_radius(dir);
    let hinge = dir * (r - 0.03);
    // Ear frame: v up (tilted back), u backward, n outward; then swing out by the protrusion.
    let tilt = Mat3::rot_x(-0.25);
    let v_ax = tilt.mul_vec(Vec3::new(0.0, 1.0, 0.0));
    let u0 = tilt.mul_vec(Vec3::new(0.0, 0.0, -1.0));
    let n0 = Vec3::new(side, 0.0, 0.0);
    let pa = id.ear_protrusion;
    let u_ax = u0 * pa.cos() + n0 * pa.sin();
    let n_ax = n0 * pa.cos() - u0 * pa.sin();
    let skin = id.skin_colour;
    let ear_col = [skin[0] * 1.02, skin[1] * 0.9, skin[2] * 0.88];
    let rings = 9;
    let seg = 28;
    let first = mesh.pos.len() as u32;
    let tri0 = mesh.tris.len();
    for ri in 0..rings {
        let rho = 0.08 + 0.92 * ri as f32 / (rings - 1) as f32;
        for k in 0..seg {
            let al = k as f32 / seg as f32 * std::f32::consts::TAU;
            let (ca, sa) = (al.cos(), al.sin());
            // The lobe (lower half) is narrower.
            let bw = if sa < 0.0 {
                b * (1.0 - 0.25 * sa * sa)
            } else {
                b
            };
            let lu = b + rho * bw * ca;
            let lv = rho * a * sa;
            let h = 0.028 * bump(((rho - 0.9) / 0.14).powi(2)) - 0.03 * bump((rho / 0.6).powi(2))
                + 0.02 * rho * rho;
            let p = hinge + u_ax * lu + v_ax * lv + n_ax * h;
            let shade = 0.55 + 0.45 * (rho / 0.75).min(1.0);
            let v = mesh.push_vertex(
                p,
                [ear_col[0] * shade, ear_col[1] * shade, ear_col[2] * shade],
                0.1,
            );
            let _ = v;
        }
    }
    mesh.grid(first, rings, seg, true, side > 0.0, part);
    let v0 = first as usize;
    mesh.compute_normals(v0..mesh.pos.len(), tri0..mesh.tris.len());
}

/// Adds a glasses frame (two rims, a bridge and two temples).
pub fn glasses(mesh: &mut Mesh, id: &Identity, l: &Layout) {
    let Some(g) = id.glasses else { return };
    let z_rim = l.eye_z + EYE_RADIUS + 0.11;
    let y_rim = l.eye_y - 0.01;
    let n = 40;
    let e = 2.0 / g.squareness;
    for s in [-1.0f32, 1.0] {
        let cx = s * l.eye_x;
        let mut path: Vec<Vec3> = (0..=n)
            .map(|k| {
                let t = k as f32 / n as f32 * std::f32::consts::TAU;
                let (c, sn) = (t.cos(), t.sin());
                let x = g.half_width * c.signum() * c.abs().powf(e);
                let y = g.half_height * sn.signum() * sn.abs().powf(e);
                Vec3::new(cx + x, y_rim + y, z_rim - 0.03 * (x / g.half_width).powi(2))
            })
            .collect();
        path.push(path[1]);
        mesh.tube(&path, g.thickness, 6, g.colour, 0.5, Part::Glasses);
        // Temple: from the outer rim edge back to above the ear, kept off the skin.
        let start = Vec3::new(
            cx + s * g.half_width,
            y_rim + 0.3 * g.half_height,
            z_rim - 0.03,
        );
        let end = Vec3::new(s * 0.8, 0.05, -0.1);
        let temple: Vec<Vec3> = (0..=12)
            .map(|k| {
                let p = start.lerp(end, k as f32 / 12.0);
                let d = p.normalized();
                let r = l.base_radius(d) + 0.02 + g.thickness;
                if p.length() < r {
                    d * r
                } else {
                    p
                }
            })
            .collect();
        mesh.tube(&temple, g.thickness * 0.8, 6, g.colour, 0.5, Part::Glasses);
    }
    // Bridge over the nose.
    let zb = l.front_z_base(0.0, y_rim + 0.03) + 0.06;
    let bridge: Vec<Vec3> = (0..=8)
        .map(|k| {
            let t = k as f32 / 8.0;
            let x = (t * 2.0 - 1.0) * (l.eye_x - g.half_width);
            let arch = (std::f32::consts::PI * t).sin();
            Vec3::new(x, y_rim + 0.02 + 0.02 * arch, z_rim.max(zb) + 0.01 * arch)
        })
        .collect();
    mesh.tube(&bridge, g.thickness, 6, g.colour, 0.5, Part::Glasses);
}
