//! Direct L1 swaps with the dynamic fee (docs/design.md §5, §9), through motsu.

mod common;

use alloy_primitives::{I256, U256};
use common::*;
use damm::errors::*;
use damm::events::Swap;
use damm::Damm;
use damm_math::{cp, fee};
use damm_test_token::TestToken;
use motsu::prelude::*;

#[motsu::test]
fn an_exact_in_swap_pays_the_dynamic_fee_and_keeps_it_in_the_pool(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], DAVE, e18(10));
    // A quiet pool at HF = 1: Kyber's quiet fee (r = 0), no health premium.
    let quiet = fee::kyber_fee(U256::ZERO);
    assert_eq!(pool.sender(DAVE).current_fee().motsu_unwrap(), quiet);
    let expected = cp::amount_out_with_fee(e18(1), e18(100), e18(178_000), quiet).unwrap();
    assert_eq!(
        pool.sender(DAVE)
            .quote_exact_in(true, e18(1))
            .motsu_unwrap(),
        (expected, quiet)
    );
    let out = pool
        .sender(DAVE)
        .swap_exact_in(true, e18(1), expected, DAVE, LATER)
        .motsu_unwrap();
    assert_eq!(out, expected);
    pool.assert_emitted(&Swap {
        sender: DAVE,
        recipient: DAVE,
        // The pool received 1 ETH and paid `out` DAI.
        amount0: I256::try_from(e18(1)).unwrap(),
        amount1: -I256::try_from(out).unwrap(),
        fee: quiet,
    });
    assert_eq!(balances([&t0, &t1], DAVE), (e18(9), e18(10) + out));
    assert_eq!(
        pool.sender(DAVE).reserves(),
        (e18(101), e18(178_000) - out, U256::ZERO, U256::ZERO)
    );
    // The fee stays in the pool: k and HF grew.
    assert!(pool.sender(DAVE).health_factor() > U256::from(10u64.pow(18)));
}

#[motsu::test]
fn an_exact_out_swap_charges_no_more_than_the_quote(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], DAVE, e18(10_000));
    let (cost, fee) = pool
        .sender(DAVE)
        .quote_exact_out(false, e18(1))
        .motsu_unwrap();
    assert_eq!(
        cost,
        cp::amount_in_with_fee(e18(1), e18(178_000), e18(100), fee).unwrap()
    );
    let paid = pool
        .sender(DAVE)
        .swap_exact_out(false, e18(1), cost, CAROL, LATER)
        .motsu_unwrap();
    assert_eq!(paid, cost);
    assert_eq!(
        t0.sender(CAROL).balance_of(CAROL),
        e18(1_000_000) - e18(100) + e18(1)
    );
}

#[motsu::test]
fn bad_swaps_are_refused_and_move_nothing(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], DAVE, e18(10_000));
    let before = (pool.sender(DAVE).reserves(), balances([&t0, &t1], DAVE));
    let unchanged = |pool: &Contract<Damm>| {
        assert_eq!(
            (pool.sender(DAVE).reserves(), balances([&t0, &t1], DAVE)),
            before
        )
    };
    let (quote, _) = pool
        .sender(DAVE)
        .quote_exact_in(true, e18(1))
        .motsu_unwrap();
    let err = pool
        .sender(DAVE)
        .swap_exact_in(true, e18(1), quote + U256::from(1), DAVE, LATER)
        .motsu_unwrap_err();
    assert_eq!(
        err,
        SlippageExceeded {
            amount: quote,
            limit: quote + U256::from(1)
        }
        .into()
    );
    unchanged(&pool);
    let (cost, _) = pool
        .sender(DAVE)
        .quote_exact_out(true, e18(1000))
        .motsu_unwrap();
    let err = pool
        .sender(DAVE)
        .swap_exact_out(true, e18(1000), cost - U256::from(1), DAVE, LATER)
        .motsu_unwrap_err();
    assert_eq!(
        err,
        SlippageExceeded {
            amount: cost,
            limit: cost - U256::from(1)
        }
        .into()
    );
    unchanged(&pool);
    assert_eq!(
        pool.sender(DAVE)
            .swap_exact_in(true, U256::ZERO, U256::ZERO, DAVE, LATER)
            .motsu_unwrap_err(),
        ZeroAmount {}.into()
    );
    // Buying the whole free balance is impossible.
    let err = pool
        .sender(DAVE)
        .swap_exact_out(true, e18(178_000), U256::MAX, DAVE, LATER)
        .motsu_unwrap_err();
    assert_eq!(err, InsufficientLiquidity {}.into());
    unchanged(&pool);
    pool.sender(OWNER).set_paused(true).motsu_unwrap();
    assert_eq!(
        pool.sender(DAVE)
            .swap_exact_in(true, e18(1), U256::ZERO, DAVE, LATER)
            .motsu_unwrap_err(),
        Paused {}.into()
    );
    unchanged(&pool);
}

#[motsu::test]
fn swaps_never_touch_reserved_withdrawal_amounts(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], DAVE, e18(1_000_000));
    // Carol locks 90 % of the pool: only 10 % stays free to trade against.
    let shares = pool.sender(CAROL).balance_of(CAROL) * U256::from(9) / U256::from(10);
    pool.sender(CAROL)
        .lock_withdrawal(shares, U256::ZERO, U256::ZERO, CAROL, LATER)
        .motsu_unwrap();
    let (x, y, rx, ry) = pool.sender(DAVE).reserves();
    let (free0, free1) = (x - rx, y - ry);
    let fee = pool.sender(DAVE).current_fee().motsu_unwrap();
    let expected = cp::amount_out_with_fee(e18(1), free0, free1, fee).unwrap();
    assert_eq!(
        pool.sender(DAVE)
            .quote_exact_in(true, e18(1))
            .motsu_unwrap()
            .0,
        expected
    );
    let err = pool
        .sender(DAVE)
        .swap_exact_out(true, free1, U256::MAX, DAVE, LATER)
        .motsu_unwrap_err();
    assert_eq!(err, InsufficientLiquidity {}.into());
}
