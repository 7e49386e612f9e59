//! Offline check that a WASM file would activate on Arbitrum Stylus.
//!
//! Activation (`ArbWasm.activateProgram`) runs Nitro's own parser and
//! instrumenter, `Module::activate` in `crates/prover/src/programs/mod.rs`.
//! This crate mirrors what that code refuses, rule by rule, each rule citing
//! the Nitro source it follows (nitro `6dce8d1`, 2026-04; `docs/stylus.md`
//! lists them all):
//! - **sections** ([`rules`]): only Nitro's list; a DataCount section, a
//!   tag section or an unknown id is refused;
//! - **features**: Nitro's `WasmFeatures`, with multi-value only before
//!   ArbOS 60; float arithmetic and the bulk-memory operations besides
//!   `memory.copy` and `memory.fill` are refused at lowering;
//! - **imports**: functions from `vm_hooks` only, each one the host has,
//!   with its exact signature ([`hostio`]);
//! - **shape**: one memory exported as `memory` within the page limit, the
//!   `user_entrypoint: (i32) -> i32` export, no start function, reserved
//!   names, constant initialisers and in-bounds segments;
//! - **limits**: every count `parse_user` checks;
//! - **cost**: the init costs activation predicts ([`cost`]), which must
//!   fit a `u16`;
//! - **size**: the decompressed size under `MaxWasmSize`, and the brotli
//!   bytes (quality 11, window 22, as cargo-stylus) in one contract before
//!   ArbOS 60 or at most `MaxFragmentCount` fragments from it.
//!
//! What it does not mirror: the depth checker's per-function frame bound
//! (10,240 words, 4,096 live values), which needs Nitro's stack model;
//! Rust's output stays far below it.

use std::fmt;

pub mod code;
pub mod cost;
pub mod hostio;
mod rules;

pub use cost::{InitCost, Shape};
pub use rules::ends_basic_block;

/// One fragment: what every Stylus chain accepts in one contract.
pub const FRAGMENT_BYTES: usize = 24 * 1024;
/// `MaxWasmSize`: the most a program may decompress to (`params.go`).
pub const MAX_WASM_BYTES: usize = 128 * 1024;
/// `MaxFragmentCount` as ArbOS 60 sets it (`params.go`); the chain owner
/// may raise it.
pub const MAX_FRAGMENTS: usize = 2;
/// ArbOS 60 (`ArbosVersion_StylusContractLimit`): fragmented programs, and
/// no multi-value (`ARBOS_VERSION_STYLUS_NO_MULTI_VALUE`).
pub const ARBOS_60: u64 = 60;

/// The chain a module is checked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Chain {
    /// The ArbOS version at activation.
    pub arbos: u64,
    /// `MaxFragmentCount`, from ArbOS 60.
    pub max_fragments: usize,
    /// `MaxWasmSize`, the most a program may decompress to.
    pub max_wasm_bytes: usize,
    /// Pages already open in the activating transaction (usually none),
    /// which lower the page limit.
    pub pages_open: u32,
}

impl Default for Chain {
    /// ArbOS 60 with its defaults.
    fn default() -> Self {
        Self {
            arbos: ARBOS_60,
            max_fragments: MAX_FRAGMENTS,
            max_wasm_bytes: MAX_WASM_BYTES,
            pages_open: 0,
        }
    }
}

/// What a checked module measured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Uncompressed bytes.
    pub raw_bytes: usize,
    /// Brotli-compressed bytes (quality 11, window 22).
    pub compressed_bytes: usize,
    /// Functions defined in the module.
    pub functions: u32,
    /// The init costs activation would record.
    pub init: InitCost,
    /// The chain it was checked for.
    pub chain: Chain,
    /// Every rule the module breaks, with Nitro's reason; empty if it
    /// would activate.
    pub violations: Vec<String>,
}

impl Report {
    /// Contracts of at most 24 KiB the code is deployed as: 1, or the
    /// fragments of [`code::Layout`] (each loses 3 bytes to its prefix).
    #[must_use]
    pub fn fragments(&self) -> usize {
        fragments(self.compressed_bytes)
    }

    /// Whether the module would deploy and activate.
    #[must_use]
    pub fn is_deployable(&self) -> bool {
        self.violations.is_empty()
    }
}

fn fragments(compressed_bytes: usize) -> usize {
    if compressed_bytes + code::EOF_PREFIX.len() <= FRAGMENT_BYTES {
        1
    } else {
        compressed_bytes.div_ceil(FRAGMENT_BYTES - code::FRAGMENT_PREFIX.len())
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} B uncompressed (limit {}), {} B brotli in {} fragment(s) of 24 KiB (limit {} at ArbOS {}), \
             {} functions; init cost {} and cached init cost {}: a call pays {} gas to start cached, {} uncached",
            self.raw_bytes,
            self.chain.max_wasm_bytes,
            self.compressed_bytes,
            self.fragments(),
            if self.chain.arbos >= ARBOS_60 { self.chain.max_fragments } else { 1 },
            self.chain.arbos,
            self.functions,
            self.init.init,
            self.init.cached,
            self.init.cached_call_gas(),
            self.init.uncached_call_gas(),
        )?;
        if self.violations.is_empty() {
            write!(f, ": deployable")
        } else {
            write!(f, ": NOT deployable")?;
            self.violations
                .iter()
                .try_for_each(|v| write!(f, "\n  - {v}"))
        }
    }
}

/// Brotli size as cargo-stylus measures it: quality 11, window 22.
#[must_use]
pub fn compressed_len(wasm: &[u8]) -> usize {
    code::compress(wasm).len()
}

/// Checks a module for ArbOS 60 with its default limits.
#[must_use]
pub fn check(wasm: &[u8]) -> Report {
    check_for(wasm, &Chain::default())
}

/// Checks a module as `chain`'s activation would.
#[must_use]
pub fn check_for(wasm: &[u8], chain: &Chain) -> Report {
    let activation = rules::activate(wasm, chain);
    let mut violations = activation.violations;
    let (raw_bytes, compressed_bytes) = (wasm.len(), compressed_len(wasm));
    // `getWasm` (arbos/programs/programs.go): decompression is bounded by
    // MaxWasmSize.
    if raw_bytes > chain.max_wasm_bytes {
        violations.push(format!(
            "decompresses to {raw_bytes} B, above MaxWasmSize {} B",
            chain.max_wasm_bytes
        ));
    }
    let pieces = fragments(compressed_bytes);
    if chain.arbos < ARBOS_60 && pieces > 1 {
        violations.push(format!(
            "{compressed_bytes} B compressed needs {pieces} contracts; before ArbOS 60 a program is one contract of {FRAGMENT_BYTES} B"
        ));
    } else if pieces > chain.max_fragments {
        violations.push(format!(
            "{compressed_bytes} B compressed needs {pieces} fragments, above MaxFragmentCount {}",
            chain.max_fragments
        ));
    }
    Report {
        raw_bytes,
        compressed_bytes,
        functions: activation.functions,
        init: activation.init,
        chain: *chain,
        violations,
    }
}
