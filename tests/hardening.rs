//! The audit's findings (issue 10), one test or more each, through motsu.
//! Each names the finding it covers; what it expects comes from the spec or
//! a hand calculation, and every refusal is checked to move nothing.

mod common;

use alloy_primitives::{Address, FixedBytes, U256};
use alloy_sol_types::{sol, SolCall};
use common::*;
use damm::errors::*;
use damm::events::{
    ChangeCancelled, ChangeExecuted, ChangeQueued, MarketShares, ParameterSet, WentLive,
    WithdrawalRedirected,
};
use damm::governance::param;
use damm::guard::test_clock;
use damm::markets::kind;
use damm::timelock::state;
use damm::Damm;
use damm_math::{stable, VirtualState};
use damm_test_token::{TestToken, BLOCKLIST};
use motsu::prelude::*;

const WAD: U256 = damm_math::arith::WAD;

sol! {
    /// The governed calls, as a wallet would encode them.
    function setParameter(uint8 id, uint256 value);
    function registerMarket(address operator, uint8 kind, uint256 paramA, uint256 paramB, uint256 weight, uint256 feeScale);
}

fn state_of(pool: &Contract<Damm>, id: u64) -> VirtualState {
    let m = pool.sender(OWNER).market(id).motsu_unwrap();
    VirtualState::new(m.8, m.9)
}

/// `market`'s next batch from its operator, from the committed state to
/// `end`, with L2 joins `(join0, join1)` and `exit` shares.
fn settle(
    pool: &Contract<Damm>,
    market: u64,
    end: (U256, U256),
    join: (U256, U256),
    exit: U256,
) -> Result<(), Error> {
    let m = pool.sender(OWNER).market(market).motsu_unwrap();
    pool.sender(m.0)
        .checkpoint(
            market,
            m.7 + 1,
            m.8,
            m.9,
            end.0,
            end.1,
            join.0,
            join.1,
            exit,
            FixedBytes::ZERO,
        )
        .motsu_res()
}

/// The pool's `reserves()`, then both tokens' balances of the pool and of
/// one account.
type Books = ((U256, U256, U256, U256), (U256, U256), (U256, U256));

/// What a refusal must leave alone: the pool's books and both tokens'
/// balances of the pool and of `who`.
fn books(pool: &Contract<Damm>, tokens: [&Contract<TestToken>; 2], who: Address) -> Books {
    (
        pool.sender(OWNER).reserves(),
        balances(tokens, pool.address()),
        balances(tokens, who),
    )
}

/// A live pool of 1000 token0 and 4000 token1 (price 4), Carol's.
fn priced_at_four(pool: &Contract<Damm>, t0: &Contract<TestToken>, t1: &Contract<TestToken>) {
    construct(pool, t0, t1);
    pool.sender(OWNER).go_live().motsu_unwrap();
    fund(pool, [t0, t1], CAROL, e18(1_000_000));
    pool.sender(CAROL)
        .deposit(e18(1000), e18(4000), U256::ZERO, CAROL, LATER)
        .motsu_unwrap();
}

fn float(value: U256) -> f64 {
    // Test-only reference arithmetic: every value here is below 2^128.
    value.to::<u128>() as f64 / 1e18
}

/// Token1 per token0 at a StableSwap state, from the gradient of its
/// invariant `4A(x+y) + D = 4AD + D³/(4xy)` (with `amp = 2A`), in floating
/// point: a reference independent of the contract's integer search.
fn stable_spot(x: f64, y: f64, amp: f64) -> f64 {
    let a4 = 2.0 * amp;
    let mut d = x + y;
    for _ in 0..200 {
        let f = a4 * (x + y) + d - a4 * d - d.powi(3) / (4.0 * x * y);
        let slope = 1.0 - a4 - 3.0 * d * d / (4.0 * x * y);
        d -= f / slope;
    }
    let dx = a4 + d.powi(3) / (4.0 * x * x * y);
    let dy = a4 + d.powi(3) / (4.0 * x * y * y);
    dx / dy
}

/// Token1 per token0 at a bAMM state: `(α/β)·(y/x)^t` (docs/design.md §11).
fn bamm_spot(x: f64, y: f64, alpha: f64, t: f64) -> f64 {
    alpha / (1.0 - alpha) * (y / x).powf(t)
}

// ---- Finding 1: markets open at the pool's price on their own curve ----

