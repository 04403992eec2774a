//! The `drgan-train` command line (hand-rolled parser, no dependencies).

pub mod args;
pub mod synth_cmd;

/// Runs the command line `args` (without the program name); returns the exit code.
pub fn run(args: Vec<String>) -> i32 {
    let result = match args.first().map(String::as_str) {
        Some("synth") => args::SynthArgs::parse(&args[1..]).and_then(|a| synth_cmd::run(&a)),
        Some("-h") | Some("--help") | None => {
            println!("{}", USAGE);
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

/// Help text.
pub const USAGE: &str = "drgan-train: DR-GAN training tools

USAGE:
  drgan-train synth --out DIR --identities N [--first-identity K] [--yaws LIST]
                    [--variations V] [--size S] [--threads T]
      Write PNGs and labels.csv for N identities x yaws x V variations.
  drgan-train synth --preview grid.png [--identities N] [--first-identity K] [--size S]
      Write a grid: identities as rows, yaws -90..90 step 15 as columns.
  drgan-train synth --measure [--identities N] [--threads T]
      Print images/s at 64 and 96 px and the identity distinctness figures
      (default N = 10000).

OPTIONS:
  --yaws LIST        comma-separated degrees or START:END:STEP (default -90:90:15)
  --variations V     pictures per (identity, yaw), variations 0..V (default 1)
  --size S           square output size in pixels (default 96)
  --threads T        worker threads (default: all cores)";
