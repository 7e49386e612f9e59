//! The scenarios, in the order the README tells them, and what they share:
//! the operator's settlement (predicted with damm-math, submitted to the
//! WASM, then compared to the wei), the tables of balances, books and
//! markets, and the gas summary.
//!
//! - [`example2`]: (a) Carol's deposit and (b) Alice and Bob's batch, on
//!   Example 1's 100 ETH / 178,000 DAI pool;
//! - [`example3`]: (c) Example 3 corrected, on a fresh 1000:1000 pool;
//! - [`floor`]: (d) the health floor, on the same pool;
//! - [`withdrawals`]: (e) ACP withdrawals and the fallback, on the same pool.

mod example2;
mod example3;
mod floor;
mod withdrawals;

use std::collections::BTreeMap;

use alloy_primitives::{Address, B256, U256};
use damm_math::arith::{isqrt, WAD};
use damm_math::batch::{CurvePricing, Quote};
use damm_math::checkpoint::{settle, Outcome, Rejection, Rules, Submission};
use damm_math::{Curve, VirtualState};
use stylus_runtime::abi::Word;
use stylus_runtime::keccak256;

use crate::chain::{Chain, Failure, Op, Revert, Tx, Wasms};
use crate::checks::{Checks, Compare};
use crate::damm::{checkpoint_event, Market};
use crate::table::{self, Table};

/// Runs every step; a [`Failure`] stops the rest.
///
/// # Errors
/// The first [`Failure`]: a call that had to succeed did not.
pub fn run(checks: &mut Checks) -> Result<(), Failure> {
    let wasms = Wasms::build()?;
    let mut txs: Vec<Tx> = Vec::new();

    heading("Setup: Example 1's world (tokens \"ETH\" and \"DAI\" and the dAMM, from their WASMs)");
    let mut one = Chain::deploy(&wasms)?;
    example2::carol_deposits(&mut one, checks)?;
    example2::alice_and_bob(&mut one, checks)?;
    txs.extend_from_slice(one.txs());

    heading("Setup: a second world for Example 3 (a fresh 1000:1000 pool)");
    let mut three = Chain::deploy(&wasms)?;
    let markets = example3::run(&mut three, checks)?;
    floor::run(&mut three, checks, &markets)?;
    withdrawals::run(&mut three, checks, &markets)?;
    txs.extend_from_slice(three.txs());

    gas_summary(&txs, &wasms, checks);
    Ok(())
}

/// A step's title.
pub fn heading(title: &str) {
    println!("\n== {title} ==");
}

/// `units` whole tokens of 18 decimals.
#[must_use]
pub fn e18(units: u64) -> U256 {
    U256::from(units) * WAD
}

/// Fee-less constant product: how the seeds' L2s quote.
#[must_use]
pub fn fee_less() -> CurvePricing {
    CurvePricing {
        curve: Curve::ConstantProduct,
        fee: U256::ZERO,
    }
}

/// The batch commitment an operator posts: keccak256 of its trades
/// (direction, amount in, amount out, each a word).
#[must_use]
pub fn commitment(trades: &[Quote]) -> B256 {
    let mut data = Vec::with_capacity(96 * trades.len());
    for trade in trades {
        let direction = u8::from(trade.direction == damm_math::Direction::OneForZero);
        for word in [direction.word(), trade.amount_in, trade.amount_out] {
            data.extend_from_slice(&word.to_be_bytes::<32>());
        }
    }
    keccak256(&data)
}

/// `y/x` as a WAD.
#[must_use]
pub fn price(state: &VirtualState) -> U256 {
    state.y * WAD / state.x
}

/// A market's amplification `AF = √(x·y) / √(X̄·Ȳ)` (docs/design.md §3), WAD.
#[must_use]
pub fn amplification(state: &VirtualState, free: (U256, U256)) -> U256 {
    isqrt(state.x * state.y) * WAD / isqrt(free.0 * free.1)
}

/// What happened to a settlement the operator submitted.
pub struct Settled {
    /// What damm-math's judge said, and the contract did.
    pub outcome: Result<Outcome, Rejection>,
    /// The contract's refusal, if it refused.
    pub revert: Option<Revert>,
}

