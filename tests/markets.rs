//! Markets and checkpoints through motsu: the seeds' scenarios (docs/design.md §13),
//! the refusals, L2 joins and exits, and withdrawals waiting on markets.

mod common;

use alloy_primitives::{Address, FixedBytes, I256, U256};
use common::*;
use damm::errors::*;
use damm::events::{Checkpoint, MarketRegistered};
use damm::governance::param;
use damm::guard::test_clock;
use damm::markets::kind;
use damm::Damm;
use damm_math::batch::{Batch, CurvePricing};
use damm_math::{update, Curve, Direction, VirtualState};
use damm_test_token::TestToken;
use motsu::prelude::*;

const WAD: U256 = damm_math::arith::WAD;

fn state(pool: &Contract<Damm>, id: u64) -> VirtualState {
    let m = pool.sender(OWNER).market(id).motsu_unwrap();
    VirtualState::new(m.8, m.9)
}

/// Registers a full-weight constant-product market.
fn register_cp(pool: &Contract<Damm>, operator: Address) -> u64 {
    register(
        pool,
        operator,
        kind::CONSTANT_PRODUCT,
        U256::ZERO,
        U256::ZERO,
        WAD,
        WAD,
    )
}

/// Settles `end` for `market` as its next batch.
fn settle(
    pool: &Contract<Damm>,
    market: u64,
    start: VirtualState,
    end: VirtualState,
) -> Result<(), Error> {
    let batch = pool.sender(OWNER).market(market).motsu_unwrap().7 + 1;
    pool.sender(OPERATOR)
        .checkpoint(
            market,
            batch,
            start.x,
            start.y,
            end.x,
            end.y,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            FixedBytes::ZERO,
        )
        .motsu_res()
}

#[motsu::test]
fn registering_commits_the_pools_price_into_the_allocation(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    let half = WAD / U256::from(2);
    let id = register(
        &pool,
        OPERATOR,
        kind::CONSTANT_PRODUCT,
        U256::ZERO,
        U256::ZERO,
        half,
        WAD / U256::from(4),
    );
    assert_eq!(id, 0);
    // w = 1/2 of 100 ETH / 178,000 DAI at the pool's own price.
    assert_eq!(state(&pool, id), VirtualState::new(e18(50), e18(89_000)));
    pool.assert_emitted(&MarketRegistered {
        id,
        operator: OPERATOR,
        kind: kind::CONSTANT_PRODUCT,
        paramA: U256::ZERO,
        paramB: U256::ZERO,
        weight: half,
        feeScale: WAD / U256::from(4),
        x: e18(50),
        y: e18(89_000),
    });
    assert_eq!(pool.sender(OWNER).market_count(), 1);

    let err = pool
        .sender(MALLORY)
        .register_market(
            MALLORY,
            kind::CONSTANT_PRODUCT,
            U256::ZERO,
            U256::ZERO,
            WAD,
            WAD,
        )
        .motsu_unwrap_err();
    assert_eq!(err, Unauthorized { caller: MALLORY }.into());
    let err = pool
        .sender(OWNER)
        .register_market(OPERATOR, 9, U256::ZERO, U256::ZERO, WAD, WAD)
        .motsu_unwrap_err();
    assert_eq!(
        err,
        ParameterOutOfRange {
            id: param::KIND,
            value: U256::from(9)
        }
        .into()
    );
    let err = pool
        .sender(OWNER)
        .register_market(
            OPERATOR,
            kind::STABLE_SWAP,
            U256::ZERO,
            U256::ZERO,
            WAD,
            WAD,
        )
        .motsu_unwrap_err();
    assert_eq!(
        err,
        ParameterOutOfRange {
            id: param::CURVE,
            value: U256::ZERO
        }
        .into()
    );
    let err = pool
        .sender(OWNER)
        .register_market(
            OPERATOR,
            kind::CONSTANT_PRODUCT,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            WAD,
        )
        .motsu_unwrap_err();
    assert_eq!(
        err,
        ParameterOutOfRange {
            id: param::WEIGHT,
            value: U256::ZERO
        }
        .into()
    );
    let err = pool
        .sender(OWNER)
        .register_market(
            Address::ZERO,
            kind::CONSTANT_PRODUCT,
            U256::ZERO,
            U256::ZERO,
            WAD,
            WAD,
        )
        .motsu_unwrap_err();
    assert_eq!(
        err,
        InvalidAddress {
            account: Address::ZERO
        }
        .into()
    );
    assert_eq!(pool.sender(OWNER).market_count(), 1);
}

