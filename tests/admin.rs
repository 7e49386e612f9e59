//! Market administration, the External markets' stricter floor, and the
//! checkpoint's solvency and buffer checks, through motsu.

mod common;

use alloy_primitives::{Address, FixedBytes, U256};
use common::*;
use damm::errors::*;
use damm::events::{MarketStatusChanged, OperatorChanged};
use damm::governance::param;
use damm::markets::{kind, status};
use damm::Damm;
use damm_test_token::{TestToken, RETURNS_FALSE};
use motsu::prelude::*;

const WAD: U256 = damm_math::arith::WAD;

fn checkpoint(pool: &Contract<Damm>, id: u64, end: (U256, U256)) -> Result<(), Error> {
    let m = pool.sender(OWNER).market(id).motsu_unwrap();
    pool.sender(m.0)
        .checkpoint(
            id,
            m.7 + 1,
            m.8,
            m.9,
            end.0,
            end.1,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            FixedBytes::ZERO,
        )
        .motsu_res()
}

#[motsu::test]
fn operators_rotate_and_markets_pause_resume_and_retire(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    let id = register(
        &pool,
        OPERATOR,
        kind::CONSTANT_PRODUCT,
        U256::ZERO,
        U256::ZERO,
        WAD,
        WAD,
    );

    assert_eq!(
        pool.sender(MALLORY).set_operator(id, MALLORY).motsu_res(),
        Err(Unauthorized { caller: MALLORY }.into())
    );
    assert_eq!(
        pool.sender(OWNER)
            .set_operator(id, Address::ZERO)
            .motsu_res(),
        Err(InvalidAddress {
            account: Address::ZERO
        }
        .into())
    );
    assert_eq!(
        pool.sender(OWNER).set_operator(5, DAVE).motsu_res(),
        Err(UnknownMarket { id: 5 }.into())
    );
    set_operator(&pool, id, DAVE);
    pool.assert_emitted(&OperatorChanged { id, operator: DAVE });
    assert_eq!(pool.sender(OWNER).market(id).motsu_unwrap().0, DAVE);

    assert_eq!(
        pool.sender(MALLORY)
            .set_market_active(id, false)
            .motsu_res(),
        Err(Unauthorized { caller: MALLORY }.into())
    );
    pool.sender(OWNER)
        .set_market_active(id, false)
        .motsu_unwrap();
    pool.assert_emitted(&MarketStatusChanged {
        id,
        status: status::PAUSED,
    });
    // A resume waits in the timelock.
    pool.sender(OWNER)
        .set_market_active(id, true)
        .motsu_unwrap();
    assert_eq!(
        pool.sender(OWNER).market(id).motsu_unwrap().2,
        status::PAUSED
    );
    execute_when_due(&pool, pool.sender(OWNER).change_count() - 1);
    pool.assert_emitted(&MarketStatusChanged {
        id,
        status: status::ACTIVE,
    });

    assert_eq!(
        pool.sender(MALLORY).retire_market(id).motsu_res(),
        Err(Unauthorized { caller: MALLORY }.into())
    );
    pool.sender(OWNER).retire_market(id).motsu_unwrap();
    pool.assert_emitted(&MarketStatusChanged {
        id,
        status: status::RETIRED,
    });
    assert_eq!(
        pool.sender(OWNER).market(id).motsu_unwrap().2,
        status::RETIRED
    );
    // Retired is final.
    assert_eq!(
        pool.sender(OWNER).set_market_active(id, true).motsu_res(),
        Err(MarketNotActive { id }.into())
    );
}

#[motsu::test]
fn the_market_cap_is_32(pool: Contract<Damm>, t0: Contract<TestToken>, t1: Contract<TestToken>) {
    seeded(&pool, &t0, &t1);
    for _ in 0..32 {
        register(
            &pool,
            OPERATOR,
            kind::CONSTANT_PRODUCT,
            U256::ZERO,
            U256::ZERO,
            WAD,
            WAD,
        );
    }
    let err = pool
        .sender(OWNER)
        .register_market(
            OPERATOR,
            kind::CONSTANT_PRODUCT,
            U256::ZERO,
            U256::ZERO,
            WAD,
            WAD,
        )
        .motsu_unwrap_err();
    assert_eq!(err, TooManyMarkets {}.into());
}

