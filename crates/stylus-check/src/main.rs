//! `stylus-check [--arbos N] [--max-fragments N] FILE.wasm [...]`: prints
//! each module's sizes, fragments and init costs, and exits non-zero if any
//! would not activate (ArbOS 60 with its default limits unless told).

use std::process::ExitCode;

use stylus_check::Chain;

fn main() -> ExitCode {
    let mut chain = Chain::default();
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let number = |value: Option<String>| value.and_then(|v| v.parse::<u64>().ok());
        match arg.as_str() {
            "--arbos" => match number(args.next()) {
                Some(arbos) => chain.arbos = arbos,
                None => return usage(),
            },
            "--max-fragments" => match number(args.next()) {
                Some(max) => chain.max_fragments = usize::try_from(max).unwrap_or(usize::MAX),
                None => return usage(),
            },
            _ if arg.starts_with("--") => return usage(),
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        return usage();
    }
    let mut ok = true;
    for file in files {
        match std::fs::read(&file) {
            Ok(wasm) => {
                let report = stylus_check::check_for(&wasm, &chain);
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

fn usage() -> ExitCode {
    eprintln!("usage: stylus-check [--arbos N] [--max-fragments N] FILE.wasm [FILE.wasm ...]");
    ExitCode::from(2)
}
