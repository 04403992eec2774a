//! A small reader for `labels.csv` files: one header row naming the columns, then one
//! comma-separated row per image. Fields are trimmed; quoting is not supported.

use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The rows of a CSV file, with the line each came from (for error messages).
pub struct Table {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// Reads `path`; every row must have as many fields as the header.
    pub fn read(path: &Path) -> Result<Table, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
            .filter(|(_, l)| !l.trim().is_empty());
        let split = |n: usize, line: &str| -> Result<Vec<String>, String> {
            if line.contains('"') {
                return Err(format!(
                    "{}:{n}: quoted fields are not supported",
                    path.display()
                ));
            }
            Ok(line.split(',').map(|f| f.trim().to_string()).collect())
        };
        let (n, first) = lines
            .next()
            .ok_or_else(|| format!("{} is empty (it needs a header row)", path.display()))?;
        let header = split(n, first)?;
        let mut rows = Vec::new();
        for (n, line) in lines {
            let fields = split(n, line)?;
            if fields.len() != header.len() {
                return Err(format!(
                    "{}:{n}: {} fields, the header has {}",
                    path.display(),
                    fields.len(),
                    header.len()
                ));
            }
            rows.push((n, fields));
        }
        Ok(Table {
            path: path.into(),
            header,
            rows,
        })
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// The index of column `name`, if the header has it.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The index of column `name`, or an error naming the file and its columns.
    pub fn require(&self, name: &str) -> Result<usize, String> {
        self.column(name).ok_or_else(|| {
            format!(
                "{} has no column `{name}` (its columns: {})",
                self.path.display(),
                self.header.join(",")
            )
        })
    }

    /// Field `col` of data row `row`.
    pub fn get(&self, row: usize, col: usize) -> &str {
        &self.rows[row].1[col]
    }

    /// Field `col` of data row `row` parsed as `T`, or an error naming file and line.
    pub fn parse<T: FromStr>(&self, row: usize, col: usize) -> Result<T, String> {
        let value = self.get(row, col);
        value.parse().map_err(|_| {
            format!(
                "{}:{}: `{}` is {value:?}, not a valid number",
                self.path.display(),
                self.rows[row].0,
                self.header[col]
            )
        })
    }
}
