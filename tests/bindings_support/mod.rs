//! What the binding and packaging tests (`tests/bindings_*.rs`, `tests/packaging_cmake.rs`)
//! share: where `cargo test` put the built library, fixture bundles, and running external
//! tools with a clear failure (never a silent skip) when one is missing.
#![allow(dead_code)] // each test binary uses a different part of this module

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use drgan::bundle::BundleFiles;
use drgan_writer::{BundleFilesExt, Config};

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// target/<profile>/deps: where this test binary lives and where `cargo test` leaves
/// the library it built (libdrgan.so, libdrgan.a); only `cargo build` copies them up to
/// target/<profile>, so looking there would find a missing or stale library.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let deps = exe.parent().expect("test binary has a directory");
    assert_eq!(
        deps.file_name().and_then(|n| n.to_str()),
        Some("deps"),
        "unexpected test binary location {exe:?}; expected target/<profile>/deps"
    );
    deps.to_path_buf()
}

/// target/<profile>/deps/libdrgan.so, built by `cargo test` with the lib target (cdylib).
pub fn shared_lib() -> PathBuf {
    let so = profile_dir().join("libdrgan.so");
    assert!(
        so.exists(),
        "{so:?} is missing: `cargo test` builds it with the lib target (crate-type cdylib)"
    );
    so
}

/// target/<profile>/deps/libdrgan.a, built by `cargo test` with the lib target (staticlib).
pub fn static_lib() -> PathBuf {
    let a = profile_dir().join("libdrgan.a");
    assert!(
        a.exists(),
        "{a:?} is missing: `cargo test` builds it with the lib target (crate-type staticlib)"
    );
    a
}

/// Fails the test, naming the Debian package, when `tool` cannot be run.
pub fn require_tool(tool: &str, package: &str) {
    let found = Command::new(tool)
        .arg("--version")
        .output()
        .map(|_| true)
        .unwrap_or(false);
    assert!(
        found,
        "`{tool}` is not installed, and this test needs it (no silent skips): \
         apt-get install -y {package}"
    );
}

/// Fixture bundles in a temporary directory: `bundle` is the `tiny` config (32x32,
/// Nf 16, with a pose head), `other` a different configuration (48x48), for
/// MODEL_MISMATCH; `scratch` an empty directory for outputs.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub bundle: PathBuf,
    pub other: PathBuf,
    pub scratch: PathBuf,
}

pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let bundle = dir.path().join("tiny");
    let other = dir.path().join("other");
    let scratch = dir.path().join("scratch");
    let tiny = Config::named("tiny").expect("tiny config");
    BundleFiles::random(&tiny, 1)
        .and_then(|b| b.write_dir(&bundle))
        .expect("write the tiny fixture bundle");
    let o = Config::scaled("other", 48, 0.125, 24, 4).expect("other config");
    BundleFiles::random(&o, 2)
        .and_then(|b| b.write_dir(&other))
        .expect("write the other fixture bundle");
    std::fs::create_dir_all(&scratch).expect("scratch dir");
    Fixture {
        dir,
        bundle,
        other,
        scratch,
    }
}

/// What the binding test programs expect of `drgan_model_open_default`, as the value of
/// their `DRGAN_TEST_DEFAULT_MODEL` variable: the directory of the same bundle on disk
/// (models/default) when this build embeds it (cargo feature `default-model`), else
/// `none` (the call must fail with `DRGAN_STATUS_UNSUPPORTED`).
pub fn default_model_env() -> PathBuf {
    if cfg!(feature = "default-model") {
        root().join("models/default")
    } else {
        PathBuf::from("none")
    }
}

/// examples/data: the test photos and landmarks.json.
pub fn data_dir() -> PathBuf {
    root().join("examples/data")
}

fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs `cmd`, prints what it wrote, and fails the test unless it succeeded.
pub fn run(cmd: &mut Command) -> Output {
    let line = describe(cmd);
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{line}`: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("$ {line}\n{stdout}{stderr}");
    assert!(
        out.status.success(),
        "`{line}` failed with {}:\n{stdout}\n{stderr}",
        out.status
    );
    out
}

/// Names of the functions declared in include/drgan.h, for checking that a binding
/// calls every one.
pub fn c_functions(header: &str) -> Vec<String> {
    let mut names: Vec<String> = header
        .lines()
        .filter(|l| !l.trim_start().starts_with('*') && !l.trim_start().starts_with("/*"))
        .filter_map(|l| {
            let at = l.find("drgan_")?;
            let rest = &l[at..];
            let end = rest.find('(')?;
            let name = &rest[..end];
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
                .then(|| name.to_string())
        })
        .collect();
    names.sort();
    names.dedup();
    assert!(names.len() >= 20, "found only {names:?} in drgan.h");
    names
}

/// The fields of `typedef struct name { ... } name;` in include/drgan.h, in order, for
/// checking that a binding mirrors every one.
pub fn c_struct_fields(header: &str, name: &str) -> Vec<String> {
    let start = format!("typedef struct {name} {{");
    let body = header
        .split_once(&start)
        .and_then(|(_, rest)| rest.split_once(&format!("}} {name};")))
        .unwrap_or_else(|| panic!("no `{start}` ... `}} {name};` in drgan.h"))
        .0;
    let fields: Vec<String> = body
        .lines()
        .map(str::trim)
        .filter(|l| l.ends_with(';') && !l.starts_with('*') && !l.starts_with('/'))
        .map(|l| {
            let decl = l.trim_end_matches(';');
            let decl = decl.split('[').next().unwrap_or(decl);
            let ident = decl
                .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or_default();
            assert!(!ident.is_empty(), "cannot read a field name from `{l}`");
            ident.to_string()
        })
        .collect();
    assert!(!fields.is_empty(), "{name} has no fields in drgan.h");
    fields
}

/// The header's `DRGAN_ABI_VERSION`.
pub fn header_abi_version() -> u32 {
    let header = std::fs::read_to_string(root().join("include/drgan.h")).expect("drgan.h");
    header
        .lines()
        .find_map(|l| l.strip_prefix("#define DRGAN_ABI_VERSION "))
        .and_then(|v| v.trim().parse().ok())
        .expect("#define DRGAN_ABI_VERSION in drgan.h")
}
