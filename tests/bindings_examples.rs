//! The embed_two examples (examples/embed_two.rs, examples/c, examples/cpp,
//! examples/csharp) do the same thing in each language: open a bundle, align and embed
//! two faces, print their similarity and confidences, frontalize one to a PNG. Here each
//! is built and run on one fixture bundle and their printed numbers must agree with the
//! Rust example's (whose code is included below and called directly). The Swift example
//! needs a Swift toolchain and is not built here.

mod bindings_support;

#[allow(dead_code)] // its `main` is not called here
#[path = "../examples/embed_two.rs"]
mod embed_two;

use std::path::Path;
use std::process::Command;

use bindings_support::{data_dir, fixture, require_tool, root, run, shared_lib};

/// The similarity and confidence lines of an example's output.
fn numbers(output: &str) -> Vec<String> {
    let lines: Vec<String> = output
        .lines()
        .filter(|l| l.starts_with("similarity(") || l.starts_with("confidences "))
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), 2, "unexpected output:\n{output}");
    lines
}

fn check_png(path: &Path, side: u32) {
    let img = drgan::io::load_image(path, 1 << 20).expect("the example wrote a PNG");
    assert_eq!((img.width, img.height), (side, side));
}

#[test]
fn examples_agree_in_every_language() {
    require_tool("cc", "gcc");
    require_tool("c++", "g++");
    require_tool("mcs", "mono-mcs");
    require_tool("mono", "mono-runtime");
    let so = shared_lib();
    let lib_dir = so.parent().unwrap();
    let f = fixture();
    let bundle = f.bundle.to_str().unwrap();
    let data = data_dir();
    let data = data.to_str().unwrap();

    let rust_png = f.scratch.join("rust.png");
    let expected = numbers(&embed_two::run(bundle, data, rust_png.to_str().unwrap()).unwrap());
    check_png(&rust_png, 32);

    let mut outputs = Vec::new();
    // C and C++ against the shared library.
    for (compiler, std, source, extra) in [
        ("cc", "-std=c99", "examples/c/embed_two.c", None),
        (
            "c++",
            "-std=c++17",
            "examples/cpp/embed_two.cpp",
            Some("bindings/cpp"),
        ),
    ] {
        let exe = f.scratch.join(format!("embed_two_{compiler}"));
        let mut cmd = Command::new(compiler);
        cmd.args([std, "-Wall", "-Wextra", "-Werror", "-pedantic"])
            .arg("-I")
            .arg(root().join("include"));
        if let Some(dir) = extra {
            cmd.arg("-I").arg(root().join(dir));
        }
        cmd.arg(root().join(source))
            .arg("-o")
            .arg(&exe)
            .arg("-L")
            .arg(lib_dir)
            .arg("-ldrgan")
            .arg(format!("-Wl,-rpath,{}", lib_dir.display()));
        run(&mut cmd);
        let png = f.scratch.join(format!("{compiler}.png"));
        let out = run(Command::new(&exe).arg(bundle).arg(data).arg(&png));
        check_png(&png, 32);
        outputs.push((source, String::from_utf8_lossy(&out.stdout).into_owned()));
    }
    // C# under Mono.
    let dll = f.scratch.join("Drgan.dll");
    let mut sources: Vec<_> = std::fs::read_dir(root().join("bindings/csharp/Runtime"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cs"))
        .collect();
    sources.sort();
    run(Command::new("mcs")
        .args(["-langversion:7.2", "-unsafe", "-target:library", "-nologo"])
        .arg(format!("-out:{}", dll.display()))
        .args(&sources));
    let exe = f.scratch.join("EmbedTwo.exe");
    run(Command::new("mcs")
        .args(["-langversion:7.2", "-warnaserror", "-nologo"])
        .arg(format!("-r:{}", dll.display()))
        .arg(format!("-out:{}", exe.display()))
        .arg(root().join("examples/csharp/EmbedTwo.cs")));
    let png = f.scratch.join("csharp.png");
    let out = run(Command::new("mono")
        .arg(&exe)
        .arg(bundle)
        .arg(data)
        .arg(&png)
        .env("LD_LIBRARY_PATH", lib_dir)
        .env("MONO_PATH", &f.scratch));
    check_png(&png, 32);
    outputs.push((
        "examples/csharp/EmbedTwo.cs",
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ));

    for (source, output) in outputs {
        assert_eq!(
            numbers(&output),
            expected,
            "{source} disagrees with the Rust example"
        );
    }
}
