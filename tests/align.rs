//! Alignment on real photos (examples/data, with landmarks.json): the eye–mouth line
//! lands on the bundle's template, the points near theirs, and the crop really holds the
//! face there; a face box frames nearly the same crop.

mod fixtures;

use drgan::align::FaceFrame;
use drgan::io::load_image;
use drgan::Landmarks;
use fixtures::*;

/// The real photos of examples/data (not the synthetic faces) with their landmarks.
fn photos() -> Vec<(String, Landmarks)> {
    let text = std::fs::read_to_string(examples_data().join("landmarks.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut out: Vec<(String, Landmarks)> = json
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| v.get("synthetic").is_none())
        .map(|(name, v)| {
            let p = v["five_points_xy"].as_array().unwrap();
            let pts: Landmarks = std::array::from_fn(|i| {
                [
                    p[i][0].as_f64().unwrap() as f32,
                    p[i][1].as_f64().unwrap() as f32,
                ]
            });
            (name.clone(), pts)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Mean absolute difference of two crops of one size, per byte.
fn mean_abs_difference(a: &drgan::RgbImage, b: &drgan::RgbImage) -> f32 {
    let sum: f32 = a
        .data
        .iter()
        .zip(&b.data)
        .map(|(&x, &y)| (x as f32 - y as f32).abs())
        .sum();
    sum / a.data.len() as f32
}

/// Mean brightness of a small square around `p` in an RGB8 crop.
fn brightness(img: &drgan::RgbImage, p: [f32; 2], r: i32) -> f32 {
    let (mut sum, mut n) = (0f32, 0f32);
    for dy in -r..=r {
        for dx in -r..=r {
            let (x, y) = (p[0].round() as i32 + dx, p[1].round() as i32 + dy);
            let i = (y as usize * img.width as usize + x as usize) * 3;
            sum += img.data[i..i + 3].iter().map(|&v| v as f32).sum::<f32>() / 3.0;
            n += 1.0;
        }
    }
    sum / n
}

#[test]
fn photos_align_onto_the_template() {
    let model = tiny_model();
    let template = model.info().landmarks;
    let size = model.info().input_size;
    assert_eq!(photos().len(), 3);
    for (name, points) in photos() {
        let img = load_image(examples_data().join(&name), 1 << 26).unwrap();
        let crop = model.align(&img.view(), &points).unwrap();
        assert_eq!((crop.width, crop.height), (size, size));
        // The eye–mouth line lands on the template's (the nose offset of these near-
        // frontal faces moves it by under 2 % of the crop), and every point lands within
        // a few template pixels (the residual is the face's own shape against the
        // template).
        let frame = FaceFrame::from_points(&points).unwrap();
        let t = frame.to_template(&template).unwrap();
        let s = size as f32;
        let tf = FaceFrame::from_points(&template).unwrap();
        for (p, q) in [(frame.eyes, tf.eyes), (frame.mouth, tf.mouth)] {
            let m = t.apply(p);
            assert!((m[1] - q[1]).abs() < 0.01 * s, "{name}: {m:?} vs {q:?}");
            assert!((m[0] - q[0]).abs() < 0.02 * s, "{name}: {m:?} vs {q:?}");
        }
        for (p, q) in points.iter().zip(&template) {
            let m = t.apply(*p);
            let err = (m[0] - q[0]).hypot(m[1] - q[1]);
            assert!(err < 0.12 * s, "{name}: {p:?} -> {m:?}, template {q:?}");
        }
        // Eyes (dark pupils, lashes) are darker than the cheek between eye and mouth.
        let eye = (brightness(&crop, template[0], 1) + brightness(&crop, template[1], 1)) / 2.0;
        let cheek = brightness(
            &crop,
            [template[0][0], (template[0][1] + template[3][1]) / 2.0],
            1,
        );
        assert!(
            eye < cheek,
            "{name}: eyes {eye} not darker than cheek {cheek}"
        );
        if let Ok(dir) = std::env::var("DRGAN_TEST_OUT") {
            drgan::io::save_png(&crop.view(), format!("{dir}/aligned_{name}.png")).unwrap();
        }
    }
}

#[test]
fn alignment_is_the_same_whatever_the_photo_scale() {
    // Aligning a photo and its half-size copy (landmarks halved) gives nearly the same
    // crop: the warp antialiases instead of sampling every n-th pixel.
    let model = tiny_model();
    let (name, points) = &photos()[0];
    let img = load_image(examples_data().join(name), 1 << 26).unwrap();
    let (w, h) = (img.width / 2, img.height / 2);
    let mut half = vec![0u8; (w * h * 3) as usize];
    for y in 0..h as usize {
        for x in 0..w as usize {
            for c in 0..3 {
                let at = |dx: usize, dy: usize| {
                    img.data[((2 * y + dy) * img.width as usize + 2 * x + dx) * 3 + c] as u32
                };
                half[(y * w as usize + x) * 3 + c] =
                    ((at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1) + 2) / 4) as u8;
            }
        }
    }
    let half_img = drgan::Image::packed(&half, w, h, drgan::PixelFormat::Rgb8).unwrap();
    let half_points = points.map(|[x, y]| [x / 2.0 - 0.25, y / 2.0 - 0.25]);
    let a = model.align(&img.view(), points).unwrap();
    let b = model.align(&half_img, &half_points).unwrap();
    let mean_diff = mean_abs_difference(&a, &b);
    assert!(mean_diff < 4.0, "mean abs difference {mean_diff}");
}

#[test]
fn bad_landmarks_are_an_error() {
    let model = tiny_model();
    let px = picture(64, 64, 1);
    let img = drgan::Image::packed(&px, 64, 64, drgan::PixelFormat::Rgb8).unwrap();
    assert!(model.align(&img, &[[10.0, 10.0]; 5]).is_err());
    let mut p = model.info().landmarks;
    p[0][0] = f32::INFINITY;
    assert!(model.align(&img, &p).is_err());
}

#[test]
fn a_face_box_frames_nearly_what_five_points_frame() {
    // A box drawn around each photo's points the way a YuNet-like detector draws it
    // (eye-to-mouth length × 2.65 high, centred a little above the eye–mouth midpoint)
    // gives nearly the five-point crop of these upright, near-frontal faces.
    let model = tiny_model();
    for (name, points) in photos() {
        let img = load_image(examples_data().join(&name), 1 << 26).unwrap();
        let f = FaceFrame::from_points(&points).unwrap();
        let (l, c) = (
            f.length(),
            [
                (f.eyes[0] + f.mouth[0]) / 2.0,
                (f.eyes[1] + f.mouth[1]) / 2.0,
            ],
        );
        let h = l * drgan::align::BOX_HEIGHT_IN_FACE_LENGTHS;
        let cy = c[1] - drgan::align::BOX_CENTRE_ABOVE_FACE * l;
        let face = [c[0] - 0.4 * h, cy - h / 2.0, c[0] + 0.4 * h, cy + h / 2.0];
        let a = model.align(&img.view(), &points).unwrap();
        let b = model.align_box(&img.view(), &face).unwrap();
        let mean_diff = mean_abs_difference(&a, &b);
        assert!(mean_diff < 25.0, "{name}: mean abs difference {mean_diff}");
    }
    let px = picture(64, 64, 1);
    let img = drgan::Image::packed(&px, 64, 64, drgan::PixelFormat::Rgb8).unwrap();
    assert!(model.align_box(&img, &[10.0, 10.0, 10.0, 40.0]).is_err());
}
