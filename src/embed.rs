//! Encoder inference: a batch of input tensors to identity features and confidences,
//! and multi-image fusion by confidence.

use crate::backend::{Net, Tensor};
use crate::error::{Error, Result};
use crate::types::Embedding;

/// Runs the encoder on `input` [N, 3, S, S] and splits its two outputs per image.
pub(crate) fn run(encoder: &Net, input: Tensor, feature_dim: usize) -> Result<Vec<Embedding>> {
    let n = input.shape[0];
    let mut out = encoder.run(vec![input])?.into_iter();
    let (identity, confidence) = match (out.next(), out.next()) {
        (Some(i), Some(c)) => (i, c),
        _ => return Err(Error::inference("encoder did not return two outputs")),
    };
    if identity.shape != [n, feature_dim] || confidence.shape != [n, 1] {
        return Err(Error::inference(format!(
            "encoder returned shapes {:?} and {:?}, expected [{n}, {feature_dim}] and [{n}, 1]",
            identity.shape, confidence.shape
        )));
    }
    if identity
        .data
        .iter()
        .chain(&confidence.data)
        .any(|v| !v.is_finite())
    {
        return Err(Error::inference(
            "encoder produced NaN or infinite values (corrupt weights?)",
        ));
    }
    Ok(identity
        .data
        .chunks_exact(feature_dim)
        .zip(&confidence.data)
        .map(|(f, &c)| Embedding {
            feature: f.to_vec(),
            confidence: c,
        })
        .collect())
}

/// Σωᵢfᵢ / Σωᵢ; the fused confidence is the mean ω.
pub(crate) fn fuse(parts: &[Embedding]) -> Result<Embedding> {
    let first = parts
        .first()
        .ok_or_else(|| Error::invalid("no embeddings to fuse"))?;
    let total: f32 = parts.iter().map(|e| e.confidence).sum();
    if total.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return Err(Error::inference("confidences sum to zero; cannot fuse"));
    }
    let mut feature = vec![0f32; first.feature.len()];
    for e in parts {
        for (acc, v) in feature.iter_mut().zip(&e.feature) {
            *acc += e.confidence * v;
        }
    }
    feature.iter_mut().for_each(|v| *v /= total);
    Ok(Embedding {
        feature,
        confidence: total / parts.len() as f32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fusion_weights_by_confidence() {
        let a = Embedding {
            feature: vec![1.0, 0.0],
            confidence: 0.75,
        };
        let b = Embedding {
            feature: vec![0.0, 1.0],
            confidence: 0.25,
        };
        let f = fuse(&[a, b]).unwrap();
        assert_eq!(f.feature, vec![0.75, 0.25]);
        assert_eq!(f.confidence, 0.5);
        assert!(fuse(&[]).is_err());
    }
}
