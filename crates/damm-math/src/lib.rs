//! # damm-math
//!
//! The batch-netting math of the distributed AMM, shared bit for bit by the L1
//! Stylus contract (compiled into its WASM) and by every L2 operator (linked
//! natively). If the two disagreed by one wei, a settlement would be rejected
//! and an L2's batch would be stuck; so the math lives here, once.
//!
//! - `#![no_std]`, no floating point, no panics: every fallible function
//!   returns [`Result`] with a [`MathError`].
//! - Amounts are [`U256`] (alloy-primitives' `ruint::Uint<256, 4>`), ratios WAD.
//! - Rounding always favours the pool; each function says which way it goes.
//! - Feature `stylus` (the contract's): in a `wasm32` build, divisions use
//!   Stylus's math host calls ([`arith::primitive`]). It changes gas, never a
//!   result.
//!
//! Map of the crate, by section of docs/design.md:
//! - [`arith`]: checked arithmetic, the one 512-bit `mul_div`, `isqrt`, WAD.
//! - [`cp`] (§1), [`lp`] (§2), [`health`] (§4), [`fee`] (§5).
//! - [`curve`]: constant product, [`stable`] StableSwap, [`bamm`] (with
//!   [`logexp`]) and `External`, behind one enum (§3, §11).
//! - [`batch`] (§6): quoting, the flash-loan ledger, the net order.
//! - [`checkpoint`] (§7): the contract's acceptance, as a pure function.
//! - [`update`] (§8): the state committed after settlement.
//! - [`ltamm`] (§11): the low-toxicity quoting engine for `External` markets.
//! - [`orchestrator`] (§12): pending nets, security buffer, quote checks.
#![no_std]
// The one exception: the `stylus` feature's math host calls
// (`arith::primitive`), three `extern` calls on 32-byte words.
#![deny(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

pub mod arith;
pub mod bamm;
pub mod batch;
pub mod checkpoint;
pub mod cp;
pub mod curve;
mod error;
pub mod fee;
pub mod health;
pub mod logexp;
pub mod lp;
pub mod ltamm;
pub mod orchestrator;
mod order;
pub mod stable;
mod state;
pub mod update;

pub use alloy_primitives::U256;
pub use curve::Curve;
pub use error::{MathError, Result};
pub use order::NetOrder;
pub use state::{Direction, VirtualState};
