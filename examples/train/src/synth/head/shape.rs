//! The head's surface: a skull/face/neck solid seen from its centre, with the face's
//! features (brows, eye lids and openings, nose, lips, cheeks, chin) added as a height
//! field toward the camera, and hair / beard volume added outward.

use super::layout::{Layout, EYE_RADIUS};
use crate::synth::identity::{FacialHair, HairStyle, Identity};
use crate::synth::math::{bump, bump2, piecewise, smoothstep, Vec3};

/// Face height field: the new z of the front surface at (x, y), given the base z.
pub fn face_z(id: &Identity, l: &Layout, x: f32, y: f32, z0: f32) -> f32 {
    let ax = x.abs();
    let mut dz = 0.0;
    // Forehead slope and brow ridge.
    dz -= id.forehead_slope * (y - 0.25).max(0.0) * 0.5;
    dz += id.brow_ridge * bump2(ax, y, 0.22, l.brow_y - 0.02, 0.32, 0.09);
    // Cheekbones, cheeks, muzzle, chin.
    dz += id.cheekbones * bump2(ax, y, 0.42, -0.2, 0.2, 0.14);
    dz += id.cheek_fullness * bump2(ax, y, 0.34, -0.55, 0.22, 0.22);
    dz += 0.04 * bump2(x, y, 0.0, l.mouth_y + 0.04, 0.34, 0.28);
    dz += (0.02 + id.chin_prominence) * bump2(x, y, 0.0, l.chin_y, 0.2 * id.chin_width, 0.14);
    dz -= 0.018 * bump2(x, y, 0.0, l.mouth_y - l.lower_lip_h - 0.05, 0.16, 0.04);
    // Philtrum groove.
    dz -= 0.006 * bump2(x, y, 0.0, l.mouth_y + 0.09, 0.025, 0.07);
    // Lips and the line between them.
    let mw = l.mouth_half_w;
    if ax < mw * 1.2 {
        let fx = (1.0 - (ax / (mw * 1.15)).powi(2)).max(0.0).sqrt();
        let hu = l.upper_lip_h;
        let hl = l.lower_lip_h;
        dz += 0.028 * id.upper_lip * bump(((y - l.mouth_y - 0.45 * hu) / (0.7 * hu)).powi(2)) * fx;
        dz += 0.032 * id.lower_lip * bump(((y - l.mouth_y + 0.5 * hl) / (0.75 * hl)).powi(2)) * fx;
        dz -= 0.022 * bump(((y - l.mouth_y) / 0.014).powi(2)) * fx.sqrt();
    }
    // Mouth-corner dimples.
    dz -= 0.012 * bump2(ax, y, mw, l.mouth_y, 0.03, 0.03);

    let mut z = z0 + dz;

    // Eye lids follow the eyeball; the opening shows the eyeball behind.
    for s in [-1.0f32, 1.0] {
        let ex = s * l.eye_x;
        let (dx, dy) = (x - ex, y - l.eye_y);
        let rho = ((dx / 0.2).powi(2) + (dy / 0.15).powi(2)).sqrt();
        if rho < 1.0 {
            let rl = EYE_RADIUS + 0.012;
            let zl = l.eye_z + (rl * rl - dx * dx - dy * dy).max(0.0).sqrt();
            let w = 1.0 - smoothstep(0.55, 1.0, rho);
            z += (zl - z) * w;
            let open = l.eye_opening(x, y, s, id.eye_tilt * 0.3);
            let m = smoothstep(-0.002, 0.004, open);
            z += (l.eye_z + 0.03 - z) * m;
        }
    }

    // Nose (added last so the lids do not flatten it).
    z + nose(id, l, x, y)
}

/// Nose height above the face.
fn nose(id: &Identity, l: &Layout, x: f32, y: f32) -> f32 {
    if y > l.nasion_y + 0.05 || y < l.subnasale_y - 0.02 || x.abs() > 0.3 {
        return 0.0;
    }
    let nw = id.nose_width;
    let p_n = 0.02 + 0.05 * id.nose_bridge;
    let p_t = 0.2 * id.nose_projection;
    let (yn, yt, ys) = (l.nasion_y, l.tip_y, l.subnasale_y);
    let (p, w) = if y >= yt {
        let t = ((yn - y) / (yn - yt)).clamp(0.0, 1.0);
        let hump = id.nose_hump * (std::f32::consts::PI * t).sin();
        let p = p_n + (p_t - p_n) * t + hump;
        let w = 0.045 + (0.085 * nw - 0.045) * t.powf(1.6);
        // Taper above the nasion into the forehead.
        let above = smoothstep(yn + 0.05, yn, y);
        (p * above, w)
    } else {
        let s = ((yt - y) / (yt - ys)).clamp(0.0, 1.0);
        let p = p_t * (1.0 - s * s).max(0.0).powf(0.7) - id.nose_tip_lift * s;
        (p.max(0.0), 0.085 * nw + 0.015 * s)
    };
    let bulb = (0.012 + 0.025 * id.nose_tip) * bump2(x, y, 0.0, yt, 0.07 * nw, 0.06);
    let sx = (x / w).abs();
    let ridge = if sx < 1.0 {
        (1.0 - sx * sx).powf(1.5)
    } else {
        0.0
    };
    let alae = 0.065 * bump2(x.abs(), y, 0.095 * nw, yt - 0.035, 0.055 * nw, 0.045);
    p * ridge + bulb + alae
}

/// Azimuth of a direction in degrees (0 = front, +90 = subject's left / image right).
pub fn azimuth_deg(d: Vec3) -> f32 {
    d.x.atan2(d.z).to_degrees()
}

