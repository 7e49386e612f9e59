//! (e) Withdrawals through the AMM Cooldown Period (docs/design.md §10). Locking burns
//! the shares and reserves their worth at that moment. Carol's claim is paid
//! once the ACP has passed and every active market has settled since her
//! lock. Dave's claim waits on a silent operator: completion is refused with
//! `WithdrawalNotReady(market, fallbackAt)` until ACP + grace, then paid.

use alloy_primitives::{Address, U256};

use super::{e18, heading, print_balances, print_books, print_markets, settle_batch};
use crate::chain::{Chain, Failure};
use crate::checks::{Checks, Compare};
use crate::table;

/// What a claim that belongs to no market reports as its market.
const NO_MARKET: u64 = u64::MAX;
/// Every market's operator settles a batch without trades; `skip` stays silent.
fn heartbeat(
    chain: &mut Chain,
    checks: &mut Checks,
    markets: &[u64],
    skip: Option<u64>,
) -> Result<bool, Failure> {
    let mut all = true;
    for &id in markets.iter().filter(|&&id| Some(id) != skip) {
        let state = chain.market(id)?.state;
        all &= settle_batch(chain, checks, id, state, state, &[])?
            .revert
            .is_none();
    }
    Ok(all)
}

/// Locks `shares` of `who`'s and checks the claim against the books by hand:
/// `(⌊ℓ·X̄/T⌋, ⌊ℓ·Ȳ/T⌋)` reserved, ready after the ACP, fallback after the grace.
fn lock(
    chain: &mut Chain,
    checks: &mut Checks,
    who: Address,
    shares: U256,
) -> Result<(u64, crate::damm::Withdrawal), Failure> {
    let before = chain.books()?;
    let (free0, free1) = before.free();
    let owed = (
        shares * free0 / before.supply,
        shares * free1 / before.supply,
    );
    let params = chain.parameters()?;
    let now = chain.world.block().timestamp;
    let id = chain.lock_withdrawal(who, shares)?;
    let claim = chain.withdrawal(id)?;
    let after = chain.books()?;
    let mut compare = Compare::new();
    compare
        .eq("amounts", (claim.amount0, claim.amount1), owed)
        .eq("readyAt", claim.ready_at, now + params.acp)
        .eq(
            "fallbackAt",
            claim.fallback_at,
            now + params.acp + params.grace,
        )
        .eq(
            "reserved",
            (after.rx, after.ry),
            (before.rx + owed.0, before.ry + owed.1),
        )
        .eq("supply", after.supply, before.supply - shares)
        .holds(
            "HF unchanged or up (rounding favours the pool)",
            after.hf >= before.hf && after.hf - before.hf <= U256::from(1_000_000),
        );
    checks.all(
        format!(
            "{} locked {} shares: {} ETH + {} DAI reserved (⌊ℓ·X̄/T⌋, ⌊ℓ·Ȳ/T⌋ by hand), ready at {}, fallback at {}",
            chain.name(who),
            table::amount(shares),
            table::amount(owed.0),
            table::amount(owed.1),
            claim.ready_at,
            claim.fallback_at
        ),
        &compare,
    );
    Ok((id, claim))
}

/// Tries to complete claim `id` and expects `WithdrawalNotReady(market, at)`
/// with nothing moved.
fn refused(chain: &mut Chain, checks: &mut Checks, who: Address, id: u64, market: u64, at: u64) {
    let before = chain.snapshot();
    let result = chain.complete_withdrawal(who, id);
    let ok = result
        .as_ref()
        .is_err_and(|r| r.is("WithdrawalNotReady", &[U256::from(market), U256::from(at)]));
    let waiting = if market == NO_MARKET {
        "the ACP".to_string()
    } else {
        format!("market {market}")
    };
    checks.check(
        ok && chain.snapshot() == before,
        format!(
            "completion refused: WithdrawalNotReady({}, {at}) (waiting on {waiting}); nothing moved",
            if market == NO_MARKET { "none".to_string() } else { market.to_string() }
        ),
    );
}