#[motsu::test]
fn markets_open_at_the_pools_price_on_their_own_curve(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    priced_at_four(&pool, &t0, &t1);
    let half = WAD / U256::from(2);
    let bamm = register(&pool, OPERATOR, kind::BAMM, half, half, half, WAD);
    let stable = register(
        &pool,
        OPERATOR,
        kind::STABLE_SWAP,
        U256::from(100),
        U256::ZERO,
        WAD / U256::from(4),
        WAD,
    );
    let b = state_of(&pool, bamm);
    let s = state_of(&pool, stable);
    // Inside each allocation: w·(X̄, Ȳ).
    assert!(b.x <= e18(500) && b.y <= e18(2000), "{b:?}");
    assert!(s.x <= e18(250) && s.y <= e18(1000), "{s:?}");
    let b_price = bamm_spot(float(b.x), float(b.y), 0.5, 0.5);
    let s_price = stable_spot(float(s.x), float(s.y), 100.0);
    assert!((b_price - 4.0).abs() < 1e-9, "bAMM opens at {b_price}");
    assert!(
        (s_price - 4.0).abs() < 1e-9,
        "StableSwap opens at {s_price}"
    );
    // What registration committed before: w·(X̄, Ȳ), the pool's ratio, which
    // prices 2 on this bAMM and about 1.03 on this StableSwap.
    assert!((bamm_spot(500.0, 2000.0, 0.5, 0.5) - 2.0).abs() < 1e-12);
    assert!(stable_spot(250.0, 1000.0, 100.0) < 1.1);
}

#[motsu::test]
fn the_first_batch_cannot_buy_token0_below_the_pools_price(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    priced_at_four(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], OPERATOR, e18(10_000));
    let half = WAD / U256::from(2);
    let bamm = register(&pool, OPERATOR, kind::BAMM, half, half, half, WAD);
    // The audit's trade: a thousandth of the market's token0 at 2.01 token1
    // each, just above the spot price the old first state quoted.
    let start = state_of(&pool, bamm);
    let bought = start.x / U256::from(1000);
    let paid = bought * U256::from(201) / U256::from(100);
    let before = books(&pool, [&t0, &t1], OPERATOR);
    assert_eq!(
        settle(
            &pool,
            bamm,
            (start.x - bought, start.y + paid),
            (U256::ZERO, U256::ZERO),
            U256::ZERO
        ),
        Err(CurveViolated {}.into())
    );
    assert_eq!(books(&pool, [&t0, &t1], OPERATOR), before);
}

#[motsu::test]
fn a_resumed_market_reopens_at_the_new_price_on_its_curve(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    priced_at_four(&pool, &t0, &t1);
    let half = WAD / U256::from(2);
    let bamm = register(&pool, OPERATOR, kind::BAMM, half, half, half, WAD);
    pool.sender(OWNER)
        .set_market_active(bamm, false)
        .motsu_unwrap();
    // An L1 swap moves the pool's price while the market is paused.
    fund(&pool, [&t0, &t1], DAVE, e18(1000));
    pool.sender(DAVE)
        .swap_exact_in(true, e18(100), U256::ZERO, DAVE, LATER)
        .motsu_unwrap();
    pool.sender(OWNER)
        .set_market_active(bamm, true)
        .motsu_unwrap();
    execute_when_due(&pool, pool.sender(OWNER).change_count() - 1);
    let (x, y, _, _) = pool.sender(OWNER).reserves();
    let price = float(y) / float(x);
    assert!(price < 3.5, "the swap moved the price to {price}");
    let b = state_of(&pool, bamm);
    let spot = bamm_spot(float(b.x), float(b.y), 0.5, 0.5);
    assert!((spot / price - 1.0).abs() < 1e-9, "{spot} vs {price}");
}

/// The review's finding on the fix: a resumed market's fresh state already
/// sees the locks made while it was paused, so it does not hold them up.
#[motsu::test]
fn a_resumed_market_counts_as_settled_for_locks_made_while_paused(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    balanced(&pool, &t0, &t1);
    let id = register(
        &pool,
        OPERATOR,
        kind::CONSTANT_PRODUCT,
        U256::ZERO,
        U256::ZERO,
        WAD,
        WAD,
    );
    let (acp, grace) = {
        let p = pool.sender(OWNER).parameters();
        (p.3, p.4)
    };
    let start = now();
    pool.sender(OWNER)
        .set_market_active(id, true)
        .motsu_unwrap();
    let resume = pool.sender(OWNER).change_count() - 1;
    pool.sender(OWNER)
        .set_market_active(id, false)
        .motsu_unwrap();
    // Carol locks while it is paused; the resume runs before her ACP ends.
    test_clock::set(start + grace + 1);
    let claim = pool
        .sender(CAROL)
        .lock_withdrawal(e18(1), U256::ZERO, U256::ZERO, CAROL, LATER)
        .motsu_unwrap();
    execute_when_due(&pool, resume);
    assert_eq!(now(), start + acp + grace);
    // At the end of her ACP, well before the fallback, she is paid.
    test_clock::set(start + grace + 1 + acp);
    pool.sender(CAROL).complete_withdrawal(claim).motsu_unwrap();
}

