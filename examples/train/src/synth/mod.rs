//! Synthetic multi-pose faces: identities with their own 3D head, rendered at any yaw in
//! [-90, 90] degrees under varied conditions, with five landmarks.
//!
//! Start at [`dataset::sample`] (one picture) or [`dataset::batch`] (many, in parallel).
//! Conventions: head space has x toward the subject's own left (the image's right at yaw
//! 0), y up, z toward the camera; positive yaw turns the face toward the image's right.

pub mod background;
pub mod camera;
pub mod dataset;
pub mod head;
pub mod identity;
pub mod math;
pub mod measure;
pub mod mesh;
pub mod nuisance;
pub mod raster;
pub mod render;
pub mod rng;
pub mod template;

pub use dataset::{batch, sample, Request, Sample};
pub use render::Landmark;
pub use template::CANONICAL_LANDMARKS5;
