//! Progress bars for long runs: shown only on an interactive terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar of `len` steps labelled `label`, drawn on stderr; hidden
/// when `quiet` or when stdout is not a terminal (CI, pipes, tests).
#[must_use]
pub fn bar(len: u64, label: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stdout().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} {elapsed_precise} eta {eta}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(label.to_string());
    bar
}

/// A bar that never draws (for tests and library callers).
#[must_use]
pub fn hidden() -> ProgressBar {
    ProgressBar::hidden()
}
