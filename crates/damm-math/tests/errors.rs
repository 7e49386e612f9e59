//! Bad input gets a clear error value, never a panic or a wrapped number.

use damm_math::arith::{bps_to_wad, div, mul_div, Rounding, WAD};
use damm_math::bamm::Bamm;
use damm_math::batch::{Batch, CurvePricing};
use damm_math::checkpoint::{settle, Pool, Rejection, Rules, Submission};
use damm_math::fee::VolumeEma;
use damm_math::orchestrator::{Orchestrator, Refusal};
use damm_math::{
    cp, health, logexp, lp, stable, update, Curve, Direction, MathError, NetOrder, VirtualState,
    U256,
};

fn u(v: u64) -> U256 {
    U256::from(v)
}

#[test]
fn arithmetic_reports_overflow_and_division_by_zero() {
    assert_eq!(
        mul_div(u(1), u(1), U256::ZERO, Rounding::Down),
        Err(MathError::DivisionByZero)
    );
    assert_eq!(
        mul_div(U256::MAX, U256::MAX, u(1), Rounding::Down),
        Err(MathError::Overflow)
    );
    assert_eq!(mul_div(U256::MAX, u(1), u(1), Rounding::Up), Ok(U256::MAX));
    assert_eq!(div(U256::MAX, u(1), Rounding::Up), Ok(U256::MAX));
    assert_eq!(bps_to_wad(10_001), Err(MathError::InvalidParameter));
}

#[test]
fn constant_product_rejects_empty_pools_full_fees_and_draining() {
    assert_eq!(
        cp::amount_out(u(1), U256::ZERO, u(100), 30),
        Err(MathError::InsufficientLiquidity)
    );
    assert_eq!(
        cp::amount_out(u(1), u(100), u(100), 10_000),
        Err(MathError::InvalidParameter)
    );
    assert_eq!(
        cp::amount_in(u(100), u(100), u(100), 30),
        Err(MathError::InsufficientLiquidity)
    );
    assert_eq!(
        cp::amount_out(U256::MAX, u(100), u(100), 0),
        Err(MathError::Overflow)
    );
}

#[test]
fn lp_shares_reject_dust_empty_pools_and_oversized_burns() {
    assert_eq!(
        lp::mint_first(u(1000), u(1001)),
        Err(MathError::InsufficientLiquidity)
    );
    assert_eq!(lp::mint_first(U256::MAX, u(2)), Err(MathError::Overflow));
    assert_eq!(
        lp::mint(u(10), u(10), U256::ZERO, u(10), u(10)),
        Err(MathError::InsufficientLiquidity)
    );
    assert_eq!(
        lp::mint(u(1), u(1), u(1_000_000), u(1_000_000), u(1000)),
        Err(MathError::InsufficientLiquidity)
    );
    assert_eq!(
        lp::burn(u(11), u(10), u(10), u(10)),
        Err(MathError::InsufficientLiquidity)
    );
}

#[test]
fn health_needs_a_supply_and_pending_nets_that_fit() {
    assert_eq!(
        health::health_factor(u(1), u(1), U256::ZERO),
        Err(MathError::DivisionByZero)
    );
    let drain = [NetOrder {
        amount0_out: u(2),
        ..NetOrder::default()
    }];
    assert_eq!(
        health::health_factor_with_pending(u(1), u(1), u(1), &drain),
        Err(MathError::Underflow)
    );
}

#[test]
fn curves_reject_bad_parameters() {
    assert_eq!(
        stable::get_d(u(1), u(1), U256::ZERO),
        Err(MathError::InvalidParameter)
    );
    assert_eq!(
        stable::get_d(u(1), U256::ZERO, u(10)),
        Err(MathError::InsufficientLiquidity)
    );
    assert_eq!(
        Bamm::new(U256::ZERO, U256::ZERO),
        Err(MathError::InvalidParameter)
    );
    assert_eq!(Bamm::new(WAD / u(2), WAD), Err(MathError::InvalidParameter));
    assert_eq!(
        logexp::log2_q64(U256::ZERO),
        Err(MathError::InvalidParameter)
    );
    let state = VirtualState::new(u(100), u(100));
    assert_eq!(
        Curve::External.amount_out(&state, Direction::ZeroForOne, u(1), U256::ZERO),
        Err(MathError::Unsupported)
    );
}