/// Example 2 on chain: Alice buys 0.1 ETH and Bob sells 0.2 ETH in one L2
/// batch; the operator settles one net order (0.1 ETH in, 177.82 DAI out).
/// The seed's rounded quotes would lower k and are refused, moving nothing.
#[motsu::test]
fn example_2_settles_as_one_net_order(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    let id = register_cp(&pool, OPERATOR);
    fund(&pool, [&t0, &t1], OPERATOR, e18(10));
    let start = state(&pool, id);
    assert_eq!(start, VirtualState::new(e18(100), e18(178_000)));

    // The operator's side: the same damm-math the contract runs.
    let mut batch = Batch::open(
        start,
        CurvePricing {
            curve: Curve::ConstantProduct,
            fee: U256::ZERO,
        },
    );
    batch
        .quote_exact_out(Direction::OneForZero, milli(100))
        .unwrap();
    batch
        .quote_exact_in(Direction::ZeroForOne, milli(200))
        .unwrap();
    let closed = batch.close();

    // Literal quotes first: refused, nothing moves.
    let literal = VirtualState::new(e18(100) + milli(100), e18(178_000) - e18(178));
    let before = (
        pool.sender(OWNER).reserves(),
        balances([&t0, &t1], OPERATOR),
        state(&pool, id),
    );
    assert_eq!(
        settle(&pool, id, start, literal),
        Err(CurveViolated {}.into())
    );
    assert_eq!(
        (
            pool.sender(OWNER).reserves(),
            balances([&t0, &t1], OPERATOR),
            state(&pool, id)
        ),
        before
    );

    settle(&pool, id, start, closed.end).unwrap();
    // By hand: 178.178…179 DAI in from Alice, 356.000356…356 DAI out to Bob.
    let dai_out = U256::from(177_822_177_822_177_822_177u128);
    assert_eq!(closed.net.amount1_out, dai_out);
    assert_eq!(
        pool.sender(OWNER).reserves(),
        (
            e18(100) + milli(100),
            e18(178_000) - dai_out,
            U256::ZERO,
            U256::ZERO
        )
    );
    assert_eq!(
        balances([&t0, &t1], OPERATOR),
        (e18(10) - milli(100), e18(10) + dai_out)
    );
    let next = update::commit(
        &Curve::ConstantProduct,
        &closed.end,
        e18(100) + milli(100),
        e18(178_000) - dai_out,
        WAD,
    )
    .unwrap();
    assert_eq!(state(&pool, id), next);
    let m = pool.sender(OWNER).market(id).motsu_unwrap();
    assert_eq!(m.7, 1, "batch 1 settled");
    pool.assert_emitted(&Checkpoint {
        market: id,
        batchId: 1,
        // The pool received 0.1 ETH and paid `dai_out` DAI.
        amount0: I256::try_from(milli(100)).unwrap(),
        amount1: -I256::try_from(dai_out).unwrap(),
        x: next.x,
        y: next.y,
        hfAfter: pool.sender(OWNER).health_factor(),
        growth: U256::ZERO,
        commitment: FixedBytes::ZERO,
    });
}

