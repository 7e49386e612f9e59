//! What the deploy tool reads from a chain, whichever chain it is.
//!
//! [`Chain`] is the one operation the planner needs, a read-only call; an
//! RPC endpoint ([`crate::rpc`]) and the local runtime
//! ([`crate::rehearsal`]) both provide it. Calls are typed from the
//! committed interface `abi/IDamm.sol`, so a stale ABI fails the build.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolInterface};

use crate::config::MarketSpec;
use crate::Error;

alloy_sol_types::sol!(
    #[sol(all_derives)]
    "../../abi/IDamm.sol"
);

alloy_sol_types::sol! {
    /// What the deploy tool calls on a token: an ERC-20's `approve`, and the
    /// repo's test token's open `mint` (devnets only).
    interface IToken {
        function approve(address spender, uint256 value) external returns (bool);
        function mint(address to, uint256 value) external;
    }
}

/// A chain the deploy tool can read.
pub trait Chain {
    /// A read-only call (`eth_call`); the return data, or why it failed.
    ///
    /// # Errors
    /// [`Error`] with the decoded revert, or the transport's failure.
    fn read(&mut self, to: Address, calldata: Vec<u8>) -> Result<Vec<u8>, Error>;
}

/// Calls a view of the contract and decodes its return.
///
/// # Errors
/// [`Error`] if the call fails or returns something else than `C` declares.
pub fn view<C: SolCall>(chain: &mut impl Chain, to: Address, call: &C) -> Result<C::Return, Error> {
    let data = chain.read(to, call.abi_encode())?;
    C::abi_decode_returns(&data, true).map_err(|e| {
        Error(format!(
            "{to}: {}() returned unexpected data: {e}",
            C::SIGNATURE
        ))
    })
}

/// Names a revert: one of the contract's errors with its fields, or the raw
/// bytes.
#[must_use]
pub fn describe_revert(data: &[u8]) -> String {
    match IDamm::IDammErrors::abi_decode(data, true) {
        Ok(error) => format!("{error:?}"),
        Err(_) if data.is_empty() => "reverted without data".into(),
        Err(_) => format!("reverted with 0x{}", alloy_primitives::hex::encode(data)),
    }
}

/// The deployed contract's state, as far as deployment concerns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainState {
    /// The contract's tokens.
    pub tokens: (Address, Address),
    /// The current owner.
    pub owner: Address,
    /// The owner-to-be, if a transfer was started.
    pub pending_owner: Address,
    /// Settable parameters by id (`hfMin, phi, feeMax, acp, grace, buffer,
    /// externalHfMin, externalMaxOut, externalDailyOut`).
    pub parameters: [U256; 9],
    /// Whether setup has ended (`isLive()`).
    pub live: bool,
    /// LP shares outstanding; zero until the first deposit.
    pub total_supply: U256,
    /// LP shares of the seed's recipient.
    pub holder_shares: U256,
    /// Registered markets, by id.
    pub markets: Vec<MarketSpec>,
}

impl ChainState {
    /// Reads the contract at `damm`, with the LP shares of `holder` (the
    /// seed's recipient).
    ///
    /// # Errors
    /// [`Error`] if a view fails, e.g. because `damm` is not the dAMM.
    pub fn read(chain: &mut impl Chain, damm: Address, holder: Address) -> Result<Self, Error> {
        let tokens = view(chain, damm, &IDamm::tokensCall {})?;
        let p = view(chain, damm, &IDamm::parametersCall {})?;
        let caps = view(chain, damm, &IDamm::externalCapsCall {})?;
        let count = view(chain, damm, &IDamm::marketCountCall {})?._0;
        let mut markets = Vec::new();
        for id in 0..count {
            let m = view(chain, damm, &IDamm::marketCall { id })?;
            markets.push(MarketSpec {
                operator: m._0,
                kind: m._1,
                param_a: m._3,
                param_b: m._4,
                weight: m._5,
                fee_scale: m._6,
            });
        }
        Ok(Self {
            tokens: (tokens._0, tokens._1),
            owner: view(chain, damm, &IDamm::ownerCall {})?._0,
            pending_owner: view(chain, damm, &IDamm::pendingOwnerCall {})?._0,
            parameters: [
                p._0,
                p._1,
                p._2,
                U256::from(p._3),
                U256::from(p._4),
                p._5,
                p._6,
                caps._0,
                caps._1,
            ],
            live: view(chain, damm, &IDamm::isLiveCall {})?._0,
            total_supply: view(chain, damm, &IDamm::totalSupplyCall {})?._0,
            holder_shares: view(chain, damm, &IDamm::balanceOfCall { account: holder })?._0,
            markets,
        })
    }
}
