//! (c) Example 3, corrected (docs/design.md §13), on the contract's WASM: three
//! full-allocation L2 markets share a fresh 1000:1000 pool. Each L2 is
//! arbitraged fee-less to `p = y/x = 1.2` on its own committed 1000:1000
//! state; the operators settle one after another (the pool absorbs the three
//! nets with no L1 `k` check); then one L1 arbitrage with `swapExactIn`
//! brings the pool back to 1.2. HF then sits at the closed form of docs/design.md §4,
//! `√(1 − 6(r^¼ − r^−¼)²) ≈ 0.9747326`, a little above it because the L1
//! swap pays a fee.

use alloy_primitives::U256;
use damm_math::arith::{isqrt, WAD};
use damm_math::batch::Batch;
use damm_math::{cp, health, Direction, VirtualState};

use super::{
    closed_form_hf, e18, fee_less, heading, price, print_balances, print_books, print_markets,
    settle_batch,
};
use crate::chain::{Chain, Failure};
use crate::checks::{Checks, Compare};
use crate::table::{self, Table};

/// A health factor with 10 decimals, to compare it with the closed form.
fn precise(hf: U256) -> String {
    table::fixed(hf, 10)
}

/// A difference of two WADs, signed, 10 decimals.
fn delta(a: U256, b: U256) -> String {
    if a >= b {
        format!("+{}", precise(a - b))
    } else {
        format!("-{}", precise(b - a))
    }
}

/// Runs step (c) and returns the three markets' ids.
///
/// # Errors
/// A [`Failure`] if a call that must succeed does not.
pub fn run(chain: &mut Chain, checks: &mut Checks) -> Result<Vec<u64>, Failure> {
    heading("c. Example 3 corrected: three L2 markets on one 1000:1000 pool, the price up 20 %");
    let carol = chain.actor("carol");
    chain.fund(carol, e18(2_000), e18(2_000))?;
    let (shares, _, _) = chain.deposit(carol, e18(1_000), e18(1_000))?;
    let mut ids = Vec::new();
    for name in ["op-1", "op-2", "op-3"] {
        let operator = chain.actor(name);
        chain.fund(operator, e18(1_000), e18(1_000))?;
        ids.push(chain.register_constant_product(operator, WAD, WAD)?);
    }
    print_markets(chain, &ids)?;
    let start = VirtualState::new(e18(1_000), e18(1_000));
    let mut committed = true;
    for &id in &ids {
        committed &= chain.market(id)?.state == start;
    }
    checks.check(
        shares == e18(1_000) - U256::from(1000) && committed,
        "Carol holds 1000e18 − 1000 shares; each market committed 1000:1000 (AF 1 each, Σ AF = 3)",
    );

    // Each L2's arbitrageur pays DAI until y/x = 6/5 on its own 1000:1000 state.
    let paid = isqrt(start.x * start.y * U256::from(6) / U256::from(5)) - start.y;
    let mut batch = Batch::open(start, fee_less());
    let quote = batch
        .quote_exact_in(Direction::OneForZero, paid)
        .map_err(|e| Failure(format!("L2 arbitrage quote: {e:?}")))?;
    let end = batch.close().end;
    let by_hand = start.x * paid / (start.y + paid);
    let p = price(&end);
    checks.check(
        quote.amount_out == by_hand
            && p.abs_diff(WAD * U256::from(6) / U256::from(5)) <= U256::from(1),
        format!(
            "on each L2: pay {} DAI, get {} ETH (= ⌊1000·paid/(1000+paid)⌋ by hand); y/x = {}",
            table::amount(paid),
            table::amount(quote.amount_out),
            table::ratio(p)
        ),
    );

    println!("\n  the three operators settle one after another (asynchronously):");
    let mut progress = Table::new(&[
        "after settling",
        "pool gets DAI",
        "pool pays ETH",
        "next x",
        "next y",
        "L1 X",
        "L1 Y",
        "HF",
    ]);
    let mut hfs = Vec::new();
    let mut accepted = true;
    for &id in &ids {
        let from = chain.market(id)?.state;
        let settled = settle_batch(chain, checks, id, from, end, &[quote])?;
        accepted &= settled.revert.is_none() && from == start;
        let books = chain.books()?;
        let next = chain.market(id)?.state;
        let net = settled.outcome.map(|o| o.net).unwrap_or_default();
        progress.row([
            format!("market {id}"),
            table::amount(net.amount1_in),
            table::amount(net.amount0_out),
            table::amount(next.x),
            table::amount(next.y),
            table::amount(books.x),
            table::amount(books.y),
            table::wad(books.hf),
        ]);
        hfs.push(books.hf);
    }
    progress.print();
    print_markets(chain, &ids)?;
    let books = chain.books()?;
    let closed = closed_form_hf(3);
    checks.check(
        accepted && hfs.windows(2).all(|w| w[0] > w[1]),
        "every market settled from the 1000:1000 it committed before any other settled; HF fell at each",
    );
    checks.check(
        books.x > e18(738) && books.x < e18(739),
        format!(
            "the pool holds {} ETH: the seed's 739",
            table::amount(books.x)
        ),
    );
    checks.check(
        books.hf.abs_diff(closed) <= U256::from(1_000_000),
        format!(
            "HF after three settlements {} = the closed form {} (to 1e-12)",
            table::wad(books.hf),
            table::wad(closed)
        ),
    );
    l1_arbitrage(chain, checks, books.hf)?;
    print_markets(chain, &ids)?;
    Ok(ids)
}

