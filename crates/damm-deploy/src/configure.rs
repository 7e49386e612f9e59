//! Bringing a deployed dAMM to the state a deployment file describes, over
//! JSON-RPC: `damm-deploy configure`, and `damm-node` at start.

use alloy_primitives::Address;

use crate::chain::ChainState;
use crate::config::Config;
use crate::plan::plan;
use crate::rpc::{verify_code, Rpc};
use crate::{fail, Error};

/// Checks that the program at `damm` is `wasm` (the tested build), then
/// signs with `key` and sends, one by one, every call `config` still needs,
/// waiting for each receipt; a re-run sends only what is left, so a run
/// that stopped half-way is finished by running it again. Progress goes to
/// standard output. Returns how many calls were sent.
///
/// # Errors
/// [`Error`] if the code is not the tested WASM, a call is refused (with
/// the contract's error), or something is still to do after every call.
pub fn configure(
    config: &Config,
    endpoint: &str,
    key: &str,
    damm: Address,
    wasm: &[u8],
    test_tokens: bool,
) -> Result<usize, Error> {
    if config.seed.as_ref().is_some_and(|s| s.mint) && !test_tokens {
        return fail(
            "[seed] mint = true is for the repo's test tokens only (deploy.sh --test-tokens)",
        );
    }
    let mut rpc = Rpc::connect(endpoint, key)?;
    println!(
        "chain {} at {endpoint}, signer {}",
        rpc.chain_id()?,
        rpc.signer()
    );
    verify_code(&rpc, damm, wasm)?;
    println!("the program at {damm} is the tested WASM");
    let signer = rpc.signer();
    let holder = config
        .seed
        .as_ref()
        .and_then(|s| s.recipient)
        .unwrap_or(signer);
    let state = ChainState::read(&mut rpc, damm, holder)?;
    let steps = plan(config, &state, damm, signer, rpc.timestamp()?)?;
    if steps.is_empty() {
        println!("nothing to do: the contract already matches the file");
        return Ok(0);
    }
    for (i, step) in steps.iter().enumerate() {
        let to = step.target.address(damm, (config.token0, config.token1));
        let sent = rpc
            .send(to, step.calldata.clone())
            .map_err(|e| Error(format!("{}: {e}", step.summary)))?;
        println!(
            "{:>2}/{} {} (tx {}, {} gas)",
            i + 1,
            steps.len(),
            step.summary,
            sent.hash,
            sent.gas_used
        );
    }
    let state = ChainState::read(&mut rpc, damm, holder)?;
    let left = plan(config, &state, damm, signer, rpc.timestamp()?)?;
    if let Some(step) = left.first() {
        return fail(format!("after every call, still to do: {}", step.summary));
    }
    println!(
        "configured: {} market(s), owner {}{}",
        state.markets.len(),
        state.owner,
        if state.pending_owner.is_zero() {
            String::new()
        } else {
            format!(", {} must call acceptOwnership()", state.pending_owner)
        }
    );
    Ok(steps.len())
}
