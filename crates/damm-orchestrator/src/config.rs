//! The orchestrator's configuration: a TOML file (`--config`) and
//! `DAMM_ORCHESTRATOR_*` variables on top (`DAMM_ORCHESTRATOR_DATABASE_URL`).

use std::net::SocketAddr;

use alloy_primitives::Address;
use serde::Deserialize;

/// Everything the orchestrator reads at start.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where to serve the API (port 0 picks one; the address is printed).
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// The chain's JSON-RPC URL.
    pub rpc_url: String,
    /// The dAMM's address.
    pub damm: Address,
    /// `sqlite://PATH` or `postgres://...`.
    #[serde(default = "default_database")]
    pub database_url: String,
    /// How often to read the chain.
    #[serde(default = "default_sync_ms")]
    pub sync_interval_ms: u64,
    /// Refuse reservations when the last successful sync is older than this:
    /// the pool may have moved in a way the store has not seen.
    #[serde(default = "default_staleness_ms")]
    pub max_staleness_ms: u64,
    /// `json` (default) or `text`.
    #[serde(default = "default_log_format")]
    pub log_format: String,
    /// Log level (`RUST_LOG` overrides).
    #[serde(default = "default_log_level")]
    pub log_level: String,
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8600))
}

fn default_database() -> String {
    "sqlite://target/damm/orchestrator.db".into()
}

const fn default_sync_ms() -> u64 {
    1_000
}

const fn default_staleness_ms() -> u64 {
    30_000
}

fn default_log_format() -> String {
    "json".into()
}

fn default_log_level() -> String {
    "info".into()
}
