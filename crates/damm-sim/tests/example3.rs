//! docs/design.md §13 Example 3 through the real code, against the closed form.

use damm_math::arith::WAD;
use damm_math::checkpoint::Rejection;
use damm_sim::example3::{run, run_sequential, TOLERANCE};
use damm_sim::units::tokens;
use damm_sim::U256;

#[test]
fn example_3_matches_the_closed_form_to_1e_12() {
    let ex = run().unwrap();
    assert!(ex.passed(), "{}", ex.render());
    assert!(ex.relative_difference <= TOLERANCE);
    // Independently: √(1 − 6(√1.2 + 1/√1.2 − 2)).
    let s = 1.2f64.sqrt();
    let expected = (1.0 - 6.0 * (s + 1.0 / s - 2.0)).sqrt();
    assert!((ex.hf - expected).abs() / expected <= 1e-12);
    assert!((ex.hf - 0.974_732_647_902_154_5).abs() <= 1e-12);
}

#[test]
fn example_3_states() {
    let ex = run().unwrap();
    let legs = &ex.run.legs;
    assert_eq!(legs.len(), 3);
    for leg in legs {
        // Each L2 ends at (1000/√1.2, 1000·√1.2) = (912.87…, 1095.44…).
        let x = damm_sim::units::to_tokens(leg.end.x);
        let y = damm_sim::units::to_tokens(leg.end.y);
        assert!((x - 1000.0 / 1.2f64.sqrt()).abs() < 1e-9);
        assert!((y - 1000.0 * 1.2f64.sqrt()).abs() < 1e-9);
        assert!(leg.settlement.is_ok());
    }
    // The L1 after three nets: X = 1000 − 3·87.129… = 738.61… (the seed's 739).
    let x = damm_sim::units::to_tokens(ex.run.after_nets.balance0);
    assert!((x - (1000.0 - 3.0 * (1000.0 - 1000.0 / 1.2f64.sqrt()))).abs() < 1e-9);
    assert!(x > 738.0 && x < 739.0);
    // The arbitrage keeps X·Y and lands on p = 1.2.
    let (x, y) = ex.run.after_arbitrage;
    let p = damm_sim::units::to_f64(y) / damm_sim::units::to_f64(x);
    assert!((p - 1.2).abs() < 1e-15);
}

#[test]
fn the_floor_refuses_the_third_settlement_when_raised() {
    // HF after two settlements is 0.99165 and after three 0.97473: with a
    // floor of 0.98 the third market's settlement is refused by the health rule.
    let floor = WAD * U256::from(98) / U256::from(100);
    let run = run_sequential(
        3,
        tokens(1000),
        U256::from(1_200_000_000_000_000_000u128),
        floor,
    )
    .unwrap();
    assert_eq!(run.settled(), 2);
    assert!(matches!(
        run.first_rejection(),
        Some((2, Rejection::HealthTooLow { .. }))
    ));
}

#[test]
fn past_the_drain_point_settlements_are_insolvent() {
    // n = 3 drains the x side at r = 2.25: at r = 2.5 the third settlement
    // would pay out more x than the pool holds.
    let run = run_sequential(
        3,
        tokens(1000),
        U256::from(2_500_000_000_000_000_000u128),
        U256::ZERO,
    )
    .unwrap();
    assert_eq!(run.settled(), 2);
    assert_eq!(run.first_rejection(), Some((2, Rejection::Insolvent)));
}
