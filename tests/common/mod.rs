//! Shared setup for the contract's motsu tests: two test tokens, a deployed
//! dAMM, funded accounts, and a seeded pool.
#![allow(dead_code)]

use alloy_primitives::{address, Address, U256};
use damm::guard::test_clock;
use damm::Damm;
use damm_test_token::TestToken;
use motsu::prelude::*;

pub const OWNER: Address = address!("00000000000000000000000000000000000000A1");
pub const CAROL: Address = address!("00000000000000000000000000000000000000C2");
pub const DAVE: Address = address!("00000000000000000000000000000000000000D3");
pub const OPERATOR: Address = address!("00000000000000000000000000000000000000E4");
pub const MALLORY: Address = address!("00000000000000000000000000000000000000F5");

/// Far in the future, for deadlines that must not bite.
pub const LATER: U256 = U256::from_limbs([u64::MAX, 0, 0, 0]);

/// `units` whole tokens of 18 decimals.
pub fn e18(units: u64) -> U256 {
    U256::from(units) * U256::from(10u64.pow(18))
}

/// `units / 1000` whole tokens.
pub fn milli(units: u64) -> U256 {
    U256::from(units) * U256::from(10u64.pow(15))
}

/// Mints `amount` of each token to `who` and approves the pool for all of it.
pub fn fund(pool: &Contract<Damm>, tokens: [&Contract<TestToken>; 2], who: Address, amount: U256) {
    for token in tokens {
        token.sender(who).mint(who, amount);
        token.sender(who).approve(pool.address(), U256::MAX);
    }
}

/// Constructs the pool on `token0`/`token1` with `OWNER` as owner.
pub fn construct(
    pool: &Contract<Damm>,
    token0: &Contract<TestToken>,
    token1: &Contract<TestToken>,
) {
    pool.sender(OWNER)
        .constructor(token0.address(), token1.address(), OWNER)
        .motsu_unwrap();
}

/// Constructs the pool, ends setup, and has Carol make the seed's first
/// deposit: 100 "ETH" (token0) and 178,000 "DAI" (token1).
pub fn seeded(pool: &Contract<Damm>, token0: &Contract<TestToken>, token1: &Contract<TestToken>) {
    construct(pool, token0, token1);
    pool.sender(OWNER).go_live().motsu_unwrap();
    fund(pool, [token0, token1], CAROL, e18(1_000_000));
    pool.sender(CAROL)
        .deposit(e18(100), e18(178_000), U256::ZERO, CAROL, LATER)
        .motsu_unwrap();
}

/// Constructs the pool, ends setup, and has Carol deposit 1000:1000
/// (Example 3's pool, T = 1000e18, HF = 1).
pub fn balanced(pool: &Contract<Damm>, token0: &Contract<TestToken>, token1: &Contract<TestToken>) {
    construct(pool, token0, token1);
    pool.sender(OWNER).go_live().motsu_unwrap();
    fund(pool, [token0, token1], CAROL, e18(1000));
    pool.sender(CAROL)
        .deposit(e18(1000), e18(1000), U256::ZERO, CAROL, LATER)
        .motsu_unwrap();
}

/// The contract's clock: the test clock if set, else motsu's block time.
pub fn now() -> u64 {
    test_clock::get().unwrap_or(1_735_689_600)
}

/// Lets the timelock's delay pass and runs queued change `id`, returning
/// its result word.
pub fn execute_when_due(pool: &Contract<Damm>, id: u64) -> U256 {
    let (due, _, _) = pool.sender(OWNER).change(id).motsu_unwrap();
    test_clock::set(now().max(due));
    pool.sender(OWNER).execute_change(id).motsu_unwrap()
}

/// After an owner's governed call: once live the call was queued, so wait
/// out the timelock and run it, returning its result; in setup it already
/// applied, so `None`.
fn run_queued(pool: &Contract<Damm>) -> Option<U256> {
    if !pool.sender(OWNER).is_live() {
        return None;
    }
    let id = pool.sender(OWNER).change_count() - 1;
    Some(execute_when_due(pool, id))
}

/// Registers a market, through the timelock once live; returns its id.
pub fn register(
    pool: &Contract<Damm>,
    operator: Address,
    kind: u8,
    param_a: U256,
    param_b: U256,
    weight: U256,
    fee_scale: U256,
) -> u64 {
    let id = pool
        .sender(OWNER)
        .register_market(operator, kind, param_a, param_b, weight, fee_scale)
        .motsu_unwrap();
    run_queued(pool).map_or(id, |market| market.to::<u64>())
}

/// Sets a parameter, through the timelock once live.
pub fn set_parameter(pool: &Contract<Damm>, id: u8, value: U256) {
    pool.sender(OWNER).set_parameter(id, value).motsu_unwrap();
    run_queued(pool);
}

/// Rotates a market's operator, through the timelock once live.
pub fn set_operator(pool: &Contract<Damm>, id: u64, operator: Address) {
    pool.sender(OWNER).set_operator(id, operator).motsu_unwrap();
    run_queued(pool);
}

/// Each token's balance of `who`.
pub fn balances(tokens: [&Contract<TestToken>; 2], who: Address) -> (U256, U256) {
    (
        tokens[0].sender(who).balance_of(who),
        tokens[1].sender(who).balance_of(who),
    )
}
