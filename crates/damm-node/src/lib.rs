//! # damm-node: a local chain for the dAMM
//!
//! What anvil is to the EVM, for this project's Stylus programs: Ethereum
//! JSON-RPC over HTTP on nitro-devnode's port (8547) and chain id (412346),
//! running the real contract WASM in [`stylus_runtime`], with anvil's ten
//! dev accounts and its dev methods. At start it deploys the two test
//! tokens and the dAMM ([`genesis`]), configures them from
//! `deploy/devnode.toml` through its own RPC with `damm-deploy`'s
//! [`configure`](damm_deploy::configure::configure), and writes
//! `target/devnode/deployment.json`.
//!
//! - [`chain`][]: blocks, transactions, receipts, logs, filters, snapshots.
//! - [`rpc`][]: the methods and the errors clients recognise.
//! - [`server`][]: HTTP.
//! - [`journal`][]: the `--state` file.
//! - [`accounts`][]: the dev keys.
//! - [`views`][]: records in JSON-RPC's shapes.
//!
//! ## What differs from an Arbitrum node
//! - No EVM: a transaction creating a contract must carry a one-piece
//!   Stylus program (cargo-stylus's init code); fragmented programs,
//!   precompiles (ArbWasm, ArbSys...) and Solidity contracts are not there.
//!   Deploying is activating.
//! - `eth_getCode` returns `0xEFF00000` and the brotli WASM in one piece,
//!   also for programs a real chain would split into fragments.
//! - Only the latest state is kept: reads at an older block are refused.
//! - Gas is the runtime's model of Nitro's prices; there is no L1 data fee,
//!   the base fee stays at 0.1 gwei, and no priority fee is paid.
//! - Block headers carry real transaction and receipt roots, but the state
//!   root is the empty trie's: there is no state trie.
//! - Blocks may share a timestamp, as on Arbitrum; `block_number` is the L2
//!   block's.

pub mod accounts;
pub mod chain;
pub mod genesis;
pub mod journal;
pub mod rpc;
pub mod server;
pub mod views;
