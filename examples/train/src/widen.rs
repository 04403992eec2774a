//! Widening a trained chain of convolutions to more channels while it computes the same
//! function (Net2Net's wider network): a bundle's encoder becomes the start of a run of
//! a wider config (`drgan-train train --init-from BUNDLE --width W`), so a wider encoder
//! does not start from scratch.
//!
//! New channel `o` of a layer copies old channel `o mod c` (its weights and bias), and
//! the next layer splits each old input channel's weights among its copies in random
//! shares that sum to one. The sum over the copies is then the old input, so the chain's
//! output is unchanged wherever only channel-wise operations (an identity batch norm,
//! ELU) sit between the layers. The shares differ between copies, so the copies receive
//! different gradients and learn apart.

use crate::synth::rng::Rng;

/// One convolution: weights `[out, in, kh, kw]`, row-major, and one bias per output.
#[derive(Clone, Debug, PartialEq)]
pub struct Conv {
    pub shape: [usize; 4],
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
}

/// How a layer's new channels map to its old ones.
struct Copies {
    /// The old channel each new channel copies.
    source: Vec<usize>,
    /// Each new channel's share of its old channel's outgoing weights.
    share: Vec<f32>,
}

impl Copies {
    /// The input channels of a chain's first layer: kept as they are.
    fn unchanged(channels: usize) -> Copies {
        Copies {
            source: (0..channels).collect(),
            share: vec![1.0; channels],
        }
    }

    fn new(old: usize, new: usize, rng: &mut Rng) -> Copies {
        let source: Vec<usize> = (0..new).map(|o| o % old).collect();
        let draw: Vec<f32> = source.iter().map(|_| rng.range(0.5, 1.5)).collect();
        let mut total = vec![0.0f32; old];
        for (&k, &d) in source.iter().zip(&draw) {
            total[k] += d;
        }
        let share = source
            .iter()
            .zip(&draw)
            .map(|(&k, &d)| d / total[k])
            .collect();
        Copies { source, share }
    }
}

/// `chain` widened so that layer `i` has `outputs[i]` output channels (at least its own);
/// each layer feeds the next. The last layer's outputs must keep their number: what the
/// chain computes stays the same.
pub fn widen_chain(chain: &[Conv], outputs: &[usize], seed: u64) -> Result<Vec<Conv>, String> {
    if chain.len() != outputs.len() || chain.is_empty() {
        return Err(format!(
            "{} layers, {} output widths",
            chain.len(),
            outputs.len()
        ));
    }
    let last = chain.len() - 1;
    if outputs[last] != chain[last].shape[0] {
        return Err(format!(
            "the last layer's {} outputs cannot become {}",
            chain[last].shape[0], outputs[last]
        ));
    }
    let mut rng = Rng::new(seed);
    let mut inputs = Copies::unchanged(chain[0].shape[1]);
    let mut given = chain[0].shape[1];
    let mut widened = Vec::with_capacity(chain.len());
    for (i, (conv, &out)) in chain.iter().zip(outputs).enumerate() {
        let [old_out, old_in, kh, kw] = conv.shape;
        if conv.weight.len() != old_out * old_in * kh * kw || conv.bias.len() != old_out {
            return Err(format!("layer {i}: weights do not match its shape"));
        }
        if old_in != given {
            return Err(format!(
                "layer {i} takes {old_in} channels; the layer before gives {given}"
            ));
        }
        if out < old_out {
            return Err(format!(
                "layer {i}: {old_out} channels cannot narrow to {out}"
            ));
        }
        let outs = if i == last {
            Copies::unchanged(out)
        } else {
            Copies::new(old_out, out, &mut rng)
        };
        let new_in = inputs.source.len();
        let kernel = kh * kw;
        let mut weight = Vec::with_capacity(out * new_in * kernel);
        for &o in &outs.source {
            for (&j, &share) in inputs.source.iter().zip(&inputs.share) {
                let at = (o * old_in + j) * kernel;
                weight.extend(conv.weight[at..at + kernel].iter().map(|w| w * share));
            }
        }
        widened.push(Conv {
            shape: [out, new_in, kh, kw],
            weight,
            bias: outs.source.iter().map(|&o| conv.bias[o]).collect(),
        });
        (inputs, given) = (outs, old_out);
    }
    Ok(widened)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1x1-pixel chain as matrices: each layer `elu(W x + b)`, the last linear.
    fn run(chain: &[Conv], x: &[f32]) -> Vec<f32> {
        let elu = |v: f32| if v > 0.0 { v } else { v.exp() - 1.0 };
        let mut x = x.to_vec();
        for (i, c) in chain.iter().enumerate() {
            let [out, cin, _, _] = c.shape;
            x = (0..out)
                .map(|o| {
                    let v = c.bias[o] + (0..cin).map(|j| c.weight[o * cin + j] * x[j]).sum::<f32>();
                    if i + 1 < chain.len() {
                        elu(v)
                    } else {
                        v
                    }
                })
                .collect();
        }
        x
    }

    fn random_conv(out: usize, cin: usize, rng: &mut Rng) -> Conv {
        Conv {
            shape: [out, cin, 1, 1],
            weight: (0..out * cin).map(|_| rng.normal(0.0, 1.0)).collect(),
            bias: (0..out).map(|_| rng.normal(0.0, 0.5)).collect(),
        }
    }

    #[test]
    fn a_widened_chain_computes_the_same_function() {
        let mut rng = Rng::new(3);
        let chain = vec![
            random_conv(4, 3, &mut rng),
            random_conv(6, 4, &mut rng),
            random_conv(2, 6, &mut rng),
        ];
        let wide = widen_chain(&chain, &[8, 9, 2], 7).unwrap();
        assert_eq!(wide[0].shape, [8, 3, 1, 1]);
        assert_eq!(wide[1].shape, [9, 8, 1, 1]);
        assert_eq!(wide[2].shape, [2, 9, 1, 1]);
        for t in 0..5 {
            let x: Vec<f32> = (0..3).map(|i| (i + t) as f32 * 0.7 - 1.0).collect();
            let (a, b) = (run(&chain, &x), run(&wide, &x));
            for (a, b) in a.iter().zip(&b) {
                assert!((a - b).abs() < 1e-4, "{a} vs {b}");
            }
        }
        // The copies of a channel take different shares of its outgoing weights.
        assert_ne!(wide[1].weight[0], wide[1].weight[4]);
        assert!((wide[1].weight[0] + wide[1].weight[4] - chain[1].weight[0]).abs() < 1e-5);
    }

    #[test]
    fn the_same_width_is_the_same_chain() {
        let mut rng = Rng::new(1);
        let chain = vec![random_conv(4, 3, &mut rng), random_conv(2, 4, &mut rng)];
        assert_eq!(widen_chain(&chain, &[4, 2], 9).unwrap(), chain);
    }

    #[test]
    fn narrowing_or_a_new_output_count_is_refused() {
        let mut rng = Rng::new(1);
        let chain = vec![random_conv(4, 3, &mut rng), random_conv(2, 4, &mut rng)];
        assert!(widen_chain(&chain, &[3, 2], 9)
            .unwrap_err()
            .contains("narrow"));
        assert!(widen_chain(&chain, &[4, 3], 9)
            .unwrap_err()
            .contains("last layer"));
        assert!(widen_chain(&chain, &[4], 9).is_err());
        let broken = vec![random_conv(4, 3, &mut rng), random_conv(2, 5, &mut rng)];
        assert!(widen_chain(&broken, &[4, 2], 9).is_err());
    }
}