// ---- Finding 2: a StableSwap market can always be judged again ----

#[motsu::test]
fn an_imbalanced_stableswap_market_still_settles_and_exits(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    balanced(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], OPERATOR, e18(1000));
    let amp = U256::from(10);
    let id = register(
        &pool,
        OPERATOR,
        kind::STABLE_SWAP,
        amp,
        U256::ZERO,
        WAD / U256::from(1000),
        WAD,
    );
    // L2 LPs join, so that the market has shares to exit with later.
    let start = state_of(&pool, id);
    settle(&pool, id, (start.x, start.y), (e18(1), e18(1)), U256::ZERO).unwrap();
    let shares = pool.sender(OWNER).market(id).motsu_unwrap().11;
    assert!(!shares.is_zero());
    // The audit's move: about 100.5 token0 in for about 1 token1 out, a
    // valid curve move (the least y that keeps D) to a 10^7 : 1 state.
    let start = state_of(&pool, id);
    let d = stable::d_ceil(start.x, start.y, amp).unwrap();
    let end_x = start.x * U256::from(1015) / U256::from(10);
    let end_y = stable::y_min(end_x, d, amp).unwrap();
    assert!(end_x / end_y >= U256::from(10_000_000), "{end_x} : {end_y}");
    settle(
        &pool,
        id,
        (end_x, end_y),
        (U256::ZERO, U256::ZERO),
        U256::ZERO,
    )
    .unwrap();
    // Its next checkpoints are judged: the L2 LPs exit, then users trade
    // back toward balance.
    let now = state_of(&pool, id);
    settle(&pool, id, (now.x, now.y), (U256::ZERO, U256::ZERO), shares).unwrap();
    let now = state_of(&pool, id);
    let d = stable::d_ceil(now.x, now.y, amp).unwrap();
    let back_x = now.x / U256::from(10);
    let back_y = stable::y_min(back_x, d, amp).unwrap() + U256::from(1);
    settle(
        &pool,
        id,
        (back_x, back_y),
        (U256::ZERO, U256::ZERO),
        U256::ZERO,
    )
    .unwrap();
    assert_eq!(pool.sender(OWNER).market(id).motsu_unwrap().11, U256::ZERO);
}

// ---- Finding 3: the owner's value-moving changes wait in a timelock ----

#[motsu::test]
fn in_setup_only_the_owner_deposits_and_its_changes_apply_at_once(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    construct(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], OWNER, e18(1000));
    fund(&pool, [&t0, &t1], DAVE, e18(1000));
    assert!(!pool.sender(DAVE).is_live());
    let before = books(&pool, [&t0, &t1], DAVE);
    assert_eq!(
        pool.sender(DAVE)
            .deposit(e18(1), e18(1), U256::ZERO, DAVE, LATER)
            .motsu_res(),
        Err(NotLive {}.into())
    );
    assert_eq!(books(&pool, [&t0, &t1], DAVE), before);
    pool.sender(OWNER)
        .deposit(e18(100), e18(100), U256::ZERO, OWNER, LATER)
        .motsu_unwrap();
    // The owner's changes apply at once: only its own liquidity is here.
    pool.sender(OWNER)
        .set_parameter(param::HF_MIN, WAD / U256::from(2))
        .motsu_unwrap();
    pool.assert_emitted(&ParameterSet {
        id: param::HF_MIN,
        value: WAD / U256::from(2),
    });
    assert_eq!(pool.sender(OWNER).parameters().0, WAD / U256::from(2));
    assert_eq!(pool.sender(OWNER).change_count(), 0);
    // So no L2 LP may join a market yet either.
    let id = pool
        .sender(OWNER)
        .register_market(
            OPERATOR,
            kind::CONSTANT_PRODUCT,
            U256::ZERO,
            U256::ZERO,
            WAD,
            WAD,
        )
        .motsu_unwrap();
    assert_eq!(pool.sender(OWNER).market_count(), 1);
    fund(&pool, [&t0, &t1], OPERATOR, e18(10));
    let start = state_of(&pool, id);
    let before = books(&pool, [&t0, &t1], OPERATOR);
    assert_eq!(
        settle(&pool, id, (start.x, start.y), (e18(1), e18(1)), U256::ZERO),
        Err(NotLive {}.into())
    );
    assert_eq!(books(&pool, [&t0, &t1], OPERATOR), before);

    assert_eq!(
        pool.sender(MALLORY).go_live().motsu_res(),
        Err(Unauthorized { caller: MALLORY }.into())
    );
    pool.sender(OWNER).go_live().motsu_unwrap();
    pool.assert_emitted(&WentLive {});
    assert!(pool.sender(DAVE).is_live());
    pool.sender(DAVE)
        .deposit(e18(1), e18(1), U256::ZERO, DAVE, LATER)
        .motsu_unwrap();
}