#[motsu::test]
fn an_attacker_a_replay_a_skip_and_a_stale_start_are_refused(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    let id = register_cp(&pool, OPERATOR);
    fund(&pool, [&t0, &t1], OPERATOR, e18(10));
    let start = state(&pool, id);
    let mut batch = Batch::open(
        start,
        CurvePricing {
            curve: Curve::ConstantProduct,
            fee: U256::ZERO,
        },
    );
    batch.quote_exact_in(Direction::ZeroForOne, e18(1)).unwrap();
    let end = batch.close().end;
    let call = |sender: Address, batch_id: u64, from: VirtualState| {
        pool.sender(sender)
            .checkpoint(
                id,
                batch_id,
                from.x,
                from.y,
                end.x,
                end.y,
                U256::ZERO,
                U256::ZERO,
                U256::ZERO,
                FixedBytes::ZERO,
            )
            .motsu_res()
    };
    let before = (
        pool.sender(OWNER).reserves(),
        balances([&t0, &t1], OPERATOR),
    );
    assert_eq!(
        call(MALLORY, 1, start),
        Err(Unauthorized { caller: MALLORY }.into())
    );
    assert_eq!(
        call(OPERATOR, 2, start),
        Err(BadBatchId {
            expected: 1,
            got: 2
        }
        .into())
    );
    let stale = VirtualState::new(start.x + U256::from(1), start.y);
    assert_eq!(
        call(OPERATOR, 1, stale),
        Err(StaleStartState {
            x: start.x,
            y: start.y
        }
        .into())
    );
    assert_eq!(
        (
            pool.sender(OWNER).reserves(),
            balances([&t0, &t1], OPERATOR)
        ),
        before
    );

    call(OPERATOR, 1, start).unwrap();
    let after = (
        pool.sender(OWNER).reserves(),
        balances([&t0, &t1], OPERATOR),
    );
    // Replaying batch 1 (with its old start state) is refused.
    assert_eq!(
        call(OPERATOR, 1, start),
        Err(BadBatchId {
            expected: 2,
            got: 1
        }
        .into())
    );
    // So is batch 2 from the old start: the committed state moved on.
    assert!(matches!(
        call(OPERATOR, 2, start),
        Err(Error::StaleStartState(_))
    ));
    assert_eq!(
        (
            pool.sender(OWNER).reserves(),
            balances([&t0, &t1], OPERATOR)
        ),
        after
    );

    pool.sender(OWNER)
        .set_market_active(id, false)
        .motsu_unwrap();
    let now = state(&pool, id);
    assert_eq!(call(OPERATOR, 2, now), Err(MarketNotActive { id }.into()));
    assert_eq!(
        pool.sender(OPERATOR)
            .checkpoint(
                9,
                1,
                now.x,
                now.y,
                now.x,
                now.y,
                U256::ZERO,
                U256::ZERO,
                U256::ZERO,
                FixedBytes::ZERO
            )
            .motsu_res(),
        Err(UnknownMarket { id: 9 }.into())
    );
}

/// `⌊√(1 − n(n−1)(√r + 1/√r − 2))·1e18⌋` for r = 6/5, in integers (docs/design.md §4).
fn closed_form_hf(n: u64) -> U256 {
    let s = U256::from(10u64).pow(U256::from(36));
    let sqrt_r = damm_math::arith::isqrt(s * s * U256::from(6) / U256::from(5));
    let spread = sqrt_r + s * s / sqrt_r - U256::from(2) * s;
    let hf_squared = s - U256::from(n * (n - 1)) * spread;
    damm_math::arith::isqrt(hf_squared * s) / U256::from(10u64).pow(U256::from(18))
}

/// Example 3, corrected (docs/design.md §13), settled asynchronously on chain: three
/// full-allocation markets on a 1000:1000 pool each follow a 20 % price move;
/// the pool absorbs the three nets with no L1 k check; one L1 arbitrage
/// restores the price. HF then sits at the closed form (plus the L1 fee).
#[motsu::test]
fn example_3_three_markets_settle_asynchronously_then_l1_arbitrage(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    balanced(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], OPERATOR, e18(1000));
    let ids: Vec<u64> = (0..3).map(|_| register_cp(&pool, OPERATOR)).collect();
    let start = VirtualState::new(e18(1000), e18(1000));
    // Each L2's arbitrageur pays y until y/x = 6/5 on its own 1000:1000 state.
    let paid =
        damm_math::arith::isqrt(e18(1000) * e18(1000) * U256::from(6) / U256::from(5)) - e18(1000);
    let mut batch = Batch::open(
        start,
        CurvePricing {
            curve: Curve::ConstantProduct,
            fee: U256::ZERO,
        },
    );
    batch.quote_exact_in(Direction::OneForZero, paid).unwrap();
    let end = batch.close().end;
    let mut hfs = Vec::new();
    for id in ids {
        assert_eq!(
            state(&pool, id),
            start,
            "each market committed before any settled"
        );
        settle(&pool, id, start, end).unwrap();
        hfs.push(pool.sender(OWNER).health_factor());
    }
    let (x, y, _, _) = pool.sender(OWNER).reserves();
    assert!(x > e18(738) && x < e18(739), "the seed's 739");
    assert!(hfs[0] > hfs[1] && hfs[1] > hfs[2]);
    let closed = closed_form_hf(3);
    assert!(
        hfs[2].abs_diff(closed) <= U256::from(1_000_000),
        "HF {} vs closed form {closed}",
        hfs[2]
    );

    // L1 arbitrage: sell x until y/x = 6/5 (the fee keeps a little in the pool).
    fund(&pool, [&t0, &t1], DAVE, e18(1000));
    let target_x = damm_math::arith::isqrt(x * y * U256::from(5) / U256::from(6));
    pool.sender(DAVE)
        .swap_exact_in(true, target_x - x, U256::ZERO, DAVE, LATER)
        .motsu_unwrap();
    let hf = pool.sender(OWNER).health_factor();
    assert!(
        hf > closed && hf - closed < WAD / U256::from(1000),
        "fees only raise HF a little: {hf}"
    );
}

