//! Concurrency: one model shared by 16 threads gives bit-identical results to a single
//! thread; models open and close from many threads at once; the C ABI's last-error
//! message is per thread.

mod fixtures;

use std::ffi::{CStr, CString};
use std::sync::{Arc, Barrier};

use drgan::bundle::BundleFiles;
use drgan::{Backend, Embedding, Image, Landmarks, Model, Options, PixelFormat, RgbImage};
use drgan_writer::BundleFilesExt;
use fixtures::*;

fn cpu() -> Options {
    Options::default().with_backend(Backend::Cpu)
}

fn open(b: &BundleFiles) -> Model {
    Model::from_bytes(&b.encoder, &b.decoder, b.pose.as_deref(), &cpu()).unwrap()
}

/// Test pictures of several sizes and formats (owned bytes, viewed per call).
struct Pictures(Vec<(Vec<u8>, u32, u32, PixelFormat)>);

impl Pictures {
    fn new() -> Self {
        let mut v = Vec::new();
        for (i, (w, h)) in [(32, 32), (40, 52), (97, 61), (13, 17)]
            .into_iter()
            .enumerate()
        {
            v.push((picture(w, h, i as u32), w, h, PixelFormat::Rgb8));
        }
        // A BGRA one with padded rows.
        let (w, h) = (45u32, 38u32);
        let stride = w as usize * 4 + 12;
        let rgb = picture(w, h, 9);
        let mut bgra = vec![0u8; stride * h as usize];
        for y in 0..h as usize {
            for x in 0..w as usize {
                let s = &rgb[(y * w as usize + x) * 3..][..3];
                bgra[y * stride + x * 4..][..4].copy_from_slice(&[s[2], s[1], s[0], 255]);
            }
        }
        v.push((bgra, w, h, PixelFormat::Bgra8));
        Pictures(v)
    }

