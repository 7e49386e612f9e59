//! From the state a chain holds to the state the deployment file wants.
//!
//! [`plan`] lists the calls that close the gap, in the order the contract
//! needs them: parameters, the seed deposit (a market starts at the pool's
//! price, so the pool must hold liquidity first), markets, `goLive`, and
//! finally the hand-over of ownership. A state that already matches yields
//! no calls, so a deployment that stopped half-way is finished by running
//! it again.
//!
//! All of it happens in the contract's setup, where the owner's changes
//! apply at once and only the owner may deposit (docs/design.md §14). Once live,
//! every change waits in the timelock, so the planner refuses to configure
//! a live contract: that is governance, queued and announced, not a
//! deployment.
//!
//! It refuses to "fix" what it did not create: a market on chain that
//! differs from the file, or a contract for other tokens, is an error for a
//! person to look at.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;

use crate::chain::{ChainState, IDamm, IToken};
use crate::config::{Config, MarketSpec, CURVES, PARAMETERS};
use crate::{fail, Error};

/// How long a planned deposit stays valid after planning (seconds).
pub const DEADLINE_SECONDS: u64 = 3600;

/// Which contract a step calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The dAMM.
    Damm,
    /// The pool's token0.
    Token0,
    /// The pool's token1.
    Token1,
}

impl Target {
    /// Its address, given the dAMM's and the two tokens'.
    #[must_use]
    pub fn address(self, damm: Address, tokens: (Address, Address)) -> Address {
        match self {
            Self::Damm => damm,
            Self::Token0 => tokens.0,
            Self::Token1 => tokens.1,
        }
    }
}

/// One transaction to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The contract it calls.
    pub target: Target,
    /// What it does, for people.
    pub summary: String,
    /// The calldata.
    pub calldata: Vec<u8>,
}

impl Step {
    fn new(target: Target, summary: String, call: &impl SolCall) -> Self {
        Self {
            target,
            summary,
            calldata: call.abi_encode(),
        }
    }
}

/// The calls that take the contract at `damm`, in `state`, to what `config`
/// describes, sent by `signer` at chain time `now`.
///
/// The seed deposit asks for at least the shares a first deposit of its
/// amounts mints (`damm_math::lp::mint_first`), so a deposit slipped in
/// ahead of it at another price makes it revert instead of seeding at that
/// price.
///
/// # Errors
/// [`Error`] if the contract holds other tokens, a registered market
/// differs from the file, the chain has more markets than the file, or
/// calls are needed and `signer` is not the owner.
pub fn plan(
    config: &Config,
    state: &ChainState,
    damm: Address,
    signer: Address,
    now: u64,
) -> Result<Vec<Step>, Error> {
    if state.tokens != (config.token0, config.token1) {
        return fail(format!(
            "the contract's tokens are ({}, {}), the file says ({}, {})",
            state.tokens.0, state.tokens.1, config.token0, config.token1
        ));
    }
    let mut steps = Vec::new();
    for &(id, value) in &config.parameters {
        if state.parameters[usize::from(id)] != value {
            let name = PARAMETERS[usize::from(id)].0;
            steps.push(Step::new(
                Target::Damm,
                format!("setParameter {name} = {value}"),
                &IDamm::setParameterCall { id, value },
            ));
        }
    }
    if let Some(seed) = &config.seed {
        let min_shares = first_deposit_shares(seed)?;
        if state.total_supply.is_zero() {
            steps.extend(seed_steps(seed, min_shares, damm, signer, now));
        } else if state.holder_shares < min_shares {
            // Someone else deposited first: markets registered now would
            // start at their price.
            return fail(format!(
                "the pool was seeded by someone else: {} holds {} LP shares, fewer than the \
                 seed's {min_shares}; check the pool's price before registering markets",
                seed.recipient.unwrap_or(signer),
                state.holder_shares
            ));
        }
    }
    if state.markets.len() > config.markets.len() {
        return fail(format!(
            "the contract has {} markets, the file lists {}",
            state.markets.len(),
            config.markets.len()
        ));
    }
    for (id, (on_chain, wanted)) in state.markets.iter().zip(&config.markets).enumerate() {
        if on_chain != wanted {
            return fail(format!(
                "market {id} on chain is {}, the file says {}",
                describe(on_chain),
                describe(wanted)
            ));
        }
    }
    for (id, m) in config.markets.iter().enumerate().skip(state.markets.len()) {
        steps.push(Step::new(
            Target::Damm,
            format!("registerMarket #{id}: {}", describe(m)),
            &IDamm::registerMarketCall {
                operator: m.operator,
                kind: m.kind,
                param_a: m.param_a,
                param_b: m.param_b,
                weight: m.weight,
                fee_scale: m.fee_scale,
            },
        ));
    }
    if state.live && !steps.is_empty() {
        return fail(format!(
            "the contract is live, so {} change(s) would wait in its timelock: queue them as \
             governance (the owner's calls, then executeChange after ACP + grace)",
            steps.len()
        ));
    }
    if config.live && !state.live {
        steps.push(Step::new(
            Target::Damm,
            "goLive: anyone may deposit, later changes wait in the timelock".to_string(),
            &IDamm::goLiveCall {},
        ));
    }
    if let Some(owner) = config.final_owner {
        if state.owner != owner && state.pending_owner != owner {
            steps.push(Step::new(
                Target::Damm,
                format!("transferOwnership to {owner} (it must call acceptOwnership)"),
                &IDamm::transferOwnershipCall { new_owner: owner },
            ));
        }
    }
    if !steps.is_empty() && state.owner != signer {
        return fail(format!(
            "{} call(s) needed, but the owner is {} and the signer is {signer}",
            steps.len(),
            state.owner
        ));
    }
    Ok(steps)
}

