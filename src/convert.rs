//! Between images and the networks' tensors: a face resized to the input size and
//! scaled to [-1, 1] (planar RGB), and the decoder's output back to RGB8. Pure
//! functions, thread-safe.

use crate::error::{Error, Result};
use crate::image::{Image, RgbImage};
use crate::warp::{warp, Affine};

/// Writes `face`, resized to `size`×`size`, into `out` as the encoder's input: planar
/// RGB (CHW), scaled from [0, 255] to [-1, 1]. `out.len()` must be `3 * size * size`.
pub(crate) fn to_input(face: &Image, size: u32, out: &mut [f32]) {
    let s = size as usize;
    let (r, rest) = out.split_at_mut(s * s);
    let (g, b) = rest.split_at_mut(s * s);
    let mut put = |x: u32, y: u32, [pr, pg, pb]: [f32; 3]| {
        let i = y as usize * s + x as usize;
        r[i] = pr / 127.5 - 1.0;
        g[i] = pg / 127.5 - 1.0;
        b[i] = pb / 127.5 - 1.0;
    };
    if face.width() == size && face.height() == size {
        // Already the input size (what `align` returns): each pixel is read as it is,
        // the values `warp` gives at this size without its sampling arithmetic.
        for y in 0..size {
            for x in 0..size {
                put(x, y, face.rgb(x, y).map(f32::from));
            }
        }
        return;
    }
    let map = Affine::resize(face.width(), face.height(), size, size);
    warp(face, &map, size, size, put);
}

/// The decoder's output (planar RGB in [-1, 1], one image) as an RGB8 image.
pub(crate) fn from_output(chw: &[f32], size: u32) -> Result<RgbImage> {
    let plane = size as usize * size as usize;
    if chw.len() != 3 * plane {
        return Err(Error::inference(format!(
            "decoder image has {} values, expected {}",
            chw.len(),
            3 * plane
        )));
    }
    if chw.iter().any(|v| !v.is_finite()) {
        return Err(Error::inference(
            "decoder produced NaN or infinite pixels (corrupt weights?)",
        ));
    }
    let to_u8 = |v: f32| ((v.clamp(-1.0, 1.0) + 1.0) * 127.5).round() as u8;
    let mut data = Vec::with_capacity(3 * plane);
    for i in 0..plane {
        data.extend([
            to_u8(chw[i]),
            to_u8(chw[plane + i]),
            to_u8(chw[2 * plane + i]),
        ]);
    }
    Ok(RgbImage {
        width: size,
        height: size,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::PixelFormat;

    /// The input-size shortcut gives exactly what resampling gives at that size.
    #[test]
    fn an_input_sized_face_reads_as_warp_would_sample_it() {
        let (w, h) = (12u32, 12u32);
        let stride = w as usize * 4 + 8;
        let data: Vec<u8> = (0..stride * h as usize)
            .map(|i| (i * 37 % 251) as u8)
            .collect();
        for format in [PixelFormat::Rgb8, PixelFormat::Bgra8, PixelFormat::Gray8] {
            let face = Image::new(&data, w, h, stride, format).unwrap();
            let mut fast = vec![0f32; 3 * 144];
            to_input(&face, 12, &mut fast);
            let mut sampled = vec![0f32; 3 * 144];
            let map = Affine::resize(w, h, 12, 12);
            warp(&face, &map, 12, 12, |x, y, p| {
                let i = (y * 12 + x) as usize;
                for c in 0..3 {
                    sampled[c * 144 + i] = p[c] / 127.5 - 1.0;
                }
            });
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&fast), bits(&sampled), "{format:?}");
        }
    }
}
