//! Deposits, the LP token, and ACP withdrawals, through motsu.

mod common;

use alloy_primitives::{Address, U256};
use common::*;
use damm::errors::*;
use damm::events::{Deposit, Transfer, WithdrawalCompleted, WithdrawalLocked};
use damm::guard::test_clock;
use damm::Damm;
use damm_math::lp::MINIMUM_LIQUIDITY;
use damm_test_token::{TestToken, FEE_ON_TRANSFER, NO_RETURN, RETURNS_FALSE};
use motsu::prelude::*;

/// ⌊√(100e18 · 178000e18)⌋, by hand (Python's math.isqrt).
const CAROL_SUPPLY: u128 = 4_219_004_621_945_797_299_958;

#[motsu::test]
fn the_first_deposit_sets_the_price_and_locks_the_minimum(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    construct(&pool, &t0, &t1);
    pool.sender(OWNER).go_live().motsu_unwrap();
    fund(&pool, [&t0, &t1], CAROL, e18(1_000_000));
    let (shares, used0, used1) = pool
        .sender(CAROL)
        .deposit(e18(100), e18(178_000), U256::ZERO, CAROL, LATER)
        .motsu_unwrap();
    assert_eq!(shares, U256::from(CAROL_SUPPLY) - MINIMUM_LIQUIDITY);
    assert_eq!((used0, used1), (e18(100), e18(178_000)));
    assert_eq!(pool.sender(CAROL).total_supply(), U256::from(CAROL_SUPPLY));
    assert_eq!(
        pool.sender(CAROL).balance_of(Address::ZERO),
        MINIMUM_LIQUIDITY
    );
    assert_eq!(
        pool.sender(CAROL).reserves(),
        (e18(100), e18(178_000), U256::ZERO, U256::ZERO)
    );
    assert_eq!(
        balances([&t0, &t1], pool.address()),
        (e18(100), e18(178_000))
    );
    pool.assert_emitted(&Deposit {
        sender: CAROL,
        recipient: CAROL,
        shares,
        amount0: used0,
        amount1: used1,
    });
    pool.assert_emitted(&Transfer {
        from: Address::ZERO,
        to: Address::ZERO,
        value: MINIMUM_LIQUIDITY,
    });
    // A fresh pool of one market has HF = 1 (to rounding).
    assert_eq!(
        pool.sender(CAROL).health_factor(),
        U256::from(10u64.pow(18))
    );
}

#[motsu::test]
fn a_later_deposit_pulls_only_what_its_shares_need(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], DAVE, e18(1_000));
    // Offer 10 ETH and 1000 DAI: DAI binds (1000/178000 of the pool).
    let (shares, used0, used1) = pool
        .sender(DAVE)
        .deposit(e18(10), e18(1000), U256::ZERO, DAVE, LATER)
        .motsu_unwrap();
    // By hand: ℓ = ⌊1000e18·T/178000e18⌋, amount0 = ⌈ℓ·100e18/T⌉, amount1 = ⌈ℓ·178000e18/T⌉.
    let t = U256::from(CAROL_SUPPLY);
    let expected = e18(1000) * t / e18(178_000);
    assert_eq!(shares, expected);
    assert_eq!(used0, (expected * e18(100)).div_ceil(t));
    assert_eq!(used1, (expected * e18(178_000)).div_ceil(t));
    assert!(used1 <= e18(1000) && used0 < e18(10));
    assert_eq!(
        balances([&t0, &t1], DAVE),
        (e18(1000) - used0, e18(1000) - used1)
    );
}

#[motsu::test]
fn bad_deposits_are_refused_and_move_nothing(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], DAVE, e18(1_000));
    let before = (
        pool.sender(DAVE).reserves(),
        pool.sender(DAVE).total_supply(),
        balances([&t0, &t1], DAVE),
    );
    let unchanged = |pool: &Contract<Damm>| {
        assert_eq!(
            (
                pool.sender(DAVE).reserves(),
                pool.sender(DAVE).total_supply(),
                balances([&t0, &t1], DAVE)
            ),
            before
        );
    };

    let err = pool
        .sender(DAVE)
        .deposit(e18(1), e18(1780), e18(1_000_000), DAVE, LATER)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::SlippageExceeded(_)));
    unchanged(&pool);

    test_clock::set(2_000_000_000);
    let err = pool
        .sender(DAVE)
        .deposit(
            e18(1),
            e18(1780),
            U256::ZERO,
            DAVE,
            U256::from(1_999_999_999),
        )
        .motsu_unwrap_err();
    assert_eq!(
        err,
        Expired {
            deadline: U256::from(1_999_999_999)
        }
        .into()
    );
    unchanged(&pool);

    let err = pool
        .sender(DAVE)
        .deposit(U256::from(1), U256::from(1), U256::ZERO, DAVE, LATER)
        .motsu_unwrap_err();
    assert_eq!(err, InsufficientLiquidity {}.into());
    unchanged(&pool);

    // More than Dave holds: the token refuses the pull.
    let err = pool
        .sender(DAVE)
        .deposit(e18(10), e18(17_800), U256::ZERO, DAVE, LATER)
        .motsu_unwrap_err();
    assert_eq!(
        err,
        TransferFailed {
            token: t1.address()
        }
        .into()
    );
    unchanged(&pool);

    pool.sender(OWNER).set_paused(true).motsu_unwrap();
    let err = pool
        .sender(DAVE)
        .deposit(e18(1), e18(1780), U256::ZERO, DAVE, LATER)
        .motsu_unwrap_err();
    assert_eq!(err, Paused {}.into());
    unchanged(&pool);
}

