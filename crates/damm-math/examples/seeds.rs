//! The seeds' worked examples through damm-math, printed as tables: the main
//! job until the local Stylus runtime runs them through the contract's WASM.
//! Exits non-zero if any step departs from its expected outcome.
//!
//! Run: `cargo run --release -p damm-math --example seeds`.

use std::process::ExitCode;

use damm_math::arith::{isqrt, WAD};
use damm_math::batch::{Batch, CurvePricing};
use damm_math::checkpoint::{settle, Pool, Rejection, Rules, Submission};
use damm_math::{health, Curve, Direction, VirtualState, U256};

/// A token amount with 18 decimals, shown with 6.
fn show(v: U256) -> String {
    let micro = v / U256::from(1_000_000_000_000u64);
    let (int, frac) = (micro / U256::from(1_000_000), micro % U256::from(1_000_000));
    format!("{int}.{:06}", frac.to::<u64>())
}

fn e18(units: u64) -> U256 {
    U256::from(units) * WAD
}

fn check(ok: bool, what: &str, failures: &mut u32) {
    println!("  [{}] {what}", if ok { "ok" } else { "FAILED" });
    if !ok {
        *failures += 1;
    }
}

fn main() -> ExitCode {
    let mut failures = 0;
    let fee_less = CurvePricing {
        curve: Curve::ConstantProduct,
        fee: U256::ZERO,
    };
    let rules = Rules {
        curve: Curve::ConstantProduct,
        weight: WAD,
        hf_min: health::DEFAULT_HF_MIN,
        buffer: U256::ZERO,
    };

    println!("Examples 1-2: Carol's 100 ETH / 178,000 DAI pool; Alice buys 0.1 ETH, Bob sells 0.2 ETH, one batch");
    let start = VirtualState::new(e18(100), e18(178_000));
    let mut batch = Batch::open(start, fee_less);
    let alice = batch
        .quote_exact_out(Direction::OneForZero, WAD / U256::from(10))
        .expect("quote");
    let bob = batch
        .quote_exact_in(Direction::ZeroForOne, WAD / U256::from(5))
        .expect("quote");
    println!("  {:<28}{:>16}{:>16}", "trade", "pays", "receives");
    println!(
        "  {:<28}{:>12} DAI{:>12} ETH",
        "Alice buys 0.1 ETH",
        show(alice.amount_in),
        show(alice.amount_out)
    );
    println!(
        "  {:<28}{:>12} ETH{:>12} DAI",
        "Bob sells 0.2 ETH",
        show(bob.amount_in),
        show(bob.amount_out)
    );
    let closed = batch.close();
    println!(
        "  net order: pool receives {} ETH, pays {} DAI; largest flash loans {} ETH, {} DAI",
        show(closed.net.amount0_in),
        show(closed.net.amount1_out),
        show(closed.ledger.max_loan0),
        show(closed.ledger.max_loan1)
    );
    let pool = Pool {
        balance0: start.x,
        balance1: start.y,
        total_supply: isqrt(start.x * start.y),
        ..Pool::default()
    };
    let exact = settle(
        &rules,
        &Submission {
            start,
            end: closed.end,
            ..Submission::default()
        },
        &pool,
    );
    check(
        exact.is_ok(),
        "exact quotes settle as one net order",
        &mut failures,
    );
    let literal = VirtualState::new(e18(100) + WAD / U256::from(10), e18(178_000) - e18(178));
    let rounded = settle(
        &rules,
        &Submission {
            start,
            end: literal,
            ..Submission::default()
        },
        &pool,
    );
    check(
        rounded == Err(Rejection::CurveViolated),
        "the seed's rounded quotes (180 / 358 DAI) are rejected",
        &mut failures,
    );

    println!("\nExample 3: three L2 markets on one 1000:1000 pool, price up 20 %");
    let committed = VirtualState::new(e18(1000), e18(1000));
    let mut pool = Pool {
        balance0: e18(1000),
        balance1: e18(1000),
        total_supply: e18(1000),
        ..Pool::default()
    };
    println!(
        "  {:<10}{:>14}{:>14}{:>14}{:>14}{:>12}",
        "market", "L2 x", "L2 y", "L1 X", "L1 Y", "HF"
    );
    for market in 1..=3 {
        let paid = isqrt(committed.x * committed.y * U256::from(6) / U256::from(5)) - committed.y;
        let mut batch = Batch::open(committed, fee_less);
        batch
            .quote_exact_in(Direction::OneForZero, paid)
            .expect("arbitrage quote");
        let end = batch.close().end;
        match settle(
            &rules,
            &Submission {
                start: committed,
                end,
                ..Submission::default()
            },
            &pool,
        ) {
            Ok(outcome) => {
                pool = outcome.pool;
                println!(
                    "  {market:<10}{:>14}{:>14}{:>14}{:>14}{:>12}",
                    show(end.x),
                    show(end.y),
                    show(pool.balance0),
                    show(pool.balance1),
                    show(outcome.hf_after)
                );
            }
            Err(rejection) => check(
                false,
                &format!("market {market} settles ({rejection:?})"),
                &mut failures,
            ),
        }
    }
    let k = pool.balance0 * pool.balance1;
    let sold = isqrt(k * U256::from(5) / U256::from(6)) - pool.balance0;
    let bought =
        damm_math::cp::amount_out(sold, pool.balance0, pool.balance1, 0).expect("arbitrage");
    let (x, y) = (pool.balance0 + sold, pool.balance1 - bought);
    let hf = health::health_factor(x, y, pool.total_supply).expect("hf");
    println!(
        "  L1 arbitrage: sells {} x for {} y -> L1 {} : {}, HF {}",
        show(sold),
        show(bought),
        show(x),
        show(y),
        show(hf)
    );
    // Closed form √(1 − 6(r^¼ − r^−¼)²) for r = 1.2 is 0.9747326479….
    check(
        show(hf) == "0.974732",
        "HF equals the closed form 0.974732",
        &mut failures,
    );

    if failures == 0 {
        println!("\nall steps ended as expected");
        ExitCode::SUCCESS
    } else {
        println!("\n{failures} step(s) departed from the expected outcome");
        ExitCode::FAILURE
    }
}
