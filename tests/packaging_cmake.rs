//! C and C++ packaging: `scripts/install.sh PREFIX --no-build --from target/<profile>`
//! lays out include/, lib/ (shared and static), lib/pkgconfig/drgan.pc and
//! lib/cmake/drgan/; the tree is then moved (it must be relocatable) and used:
//!
//! - CMake builds examples/c (drgan::drgan, shared and then static with DRGAN_USE_STATIC)
//!   and examples/cpp (drgan::cpp), and the programs run on a fixture bundle;
//! - `find_package(drgan 0.2)` is refused by the version file, `0.1` accepted;
//! - pkg-config gives the flags to build examples/c/embed_two.c by hand.
//!
//! Needs cmake, a C and C++ compiler and pkg-config; a missing one fails the test.

mod bindings_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use bindings_support::{
    data_dir, fixture, profile_dir, require_tool, root, run, shared_lib, static_lib,
};

/// Installs into a temporary directory, moves the tree, returns (tempdir, prefix).
fn installed() -> (tempfile::TempDir, PathBuf) {
    shared_lib();
    static_lib();
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("staging");
    run(Command::new("bash")
        .arg(root().join("scripts/install.sh"))
        .arg(&first)
        .arg("--no-build")
        .arg("--from")
        .arg(profile_dir()));
    for f in [
        "include/drgan.h",
        "include/drgan.hpp",
        "lib/libdrgan.so",
        "lib/libdrgan.a",
        "lib/pkgconfig/drgan.pc",
        "lib/cmake/drgan/drganConfig.cmake",
        "lib/cmake/drgan/drganConfigVersion.cmake",
    ] {
        assert!(first.join(f).is_file(), "install.sh did not write {f}");
    }
    // Relocatable: nothing may point at the staging path.
    let prefix = dir.path().join("moved-prefix");
    std::fs::rename(&first, &prefix).unwrap();
    (dir, prefix)
}

fn cmake_build(source: &Path, build: &Path, prefix: &Path, extra: &[&str]) {
    require_tool("cmake", "cmake");
    run(Command::new("cmake")
        .arg("-S")
        .arg(source)
        .arg("-B")
        .arg(build)
        .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display()))
        .arg("-DCMAKE_BUILD_TYPE=Release")
        .args(extra));
    run(Command::new("cmake").arg("--build").arg(build));
}

/// Runs an embed_two example on a fixture; returns its similarity line.
fn run_example(exe: &Path) -> String {
    let f = fixture();
    let png = f.scratch.join("frontal.png");
    let out = run(Command::new(exe).arg(&f.bundle).arg(data_dir()).arg(&png));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(png.is_file(), "{exe:?} wrote no PNG");
    stdout
        .lines()
        .find(|l| l.starts_with("similarity(astronaut, obama) = "))
        .unwrap_or_else(|| panic!("no similarity line in {stdout}"))
        .to_string()
}

fn needed_libraries(exe: &Path) -> String {
    let out = run(Command::new("ldd").arg(exe));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn cmake_package_builds_the_c_and_cpp_examples_shared_and_static() {
    require_tool("cc", "gcc");
    require_tool("c++", "g++");
    let (dir, prefix) = installed();

    let shared = dir.path().join("build-c-shared");
    cmake_build(&root().join("examples/c"), &shared, &prefix, &[]);
    let exe = shared.join("embed_two");
    assert!(needed_libraries(&exe).contains("libdrgan.so"));
    let a = run_example(&exe);

    let stat = dir.path().join("build-c-static");
    cmake_build(
        &root().join("examples/c"),
        &stat,
        &prefix,
        &["-DDRGAN_USE_STATIC=ON"],
    );
    let exe = stat.join("embed_two");
    assert!(
        !needed_libraries(&exe).contains("libdrgan"),
        "the static build still needs libdrgan.so"
    );
    let b = run_example(&exe);

    let cpp = dir.path().join("build-cpp");
    cmake_build(&root().join("examples/cpp"), &cpp, &prefix, &[]);
    let c = run_example(&cpp.join("embed_two"));

    assert_eq!(a, b, "shared and static builds disagree");
    assert_eq!(a, c, "C and C++ examples disagree");
}

#[test]
fn cmake_package_version_file_accepts_0_1_and_refuses_0_2() {
    require_tool("cmake", "cmake");
    let (dir, prefix) = installed();
    for (want, ok) in [
        ("0.1", true),
        ("0.1.0", true),
        ("0.2", false),
        ("1.0", false),
    ] {
        let src = dir.path().join(format!("consumer-{want}"));
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(
            src.join("CMakeLists.txt"),
            format!(
                "cmake_minimum_required(VERSION 3.14)\nproject(consumer C)\n\
                 find_package(drgan {want} REQUIRED)\n\
                 if(NOT TARGET drgan::drgan OR NOT TARGET drgan::static OR NOT TARGET drgan::cpp)\n\
                 message(FATAL_ERROR \"targets missing\")\nendif()\n"
            ),
        )
        .unwrap();
        let out = Command::new("cmake")
            .arg("-S")
            .arg(&src)
            .arg("-B")
            .arg(src.join("build"))
            .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display()))
            .output()
            .expect("run cmake");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            out.status.success(),
            ok,
            "find_package(drgan {want}):\n{text}"
        );
    }
}

#[test]
fn pkg_config_builds_the_c_example() {
    require_tool("pkg-config", "pkg-config");
    require_tool("cc", "gcc");
    let (dir, prefix) = installed();
    let pc_path = prefix.join("lib/pkgconfig");
    let pkg = |args: &[&str]| {
        let out = run(Command::new("pkg-config")
            .args(args)
            .arg("drgan")
            .env("PKG_CONFIG_PATH", &pc_path));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(pkg(&["--modversion"]), env!("CARGO_PKG_VERSION"));
    let cflags = pkg(&["--cflags"]);
    let libs = pkg(&["--libs"]);
    assert!(libs.contains("-ldrgan"), "{libs}");
    let lib_dir = prefix.join("lib");
    // pkg-config output is shell words: let the shell split them.
    let exe = dir.path().join("embed_two_pc");
    run(Command::new("sh").arg("-c").arg(format!(
        "cc -std=c99 -Wall -Wextra -Werror $(PKG_CONFIG_PATH='{}' pkg-config --cflags drgan) '{}' -o '{}' \
         $(PKG_CONFIG_PATH='{}' pkg-config --libs drgan) -Wl,-rpath,'{}'",
        pc_path.display(),
        root().join("examples/c/embed_two.c").display(),
        exe.display(),
        pc_path.display(),
        lib_dir.display()
    )));
    assert!(cflags.contains("include"), "{cflags}");
    run_example(&exe);
}