/// The audit's attack: floors to 0.5, no buffer, and an External market for
/// an accomplice, all in one block. Once live, each waits ACP + grace, and an
/// LP who locks when the first is queued is paid in full before any applies.
#[motsu::test]
fn the_owner_cannot_drain_the_pool_in_one_block(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    balanced(&pool, &t0, &t1);
    test_clock::set(2_000_000_000);
    let (acp, grace) = {
        let p = pool.sender(OWNER).parameters();
        (p.3, p.4)
    };
    let due = 2_000_000_000 + acp + grace;
    let half = WAD / U256::from(2);
    let calls = [
        setParameterCall {
            id: param::HF_MIN,
            value: half,
        }
        .abi_encode(),
        setParameterCall {
            id: param::EXTERNAL_HF_MIN,
            value: half,
        }
        .abi_encode(),
        setParameterCall {
            id: param::BUFFER,
            value: U256::ZERO,
        }
        .abi_encode(),
        registerMarketCall {
            operator: MALLORY,
            kind: kind::EXTERNAL,
            paramA: U256::ZERO,
            paramB: U256::ZERO,
            weight: WAD,
            feeScale: WAD,
        }
        .abi_encode(),
    ];
    let parameters = pool.sender(OWNER).parameters();
    pool.sender(OWNER)
        .set_parameter(param::HF_MIN, half)
        .motsu_unwrap();
    pool.sender(OWNER)
        .set_parameter(param::EXTERNAL_HF_MIN, half)
        .motsu_unwrap();
    pool.sender(OWNER)
        .set_parameter(param::BUFFER, U256::ZERO)
        .motsu_unwrap();
    let queued = pool
        .sender(OWNER)
        .register_market(MALLORY, kind::EXTERNAL, U256::ZERO, U256::ZERO, WAD, WAD)
        .motsu_unwrap();
    assert_eq!(queued, 3, "registerMarket returns the change's id");
    for (id, call) in (0u64..).zip(&calls) {
        pool.assert_emitted(&ChangeQueued {
            id,
            due: U256::from(due),
            call: call.clone().into(),
        });
        let (at, st, bytes) = pool.sender(DAVE).change(id).motsu_unwrap();
        assert_eq!((at, st, bytes.to_vec()), (due, state::QUEUED, call.clone()));
    }
    // Nothing applied: same parameters, no market.
    assert_eq!(pool.sender(OWNER).parameters(), parameters);
    assert_eq!(pool.sender(OWNER).market_count(), 0);

    // Carol sees the queue and leaves with all her shares.
    let shares = pool.sender(CAROL).balance_of(CAROL);
    let claim = pool
        .sender(CAROL)
        .lock_withdrawal(shares, U256::ZERO, U256::ZERO, CAROL, LATER)
        .motsu_unwrap();
    let owed = pool.sender(CAROL).withdrawal(claim).motsu_unwrap();
    assert!(owed.5 <= due, "her fallback comes no later than the change");

    // One second early, every change is refused and nothing moves.
    test_clock::set(due - 1);
    let before = books(&pool, [&t0, &t1], MALLORY);
    for id in 0..4 {
        assert_eq!(
            pool.sender(OWNER).execute_change(id).motsu_res(),
            Err(TimelockPending {
                id,
                due: U256::from(due)
            }
            .into())
        );
    }
    assert_eq!(books(&pool, [&t0, &t1], MALLORY), before);

    // When due, Carol is paid, and the owner runs the changes: nobody else
    // may, since whoever picks the moment a market opens could skew its
    // price just before.
    test_clock::set(due);
    let paid = balances([&t0, &t1], CAROL);
    pool.sender(CAROL).complete_withdrawal(claim).motsu_unwrap();
    assert_eq!(
        balances([&t0, &t1], CAROL),
        (paid.0 + owed.2, paid.1 + owed.3)
    );
    assert_eq!(
        pool.sender(MALLORY).execute_change(3).motsu_res(),
        Err(Unauthorized { caller: MALLORY }.into())
    );
    for id in 0..4 {
        pool.sender(OWNER).execute_change(id).motsu_unwrap();
        pool.assert_emitted(&ChangeExecuted {
            id,
            due: U256::from(due),
            call: calls[usize::try_from(id).unwrap()].clone().into(),
        });
        assert_eq!(
            pool.sender(DAVE).change(id).motsu_unwrap().1,
            state::EXECUTED
        );
    }
    assert_eq!(pool.sender(OWNER).parameters().0, half);
    assert_eq!(pool.sender(OWNER).market_count(), 1);
    // A change runs once.
    assert_eq!(
        pool.sender(OWNER).execute_change(0).motsu_res(),
        Err(UnknownChange { id: 0 }.into())
    );
}