/// The contract's error for a damm-math rejection, with its fields.
fn expected_error(rejection: &Rejection, hf_min: U256) -> (&'static str, Vec<U256>) {
    use damm_math::MathError;
    match rejection {
        Rejection::CurveViolated => ("CurveViolated", vec![]),
        Rejection::Insolvent => ("Insolvent", vec![]),
        Rejection::BufferBreached => ("BufferBreached", vec![]),
        Rejection::AllocationExceeded { amount, limit } => {
            ("AllocationExceeded", vec![*amount, *limit])
        }
        Rejection::HealthTooLow {
            hf_before,
            hf_after,
        } => ("HealthTooLow", vec![*hf_before, *hf_after, hf_min]),
        Rejection::Math(MathError::Overflow) => ("ArithmeticOverflow", vec![]),
        Rejection::Math(MathError::InsufficientLiquidity) => ("InsufficientLiquidity", vec![]),
        Rejection::Math(_) => ("MathFailure", vec![]),
    }
}

/// What the demo reads before a checkpoint, to judge what it moved.
struct Before {
    market: Market,
    operator: (U256, U256),
    pool: (U256, U256),
    storage: Vec<BTreeMap<B256, B256>>,
}

/// The operator's settlement of `market`'s next batch from `start` to `end`.
///
/// First the operator predicts the contract's verdict with damm-math's
/// `checkpoint::settle` on the books it reads (the same function the
/// contract runs, evaluated natively). Then it submits the checkpoint to
/// the WASM and the demo checks that the contract did exactly that: for an
/// accepted batch, the books, supply, HF, the market's next committed state
/// and batch id, both parties' token balances (moved exactly by the net
/// order) and the `Checkpoint` event; for a refused one, the error by
/// selector with its fields, and that no storage slot of the pool or either
/// token changed.
///
/// # Errors
/// A [`Failure`] if a view fails.
pub fn settle_batch(
    chain: &mut Chain,
    checks: &mut Checks,
    market: u64,
    start: VirtualState,
    end: VirtualState,
    trades: &[Quote],
) -> Result<Settled, Failure> {
    let record = chain.market(market)?;
    let params = chain.parameters()?;
    let rules = Rules {
        curve: Curve::ConstantProduct,
        weight: record.weight,
        hf_min: params.hf_min,
        buffer: params.buffer,
        payout_cap: record.weight,
    };
    let submission = Submission {
        start,
        end,
        ..Submission::default()
    };
    let predicted = settle(&rules, &submission, &chain.books()?.pool());
    let batch = record.batch + 1;
    let commitment = commitment(trades);
    let before = Before {
        market: record,
        operator: chain.tokens_of(record.operator)?,
        pool: chain.tokens_of(chain.pool)?,
        storage: chain.snapshot(),
    };
    let label = format!(
        "checkpoint(market {market}, batch {batch}, {} trade{})",
        trades.len(),
        if trades.len() == 1 { "" } else { "s" }
    );
    let result = chain.checkpoint(
        &label,
        record.operator,
        market,
        batch,
        start,
        end,
        commitment,
    );
    let mut compare = Compare::new();
    let revert = match (&predicted, result) {
        (Ok(expected), Ok(outcome)) => {
            let event = checkpoint_event(&outcome.logs, chain.pool);
            verify_accepted(
                chain,
                &mut compare,
                market,
                expected,
                &before,
                event,
                commitment,
            )?;
            None
        }
        (Err(rejection), Err(revert)) => {
            let (name, args) = expected_error(rejection, params.hf_min);
            compare.eq("error", revert.name.as_str(), name).eq(
                "storage of pool, ETH, DAI unchanged",
                chain.snapshot() == before.storage,
                true,
            );
            if name != "MathFailure" {
                compare.eq("error fields", revert.args.clone(), args);
            }
            Some(revert)
        }
        (Ok(_), Err(revert)) => {
            compare.eq(
                "verdict",
                format!("refused with {revert}"),
                "accepted".to_string(),
            );
            Some(revert)
        }
        (Err(rejection), Ok(_)) => {
            compare.eq(
                "verdict",
                "accepted".to_string(),
                format!("refused ({rejection:?})"),
            );
            None
        }
    };
    let verdict = match &revert {
        None => "accepted".to_string(),
        Some(r) => format!(
            "refused with {} (selector 0x{}), nothing moved",
            r.name,
            alloy_primitives::hex::encode(r.selector)
        ),
    };
    checks.all(
        format!(
            "market {market} batch {batch} {verdict}: the WASM agrees with damm-math to the wei"
        ),
        &compare,
    );
    Ok(Settled {
        outcome: predicted,
        revert,
    })
}

