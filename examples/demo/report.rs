//! What the demo shows: the similarity matrix as text, and a grid of faces as an image.

use std::io::Write;

use drgan::{Embedding, RgbImage};

/// Writes the cosine similarity of every pair of embeddings as a labelled matrix, each
/// row followed by the face's confidence (and estimated yaw, when there is one).
/// Returns the matrix.
pub fn similarity_matrix(
    out: &mut dyn Write,
    labels: &[String],
    embeddings: &[Embedding],
    yaws: &[Option<f32>],
) -> Result<Vec<Vec<f32>>, Box<dyn std::error::Error>> {
    let width = labels.iter().map(|l| l.len()).max().unwrap_or(0).max(6) + 2;
    let mut matrix = Vec::new();
    writeln!(out, "similarity (cosine of identity features, -1..1):")?;
    write!(out, "{:width$}", "")?;
    for label in labels {
        write!(out, "{label:>width$}")?;
    }
    writeln!(out, "   confidence  est. yaw")?;
    for ((label, a), yaw) in labels.iter().zip(embeddings).zip(yaws) {
        write!(out, "{label:width$}")?;
        let mut row = Vec::new();
        for b in embeddings {
            let s = drgan::similarity(&a.feature, &b.feature)?;
            write!(out, "{s:>width$.3}")?;
            row.push(s);
        }
        let yaw = yaw.map_or("-".to_string(), |y| format!("{y:.0}°"));
        writeln!(out, "   {:>10.3}  {yaw:>8}", a.confidence)?;
        matrix.push(row);
    }
    Ok(matrix)
}

/// Rows of equal-size square tiles as one image.
pub fn tile(rows: &[Vec<RgbImage>]) -> RgbImage {
    let s = rows[0][0].width as usize;
    let cols = rows[0].len();
    let (w, h) = (cols * s, rows.len() * s);
    let mut data = vec![0u8; w * h * 3];
    for (r, row) in rows.iter().enumerate() {
        for (c, img) in row.iter().enumerate() {
            for y in 0..s {
                let dst = ((r * s + y) * w + c * s) * 3;
                data[dst..dst + s * 3].copy_from_slice(&img.data[y * s * 3..(y + 1) * s * 3]);
            }
        }
    }
    RgbImage {
        width: w as u32,
        height: h as u32,
        data,
    }
}
