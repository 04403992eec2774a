//! `Options::threads`: every call gives bit-identical results at 1, 2, 3 threads and
//! one per core, for single images and for batches smaller and larger than the pool;
//! a batch equals its images run one by one; absurd counts are refused; many callers
//! may share one multi-threaded model.

mod fixtures;

use drgan::bundle::BundleFiles;
use drgan::{Backend, Error, Image, Model, Options, PixelFormat};
use drgan_writer::{BundleFilesExt, Config};
use fixtures::*;

fn open(b: &BundleFiles, threads: usize) -> Model {
    let options = Options::default()
        .with_backend(Backend::Cpu)
        .with_threads(threads);
    Model::from_bytes(&b.encoder, &b.decoder, b.pose.as_deref(), &options).unwrap()
}

/// Everything a model computes for `faces`, as bits.
fn results(m: &Model, faces: &[Image]) -> Vec<Vec<u32>> {
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let mut out = Vec::new();
    for n in [1, 2, 5] {
        for e in m.embed_batch(&faces[..n]).unwrap() {
            out.push(bits(&e.feature));
            out.push(vec![e.confidence.to_bits()]);
        }
    }
    let fused = m.embed_fused(faces).unwrap();
    out.push(bits(&fused.feature));
    for (i, face) in faces.iter().enumerate() {
        out.push(bits(&m.embed(face).unwrap().feature));
        let turned = m.rotate(face, [-60.0, 0.0, 45.0][i % 3], i as u64).unwrap();
        out.push(turned.data.iter().map(|&b| b as u32).collect());
        out.push(vec![m.estimate_yaw(face).unwrap().to_bits()]);
    }
    out
}

/// `n` test pictures of `s`×`s` RGB8 pixels.
fn pictures(n: u32, s: u32) -> Vec<Vec<u8>> {
    (0..n).map(|i| picture(s, s, i)).collect()
}

fn faces(pics: &[Vec<u8>], s: u32) -> Vec<Image<'_>> {
    pics.iter()
        .map(|p| Image::packed(p, s, s, PixelFormat::Rgb8).unwrap())
        .collect()
}

#[test]
fn every_thread_count_gives_the_same_bits() {
    // The small config (64x64): big enough for tract to split its matrix products.
    let bundle = BundleFiles::random(&Config::named("small").unwrap(), 3).unwrap();
    let pics = pictures(5, 64);
    let faces = faces(&pics, 64);
    let one = results(&open(&bundle, 1), &faces);
    for threads in [2, 3, 0] {
        let model = open(&bundle, threads);
        assert_eq!(results(&model, &faces), one, "threads {threads}");
    }
}

#[test]
fn a_batch_equals_its_images_one_by_one() {
    let model = open(&tiny_bundle(4), 2);
    let pics = pictures(7, 32);
    let faces = faces(&pics, 32);
    let batch = model.embed_batch(&faces).unwrap();
    assert_eq!(batch.len(), faces.len());
    for (face, e) in faces.iter().zip(batch) {
        assert_eq!(model.embed(face).unwrap(), e);
    }
}

#[test]
fn thread_counts_are_reported_and_checked() {
    let b = tiny_bundle(5);
    assert_eq!(open(&b, 1).info().threads, 1);
    assert_eq!(open(&b, 4).info().threads, 4);
    let cores = std::thread::available_parallelism().unwrap().get();
    assert_eq!(open(&b, 0).info().threads, cores);
    assert_eq!(Options::default().threads, 1, "one thread unless asked");

    let options = Options::default().with_threads(100_000);
    match Model::from_bytes(&b.encoder, &b.decoder, b.pose.as_deref(), &options) {
        Err(Error::InvalidArgument(m)) => assert!(m.contains("threads"), "{m}"),
        other => panic!("100000 threads: {other:?}"),
    }
}

#[test]
fn many_callers_share_a_multithreaded_model() {
    let model = open(&tiny_bundle(6), 2);
    let pics = pictures(4, 32);
    let faces = faces(&pics, 32);
    let expected = model.embed_batch(&faces).unwrap();
    std::thread::scope(|s| {
        for t in 0..8 {
            let (model, faces, expected) = (&model, &faces, &expected);
            s.spawn(move || {
                for k in 0..20 {
                    let i = (t + k) % faces.len();
                    assert_eq!(model.embed(&faces[i]).unwrap(), expected[i]);
                    if k % 5 == 0 {
                        assert_eq!(&model.embed_batch(faces).unwrap(), expected);
                    }
                }
            });
        }
    });
}
