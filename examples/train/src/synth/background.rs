//! Background painting (flat, gradient or value-noise texture), in linear RGB.

use super::math::Vec3;
use super::nuisance::Background;
use super::rng::fbm;

/// Linear RGB of the background at output pixel (px, py) of a `size` image.
pub fn background_pixel(bg: &Background, px: usize, py: usize, size: u32) -> Vec3 {
    let v = |c: [f32; 3]| Vec3::new(c[0], c[1], c[2]);
    let (u, w) = (
        (px as f32 + 0.5) / size as f32,
        (py as f32 + 0.5) / size as f32,
    );
    match *bg {
        Background::Flat(c) => v(c),
        Background::Gradient { a, b, angle } => {
            let t = 0.5 + (u - 0.5) * angle.cos() + (w - 0.5) * angle.sin();
            v(a).lerp(v(b), t.clamp(0.0, 1.0))
        }
        Background::Texture { a, b, scale, seed } => {
            let t = 0.5 + 0.8 * fbm(seed, Vec3::new(u * scale, w * scale, 0.5), 2);
            v(a).lerp(v(b), t.clamp(0.0, 1.0))
        }
    }
}
