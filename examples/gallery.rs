//! Enrols the people of `examples/data` in a gallery and finds them again (1:N search),
//! with the default model embedded in the library.
//!
//! ```sh
//! cargo run --release --example gallery                     # gallery in memory
//! cargo run --release --example gallery -- --db people.db   # kept in an SQLite file
//! cargo run --release --example gallery -- --model DIR      # another bundle
//! ```
//!
//! Each person is enrolled from their first picture (file name order: the frontal one);
//! then every picture is searched for, printing the three best matches. A person with a
//! second picture (the synthetic faces at 30° yaw) is found from a pose the gallery never
//! saw, and that picture then joins their template. With `--db`, a second run finds the
//! people already enrolled and adds nothing twice.

#[allow(dead_code)] // the demo's command-line parsing is not used here
#[path = "demo/faces.rs"]
mod faces;

use std::fmt::Write;

use drgan::{Gallery, Model, Options};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut db, mut model_dir) = (None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--db" => db = it.next().cloned(),
            "--model" => model_dir = it.next().cloned(),
            _ => {
                eprintln!("usage: gallery [--db FILE] [--model BUNDLE_DIR]");
                std::process::exit(2);
            }
        }
    }
    let model = match &model_dir {
        Some(dir) => Model::open(dir, &Options::default()),
        None => Model::default_model(),
    };
    let result = model
        .map_err(|e| e.to_string())
        .and_then(|m| run(&m, &faces::data_dir(), db.as_deref()));
    match result {
        Ok(report) => print!("{report}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

/// The person a picture shows: its file stem without a `-yawN` suffix.
pub fn person_of(label: &str) -> &str {
    label.split("-yaw").next().unwrap_or(label)
}

/// Enrols and searches the faces of `data` (see the module doc); returns the report.
pub fn run(model: &Model, data: &std::path::Path, db: Option<&str>) -> Result<String, String> {
    let gallery = match db {
        Some(path) => Gallery::open(path, model),
        None => Ok(Gallery::in_memory(model)),
    }
    .map_err(|e| e.to_string())?;
    let mut out = String::new();
    let faces = faces::example_faces(data)?;
    let mut embeddings = Vec::new();
    for face in &faces {
        let photo = drgan::io::load_image(&face.path, 1 << 26).map_err(|e| e.to_string())?;
        let crop = model
            .align(&photo.view(), &face.points)
            .map_err(|e| e.to_string())?;
        embeddings.push(model.embed(&crop.view()).map_err(|e| e.to_string())?);
    }
    let where_ = db.map_or("in memory".to_string(), |p| format!("in {p}"));
    writeln!(out, "gallery {where_}: {} people enrolled", gallery.len()).unwrap();
    for (face, e) in faces.iter().zip(&embeddings) {
        let person = person_of(&face.label);
        if !gallery.contains(person) {
            gallery
                .enrol(person, std::slice::from_ref(e))
                .map_err(|e| e.to_string())?;
            writeln!(out, "enrolled {person} from {}", face.label).unwrap();
        }
    }
    writeln!(out, "{} people enrolled", gallery.len()).unwrap();
    for (face, e) in faces.iter().zip(&embeddings) {
        let found = gallery
            .search(&e.feature, 3, None)
            .map_err(|e| e.to_string())?;
        let list: Vec<String> = found
            .iter()
            .map(|m| format!("{} {:.3}", m.id, m.similarity))
            .collect();
        let person = person_of(&face.label);
        let verdict = if found.first().is_some_and(|m| m.id == person) {
            "found"
        } else {
            "MISSED"
        };
        writeln!(out, "{:<16} {verdict:<6} {}", face.label, list.join(", ")).unwrap();
    }
    // Second pictures join their person's template (once: a file gallery keeps them).
    for (face, e) in faces.iter().zip(&embeddings) {
        let person = person_of(&face.label);
        let pictures = gallery.person(person).map_or(0, |p| p.pictures);
        // This face's place among its person's pictures: 0 for the enrolled one.
        let place = faces
            .iter()
            .filter(|f| person_of(&f.label) == person)
            .position(|f| f.label == face.label)
            .unwrap_or(0);
        if place as u32 == pictures {
            gallery
                .enrol(person, std::slice::from_ref(e))
                .map_err(|e| e.to_string())?;
            writeln!(
                out,
                "{person}'s template now fuses {} pictures",
                pictures + 1
            )
            .unwrap();
        }
    }
    Ok(out)
}