/// External markets skip the curve check but meet a stricter floor.
#[motsu::test]
fn external_markets_skip_the_curve_check_but_meet_a_stricter_floor(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    balanced(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], OPERATOR, e18(1000));
    let cp = register(
        &pool,
        OPERATOR,
        kind::CONSTANT_PRODUCT,
        U256::ZERO,
        U256::ZERO,
        WAD,
        WAD,
    );
    let ext = register(
        &pool,
        OPERATOR,
        kind::EXTERNAL,
        U256::ZERO,
        U256::ZERO,
        WAD,
        WAD,
    );
    // An order no constant-product curve would allow: 10 x out for 9 y in,
    // at the External per-checkpoint cap of 1 % of the free balance.
    let cheap = (e18(990), e18(1009));
    assert_eq!(checkpoint(&pool, cp, cheap), Err(CurveViolated {}.into()));
    checkpoint(&pool, ext, cheap).unwrap();
    let hf = pool.sender(OWNER).health_factor();
    assert!(hf < WAD && hf > WAD * U256::from(99) / U256::from(100));
    // With the External floor above HF, a further lowering is refused for the
    // External market while the constant-product floor still lets a CP batch through.
    set_parameter(&pool, param::EXTERNAL_HF_MIN, WAD);
    let m = pool.sender(OWNER).market(ext).motsu_unwrap();
    let worse = (m.8 - e18(5), m.9 + e18(5));
    let Err(Error::HealthTooLow(refusal)) = checkpoint(&pool, ext, worse) else {
        panic!("expected HealthTooLow")
    };
    assert_eq!(refusal.hfMin, WAD);
}

#[motsu::test]
fn payouts_never_reach_reserved_amounts_or_the_buffer(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    balanced(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], OPERATOR, e18(100_000));
    let id = register(
        &pool,
        OPERATOR,
        kind::EXTERNAL,
        U256::ZERO,
        U256::ZERO,
        WAD,
        WAD,
    );
    // Carol locks 95 % of the shares: 950 x and 950 y are reserved.
    let shares = pool.sender(CAROL).balance_of(CAROL) * U256::from(95) / U256::from(100);
    pool.sender(CAROL)
        .lock_withdrawal(shares, U256::ZERO, U256::ZERO, CAROL, LATER)
        .motsu_unwrap();
    set_parameter(&pool, param::EXTERNAL_HF_MIN, WAD / U256::from(2));
    let before = (
        pool.sender(OWNER).reserves(),
        balances([&t0, &t1], OPERATOR),
    );
    let (_, _, rx, _) = before.0;
    let free0 = e18(1000) - rx;
    // Paying more x than is free: refused although the pool holds 1000 x.
    let m = pool.sender(OWNER).market(id).motsu_unwrap();
    assert_eq!(
        checkpoint(&pool, id, (m.8 - free0 - U256::from(1), m.9 + e18(10_000))),
        Err(Insolvent {}.into())
    );
    // Within the free balance but under the default 5 % buffer.
    assert_eq!(
        checkpoint(
            &pool,
            id,
            (m.8 - free0 + free0 / U256::from(100), m.9 + e18(10_000))
        ),
        Err(BufferBreached {}.into())
    );
    assert_eq!(
        (
            pool.sender(OWNER).reserves(),
            balances([&t0, &t1], OPERATOR)
        ),
        before
    );
}

#[motsu::test]
fn a_failed_payout_reverts_the_whole_completion(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    let id = pool
        .sender(CAROL)
        .lock_withdrawal(e18(1), U256::ZERO, U256::ZERO, DAVE, LATER)
        .motsu_unwrap();
    damm::guard::test_clock::set(2_100_000_000);
    t1.sender(OWNER).set_mode(RETURNS_FALSE);
    let before = (pool.sender(OWNER).reserves(), balances([&t0, &t1], DAVE));
    assert_eq!(
        pool.sender(DAVE).complete_withdrawal(id).motsu_res(),
        Err(TransferFailed {
            token: t1.address()
        }
        .into())
    );
    assert_eq!(
        (pool.sender(OWNER).reserves(), balances([&t0, &t1], DAVE)),
        before
    );
    assert!(
        !pool.sender(OWNER).withdrawal(id).motsu_unwrap().6,
        "still unpaid"
    );
}

