//! `drgan-train` command-line entry point; see [`drgan_train::cli`].

fn main() {
    let code = drgan_train::cli::run(std::env::args().skip(1).collect());
    std::process::exit(code);
}