/// What a first deposit of the seed mints.
fn first_deposit_shares(seed: &crate::config::Seed) -> Result<U256, Error> {
    damm_math::lp::mint_first(seed.amount0, seed.amount1).map_err(|e| {
        Error(format!(
            "seed: {e:?}: the amounts are too small for a first deposit"
        ))
    })
}

fn seed_steps(
    seed: &crate::config::Seed,
    min_shares: U256,
    damm: Address,
    signer: Address,
    now: u64,
) -> Vec<Step> {
    let tokens = [
        (Target::Token0, seed.amount0),
        (Target::Token1, seed.amount1),
    ];
    let mut steps = Vec::new();
    if seed.mint {
        for (target, value) in tokens {
            steps.push(Step::new(
                target,
                format!("mint {value} to {signer} (test token)"),
                &IToken::mintCall { to: signer, value },
            ));
        }
    }
    for (target, value) in tokens {
        steps.push(Step::new(
            target,
            format!("approve {value} to the dAMM"),
            &IToken::approveCall {
                spender: damm,
                value,
            },
        ));
    }
    let recipient = seed.recipient.unwrap_or(signer);
    steps.push(Step::new(
        Target::Damm,
        format!(
            "deposit {} + {} for at least {min_shares} shares to {recipient}",
            seed.amount0, seed.amount1
        ),
        &IDamm::depositCall {
            amount0_max: seed.amount0,
            amount1_max: seed.amount1,
            min_shares,
            recipient,
            deadline: U256::from(now.saturating_add(DEADLINE_SECONDS)),
        },
    ));
    steps
}

