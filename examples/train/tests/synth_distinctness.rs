//! Different identities look different: each identity's nearest other identity is farther
//! (in pixels) than the same identity under a slightly moved light.
//! The full 10,000-identity figure: `drgan-train synth --measure` (release).

use drgan_train::synth::measure::{distinctness, RELIGHT_DEGREES};

#[test]
fn identities_are_distinct_beyond_small_lighting_changes() {
    let d = distinctness(400, 2);
    assert_eq!(RELIGHT_DEGREES[1], 10.0);
    // No two identities coincide.
    assert!(d.nearest_other.min > 2.0, "{d:?}");
    // Nearest other identity vs the same identity with the light moved 5 and 10 degrees.
    assert!(d.separated[0] >= 0.99, "{d:?}");
    assert!(d.separated[1] >= 0.95, "{d:?}");
    assert!(
        d.nearest_other.median > 2.0 * d.relit_same[1].median,
        "{d:?}"
    );
}
