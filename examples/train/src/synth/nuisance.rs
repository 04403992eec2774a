//! Per-image nuisance: everything about a picture that is not the person or the yaw.
//!
//! A `(identity, variation)` pair fixes one `Nuisance`; it does not depend on the yaw, so
//! one variation rendered at several yaws is a clean pose sweep under fixed conditions.

use super::identity::srgb;
use super::math::Vec3;
use super::rng::{hash2, Rng};

/// How the background is painted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Background {
    /// One colour.
    Flat([f32; 3]),
    /// Linear gradient from `a` to `b` along the direction `angle` (radians).
    Gradient {
        a: [f32; 3],
        b: [f32; 3],
        angle: f32,
    },
    /// Value-noise texture mixing `a` and `b` at spatial frequency `scale` (per image width).
    Texture {
        a: [f32; 3],
        b: [f32; 3],
        scale: f32,
        seed: u64,
    },
}

/// Conditions of one picture.
#[derive(Clone, Debug, PartialEq)]
pub struct Nuisance {
    /// Head pitch in degrees; positive lifts the chin.
    pub pitch_deg: f32,
    /// Head roll in degrees (in-plane tilt); positive turns the head counter-clockwise
    /// as seen in the image.
    pub roll_deg: f32,
    /// Unit vector toward the key light, in camera space (x image right, y up, z toward
    /// the camera).
    pub light_dir: Vec3,
    /// Key light intensity.
    pub light_intensity: f32,
    /// Key light colour (linear RGB, around 1).
    pub light_colour: [f32; 3],
    /// Ambient (fill) level.
    pub ambient: f32,
    /// Ambient colour (linear RGB, around 1).
    pub ambient_colour: [f32; 3],
    pub background: Background,
    /// Smile amount in [0, 1].
    pub smile: f32,
    /// Mouth opening in [0, 1].
    pub mouth_open: f32,
    /// Brow raise in [-1, 1].
    pub brow_raise: f32,
    /// Multiplicative scale jitter of the crop (1 = canonical framing).
    pub scale: f32,
    /// Shift jitter, as fractions of the image size.
    pub shift: [f32; 2],
}

fn dir_from_angles(azimuth_deg: f32, elevation_deg: f32) -> Vec3 {
    let (a, e) = (azimuth_deg.to_radians(), elevation_deg.to_radians());
    Vec3::new(e.cos() * a.sin(), e.sin(), e.cos() * a.cos())
}

fn random_colour(r: &mut Rng) -> [f32; 3] {
    let base = r.range(0.02, 0.8);
    let tint = [r.range(0.6, 1.4), r.range(0.6, 1.4), r.range(0.6, 1.4)];
    [
        (base * tint[0]).min(1.0),
        (base * tint[1]).min(1.0),
        (base * tint[2]).min(1.0),
    ]
}

impl Nuisance {
    /// The conditions of variation `variation` of `identity`.
    pub fn sample(identity: u64, variation: u64) -> Nuisance {
        let mut r = Rng::new(hash2(hash2(identity, 0xB16B00B5), variation));
        let pitch_deg = r.normal(0.0, 3.5).clamp(-10.0, 10.0);
        let roll_deg = r.normal(0.0, 3.0).clamp(-8.0, 8.0);
        let light_dir = dir_from_angles(r.range(-65.0, 65.0), r.range(-10.0, 50.0));
        let light_intensity = r.range(0.65, 1.15);
        let temp = r.range(-1.0, 1.0);
        let light_colour = [1.0 + 0.12 * temp, 1.0, 1.0 - 0.15 * temp];
        let ambient = r.range(0.22, 0.5);
        let at = r.range(-1.0, 1.0);
        let ambient_colour = [1.0 - 0.08 * at, 1.0, 1.0 + 0.1 * at];
        let background = match r.weighted(&[1.0, 1.5, 1.0]) {
            0 => Background::Flat(random_colour(&mut r)),
            1 => Background::Gradient {
                a: random_colour(&mut r),
                b: random_colour(&mut r),
                angle: r.range(0.0, std::f32::consts::TAU),
            },
            _ => Background::Texture {
                a: random_colour(&mut r),
                b: random_colour(&mut r),
                scale: r.range(2.0, 9.0),
                seed: r.next_u64(),
            },
        };
        let smile = if r.chance(0.4) {
            r.range(0.0, 0.8)
        } else {
            0.0
        };
        let mouth_open = if r.chance(0.25) {
            r.range(0.0, 0.6)
        } else {
            0.0
        };
        let brow_raise = if r.chance(0.3) {
            r.range(-0.6, 1.0)
        } else {
            0.0
        };
        let scale = r.range(0.96, 1.04);
        let shift = [r.range(-0.025, 0.025), r.range(-0.025, 0.025)];
        Nuisance {
            pitch_deg,
            roll_deg,
            light_dir,
            light_intensity,
            light_colour,
            ambient,
            ambient_colour,
            background,
            smile,
            mouth_open,
            brow_raise,
            scale,
            shift,
        }
    }

    /// These conditions with the key and ambient lights of `other`.
    pub fn with_lighting_of(self, other: &Nuisance) -> Nuisance {
        Nuisance {
            light_dir: other.light_dir,
            light_intensity: other.light_intensity,
            light_colour: other.light_colour,
            ambient: other.ambient,
            ambient_colour: other.ambient_colour,
            ..self
        }
    }

    /// These conditions with the lighting and the background of `scene`: the two factors
    /// an encoder can take for identity when they stay fixed across a person's pictures.
    pub fn with_scene_of(self, scene: &Nuisance) -> Nuisance {
        Nuisance {
            background: scene.background,
            ..self.with_lighting_of(scene)
        }
    }

    /// Studio conditions: no jitter, neutral expression, grey background, key light from
    /// the given direction (degrees; azimuth positive toward image right, elevation up).
    pub fn studio(light_azimuth_deg: f32, light_elevation_deg: f32) -> Nuisance {
        Nuisance {
            pitch_deg: 0.0,
            roll_deg: 0.0,
            light_dir: dir_from_angles(light_azimuth_deg, light_elevation_deg),
            light_intensity: 0.9,
            light_colour: [1.0, 1.0, 1.0],
            ambient: 0.35,
            ambient_colour: [1.0, 1.0, 1.0],
            background: Background::Flat(srgb(128, 128, 128)),
            smile: 0.0,
            mouth_open: 0.0,
            brow_raise: 0.0,
            scale: 1.0,
            shift: [0.0, 0.0],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scene_brings_its_lighting_and_background_and_nothing_else() {
        let (own, scene) = (Nuisance::sample(7, 0), Nuisance::sample(7, 1));
        let mixed = own.clone().with_scene_of(&scene);
        assert_eq!(
            (mixed.light_dir, mixed.light_intensity, mixed.light_colour),
            (scene.light_dir, scene.light_intensity, scene.light_colour)
        );
        assert_eq!(
            (mixed.ambient, mixed.ambient_colour, mixed.background),
            (scene.ambient, scene.ambient_colour, scene.background)
        );
        let keep = |n: &Nuisance| {
            (
                n.pitch_deg,
                n.roll_deg,
                n.smile,
                n.mouth_open,
                n.brow_raise,
                n.scale,
                n.shift,
            )
        };
        assert_eq!(keep(&mixed), keep(&own));
        assert_ne!(mixed, own);
    }
}
