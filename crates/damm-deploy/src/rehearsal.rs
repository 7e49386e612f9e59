//! The dry run: the deployment, played on the real WASM in the local runtime.
//!
//! Nothing here decides whether a parameter is in range or a curve is
//! valid: the contract does, exactly as it would on chain. The rehearsal
//! deploys two of the repo's test tokens in place of the file's tokens,
//! constructs the dAMM as `cargo stylus deploy` would, gives the deployer
//! the seed amounts, then sends every planned call and stops at the first
//! revert. Last, it plans again from the resulting state: a correct plan
//! leaves nothing to do.

use alloy_primitives::Address;
use alloy_sol_types::{SolCall, SolValue};
use stylus_runtime::{Deployment, World};

use crate::chain::{describe_revert, Chain, ChainState, IToken};
use crate::config::Config;
use crate::plan::{plan, Step};
use crate::{fail, Error};

/// The constructor's arguments, ABI-encoded without a selector (cargo-stylus
/// prefixes the SDK's constructor selector).
#[must_use]
pub fn constructor_args(token0: Address, token1: Address, owner: Address) -> Vec<u8> {
    (token0, token1, owner).abi_encode_params()
}

impl Chain for World {
    fn read(&mut self, to: Address, calldata: Vec<u8>) -> Result<Vec<u8>, Error> {
        let outcome = self.view(to, &calldata);
        if outcome.is_success() {
            Ok(outcome.output)
        } else {
            fail(describe_revert(&outcome.output))
        }
    }
}

/// What the rehearsal did.
#[derive(Debug)]
pub struct Rehearsal {
    /// The dAMM's deployment, constructor included.
    pub deployment: Deployment,
    /// Every planned call with the gas it used.
    pub steps: Vec<(Step, u64)>,
    /// The state the calls left.
    pub state: ChainState,
}

/// Rehearses `deployer` deploying `damm_wasm` and configuring it per
/// `config`, with `token_wasm` (the repo's test token) standing in for the
/// tokens.
///
/// # Errors
/// [`Error`] naming the step that failed and the contract's error.
pub fn rehearse(
    config: &Config,
    damm_wasm: &[u8],
    token_wasm: &[u8],
    deployer: Address,
) -> Result<Rehearsal, Error> {
    let mut world = World::new();
    let mut tokens = [Address::ZERO; 2];
    for token in &mut tokens {
        *token = world
            .deploy(deployer, token_wasm, None)
            .map_err(|e| Error(format!("test token: {e}")))?
            .address;
    }
    let config = Config {
        token0: tokens[0],
        token1: tokens[1],
        ..config.clone()
    };
    let deployment = world
        .deploy(
            deployer,
            damm_wasm,
            Some(&constructor_args(tokens[0], tokens[1], deployer)),
        )
        .map_err(|e| Error(format!("deploying the dAMM: {e}")))?;
    let damm = deployment.address;
    if let Some(seed) = config.seed.as_ref().filter(|s| !s.mint) {
        // On chain the deployer must already hold the seed.
        for (token, value) in tokens.into_iter().zip([seed.amount0, seed.amount1]) {
            let call = IToken::mintCall {
                to: deployer,
                value,
            }
            .abi_encode();
            if !world.call(deployer, token, &call).is_success() {
                return fail("minting the rehearsal's test tokens failed");
            }
        }
    }
    let now = world.block().timestamp;
    let holder = config
        .seed
        .as_ref()
        .and_then(|s| s.recipient)
        .unwrap_or(deployer);
    let state = ChainState::read(&mut world, damm, holder)?;
    let mut steps = Vec::new();
    for step in plan(&config, &state, damm, deployer, now)? {
        let to = step.target.address(damm, (tokens[0], tokens[1]));
        let outcome = world.call(deployer, to, &step.calldata);
        if !outcome.is_success() {
            return fail(format!(
                "{} reverted: {}",
                step.summary,
                describe_revert(&outcome.output)
            ));
        }
        steps.push((step, outcome.gas_used));
    }
    let state = ChainState::read(&mut world, damm, holder)?;
    let left = plan(&config, &state, damm, deployer, now)?;
    if let Some(step) = left.first() {
        return fail(format!(
            "after every call, the contract still differs from the file: {}",
            step.summary
        ));
    }
    Ok(Rehearsal {
        deployment,
        steps,
        state,
    })
}
