//! Triangle mesh with per-vertex normal, albedo and gloss, and a part label per triangle.

use super::math::Vec3;

/// Which part of the head a triangle belongs to (also the labels of the part buffer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Part {
    /// No surface: background.
    Background = 0,
    /// Skin, hair, lips, brows: the head surface.
    Head = 1,
    /// The eyeball on the image's left at yaw 0 (the subject's right eye).
    EyeLeft = 2,
    /// The eyeball on the image's right at yaw 0 (the subject's left eye).
    EyeRight = 3,
    /// The ear on the image's left at yaw 0 (the subject's right ear).
    EarLeft = 4,
    /// The ear on the image's right at yaw 0 (the subject's left ear).
    EarRight = 5,
    /// Glasses frame.
    Glasses = 6,
}

impl Part {
    /// Whether triangles of this part are seen from both sides (thin sheets).
    pub fn double_sided(self) -> bool {
        matches!(self, Part::EarLeft | Part::EarRight)
    }
    /// Specular exponent, as a number of squarings (2^n).
    pub fn shininess_pow2(self) -> u32 {
        match self {
            Part::EyeLeft | Part::EyeRight => 6,
            Part::Glasses => 5,
            _ => 3,
        }
    }
}

/// A triangle mesh in head space.
#[derive(Clone, Debug, Default)]
pub struct Mesh {
    pub pos: Vec<Vec3>,
    pub normal: Vec<Vec3>,
    /// Linear RGB albedo (ambient occlusion included).
    pub albedo: Vec<[f32; 3]>,
    /// Specular strength.
    pub gloss: Vec<f32>,
    pub tris: Vec<[u32; 3]>,
    pub tri_part: Vec<Part>,
}

impl Mesh {
    pub fn push_vertex(&mut self, p: Vec3, albedo: [f32; 3], gloss: f32) -> u32 {
        self.pos.push(p);
        self.normal.push(Vec3::ZERO);
        self.albedo.push(albedo);
        self.gloss.push(gloss);
        (self.pos.len() - 1) as u32
    }

    /// Connect a `rows x cols` block of vertices starting at `first` (row-major) into
    /// quads; `wrap` joins the last column to the first. With rows along +v and columns
    /// along +u, triangles face along `du x dv`; `flip` reverses that.
    pub fn grid(
        &mut self,
        first: u32,
        rows: usize,
        cols: usize,
        wrap: bool,
        flip: bool,
        part: Part,
    ) {
        let idx = |r: usize, c: usize| first + (r * cols + c % cols) as u32;
        let ccount = if wrap { cols } else { cols - 1 };
        for r in 0..rows - 1 {
            for c in 0..ccount {
                let (a, b, cc, d) = (idx(r, c), idx(r, c + 1), idx(r + 1, c), idx(r + 1, c + 1));
                if flip {
                    self.tris.push([a, cc, b]);
                    self.tris.push([b, cc, d]);
                } else {
                    self.tris.push([a, b, cc]);
                    self.tris.push([b, d, cc]);
                }
                self.tri_part.push(part);
                self.tri_part.push(part);
            }
        }
    }

    pub fn push_tri(&mut self, t: [u32; 3], part: Part) {
        self.tris.push(t);
        self.tri_part.push(part);
    }

    /// Area-weighted vertex normals for the vertices in `range` from the triangles in
    /// `tri_range`.
    pub fn compute_normals(
        &mut self,
        range: std::ops::Range<usize>,
        tri_range: std::ops::Range<usize>,
    ) {
        for n in &mut self.normal[range.clone()] {
            *n = Vec3::ZERO;
        }
        for t in &self.tris[tri_range] {
            let (a, b, c) = (
                self.pos[t[0] as usize],
                self.pos[t[1] as usize],
                self.pos[t[2] as usize],
            );
            let n = (b - a).cross(c - a);
            for &i in t {
                self.normal[i as usize] += n;
            }
        }
        for n in &mut self.normal[range] {
            *n = n.normalized();
        }
    }

    /// A tube of radius `r` along the polyline `path` (open), with analytic normals.
    pub fn tube(
        &mut self,
        path: &[Vec3],
        r: f32,
        sides: usize,
        albedo: [f32; 3],
        gloss: f32,
        part: Part,
    ) {
        let first = self.pos.len() as u32;
        let tri0 = self.tris.len();
        let mut prev_n: Option<Vec3> = None;
        for (i, &p) in path.iter().enumerate() {
            let a = path[i.saturating_sub(1)];
            let b = path[(i + 1).min(path.len() - 1)];
            let t = (b - a).normalized();
            // Parallel-transported frame.
            let guess = prev_n.unwrap_or_else(|| {
                let up = if t.y.abs() < 0.9 {
                    Vec3::new(0.0, 1.0, 0.0)
                } else {
                    Vec3::new(1.0, 0.0, 0.0)
                };
                up.cross(t)
            });
            let n = (guess - t * guess.dot(t)).normalized();
            let bn = t.cross(n);
            prev_n = Some(n);
            for k in 0..sides {
                let ang = k as f32 / sides as f32 * std::f32::consts::TAU;
                let dir = n * ang.cos() + bn * ang.sin();
                let v = self.push_vertex(p + dir * r, albedo, gloss);
                self.normal[v as usize] = dir;
            }
        }
        self.grid(first, path.len(), sides, true, false, part);
        // Make every tube triangle face outward.
        for t in &mut self.tris[tri0..] {
            let (a, b, c) = (
                self.pos[t[0] as usize],
                self.pos[t[1] as usize],
                self.pos[t[2] as usize],
            );
            let fn_ = (b - a).cross(c - a);
            if fn_.dot(self.normal[t[0] as usize]) < 0.0 {
                t.swap(1, 2);
            }
        }
    }
}
