//! The dAMM's operator node: one per L2 market (seed 000's operator,
//! docs/design.md §6, docs/operator.md).
//!
//! - [`engine`]: the open batch in memory, rebuilt from the store at start;
//!   a trade is quoted with `damm_math::batch`, checked as the contract
//!   would judge the batch (`damm_math::checkpoint::settle`), reserved with
//!   the orchestrator, and accepted only once committed to the store.
//! - [`settle`]: closes a batch on its interval or when full, signs the
//!   checkpoint with an explicit nonce, stores the exact bytes before it
//!   broadcasts them, and after a crash finds out from the chain whether
//!   they were mined: every accepted trade settles exactly once.
//! - [`api`]: the users' HTTP API.

pub mod api;
pub mod commitment;
pub mod config;
pub mod engine;
pub mod key;
pub mod settle;
pub mod store;