/// A market in words: curve, parameters, weight, fee scale, operator.
#[must_use]
pub fn describe(m: &MarketSpec) -> String {
    let curve = CURVES
        .get(usize::from(m.kind))
        .copied()
        .unwrap_or("unknown");
    format!(
        "{curve} (a {}, b {}), weight {}, fee scale {}, operator {}",
        m.param_a, m.param_b, m.weight, m.fee_scale, m.operator
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Seed;
    use alloy_primitives::address;

    const DAMM: Address = address!("00000000000000000000000000000000000000d0");
    const SIGNER: Address = address!("00000000000000000000000000000000000000e0");
    const SAFE: Address = address!("00000000000000000000000000000000000000f0");

    fn market(weight: u64) -> MarketSpec {
        MarketSpec {
            operator: address!("00000000000000000000000000000000000000b0"),
            kind: 0,
            param_a: U256::ZERO,
            param_b: U256::ZERO,
            weight: U256::from(weight),
            fee_scale: U256::ZERO,
        }
    }

    fn config() -> Config {
        Config {
            token0: address!("00000000000000000000000000000000000000a0"),
            token1: address!("00000000000000000000000000000000000000a1"),
            final_owner: Some(SAFE),
            parameters: vec![(0, U256::from(7)), (3, U256::from(3600))],
            seed: Some(Seed {
                amount0: U256::from(10_000),
                amount1: U256::from(40_000),
                recipient: None,
                mint: false,
            }),
            markets: vec![market(1), market(2)],
            live: true,
        }
    }

    /// Just constructed: parameter 3 already at the wanted value.
    fn fresh() -> ChainState {
        let config = config();
        let mut parameters = [U256::ZERO; 9];
        parameters[3] = U256::from(3600);
        ChainState {
            tokens: (config.token0, config.token1),
            owner: SIGNER,
            pending_owner: Address::ZERO,
            parameters,
            total_supply: U256::ZERO,
            holder_shares: U256::ZERO,
            markets: vec![],
            live: false,
        }
    }

    fn summaries(steps: &[Step]) -> Vec<&str> {
        steps
            .iter()
            .map(|s| s.summary.split(' ').next().unwrap_or(""))
            .collect()
    }

    #[test]
    fn a_fresh_contract_gets_everything_in_dependency_order() {
        let steps = plan(&config(), &fresh(), DAMM, SIGNER, 1000).unwrap();
        assert_eq!(
            summaries(&steps),
            [
                "setParameter",
                "approve",
                "approve",
                "deposit",
                "registerMarket",
                "registerMarket",
                "goLive:",
                "transferOwnership"
            ]
        );
        assert_eq!(steps[1].target, Target::Token0);
        assert_eq!(steps[2].target, Target::Token1);
        let deposit = IDamm::depositCall::abi_decode(&steps[3].calldata, true).unwrap();
        // √(10,000 · 40,000) = 20,000, less the 1,000 locked for good.
        assert_eq!(deposit.min_shares, U256::from(19_000));
        assert_eq!(deposit.recipient, SIGNER);
        assert_eq!(deposit.deadline, U256::from(1000 + DEADLINE_SECONDS));
        let approve = IToken::approveCall::abi_decode(&steps[1].calldata, true).unwrap();
        assert_eq!((approve.spender, approve.value), (DAMM, U256::from(10_000)));
        let second = IDamm::registerMarketCall::abi_decode(&steps[5].calldata, true).unwrap();
        assert_eq!(second.weight, U256::from(2));
    }

    #[test]
    fn a_half_done_deployment_gets_only_the_rest() {
        let mut state = fresh();
        state.parameters[0] = U256::from(7);
        state.total_supply = U256::from(20_000);
        state.holder_shares = U256::from(19_000);
        state.markets = vec![market(1)];
        let steps = plan(&config(), &state, DAMM, SIGNER, 0).unwrap();
        assert_eq!(
            summaries(&steps),
            ["registerMarket", "goLive:", "transferOwnership"]
        );
        assert!(steps[0].summary.contains("#1"));

        state.markets.push(market(2));
        state.live = true;
        state.pending_owner = SAFE;
        assert_eq!(plan(&config(), &state, DAMM, SIGNER, 0).unwrap(), vec![]);
        // Once the safe has accepted, nothing is left, and the signer need not own it.
        state.owner = SAFE;
        state.pending_owner = Address::ZERO;
        assert_eq!(plan(&config(), &state, DAMM, SIGNER, 0).unwrap(), vec![]);
    }

    #[test]
    fn test_tokens_are_minted_before_they_are_approved() {
        let mut config = config();
        if let Some(seed) = config.seed.as_mut() {
            seed.mint = true;
        }
        let steps = plan(&config, &fresh(), DAMM, SIGNER, 0).unwrap();
        assert_eq!(
            summaries(&steps)[1..5],
            ["mint", "mint", "approve", "approve"]
        );
    }

    #[test]
    fn what_it_did_not_create_is_refused_not_fixed() {
        let mut other_tokens = fresh();
        other_tokens.tokens.1 = SAFE;
        let mut other_market = fresh();
        other_market.markets = vec![market(9)];
        let mut extra_market = fresh();
        extra_market.markets = vec![market(1), market(2), market(3)];
        let mut not_owner = fresh();
        not_owner.owner = SAFE;
        // A first deposit by someone else: the seed's recipient holds too little.
        let mut seeded_by_another = fresh();
        seeded_by_another.total_supply = U256::from(5_000);
        seeded_by_another.holder_shares = U256::from(18_999);
        for (state, expected) in [
            (other_tokens, "the contract's tokens"),
            (other_market, "market 0 on chain"),
            (extra_market, "has 3 markets"),
            (not_owner, "the signer is"),
            (seeded_by_another, "seeded by someone else"),
        ] {
            let error = plan(&config(), &state, DAMM, SIGNER, 0).unwrap_err();
            assert!(error.0.contains(expected), "{expected:?} not in {error}");
        }
    }

    #[test]
    fn a_live_contract_is_governed_not_configured() {
        let mut live = fresh();
        live.live = true;
        let error = plan(&config(), &live, DAMM, SIGNER, 0).unwrap_err();
        assert!(error.0.contains("is live"), "{error}");
        // A file that keeps the contract in setup gets no goLive.
        let mut config = config();
        config.live = false;
        let steps = plan(&config, &fresh(), DAMM, SIGNER, 0).unwrap();
        assert!(!summaries(&steps).contains(&"goLive:"));
    }

    #[test]
    fn a_seed_too_small_for_a_first_deposit_is_refused() {
        let mut config = config();
        config.seed = Some(Seed {
            amount0: U256::from(1000),
            amount1: U256::from(1000),
            recipient: None,
            mint: false,
        });
        assert!(plan(&config, &fresh(), DAMM, SIGNER, 0).is_err());
    }
}