/// The health floor at work: with the floor raised above the pool's HF, a
/// settlement that would lower HF further is refused, and one that raises it
/// is accepted.
#[motsu::test]
fn a_draining_settlement_is_refused_and_an_improving_one_accepted(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    balanced(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], OPERATOR, e18(1000));
    let (a, b, c) = (
        register_cp(&pool, OPERATOR),
        register_cp(&pool, OPERATOR),
        register_cp(&pool, OPERATOR),
    );
    let start = VirtualState::new(e18(1000), e18(1000));
    let trade = |dir: Direction, amount: U256| {
        let mut batch = Batch::open(
            start,
            CurvePricing {
                curve: Curve::ConstantProduct,
                fee: U256::ZERO,
            },
        );
        batch.quote_exact_in(dir, amount).unwrap();
        batch.close().end
    };
    let up = trade(Direction::OneForZero, e18(95));
    settle(&pool, a, start, up).unwrap();
    settle(&pool, b, start, up).unwrap();
    let hf = pool.sender(OWNER).health_factor();
    let floor = hf + U256::from(1);
    set_parameter(&pool, param::HF_MIN, floor);
    let before = (
        pool.sender(OWNER).reserves(),
        balances([&t0, &t1], OPERATOR),
    );
    let Err(Error::HealthTooLow(refusal)) = settle(&pool, c, start, up) else {
        panic!("expected HealthTooLow")
    };
    assert_eq!((refusal.hfBefore, refusal.hfMin), (hf, floor));
    assert!(refusal.hfAfter < hf);
    assert_eq!(
        (
            pool.sender(OWNER).reserves(),
            balances([&t0, &t1], OPERATOR)
        ),
        before
    );
    // Market c's users sold x instead: the pool rebalances, HF rises.
    settle(&pool, c, start, trade(Direction::ZeroForOne, e18(50))).unwrap();
    assert!(pool.sender(OWNER).health_factor() > hf);
}

/// A deposit that lands mid-batch does not disturb the batch: the operator
/// still settles from the state committed before it, and the deposit reaches
/// the market in its next committed state (docs/design.md §8).
#[motsu::test]
fn a_deposit_mid_batch_reaches_the_market_at_the_next_commit(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    let id = register_cp(&pool, OPERATOR);
    fund(&pool, [&t0, &t1], OPERATOR, e18(10));
    let start = state(&pool, id);
    let mut batch = Batch::open(
        start,
        CurvePricing {
            curve: Curve::ConstantProduct,
            fee: U256::ZERO,
        },
    );
    batch.quote_exact_in(Direction::ZeroForOne, e18(1)).unwrap();
    // Dave doubles the pool in the middle of the batch.
    fund(&pool, [&t0, &t1], DAVE, e18(1_000_000));
    pool.sender(DAVE)
        .deposit(e18(100), e18(178_000), U256::ZERO, DAVE, LATER)
        .motsu_unwrap();
    assert_eq!(state(&pool, id), start, "deposits never change V mid-batch");
    batch.quote_exact_in(Direction::ZeroForOne, e18(1)).unwrap();
    let end = batch.close().end;
    settle(&pool, id, start, end).unwrap();
    let (x, y, _, _) = pool.sender(OWNER).reserves();
    let next = state(&pool, id);
    assert_eq!(
        next,
        update::commit(&Curve::ConstantProduct, &end, x, y, WAD).unwrap()
    );
    assert!(next.x > end.x, "the market now uses the deposit too");
}

