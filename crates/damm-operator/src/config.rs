//! The operator's configuration: a TOML file (`--config`) and
//! `DAMM_OPERATOR_*` variables on top. The key comes from
//! `DAMM_OPERATOR_KEY`, a `key_file`, or an encrypted `keystore` whose
//! password is in `DAMM_OPERATOR_KEYSTORE_PASSWORD`.

use std::net::SocketAddr;
use std::path::PathBuf;

use alloy_primitives::{Address, U256};
use damm_service::config::Secret;
use serde::Deserialize;

/// Everything the operator reads at start.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where to serve the users' API (port 0 picks one; it is printed).
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// The chain's JSON-RPC URL.
    pub rpc_url: String,
    /// The dAMM's address.
    pub damm: Address,
    /// The market this node operates.
    pub market: u64,
    /// The operator's private key (hex), from `DAMM_OPERATOR_KEY`.
    #[serde(default)]
    pub key: Option<Secret>,
    /// A file holding the key (hex), readable by its owner only.
    #[serde(default)]
    pub key_file: Option<PathBuf>,
    /// An Ethereum JSON keystore (v3, scrypt or pbkdf2) holding the key.
    #[serde(default)]
    pub keystore: Option<PathBuf>,
    /// The keystore's password, from `DAMM_OPERATOR_KEYSTORE_PASSWORD`.
    #[serde(default)]
    pub keystore_password: Option<Secret>,
    /// How often a batch closes.
    #[serde(default = "default_interval")]
    pub batch_interval_ms: u64,
    /// A batch closes early once it holds this many trades.
    #[serde(default = "default_max_trades")]
    pub batch_max_trades: u64,
    /// The L2 fee scale `λ` (WAD, at most 1e18); the market's on-chain
    /// `feeScale` when absent.
    #[serde(default, with = "damm_chain::amount::option")]
    pub fee_scale: Option<U256>,
    /// The pool's orchestrator (`http://host:port`).
    pub orchestrator_url: String,
    /// `sqlite://PATH` or `postgres://...`.
    #[serde(default = "default_database")]
    pub database_url: String,
    /// How often the market and pool are read from the chain.
    #[serde(default = "default_poll")]
    pub chain_poll_ms: u64,
    /// Trades are refused once the last successful chain read is older.
    #[serde(default = "default_staleness")]
    pub max_chain_staleness_ms: u64,
    /// A batch with no trades settles at most this often (it still must:
    /// it carries the pool's moves to the market, and withdrawals wait for
    /// every market to settle).
    #[serde(default = "default_empty_interval")]
    pub empty_batch_interval_ms: u64,
    /// How long a trade waits for a settlement in flight before a 503.
    #[serde(default = "default_wait")]
    pub trade_wait_ms: u64,
    /// `json` (default) or `text`.
    #[serde(default = "default_log_format")]
    pub log_format: String,
    /// Log level (`RUST_LOG` overrides).
    #[serde(default = "default_log_level")]
    pub log_level: String,
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8700))
}

fn default_database() -> String {
    "sqlite://target/damm/operator.db".into()
}

const fn default_interval() -> u64 {
    5_000
}

const fn default_max_trades() -> u64 {
    1_000
}

const fn default_poll() -> u64 {
    1_000
}

const fn default_staleness() -> u64 {
    30_000
}

const fn default_empty_interval() -> u64 {
    60_000
}

const fn default_wait() -> u64 {
    10_000
}

fn default_log_format() -> String {
    "json".into()
}

fn default_log_level() -> String {
    "info".into()
}
