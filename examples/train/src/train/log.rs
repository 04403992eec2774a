//! The run's log: `RUN/log.csv`, one row a step (plotted by [`super::plot`]).

use super::step::StepStats;
use std::io::Write;
use std::path::Path;

pub const HEADER: &str =
    "step,seconds,images_per_second,d_loss,g_adv,rec,id_aux,d_real_acc,d_fake_acc,d_step,proto,perceptual,id_keep";

/// The index of the column `name` of [`HEADER`]; panics on a name it does not have (the
/// callers name the columns in code).
pub fn column(name: &str) -> usize {
    HEADER
        .split(',')
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("log.csv has no column {name:?}"))
}

/// Appends one row to `RUN/log.csv` (creating it with its header).
pub fn append(run: &Path, step: u64, seconds: f64, ips: f64, s: &StepStats) -> Result<(), String> {
    let row = format!(
        "{step},{seconds:.1},{ips:.1},{:.5},{:.5},{:.5},{:.5},{:.4},{:.4},{},{:.5},{:.5},{:.5}",
        s.d_loss,
        s.g_adv,
        s.rec,
        s.id_aux,
        s.d_real_acc,
        s.d_fake_acc,
        s.d_step as u8,
        s.proto,
        s.perceptual,
        s.id_keep
    );
    append_row(&run.join("log.csv"), HEADER, &row)
}

/// Appends `row` to the CSV file at `path`, writing `header` first when the file is new.
pub fn append_row(path: &Path, header: &str, row: &str) -> Result<(), String> {
    let new = !path.exists();
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("opening {}: {e}", path.display()))?;
    if new {
        writeln!(f, "{header}").map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    writeln!(f, "{row}").map_err(|e| format!("writing {}: {e}", path.display()))
}
