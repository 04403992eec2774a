//! Renders a built head at a pose under given conditions: poses the mesh, projects it
//! through the framed camera, rasterises with supersampling, shades each visible sample
//! (wrapped Lambert + Blinn-Phong, hemispherical ambient), composites the background,
//! averages down to the output size and encodes sRGB. Also places the five landmarks
//! and decides their visibility from the z-buffer.

use super::background::background_pixel;
use super::camera::{head_rotation, project_normalized, CAMERA_DISTANCE, ROTATION_PIVOT};
use super::head::{anchor_position, Head};
use super::math::Vec3;
use super::mesh::Part;
use super::nuisance::Nuisance;
use super::raster::{rasterize, GBuffer, NO_TRI};
use std::cell::RefCell;

/// A landmark in output pixels (x right, y down, origin at the top-left corner of the
/// image, so the centre of pixel (i, j) is (i + 0.5, j + 0.5)).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Landmark {
    pub x: f32,
    pub y: f32,
    /// False when the point is hidden by another part of the head, lies on a surface
    /// turned away from the camera, or is outside the image.
    pub visible: bool,
}

/// One rendered picture.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub size: u32,
    /// Row-major RGB8, `size * size * 3` bytes.
    pub rgb: Vec<u8>,
    /// Left eye, right eye, nose tip, left mouth corner, right mouth corner ("left" = on
    /// the image's left at yaw 0; the label stays with that physical point as the head
    /// turns).
    pub landmarks: [Landmark; 5],
    /// View depth of each landmark (units).
    pub landmark_depth: [f32; 5],
}

/// Supersampled buffers of a render, for inspection and tests.
#[derive(Clone, Debug)]
pub struct Buffers {
    /// Samples per output pixel along each axis.
    pub ss: u32,
    /// Width of the sample grid (`size * ss`).
    pub w: usize,
    pub depth: Vec<f32>,
    /// [`Part`] of each sample as `u8` (0 background).
    pub part: Vec<u8>,
}

/// Samples per pixel along each axis used for an output size.
pub fn supersampling(size: u32) -> u32 {
    match size {
        0..=31 => 4,
        32..=63 => 3,
        _ => 2,
    }
}

/// Depth tolerance (units) of the landmark visibility test.
pub const VISIBILITY_EPS: f32 = 0.03;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

#[derive(Default)]
struct Scratch {
    gb: GBuffer,
    pos: Vec<Vec3>,
    xy: Vec<[f32; 2]>,
    z: Vec<f32>,
    nrm: Vec<Vec3>,
}

/// Renders `head` at `yaw_deg` under `n` as a `size x size` picture.
pub fn render(head: &Head, yaw_deg: f32, n: &Nuisance, size: u32) -> Rendered {
    render_inner(head, yaw_deg, n, size, false).0
}

/// As [`render`], also returning the supersampled depth and part buffers.
pub fn render_with_buffers(
    head: &Head,
    yaw_deg: f32,
    n: &Nuisance,
    size: u32,
) -> (Rendered, Buffers) {
    let (r, b) = render_inner(head, yaw_deg, n, size, true);
    (r, b.expect("buffers requested"))
}

fn render_inner(
    head: &Head,
    yaw_deg: f32,
    n: &Nuisance,
    size: u32,
    keep: bool,
) -> (Rendered, Option<Buffers>) {
    SCRATCH.with(|s| {
        let s = &mut *s.borrow_mut();
        let mesh = &head.mesh;
        let ss = supersampling(size);
        let w = (size * ss) as usize;
        let scale_px = w as f32;

        // Pose: expressions, then rotation; normals rotate with the head.
        s.pos.clear();
        s.pos.extend_from_slice(&mesh.pos);
        for (shape, amount) in head
            .expressions
            .iter()
            .zip([n.smile, n.mouth_open, n.brow_raise])
        {
            if amount != 0.0 {
                for &(i, d) in shape {
                    s.pos[i as usize] += d * amount;
                }
            }
        }
        let rot = head_rotation(yaw_deg, n.pitch_deg, n.roll_deg);
        let frame = head
            .framing
            .then_scale_shift(n.scale, 0.5, 0.5, n.shift[0], n.shift[1]);
        s.xy.clear();
        s.z.clear();
        for p in s.pos.iter_mut() {
            *p = rot.mul_vec(*p - ROTATION_PIVOT) + ROTATION_PIVOT;
            let (u, v, d) = project_normalized(*p);
            let (fx, fy) = frame.apply(u, v);
            s.xy.push([fx * scale_px, fy * scale_px]);
            s.z.push(d);
        }
        s.nrm.clear();
        s.nrm.extend(mesh.normal.iter().map(|&v| rot.mul_vec(v)));

        s.gb.reset(w);
        rasterize(&mut s.gb, &s.xy, &s.z, &mesh.tris, &mesh.tri_part);

        // Landmarks.
        let mut landmarks = [Landmark {
            x: 0.0,
            y: 0.0,
            visible: false,
        }; 5];
        let mut landmark_depth = [0.0; 5];
        for (k, a) in head.landmarks.iter().enumerate() {
            let p = anchor_position(&mesh.tris, &s.pos, a);
            // A point on a surface that faces away from the camera is hidden too.
            let nrm = anchor_position(&mesh.tris, &s.nrm, a);
            let faces_camera = nrm.dot(Vec3::new(0.0, 0.0, CAMERA_DISTANCE) - p) > 0.0;
            let (u, v, d) = project_normalized(p);
            let (fx, fy) = frame.apply(u, v);
            let (sx, sy) = (fx * scale_px, fy * scale_px);
            landmarks[k] = Landmark {
                x: fx * size as f32,
                y: fy * size as f32,
                visible: faces_camera && visible(&s.gb, sx, sy, d),
            };
            landmark_depth[k] = d;
        }

        let rgb = shade_and_resolve(s, head, n, size, ss);
        let buffers = keep.then(|| Buffers {
            ss,
            w,
            depth: s.gb.depth.clone(),
            part: s
                .gb
                .tri
                .iter()
                .map(|&t| {
                    if t == NO_TRI {
                        0
                    } else {
                        mesh.tri_part[t as usize] as u8
                    }
                })
                .collect(),
        });
        (
            Rendered {
                size,
                rgb,
                landmarks,
                landmark_depth,
            },
            buffers,
        )
    })
}

