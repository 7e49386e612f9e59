//! Output files: CSV tables and directory handling.
//!
//! Every number is formatted with a fixed number of decimals, so the same
//! run writes byte-identical files; there are no timestamps.

use std::path::Path;

use crate::Result;

/// A CSV table built in memory. Fields are written as given; the simulator
/// only writes numbers and plain identifiers, which need no quoting.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Csv {
    text: String,
}

impl Csv {
    /// A table with this header.
    #[must_use]
    pub fn new(header: &[&str]) -> Self {
        let mut text = header.join(",");
        text.push('\n');
        Self { text }
    }

    /// Appends one row.
    pub fn row<S: AsRef<str>>(&mut self, fields: &[S]) {
        let line: Vec<&str> = fields.iter().map(AsRef::as_ref).collect();
        self.text.push_str(&line.join(","));
        self.text.push('\n');
    }

    /// The table as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Writes the table to `path`, creating its directory.
    pub fn write(&self, path: &Path) -> Result<()> {
        write_file(path, &self.text)
    }
}

/// `v` with `decimals` decimals; empty for NaN or infinities (a missing value).
///
/// ```
/// # use damm_sim::output::num;
/// assert_eq!(num(0.123456, 3), "0.123");
/// assert_eq!(num(f64::NAN, 3), "");
/// assert_eq!(num(-0.0, 2), "0.00");
/// ```
#[must_use]
pub fn num(v: f64, decimals: usize) -> String {
    if v.is_finite() {
        // Normalise -0 so that sign noise never changes a file.
        let v = if v == 0.0 { 0.0 } else { v };
        let s = format!("{v:.decimals$}");
        if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
            s[1..].to_string()
        } else {
            s
        }
    } else {
        String::new()
    }
}

/// An optional value with [`num`].
#[must_use]
pub fn opt(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(String::new, |v| num(v, decimals))
}

/// Writes `text` to `path`, creating the directory.
pub fn write_file(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    std::fs::write(path, text)?;
    Ok(())
}
