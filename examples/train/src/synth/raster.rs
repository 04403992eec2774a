//! Triangle rasteriser: fixed-point edge functions, z-buffer, one G-buffer sample per
//! supersample (nearest depth, triangle id, barycentric weights). Shading happens later,
//! once per visible sample.

use super::mesh::Part;

/// No triangle covers this sample.
pub const NO_TRI: u32 = u32::MAX;

/// Sub-pixel precision of vertex positions (bits).
const SUB_BITS: i32 = 4;
const SUB: f32 = (1 << SUB_BITS) as f32;
const OFF: f32 = (1u32 << 22) as f32;

/// Per-sample buffers of a square supersampled target.
#[derive(Clone, Debug, Default)]
pub struct GBuffer {
    /// Width and height in samples.
    pub w: usize,
    /// Depth along the view axis (`f32::INFINITY` where empty).
    pub depth: Vec<f32>,
    /// Triangle index, or [`NO_TRI`].
    pub tri: Vec<u32>,
    /// Barycentric weights of the triangle's second and third vertex.
    pub bary: Vec<[f32; 2]>,
}

impl GBuffer {
    /// Clears to an empty `w x w` target, reusing the allocation.
    pub fn reset(&mut self, w: usize) {
        self.w = w;
        let n = w * w;
        self.depth.clear();
        self.depth.resize(n, f32::INFINITY);
        self.tri.clear();
        self.tri.resize(n, NO_TRI);
        self.bary.resize(n, [0.0, 0.0]);
    }
}

/// Rasterises `tris` with screen positions `xy` (sample units, y down) and view depths
/// `z`. Triangles wound counter-clockwise in head space face the camera; back faces are
/// culled except for double-sided parts.
pub fn rasterize(gb: &mut GBuffer, xy: &[[f32; 2]], z: &[f32], tris: &[[u32; 3]], parts: &[Part]) {
    let w = gb.w as i64;
    let fx: Vec<[i64; 2]> = xy
        .iter()
        // Offset so truncation rounds consistently (as floor) for negative positions too.
        .map(|p| {
            [
                (p[0] * SUB + 0.5 + OFF) as i64 - OFF as i64,
                (p[1] * SUB + 0.5 + OFF) as i64 - OFF as i64,
            ]
        })
        .collect();
    let half = (SUB as i64) / 2;
    let max_fp = w << SUB_BITS;
    for (ti, t) in tris.iter().enumerate() {
        let (i0, mut i1, mut i2) = (t[0] as usize, t[1] as usize, t[2] as usize);
        let (a, mut b, mut c) = (fx[i0], fx[i1], fx[i2]);
        let area = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
        if area == 0 {
            continue;
        }
        let mut swapped = false;
        if area < 0 {
            // Front face (y is flipped on screen): make the area positive.
            std::mem::swap(&mut b, &mut c);
            std::mem::swap(&mut i1, &mut i2);
            swapped = true;
        } else if !parts[ti].double_sided() {
            continue;
        }
        let area = area.abs();
        // Bounding box in samples, clipped.
        let minx = a[0].min(b[0]).min(c[0]).max(0);
        let maxx = a[0].max(b[0]).max(c[0]).min(max_fp - 1);
        let miny = a[1].min(b[1]).min(c[1]).max(0);
        let maxy = a[1].max(b[1]).max(c[1]).min(max_fp - 1);
        if minx > maxx || miny > maxy {
            continue;
        }
        // Sample centres inside the box.
        let sx0 = (minx - half + (1 << SUB_BITS) - 1) >> SUB_BITS;
        let sx1 = (maxx - half) >> SUB_BITS;
        let sy0 = (miny - half + (1 << SUB_BITS) - 1) >> SUB_BITS;
        let sy1 = (maxy - half) >> SUB_BITS;
        if sx0 > sx1 || sy0 > sy1 {
            continue;
        }
        // Edge functions e0 (b->c), e1 (c->a), e2 (a->b); positive inside.
        let edge = |p: [i64; 2], q: [i64; 2], x: i64, y: i64| {
            (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0])
        };
        let px0 = (sx0 << SUB_BITS) + half;
        let py0 = (sy0 << SUB_BITS) + half;
        let step = 1i64 << SUB_BITS;
        let (dx0, dx1, dx2) = (
            -(c[1] - b[1]) * step,
            -(a[1] - c[1]) * step,
            -(b[1] - a[1]) * step,
        );
        let (dy0, dy1, dy2) = (
            (c[0] - b[0]) * step,
            (a[0] - c[0]) * step,
            (b[0] - a[0]) * step,
        );
        let mut r0 = edge(b, c, px0, py0);
        let mut r1 = edge(c, a, px0, py0);
        let mut r2 = edge(a, b, px0, py0);
        let inv = 1.0 / area as f32;
        let (z0, z1, z2) = (z[i0], z[i1], z[i2]);
        for sy in sy0..=sy1 {
            let (mut e0, mut e1, mut e2) = (r0, r1, r2);
            let row = sy as usize * gb.w;
            for sx in sx0..=sx1 {
                if (e0 | e1 | e2) >= 0 {
                    let (w1, w2) = (e1 as f32 * inv, e2 as f32 * inv);
                    let w0 = 1.0 - w1 - w2;
                    let d = w0 * z0 + w1 * z1 + w2 * z2;
                    let k = row + sx as usize;
                    if d < gb.depth[k] {
                        gb.depth[k] = d;
                        gb.tri[k] = ti as u32;
                        // Store weights in the triangle's own vertex order.
                        gb.bary[k] = if swapped { [w2, w1] } else { [w1, w2] };
                    }
                }
                e0 += dx0;
                e1 += dx1;
                e2 += dx2;
            }
            r0 += dy0;
            r1 += dy1;
            r2 += dy2;
        }
    }
}
