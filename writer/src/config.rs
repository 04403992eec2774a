//! Network configurations: the paper's DR-GAN (96x96, the layer table in
//! docs/architecture.md) and the same
//! graph scaled by a width multiplier (the decoder's may differ) and input size. A config
//! fixes every layer's shape, so it also names and shapes every parameter
//! (`parameter_shapes`).

use drgan::{Landmarks, Result};

use crate::invalid;
use crate::upsample::Upsample;

/// The canonical five points as fractions of the input side: eye on the image's left,
/// other eye, nose tip, left mouth corner, right mouth corner. The synthetic data
/// generator frames its faces on the same template.
pub const TEMPLATE_FRACTIONS: Landmarks = [
    [0.34, 0.40],
    [0.66, 0.40],
    [0.50, 0.56],
    [0.37, 0.72],
    [0.63, 0.72],
];

/// One 3x3 convolution layer: name, output channels (before the width multiplier), stride.
pub type Layer = (&'static str, usize, usize);

/// Encoder (and discriminator trunk) Conv11..Conv52; Conv53 (Nf + 1 channels) follows.
pub const ENCODER: [Layer; 13] = [
    ("conv11", 32, 1),
    ("conv12", 64, 1),
    ("conv21", 64, 2),
    ("conv22", 64, 1),
    ("conv23", 128, 1),
    ("conv31", 128, 2),
    ("conv32", 96, 1),
    ("conv33", 192, 1),
    ("conv41", 192, 2),
    ("conv42", 128, 1),
    ("conv43", 256, 1),
    ("conv51", 256, 2),
    ("conv52", 160, 1),
];

/// Channels of the decoder's FC output, reshaped to (S/16)².
pub const DECODER_FC_CHANNELS: usize = 320;

/// Decoder FConv52..FConv12 (transposed); FConv11 (3 channels, tanh) follows.
pub const DECODER: [Layer; 14] = [
    ("fconv52", 160, 1),
    ("fconv51", 256, 1),
    ("fconv43", 256, 2),
    ("fconv42", 128, 1),
    ("fconv41", 192, 1),
    ("fconv33", 192, 2),
    ("fconv32", 96, 1),
    ("fconv31", 128, 1),
    ("fconv23", 128, 2),
    ("fconv22", 64, 1),
    ("fconv21", 64, 1),
    ("fconv13", 64, 2),
    ("fconv12", 32, 1),
    ("fconv11", 3, 1),
];

/// A DR-GAN network configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Name written to `drgan.config`.
    pub name: String,
    /// Input side in pixels; a multiple of 16.
    pub input_size: u32,
    /// Channel multiplier on the encoder's and pose head's layers (1.0 = the paper).
    pub width: f32,
    /// Channel multiplier on the decoder's FC output and transposed convolutions; `width`
    /// unless set with [`Config::with_decoder_width`].
    pub decoder_width: f32,
    /// How the decoder's stride-2 layers double the side (the paper's transposed
    /// convolution unless set with [`Config::with_upsample`]).
    pub upsample: Upsample,
    /// Nf.
    pub feature_dim: usize,
    /// Nz.
    pub noise_dim: usize,
    /// Pose bins in degrees, ascending.
    pub pose_yaws: Vec<f32>,
}

impl Config {
    /// The paper's network: 96x96, full width, Nf 320, Nz 50, 13 yaws from -90 to 90.
    pub fn paper() -> Config {
        Config {
            name: "paper".into(),
            input_size: 96,
            width: 1.0,
            decoder_width: 1.0,
            upsample: Upsample::Transposed,
            feature_dim: 320,
            noise_dim: 50,
            pose_yaws: multipie_yaws(),
        }
    }

    /// A configuration by name: `paper`; `small` (64x64, 1/4 width, Nf 128, Nz 32);
    /// `default` (48x48, 1/4 width, Nf 128, Nz 16: the embedded default model, sized for
    /// two CPU cores to train); `tiny` (32x32, 1/8 width, Nf 16, Nz 8; for tests).
    pub fn named(name: &str) -> Result<Config> {
        match name {
            "paper" => Ok(Config::paper()),
            "default" => Config::scaled("default", 48, 0.25, 128, 16),
            "small" => Config::scaled("small", 64, 0.25, 128, 32),
            "tiny" => Config::scaled("tiny", 32, 0.125, 16, 8),
            _ => Err(invalid(format!(
                "unknown config {name:?}: use paper, small, default or tiny"
            ))),
        }
    }

    /// The same graph with `width` × the channels at `input_size`.
    pub fn scaled(
        name: &str,
        input_size: u32,
        width: f32,
        feature_dim: usize,
        noise_dim: usize,
    ) -> Result<Config> {
        let c = Config {
            name: name.into(),
            input_size,
            width,
            decoder_width: width,
            upsample: Upsample::Transposed,
            feature_dim,
            noise_dim,
            pose_yaws: multipie_yaws(),
        };
        c.validate()?;
        Ok(c)
    }

    /// The same config with `width` × the encoder's and pose head's channels (the
    /// discriminator's trunk follows the encoder); the decoder keeps its own width.
    pub fn with_width(mut self, width: f32) -> Result<Config> {
        self.width = width;
        self.validate()?;
        Ok(self)
    }

