//! Invariants of the math, by proptest over the whole input domain
//! (10,000 cases each; `PROPTEST_CASES` raises it for a longer hunt). Fees
//! range from zero, the worst case, upward. Failures found once are replayed
//! from `properties.proptest-regressions` on every run.

use damm_math::arith::{mul_div, Rounding, WAD};
use damm_math::bamm::Bamm;
use damm_math::batch::{Batch, CurvePricing};
use damm_math::{health, lp, update, Curve, Direction, VirtualState, U256};
use proptest::prelude::*;

const CASES: u32 = 10_000;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        ..ProptestConfig::default()
    }
}

/// A balance between 1e6 and 1e30 base units.
fn balance() -> impl Strategy<Value = U256> {
    (1_000_000u128..=1_000_000_000_000_000_000_000_000_000_000u128).prop_map(U256::from)
}

/// A fee between 0 and 100 bps, as a WAD fraction.
fn fee() -> impl Strategy<Value = U256> {
    (0u64..=10_000_000_000_000_000u64).prop_map(U256::from)
}

fn curve() -> impl Strategy<Value = Curve> {
    prop_oneof![
        Just(Curve::ConstantProduct),
        (1u64..=5_000).prop_map(|amp| Curve::StableSwap {
            amp: U256::from(amp)
        }),
        (1u64..1000, 0u64..=990).prop_map(|(alpha, t)| Curve::Bamm(
            Bamm::new(
                U256::from(alpha) * WAD / U256::from(1000),
                U256::from(t) * WAD / U256::from(1000)
            )
            .unwrap()
        )),
    ]
}

fn direction() -> impl Strategy<Value = Direction> {
    prop_oneof![Just(Direction::ZeroForOne), Just(Direction::OneForZero)]
}

/// A state whose balances are within 1:100 of each other (the curves' working range).
fn state() -> impl Strategy<Value = VirtualState> {
    (balance(), 1u64..=10_000).prop_map(|(x, ratio)| {
        VirtualState::new(x, x * U256::from(ratio) / U256::from(100) + U256::from(1))
    })
}

/// An amount that is `per_mille`/1000 of the relevant reserve, at least 1.
fn portion(reserve: U256, per_mille: u64) -> U256 {
    (reserve * U256::from(per_mille) / U256::from(1000)).max(U256::from(1))
}