/// One L1 arbitrage with `swapExactIn`: sell ETH until `Y/X = 6/5` again;
/// then HF against the closed form, with and without the L1 fee.
fn l1_arbitrage(chain: &mut Chain, checks: &mut Checks, hf_settled: U256) -> Result<(), Failure> {
    let books = chain.books()?;
    let closed = closed_form_hf(3);
    println!("\n  an arbitrageur sells ETH on L1 (swapExactIn) until Y/X = 1.2 again:");
    let arb = chain.actor("arbitrageur");
    chain.fund(arb, e18(1_000), e18(1_000))?;
    let (free0, free1) = books.free();
    let sell = isqrt(free0 * free1 * U256::from(5) / U256::from(6)) - free0;
    let (quoted, fee) = chain.quote_exact_in(true, sell)?;
    let expected = cp::amount_out_with_fee(sell, free0, free1, fee)
        .map_err(|e| Failure(format!("expected swap: {e:?}")))?;
    let arb_before = chain.tokens_of(arb)?;
    let out = chain.swap_exact_in(arb, true, sell, expected)?;
    let after = chain.books()?;
    print_books(chain)?;
    print_balances(chain, &[arb])?;
    let mut compare = Compare::new();
    compare
        .eq("quote", quoted, expected)
        .eq("out", out, expected)
        .eq("books", (after.x, after.y), (free0 + sell, free1 - out))
        .eq(
            "arbitrageur",
            chain.tokens_of(arb)?,
            (arb_before.0 - sell, arb_before.1 + out),
        );
    checks.all(
        format!(
            "sold {} ETH for {} DAI at the contract's fee {} % (damm-math's cp::amount_out_with_fee to the wei)",
            table::amount(sell),
            table::amount(out),
            table::fixed(fee * U256::from(100), 4)
        ),
        &compare,
    );

    // The same arbitrage without the fee, in damm-math: HF stays at the closed form.
    let fee_less_out = cp::amount_out(sell, free0, free1, 0)
        .map_err(|e| Failure(format!("fee-less swap: {e:?}")))?;
    let hf_fee_less = health::health_factor(free0 + sell, free1 - fee_less_out, after.supply)
        .map_err(|e| Failure(format!("fee-less HF: {e:?}")))?;
    let mut hf = Table::new(&["health factor", "HF", "vs closed form"]);
    hf.row([
        "closed form √(1 − 6(r^¼ − r^−¼)²), r = 1.2",
        &precise(closed),
        "",
    ]);
    hf.row([
        "after the three settlements (WASM)",
        &precise(hf_settled),
        &delta(hf_settled, closed),
    ]);
    hf.row([
        "after a fee-less L1 arbitrage (damm-math)",
        &precise(hf_fee_less),
        &delta(hf_fee_less, closed),
    ]);
    hf.row([
        "after the L1 swap with its fee (WASM)",
        &precise(after.hf),
        &delta(after.hf, closed),
    ]);
    hf.print();
    checks.check(
        hf_fee_less.abs_diff(closed) <= U256::from(1_000_000),
        "a fee-less L1 arbitrage leaves HF at the closed form (to 1e-12)",
    );
    checks.check(
        after.hf >= closed && after.hf - closed < WAD / U256::from(1000),
        format!(
            "with the L1 fee, HF {} ≥ the closed form {} and within 1e-3 of it",
            table::wad(after.hf),
            table::wad(closed)
        ),
    );
    let p = after.y * WAD / after.x;
    checks.check(
        p >= WAD * U256::from(6) / U256::from(5) && p < WAD * U256::from(121) / U256::from(100),
        format!(
            "the pool's Y/X is back at {} (1.2, plus the fee left in DAI)",
            table::ratio(p)
        ),
    );
    Ok(())
}
