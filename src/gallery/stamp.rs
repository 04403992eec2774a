//! What a gallery belongs to: the model whose features it holds.

use crate::Model;

/// The model a gallery belongs to: its configuration's name, feature size and encoder
/// fingerprint. Galleries refuse files whose stamp differs.
pub(crate) struct Stamp {
    pub(crate) config: String,
    pub(crate) feature_dim: usize,
    pub(crate) fingerprint: u64,
}

impl Stamp {
    pub(crate) fn of(model: &Model) -> Stamp {
        Stamp {
            config: model.info().config.clone(),
            feature_dim: model.info().feature_dim,
            fingerprint: model.encoder_fingerprint(),
        }
    }

    pub(crate) fn fingerprint_hex(&self) -> String {
        format!("{:016x}", self.fingerprint)
    }
}
