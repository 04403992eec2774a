//! Deterministic randomness: a SplitMix64 stream, seed mixing and value noise.
//!
//! Everything the generator draws comes from here, so a seed fixes the output bit for bit
//! on every platform (only `f32` arithmetic on the same code path is involved).

use super::math::Vec3;

/// SplitMix64 finaliser: a good 64-bit mixing function.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Combine two values into one seed.
pub fn hash2(a: u64, b: u64) -> u64 {
    mix64(mix64(a) ^ b.rotate_left(29) ^ 0x5851_F42D_4C95_7F2D)
}

/// A small deterministic random stream.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(mix64(seed))
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    /// Uniform in [a, b).
    pub fn range(&mut self, a: f32, b: f32) -> f32 {
        a + (b - a) * self.unit()
    }
    /// Approximately normal (sum of four uniforms), clamped to +-3 sigma.
    pub fn normal(&mut self, mean: f32, sd: f32) -> f32 {
        let s: f32 = (0..4).map(|_| self.unit()).sum::<f32>() - 2.0;
        mean + sd * (s * 1.732_050_8).clamp(-3.0, 3.0)
    }
    pub fn chance(&mut self, p: f32) -> bool {
        self.unit() < p
    }
    /// Index drawn with the given relative weights.
    pub fn weighted(&mut self, weights: &[f32]) -> usize {
        let total: f32 = weights.iter().sum();
        let mut u = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if u < *w {
                return i;
            }
            u -= w;
        }
        // Rounding left `u` past the end: the last index that can be drawn.
        weights
            .iter()
            .rposition(|&w| w > 0.0)
            .unwrap_or(weights.len() - 1)
    }
}

fn lattice(seed: u64, x: i32, y: i32, z: i32) -> f32 {
    let h = mix64(
        seed ^ (x as u32 as u64).wrapping_mul(0x8CB9_2BA7_2F3D_8DD7)
            ^ (y as u32 as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93)
            ^ (z as u32 as u64).wrapping_mul(0xA0761D6478BD642F),
    );
    (h >> 40) as f32 / (1u64 << 23) as f32 - 1.0
}

/// Trilinear value noise in [-1, 1] with unit lattice spacing.
pub fn noise3(seed: u64, p: Vec3) -> f32 {
    let (fx, fy, fz) = (p.x.floor(), p.y.floor(), p.z.floor());
    let (ix, iy, iz) = (fx as i32, fy as i32, fz as i32);
    let s = |t: f32| t * t * (3.0 - 2.0 * t);
    let (tx, ty, tz) = (s(p.x - fx), s(p.y - fy), s(p.z - fz));
    let mut acc = 0.0;
    for dz in 0..2 {
        let wz = if dz == 0 { 1.0 - tz } else { tz };
        for dy in 0..2 {
            let wy = if dy == 0 { 1.0 - ty } else { ty };
            let a = lattice(seed, ix, iy + dy, iz + dz);
            let b = lattice(seed, ix + 1, iy + dy, iz + dz);
            acc += wz * wy * (a + (b - a) * tx);
        }
    }
    acc
}

/// Fractal sum of `octaves` noise layers, roughly in [-1, 1].
pub fn fbm(seed: u64, p: Vec3, octaves: u32) -> f32 {
    let (mut sum, mut amp, mut norm, mut q) = (0.0, 1.0, 0.0, p);
    for o in 0..octaves {
        sum += amp * noise3(seed.wrapping_add(o as u64), q);
        norm += amp;
        amp *= 0.5;
        q = q * 2.03;
    }
    sum / norm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_deterministic_and_seed_dependent() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let mut r = Rng::new(7);
        assert_eq!(a, (0..4).map(|_| r.next_u64()).collect::<Vec<_>>());
        assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
    }

    #[test]
    fn noise_is_bounded() {
        for i in 0..1000 {
            let v = noise3(
                3,
                Vec3::new(i as f32 * 0.37, i as f32 * 0.11, -(i as f32) * 0.23),
            );
            assert!((-1.0..=1.0).contains(&v));
        }
    }
}
