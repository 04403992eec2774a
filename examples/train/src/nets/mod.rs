//! DR-GAN's networks in burn (DESIGN.md's table, scaled by a [`drgan::bundle::Config`]):
//! the encoder (also the discriminator's trunk), the decoder, the discriminator, and the
//! generator that joins encoder and decoder. Parameter names follow the bundle's
//! (`export` maps one onto the other).

mod blocks;
mod decoder;
mod discriminator;
mod generator;
mod trunk;

pub use blocks::{ConvBlock, UpBlock, BN_EPSILON};
pub use decoder::Decoder;
pub use discriminator::{Discriminator, DiscriminatorOut};
pub use generator::{Encoded, Generator};
pub use trunk::Trunk;

use burn::module::Initializer;

/// The paper's weight initialisation: N(0, 0.02).
pub fn paper_init() -> Initializer {
    Initializer::Normal {
        mean: 0.0,
        std: 0.02,
    }
}
