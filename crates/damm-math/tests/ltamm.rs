//! The LTAMM engine against the properties seed 003 states.

use damm_math::arith::WAD;
use damm_math::batch::{Batch, Pricing};
use damm_math::ltamm::{Ltamm, Params};
use damm_math::{Curve, Direction, VirtualState, U256};

fn pct(v: u64) -> U256 {
    WAD * U256::from(v) / U256::from(100)
}

fn e18(v: u64) -> U256 {
    U256::from(v) * WAD
}

/// A book around 2000 USDT/ETH with a 1 % half-spread over a 50 % width, on
/// 100 ETH and 200,000 USDT.
fn book() -> (Ltamm, VirtualState) {
    let params = Params {
        shrinkage: pct(10),
        growth: WAD / U256::from(1000),
        cap: WAD / U256::from(400),
    };
    (
        Ltamm::new(e18(2000), pct(1), pct(50), params, 0).unwrap(),
        VirtualState::new(e18(100), e18(200_000)),
    )
}

#[test]
fn a_buy_moves_the_ask_and_the_mid_by_the_same_distance_and_keeps_the_bid() {
    let (mut engine, state) = book();
    let before = engine;
    let cost = engine
        .exact_out(&state, Direction::OneForZero, e18(1))
        .unwrap();
    // Buying 1 of 100 ETH from a linear book of width W = 1000: δ = W(1 − √0.99) ≈ 5.0126.
    let delta = engine.ask - before.ask;
    assert!(
        delta > U256::from(5_012_000_000_000_000_000u128)
            && delta < U256::from(5_013_000_000_000_000_000u128)
    );
    assert_eq!(engine.mid - before.mid, delta);
    assert_eq!(engine.bid, before.bid);
    // The buyer pays between the old and the new ask for each unit.
    assert!(cost > before.ask && cost < engine.ask);
}

#[test]
fn a_sell_moves_the_bid_and_the_mid_down_and_keeps_the_ask() {
    let (mut engine, state) = book();
    let before = engine;
    let paid = engine
        .exact_in(&state, Direction::ZeroForOne, e18(1))
        .unwrap();
    let delta = before.bid - engine.bid;
    assert!(!delta.is_zero());
    assert_eq!(before.mid - engine.mid, delta);
    assert_eq!(engine.ask, before.ask);
    assert!(paid < before.bid && paid > engine.bid);
}

#[test]
fn the_opposite_side_is_flattened_to_the_swapped_sides_height() {
    let (mut engine, state) = book();
    let before = engine;
    engine
        .exact_out(&state, Direction::OneForZero, e18(10))
        .unwrap();
    // Heights are 2Q/W: after the buy the ask side holds 90 ETH over the
    // shorter width, and the bid side's width grew so its height matches.
    assert!(engine.ask_width < before.ask_width);
    assert!(engine.bid_width > before.bid_width);
}

#[test]
fn a_quick_round_trip_loses_money_for_the_trader() {
    let (engine, state) = book();
    let mut batch = Batch::open(state, engine);
    let bought = batch
        .quote_exact_in(Direction::OneForZero, e18(20_000))
        .unwrap();
    let sold = batch
        .quote_exact_in(Direction::ZeroForOne, bought.amount_out)
        .unwrap();
    assert!(sold.amount_out < bought.amount_in);
}

#[test]
fn ticks_shrink_the_spread_toward_the_mid_with_a_cap_and_grow_depth() {
    let (mut engine, _) = book();
    let before = engine;
    engine.advance(1).unwrap();
    // 10 % of the 20 USDT gap is 2, under the cap of 0.25 % of 2020 = 5.05.
    assert_eq!(before.ask - engine.ask, e18(2));
    assert_eq!(engine.bid - before.bid, e18(2));
    assert!(engine.ask_width < before.ask_width && engine.bid_width < before.bid_width);

    // A wide spread moves by the cap, not by the shrinkage.
    let params = Params {
        shrinkage: pct(50),
        growth: U256::ZERO,
        cap: WAD / U256::from(400),
    };
    let mut wide = Ltamm::new(e18(2000), pct(20), pct(50), params, 0).unwrap();
    let ask = wide.ask;
    wide.advance(1).unwrap();
    assert_eq!(ask - wide.ask, ask / U256::from(400));
}

#[test]
fn an_external_market_batch_settles_through_the_checkpoint_with_the_curve_check_replaced() {
    let (engine, state) = book();
    let mut batch = Batch::open(state, engine);
    batch
        .quote_exact_in(Direction::OneForZero, e18(5000))
        .unwrap();
    batch.quote_exact_in(Direction::ZeroForOne, e18(1)).unwrap();
    let closed = batch.close();
    assert!(Curve::External
        .invariant_holds(&closed.start, &closed.end)
        .unwrap());
    assert!(closed.net.amount0_out.is_zero() || closed.net.amount1_out.is_zero());
}