/// docs/design.md §10: one LP leaves through the ACP once every active market has
/// settled since the lock; another leaves through the fallback while an
/// operator stays silent.
#[motsu::test]
fn withdrawals_wait_for_markets_or_the_fallback(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], DAVE, e18(1_000_000));
    pool.sender(DAVE)
        .deposit(e18(10), e18(17_800), U256::ZERO, DAVE, LATER)
        .motsu_unwrap();
    let (busy, silent) = (register_cp(&pool, OPERATOR), register_cp(&pool, OPERATOR));
    let (acp, grace) = (86_400u64, 3 * 86_400u64);
    // A resume waits ACP + grace in the timelock: queued an hour before the
    // locks, it runs an hour before their fallback.
    test_clock::set(1_900_000_000 - 3600);
    pool.sender(OWNER)
        .set_market_active(silent, true)
        .motsu_unwrap();
    let resume = pool.sender(OWNER).change_count() - 1;
    test_clock::set(1_900_000_000);
    let carol = pool
        .sender(CAROL)
        .lock_withdrawal(e18(1), U256::ZERO, U256::ZERO, CAROL, LATER)
        .motsu_unwrap();
    let dave = pool
        .sender(DAVE)
        .lock_withdrawal(e18(1), U256::ZERO, U256::ZERO, DAVE, LATER)
        .motsu_unwrap();

    test_clock::set(1_900_000_000 + acp);
    // ACP over, but neither market has settled since the locks.
    let fallback_at = U256::from(1_900_000_000 + acp + grace);
    assert_eq!(
        pool.sender(CAROL).complete_withdrawal(carol).motsu_res(),
        Err(WithdrawalNotReady {
            market: busy,
            readyAt: fallback_at
        }
        .into())
    );
    let start = state(&pool, busy);
    settle(&pool, busy, start, start).unwrap();
    assert_eq!(
        pool.sender(CAROL).complete_withdrawal(carol).motsu_res(),
        Err(WithdrawalNotReady {
            market: silent,
            readyAt: fallback_at
        }
        .into())
    );
    // Pausing the silent market takes it out of the count: Carol is served.
    pool.sender(OWNER)
        .set_market_active(silent, false)
        .motsu_unwrap();
    let (owed0, owed1, _) = {
        let w = pool.sender(CAROL).withdrawal(carol).motsu_unwrap();
        (w.2, w.3, w.6)
    };
    assert_eq!(
        pool.sender(CAROL).complete_withdrawal(carol).motsu_unwrap(),
        (owed0, owed1)
    );
    // The silent market comes back: its fresh state already sees Dave's
    // lock, so it counts as settled for it, and Dave is served.
    execute_when_due(&pool, resume);
    let resumed_at = 1_900_000_000 + acp + grace - 3600;
    assert_eq!(common::now(), resumed_at);
    pool.sender(DAVE).complete_withdrawal(dave).motsu_unwrap();
    // Dave's next lock waits for both markets; the silent one never settles.
    let dave = pool
        .sender(DAVE)
        .lock_withdrawal(e18(1), U256::ZERO, U256::ZERO, DAVE, LATER)
        .motsu_unwrap();
    test_clock::set(resumed_at + 1);
    let start = state(&pool, busy);
    settle(&pool, busy, start, start).unwrap();
    test_clock::set(resumed_at + acp);
    let fallback_at = resumed_at + acp + grace;
    assert_eq!(
        pool.sender(DAVE).complete_withdrawal(dave).motsu_res(),
        Err(WithdrawalNotReady {
            market: silent,
            readyAt: U256::from(fallback_at)
        }
        .into())
    );
    // ...and he is paid at ACP + grace although the operator never settled.
    test_clock::set(fallback_at);
    let before = balances([&t0, &t1], DAVE);
    let (paid0, paid1) = pool.sender(DAVE).complete_withdrawal(dave).motsu_unwrap();
    assert_eq!(
        balances([&t0, &t1], DAVE),
        (before.0 + paid0, before.1 + paid1)
    );
    // The global pause never blocks a completion whose ACP has passed.
    let late = pool
        .sender(CAROL)
        .lock_withdrawal(e18(1), U256::ZERO, U256::ZERO, CAROL, LATER)
        .motsu_unwrap();
    pool.sender(OWNER).set_paused(true).motsu_unwrap();
    test_clock::set(fallback_at + acp + grace);
    pool.sender(CAROL).complete_withdrawal(late).motsu_unwrap();
}