#[motsu::test]
fn non_standard_tokens_are_handled_or_refused(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    construct(&pool, &t0, &t1);
    pool.sender(OWNER).go_live().motsu_unwrap();
    fund(&pool, [&t0, &t1], CAROL, e18(1_000_000));
    // A token that returns nothing on success works.
    t1.sender(OWNER).set_mode(NO_RETURN);
    pool.sender(CAROL)
        .deposit(e18(100), e18(178_000), U256::ZERO, CAROL, LATER)
        .motsu_unwrap();
    assert_eq!(
        balances([&t0, &t1], pool.address()),
        (e18(100), e18(178_000))
    );

    fund(&pool, [&t0, &t1], DAVE, e18(1_000));
    let before = (pool.sender(DAVE).reserves(), balances([&t0, &t1], DAVE));
    // A token that returns false is a failed transfer.
    t1.sender(OWNER).set_mode(RETURNS_FALSE);
    let err = pool
        .sender(DAVE)
        .deposit(milli(500), e18(890), U256::ZERO, DAVE, LATER)
        .motsu_unwrap_err();
    assert_eq!(
        err,
        TransferFailed {
            token: t1.address()
        }
        .into()
    );
    assert_eq!(
        (pool.sender(DAVE).reserves(), balances([&t0, &t1], DAVE)),
        before
    );
    // A fee-on-transfer token delivers less than sent: refused, nothing moves.
    t1.sender(OWNER).set_mode(FEE_ON_TRANSFER);
    let err = pool
        .sender(DAVE)
        .deposit(milli(500), e18(890), U256::ZERO, DAVE, LATER)
        .motsu_unwrap_err();
    let Error::TransferShortfall(shortfall) = err else {
        panic!("expected TransferShortfall, got {err:?}")
    };
    assert_eq!(
        (shortfall.token, shortfall.received),
        (
            t1.address(),
            shortfall.expected - shortfall.expected / U256::from(100)
        )
    );
    assert_eq!(
        (pool.sender(DAVE).reserves(), balances([&t0, &t1], DAVE)),
        before
    );
}

#[motsu::test]
fn lp_shares_are_an_erc20(pool: Contract<Damm>, t0: Contract<TestToken>, t1: Contract<TestToken>) {
    seeded(&pool, &t0, &t1);
    assert_eq!(
        (
            pool.sender(DAVE).name(),
            pool.sender(DAVE).symbol(),
            pool.sender(DAVE).decimals()
        ),
        ("dAMM LP".into(), "DAMM-LP".into(), 18)
    );
    assert!(pool.sender(CAROL).transfer(DAVE, e18(1)).motsu_unwrap());
    pool.assert_emitted(&Transfer {
        from: CAROL,
        to: DAVE,
        value: e18(1),
    });
    assert!(pool.sender(DAVE).approve(MALLORY, e18(1)).motsu_unwrap());
    assert_eq!(pool.sender(DAVE).allowance(DAVE, MALLORY), e18(1));
    assert!(pool
        .sender(MALLORY)
        .transfer_from(DAVE, MALLORY, milli(400))
        .motsu_unwrap());
    assert_eq!(pool.sender(DAVE).allowance(DAVE, MALLORY), milli(600));
    assert_eq!(
        (
            pool.sender(DAVE).balance_of(DAVE),
            pool.sender(DAVE).balance_of(MALLORY)
        ),
        (milli(600), milli(400))
    );

    let err = pool
        .sender(MALLORY)
        .transfer_from(DAVE, MALLORY, e18(1))
        .motsu_unwrap_err();
    assert_eq!(
        err,
        InsufficientAllowance {
            allowance: milli(600),
            needed: e18(1)
        }
        .into()
    );
    let err = pool
        .sender(DAVE)
        .transfer(MALLORY, e18(1))
        .motsu_unwrap_err();
    assert_eq!(
        err,
        InsufficientBalance {
            balance: milli(600),
            needed: e18(1)
        }
        .into()
    );
    let err = pool
        .sender(DAVE)
        .transfer(Address::ZERO, U256::from(1))
        .motsu_unwrap_err();
    assert_eq!(
        err,
        InvalidAddress {
            account: Address::ZERO
        }
        .into()
    );
    assert_eq!(
        (
            pool.sender(DAVE).balance_of(DAVE),
            pool.sender(DAVE).balance_of(MALLORY)
        ),
        (milli(600), milli(400))
    );
}

