//! The generator is a pure function of (identity, yaw, variation, size).

use drgan_train::synth::{batch, sample, Request};

#[test]
fn same_arguments_give_the_same_bytes() {
    let a = sample(7, 30.0, 3, 64);
    let b = sample(7, 30.0, 3, 64);
    assert_eq!(a.rgb, b.rgb);
    assert_eq!(a.landmarks, b.landmarks);
    assert_eq!(a.rgb.len(), 64 * 64 * 3);
}

#[test]
fn batch_on_threads_matches_single_calls() {
    let reqs: Vec<Request> = (0..12u64)
        .map(|k| Request {
            identity: 100 + k / 4,
            yaw_deg: -90.0 + 15.0 * k as f32,
            variation: k,
        })
        .collect();
    let par = batch(&reqs, 48, 3);
    for (r, s) in reqs.iter().zip(&par) {
        let one = sample(r.identity, r.yaw_deg, r.variation, 48);
        assert_eq!(one.rgb, s.rgb, "request {r:?}");
        assert_eq!(one.identity, r.identity);
    }
}

#[test]
fn identity_variation_and_yaw_each_change_the_picture() {
    let base = sample(1, 0.0, 0, 48).rgb;
    assert_ne!(base, sample(2, 0.0, 0, 48).rgb);
    assert_ne!(base, sample(1, 0.0, 1, 48).rgb);
    assert_ne!(base, sample(1, 15.0, 0, 48).rgb);
}
