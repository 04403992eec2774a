//! `drgan-train whiten`: embeds synthetic training identities with the bundle (through
//! the SDK), and writes the bundle with within-class covariance normalisation folded in
//! (`whiten`).

use crate::import::MAX_FILE_BYTES;
use crate::train::{Dataset, Scene};
use crate::whiten::{check_ridge, scatter, wccn, DEFAULT_RIDGE};
use clap::Args;
use drgan::bundle::BundleFiles;
use drgan::{Image, Model, Options, PixelFormat};
use drgan_writer::BundleFilesExt;
use std::path::PathBuf;

/// Pictures embedded per call.
const BATCH: usize = 256;

/// Write a bundle with its features whitened within identities (WCCN)
///
/// The mean and within-identity covariance of its features on synthetic training
/// identities (at every yaw) are folded into the encoder, and undone in the decoder's
/// first layer, so that synthesis is unchanged.
#[derive(Args, Debug)]
pub struct WhitenArgs {
    /// The bundle folder
    pub bundle: PathBuf,
    /// The whitened bundle's folder
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Synthetic identities whose features are measured
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub identities: usize,
    /// Pictures per identity and yaw
    #[arg(long, value_name = "V", default_value_t = 2)]
    pub variations: usize,
    /// R x the covariance's mean eigenvalue is added to each eigenvalue
    #[arg(long, value_name = "R", default_value_t = DEFAULT_RIDGE)]
    pub ridge: f64,
    /// The description of the training [default: the bundle's, with the whitening
    /// appended]
    #[arg(long, value_name = "TEXT")]
    pub trained_on: Option<String>,
    /// Threads that render the pictures [default: all cores]
    #[arg(long, value_name = "T", default_value_t = crate::synth::dataset::default_threads(), hide_default_value = true)]
    pub threads: usize,
}

/// `drgan-train whiten ...`.
pub fn whiten(a: &WhitenArgs) -> Result<(), String> {
    let (bundle, out, identities, variations, ridge) =
        (&a.bundle, &a.out, a.identities, a.variations, a.ridge);
    let (trained_on, threads) = (a.trained_on.clone(), a.threads.max(1));
    if identities < 2 || variations == 0 {
        return Err("whiten needs at least 2 identities and 1 variation".into());
    }
    check_ridge(ridge).map_err(|e| format!("--ridge: {e}"))?;
    let model = Model::open(bundle, &Options::default()).map_err(|e| e.to_string())?;
    let info = model.info().clone();
    let s = info.input_size as usize;
    // Checked before the slow part. The C ABI's field holds the text and a NUL.
    let room = drgan::ffi::DRGAN_INFO_TRAINED_ON_LEN - 1;
    let trained_on = trained_on.unwrap_or_else(|| {
        format!(
            "{}; WCCN on {identities} synthetic identities",
            info.trained_on
        )
    });
    if trained_on.len() > room {
        return Err(format!(
            "the description \"{trained_on}\" is {} bytes, over the C ABI's {room}: pass a \
             shorter one with --trained-on",
            trained_on.len()
        ));
    }
    let data = Dataset::synthetic(
        identities,
        variations,
        Scene::PerVariation,
        &info.pose_yaws,
        s,
        threads,
        |_| {},
    )?;
    let mut pictures = Vec::new();
    let mut labels = Vec::new();
    for class in 0..data.classes {
        for bin in 0..info.pose_yaws.len() {
            for &k in data.pictures(class, bin) {
                pictures.push(k);
                labels.push(class);
            }
        }
    }
    let mut features = Vec::with_capacity(pictures.len());
    for chunk in pictures.chunks(BATCH) {
        let faces = chunk
            .iter()
            .map(|&k| Image::packed(data.picture(k), s as u32, s as u32, PixelFormat::Rgb8))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let embedded = model.embed_batch(&faces).map_err(|e| e.to_string())?;
        features.extend(embedded.into_iter().map(|e| e.feature));
    }
    let nf = info.feature_dim;
    let (mean, cov) = scatter(&features, &labels, nf);
    let map = wccn(&mean, &cov, nf, ridge)?;
    let files = BundleFiles::read_dir(bundle, MAX_FILE_BYTES).map_err(|e| e.to_string())?;
    let whitened = files
        .map_features(&map, &trained_on, MAX_FILE_BYTES)
        .map_err(|e| e.to_string())?;
    whitened.write_dir(out).map_err(|e| e.to_string())?;
    println!(
        "whitened {} with the features of {} pictures of {identities} identities; wrote {}",
        bundle.display(),
        features.len(),
        out.display()
    );
    Ok(())
}
