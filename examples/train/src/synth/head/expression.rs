//! Expression blend shapes of the head surface: smile, mouth opening and brow raise, as
//! sparse vertex offsets at full strength.

use super::layout::Layout;
use super::BlendShape;
use crate::synth::math::{bump, bump2, smoothstep, Vec3};
use crate::synth::mesh::Mesh;
use std::ops::Range;

/// The three blend shapes (smile, open, brow raise) for the head vertices in `range`.
pub fn blend_shapes(mesh: &Mesh, l: &Layout, range: Range<usize>) -> [BlendShape; 3] {
    let mut out: [BlendShape; 3] = Default::default();
    let mw = l.mouth_half_w;
    for i in range {
        let p = mesh.pos[i];
        if p.z < 0.2 {
            continue;
        }
        let (x, y) = (p.x, p.y);
        let s = x.signum();
        // Smile: mouth corners up and out, cheeks up, lips stretched.
        let corner = bump2(x.abs(), y, mw, l.mouth_y, 0.17, 0.15);
        let cheek = bump2(x.abs(), y, 0.3, -0.45, 0.2, 0.2);
        let stretch = bump2(x, y, 0.0, l.mouth_y, mw * 1.3, 0.12);
        let smile = Vec3::new(
            s * 0.025 * corner + 0.12 * x * stretch,
            0.035 * corner + 0.015 * cheek,
            -0.008 * corner + 0.012 * cheek,
        );
        if smile.length() > 1e-5 {
            out[0].push((i as u32, smile));
        }
        // Open: everything below the lip line drops with the jaw.
        let below = smoothstep(l.mouth_y + 0.003, l.mouth_y - 0.003, y);
        let lateral = bump((x / (mw * 1.7)).powi(2));
        let fade = smoothstep(-1.7, -1.25, y);
        let open = Vec3::new(0.0, -0.07, -0.012) * (below * lateral * fade);
        if open.length() > 1e-5 {
            out[1].push((i as u32, open));
        }
        // Brow raise.
        let brow = bump2(x.abs(), y, 0.3, l.brow_y, 0.3, 0.16);
        if brow > 0.0 {
            out[2].push((i as u32, Vec3::new(0.0, 0.03 * brow, 0.0)));
        }
    }
    out
}
