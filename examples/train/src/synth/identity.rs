//! Identity model: a seed fixes every parameter of one synthetic person's 3D head.
//!
//! Lengths are in head units (1 unit ~ 10 cm); factors near 1.0 scale a typical adult.
//! Colours are linear RGB in [0, 1]. The draws are independent per trait (one sub-stream
//! per group), so changing one trait's distribution does not reshuffle the others.

use super::rng::{hash2, Rng};

/// Hair styles the head model can build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HairStyle {
    /// Bare scalp, with an optional ring of hair at the sides and back.
    Bald,
    /// Very short, close to the scalp.
    Buzz,
    /// Short, a little volume on top.
    Short,
    /// Medium length with a fringe over the forehead.
    Fringe,
    /// Long: covers the ears and falls behind the neck.
    Long,
    /// Large rounded volume (curly / afro).
    Volume,
}

/// Facial hair options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FacialHair {
    None,
    Stubble,
    Moustache,
    Goatee,
    Beard,
}

/// Glasses frames (no lenses are rendered).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Glasses {
    /// Frame colour, linear RGB.
    pub colour: [f32; 3],
    /// Superellipse exponent of the rims: 2 round, 4+ rectangular.
    pub squareness: f32,
    /// Rim half width / half height (units).
    pub half_width: f32,
    pub half_height: f32,
    /// Frame tube radius (units).
    pub thickness: f32,
}

/// Every shape and colour parameter of one synthetic person.
#[derive(Clone, Debug, PartialEq)]
pub struct Identity {
    pub seed: u64,
    // Overall head shape.
    pub head_width: f32,
    pub head_height: f32,
    pub head_depth: f32,
    pub jaw_width: f32,
    pub chin_length: f32,
    pub chin_prominence: f32,
    pub chin_width: f32,
    pub cheek_fullness: f32,
    pub cheekbones: f32,
    pub forehead_slope: f32,
    pub brow_ridge: f32,
    // Nose.
    pub nose_length: f32,
    pub nose_width: f32,
    pub nose_projection: f32,
    pub nose_bridge: f32,
    pub nose_hump: f32,
    pub nose_tip: f32,
    pub nose_tip_lift: f32,
    // Eyes.
    pub eye_spacing: f32,
    pub eye_width: f32,
    pub eye_open: f32,
    pub eye_tilt: f32,
    pub eye_depth: f32,
    pub eye_height: f32,
    pub iris_colour: [f32; 3],
    pub iris_radius: f32,
    // Brows.
    pub brow_height: f32,
    pub brow_thickness: f32,
    pub brow_arch: f32,
    pub brow_tilt: f32,
    pub brow_length: f32,
    pub brow_density: f32,
    pub brow_colour: [f32; 3],
    // Mouth.
    pub mouth_width: f32,
    pub mouth_height: f32,
    pub upper_lip: f32,
    pub lower_lip: f32,
    pub lip_colour: [f32; 3],
    // Ears.
    pub ear_size: f32,
    pub ear_protrusion: f32,
    pub ear_height: f32,
    // Skin.
    pub skin_colour: [f32; 3],
    pub skin_variation: f32,
    pub freckles: f32,
    pub cheek_redness: f32,
    // Hair.
    pub hair_style: HairStyle,
    pub hair_colour: [f32; 3],
    pub hairline: f32,
    pub hair_recession: f32,
    pub hair_volume: f32,
    pub hair_part: f32,
    // Extras.
    pub glasses: Option<Glasses>,
    pub facial_hair: FacialHair,
    pub facial_hair_density: f32,
}

