//! Gas figures from the contract's WASM in the local runtime (a benchmark
//! of gas, not of time): settle gas against the number N of L2 trades the
//! operator netted off-chain, for N = 1, 10, 1,000 and 100,000. The contract
//! only ever sees the batch's start and end states, so settle gas should not
//! depend on N; this shows it does not.
//!
//! Run: `cargo bench -p damm-demo --bench settle_gas`.

use alloy_primitives::{Address, U256};
use damm_math::arith::WAD;
use damm_math::batch::{Batch, CurvePricing};
use damm_math::{Curve, Direction, VirtualState};
use stylus_runtime::abi::{self, Word};
use stylus_runtime::{artifacts, World};

/// A one-hop `swapExactTokensForTokens` through Uniswap V2's Router02, in
/// transaction gas (Cancun rules, v2-core 1.0.1's published bytecode), for
/// scale.
const ROUTER02_SWAP_GAS: u64 = 97_726;

fn e18(units: u64) -> U256 {
    U256::from(units) * WAD
}

/// Settle gas for one batch of `trades` netted trades on a fresh 1000:1000
/// pool: with the programs cached, and with none cached.
fn settle_gas(damm: &[u8], token: &[u8], trades: u64) -> (u64, u64) {
    let mut world = World::new();
    let (owner, carol, operator) = (
        world.eoa("owner"),
        world.eoa("carol"),
        world.eoa("operator"),
    );
    let t0 = world.deploy(owner, token, None).expect("token").address;
    let t1 = world.deploy(owner, token, None).expect("token").address;
    let args = abi::encode_words(&[t0.word(), t1.word(), owner.word()]);
    let pool = world
        .deploy(owner, damm, Some(&args))
        .expect("dAMM")
        .address;
    for program in [t0, t1, pool] {
        world.cache_program(program);
    }
    let mut call = |from: Address, to: Address, signature: &str, words: &[U256]| {
        world
            .call(from, to, &abi::call(signature, words))
            .expect_success(signature)
    };
    for who in [owner, operator] {
        for t in [t0, t1] {
            call(who, t, "mint(address,uint256)", &[who.word(), e18(10_000)]);
            call(
                who,
                t,
                "approve(address,uint256)",
                &[pool.word(), U256::MAX],
            );
        }
    }
    // Set up as a deployment is: the owner seeds (for Carol) and registers
    // during setup, where both apply at once, then ends setup.
    call(
        owner,
        pool,
        "deposit(uint256,uint256,uint256,address,uint256)",
        &[e18(1000), e18(1000), U256::ZERO, carol.word(), U256::MAX],
    );
    let register = "registerMarket(address,uint8,uint256,uint256,uint256,uint256)";
    call(
        owner,
        pool,
        register,
        &[
            operator.word(),
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            WAD,
            WAD,
        ],
    );
    call(owner, pool, "goLive()", &[]);

    // The operator's side: N small trades in alternating directions, 5 bps.
    let start = VirtualState::new(e18(1000), e18(1000));
    let mut batch = Batch::open(
        start,
        CurvePricing {
            curve: Curve::ConstantProduct,
            fee: U256::from(500_000_000_000_000u64),
        },
    );
    for i in 0..trades {
        let direction = if i % 2 == 0 {
            Direction::ZeroForOne
        } else {
            Direction::OneForZero
        };
        batch
            .quote_exact_in(direction, U256::from(1_000_000_000_000_000u64 + i))
            .expect("quote");
    }
    let end = batch.close().end;
    let checkpoint =
        "checkpoint(uint64,uint64,uint256,uint256,uint256,uint256,uint256,uint256,uint256,bytes32)";
    let words = [
        U256::ZERO,
        U256::from(1),
        start.x,
        start.y,
        end.x,
        end.y,
        U256::ZERO,
        U256::ZERO,
        U256::ZERO,
        U256::ZERO,
    ];
    let outcome = call(operator, pool, checkpoint, &words);
    (outcome.gas_used, outcome.uncached_gas_used())
}

fn main() {
    let damm = artifacts::damm().expect("building the contract WASM");
    let token = artifacts::test_token().expect("building the test token WASM");
    println!("settle gas against the number of L2 trades netted into one checkpoint");
    println!(
        "{:>10}  {:>12}  {:>14}  {:>12}",
        "N trades", "settle gas", "uncached", "per trade"
    );
    for trades in [1u64, 10, 1_000, 100_000] {
        let (gas, uncached) = settle_gas(&damm, &token, trades);
        println!(
            "{trades:>10}  {gas:>12}  {uncached:>14}  {:>12}",
            gas / trades
        );
    }
    println!("for scale: a one-hop Uniswap V2 swap through Router02, {ROUTER02_SWAP_GAS} gas");
}
