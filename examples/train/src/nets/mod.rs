//! DR-GAN's networks in burn (the table of docs/architecture.md, scaled by a
//! [`drgan_writer::Config`]): the encoder (also the discriminator's trunk), the decoder,
//! the discriminator, and the generator that joins encoder and decoder. Parameter names
//! follow the bundle's (`export` maps one onto the other).

mod blocks;
pub mod blur;
mod decoder;
mod discriminator;
mod generator;
mod people;
mod trunk;

pub use blocks::{ConvBlock, UpBlock, BN_EPSILON};
pub use decoder::Decoder;
pub use discriminator::{Discriminator, DiscriminatorOut};
pub use generator::{Encoded, Generator};
pub use trunk::Trunk;

use burn::module::Initializer;
use burn::prelude::*;

/// The paper's weight initialisation: N(0, 0.02).
pub fn paper_init() -> Initializer {
    Initializer::Normal {
        mean: 0.0,
        std: 0.02,
    }
}

/// A tensor's values on the host, as f32 (the import, export and D's identity-column
/// copy read weights back through this).
pub fn host<const D: usize>(t: Tensor<D>) -> Result<Vec<f32>, String> {
    t.into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .map_err(|e| format!("{e:?}"))
}