#[motsu::test]
fn a_change_not_run_within_its_window_expires(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    balanced(&pool, &t0, &t1);
    pool.sender(OWNER)
        .set_parameter(param::HF_MIN, WAD / U256::from(2))
        .motsu_unwrap();
    let (due, _, _) = pool.sender(OWNER).change(0).motsu_unwrap();
    let expired_at = due + damm::timelock::WINDOW;
    test_clock::set(expired_at);
    let before = pool.sender(OWNER).parameters();
    assert_eq!(
        pool.sender(OWNER).execute_change(0).motsu_res(),
        Err(ChangeExpired {
            id: 0,
            expiredAt: U256::from(expired_at)
        }
        .into())
    );
    assert_eq!(pool.sender(OWNER).parameters(), before);
    // One second earlier it would still have run.
    test_clock::set(expired_at - 1);
    pool.sender(OWNER).execute_change(0).motsu_unwrap();
    assert_eq!(pool.sender(OWNER).parameters().0, WAD / U256::from(2));
}

#[motsu::test]
fn the_owner_may_cancel_a_queued_change_and_pauses_stay_immediate(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    balanced(&pool, &t0, &t1);
    let id = register(
        &pool,
        OPERATOR,
        kind::CONSTANT_PRODUCT,
        U256::ZERO,
        U256::ZERO,
        WAD,
        WAD,
    );
    pool.sender(OWNER).set_operator(id, MALLORY).motsu_unwrap();
    let change = pool.sender(OWNER).change_count() - 1;
    assert_eq!(
        pool.sender(MALLORY).cancel_change(change).motsu_res(),
        Err(Unauthorized { caller: MALLORY }.into())
    );
    let (due, _, call) = pool.sender(OWNER).change(change).motsu_unwrap();
    pool.sender(OWNER).cancel_change(change).motsu_unwrap();
    pool.assert_emitted(&ChangeCancelled {
        id: change,
        due: U256::from(due),
        call: call.to_vec().into(),
    });
    assert_eq!(
        pool.sender(OWNER).change(change).motsu_unwrap().1,
        state::CANCELLED
    );
    test_clock::set(now() + 30 * 86_400);
    assert_eq!(
        pool.sender(OWNER).execute_change(change).motsu_res(),
        Err(UnknownChange { id: change }.into())
    );
    assert_eq!(
        pool.sender(OWNER).cancel_change(change).motsu_res(),
        Err(UnknownChange { id: change }.into())
    );
    assert_eq!(
        pool.sender(OWNER).execute_change(99).motsu_res(),
        Err(UnknownChange { id: 99 }.into())
    );
    assert_eq!(pool.sender(OWNER).market(id).motsu_unwrap().0, OPERATOR);

    // Pauses only stop things, so they apply at once, live or not.
    pool.sender(OWNER)
        .set_market_active(id, false)
        .motsu_unwrap();
    assert_eq!(
        pool.sender(OWNER).market(id).motsu_unwrap().2,
        damm::markets::status::PAUSED
    );
    pool.sender(OWNER).set_paused(true).motsu_unwrap();
    assert!(pool.sender(OWNER).parameters().7);
    // A resume gives the operator its power back: it waits like a change.
    pool.sender(OWNER)
        .set_market_active(id, true)
        .motsu_unwrap();
    let resume = pool.sender(OWNER).change_count() - 1;
    assert_eq!(
        pool.sender(OWNER).market(id).motsu_unwrap().2,
        damm::markets::status::PAUSED
    );
    execute_when_due(&pool, resume);
    assert_eq!(
        pool.sender(OWNER).market(id).motsu_unwrap().2,
        damm::markets::status::ACTIVE
    );
}