/// Review finding: an External market can never be looser than the general
/// floor, and no market may pay out both tokens at once.
#[motsu::test]
fn an_external_market_cannot_take_both_tokens_or_dodge_the_floor(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    balanced(&pool, &t0, &t1);
    set_parameter(&pool, param::BUFFER, U256::ZERO);
    set_parameter(&pool, param::EXTERNAL_HF_MIN, WAD / U256::from(2));
    let ext = register(
        &pool,
        OPERATOR,
        kind::EXTERNAL,
        U256::ZERO,
        U256::ZERO,
        WAD,
        WAD,
    );
    let before = (
        pool.sender(OWNER).reserves(),
        balances([&t0, &t1], OPERATOR),
    );
    // Half of both tokens for nothing: refused outright, nothing moved.
    assert_eq!(
        checkpoint(&pool, ext, (e18(500), e18(500))),
        Err(CurveViolated {}.into())
    );
    assert_eq!(
        (
            pool.sender(OWNER).reserves(),
            balances([&t0, &t1], OPERATOR)
        ),
        before
    );
    // One token for a pittance, at the largest caps the owner may set, a
    // day apart: the general 0.9 floor stops it although the External one
    // is 0.5.
    set_parameter(&pool, param::EXTERNAL_MAX_OUT, WAD / U256::from(10));
    set_parameter(&pool, param::EXTERNAL_DAILY_OUT, WAD / U256::from(4));
    fund(&pool, [&t0, &t1], OPERATOR, U256::from(100));
    let floor = WAD * U256::from(9) / U256::from(10);
    for _ in 0..20 {
        assert!(pool.sender(OWNER).health_factor() >= floor);
        let (x, _, rx, _) = pool.sender(OWNER).reserves();
        let m = pool.sender(OWNER).market(ext).motsu_unwrap();
        let before = (
            pool.sender(OWNER).reserves(),
            balances([&t0, &t1], OPERATOR),
        );
        let take = (x - rx) / U256::from(10);
        if let Err(refusal) = checkpoint(&pool, ext, (m.8 - take, m.9 + U256::from(1))) {
            let Error::HealthTooLow(refusal) = refusal else {
                panic!("expected HealthTooLow, got {refusal:?}")
            };
            assert_eq!(refusal.hfMin, floor);
            assert_eq!(
                (
                    pool.sender(OWNER).reserves(),
                    balances([&t0, &t1], OPERATOR)
                ),
                before
            );
            return;
        }
        damm::guard::test_clock::set(now() + 86_400);
    }
    panic!("the floor never stopped the drain");
}

#[motsu::test]
fn recipients_must_not_be_the_zero_address(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], DAVE, e18(1000));
    let zero = InvalidAddress {
        account: Address::ZERO,
    }
    .into();
    assert_eq!(
        pool.sender(DAVE)
            .deposit(e18(1), e18(1780), U256::ZERO, Address::ZERO, LATER)
            .motsu_res(),
        Err(zero)
    );
    assert_eq!(
        pool.sender(CAROL)
            .lock_withdrawal(e18(1), U256::ZERO, U256::ZERO, Address::ZERO, LATER)
            .motsu_res(),
        Err(InvalidAddress {
            account: Address::ZERO
        }
        .into())
    );
    assert_eq!(
        pool.sender(DAVE)
            .swap_exact_in(true, e18(1), U256::ZERO, Address::ZERO, LATER)
            .motsu_res(),
        Err(InvalidAddress {
            account: Address::ZERO
        }
        .into())
    );
    assert_eq!(pool.sender(OWNER).withdrawal_count(), 0);
}
