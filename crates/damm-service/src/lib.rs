//! What the dAMM's off-chain services (`damm-operator`, `damm-orchestrator`)
//! share, so each concern is written once:
//!
//! - [`config`]: typed configuration from a TOML file overlaid by the
//!   environment, with secrets that never print;
//! - [`telemetry`]: structured logs and Prometheus metrics;
//! - [`http`]: JSON bodies with bounded size and clear 4xx errors, and a
//!   graceful stop;
//! - [`db`]: one SQL store over SQLite (WAL, the default) or PostgreSQL.

pub mod config;
pub mod db;
pub mod http;
pub mod telemetry;
