//! Deploying the dAMM to an Arbitrum Stylus chain.
//!
//! `deploy/deploy.sh` drives it: `cargo stylus deploy` creates, activates
//! and constructs the contract in one transaction, then `damm-deploy
//! configure` ([`configure`], over [`rpc`]) checks that the deployed code is the tested WASM
//! and brings the contract to the state a deployment file ([`config`])
//! describes, sending only what differs ([`plan`]). `damm-deploy plan` does
//! everything offline: it checks the WASM, lays out its on-chain code, and
//! rehearses the constructor and every configuration call on the real WASM
//! in the local Stylus runtime ([`rehearsal`]).

pub mod chain;
pub mod config;
pub mod configure;
pub mod plan;
pub mod rehearsal;
pub mod rpc;

/// What went wrong, in words for the person deploying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// Shorthand for an [`Error`] result.
pub fn fail<T>(message: impl Into<String>) -> Result<T, Error> {
    Err(Error(message.into()))
}