#[motsu::test]
fn a_queued_change_is_checked_again_when_it_runs(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    balanced(&pool, &t0, &t1);
    // Out of range: refused when queued, so nothing is queued. Curve
    // parameters are stored in 128 bits, so a larger one is out of range
    // even for a curve that ignores it.
    let wide = U256::from(u128::MAX) + U256::from(1);
    assert_eq!(
        pool.sender(OWNER)
            .register_market(OPERATOR, kind::CONSTANT_PRODUCT, wide, U256::ZERO, WAD, WAD)
            .motsu_res(),
        Err(ParameterOutOfRange {
            id: damm::governance::param::CURVE,
            value: wide
        }
        .into())
    );
    assert_eq!(
        pool.sender(OWNER)
            .set_parameter(param::HF_MIN, U256::ZERO)
            .motsu_res(),
        Err(ParameterOutOfRange {
            id: param::HF_MIN,
            value: U256::ZERO
        }
        .into())
    );
    assert_eq!(pool.sender(OWNER).change_count(), 0);
    // A registration queued while there was room is refused when it runs
    // if the cap has been reached by then, and stays queued: the whole
    // execution reverts.
    let id = register(
        &pool,
        OPERATOR,
        kind::CONSTANT_PRODUCT,
        U256::ZERO,
        U256::ZERO,
        WAD,
        WAD,
    );
    let queue = || {
        pool.sender(OWNER)
            .register_market(
                OPERATOR,
                kind::CONSTANT_PRODUCT,
                U256::ZERO,
                U256::ZERO,
                WAD,
                WAD,
            )
            .motsu_unwrap()
    };
    // 31 more fill the 32 places; one beyond them is queued too.
    let queued: Vec<u64> = (0..32).map(|_| queue()).collect();
    let (cap, extra) = (queued[30], queued[31]);
    execute_when_due(&pool, cap);
    for change in 1..cap {
        pool.sender(OWNER).execute_change(change).motsu_unwrap();
    }
    assert_eq!(pool.sender(OWNER).market_count(), 32);
    assert_eq!(
        pool.sender(OWNER).execute_change(extra).motsu_res(),
        Err(TooManyMarkets {}.into())
    );
    assert_eq!(
        pool.sender(OWNER).change(extra).motsu_unwrap().1,
        state::QUEUED
    );
    // Retiring one frees a place (finding 8), and the change then runs.
    pool.sender(OWNER).retire_market(id).motsu_unwrap();
    pool.sender(OWNER).execute_change(extra).motsu_unwrap();
    assert_eq!(pool.sender(OWNER).market_count(), 33);
}

// ---- Finding 4: External markets are bounded per checkpoint and per day ----

#[motsu::test]
fn an_external_checkpoint_pays_at_most_its_cap_and_a_day_at_most_the_daily_cap(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    balanced(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], OPERATOR, e18(1000));
    let ext = register(
        &pool,
        OPERATOR,
        kind::EXTERNAL,
        U256::ZERO,
        U256::ZERO,
        WAD,
        WAD,
    );
    // The defaults: 1 % of the free balance per checkpoint, 5 % a day.
    assert_eq!(
        pool.sender(OWNER).external_caps(),
        (WAD / U256::from(100), WAD / U256::from(20))
    );
    test_clock::set(2_000_000_000);
    // Pays `out` token0 for as much token1 in (value kept, so HF holds).
    let pay = |out: U256| {
        let m = state_of(&pool, ext);
        settle(
            &pool,
            ext,
            (m.x - out, m.y + out),
            (U256::ZERO, U256::ZERO),
            U256::ZERO,
        )
    };
    // 1 % of 1000 is 10: one wei more is refused, nothing moved.
    let before = books(&pool, [&t0, &t1], OPERATOR);
    assert_eq!(
        pay(e18(10) + U256::from(1)),
        Err(AllocationExceeded {
            amount: e18(10) + U256::from(1),
            limit: e18(10)
        }
        .into())
    );
    assert_eq!(books(&pool, [&t0, &t1], OPERATOR), before);
    // Four checkpoints at the cap, each 1 % of what is then free:
    // 10, 9.9, 9.801, 9.70299, together 39.40399.
    for out in [
        e18(10),
        U256::from(9_900_000_000_000_000_000u128),
        U256::from(9_801_000_000_000_000_000u128),
        U256::from(9_702_990_000_000_000_000u128),
    ] {
        pay(out).unwrap();
    }
    // Then 5 % of the 960.59601 free is 48.0298005, of which 8.6258105 is
    // left today: the next 1 % (9.6059601) is refused.
    let before = books(&pool, [&t0, &t1], OPERATOR);
    let next = U256::from(9_605_960_100_000_000_000u128);
    assert_eq!(
        pay(next),
        Err(DailyCapExceeded {
            amount: next,
            limit: U256::from(8_625_810_500_000_000_000u128)
        }
        .into())
    );
    assert_eq!(books(&pool, [&t0, &t1], OPERATOR), before);
    // The next UTC day starts afresh.
    test_clock::set((2_000_000_000 / 86_400 + 1) * 86_400);
    pay(next).unwrap();
    // The daily book does not leak into the market's curve parameters.
    let m = pool.sender(OWNER).market(ext).motsu_unwrap();
    assert_eq!((m.3, m.4), (U256::ZERO, U256::ZERO));
}