/// sRGB byte triple to linear RGB.
pub fn srgb(r: u8, g: u8, b: u8) -> [f32; 3] {
    let f = |c: u8| {
        let c = c as f32 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    [f(r), f(g), f(b)]
}

fn mix3(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

fn scale3(a: [f32; 3], s: [f32; 3]) -> [f32; 3] {
    [a[0] * s[0], a[1] * s[1], a[2] * s[2]]
}

impl Identity {
    /// The person with this seed. Any `u64` is a valid identity.
    pub fn from_seed(seed: u64) -> Identity {
        let g = |k: u64| Rng::new(hash2(seed, k));
        let mut shape = g(1);
        let mut nose = g(2);
        let mut eyes = g(3);
        let mut brows = g(4);
        let mut mouth = g(5);
        let mut ears = g(6);
        let mut skin = g(7);
        let mut hair = g(8);
        let mut extra = g(9);

        // Skin: one melanin axis plus an undertone.
        let melanin = skin.unit().powf(1.5);
        let light = srgb(236, 200, 178);
        let mid = srgb(190, 140, 105);
        let dark = srgb(92, 60, 44);
        let base = if melanin < 0.5 {
            mix3(light, mid, melanin * 2.0)
        } else {
            mix3(mid, dark, (melanin - 0.5) * 2.0)
        };
        let warm = skin.range(-1.0, 1.0);
        let skin_colour = scale3(
            base,
            [
                1.0 + 0.05 * warm,
                1.0,
                1.0 - 0.10 * warm + skin.range(-0.05, 0.05),
            ],
        );
        let skin_variation = skin.range(0.04, 0.16);
        let freckles = if melanin < 0.3 && skin.chance(0.25) {
            skin.range(0.3, 1.0)
        } else {
            0.0
        };
        let cheek_redness = skin.range(0.0, 0.6);

        // Hair colour: darker skin makes dark hair likelier.
        let palette = [
            srgb(30, 24, 20),
            srgb(52, 36, 26),
            srgb(95, 64, 40),
            srgb(150, 110, 70),
            srgb(215, 180, 120),
            srgb(150, 60, 25),
            srgb(170, 165, 160),
            srgb(225, 222, 215),
        ];
        let d = melanin;
        let w = [
            1.0 + 3.0 * d,
            1.5 + 1.0 * d,
            1.5,
            1.0 - 0.8 * d,
            0.8 - 0.75 * d,
            0.35 - 0.3 * d,
            0.5,
            0.25,
        ];
        let hair_colour = {
            let c = palette[hair.weighted(&w)];
            let v = hair.range(0.8, 1.2);
            [c[0] * v, c[1] * v, c[2] * v]
        };
        let hair_style = match hair.weighted(&[0.8, 1.0, 2.0, 1.2, 1.4, 0.7]) {
            0 => HairStyle::Bald,
            1 => HairStyle::Buzz,
            2 => HairStyle::Short,
            3 => HairStyle::Fringe,
            4 => HairStyle::Long,
            _ => HairStyle::Volume,
        };
        let hair_volume = match hair_style {
            HairStyle::Bald => 0.0,
            HairStyle::Buzz => hair.range(0.012, 0.025),
            HairStyle::Short => hair.range(0.04, 0.10),
            HairStyle::Fringe => hair.range(0.06, 0.12),
            HairStyle::Long => hair.range(0.06, 0.14),
            HairStyle::Volume => hair.range(0.18, 0.30),
        };
        let hairline = hair.range(0.40, 0.62);
        let hair_recession = if hair.chance(0.3) {
            hair.range(0.05, 0.22)
        } else {
            hair.range(0.0, 0.05)
        };
        let hair_part = hair.range(-1.0, 1.0);

        let brow_colour = {
            let c = mix3(hair_colour, srgb(40, 30, 24), brows.range(0.2, 0.6));
            mix3(c, skin_colour, brows.range(0.0, 0.25))
        };

        let iris_colour = {
            let irises = [
                srgb(60, 35, 20),
                srgb(95, 60, 30),
                srgb(110, 90, 45),
                srgb(80, 110, 70),
                srgb(70, 110, 160),
                srgb(110, 125, 135),
            ];
            let w = [
                3.0 + 4.0 * d,
                2.0,
                1.0 - 0.8 * d,
                0.7 - 0.6 * d,
                1.2 - 1.1 * d,
                0.5 - 0.4 * d,
            ];
            let c = irises[eyes.weighted(&w)];
            let v = eyes.range(0.8, 1.2);
            [c[0] * v, c[1] * v, c[2] * v]
        };

        let lip_colour = {
            let tint = mix3(srgb(205, 95, 100), srgb(110, 50, 55), melanin);
            mix3(skin_colour, tint, mouth.range(0.55, 0.9))
        };

        let glasses = if extra.chance(0.22) {
            let colours = [
                srgb(15, 15, 15),
                srgb(70, 40, 25),
                srgb(190, 160, 90),
                srgb(150, 150, 155),
                srgb(120, 20, 30),
            ];
            Some(Glasses {
                colour: colours[extra.weighted(&[3.0, 1.5, 1.0, 1.0, 0.5])],
                squareness: extra.range(2.0, 6.0),
                half_width: extra.range(0.15, 0.20),
                half_height: extra.range(0.085, 0.14),
                thickness: extra.range(0.008, 0.018),
            })
        } else {
            None
        };
        let facial_hair = match extra.weighted(&[5.0, 1.0, 0.6, 0.6, 1.2]) {
            0 => FacialHair::None,
            1 => FacialHair::Stubble,
            2 => FacialHair::Moustache,
            3 => FacialHair::Goatee,
            _ => FacialHair::Beard,
        };
        let facial_hair_density = extra.range(0.5, 1.0);

        Identity {
            seed,
            head_width: shape.normal(1.0, 0.05),
            head_height: shape.normal(1.0, 0.05),
            head_depth: shape.normal(1.0, 0.04),
            jaw_width: shape.normal(0.92, 0.08),
            chin_length: shape.normal(1.0, 0.07),
            chin_prominence: shape.range(0.0, 0.06),
            chin_width: shape.range(0.8, 1.3),
            cheek_fullness: shape.range(0.0, 0.06),
            cheekbones: shape.range(0.0, 0.05),
            forehead_slope: shape.range(-0.06, 0.08),
            brow_ridge: shape.range(0.01, 0.06),
            nose_length: nose.normal(1.0, 0.08),
            nose_width: nose.normal(1.0, 0.12),
            nose_projection: nose.normal(1.0, 0.12),
            nose_bridge: nose.range(0.0, 1.0),
            nose_hump: nose.range(-0.01, 0.03),
            nose_tip: nose.range(0.0, 1.0),
            nose_tip_lift: nose.range(-0.02, 0.03),
            eye_spacing: eyes.normal(0.63, 0.025),
            eye_width: eyes.normal(0.30, 0.02),
            eye_open: eyes.normal(1.0, 0.15),
            eye_tilt: eyes.range(-0.08, 0.20),
            eye_depth: eyes.range(-0.03, 0.02),
            eye_height: eyes.range(-0.03, 0.03),
            iris_colour,
            iris_radius: eyes.range(0.056, 0.064),
            brow_height: brows.range(0.12, 0.19),
            brow_thickness: brows.range(0.022, 0.05),
            brow_arch: brows.range(0.0, 0.05),
            brow_tilt: brows.range(-0.04, 0.04),
            brow_length: brows.range(0.85, 1.1),
            brow_density: brows.range(0.55, 1.0),
            brow_colour,
            mouth_width: mouth.normal(1.0, 0.08),
            mouth_height: mouth.normal(1.0, 0.05),
            upper_lip: mouth.range(0.6, 1.3),
            lower_lip: mouth.range(0.6, 1.4),
            lip_colour,
            ear_size: ears.normal(1.0, 0.08),
            ear_protrusion: ears.range(0.05, 0.45),
            ear_height: ears.range(-0.05, 0.05),
            skin_colour,
            skin_variation,
            freckles,
            cheek_redness,
            hair_style,
            hair_colour,
            hairline,
            hair_recession,
            hair_volume,
            hair_part,
            glasses,
            facial_hair,
            facial_hair_density,
        }
    }

    /// Whether the hair style covers the ears (the ears are then not built).
    pub fn hair_covers_ears(&self) -> bool {
        self.hair_style == HairStyle::Long
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_person_other_seed_other_person() {
        assert_eq!(Identity::from_seed(42), Identity::from_seed(42));
        assert_ne!(Identity::from_seed(42), Identity::from_seed(43));
    }
}