/// docs/design.md §10: a checkpoint carries the market's L2 joins (minted to the
/// market at the pool ratio) and exits (burned from it, paid to the operator
/// through the ACP). A market holding shares cannot retire.
#[motsu::test]
fn l2_joins_and_exits_go_through_the_checkpoint(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    let id = register_cp(&pool, OPERATOR);
    fund(&pool, [&t0, &t1], OPERATOR, e18(100_000));
    let start = state(&pool, id);
    let supply = pool.sender(OWNER).total_supply();
    let checkpoint = |batch: u64, from: VirtualState, join0: U256, join1: U256, exit: U256| {
        pool.sender(OPERATOR)
            .checkpoint(
                id,
                batch,
                from.x,
                from.y,
                from.x,
                from.y,
                join0,
                join1,
                exit,
                FixedBytes::repeat_byte(7),
            )
            .motsu_res()
    };
    checkpoint(1, start, e18(10), e18(17_800), U256::ZERO).unwrap();
    // 10/100 of the pool: ⌊10e18·T/100e18⌋ shares, to the market, not to a wallet.
    let minted = e18(10) * supply / e18(100);
    let market = pool.sender(OWNER).market(id).motsu_unwrap();
    assert_eq!(market.11, minted);
    assert_eq!(pool.sender(OWNER).total_supply(), supply + minted);
    assert_eq!(pool.sender(OWNER).balance_of(OPERATOR), U256::ZERO);
    assert_eq!(
        pool.sender(OWNER).retire_market(id).motsu_res(),
        Err(MarketNotEmpty { id }.into())
    );

    // Exits above the market's shares are refused.
    let now = state(&pool, id);
    assert_eq!(
        checkpoint(2, now, U256::ZERO, U256::ZERO, minted + U256::from(1)),
        Err(InsufficientBalance {
            balance: minted,
            needed: minted + U256::from(1)
        }
        .into())
    );
    checkpoint(2, now, U256::ZERO, U256::ZERO, minted).unwrap();
    let claim = pool.sender(OWNER).withdrawal_count() - 1;
    let w = pool.sender(OWNER).withdrawal(claim).motsu_unwrap();
    assert_eq!((w.0, w.1), (OPERATOR, id));
    assert_eq!(pool.sender(OWNER).market(id).motsu_unwrap().11, U256::ZERO);
    // Unpaid exit: still cannot retire.
    assert_eq!(
        pool.sender(OWNER).retire_market(id).motsu_res(),
        Err(MarketNotEmpty { id }.into())
    );
    test_clock::set(2_000_000_000);
    let now = state(&pool, id);
    checkpoint(3, now, U256::ZERO, U256::ZERO, U256::ZERO).unwrap();
    let before = balances([&t0, &t1], OPERATOR);
    pool.sender(MALLORY)
        .complete_withdrawal(claim)
        .motsu_unwrap();
    assert_eq!(
        balances([&t0, &t1], OPERATOR),
        (before.0 + w.2, before.1 + w.3)
    );
    pool.sender(OWNER).retire_market(id).motsu_unwrap();
    let now = state(&pool, id);
    assert_eq!(
        checkpoint(4, now, U256::ZERO, U256::ZERO, U256::ZERO),
        Err(MarketNotActive { id }.into())
    );
}