/// Height of the hairline (y) at azimuth `|theta|` degrees for this identity.
pub fn hairline_y(id: &Identity, abs_theta: f32) -> f32 {
    let hl = id.hairline;
    let rec = id.hair_recession;
    // Front keys per style, then (for the short styles) sideburn, over the ear, nape.
    let front: [(f32, f32); 4] = match id.hair_style {
        HairStyle::Bald => return 9.0,
        HairStyle::Fringe => [(0.0, 0.27), (20.0, 0.28), (40.0, 0.3), (60.0, 0.25)],
        HairStyle::Long => [(0.0, hl), (30.0, hl + 0.3 * rec), (50.0, hl), (66.0, 0.2)],
        _ => [
            (0.0, hl),
            (25.0, hl + 0.3 * rec),
            (45.0, hl + rec),
            (60.0, 0.2),
        ],
    };
    if abs_theta <= 60.0 || (id.hair_style == HairStyle::Long && abs_theta <= 66.0) {
        return piecewise(&front, abs_theta);
    }
    if id.hair_style == HairStyle::Long {
        return piecewise(
            &[(66.0, 0.2), (80.0, -0.05), (90.0, -1.4), (180.0, -1.6)],
            abs_theta,
        );
    }
    let last = front[3];
    piecewise(
        &[
            last,
            (68.0, 0.1),
            (76.0, -0.15),
            (83.0, -0.12),
            (90.0, 0.24),
            (106.0, 0.24),
            (125.0, -0.3),
            (150.0, -0.55),
            (180.0, -0.6),
        ],
        abs_theta,
    )
}

/// Hair at a base-surface point: (coverage 0..1, thickness in units).
pub fn hair_at(id: &Identity, p: Vec3, d: Vec3) -> (f32, f32) {
    if id.hair_style == HairStyle::Bald {
        return (0.0, 0.0);
    }
    let th = azimuth_deg(d).abs();
    // Distance to the hairline across it, not just vertically, so that steep stretches
    // of the line get as soft an edge as flat ones.
    let arc_per_deg = (p.x * p.x + p.z * p.z).sqrt().max(0.1) * std::f32::consts::PI / 180.0;
    let slope = (hairline_y(id, th + 0.5) - hairline_y(id, (th - 0.5).max(0.0))) / arc_per_deg;
    let inside = (p.y - hairline_y(id, th)) / (1.0 + slope * slope).sqrt();
    let cover = smoothstep(-0.01, 0.05, inside);
    if cover <= 0.0 {
        return (0.0, 0.0);
    }
    let ramp = smoothstep(0.0, 0.15, inside);
    let mut t = id.hair_volume * ramp;
    match id.hair_style {
        HairStyle::Volume => t *= 0.55 + 0.45 * smoothstep(-0.6, 1.0, p.y),
        HairStyle::Long => t *= 1.0 + 0.5 * smoothstep(0.3, -1.2, p.y),
        HairStyle::Fringe => t *= 0.6 + 0.4 * smoothstep(0.2, 0.9, p.y),
        _ => {}
    }
    // The parting: a thin line of scalp on the top.
    let part_x = id.hair_part * 0.25;
    if p.y > 0.55
        && d.z > -0.3
        && matches!(
            id.hair_style,
            HairStyle::Short | HairStyle::Fringe | HairStyle::Long
        )
    {
        let g = bump(((p.x - part_x) / 0.025).powi(2)) * smoothstep(0.55, 0.75, p.y);
        t *= 1.0 - 0.5 * g;
    }
    (cover, t)
}

/// Facial-hair coverage (0..1) at a front point (x, y).
pub fn facial_hair_at(id: &Identity, l: &Layout, x: f32, y: f32, d: Vec3) -> f32 {
    if id.facial_hair == FacialHair::None || d.z < -0.2 {
        return 0.0;
    }
    let ax = x.abs();
    let mw = l.mouth_half_w;
    let on_lips =
        ax < mw && y < l.mouth_y + l.upper_lip_h * 0.9 && y > l.mouth_y - l.lower_lip_h * 0.9;
    if on_lips {
        return 0.0;
    }
    let moustache = smoothstep(mw + 0.06, mw + 0.02, ax)
        * smoothstep(
            l.mouth_y + l.upper_lip_h * 0.6,
            l.mouth_y + l.upper_lip_h + 0.01,
            y,
        )
        * smoothstep(l.subnasale_y - 0.005, l.subnasale_y - 0.03, y);
    let chin = smoothstep(0.2, 0.14, ax)
        * smoothstep(
            l.mouth_y - l.lower_lip_h * 0.7,
            l.mouth_y - l.lower_lip_h - 0.03,
            y,
        );
    // Full beard: below a cheek line that rises toward the sideburns.
    let cheek_line = l.subnasale_y - 0.08 + 0.45 * smoothstep(0.3, 0.75, ax);
    let beard = smoothstep(cheek_line, cheek_line - 0.06, y)
        * smoothstep(-1.45, -1.3, y)
        * smoothstep(84.0, 72.0, azimuth_deg(d).abs());
    // Keep the mouth corners clear.
    let clear = 1.0 - bump2(ax, y, mw, l.mouth_y, 0.07, 0.06).min(1.0);
    clear
        * match id.facial_hair {
            FacialHair::None => 0.0,
            FacialHair::Stubble | FacialHair::Beard => beard.max(moustache),
            FacialHair::Moustache => moustache,
            FacialHair::Goatee => moustache.max(chin),
        }
}
