//! Sample grids: one row per probe picture, the input first, then the generator's
//! synthesis at every yaw bin (left to right, -90 to 90).

use super::batch::push_image;
use crate::nets::Generator;
use burn::prelude::*;
use burn::tensor::TensorData;
use std::path::Path;

/// The grid's geometry: picture side, pose bins (columns after the input), noise length,
/// and the zoom of each cell.
#[derive(Clone, Copy, Debug)]
pub struct Cells {
    pub size: usize,
    pub poses: usize,
    pub noise: usize,
    pub zoom: usize,
}

/// Synthesizes every probe (RGB8, `size`x`size`) at every pose bin with `g` (in inference
/// mode) and writes the grid as PNG.
pub fn write(
    path: &Path,
    g: &Generator,
    probes: &[Vec<u8>],
    cells: Cells,
    device: &Device,
) -> Result<(), String> {
    let Cells {
        size: s,
        poses: np,
        noise: nz,
        zoom,
    } = cells;
    let g = g.valid();
    let dev = device.clone();
    let n = probes.len();
    let mut x = Vec::new();
    for p in probes {
        push_image(&mut x, p, s, false, 0, 0);
    }
    let x = Tensor::<4>::from_data(TensorData::new(x, [n, 3, s, s]), &dev);
    let f = g.encode(x).identity;
    let nf = f.dims()[1];
    // Every probe at every bin: rows of (probe, bin).
    let f = f
        .reshape([n, 1, nf])
        .repeat_dim(1, np)
        .reshape([n * np, nf]);
    let bins: Vec<usize> = (0..n * np).map(|i| i % np).collect();
    let pose = super::losses::one_hot(&bins, np, &dev);
    let noise = Tensor::<2>::zeros([n * np, nz], &dev);
    let out = g.decoder.forward(f, pose, noise);
    let out: Vec<f32> = out
        .into_data()
        .convert::<f32>()
        .try_into_vec()
        .map_err(|e| format!("reading samples: {e:?}"))?;

    let mut sheet = Sheet::new(n, np + 1, s, zoom, 2);
    for (r, p) in probes.iter().enumerate() {
        sheet.put_rgb(r, 0, p);
        for b in 0..np {
            let base = (r * np + b) * 3 * s * s;
            let v = |c: usize, y: usize, x: usize| {
                let t = out[base + (c * s + y) * s + x];
                ((t + 1.0) * 127.5).round().clamp(0.0, 255.0) as u8
            };
            sheet.put(r, b + 1, &v);
        }
    }
    sheet.save(path)
}

/// A white sheet of `rows` x `cols` cells, each a square picture of side `size` drawn
/// `zoom` times as large, `gap` pixels apart and from the edges.
pub struct Sheet {
    image: image::RgbImage,
    size: usize,
    zoom: usize,
    gap: usize,
}

impl Sheet {
    pub fn new(rows: usize, cols: usize, size: usize, zoom: usize, gap: usize) -> Self {
        let cell = size * zoom;
        let (w, h) = (cols * (cell + gap) + gap, rows * (cell + gap) + gap);
        Sheet {
            image: image::RgbImage::from_pixel(w as u32, h as u32, image::Rgb([255, 255, 255])),
            size,
            zoom,
            gap,
        }
    }

    /// Draws cell (`row`, `col`): `px(channel, y, x)` is the picture's RGB value.
    pub fn put(&mut self, row: usize, col: usize, px: &dyn Fn(usize, usize, usize) -> u8) {
        let (zoom, gap) = (self.zoom, self.gap);
        let cell = self.size * zoom;
        for y in 0..cell {
            for x in 0..cell {
                let (sx, sy) = (x / zoom, y / zoom);
                let rgb = [px(0, sy, sx), px(1, sy, sx), px(2, sy, sx)];
                let (ox, oy) = (gap + col * (cell + gap) + x, gap + row * (cell + gap) + y);
                self.image.put_pixel(ox as u32, oy as u32, image::Rgb(rgb));
            }
        }
    }

    /// Draws cell (`row`, `col`) from packed RGB8 bytes.
    pub fn put_rgb(&mut self, row: usize, col: usize, rgb: &[u8]) {
        let s = self.size;
        self.put(row, col, &|c, y, x| rgb[(y * s + x) * 3 + c]);
    }

    /// Writes the sheet as PNG.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        self.image
            .save(path)
            .map_err(|e| format!("writing {}: {e}", path.display()))
    }
}