    /// The same config with `decoder_width` × the decoder's channels: a decoder wider (or
    /// narrower) than the encoder, for synthesis that needs more capacity than
    /// recognition.
    pub fn with_decoder_width(mut self, decoder_width: f32) -> Result<Config> {
        self.decoder_width = decoder_width;
        self.validate()?;
        Ok(self)
    }

    /// The same config with the decoder's stride-2 layers upsampling by `upsample`.
    pub fn with_upsample(mut self, upsample: Upsample) -> Config {
        self.upsample = upsample;
        self
    }

    /// Checks that the config describes a buildable network.
    pub fn validate(&self) -> Result<()> {
        if self.input_size < 16 || !self.input_size.is_multiple_of(16) || self.input_size > 1024 {
            return Err(invalid(format!(
                "input size {} must be a multiple of 16 in 16..=1024",
                self.input_size
            )));
        }
        for (what, w) in [("width", self.width), ("decoder width", self.decoder_width)] {
            if !(w > 0.0 && w <= 8.0) {
                return Err(invalid(format!("{what} multiplier {w} must be in (0, 8]")));
            }
        }
        if self.feature_dim == 0 || self.noise_dim == 0 || self.pose_yaws.is_empty() {
            return Err(invalid(
                "feature size, noise size and pose bins must be at least 1",
            ));
        }
        Ok(())
    }

    /// Channels of an encoder or pose-head layer after the width multiplier (at least 1).
    pub fn channels(&self, base: usize) -> usize {
        scale_channels(base, self.width)
    }

    /// Channels of a decoder layer after the decoder's width multiplier (at least 1).
    pub fn decoder_channels(&self, base: usize) -> usize {
        scale_channels(base, self.decoder_width)
    }

    /// Side of the smallest feature map (input / 16).
    pub fn base_size(&self) -> usize {
        self.input_size as usize / 16
    }

    /// The canonical landmarks in input pixels.
    pub fn landmarks(&self) -> Landmarks {
        let s = self.input_size as f32;
        TEMPLATE_FRACTIONS.map(|[x, y]| [x * s, y * s])
    }

    /// Every parameter of the three networks, `(name, shape)`, in a fixed order.
    /// Conv weights are `[out, in, 3, 3]`, transposed-conv weights `[in, out, k, k]` (k
    /// from [`Upsample::geometry`]: 4 at a resizing stride-2 layer, else 3),
    /// FC weights `[in, out]`; each conv but the last of a network has a batch norm
    /// (`.bn.scale`, `.bn.bias`, `.bn.mean`, `.bn.var`, each `[channels]`).
    pub fn parameter_shapes(&self) -> Vec<(String, Vec<usize>)> {
        let mut out = Vec::new();
        for prefix in ["encoder", "pose"] {
            let mut cin = 3;
            for (name, base, _) in ENCODER {
                let c = self.channels(base);
                conv_params(
                    &mut out,
                    &format!("{prefix}.{name}"),
                    vec![c, cin, 3, 3],
                    true,
                );
                cin = c;
            }
            let last = vec![self.feature_dim + 1, cin, 3, 3];
            conv_params(&mut out, &format!("{prefix}.conv53"), last, false);
        }
        let np = self.pose_yaws.len();
        out.push(("pose.fc.weight".into(), vec![self.feature_dim + 1, np]));
        out.push(("pose.fc.bias".into(), vec![np]));
        let c0 = self.decoder_channels(DECODER_FC_CHANNELS);
        let s0 = self.base_size();
        let fc_in = self.feature_dim + np + self.noise_dim;
        out.push(("decoder.fc.weight".into(), vec![fc_in, c0 * s0 * s0]));
        out.push(("decoder.fc.bias".into(), vec![c0 * s0 * s0]));
        bn_params(&mut out, "decoder.fc", c0);
        let mut cin = c0;
        for (i, (name, base, stride)) in DECODER.iter().enumerate() {
            let last = i == DECODER.len() - 1;
            let c = if last {
                3
            } else {
                self.decoder_channels(*base)
            };
            let (k, _, _) = self.upsample.geometry(*stride);
            conv_params(
                &mut out,
                &format!("decoder.{name}"),
                vec![cin, c, k, k],
                !last,
            );
            cin = c;
        }
        out
    }
}

fn scale_channels(base: usize, width: f32) -> usize {
    ((base as f32 * width).round() as usize).max(1)
}

/// -90..90 in 15° steps, as Multi-PIE.
pub fn multipie_yaws() -> Vec<f32> {
    (-6..=6).map(|i| i as f32 * 15.0).collect()
}

fn conv_params(out: &mut Vec<(String, Vec<usize>)>, name: &str, shape: Vec<usize>, bn: bool) {
    // Output channels: dim 0 for conv, dim 1 for transposed conv (named fconv).
    let c = if name.contains(".fconv") {
        shape[1]
    } else {
        shape[0]
    };
    out.push((format!("{name}.weight"), shape));
    out.push((format!("{name}.bias"), vec![c]));
    if bn {
        bn_params(out, name, c);
    }
}

fn bn_params(out: &mut Vec<(String, Vec<usize>)>, name: &str, c: usize) {
    for p in ["scale", "bias", "mean", "var"] {
        out.push((format!("{name}.bn.{p}"), vec![c]));
    }
}
