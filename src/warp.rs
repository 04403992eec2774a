//! Affine resampling of a caller image: bilinear taps, with box supersampling when the
//! warp shrinks the image (so large photos do not alias when cut down to 96x96).
//! Pixels that map outside the source take the nearest edge pixel.

use crate::image::Image;

/// Maps output pixel centres to source coordinates: `src = [a b; c d]·dst + [tx ty]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Affine {
    pub m: [f32; 6],
}

impl Affine {
    /// The map that stretches a `sw`×`sh` image onto `dw`×`dh`.
    pub fn resize(sw: u32, sh: u32, dw: u32, dh: u32) -> Affine {
        let (kx, ky) = (sw as f32 / dw as f32, sh as f32 / dh as f32);
        Affine {
            m: [kx, 0.0, 0.5 * kx - 0.5, 0.0, ky, 0.5 * ky - 0.5],
        }
    }

    #[inline]
    fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let m = &self.m;
        (m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5])
    }

    /// Source pixels covered by one output pixel along each axis (at least 1).
    fn footprint(&self) -> (f32, f32) {
        let m = &self.m;
        let fx = m[0].abs() + m[1].abs();
        let fy = m[3].abs() + m[4].abs();
        (fx.max(1.0), fy.max(1.0))
    }
}

/// Largest number of supersamples per axis and output pixel.
const MAX_TAPS: usize = 8;

/// Calls `put(x, y, [r, g, b])` (values in 0..=255) for every pixel of a `w`×`h`
/// output sampled from `src` through `map`.
pub(crate) fn warp(
    src: &Image,
    map: &Affine,
    w: u32,
    h: u32,
    mut put: impl FnMut(u32, u32, [f32; 3]),
) {
    let (fx, fy) = map.footprint();
    let nx = (fx.ceil() as usize).min(MAX_TAPS);
    let ny = (fy.ceil() as usize).min(MAX_TAPS);
    let inv = 1.0 / (nx * ny) as f32;
    for y in 0..h {
        for x in 0..w {
            let mut acc = [0f32; 3];
            for j in 0..ny {
                let oy = y as f32 + (j as f32 + 0.5) / ny as f32 - 0.5;
                for i in 0..nx {
                    let ox = x as f32 + (i as f32 + 0.5) / nx as f32 - 0.5;
                    let (sx, sy) = map.apply(ox, oy);
                    let p = bilinear(src, sx, sy);
                    acc[0] += p[0];
                    acc[1] += p[1];
                    acc[2] += p[2];
                }
            }
            put(x, y, acc.map(|v| v * inv));
        }
    }
}

/// Bilinear sample at (x, y) in pixel-centre coordinates, clamped to the edges.
#[inline]
fn bilinear(src: &Image, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = (src.width() as f32, src.height() as f32);
    let x = if x.is_finite() {
        x.clamp(0.0, w - 1.0)
    } else {
        0.0
    };
    let y = if y.is_finite() {
        y.clamp(0.0, h - 1.0)
    } else {
        0.0
    };
    let (x0, y0) = (x.floor(), y.floor());
    let (tx, ty) = (x - x0, y - y0);
    let (x0, y0) = (x0 as u32, y0 as u32);
    let x1 = (x0 + 1).min(src.width() - 1);
    let y1 = (y0 + 1).min(src.height() - 1);
    let (p00, p10) = (src.rgb(x0, y0), src.rgb(x1, y0));
    let (p01, p11) = (src.rgb(x0, y1), src.rgb(x1, y1));
    std::array::from_fn(|c| {
        let top = p00[c] as f32 * (1.0 - tx) + p10[c] as f32 * tx;
        let bottom = p01[c] as f32 * (1.0 - tx) + p11[c] as f32 * tx;
        top * (1.0 - ty) + bottom * ty
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::PixelFormat;

    #[test]
    fn identity_resize_keeps_pixels() {
        let data: Vec<u8> = (0..4 * 3 * 3).map(|i| (i * 7) as u8).collect();
        let img = Image::packed(&data, 4, 3, PixelFormat::Rgb8).unwrap();
        let mut out = vec![];
        warp(&img, &Affine::resize(4, 3, 4, 3), 4, 3, |x, y, p| {
            out.push((x, y, p))
        });
        for (x, y, p) in out {
            let q = img.rgb(x, y);
            assert_eq!(p, q.map(|v| v as f32));
        }
    }

    #[test]
    fn downscale_averages_instead_of_aliasing() {
        // A 1-pixel checkerboard shrunk 8x must come out mid-grey, not black or white.
        let data: Vec<u8> = (0..64 * 64)
            .map(|i| if (i % 64 + i / 64) % 2 == 0 { 255 } else { 0 })
            .collect();
        let img = Image::packed(&data, 64, 64, PixelFormat::Gray8).unwrap();
        warp(&img, &Affine::resize(64, 64, 8, 8), 8, 8, |_, _, p| {
            assert!((p[0] - 127.5).abs() < 20.0, "{p:?}")
        });
    }
}
