//! `drgan-train whiten`: embeds training identities with the bundle (through the SDK),
//! synthetic ones or a prepared folder's, and writes the bundle with within-class
//! covariance normalisation folded in (`whiten`).

use crate::export::check_trained_on;
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
/// The mean and within-identity covariance of its features on training identities (at
/// every yaw: synthetic ones, or the people of a prepared folder with --data) are folded
/// into the encoder, and undone in the decoder's first layer, so that synthesis is
/// unchanged.
#[derive(Args, Debug)]
pub struct WhitenArgs {
    /// The bundle folder
    pub bundle: PathBuf,
    /// The whitened bundle's folder
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// A folder of training pictures (`labels.csv`, as `prepare` writes) whose people's
    /// features are measured instead of synthetic identities. Never a test set's people:
    /// the map is part of the model
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Synthetic identities whose features are measured (without --data)
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub identities: usize,
    /// Pictures per synthetic identity and yaw (without --data)
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
    let (bundle, out, ridge) = (&a.bundle, &a.out, a.ridge);
    if a.data.is_none() && (a.identities < 2 || a.variations == 0) {
        return Err("whiten needs at least 2 identities and 1 variation".into());
    }
    check_ridge(ridge).map_err(|e| format!("--ridge: {e}"))?;
    let model = Model::open(bundle, &Options::default()).map_err(|e| e.to_string())?;
    let info = model.info().clone();
    let s = info.input_size as usize;
    let described = |people: usize| match (&a.trained_on, &a.data) {
        (Some(text), _) => text.clone(),
        (None, Some(dir)) => format!(
            "{}; WCCN on {people} people of {}",
            info.trained_on,
            dir.file_name().unwrap_or(dir.as_os_str()).to_string_lossy()
        ),
        (None, None) => format!("{}; WCCN on {people} synthetic identities", info.trained_on),
    };
    // Checked before the slow part (rendering); a folder's people are counted once it is
    // read, before the embedding.
    if a.data.is_none() {
        check_trained_on(&described(a.identities))?;
    }
    let data = match &a.data {
        Some(dir) => Dataset::folder(dir, &info.pose_yaws, s)?,
        None => Dataset::synthetic(
            a.identities,
            a.variations,
            Scene::PerVariation,
            &info.pose_yaws,
            s,
            a.threads.max(1),
            |_| {},
        )?,
    };
    let (pictures, labels) = pictures_by_identity(&data, info.pose_yaws.len());
    let people = labels.last().map_or(0, |l| l + 1);
    if people < 2 {
        return Err("whiten needs the pictures of at least 2 identities".into());
    }
    let trained_on = described(people);
    check_trained_on(&trained_on)?;
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
        "whitened {} with the features of {} pictures of {people} identities; wrote {}",
        bundle.display(),
        features.len(),
        out.display()
    );
    Ok(())
}

/// Every picture of `data`, each with its identity's label: the identities that have
/// pictures, numbered 0.. in order, their pictures at each of the `bins` yaw bins.
fn pictures_by_identity(data: &Dataset, bins: usize) -> (Vec<u32>, Vec<usize>) {
    let mut pictures = Vec::new();
    let mut labels = Vec::new();
    let classes = (0..data.classes).filter(|&c| data.has_pictures(c));
    for (label, class) in classes.enumerate() {
        for bin in 0..bins {
            for &k in data.pictures(class, bin) {
                pictures.push(k);
                labels.push(label);
            }
        }
    }
    (pictures, labels)
}
