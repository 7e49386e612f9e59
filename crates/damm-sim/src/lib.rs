//! # damm-sim
//!
//! The economic simulator of the dAMM. Every market mechanic runs through
//! `damm-math`, the crate the L1 contract compiles into its WASM, so the
//! simulator exercises exactly the code the contract and the operators run:
//!
//! - L2 quotes: [`damm_math::batch::Batch`] with [`damm_math::batch::CurvePricing`];
//! - settlements: [`damm_math::checkpoint::settle`] (curve, solvency, buffer,
//!   health rule, and the §8 state update);
//! - operators' quote checks: [`damm_math::orchestrator::Orchestrator`];
//! - L1 swaps and the Uniswap V2 benchmark: [`damm_math::cp`];
//! - health factor: [`damm_math::health`]; dynamic fees: [`damm_math::fee`].
//!
//! Amounts and states stay [`U256`] in 18-decimal token units (1000 tokens =
//! `1000e18`), so integer rounding is far below `1e-12`. Floating point is
//! used for analytics only: the external price path, statistics, plots.
//!
//! Scenarios, one module each:
//! - [`example3`]: docs/design.md §13 Example 3, corrected, against the §4 closed form;
//! - [`il`]: amplified IL against the number of markets, with drain points;
//! - [`paths`]: random price paths, HF floor on/off, static vs dynamic fees;
//! - [`breakeven`]: the static fee that makes LPs whole against Uniswap V2;
//! - [`report`]: `all`, which runs everything and writes `docs/sim/`.
//!
//! Machinery: [`engine`] (one pool, asynchronous L2 markets, L1 arbitrage,
//! the V2 benchmark), [`arb`] (arbitrage sizing), [`gbm`] (seeded price
//! paths), [`closed_form`] (docs/design.md §4 in `f64`), [`stats`], [`plot`] (SVG),
//! [`output`] (CSV), [`par`] (a deterministic parallel map), [`progress`]
//! and [`units`].
//!
//! Everything is deterministic for a given seed: the only randomness is a
//! ChaCha8 stream seeded explicitly, floats come from the pure-Rust `libm`,
//! and outputs carry no timestamps.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod arb;
pub mod breakeven;
pub mod closed_form;
pub mod engine;
mod error;
pub mod example3;
pub mod gbm;
pub mod il;
pub mod output;
pub mod par;
pub mod paths;
pub mod plot;
pub mod progress;
pub mod report;
pub mod stats;
pub mod units;

pub use damm_math::U256;
pub use error::{Result, SimError};
