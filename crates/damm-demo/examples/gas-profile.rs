//! An L1 swap and two settles on a given dAMM WASM and test token (built
//! with names by `scripts/gas-profile.sh`), with the runtime's per-function
//! profiling: each frame's gas by category and the functions that spent the
//! most ink.

use alloy_primitives::{Address, U256};
use damm_math::arith::WAD;
use damm_math::batch::{Batch, CurvePricing};
use damm_math::{Curve, Direction, VirtualState};
use stylus_runtime::abi::{self, Word};
use stylus_runtime::report::CallReport;
use stylus_runtime::{artifacts, CallOutcome, World};

fn e18(units: u64) -> U256 {
    U256::from(units) * WAD
}

fn send(
    world: &mut World,
    from: Address,
    to: Address,
    signature: &str,
    words: &[U256],
) -> CallOutcome {
    world
        .call(from, to, &abi::call(signature, words))
        .expect_success(signature)
}

fn print_frames(frame: &CallReport) {
    // The frame's own line (its Display goes on to the nested frames).
    println!("{}", frame.to_string().lines().next().unwrap_or_default());
    let total: u64 = frame.profile.iter().map(|(_, ink)| ink).sum();
    for (name, ink) in frame.profile.iter().take(12) {
        println!(
            "{:indent$}  {:>9} gas {:>5.1} %  {name}",
            "",
            ink / 10_000,
            100.0 * *ink as f64 / total.max(1) as f64,
            indent = 2 * frame.depth
        );
    }
    frame.calls.iter().for_each(print_frames);
}

fn report(what: &str, outcome: &CallOutcome) {
    println!(
        "\n== {what}: {} tx gas cached ({} uncached), intrinsic {}, refund {}",
        outcome.gas_used,
        outcome.uncached_gas_used(),
        outcome.intrinsic_gas,
        outcome.refund
    );
    print_frames(&outcome.report);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: gas-profile DAMM.wasm [TOKEN.wasm]");
    let damm = std::fs::read(&path).expect("reading the dAMM WASM");
    let token = match args.next() {
        Some(path) => std::fs::read(path).expect("reading the token WASM"),
        None => artifacts::test_token().expect("building the test token"),
    };
    let mut world = World::new();
    // The name section makes the module larger than MaxWasmSize; only the
    // profile deploys it, so allow twice the chain's limit here.
    world.set_chain(stylus_check::Chain {
        max_wasm_bytes: 2 * stylus_check::MAX_WASM_BYTES,
        ..stylus_check::Chain::default()
    });
    let (owner, carol, operator, trader) = (
        world.eoa("owner"),
        world.eoa("carol"),
        world.eoa("operator"),
        world.eoa("trader"),
    );
    let t0 = world.deploy(owner, &token, None).expect("token0").address;
    let t1 = world.deploy(owner, &token, None).expect("token1").address;
    let args = abi::encode_words(&[t0.word(), t1.word(), owner.word()]);
    let pool = world
        .deploy(owner, &damm, Some(&args))
        .expect("dAMM")
        .address;
    for program in [t0, t1, pool] {
        world.cache_program(program);
    }
    for who in [owner, operator, trader] {
        for t in [t0, t1] {
            send(
                &mut world,
                who,
                t,
                "mint(address,uint256)",
                &[who.word(), e18(10_000)],
            );
            send(
                &mut world,
                who,
                t,
                "approve(address,uint256)",
                &[pool.word(), U256::MAX],
            );
        }
    }
    // Set up as a deployment is: the owner seeds and registers during
    // setup, where both apply at once, then ends setup.
    send(
        &mut world,
        owner,
        pool,
        "deposit(uint256,uint256,uint256,address,uint256)",
        &[e18(1000), e18(1000), U256::ZERO, carol.word(), U256::MAX],
    );
    send(
        &mut world,
        owner,
        pool,
        "registerMarket(address,uint8,uint256,uint256,uint256,uint256)",
        &[
            operator.word(),
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            WAD,
            WAD,
        ],
    );
    send(&mut world, owner, pool, "goLive()", &[]);
    world.set_profiling(true);
    world.advance(1, 12);
    let swap = send(
        &mut world,
        trader,
        pool,
        "swapExactIn(bool,uint256,uint256,address,uint256)",
        &[true.word(), e18(1), U256::ZERO, trader.word(), U256::MAX],
    );
    report("swapExactIn", &swap);

    let start = end_state(&mut world, pool);
    let pricing = CurvePricing {
        curve: Curve::ConstantProduct,
        fee: U256::from(2_500_000_000_000_000u64),
    };
    let mut batch = Batch::open(start, pricing);
    batch
        .quote_exact_in(Direction::ZeroForOne, e18(3))
        .expect("quote");
    let end = batch.close().end;
    world.advance(1, 12);
    let settle = send(
        &mut world,
        operator,
        pool,
        CHECKPOINT,
        &[
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
        ],
    );
    report("checkpoint", &settle);

    // A batch whose fees leave the pool both tokens to pull: small trades
    // both ways.
    let start = end_state(&mut world, pool);
    let five_bps = CurvePricing {
        curve: Curve::ConstantProduct,
        fee: U256::from(500_000_000_000_000u64),
    };
    let mut batch = Batch::open(start, five_bps);
    for i in 0..10u64 {
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
    world.advance(1, 12);
    let both = send(
        &mut world,
        operator,
        pool,
        CHECKPOINT,
        &[
            U256::ZERO,
            U256::from(2),
            start.x,
            start.y,
            end.x,
            end.y,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
        ],
    );
    report("checkpoint pulling both tokens", &both);
}

const CHECKPOINT: &str =
    "checkpoint(uint64,uint64,uint256,uint256,uint256,uint256,uint256,uint256,uint256,bytes32)";

/// Market 0's committed state.
fn end_state(world: &mut World, pool: Address) -> VirtualState {
    let m = world
        .view(pool, &abi::call("market(uint64)", &[U256::ZERO]))
        .expect_success("market")
        .words();
    VirtualState::new(m[8], m[9])
}
