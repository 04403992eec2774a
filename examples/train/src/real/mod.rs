//! Real photographs for training: the face sets of `../shared/data` read as rows
//! ([`sets`]) and cut into the model's crops by the SDK's own alignment ([`prepare`]).

pub mod prepare;
pub mod sets;
