//! Writes the seed corpus of the fuzz targets (fuzz/README.md) into `fuzz/seeds`:
//! a real tiny bundle's parts for `bundle`, shrunk photos from examples/data in several
//! PNG and JPEG variants for `image_decode`, and image descriptions for `ffi_image`.
//!
//! ```sh
//! cargo run --example fuzz_seeds -- fuzz/seeds
//! ```

use std::path::Path;

use drgan::bundle::BundleFiles;
use drgan_writer::{BundleFilesExt, Config};
use image::{imageops::FilterType, DynamicImage, ImageFormat};

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fuzz/seeds".into());
    let out = Path::new(&out);
    let write = |dir: &str, name: &str, bytes: &[u8]| {
        let d = out.join(dir);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join(name), bytes).unwrap();
    };

    // bundle: selector byte (0 encoder, 1 decoder, 2 pose head) + that part's bytes.
    let b = BundleFiles::random(&Config::named("tiny").unwrap(), 1).unwrap();
    for (i, (name, part)) in [
        ("encoder", &b.encoder),
        ("decoder", &b.decoder),
        ("pose", b.pose.as_ref().unwrap()),
    ]
    .into_iter()
    .enumerate()
    {
        let mut seed = vec![i as u8];
        seed.extend(part.iter());
        write("bundle", name, &seed);
    }

    // image_decode: small versions of the example photos.
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let photo = |name: &str, w: u32, h: u32| {
        image::open(data.join(name))
            .unwrap()
            .resize_exact(w, h, FilterType::Triangle)
    };
    let encode = |img: &DynamicImage, format: ImageFormat| {
        let mut buf = std::io::Cursor::new(Vec::new());
        img.write_to(&mut buf, format).unwrap();
        buf.into_inner()
    };
    let obama = photo("obama.jpg", 24, 30);
    let biden = photo("biden.jpg", 16, 16);
    let astro = photo("astronaut.png", 16, 16);
    let jpeg = ImageFormat::Jpeg;
    let png = ImageFormat::Png;
    let images = [
        ("obama-24x30.jpg", encode(&obama, jpeg)),
        (
            "biden-16-gray.jpg",
            encode(&DynamicImage::ImageLuma8(biden.to_luma8()), jpeg),
        ),
        ("biden-16.png", encode(&biden, png)),
        ("astronaut-16.png", encode(&astro, png)),
        (
            "astronaut-16-rgba.png",
            encode(&DynamicImage::ImageRgba8(astro.to_rgba8()), png),
        ),
        (
            "astronaut-16-gray.png",
            encode(&DynamicImage::ImageLuma8(astro.to_luma8()), png),
        ),
        (
            "astronaut-16-gray-alpha.png",
            encode(&DynamicImage::ImageLumaA8(astro.to_luma_alpha8()), png),
        ),
        (
            "astronaut-16-rgb16.png",
            encode(&DynamicImage::ImageRgb16(astro.to_rgb16()), png),
        ),
        ("obama-1x1.png", encode(&photo("obama.jpg", 1, 1), png)),
        ("obama-1x1.jpg", encode(&photo("obama.jpg", 1, 1), jpeg)),
    ];
    for (name, bytes) in images {
        write("image_decode", name, &bytes);
    }

    // ffi_image: op, width, height (u32: low two bits pick small or any), stride (u64:
    // low two bits pick raw, packed or padded), format, out_len selector, fill, pixels.
    let desc = |op: u8, w: u32, h: u32, stride: u64, format: u8, out: u8| {
        let mut v = vec![op];
        v.extend(((w << 2) | 1).to_le_bytes());
        v.extend(((h << 2) | 1).to_le_bytes());
        v.extend(stride.to_le_bytes());
        v.extend([format, out, 7]);
        v.extend((0..64u8).map(|i| i.wrapping_mul(37)));
        v
    };
    let seeds = [
        ("embed-rgb-32", desc(0, 32, 32, 1, 1, 200)),
        (
            "embed-batch-bgra-padded",
            desc(1, 20, 9, 2 | (5 << 2), 4, 200),
        ),
        ("fused-gray", desc(2, 7, 5, 1, 5, 200)),
        ("align-rgba", desc(3, 16, 16, 1, 2, 200)),
        ("rotate-bgr", desc(4, 12, 10, 1, 3, 200)),
        ("yaw-rgb", desc(5, 9, 9, 1, 1, 200)),
        ("similarity", desc(6, 1, 1, 1, 1, 20)),
        ("short-stride", desc(0, 8, 8, 3 | (1 << 2) | 4, 1, 200)),
        ("bad-format", desc(0, 4, 4, 1, 0, 200)),
        ("small-out", desc(0, 4, 4, 1, 1, 3)),
    ];
    for (name, bytes) in seeds {
        write("ffi_image", name, &bytes);
    }
    println!("seeds written to {}", out.display());
}
