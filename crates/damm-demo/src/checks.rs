//! Expected outcomes: every step states what must happen, prints `[ok]` or
//! `[FAILED]` for it, and the demo exits non-zero if anything failed.

use std::fmt::{Debug, Display};

/// The running tally of expectations.
#[derive(Debug, Default)]
pub struct Checks {
    passed: u32,
    failed: u32,
}

impl Checks {
    /// Records one expectation and prints it.
    pub fn check(&mut self, ok: bool, what: impl Display) -> bool {
        if ok {
            self.passed += 1;
            println!("  [ok] {what}");
        } else {
            self.failed += 1;
            println!("  [FAILED] {what}");
        }
        ok
    }

    /// Records a group of comparisons as one expectation, printing every
    /// mismatch under it.
    pub fn all(&mut self, what: impl Display, compare: &Compare) -> bool {
        let ok = self.check(compare.diffs.is_empty(), what);
        for diff in &compare.diffs {
            println!("         {diff}");
        }
        ok
    }

    /// Records a failure that stopped a scenario.
    pub fn fail(&mut self, what: impl Display) {
        self.check(false, what);
    }

    /// How many expectations held.
    #[must_use]
    pub fn passed(&self) -> u32 {
        self.passed
    }

    /// How many expectations failed.
    #[must_use]
    pub fn failed(&self) -> u32 {
        self.failed
    }
}

/// Field-by-field comparisons, collected before they are judged.
#[derive(Debug, Default)]
pub struct Compare {
    diffs: Vec<String>,
}

impl Compare {
    /// No comparisons yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Compares what the contract did with what was expected.
    pub fn eq<T: PartialEq + Debug>(&mut self, what: &str, got: T, want: T) -> &mut Self {
        if got != want {
            self.diffs
                .push(format!("{what}: got {got:?}, expected {want:?}"));
        }
        self
    }

    /// Records a condition that must hold.
    pub fn holds(&mut self, what: &str, ok: bool) -> &mut Self {
        if !ok {
            self.diffs.push(format!("{what}: does not hold"));
        }
        self
    }
}
