//! The dAMM's orchestrator (seed 000's central orchestrator, docs/design.md §12).
//!
//! One runs per pool; every operator asks it before accepting a trade. It
//! keeps, in its store, each market's pending net (what the market's open
//! batch would settle) and judges a new one with
//! [`damm_math::orchestrator::Orchestrator`]: the pool's free balances,
//! minus every market's pending net, must stay above the security buffer,
//! with the real-time health factor held by the floor rule.
//!
//! - **The store is the truth.** Every decision runs in one transaction that
//!   first locks the pool's row, so several orchestrator processes behind
//!   one PostgreSQL (or one SQLite file) decide one at a time.
//! - **The chain settles reservations.** [`sync`] reads the pool and every
//!   market at one block; a market's pending net is dropped in the same
//!   transaction that moves the free balances past the batch that settled
//!   it, so a net is never counted twice or not at all.
//! - **Requests are signed** by the market's operator key
//!   ([`wire::SIGNATURE_HEADER`]), checked against `market(id).operator` on
//!   chain, and ordered by `(batchId, seq)`, so a replayed request cannot
//!   move a reservation back.

pub mod api;
pub mod client;
pub mod config;
pub mod store;
pub mod sync;
pub mod wire;
