//! # damm-demo: the seeds' scenarios through the contract's real WASM
//!
//! The README's main job: `cargo run --release -p damm-demo`.
//!
//! It builds the dAMM contract and the test ERC-20 into WASM (through
//! `stylus_runtime::artifacts`, i.e. the project's build scripts), deploys
//! them into the local Stylus runtime (`stylus_runtime::World`), and walks
//! through the seeds' worked examples (docs/design.md §13) and the state machines
//! around them, printing a table at each step:
//!
//! - a. Carol's deposit makes Example 1's pool (100 ETH / 178,000 DAI);
//! - b. Alice and Bob trade on one L2 market; the operator nets the batch
//!   with damm-math (the flash-loan ledger) and settles it as one
//!   checkpoint; the seed's rounded quotes are refused (`CurveViolated`);
//! - c. Example 3 corrected: three L2 markets on a fresh 1000:1000 pool
//!   settle asynchronously, then one L1 arbitrage; HF against the closed form;
//! - d. the health floor: a draining settlement refused (`HealthTooLow`),
//!   an improving one accepted;
//! - e. withdrawals: the ACP once every market has settled, and the
//!   fallback after ACP + grace when an operator stays silent;
//!
//! and ends with the gas of each operation from the runtime's reports.
//!
//! Operators compute their batches exactly as an L2 operator would, with
//! `damm_math::batch::Batch`; every outcome is checked against values
//! computed independently (by hand in integers, or with damm-math natively),
//! and the process exits non-zero if any step departs from its expected
//! outcome. No floats: amounts are formatted with integer math.
//!
//! Modules: [`chain`] (world setup, transactions and views), [`damm`] (the
//! contract's typed calls), [`scenarios`] (the steps), [`checks`] (expected
//! outcomes), [`table`] (formatting).

mod chain;
mod checks;
mod damm;
mod scenarios;
mod table;

use std::process::ExitCode;

use checks::Checks;

fn main() -> ExitCode {
    println!(
        "dAMM demo: the seeds' scenarios through the contract's WASM in the local Stylus runtime"
    );
    let mut checks = Checks::default();
    if let Err(failure) = scenarios::run(&mut checks) {
        checks.fail(format!("the demo stopped: {failure}"));
    }
    println!();
    if checks.failed() == 0 {
        println!("{} checks passed", checks.passed());
        println!("all steps ended as expected");
        ExitCode::SUCCESS
    } else {
        println!(
            "{} of {} checks FAILED: some step departed from its expected outcome",
            checks.failed(),
            checks.failed() + checks.passed()
        );
        ExitCode::FAILURE
    }
}
