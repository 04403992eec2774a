//! `drgan-train whiten BUNDLE --out DIR [--identities N] [--variations V] [--ridge R]
//! [--trained-on TEXT]`: embeds synthetic training identities with the bundle (through
//! the SDK), and writes the bundle with within-class covariance normalisation folded in
//! (`whiten`).

use super::train_cmd::{num, value};
use crate::import::MAX_FILE_BYTES;
use crate::train::{Dataset, Scene};
use crate::whiten::{check_ridge, scatter, wccn, DEFAULT_RIDGE};
use drgan::bundle::BundleFiles;
use drgan::{Image, Model, Options, PixelFormat};
use std::path::PathBuf;

/// Pictures embedded per call.
const BATCH: usize = 256;

/// `drgan-train whiten ...`.
pub fn whiten(args: &[String]) -> Result<(), String> {
    let mut bundle = None;
    let mut out = None;
    let mut identities = 1000usize;
    let mut variations = 2usize;
    let mut ridge = DEFAULT_RIDGE;
    let mut trained_on = None;
    let mut threads = crate::synth::dataset::default_threads();
    let mut it = args.iter();
    while let Some(k) = it.next() {
        match k.as_str() {
            "--out" => out = Some(PathBuf::from(value(&mut it, k)?)),
            "--identities" => identities = num(k, &value(&mut it, k)?)?,
            "--variations" => variations = num(k, &value(&mut it, k)?)?,
            "--ridge" => ridge = num(k, &value(&mut it, k)?)?,
            "--trained-on" => trained_on = Some(value(&mut it, k)?),
            "--threads" => threads = num::<usize>(k, &value(&mut it, k)?)?.max(1),
            s if !s.starts_with('-') && bundle.is_none() => bundle = Some(PathBuf::from(s)),
            other => return Err(format!("unknown option `{other}`\n\n{}", super::USAGE)),
        }
    }
    let bundle = bundle.ok_or("whiten needs the bundle folder")?;
    let out = out.ok_or("whiten needs --out DIR")?;
    if identities < 2 || variations == 0 {
        return Err("whiten needs at least 2 identities and 1 variation".into());
    }
    check_ridge(ridge).map_err(|e| format!("--ridge: {e}"))?;
    let model = Model::open(&bundle, &Options::default()).map_err(|e| e.to_string())?;
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
    let files = BundleFiles::read_dir(&bundle, MAX_FILE_BYTES).map_err(|e| e.to_string())?;
    let whitened = files
        .map_features(&map, &trained_on, MAX_FILE_BYTES)
        .map_err(|e| e.to_string())?;
    whitened.write_dir(&out).map_err(|e| e.to_string())?;
    println!(
        "whitened {} with the features of {} pictures of {identities} identities; wrote {}",
        bundle.display(),
        features.len(),
        out.display()
    );
    Ok(())
}
