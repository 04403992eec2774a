//! Augmentation toward real capture, on a training input's RGB8 pixels: colour and
//! exposure, greyscale, blur by downscaling, sensor noise and JPEG compression, each
//! drawn with a probability scaled by one strength (`--augment`). Targets are never
//! augmented. Pure functions of the picture and the random stream.

use crate::synth::rng::Rng;

/// Augments the `s`×`s` RGB8 picture `rgb` in place; `strength` in 0..=1 scales every
/// change's probability (0: the picture is left as it is and `rng` is not drawn from).
pub fn augment(rgb: &mut [u8], s: usize, strength: f32, rng: &mut Rng) {
    if strength <= 0.0 {
        return;
    }
    if rng.chance(0.8 * strength) {
        colour(rgb, rng);
    }
    if rng.chance(0.15 * strength) {
        greyscale(rgb);
    }
    if rng.chance(0.3 * strength) {
        let factor = rng.range(1.5, 4.0);
        downscale(rgb, s, factor);
    }
    if rng.chance(0.2 * strength) {
        let sd = rng.range(2.0, 10.0);
        for v in rgb.iter_mut() {
            *v = (*v as f32 + rng.normal(0.0, sd)).round().clamp(0.0, 255.0) as u8;
        }
    }
    if rng.chance(0.3 * strength) {
        let quality = rng.range(20.0, 80.0) as u8;
        jpeg(rgb, s, quality);
    }
}

/// Exposure (×0.6..1.4), contrast about the mean (×0.7..1.3) and per-channel gains
/// (×0.9..1.1: white balance).
fn colour(rgb: &mut [u8], rng: &mut Rng) {
    let exposure = rng.range(0.6, 1.4);
    let contrast = rng.range(0.7, 1.3);
    let gains = [0; 3].map(|_| rng.range(0.9, 1.1));
    let mean = rgb.iter().map(|&v| v as f32).sum::<f32>() / rgb.len().max(1) as f32;
    for (i, v) in rgb.iter_mut().enumerate() {
        let x = ((*v as f32 - mean) * contrast + mean) * exposure * gains[i % 3];
        *v = x.round().clamp(0.0, 255.0) as u8;
    }
}

fn greyscale(rgb: &mut [u8]) {
    for p in rgb.chunks_exact_mut(3) {
        let y = 0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32;
        p.fill(y.round().clamp(0.0, 255.0) as u8);
    }
}

/// A small camera's or a far face's blur: down by `factor` (box filter), back up
/// (bilinear).
fn downscale(rgb: &mut [u8], s: usize, factor: f32) {
    let small = ((s as f32 / factor).round() as usize).clamp(2, s);
    let img =
        image::RgbImage::from_raw(s as u32, s as u32, rgb.to_vec()).expect("an s×s RGB8 picture");
    let down = image::imageops::resize(
        &img,
        small as u32,
        small as u32,
        image::imageops::FilterType::Triangle,
    );
    let up = image::imageops::resize(
        &down,
        s as u32,
        s as u32,
        image::imageops::FilterType::Triangle,
    );
    rgb.copy_from_slice(up.as_raw());
}

/// A JPEG round trip at `quality` (blocking and ringing, as in compressed photographs).
fn jpeg(rgb: &mut [u8], s: usize, quality: u8) {
    let mut bytes = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality);
    if enc
        .encode(rgb, s as u32, s as u32, image::ExtendedColorType::Rgb8)
        .is_err()
    {
        return;
    }
    if let Ok(img) = image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg) {
        let img = img.to_rgb8();
        if img.as_raw().len() == rgb.len() {
            rgb.copy_from_slice(img.as_raw());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(s: usize) -> Vec<u8> {
        (0..s * s * 3).map(|i| ((i * 37) % 251) as u8).collect()
    }

    #[test]
    fn strength_zero_changes_nothing() {
        let mut p = picture(16);
        let mut rng = Rng::new(1);
        augment(&mut p, 16, 0.0, &mut rng);
        assert_eq!(p, picture(16));
        assert_eq!(rng.next_u64(), Rng::new(1).next_u64(), "no draw");
    }

    #[test]
    fn every_change_keeps_the_size_and_changes_the_picture() {
        let s = 16;
        let base = picture(s);
        let mut rng = Rng::new(2);
        let mut p = base.clone();
        colour(&mut p, &mut rng);
        assert_ne!(p, base);
        let mut p = base.clone();
        greyscale(&mut p);
        assert!(p.chunks(3).all(|c| c[0] == c[1] && c[1] == c[2]));
        let mut p = base.clone();
        downscale(&mut p, s, 4.0);
        assert_ne!(p, base);
        let mut p = base.clone();
        jpeg(&mut p, s, 20);
        assert_eq!(p.len(), base.len());
        assert_ne!(p, base);
        let mut changed = 0;
        for seed in 0..20 {
            let mut p = base.clone();
            augment(&mut p, s, 1.0, &mut Rng::new(seed));
            changed += (p != base) as usize;
        }
        assert!(changed >= 15, "{changed} of 20 changed");
    }
}
