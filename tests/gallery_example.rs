//! The gallery example (examples/gallery.rs, included here and run in-process) on the
//! default model: every person of examples/data is enrolled and found again, second
//! pictures join their templates, and a file gallery survives a second run unchanged.
#![cfg(feature = "default-model")]

#[allow(dead_code)] // its `main` is not called here
#[path = "../examples/gallery.rs"]
mod gallery;

mod fixtures;

use drgan::Model;

#[test]
fn people_are_enrolled_found_and_kept() {
    let model = Model::default_model().unwrap();
    let data = fixtures::examples_data();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("people.db");
    let db = db.to_str().unwrap();

    let first = gallery::run(&model, &data, Some(db)).unwrap();
    assert!(first.contains("0 people enrolled"), "{first}");
    assert!(first.contains("5 people enrolled"), "{first}");
    assert_eq!(first.matches("\nenrolled ").count(), 5, "{first}");
    // Each enrolled picture finds its own person first, with similarity 1.
    for label in [
        "astronaut",
        "biden",
        "obama",
        "synth-a-yaw0",
        "synth-b-yaw0",
    ] {
        let line = first
            .lines()
            .find(|l| l.split_whitespace().next() == Some(label))
            .unwrap_or_else(|| panic!("no line for {label}: {first}"));
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[1], "found", "{line}");
        assert_eq!(words[2], gallery::person_of(label), "{line}");
        assert_eq!(words[3].trim_end_matches(','), "1.000", "{line}");
    }
    assert!(
        first.contains("synth-a's template now fuses 2 pictures"),
        "{first}"
    );

    let second = gallery::run(&model, &data, Some(db)).unwrap();
    assert!(second.starts_with("gallery in "), "{second}");
    assert!(second.contains(": 5 people enrolled"), "{second}");
    assert!(!second.contains("\nenrolled "), "{second}");
    assert!(!second.contains("now fuses"), "{second}");
    let g = drgan::Gallery::open(db, &model).unwrap();
    assert_eq!(g.person("synth-b").unwrap().pictures, 2);
    assert_eq!(g.person("obama").unwrap().pictures, 1);
}