    fn get(&self, i: usize) -> Image<'_> {
        let (data, w, h, f) = &self.0[i % self.0.len()];
        let stride = data.len() / *h as usize;
        Image::new(data, *w, *h, stride, *f).unwrap()
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// The result of one call, compared bit for bit.
#[derive(Debug, PartialEq, Eq)]
enum Out {
    Embed(Vec<u32>, u32),
    Image(Vec<u8>),
}

fn bits(e: Embedding) -> Out {
    Out::Embed(
        e.feature.iter().map(|v| v.to_bits()).collect(),
        e.confidence.to_bits(),
    )
}

fn img(i: RgbImage) -> Out {
    Out::Image(i.data)
}

const KINDS: usize = 4;
const YAWS: [f32; 4] = [0.0, -45.0, 37.5, 90.0];

/// Call number `k` of a fixed list of mixed calls.
fn call(m: &Model, pics: &Pictures, k: usize) -> Out {
    let n = pics.len();
    let i = (k / KINDS) % n;
    match k % KINDS {
        0 => bits(m.embed(&pics.get(i)).unwrap()),
        1 => bits(
            m.embed_fused(&[pics.get(i), pics.get(i + 1), pics.get(i + 3)])
                .unwrap(),
        ),
        2 => img(m
            .rotate(&pics.get(i), YAWS[(k / 7) % 4], k as u64 % 3)
            .unwrap()),
        _ => {
            let p = pics.get(i);
            let (w, h) = (p.width() as f32, p.height() as f32);
            let lm: Landmarks = [
                [0.3 * w, 0.35 * h],
                [0.7 * w, 0.35 * h],
                [0.5 * w, 0.55 * h],
                [0.35 * w, 0.75 * h],
                [0.65 * w, 0.75 * h],
            ];
            img(m.align(&p, &lm).unwrap())
        }
    }
}

#[test]
fn sixteen_threads_2000_mixed_calls_match_single_thread_bit_for_bit() {
    const THREADS: usize = 16;
    const CALLS: usize = 2000;
    let model = open(&tiny_bundle(1));
    let pics = Pictures::new();
    // Distinct calls: kinds × pictures × yaws × seeds.
    let distinct = KINDS * pics.len() * 4 * 3;
    let expected: Vec<Out> = (0..distinct).map(|k| call(&model, &pics, k)).collect();
    let start = Barrier::new(THREADS);
    let done: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (model, pics, expected, start) = (&model, &pics, &expected, &start);
                s.spawn(move || {
                    start.wait();
                    let mut n = 0;
                    for c in 0..CALLS / THREADS {
                        // Each thread walks the list in its own order.
                        let k = (c * 7 + t * 13) % distinct;
                        let got = call(model, pics, k);
                        assert!(got == expected[k], "thread {t}, call {c} (kind {})", k % 4);
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(done, CALLS);
}

#[test]
fn models_open_and_close_from_many_threads() {
    let b = tiny_bundle(2);
    let dir = tempfile::tempdir().unwrap();
    b.write_dir(dir.path()).unwrap();
    let pics = Pictures::new();
    let expected = bits(open(&b).embed(&pics.get(1)).unwrap());
    let start = Barrier::new(8);
    std::thread::scope(|s| {
        for t in 0..8 {
            let (b, dir, pics, expected, start) = (&b, dir.path(), &pics, &expected, &start);
            s.spawn(move || {
                start.wait();
                for i in 0..4 {
                    let m = if (t + i) % 2 == 0 {
                        open(b)
                    } else {
                        Model::open(dir, &cpu()).unwrap()
                    };
                    assert_eq!(&bits(m.embed(&pics.get(1)).unwrap()), expected);
                    drop(m);
                }
            });
        }
    });
}

#[test]
fn c_abi_models_open_use_and_free_from_many_threads() {
    use drgan::ffi::*;
    let b = Arc::new(tiny_bundle(3));
    let pixels = picture(32, 32, 5);
    let expected = open(&b).embed(&Image::packed(&pixels, 32, 32, PixelFormat::Rgb8).unwrap());
    let expected = expected.unwrap().feature;
    std::thread::scope(|s| {
        for _ in 0..8 {
            let (b, pixels, expected) = (&b, &pixels, &expected);
            s.spawn(move || {
                for _ in 0..4 {
                    let mut m = std::ptr::null_mut();
                    let st = unsafe {
                        drgan_model_open_memory(
                            b.encoder.as_ptr(),
                            b.encoder.len(),
                            b.decoder.as_ptr(),
                            b.decoder.len(),
                            std::ptr::null(),
                            0,
                            std::ptr::null(),
                            &mut m,
                        )
                    };
                    assert_eq!(st, DrganStatus::Ok);
                    let img = DrganImage {
                        data: pixels.as_ptr(),
                        width: 32,
                        height: 32,
                        stride_bytes: 96,
                        format: DrganPixelFormat::Rgb8 as i32,
                    };
                    let mut f = vec![0f32; 16];
                    let mut c = 0f32;
                    let st = unsafe {
                        drgan_embed(m, &img, f.as_mut_ptr(), 16, std::ptr::null_mut(), &mut c)
                    };
                    assert_eq!(st, DrganStatus::Ok);
                    assert_eq!(&f, expected);
                    unsafe { drgan_model_free(m) };
                }
            });
        }
    });
}

fn last_error() -> String {
    unsafe { CStr::from_ptr(drgan::ffi::drgan_last_error()) }
        .to_string_lossy()
        .into_owned()
}

#[test]
fn last_error_is_per_thread() {
    use drgan::ffi::*;
    const THREADS: usize = 8;
    const ROUNDS: usize = 200;
    // Each round: every thread fails with a message naming itself and the round, all
    // wait, then each reads its own message back. A leak between threads would show a
    // neighbour's name. One extra thread only succeeds and must keep an empty message.
    let barrier = Arc::new(Barrier::new(THREADS + 1));
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let barrier = &barrier;
            s.spawn(move || {
                assert_eq!(last_error(), "", "a new thread starts with no message");
                for r in 0..ROUNDS {
                    let path = CString::new(format!("/nonexistent/thread-{t}/round-{r}")).unwrap();
                    let mut m = std::ptr::null_mut();
                    let st = unsafe { drgan_model_open(path.as_ptr(), std::ptr::null(), &mut m) };
                    assert_eq!(st, DrganStatus::Io);
                    barrier.wait(); // everyone has failed
                    let msg = last_error();
                    assert!(
                        msg.contains(&format!("thread-{t}/round-{r}")),
                        "thread {t} round {r} reads {msg:?}"
                    );
                    // A success on this thread leaves the message alone.
                    let mut sim = 0f32;
                    let a = [1f32, 0.0];
                    let st = unsafe { drgan_similarity(a.as_ptr(), 2, a.as_ptr(), 2, &mut sim) };
                    assert_eq!(st, DrganStatus::Ok);
                    assert_eq!(last_error(), msg);
                    barrier.wait(); // everyone has read
                }
            });
        }
        let barrier = &barrier;
        s.spawn(move || {
            for _ in 0..ROUNDS {
                let mut sim = 0f32;
                let a = [1f32, 2.0];
                let st = unsafe { drgan_similarity(a.as_ptr(), 2, a.as_ptr(), 2, &mut sim) };
                assert_eq!(st, DrganStatus::Ok);
                barrier.wait();
                assert_eq!(last_error(), "", "another thread's error showed here");
                barrier.wait();
            }
        });
    });
}
