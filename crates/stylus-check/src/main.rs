//! `stylus-check FILE.wasm [...]`: prints each module's sizes and fragment
//! count, and exits non-zero if any is not a deployable Stylus contract.

use std::process::ExitCode;

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: stylus-check FILE.wasm [FILE.wasm ...]");
        return ExitCode::from(2);
    }
    let mut ok = true;
    for file in files {
        match std::fs::read(&file) {
            Ok(wasm) => {
                let report = stylus_check::check(&wasm);
                println!("{file}: {report}");
                ok &= report.is_deployable();
            }
            Err(error) => {
                eprintln!("{file}: {error}");
                ok = false;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
