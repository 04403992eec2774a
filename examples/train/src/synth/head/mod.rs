//! A built head: the mesh of one identity, its expression blend shapes, its five landmark
//! anchors and its camera framing. Building costs a few milliseconds; rendering reuses it.

pub mod albedo;
pub mod expression;
pub mod grid;
pub mod layout;
pub mod parts;
pub mod shape;

use super::camera::{fit_similarity, project_normalized, Similarity};
use super::identity::Identity;
use super::mesh::{Mesh, Part};
use super::template::CANONICAL_LANDMARKS5;
use crate::synth::math::Vec3;
use layout::Layout;

/// Where a landmark sits on the mesh, so it follows expressions and poses exactly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Anchor {
    /// A mesh vertex.
    Vertex(u32),
    /// A point inside a triangle, by barycentric weights.
    Tri(u32, [f32; 3]),
}

/// Sparse per-vertex offsets of one expression at full strength.
pub type BlendShape = Vec<(u32, Vec3)>;

/// A head ready to render.
#[derive(Clone, Debug)]
pub struct Head {
    pub identity: Identity,
    pub layout: Layout,
    pub mesh: Mesh,
    /// Smile, mouth opening, brow raise.
    pub expressions: [BlendShape; 3],
    /// Eye on the image's left at yaw 0, the other eye, nose tip, mouth corner on the
    /// image's left, the other mouth corner.
    pub landmarks: [Anchor; 5],
    /// Maps normalised camera coordinates to crop fractions so that the frontal, neutral
    /// landmarks fit [`CANONICAL_LANDMARKS5`] (least squares).
    pub framing: Similarity,
}

impl Head {
    /// Builds the head of `identity`.
    pub fn build(identity: &Identity) -> Head {
        let id = identity;
        let l = Layout::new(id);
        let mut mesh = Mesh::default();
        let g = grid::head_surface(&mut mesh, id, &l);
        let expressions = expression::blend_shapes(&mesh, &l, g.vertices.clone());
        let eye_l = parts::eyeball(&mut mesh, id, &l, -1.0);
        let eye_r = parts::eyeball(&mut mesh, id, &l, 1.0);
        if !id.hair_covers_ears() {
            parts::ear(&mut mesh, id, &l, -1.0);
            parts::ear(&mut mesh, id, &l, 1.0);
        }
        parts::glasses(&mut mesh, id, &l);

        let nose = nose_tip_vertex(&mesh, &l, g.vertices.clone());
        let mouth_l = surface_anchor(&mesh, g.tris.clone(), -l.mouth_half_w, l.mouth_y)
            .expect("mouth corner lies on the face");
        let mouth_r = surface_anchor(&mesh, g.tris.clone(), l.mouth_half_w, l.mouth_y)
            .expect("mouth corner lies on the face");
        let landmarks = [
            Anchor::Vertex(eye_l),
            Anchor::Vertex(eye_r),
            Anchor::Vertex(nose),
            mouth_l,
            mouth_r,
        ];

        let pts: Vec<[f32; 2]> = landmarks
            .iter()
            .map(|a| {
                let (u, v, _) = project_normalized(anchor_position(&mesh.tris, &mesh.pos, a));
                [u, v]
            })
            .collect();
        let framing = fit_similarity(&pts, &CANONICAL_LANDMARKS5);
        Head {
            identity: id.clone(),
            layout: l,
            mesh,
            expressions,
            landmarks,
            framing,
        }
    }
}

/// Position of an anchor given (possibly deformed and posed) vertex positions of `tris`.
pub fn anchor_position(tris: &[[u32; 3]], pos: &[Vec3], a: &Anchor) -> Vec3 {
    match *a {
        Anchor::Vertex(i) => pos[i as usize],
        Anchor::Tri(t, w) => {
            let t = tris[t as usize];
            pos[t[0] as usize] * w[0] + pos[t[1] as usize] * w[1] + pos[t[2] as usize] * w[2]
        }
    }
}

/// The most forward head vertex on the nose.
fn nose_tip_vertex(mesh: &Mesh, l: &Layout, range: std::ops::Range<usize>) -> u32 {
    let mut best = (f32::MIN, 0u32);
    for i in range {
        let p = mesh.pos[i];
        if p.x.abs() < 0.12 && (p.y - l.tip_y).abs() < 0.12 && p.z > best.0 {
            best = (p.z, i as u32);
        }
    }
    best.1
}

/// The front-most point of the head surface at (x, y), as a triangle anchor.
fn surface_anchor(mesh: &Mesh, tris: std::ops::Range<usize>, x: f32, y: f32) -> Option<Anchor> {
    let mut best: Option<(f32, Anchor)> = None;
    for ti in tris {
        if mesh.tri_part[ti] != Part::Head {
            continue;
        }
        let t = mesh.tris[ti];
        let (a, b, c) = (
            mesh.pos[t[0] as usize],
            mesh.pos[t[1] as usize],
            mesh.pos[t[2] as usize],
        );
        let det = (b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y);
        if det.abs() < 1e-12 {
            continue;
        }
        let w1 = ((x - a.x) * (c.y - a.y) - (c.x - a.x) * (y - a.y)) / det;
        let w2 = ((b.x - a.x) * (y - a.y) - (x - a.x) * (b.y - a.y)) / det;
        let w0 = 1.0 - w1 - w2;
        if w0 < -1e-6 || w1 < -1e-6 || w2 < -1e-6 {
            continue;
        }
        let z = a.z * w0 + b.z * w1 + c.z * w2;
        if best.is_none_or(|(bz, _)| z > bz) {
            best = Some((z, Anchor::Tri(ti as u32, [w0, w1, w2])));
        }
    }
    best.map(|(_, a)| a)
}