/// Compares an accepted checkpoint's effects with damm-math's outcome.
fn verify_accepted(
    chain: &mut Chain,
    compare: &mut Compare,
    market: u64,
    expected: &Outcome,
    before: &Before,
    event: Option<Vec<U256>>,
    commitment: B256,
) -> Result<(), Failure> {
    let (net, pool) = (expected.net, expected.pool);
    let after = chain.books()?;
    compare
        .eq(
            "books (X, Y, R_x, R_y)",
            (after.x, after.y, after.rx, after.ry),
            (pool.balance0, pool.balance1, pool.reserved0, pool.reserved1),
        )
        .eq("LP supply", after.supply, pool.total_supply)
        .eq("HF", after.hf, expected.hf_after);
    let next = chain.market(market)?;
    compare
        .eq("committed state", next.state, expected.next)
        .eq("batch id", next.batch, before.market.batch + 1)
        .eq(
            "growth",
            next.growth,
            before.market.growth + expected.growth,
        );
    let operator = chain.tokens_of(before.market.operator)?;
    compare.eq(
        "operator's ETH, DAI",
        operator,
        (
            before.operator.0 - net.amount0_in + net.amount0_out,
            before.operator.1 - net.amount1_in + net.amount1_out,
        ),
    );
    let held = chain.tokens_of(chain.pool)?;
    compare
        .eq(
            "pool's ETH, DAI",
            held,
            (
                before.pool.0 + net.amount0_in - net.amount0_out,
                before.pool.1 + net.amount1_in - net.amount1_out,
            ),
        )
        .eq("token balances = books", held, (after.x, after.y));
    // What the pool received (positive) or paid (negative, as int256).
    let signed = |pool_in: U256, pool_out: U256| {
        if pool_out.is_zero() {
            pool_in
        } else {
            U256::ZERO.wrapping_sub(pool_out)
        }
    };
    let want = vec![
        signed(net.amount0_in, net.amount0_out),
        signed(net.amount1_in, net.amount1_out),
        expected.next.x,
        expected.next.y,
        expected.hf_after,
        expected.growth,
        commitment.word(),
    ];
    compare.eq("Checkpoint event", event, Some(want));
    Ok(())
}

/// Prints each actor's ETH, DAI and LP shares.
///
/// # Errors
/// A [`Failure`] if a view fails.
pub fn print_balances(chain: &mut Chain, actors: &[Address]) -> Result<(), Failure> {
    let mut table = Table::new(&["account", "ETH", "DAI", "LP shares"]);
    for &who in actors {
        let (eth, dai) = chain.tokens_of(who)?;
        let shares = chain.balance(chain.pool, who)?;
        table.row([
            chain.name(who),
            table::amount(eth),
            table::amount(dai),
            table::amount(shares),
        ]);
    }
    table.print();
    Ok(())
}

/// Prints the pool's books and HF.
///
/// # Errors
/// A [`Failure`] if a view fails.
pub fn print_books(chain: &mut Chain) -> Result<(), Failure> {
    let b = chain.books()?;
    let mut table = Table::new(&[
        "books",
        "X (ETH)",
        "Y (DAI)",
        "R_x",
        "R_y",
        "LP supply T",
        "HF",
    ]);
    table.row([
        "reserves()".to_string(),
        table::amount(b.x),
        table::amount(b.y),
        table::amount(b.rx),
        table::amount(b.ry),
        table::amount(b.supply),
        table::wad(b.hf),
    ]);
    table.print();
    Ok(())
}

/// Prints the markets' committed states, prices and amplification.
///
/// # Errors
/// A [`Failure`] if a view fails.
pub fn print_markets(chain: &mut Chain, markets: &[u64]) -> Result<(), Failure> {
    let free = chain.books()?.free();
    let mut table = Table::new(&[
        "market", "operator", "batch", "x (ETH)", "y (DAI)", "y/x", "AF",
    ]);
    let mut total = U256::ZERO;
    for &id in markets {
        let m = chain.market(id)?;
        let af = amplification(&m.state, free);
        total += af;
        table.row([
            id.to_string(),
            chain.name(m.operator),
            m.batch.to_string(),
            table::amount(m.state.x),
            table::amount(m.state.y),
            table::ratio(price(&m.state)),
            table::ratio(af),
        ]);
    }
    table.row([
        "pool (free)",
        "",
        "",
        &table::amount(free.0),
        &table::amount(free.1),
        &table::ratio(free.1 * WAD / free.0),
        &format!("Σ {}", table::ratio(total)),
    ]);
    table.print();
    Ok(())
}

/// The closed form of docs/design.md §4 for `n` full-allocation markets arbitraged
/// fee-less to the price ratio 6/5, in integers:
/// `HF = √(1 − n(n−1)(r^¼ − r^−¼)²)` with `(r^¼ − r^−¼)² = √r + 1/√r − 2`,
/// evaluated at 36 decimals and floored to a WAD.
#[must_use]
pub fn closed_form_hf(n: u64) -> U256 {
    let s = U256::from(10u64).pow(U256::from(36));
    let sqrt_r = isqrt(s * s * U256::from(6) / U256::from(5));
    let spread = sqrt_r + s * s / sqrt_r - U256::from(2) * s;
    let hf_squared = s - U256::from(n * (n - 1)) * spread;
    isqrt(hf_squared * s) / WAD
}

