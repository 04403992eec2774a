//! Grey images in `f32` (0..255) and the pixel operations the evaluation needs: luma,
//! crop, resize with the SDK's sampling convention, the raw-pixel baseline feature, and
//! a montage for looking at crops.

use drgan::{Image, RgbImage};

/// A grey image, row-major, values in 0..=255.
#[derive(Clone, Debug, PartialEq)]
pub struct Grey {
    pub width: usize,
    pub height: usize,
    pub data: Vec<f32>,
}

/// ITU-R BT.601 luma of every pixel (0.299 R + 0.587 G + 0.114 B).
pub fn grey(image: &Image) -> Grey {
    let (w, h) = (image.width(), image.height());
    let mut data = Vec::with_capacity(w as usize * h as usize);
    for y in 0..h {
        for x in 0..w {
            let [r, g, b] = image.rgb(x, y).map(|v| v as f32);
            data.push(0.299 * r + 0.587 * g + 0.114 * b);
        }
    }
    Grey {
        width: w as usize,
        height: h as usize,
        data,
    }
}

/// `image` resized to `w`x`h` as the SDK resizes encoder inputs: output pixel centres
/// mapped linearly onto the source, bilinear taps, with up to 8x8 supersamples per
/// output pixel when shrinking (box filtering, no aliasing).
pub fn resize(image: &Grey, w: usize, h: usize) -> Grey {
    let (kx, ky) = (
        image.width as f32 / w as f32,
        image.height as f32 / h as f32,
    );
    let (nx, ny) = (
        (kx.ceil() as usize).clamp(1, 8),
        (ky.ceil() as usize).clamp(1, 8),
    );
    let mut data = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let mut acc = 0.0;
            for j in 0..ny {
                let sy = (y as f32 + (j as f32 + 0.5) / ny as f32) * ky - 0.5;
                for i in 0..nx {
                    let sx = (x as f32 + (i as f32 + 0.5) / nx as f32) * kx - 0.5;
                    acc += bilinear(image, sx, sy);
                }
            }
            data.push(acc / (nx * ny) as f32);
        }
    }
    Grey {
        width: w,
        height: h,
        data,
    }
}

/// `image` resized to `side`x`side` in colour, each channel as [`resize`] does.
pub fn resize_rgb(image: &Image, side: usize) -> RgbImage {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let planes: Vec<Grey> = (0..3)
        .map(|c| {
            let data = (0..w * h)
                .map(|i| image.rgb((i % w) as u32, (i / w) as u32)[c] as f32)
                .collect();
            resize(
                &Grey {
                    width: w,
                    height: h,
                    data,
                },
                side,
                side,
            )
        })
        .collect();
    let data = (0..side * side)
        .flat_map(|i| {
            planes
                .iter()
                .map(move |p| p.data[i].round().clamp(0.0, 255.0) as u8)
        })
        .collect();
    RgbImage {
        width: side as u32,
        height: side as u32,
        data,
    }
}

fn bilinear(g: &Grey, x: f32, y: f32) -> f32 {
    let x = x.clamp(0.0, (g.width - 1) as f32);
    let y = y.clamp(0.0, (g.height - 1) as f32);
    let (x0, y0) = (x.floor() as usize, y.floor() as usize);
    let (x1, y1) = ((x0 + 1).min(g.width - 1), (y0 + 1).min(g.height - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |x: usize, y: usize| g.data[y * g.width + x];
    let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
    let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
    top * (1.0 - fy) + bottom * fy
}

/// The raw-pixel baseline's "embedding": the grey image (at the model's input size),
/// mean removed, scaled to unit length (zero for a flat image).
pub fn raw_feature(image: &Grey) -> Vec<f32> {
    let mean = image.data.iter().map(|&v| v as f64).sum::<f64>() / image.data.len() as f64;
    let centred: Vec<f64> = image.data.iter().map(|&v| v as f64 - mean).collect();
    let norm = centred.iter().map(|v| v * v).sum::<f64>().sqrt();
    centred
        .iter()
        .map(|&v| if norm > 0.0 { (v / norm) as f32 } else { 0.0 })
        .collect()
}

/// The square `side`x`side` region of `image` whose top-left corner is (`x`, `y`);
/// pixels outside the image take the nearest edge pixel.
pub fn crop(image: &Image, x: i64, y: i64, side: u32) -> RgbImage {
    let (w, h) = (image.width() as i64, image.height() as i64);
    let mut data = Vec::with_capacity(side as usize * side as usize * 3);
    for j in 0..side as i64 {
        for i in 0..side as i64 {
            let sx = (x + i).clamp(0, w - 1) as u32;
            let sy = (y + j).clamp(0, h - 1) as u32;
            data.extend(image.rgb(sx, sy));
        }
    }
    RgbImage {
        width: side,
        height: side,
        data,
    }
}

/// Equal-sized tiles laid out `columns` to a row with a 2-pixel white gap.
pub fn montage(tiles: &[RgbImage], columns: usize) -> Option<RgbImage> {
    let first = tiles.first()?;
    let (tw, th) = (first.width as usize, first.height as usize);
    if tiles
        .iter()
        .any(|t| (t.width as usize, t.height as usize) != (tw, th))
    {
        return None;
    }
    let columns = columns.clamp(1, tiles.len());
    let rows = tiles.len().div_ceil(columns);
    let gap = 2;
    let (w, h) = (columns * (tw + gap) + gap, rows * (th + gap) + gap);
    let mut data = vec![255u8; w * h * 3];
    for (k, tile) in tiles.iter().enumerate() {
        let (ox, oy) = (
            gap + (k % columns) * (tw + gap),
            gap + (k / columns) * (th + gap),
        );
        for y in 0..th {
            let src = &tile.data[y * tw * 3..(y + 1) * tw * 3];
            let at = ((oy + y) * w + ox) * 3;
            data[at..at + tw * 3].copy_from_slice(src);
        }
    }
    Some(RgbImage {
        width: w as u32,
        height: h as u32,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resize_keeps_flat_images_flat_and_averages_when_shrinking() {
        let flat = Grey {
            width: 10,
            height: 6,
            data: vec![42.0; 60],
        };
        let r = resize(&flat, 4, 3);
        assert!(r.data.iter().all(|&v| (v - 42.0).abs() < 1e-4));
        // A 2x2 checkerboard of 4x4 blocks halved is the same checkerboard of 2x2 blocks.
        let board = Grey {
            width: 8,
            height: 8,
            data: (0..64)
                .map(|i| {
                    if (i % 8 / 4 + i / 8 / 4) % 2 == 0 {
                        0.0
                    } else {
                        200.0
                    }
                })
                .collect(),
        };
        let half = resize(&board, 4, 4);
        assert_eq!(half.data[0], 0.0);
        assert_eq!(half.data[3], 200.0);
        assert_eq!(half.data[15], 0.0);
    }

    #[test]
    fn raw_feature_is_centred_and_unit_length() {
        let g = Grey {
            width: 3,
            height: 1,
            data: vec![10.0, 20.0, 60.0],
        };
        let f = raw_feature(&g);
        let sum: f32 = f.iter().sum();
        let norm: f32 = f.iter().map(|v| v * v).sum::<f32>().sqrt();
        assert!(sum.abs() < 1e-6 && (norm - 1.0).abs() < 1e-6);
        let flat = Grey {
            width: 2,
            height: 1,
            data: vec![5.0, 5.0],
        };
        assert_eq!(raw_feature(&flat), vec![0.0, 0.0]);
    }
}
