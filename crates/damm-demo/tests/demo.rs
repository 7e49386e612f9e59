//! The whole demo, end to end through the contract's WASM: the binary must
//! exit successfully and report that every step ended as expected.

use std::process::Command;

#[test]
fn the_demo_runs_every_step_as_expected() {
    let output = Command::new(env!("CARGO_BIN_EXE_damm-demo"))
        .output()
        .expect("the demo binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the demo failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!stdout.contains("[FAILED]"), "{stdout}");
    assert!(
        stdout.trim_end().ends_with("all steps ended as expected"),
        "{stdout}"
    );
    // Every step and the summary ran.
    for heading in [
        "== a. ",
        "== b. ",
        "== c. ",
        "== d. ",
        "== e. ",
        "== Gas per operation",
    ] {
        assert!(stdout.contains(heading), "missing {heading:?}:\n{stdout}");
    }
}