/// Uniswap V2: a one-hop `swapExactTokensForTokens` through Router02, and
/// `pair.swap` called directly, in transaction gas (Cancun rules, v2-core
/// 1.0.1's published bytecode; `docs/gas.md`).
pub const ROUTER02_SWAP_GAS: u64 = 97_726;
/// See [`ROUTER02_SWAP_GAS`].
pub const PAIR_SWAP_GAS: u64 = 73_162;

/// The gas per operation over both worlds, from the runtime's reports, with
/// every program cached and, beside it, with none cached.
fn gas_summary(txs: &[Tx], wasms: &Wasms, checks: &mut Checks) {
    heading("Gas per operation (the runtime's reports; transaction gas = intrinsic + execution − refund)");
    let damm = stylus_check::check(&wasms.damm);
    let token = stylus_check::check(&wasms.token);
    println!(
        "  dAMM WASM {} B, {} B brotli ({} fragments); init gas per call {} cached, {} uncached",
        table::thousands(&damm.raw_bytes.to_string()),
        table::thousands(&damm.compressed_bytes.to_string()),
        damm.fragments(),
        table::gas(damm.init.cached_call_gas()),
        table::gas(damm.init.uncached_call_gas()),
    );
    println!(
        "  test token WASM {} B brotli; init gas per call {} cached, {} uncached (tokens on Arbitrum are mostly EVM contracts, which pay none)",
        table::thousands(&token.compressed_bytes.to_string()),
        table::gas(token.init.cached_call_gas()),
        table::gas(token.init.uncached_call_gas()),
    );
    let mut table = Table::new(&[
        "operation",
        "calls",
        "min",
        "mean",
        "max",
        "uncached (mean)",
        "init",
        "compute",
        "storage",
        "logs",
        "token calls",
    ]);
    let ops = [
        Op::Deposit,
        Op::Lock,
        Op::Complete,
        Op::Swap,
        Op::Settle,
        Op::SettleRefused,
        Op::CompleteRefused,
        Op::Register,
        Op::Governance,
        Op::Deploy,
    ];
    for op in ops {
        let of: Vec<&Tx> = txs.iter().filter(|tx| tx.op == op).collect();
        if of.is_empty() {
            continue;
        }
        let n = of.len() as u64;
        let mean = |f: &dyn Fn(&Tx) -> u64| of.iter().map(|tx| f(tx)).sum::<u64>() / n;
        table.row([
            op.name().to_string(),
            n.to_string(),
            table::gas(of.iter().map(|tx| tx.gas).min().unwrap_or(0)),
            table::gas(mean(&|tx| tx.gas)),
            table::gas(of.iter().map(|tx| tx.gas).max().unwrap_or(0)),
            table::gas(mean(&|tx| tx.uncached_gas)),
            table::gas(mean(&|tx| tx.breakdown.init)),
            table::gas(mean(&|tx| tx.breakdown.compute)),
            table::gas(mean(&|tx| {
                tx.breakdown.storage_read + tx.breakdown.storage_write
            })),
            table::gas(mean(&|tx| tx.breakdown.logs)),
            table::gas(mean(&|tx| tx.breakdown.callees + tx.breakdown.calls)),
        ]);
    }
    table.row([
        "for scale: Uniswap V2 Router02 swap".to_string(),
        String::new(),
        String::new(),
        table::gas(ROUTER02_SWAP_GAS),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]);
    table.row([
        "for scale: Uniswap V2 pair.swap".to_string(),
        String::new(),
        String::new(),
        table::gas(PAIR_SWAP_GAS),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]);
    table.print();
    println!("  init, compute, storage and logs are the dAMM frame's own; token calls are the calls to the tokens and what they cost");
    // The targets: an L1 swap and every settle that moves tokens cost less
    // than Router02's one-hop swap, with the programs cached.
    for (op, what) in [(Op::Swap, "L1 swap"), (Op::Settle, "settle")] {
        let worst = txs
            .iter()
            .filter(|tx| tx.op == op)
            .map(|tx| tx.gas)
            .max()
            .unwrap_or(0);
        checks.check(
            worst <= ROUTER02_SWAP_GAS,
            format!(
                "every {what} costs at most Router02's {} gas (the dearest: {})",
                table::gas(ROUTER02_SWAP_GAS),
                table::gas(worst)
            ),
        );
    }
}