#[test]
fn a_batch_refuses_empty_and_draining_trades_and_stays_unchanged() {
    let start = VirtualState::new(u(1000), u(1000));
    let mut batch = Batch::open(
        start,
        CurvePricing {
            curve: Curve::ConstantProduct,
            fee: U256::ZERO,
        },
    );
    assert_eq!(
        batch.quote_exact_in(Direction::ZeroForOne, U256::ZERO),
        Err(MathError::InvalidParameter)
    );
    assert_eq!(
        batch.quote_exact_out(Direction::ZeroForOne, u(1000)),
        Err(MathError::InsufficientLiquidity)
    );
    assert_eq!((batch.state(), batch.trades()), (start, 0));
}

#[test]
fn rescale_needs_a_price() {
    assert_eq!(
        update::rescale(U256::ZERO, u(1), u(1), u(1)),
        Err(MathError::DivisionByZero)
    );
}

#[test]
fn the_volume_clock_cannot_run_backwards() {
    let mut ema = VolumeEma::new(u(1), 10);
    assert_eq!(ema.record(9, u(1)), Err(MathError::InvalidParameter));
    assert_eq!(ema, VolumeEma::new(u(1), 10));
}

#[test]
fn checkpoints_refuse_payouts_into_reservations_or_the_buffer() {
    let e18 = |v: u64| u(v) * WAD;
    let pool = Pool {
        balance0: e18(1000),
        balance1: e18(1000),
        reserved0: e18(950),
        total_supply: e18(1000),
        ..Pool::default()
    };
    let rules = Rules {
        curve: Curve::ConstantProduct,
        weight: WAD,
        hf_min: U256::ZERO,
        buffer: U256::ZERO,
        payout_cap: WAD,
    };
    let start = VirtualState::new(e18(1000), e18(1000));
    // Paying 100 x out of 50 free x would dip into the 950 reserved.
    let greedy = Submission {
        start,
        end: VirtualState::new(e18(900), e18(1200)),
        ..Submission::default()
    };
    assert_eq!(settle(&rules, &greedy, &pool), Err(Rejection::Insolvent));
    // Within the free balance, but a 10 % buffer of 50 free x must stay.
    let near = Submission {
        start,
        end: VirtualState::new(e18(1000) - e18(46), e18(1100)),
        ..Submission::default()
    };
    let buffered = Rules {
        buffer: WAD / u(10),
        ..rules
    };
    assert_eq!(
        settle(&buffered, &near, &pool),
        Err(Rejection::BufferBreached)
    );
    assert!(settle(&rules, &near, &pool).is_ok());
}

#[test]
fn the_orchestrator_refuses_unknown_markets() {
    let orch = Orchestrator::new(u(10), u(10), u(10), U256::ZERO, U256::ZERO);
    assert_eq!(
        orch.check(7, &NetOrder::default()),
        Err(Refusal::UnknownMarket)
    );
}

#[test]
fn a_state_with_an_empty_side_accepts_only_more_of_both() {
    let start = VirtualState::new(u(100_000), U256::ZERO);
    assert!(!Curve::ConstantProduct
        .invariant_holds(&start, &VirtualState::new(u(1), u(1)))
        .unwrap());
    assert!(Curve::ConstantProduct
        .invariant_holds(&start, &VirtualState::new(u(100_000), u(1)))
        .unwrap());
}

#[test]
fn checkpoints_refuse_paying_out_both_tokens_or_ending_without_a_price() {
    let e18 = |v: u64| u(v) * WAD;
    let pool = Pool {
        balance0: e18(1000),
        balance1: e18(1000),
        total_supply: e18(1000),
        ..Pool::default()
    };
    let rules = Rules {
        curve: Curve::External,
        weight: WAD,
        hf_min: U256::ZERO,
        buffer: U256::ZERO,
        payout_cap: WAD,
    };
    let start = VirtualState::new(e18(1000), e18(1000));
    let both = Submission {
        start,
        end: VirtualState::new(e18(999), e18(999)),
        ..Submission::default()
    };
    assert_eq!(settle(&rules, &both, &pool), Err(Rejection::CurveViolated));
    let empty = Submission {
        start,
        end: VirtualState::new(e18(2000), U256::ZERO),
        ..Submission::default()
    };
    assert_eq!(settle(&rules, &empty, &pool), Err(Rejection::CurveViolated));
}

#[test]
fn the_volume_recorder_saturates_instead_of_overflowing() {
    let mut ema = VolumeEma::new(U256::ZERO, 1);
    ema.record(1, U256::MAX).unwrap();
    ema.record(1, U256::MAX).unwrap();
    assert_eq!(ema.block_volume, U256::from(u128::MAX));
    ema.record(2, U256::MAX).unwrap();
    ema.record(1_000, U256::MAX).unwrap();
    assert!(ema.short_ema <= U256::from(u128::MAX) && ema.long_ema <= U256::from(u128::MAX));
}