#[motsu::test]
fn the_external_caps_are_bounded_parameters(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    construct(&pool, &t0, &t1);
    set_parameter(&pool, param::EXTERNAL_MAX_OUT, WAD / U256::from(10));
    set_parameter(&pool, param::EXTERNAL_DAILY_OUT, WAD / U256::from(4));
    assert_eq!(
        pool.sender(OWNER).external_caps(),
        (WAD / U256::from(10), WAD / U256::from(4))
    );
    for (id, value) in [
        (
            param::EXTERNAL_MAX_OUT,
            WAD / U256::from(10) + U256::from(1),
        ),
        (
            param::EXTERNAL_DAILY_OUT,
            WAD / U256::from(4) + U256::from(1),
        ),
    ] {
        assert_eq!(
            pool.sender(OWNER).set_parameter(id, value).motsu_res(),
            Err(ParameterOutOfRange { id, value }.into())
        );
    }
}

// ---- Finding 5: the weight bounds every payout, on today's free balances ----

#[motsu::test]
fn a_market_is_paid_at_most_its_weight_of_the_free_balance(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    balanced(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], OPERATOR, e18(10_000));
    let id = register(
        &pool,
        OPERATOR,
        kind::CONSTANT_PRODUCT,
        U256::ZERO,
        U256::ZERO,
        WAD / U256::from(20),
        WAD,
    );
    assert_eq!(state_of(&pool, id), VirtualState::new(e18(50), e18(50)));
    // Carol locks 90 % of the pool: 100 of each token stay free, and the
    // market's committed 50 : 50 is ten times w·X̄ = 5.
    let locked = e18(900);
    assert!(pool.sender(CAROL).balance_of(CAROL) > locked);
    pool.sender(CAROL)
        .lock_withdrawal(locked, U256::ZERO, U256::ZERO, CAROL, LATER)
        .motsu_unwrap();
    let (x, _, rx, _) = pool.sender(OWNER).reserves();
    assert_eq!(x - rx, e18(100));
    // 10 token0 out on a valid constant-product move, 50 · 50 = 40 · 62.5:
    // above 5 % of the 100 free.
    let end = (e18(40), e18(125) / U256::from(2));
    let before = books(&pool, [&t0, &t1], OPERATOR);
    assert_eq!(
        settle(&pool, id, end, (U256::ZERO, U256::ZERO), U256::ZERO),
        Err(AllocationExceeded {
            amount: e18(10),
            limit: e18(5)
        }
        .into())
    );
    assert_eq!(books(&pool, [&t0, &t1], OPERATOR), before);
}

// ---- Finding 6: L2 shares leave without a checkpoint; payees are fixed ----

#[motsu::test]
fn l2_shares_of_a_paused_market_leave_through_their_operators_lock(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    balanced(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], OPERATOR, e18(1000));
    let id = register(
        &pool,
        OPERATOR,
        kind::CONSTANT_PRODUCT,
        U256::ZERO,
        U256::ZERO,
        WAD,
        WAD,
    );
    let start = state_of(&pool, id);
    settle(
        &pool,
        id,
        (start.x, start.y),
        (e18(100), e18(100)),
        U256::ZERO,
    )
    .unwrap();
    let shares = pool.sender(OWNER).market(id).motsu_unwrap().11;
    // Paused, the market cannot settle; its operator, who pays the L2 LPs,
    // locks their exit instead. Nobody else may, paused or not.
    let before = books(&pool, [&t0, &t1], OPERATOR);
    for paused in [false, true] {
        if paused {
            pool.sender(OWNER)
                .set_market_active(id, false)
                .motsu_unwrap();
        }
        assert_eq!(
            pool.sender(MALLORY)
                .lock_market_shares(id, shares, U256::ZERO, U256::ZERO)
                .motsu_res(),
            Err(Unauthorized { caller: MALLORY }.into())
        );
    }
    for (shares, min0, error) in [
        (U256::ZERO, U256::ZERO, ZeroAmount {}.into()),
        (
            shares + U256::from(1),
            U256::ZERO,
            InsufficientBalance {
                balance: shares,
                needed: shares + U256::from(1),
            }
            .into(),
        ),
        (
            shares,
            e18(101),
            SlippageExceeded {
                amount: e18(100),
                limit: e18(101),
            }
            .into(),
        ),
    ] {
        let result: Result<u64, Error> = pool
            .sender(OPERATOR)
            .lock_market_shares(id, shares, min0, U256::ZERO)
            .motsu_res();
        assert_eq!(result, Err(error));
    }
    assert_eq!(books(&pool, [&t0, &t1], OPERATOR), before);
    let claim = pool
        .sender(OPERATOR)
        .lock_market_shares(id, shares, U256::ZERO, U256::ZERO)
        .motsu_unwrap();
    pool.assert_emitted(&MarketShares {
        market: id,
        minted: U256::ZERO,
        exited: shares,
    });
    // The L2 LPs' share of the pool: 100 of each token (joined at 1 : 1).
    let w = pool.sender(OWNER).withdrawal(claim).motsu_unwrap();
    assert_eq!((w.0, w.1, w.2, w.3), (OPERATOR, id, e18(100), e18(100)));
    // Rotating the operator afterwards does not redirect the exit.
    set_operator(&pool, id, DAVE);
    test_clock::set(now().max(w.4));
    let paid = balances([&t0, &t1], OPERATOR);
    pool.sender(MALLORY)
        .complete_withdrawal(claim)
        .motsu_unwrap();
    assert_eq!(
        balances([&t0, &t1], OPERATOR),
        (paid.0 + e18(100), paid.1 + e18(100))
    );
    // Empty and with no exit pending, it may retire.
    pool.sender(OWNER).retire_market(id).motsu_unwrap();
}