#[motsu::test]
fn a_withdrawal_locks_at_the_current_ratio_and_pays_after_the_acp(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    test_clock::set(1_800_000_000);
    let supply = pool.sender(CAROL).total_supply();
    let shares = U256::from(CAROL_SUPPLY / 10);
    let id = pool
        .sender(CAROL)
        .lock_withdrawal(shares, U256::ZERO, U256::ZERO, DAVE, LATER)
        .motsu_unwrap();
    // By hand: (⌊ℓ·100e18/T⌋, ⌊ℓ·178000e18/T⌋), burned now, reserved now.
    let (owed0, owed1) = (shares * e18(100) / supply, shares * e18(178_000) / supply);
    assert_eq!(pool.sender(CAROL).total_supply(), supply - shares);
    assert_eq!(
        pool.sender(CAROL).reserves(),
        (e18(100), e18(178_000), owed0, owed1)
    );
    let acp = 86_400;
    pool.assert_emitted(&WithdrawalLocked {
        id,
        owner: CAROL,
        recipient: DAVE,
        shares,
        amount0: owed0,
        amount1: owed1,
        readyAt: 1_800_000_000 + acp,
    });
    // HF is unchanged by the pro-rata exit (it counts free balances and live shares).
    assert!(pool.sender(CAROL).health_factor() >= U256::from(10u64.pow(18)));

    let err = pool.sender(DAVE).complete_withdrawal(id).motsu_unwrap_err();
    assert_eq!(
        err,
        WithdrawalNotReady {
            market: u64::MAX,
            readyAt: U256::from(1_800_000_000 + acp)
        }
        .into()
    );
    test_clock::set(1_800_000_000 + acp);
    // No market exists, so nothing needs to settle: payable at the end of the ACP.
    assert_eq!(
        pool.sender(MALLORY).complete_withdrawal(id).motsu_unwrap(),
        (owed0, owed1)
    );
    pool.assert_emitted(&WithdrawalCompleted {
        id,
        recipient: DAVE,
        amount0: owed0,
        amount1: owed1,
    });
    assert_eq!(balances([&t0, &t1], DAVE), (owed0, owed1));
    assert_eq!(
        pool.sender(CAROL).reserves(),
        (
            e18(100) - owed0,
            e18(178_000) - owed1,
            U256::ZERO,
            U256::ZERO
        )
    );
    // Paid once only.
    assert_eq!(
        pool.sender(DAVE).complete_withdrawal(id).motsu_unwrap_err(),
        UnknownWithdrawal { id }.into()
    );
}

#[motsu::test]
fn bad_locks_are_refused_and_move_nothing(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    let before = (
        pool.sender(CAROL).reserves(),
        pool.sender(CAROL).total_supply(),
        pool.sender(CAROL).balance_of(CAROL),
    );
    let unchanged = |pool: &Contract<Damm>| {
        assert_eq!(
            (
                pool.sender(CAROL).reserves(),
                pool.sender(CAROL).total_supply(),
                pool.sender(CAROL).balance_of(CAROL)
            ),
            before
        );
        assert_eq!(pool.sender(CAROL).withdrawal_count(), 0);
    };
    assert_eq!(
        pool.sender(CAROL)
            .lock_withdrawal(U256::ZERO, U256::ZERO, U256::ZERO, CAROL, LATER)
            .motsu_unwrap_err(),
        ZeroAmount {}.into()
    );
    unchanged(&pool);
    let too_many = before.2 + U256::from(1);
    let err = pool
        .sender(CAROL)
        .lock_withdrawal(too_many, U256::ZERO, U256::ZERO, CAROL, LATER)
        .motsu_unwrap_err();
    assert_eq!(
        err,
        InsufficientBalance {
            balance: before.2,
            needed: too_many
        }
        .into()
    );
    unchanged(&pool);
    let err = pool
        .sender(CAROL)
        .lock_withdrawal(e18(1), e18(1), U256::ZERO, CAROL, LATER)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::SlippageExceeded(_)));
    unchanged(&pool);
    assert_eq!(
        pool.sender(CAROL).complete_withdrawal(7).motsu_unwrap_err(),
        UnknownWithdrawal { id: 7 }.into()
    );
}