/// Completes claim `id` and checks that `who` received exactly what was reserved.
fn completed(
    chain: &mut Chain,
    checks: &mut Checks,
    who: Address,
    id: u64,
    claim: &crate::damm::Withdrawal,
) -> Result<(), Failure> {
    let before = (chain.tokens_of(who)?, chain.books()?);
    let paid = chain.complete_withdrawal(who, id)?;
    let after = (chain.tokens_of(who)?, chain.books()?);
    let owed = (claim.amount0, claim.amount1);
    let mut compare = Compare::new();
    compare
        .eq("paid", paid, owed)
        .eq(
            "tokens",
            after.0,
            (before.0 .0 + owed.0, before.0 .1 + owed.1),
        )
        .eq(
            "books",
            (after.1.x, after.1.y),
            (before.1.x - owed.0, before.1.y - owed.1),
        )
        .eq(
            "reserved",
            (after.1.rx, after.1.ry),
            (before.1.rx - owed.0, before.1.ry - owed.1),
        )
        .eq("HF", after.1.hf, before.1.hf)
        .eq("done", chain.withdrawal(id)?.done, true);
    checks.all(
        format!(
            "{} was paid {} ETH + {} DAI, exactly the reserved amounts; HF unchanged",
            chain.name(who),
            table::amount(owed.0),
            table::amount(owed.1)
        ),
        &compare,
    );
    Ok(())
}

/// Runs step (e) on Example 3's pool and markets.
///
/// # Errors
/// A [`Failure`] if a call that must succeed does not.
pub fn run(chain: &mut Chain, checks: &mut Checks, markets: &[u64]) -> Result<(), Failure> {
    heading("e. Withdrawals: the lock, the ACP, and the fallback when an operator is silent");
    let params = chain.parameters()?;
    println!(
        "  ACP {} s, grace {} s (the defaults: 1 day and 3 days)",
        table::thousands(&params.acp.to_string()),
        table::thousands(&params.grace.to_string())
    );
    let (carol, dave, pool) = (chain.actor("carol"), chain.actor("dave"), chain.pool);
    chain.fund(dave, e18(1_000), e18(1_000))?;
    let books = chain.books()?;
    let (free0, free1) = books.free();
    let (max0, max1) = (e18(100), e18(1_000));
    let (shares, used0, used1) = chain.deposit(dave, max0, max1)?;
    let minted = (max0 * books.supply / free0).min(max1 * books.supply / free1);
    let used = (
        (minted * free0).div_ceil(books.supply),
        (minted * free1).div_ceil(books.supply),
    );
    let hf = chain.books()?.hf;
    checks.check(
        shares == minted && (used0, used1) == used && hf >= books.hf,
        format!(
            "Dave joined at the pool's ratio: {} shares for {} ETH + {} DAI (by hand: ℓ = min(⌊a·T/X̄⌋), amounts ⌈ℓ·X̄/T⌉); HF unchanged",
            table::amount(shares),
            table::amount(used0),
            table::amount(used1)
        ),
    );

    println!("\n  Carol locks 100 shares; every operator settles; the ACP passes:");
    let (carol_id, carol_claim) = lock(chain, checks, carol, e18(100))?;
    refused(
        chain,
        checks,
        carol,
        carol_id,
        NO_MARKET,
        carol_claim.ready_at,
    );
    chain.wait_until(chain.world.block().timestamp + 3_600);
    let all = heartbeat(chain, checks, markets, None)?;
    checks.check(
        all,
        "all three operators settled a batch (no trades) after the lock",
    );
    chain.wait_until(carol_claim.ready_at);
    completed(chain, checks, carol, carol_id, &carol_claim)?;
    print_markets(chain, markets)?;

    println!(
        "\n  Dave locks all his shares; market {}'s operator (op-3) goes silent:",
        markets[2]
    );
    let (dave_id, dave_claim) = lock(chain, checks, dave, shares)?;
    chain.wait_until(chain.world.block().timestamp + 3_600);
    let some = heartbeat(chain, checks, markets, Some(markets[2]))?;
    checks.check(some, "op-1 and op-2 settled after the lock; op-3 did not");
    chain.wait_until(dave_claim.ready_at);
    refused(
        chain,
        checks,
        dave,
        dave_id,
        markets[2],
        dave_claim.fallback_at,
    );
    chain.wait_until(dave_claim.fallback_at - 1);
    refused(
        chain,
        checks,
        dave,
        dave_id,
        markets[2],
        dave_claim.fallback_at,
    );
    chain.wait_until(dave_claim.fallback_at);
    completed(chain, checks, dave, dave_id, &dave_claim)?;
    print_balances(chain, &[carol, dave, pool])?;
    print_books(chain)?;
    Ok(())
}
