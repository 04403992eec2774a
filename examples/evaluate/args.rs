//! Command-line options of the `evaluate` example.

use std::path::PathBuf;

/// How to call the example.
pub const USAGE: &str = "\
usage: evaluate [--model BUNDLE_DIR] (--data DIR | --cmu DIR | --cfp DIR | --lfw DIR)... [options]

  --model DIR     the model bundle to evaluate (encoder.onnx, decoder.onnx); without
                  it, the default model embedded in the library (feature default-model)
  --data DIR      a folder with labels.csv (path,identity,yaw_degrees[,variation]):
                  rank-1 per yaw bin, fused rank-1, ROC AUC, frontalization quality
  --cmu DIR       the CMU faces folder (labels.csv: path,identity,pose,yaw_sign,
                  expression,eyes): the zero-shot run on real faces
  --cfp DIR       the CFP folder (Protocol/, detections.csv): split 10's FF and FP
                  verification, profile rank-1 as is and frontalized, pose-head yaw
  --lfw DIR       the LFW folder (protocol-pairsDevTest.txt, detections.csv): View 1's
                  test pairs
  --judge DIR     embed the frontalized faces, and the gallery they are matched
                  against, with this bundle's encoder instead of the model's own: an
                  encoder that the decoder never learnt from (frontalized columns and AUC)
  --report DIR    also write the reports (report.md, rank1_by_yaw.png, cmu_report.md,
                  cmu_crops.png, real_report.md, cfp_sheet.png, cfp_lineup.png and
                  cfp_lineup_key.txt) into DIR
  --fuse N        images per fused group (default 4)
  --seed S        noise seed of every frontalization (default 0)
  --threads T     worker threads (default: the number of CPUs)
";

/// Parsed options.
#[derive(Clone, Debug, PartialEq)]
pub struct Args {
    pub model: Option<PathBuf>,
    pub data: Option<PathBuf>,
    pub cmu: Option<PathBuf>,
    pub cfp: Option<PathBuf>,
    pub lfw: Option<PathBuf>,
    /// The bundle whose encoder judges frontalized faces (default: the model's own).
    pub judge: Option<PathBuf>,
    pub report: Option<PathBuf>,
    pub fuse: usize,
    pub seed: u64,
    pub threads: usize,
}

/// What the command line asks for: a run, or the usage text.
#[derive(Debug, PartialEq)]
pub enum Command {
    Run(Args),
    Help,
}

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut a = Args {
        model: None,
        data: None,
        cmu: None,
        cfp: None,
        lfw: None,
        judge: None,
        report: None,
        fuse: 4,
        seed: 0,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Ok(Command::Help);
        }
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--model" => a.model = Some(value()?.into()),
            "--data" => a.data = Some(value()?.into()),
            "--cmu" => a.cmu = Some(value()?.into()),
            "--cfp" => a.cfp = Some(value()?.into()),
            "--lfw" => a.lfw = Some(value()?.into()),
            "--judge" => a.judge = Some(value()?.into()),
            "--report" => a.report = Some(value()?.into()),
            "--fuse" => a.fuse = number(&flag, &value()?)?,
            "--seed" => a.seed = number(&flag, &value()?)?,
            "--threads" => a.threads = number(&flag, &value()?)?,
            _ => return Err(format!("unknown argument {flag:?}\n\n{USAGE}")),
        }
    }
    if a.data.is_none() && a.cmu.is_none() && a.cfp.is_none() && a.lfw.is_none() {
        return Err(format!(
            "give at least one of --data, --cmu, --cfp, --lfw\n\n{USAGE}"
        ));
    }
    if a.fuse < 1 || a.threads < 1 {
        return Err("--fuse and --threads must be at least 1".into());
    }
    Ok(Command::Run(a))
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{flag}: {value:?} is not a valid number"))
}
