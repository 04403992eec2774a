//! Surface colour (albedo, linear RGB) and glossiness of the head skin, lips, brows,
//! lid margins, nostrils, hair and facial hair: the per-identity texture.

use super::layout::Layout;
use super::shape::facial_hair_at;
use crate::synth::identity::{FacialHair, Identity};
use crate::synth::math::{bump, bump2, smoothstep, Vec3};
use crate::synth::rng::{fbm, hash2, noise3};

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

fn scale(a: [f32; 3], s: f32) -> [f32; 3] {
    [a[0] * s, a[1] * s, a[2] * s]
}

/// Colour and gloss of the head surface at a vertex.
///
/// `p` is the base (pre-feature) point, `d` its direction from the head centre, `hair` the
/// hair coverage there.
pub fn head_albedo(id: &Identity, l: &Layout, p: Vec3, d: Vec3, hair: f32) -> ([f32; 3], f32) {
    let seed = id.seed;
    let (x, y) = (p.x, p.y);
    let ax = x.abs();
    let front = smoothstep(0.0, 0.4, d.z);

    // Skin with low-frequency blotches and fine pores.
    let v = fbm(hash2(seed, 11), p * 4.0, 2);
    let fine = noise3(hash2(seed, 12), p * 40.0);
    let mut c = scale(id.skin_colour, 1.0 + id.skin_variation * v + 0.03 * fine);
    // Redness on the cheeks, nose and ears; darker under the eyes.
    let red = id.cheek_redness
        * (bump2(ax, y, 0.33, -0.35, 0.18, 0.16) + 0.5 * bump2(x, y, 0.0, l.tip_y, 0.1, 0.1));
    c = mix(c, [c[0] * 1.1, c[1] * 0.82, c[2] * 0.82], red * 0.5 * front);
    c = scale(
        c,
        1.0 - 0.1 * bump2(ax, y, l.eye_x, l.eye_y - 0.08, 0.12, 0.06) * front,
    );
    if id.freckles > 0.0 {
        let f = noise3(hash2(seed, 13), p * 55.0);
        let zone = bump2(ax, y, 0.2, -0.2, 0.35, 0.25) * front;
        if f > 0.45 {
            c = mix(
                c,
                [c[0] * 0.75, c[1] * 0.62, c[2] * 0.55],
                id.freckles * zone,
            );
        }
    }
    let mut gloss =
        0.10 + 0.08 * bump2(x, y, 0.0, l.tip_y, 0.12, 0.12) + 0.05 * smoothstep(0.3, 0.7, y);

    if front > 0.0 {
        // Lips.
        let mw = l.mouth_half_w;
        if ax < mw && y < l.mouth_y + l.upper_lip_h * 1.3 && y > l.mouth_y - l.lower_lip_h * 1.3 {
            let q = (1.0 - (ax / mw).powi(2)).max(0.0);
            let bow = 0.012 * bump((x / 0.05).powi(2));
            let top = l.mouth_y + l.upper_lip_h * q.powf(0.6) - bow;
            let bottom = l.mouth_y - l.lower_lip_h * q.powf(0.5);
            let m = smoothstep(top + 0.006, top - 0.006, y)
                * smoothstep(bottom - 0.006, bottom + 0.006, y);
            c = mix(c, id.lip_colour, m * 0.9);
            gloss += 0.05 * m;
            // The line between the lips (and the mouth interior when it opens).
            let gap =
                smoothstep(0.012, 0.007, (y - l.mouth_y).abs()) * smoothstep(mw, mw * 0.85, ax);
            c = mix(c, [0.05, 0.012, 0.012], gap);
        }
        // Nostrils.
        let nw = id.nose_width;
        let nos = bump2(
            ax,
            y,
            0.045 * nw + 0.005,
            l.subnasale_y + 0.012,
            0.03 * nw,
            0.018,
        );
        c = scale(c, 1.0 - 0.8 * nos);
        // Lid margins: dark lash line above the opening, inside the opening dark pink.
        for s in [-1.0f32, 1.0] {
            let o = l.eye_opening(x, y, s, id.eye_tilt * 0.3);
            if o > -0.02 {
                let above = y > l.eye_y + (x - s * l.eye_x) * s * id.eye_tilt * 0.3 - 0.005;
                if o > 0.0 {
                    c = mix(c, [0.25, 0.06, 0.05], 0.8);
                } else if above {
                    c = mix(c, [0.02, 0.015, 0.012], smoothstep(-0.016, -0.002, o));
                } else {
                    c = mix(c, scale(c, 0.7), smoothstep(-0.01, -0.002, o));
                }
            }
        }
        // Eyebrows.
        let brow = brow_mask(id, l, x, y);
        if brow > 0.0 {
            let n = noise3(hash2(seed, 14), Vec3::new(x * 90.0, y * 25.0, 0.0));
            c = mix(
                c,
                id.brow_colour,
                (brow * id.brow_density * (0.8 + 0.3 * n)).min(1.0),
            );
        }
        // Facial hair.
        let fh = facial_hair_at(id, l, x, y, d);
        if fh > 0.0 {
            let n = noise3(hash2(seed, 15), p * 70.0);
            if id.facial_hair == FacialHair::Stubble {
                let k = fh * id.facial_hair_density * (0.8 + 0.3 * n);
                c = [
                    c[0] * (1.0 - 0.35 * k),
                    c[1] * (1.0 - 0.33 * k),
                    c[2] * (1.0 - 0.28 * k),
                ];
            } else {
                c = mix(
                    c,
                    id.hair_colour,
                    (fh * 0.95 * id.facial_hair_density * (0.8 + 0.3 * n)).min(1.0),
                );
            }
        }
    }

    // Scalp hair, with strands that run down from the crown.
    if hair > 0.0 {
        let around = (p.x - id.hair_part * 0.25).atan2(p.z + 0.2);
        let strand = noise3(hash2(seed, 16), Vec3::new(around * 40.0, p.y * 2.0, 0.0));
        let clump = noise3(hash2(seed, 17), Vec3::new(around * 8.0, p.y * 4.0, 1.0));
        let hc = scale(id.hair_colour, 0.75 + 0.3 * strand + 0.15 * clump);
        c = mix(c, hc, hair);
        gloss = gloss * (1.0 - hair) + 0.14 * hair;
    }
    (c, gloss)
}

/// Eyebrow coverage (0..1) at (x, y).
pub fn brow_mask(id: &Identity, l: &Layout, x: f32, y: f32) -> f32 {
    let s = if x < 0.0 { -1.0 } else { 1.0 };
    let u = (x - s * l.eye_x) * s;
    let len = 0.33 * id.brow_length;
    let t = (u + 0.14) / len;
    if !(-0.1..=1.1).contains(&t) {
        return 0.0;
    }
    let yc =
        l.brow_y + id.brow_arch * 4.0 * t * (1.0 - t) + id.brow_tilt * (t - 0.5) - 0.025 * t * t;
    let th = id.brow_thickness * (1.1 - 0.55 * t);
    let dy = (y - yc).abs();
    smoothstep(th * 0.5 + 0.006, th * 0.5 - 0.004, dy)
        * smoothstep(-0.1, 0.05, t)
        * smoothstep(1.1, 0.9, t)
}