/// docs/design.md §5: each market's fees show as its invariant growth, per batch in the
/// event and summed in the market's record.
#[motsu::test]
fn a_markets_fees_are_accounted_as_its_invariant_growth(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    let id = register_cp(&pool, OPERATOR);
    fund(&pool, [&t0, &t1], OPERATOR, e18(100));
    let start = state(&pool, id);
    // An L2 user sells 10 ETH at a 30 bps fee.
    let mut batch = Batch::open(
        start,
        CurvePricing {
            curve: Curve::ConstantProduct,
            fee: U256::from(3_000_000_000_000_000u64),
        },
    );
    let quote = batch
        .quote_exact_in(Direction::ZeroForOne, e18(10))
        .unwrap();
    assert_eq!(
        quote.amount_out,
        U256::from(16_137_673_911_066_654_542_147u128)
    );
    settle(&pool, id, start, batch.close().end).unwrap();
    // By hand (Python's math.isqrt): √(110e18·(178000e18 − out)) − √(100e18·178000e18).
    let growth = U256::from(575_436_517_683_020_640u128);
    assert_eq!(pool.sender(OWNER).market(id).motsu_unwrap().12, growth);
}

/// Review finding: the pause must never trap a withdrawal whose ACP has
/// passed (no market can settle while paused), and raising the ACP or the
/// grace later does not lengthen a claim already locked.
#[motsu::test]
fn the_pause_and_later_parameter_changes_never_lengthen_a_locked_wait(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    register_cp(&pool, OPERATOR);
    test_clock::set(1_950_000_000);
    let id = pool
        .sender(CAROL)
        .lock_withdrawal(e18(1), U256::ZERO, U256::ZERO, CAROL, LATER)
        .motsu_unwrap();
    let w = pool.sender(CAROL).withdrawal(id).motsu_unwrap();
    assert_eq!(
        (w.4, w.5),
        (1_950_000_000 + 86_400, 1_950_000_000 + 4 * 86_400)
    );
    set_parameter(&pool, param::ACP, U256::from(30 * 86_400));
    set_parameter(&pool, param::GRACE, U256::from(30 * 86_400));
    assert_eq!(
        pool.sender(CAROL).withdrawal(id).motsu_unwrap().4,
        1_950_000_000 + 86_400
    );
    pool.sender(OWNER).set_paused(true).motsu_unwrap();
    test_clock::set(1_950_000_000 + 86_400);
    // The market never settled, but nothing can settle while paused.
    pool.sender(CAROL).complete_withdrawal(id).motsu_unwrap();
}

/// A market's L2 exit is announced like any lock, and paid to the operator
/// it was locked for, even after the operator rotates (issue 10, finding 6).
#[motsu::test]
fn a_market_exit_is_announced_and_paid_to_the_operator_it_was_locked_for(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    let id = register_cp(&pool, OPERATOR);
    fund(&pool, [&t0, &t1], OPERATOR, e18(100_000));
    let start = state(&pool, id);
    pool.sender(OPERATOR)
        .checkpoint(
            id,
            1,
            start.x,
            start.y,
            start.x,
            start.y,
            e18(10),
            e18(17_800),
            U256::ZERO,
            FixedBytes::ZERO,
        )
        .motsu_unwrap();
    let shares = pool.sender(OWNER).market(id).motsu_unwrap().11;
    let now = state(&pool, id);
    pool.sender(OPERATOR)
        .checkpoint(
            id,
            2,
            now.x,
            now.y,
            now.x,
            now.y,
            U256::ZERO,
            U256::ZERO,
            shares,
            FixedBytes::ZERO,
        )
        .motsu_unwrap();
    let claim = pool.sender(OWNER).withdrawal_count() - 1;
    let w = pool.sender(OWNER).withdrawal(claim).motsu_unwrap();
    pool.assert_emitted(&damm::events::WithdrawalLocked {
        id: claim,
        owner: OPERATOR,
        recipient: OPERATOR,
        shares,
        amount0: w.2,
        amount1: w.3,
        readyAt: w.4,
    });
    // Rotating the operator does not redirect an exit already locked.
    set_operator(&pool, id, DAVE);
    assert_eq!(
        pool.sender(OWNER).withdrawal(claim).motsu_unwrap().0,
        OPERATOR
    );
    test_clock::set(common::now().max(w.5));
    let before = balances([&t0, &t1], OPERATOR);
    pool.sender(MALLORY)
        .complete_withdrawal(claim)
        .motsu_unwrap();
    assert_eq!(
        balances([&t0, &t1], OPERATOR),
        (before.0 + w.2, before.1 + w.3)
    );
    assert_eq!(balances([&t0, &t1], DAVE), (U256::ZERO, U256::ZERO));
}
