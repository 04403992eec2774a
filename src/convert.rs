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
    let map = Affine::resize(face.width(), face.height(), size, size);
    let (r, rest) = out.split_at_mut(s * s);
    let (g, b) = rest.split_at_mut(s * s);
    warp(face, &map, size, size, |x, y, [pr, pg, pb]| {
        let i = y as usize * s + x as usize;
        r[i] = pr / 127.5 - 1.0;
        g[i] = pg / 127.5 - 1.0;
        b[i] = pb / 127.5 - 1.0;
    });
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
