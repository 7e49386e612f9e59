//! A market's first state quotes the pool's price on its own curve (the
//! audit's first finding): on a 1000:4000 pool (price 4), a bAMM market with
//! α = ½, t = ½ opened at spot 2 and a StableSwap market (amp 100) at about
//! 1.03, so the first batch could buy token0 cheaply.
//!
//! The price is checked independently of how the state was found: by
//! quoting a tiny fee-less trade each way on the market's curve. Buying
//! token0 must cost at least the pool's price, and selling it must fetch at
//! most that, up to the trade's own slippage.

use damm_math::arith::WAD;
use damm_math::bamm::Bamm;
use damm_math::{update, Curve, Direction, VirtualState, U256};
use proptest::prelude::*;

fn e18(units: u64) -> U256 {
    U256::from(units) * WAD
}

/// `(bought, sold)`: token1 per token0 for buying and for selling a
/// ten-thousandth of the state's token0, fee-less, as 1e18-scaled prices.
/// `None` if the curve cannot quote that trade (bAMM's powers at extreme
/// ratios).
fn marginal_prices(curve: &Curve, state: &VirtualState) -> Option<(U256, U256)> {
    let amount = (state.x / U256::from(10_000)).max(U256::from(1));
    let paid = curve
        .amount_in(state, Direction::OneForZero, amount, U256::ZERO)
        .ok()?;
    let got = curve
        .amount_out(state, Direction::ZeroForOne, amount, U256::ZERO)
        .ok()?;
    Some((paid * WAD / amount, got * WAD / amount))
}

/// The pool's price `num/den` lies between the selling and the buying
/// price (up to `slack`, WAD): a state at another price has both on one
/// side. `None` if the curve cannot quote there.
fn brackets(
    curve: &Curve,
    state: &VirtualState,
    num: U256,
    den: U256,
    slack: U256,
) -> Option<bool> {
    let price = num * WAD / den;
    let (buy, sell) = marginal_prices(curve, state)?;
    Some(sell <= price + slack && buy + slack >= price)
}

#[test]
fn the_audits_markets_open_at_the_pools_price() {
    let (free0, free1) = (e18(1000), e18(4000));
    let bamm = Curve::Bamm(Bamm::new(WAD / U256::from(2), WAD / U256::from(2)).unwrap());
    let stable = Curve::StableSwap {
        amp: U256::from(100),
    };
    for curve in [Curve::ConstantProduct, bamm, stable] {
        let first = update::open(&curve, free0, free1, WAD).unwrap();
        // Inside the allocation, bracketing 4, and both quotes within 1e-3.
        assert!(first.x <= free0 && first.y <= free1, "{curve:?}: {first:?}");
        assert_eq!(
            brackets(&curve, &first, free1, free0, U256::from(10u64.pow(12))),
            Some(true)
        );
        let (buy, sell) = marginal_prices(&curve, &first).unwrap();
        let slack = WAD * U256::from(4) / U256::from(1_000);
        assert!(
            buy <= e18(4) + slack && sell + slack >= e18(4),
            "{curve:?}: {buy} {sell}"
        );
    }
    // At the pool's ratio these two curves quote far from 4: the bug.
    let at_ratio = VirtualState::new(free0, free1);
    let (bamm_buy, _) = marginal_prices(&bamm, &at_ratio).unwrap();
    assert!(bamm_buy < e18(3), "bAMM at the ratio prices about 2");
    let (stable_buy, _) = marginal_prices(&stable, &at_ratio).unwrap();
    assert!(
        stable_buy < e18(2),
        "StableSwap at the ratio prices about 1.03"
    );
}

#[test]
fn constant_sum_opens_only_at_its_own_price() {
    let sum = Curve::Bamm(Bamm::new(WAD / U256::from(2), U256::ZERO).unwrap());
    assert!(update::open(&sum, e18(1000), e18(4000), WAD).is_err());
    assert!(update::open(&sum, e18(1000), e18(1000), WAD).is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Over pool prices from 1/50 to 50, amplifications and blends: the
    /// first state stays in the allocation and prices the pool's price.
    #[test]
    fn every_market_opens_at_the_pools_price(
        pool0 in 1_000u64..1_000_000,
        price_per_mille in 20u64..50_000,
        weight_pct in 1u64..=100,
        amp in 1u64..=10_000,
        alpha_pct in 10u64..=90,
        t_pct in 10u64..=99,
    ) {
        let free0 = e18(pool0);
        let free1 = free0 * U256::from(price_per_mille) / U256::from(1000);
        let weight = WAD * U256::from(weight_pct) / U256::from(100);
        let curves = [
            Curve::StableSwap { amp: U256::from(amp) },
            Curve::Bamm(Bamm::new(
                WAD * U256::from(alpha_pct) / U256::from(100),
                WAD * U256::from(t_pct) / U256::from(100),
            ).unwrap()),
        ];
        for curve in curves {
            let Ok(first) = update::open(&curve, free0, free1, weight) else {
                // A StableSwap with a low amplification cannot reach every
                // price within its ratio bounds; then registration refuses.
                let stable = matches!(curve, Curve::StableSwap { .. });
                prop_assert!(stable);
                continue;
            };
            prop_assert!(first.x * U256::from(100) <= free0 * U256::from(weight_pct) + U256::from(100));
            prop_assert!(first.y * U256::from(100) <= free1 * U256::from(weight_pct) + U256::from(100));
            prop_assume!(first.x > U256::from(10u64.pow(12)) && first.y > U256::from(10u64.pow(12)));
            // A relative 1e-6 for the rounding of the state and the quotes.
            let slack = (free1 * WAD / free0) / U256::from(1_000_000);
            let verdict = brackets(&curve, &first, free1, free0, slack);
            prop_assert_ne!(verdict, Some(false), "{:?} {:?}", curve, marginal_prices(&curve, &first));
        }
    }
}

#[test]
fn a_stableswap_state_prices_far_from_one_to_its_fixed_coin() {
    // The scarcer coin is fixed at 2^48, so prices far below 1 are as
    // precise as prices far above it (the review's finding: with token0
    // always fixed, a state at a price of 1e-9 had a coin of 140,631 units
    // and quoted 3 % off).
    let curve = Curve::StableSwap { amp: U256::from(2) };
    for (num, den) in [(1u64, 1_000_000_000u64), (1_000_000_000, 1), (3, 7), (7, 3)] {
        let (num, den) = (U256::from(num), U256::from(den));
        let (x, y) = damm_math::stable::point_at_price(num, den, U256::from(2)).unwrap();
        // Both quotes of a ten-thousandth's trade within 1e-3 of the price:
        // they bracket it, and neither coin is so coarse that rounding
        // moves them.
        let state = VirtualState::new(x, y);
        let price = num * WAD / den;
        let (buy, sell) = marginal_prices(&curve, &state).unwrap();
        let slack = price / U256::from(1_000);
        assert!(sell <= price && price <= buy, "{num}/{den}: {sell} {buy}");
        assert!(
            buy - sell <= slack,
            "{num}/{den} at ({x}, {y}): {sell} {buy}"
        );
    }
}