proptest! {
    #![proptest_config(config())]

    /// A quote never lowers the curve's invariant, as the contract checks it.
    #[test]
    fn a_quote_never_lowers_the_invariant(
        curve in curve(), start in state(), dir in direction(), fee in fee(), per_mille in 1u64..500, exact_in in any::<bool>(),
    ) {
        let mut batch = Batch::open(start, CurvePricing { curve, fee });
        let (reserve_in, reserve_out) = dir.reserves(&start);
        let quoted = if exact_in {
            batch.quote_exact_in(dir, portion(reserve_in, per_mille))
        } else {
            batch.quote_exact_out(dir, portion(reserve_out, per_mille))
        };
        match quoted {
            Ok(_) => {
                prop_assert!(curve.invariant_holds(&start, &batch.state()).unwrap());
                if curve == Curve::ConstantProduct {
                    prop_assert!(batch.state().x * batch.state().y >= start.x * start.y);
                }
            }
            // Only a constant-sum-like bAMM can run out of the output token
            // for an input below half the input reserve.
            Err(error) => prop_assert!(
                matches!(curve, Curve::Bamm(_)) && error == damm_math::MathError::InsufficientLiquidity,
                "{curve:?} failed with {error:?}"
            ),
        }
    }

    /// The net order equals the sum of the batch's quotes, and at most one of
    /// its components is negative (a payout).
    #[test]
    fn a_batch_nets_to_the_sum_of_its_quotes(
        curve in curve(), start in state(), fee in fee(),
        trades in prop::collection::vec((direction(), 1u64..200, any::<bool>()), 1..12),
    ) {
        let mut batch = Batch::open(start, CurvePricing { curve, fee });
        let (mut in0, mut in1, mut out0, mut out1) = (U256::ZERO, U256::ZERO, U256::ZERO, U256::ZERO);
        for (dir, per_mille, exact_in) in trades {
            let now = batch.state();
            let (reserve_in, reserve_out) = dir.reserves(&now);
            let quote = if exact_in {
                batch.quote_exact_in(dir, portion(reserve_in, per_mille))
            } else {
                batch.quote_exact_out(dir, portion(reserve_out, per_mille))
            };
            let Ok(q) = quote else { continue };
            match dir {
                Direction::ZeroForOne => { in0 += q.amount_in; out1 += q.amount_out; }
                Direction::OneForZero => { in1 += q.amount_in; out0 += q.amount_out; }
            }
        }
        let closed = batch.close();
        // x: start + in0 − out0 = end, so the net's signed x is in0 − out0.
        prop_assert_eq!(start.x + in0 - out0, closed.end.x);
        prop_assert_eq!(start.y + in1 - out1, closed.end.y);
        prop_assert_eq!(closed.net.amount0_in + out0, closed.net.amount0_out + in0);
        prop_assert_eq!(closed.net.amount1_in + out1, closed.net.amount1_out + in1);
        prop_assert!(closed.net.amount0_out.is_zero() || closed.net.amount1_out.is_zero());
        prop_assert!(curve.invariant_holds(&closed.start, &closed.end).unwrap());
    }

    /// Selling what you just bought never returns more than you paid.
    #[test]
    fn a_round_trip_never_profits_the_trader(
        curve in curve(), start in state(), dir in direction(), fee in fee(), per_mille in 1u64..500,
    ) {
        let mut batch = Batch::open(start, CurvePricing { curve, fee });
        let paid = portion(dir.reserves(&start).0, per_mille);
        let Ok(first) = batch.quote_exact_in(dir, paid) else { return Ok(()) };
        if first.amount_out.is_zero() { return Ok(()); }
        let back = match dir { Direction::ZeroForOne => Direction::OneForZero, Direction::OneForZero => Direction::ZeroForOne };
        if let Ok(second) = batch.quote_exact_in(back, first.amount_out) {
            prop_assert!(second.amount_out <= paid, "paid {paid}, got back {}", second.amount_out);
        }
    }

    /// The state update never exceeds what is available and keeps the price
    /// to within one unit of y: y'·x_e ≤ x'·y_e < (y'+1)·x_e.
    #[test]
    fn rescale_stays_within_the_available_balances_at_the_same_price(
        x_end in balance(), y_end in balance(), avail0 in balance(), avail1 in balance(),
    ) {
        let (x, y) = update::rescale(x_end, y_end, avail0, avail1).unwrap();
        prop_assert!(x <= avail0 && y <= avail1);
        let (lhs, rhs) = (damm_math::arith::wide_mul(y, x_end), damm_math::arith::wide_mul(x, y_end));
        prop_assert!(lhs <= rhs);
        prop_assert!(damm_math::arith::wide_mul(y + U256::from(1), x_end) > rhs);
    }

    /// Depositing then withdrawing the minted shares never returns more than
    /// was put in.
    #[test]
    fn mint_then_burn_never_returns_more(
        r0 in balance(), r1 in balance(), supply in balance(), a0 in balance(), a1 in balance(),
    ) {
        let Ok((shares, used0, used1)) = lp::mint(a0, a1, r0, r1, supply) else { return Ok(()) };
        prop_assert!(used0 <= a0 && used1 <= a1);
        let (back0, back1) = lp::burn(shares, r0 + used0, r1 + used1, supply + shares).unwrap();
        prop_assert!(back0 <= used0 && back1 <= used1);
    }

    /// Pro-rata joins and exits leave HF where it was, to within rounding, and
    /// rounding never lowers it by more than one WAD unit.
    #[test]
    fn pro_rata_mint_and_burn_keep_the_health_factor(
        x in balance(), ratio in 1u64..=10_000, supply_pct in 50u64..=200, a0 in balance(), a1 in balance(), burn_pct in 1u64..100,
    ) {
        let y = x * U256::from(ratio) / U256::from(100) + U256::from(1);
        let supply = (damm_math::arith::isqrt(x * y) * U256::from(supply_pct) / U256::from(100)).max(U256::from(1_000_000));
        let before = health::health_factor(x, y, supply).unwrap();
        let tolerance = |hf: U256, t: U256| hf / U256::from(1_000_000_000_000u64) + mul_div(WAD, U256::from(4), t, Rounding::Up).unwrap();
        if let Ok((shares, used0, used1)) = lp::mint(a0, a1, x, y, supply) {
            let after = health::health_factor(x + used0, y + used1, supply + shares).unwrap();
            prop_assert!(after + U256::from(1) >= before, "mint lowered HF {before} → {after}");
            prop_assert!(after <= before + tolerance(before, supply), "mint raised HF {before} → {after}");
        }
        let burned = supply * U256::from(burn_pct) / U256::from(100);
        let (out0, out1) = lp::burn(burned, x, y, supply).unwrap();
        let after = health::health_factor(x - out0, y - out1, supply - burned).unwrap();
        prop_assert!(after + U256::from(1) >= before, "burn lowered HF {before} → {after}");
        prop_assert!(after <= before + tolerance(before, supply - burned), "burn raised HF {before} → {after}");
    }
}
