//! The binary: `--help` and `example3`.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_damm-sim"))
}

#[test]
fn help_lists_the_scenarios() {
    let out = bin().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for cmd in [
        "example3",
        "il",
        "paths",
        "breakeven",
        "all",
        "--seed",
        "--out",
    ] {
        assert!(text.contains(cmd), "--help lacks {cmd}:\n{text}");
    }
}

#[test]
fn example3_prints_and_passes() {
    let out = bin().args(["example3", "--quiet"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("0.974732647902154"), "{text}");
    assert!(text.contains("OK"));
}