#[motsu::test]
fn a_payee_a_token_blocks_can_redirect_its_claim(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    let claim = pool
        .sender(CAROL)
        .lock_withdrawal(e18(1), U256::ZERO, U256::ZERO, CAROL, LATER)
        .motsu_unwrap();
    let w = pool.sender(CAROL).withdrawal(claim).motsu_unwrap();
    test_clock::set(now().max(w.5));
    // token1 blocks Carol: the completion reverts and nothing moves.
    t1.sender(OWNER).set_mode(BLOCKLIST);
    t1.sender(OWNER).set_blocked(CAROL);
    let before = books(&pool, [&t0, &t1], CAROL);
    assert_eq!(
        pool.sender(CAROL).complete_withdrawal(claim).motsu_res(),
        Err(TransferFailed {
            token: t1.address()
        }
        .into())
    );
    // Only the payee may redirect, and never to the zero address.
    assert_eq!(
        pool.sender(MALLORY)
            .redirect_withdrawal(claim, MALLORY)
            .motsu_res(),
        Err(NotPayee { id: claim }.into())
    );
    assert_eq!(
        pool.sender(CAROL)
            .redirect_withdrawal(claim, Address::ZERO)
            .motsu_res(),
        Err(InvalidAddress {
            account: Address::ZERO
        }
        .into())
    );
    assert_eq!(books(&pool, [&t0, &t1], CAROL), before);
    pool.sender(CAROL)
        .redirect_withdrawal(claim, DAVE)
        .motsu_unwrap();
    pool.assert_emitted(&WithdrawalRedirected {
        id: claim,
        payee: DAVE,
    });
    pool.sender(MALLORY)
        .complete_withdrawal(claim)
        .motsu_unwrap();
    assert_eq!(balances([&t0, &t1], DAVE), (w.2, w.3));
}

// ---- Finding 7: any maximum works as a deposit limit ----

#[motsu::test]
fn a_deposit_maximum_of_uint256_max_is_just_a_limit(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], DAVE, e18(1_000_000));
    // T > X̄ here (4219e18 shares for 100e18 token0), as the finding needs.
    let supply = pool.sender(DAVE).total_supply();
    assert!(supply > e18(100));
    for (max0, max1) in [(e18(1), U256::MAX), (U256::MAX, e18(1780))] {
        let (x, y, _, _) = pool.sender(DAVE).reserves();
        let supply = pool.sender(DAVE).total_supply();
        let (shares, used0, used1) = pool
            .sender(DAVE)
            .deposit(max0, max1, U256::ZERO, DAVE, LATER)
            .motsu_unwrap();
        // By hand: the finite side binds, ℓ = ⌊a·T/R⌋, amounts ⌈ℓ·R/T⌉.
        let expected = if max0 == U256::MAX {
            e18(1780) * supply / y
        } else {
            e18(1) * supply / x
        };
        assert_eq!(shares, expected);
        assert_eq!(used0, (shares * x).div_ceil(supply));
        assert_eq!(used1, (shares * y).div_ceil(supply));
    }
}

// ---- Finding 8: an overflow is reported as one ----

#[motsu::test]
fn an_overflowing_net_order_is_an_arithmetic_overflow(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    balanced(&pool, &t0, &t1);
    let ext = register(
        &pool,
        OPERATOR,
        kind::EXTERNAL,
        U256::ZERO,
        U256::ZERO,
        WAD / U256::from(2),
        WAD,
    );
    // 2^256 − 1 − 500e18 token0 in, on a pool that holds 1000e18 of it.
    let before = books(&pool, [&t0, &t1], OPERATOR);
    assert_eq!(
        settle(
            &pool,
            ext,
            (U256::MAX, e18(500)),
            (U256::ZERO, U256::ZERO),
            U256::ZERO
        ),
        Err(ArithmeticOverflow {}.into())
    );
    assert_eq!(books(&pool, [&t0, &t1], OPERATOR), before);
}
