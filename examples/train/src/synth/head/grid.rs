//! The head surface mesh: a latitude/longitude grid around the head centre, densest over
//! the face, with normals and a baked ambient-occlusion term.

use super::albedo::head_albedo;
use super::layout::Layout;
use super::shape::{face_z, facial_hair_at, hair_at};
use crate::synth::identity::{FacialHair, Identity};
use crate::synth::math::{piecewise, smoothstep, Vec3};
use crate::synth::mesh::{Mesh, Part};
use std::ops::Range;

/// Angular step of the grid over the face, in degrees.
pub const FACE_STEP_DEG: f32 = 1.25;

/// Index ranges of the head surface inside the mesh.
#[derive(Clone, Debug)]
pub struct HeadGrid {
    pub vertices: Range<usize>,
    pub tris: Range<usize>,
}

/// Angles from `lo` to `hi` with a step that depends on the angle.
fn samples(lo: f32, hi: f32, step: impl Fn(f32) -> f32) -> Vec<f32> {
    let mut v = vec![lo];
    let mut a = lo;
    while a < hi {
        a += step(a);
        v.push(a.min(hi));
    }
    v
}

/// Azimuths (degrees) of the grid columns, mirror-symmetric, covering the full turn.
pub fn azimuths() -> Vec<f32> {
    let s = FACE_STEP_DEG;
    let half = samples(0.0, 180.0, |a| {
        piecewise(
            &[
                (38.0, s),
                (70.0, s * 1.4),
                (120.0, s * 2.2),
                (160.0, s * 3.5),
            ],
            a,
        )
    });
    let mut all: Vec<f32> = half
        .iter()
        .rev()
        .filter(|&&a| a > 0.0 && a < 180.0)
        .map(|a| -a)
        .collect();
    all.extend(half.iter().filter(|&&a| a < 180.0));
    all.insert(0, -180.0);
    all
}

/// Elevations (degrees) of the grid rows, from the neck up to just below the crown.
pub fn elevations() -> Vec<f32> {
    let s = FACE_STEP_DEG;
    samples(-80.0, 86.0, |a| {
        piecewise(
            &[
                (-70.0, 4.0),
                (-58.0, s),
                (32.0, s),
                (50.0, s * 1.8),
                (70.0, s * 3.5),
            ],
            a,
        )
    })
}

/// Adds the head surface of `id` to `mesh`.
pub fn head_surface(mesh: &mut Mesh, id: &Identity, l: &Layout) -> HeadGrid {
    let az = azimuths();
    let el = elevations();
    let (rows, cols) = (el.len(), az.len());
    let first = mesh.pos.len();
    let tri0 = mesh.tris.len();
    for &phi in &el {
        let (sp, cp) = phi.to_radians().sin_cos();
        for &th in &az {
            let (st, ct) = th.to_radians().sin_cos();
            let d = Vec3::new(cp * st, sp, cp * ct);
            let p0 = d * l.base_radius(d);
            let (p, hair) = surface_point(id, l, p0, d);
            let (albedo, gloss) = head_albedo(id, l, p0, d, hair);
            mesh.push_vertex(p, albedo, gloss);
        }
    }
    // Crown cap.
    let d = Vec3::new(0.0, 1.0, 0.0);
    let p0 = d * l.base_radius(d);
    let (p, hair) = surface_point(id, l, p0, d);
    let (albedo, gloss) = head_albedo(id, l, p0, d, hair);
    let pole = mesh.push_vertex(p, albedo, gloss);

    mesh.grid(first as u32, rows, cols, true, false, Part::Head);
    let top = (first + (rows - 1) * cols) as u32;
    for c in 0..cols {
        let (a, b) = (top + c as u32, top + ((c + 1) % cols) as u32);
        mesh.push_tri([a, b, pole], Part::Head);
    }
    let vr = first..mesh.pos.len();
    let tr = tri0..mesh.tris.len();
    mesh.compute_normals(vr.clone(), tr.clone());
    bake_occlusion(mesh, first, rows, cols);
    HeadGrid {
        vertices: vr,
        tris: tr,
    }
}

/// Final surface point for a base point: face features toward the camera, then hair and
/// beard volume outward. Returns the point and the hair coverage.
fn surface_point(id: &Identity, l: &Layout, p0: Vec3, d: Vec3) -> (Vec3, f32) {
    let mut p = p0;
    let m = smoothstep(0.15, 0.45, d.z);
    if m > 0.0 {
        let z = face_z(id, l, p0.x, p0.y, p0.z);
        p.z = p0.z + (z - p0.z) * m;
    }
    let (hair, t) = hair_at(id, p0, d);
    p += d * t;
    if id.facial_hair != FacialHair::None && id.facial_hair != FacialHair::Stubble {
        let fh = facial_hair_at(id, l, p0.x, p0.y, d);
        let depth = if id.facial_hair == FacialHair::Beard {
            0.03
        } else {
            0.012
        };
        p += d * (fh * depth * id.facial_hair_density);
    }
    (p, hair)
}

/// Darkens creases (eye sockets, nostrils, lip line, hairline) from the mesh's local
/// concavity, measured two grid steps away.
fn bake_occlusion(mesh: &mut Mesh, first: usize, rows: usize, cols: usize) {
    let idx = |r: usize, c: usize| first + r * cols + c % cols;
    let mut ao = vec![1.0f32; rows * cols];
    for r in 2..rows - 2 {
        for c in 0..cols {
            let i = idx(r, c);
            let p = mesh.pos[i];
            let n = mesh.normal[i];
            let nb = [
                idx(r - 2, c),
                idx(r + 2, c),
                idx(r, c + 2),
                idx(r, c + cols - 2),
            ];
            let mut conc = 0.0;
            let mut len = 0.0;
            for j in nb {
                let e = mesh.pos[j] - p;
                conc += e.dot(n);
                len += e.length();
            }
            if len > 0.0 {
                let k = (conc / len).max(0.0);
                ao[r * cols + c] = 1.0 - (k * 1.6).min(0.6);
            }
        }
    }
    for (k, a) in ao.iter().enumerate() {
        let v = &mut mesh.albedo[first + k];
        *v = [v[0] * a, v[1] * a, v[2] * a];
    }
}