/// Whether a point at sample position (sx, sy) and depth `d` is unoccluded: the sample
/// it falls in holds nothing nearer than `d - VISIBILITY_EPS` (background or a farther
/// surface, as behind the nose tip on a profile, counts as unoccluded).
fn visible(gb: &GBuffer, sx: f32, sy: f32, d: f32) -> bool {
    let w = gb.w as i64;
    let (cx, cy) = (sx.floor() as i64, sy.floor() as i64);
    if cx < 0 || cy < 0 || cx >= w || cy >= w {
        return false;
    }
    gb.depth[(cy * w + cx) as usize] >= d - VISIBILITY_EPS
}

/// Linear [0, 1] to sRGB byte, by table.
struct SrgbLut([u8; 4096]);

impl SrgbLut {
    fn new() -> Self {
        let mut t = [0u8; 4096];
        for (i, v) in t.iter_mut().enumerate() {
            let c = i as f32 / 4095.0;
            let s = if c <= 0.003_130_8 {
                12.92 * c
            } else {
                1.055 * c.powf(1.0 / 2.4) - 0.055
            };
            *v = (s * 255.0 + 0.5).clamp(0.0, 255.0) as u8;
        }
        SrgbLut(t)
    }
    fn encode(&self, c: f32) -> u8 {
        self.0[((c.clamp(0.0, 1.0)) * 4095.0 + 0.5) as usize]
    }
}

thread_local! {
    static LUT: SrgbLut = SrgbLut::new();
}

fn shade_and_resolve(s: &Scratch, head: &Head, n: &Nuisance, size: u32, ss: u32) -> Vec<u8> {
    let mesh = &head.mesh;
    let l = n.light_dir.normalized();
    let h = (l + Vec3::new(0.0, 0.0, 1.0)).normalized();
    let lc = Vec3::new(n.light_colour[0], n.light_colour[1], n.light_colour[2]) * n.light_intensity;
    let ac = Vec3::new(
        n.ambient_colour[0],
        n.ambient_colour[1],
        n.ambient_colour[2],
    ) * n.ambient;
    let gb = &s.gb;
    let w = gb.w;
    let inv = 1.0 / (ss * ss) as f32;
    let mut out = Vec::with_capacity((size * size * 3) as usize);
    LUT.with(|lut| {
        for py in 0..size as usize {
            for px in 0..size as usize {
                let mut bg: Option<Vec3> = None;
                let mut acc = Vec3::ZERO;
                for dy in 0..ss as usize {
                    let row = (py * ss as usize + dy) * w + px * ss as usize;
                    for dx in 0..ss as usize {
                        let k = row + dx;
                        let t = gb.tri[k];
                        if t == NO_TRI {
                            acc += *bg.get_or_insert_with(|| {
                                background_pixel(&n.background, px, py, size)
                            });
                            continue;
                        }
                        let tri = mesh.tris[t as usize];
                        let part = mesh.tri_part[t as usize];
                        let [b1, b2] = gb.bary[k];
                        let b0 = 1.0 - b1 - b2;
                        let (i0, i1, i2) = (tri[0] as usize, tri[1] as usize, tri[2] as usize);
                        let mut nn =
                            (s.nrm[i0] * b0 + s.nrm[i1] * b1 + s.nrm[i2] * b2).normalized();
                        if part.double_sided() && nn.z < 0.0 {
                            nn = -nn;
                        }
                        let (c0, c1, c2) = (mesh.albedo[i0], mesh.albedo[i1], mesh.albedo[i2]);
                        let alb = Vec3::new(
                            c0[0] * b0 + c1[0] * b1 + c2[0] * b2,
                            c0[1] * b0 + c1[1] * b1 + c2[1] * b2,
                            c0[2] * b0 + c1[2] * b1 + c2[2] * b2,
                        );
                        let gloss = mesh.gloss[i0] * b0 + mesh.gloss[i1] * b1 + mesh.gloss[i2] * b2;
                        let wrap = if part == Part::Head || part.double_sided() {
                            0.25
                        } else {
                            0.05
                        };
                        let diff = ((nn.dot(l) + wrap) / (1.0 + wrap)).max(0.0);
                        let hemi = 0.75 + 0.25 * nn.y;
                        let mut sp = nn.dot(h).max(0.0);
                        for _ in 0..part.shininess_pow2() {
                            sp *= sp;
                        }
                        let light = ac * hemi + lc * diff;
                        acc += alb.mul_elem(light) + lc * (gloss * sp * diff.min(1.0).sqrt());
                    }
                }
                let c = acc * inv;
                out.push(lut.encode(c.x));
                out.push(lut.encode(c.y));
                out.push(lut.encode(c.z));
            }
        }
    });
    out
}
