//! The closed forms of docs/design.md §4, checked against independent computations.

use damm_sim::closed_form::{
    balances_after_nets, damm_value_vs_hold, drain_ratio_down, drain_ratio_up, health_factor,
    v2_value_vs_hold,
};
use damm_sim::il::floor_ratio;

/// `HF² = 1 − n(n−1)(√r + 1/√r − 2)`: the same quantity through
/// `(r^¼ − r^−¼)² = √r + 1/√r − 2`, without fourth roots.
fn hf_independent(n: f64, r: f64) -> f64 {
    let s = r.sqrt();
    (1.0 - n * (n - 1.0) * (s + 1.0 / s - 2.0)).sqrt()
}

#[test]
fn one_market_is_uniswap_v2_at_every_price() {
    for r in [0.01, 0.25, 0.5, 0.9, 1.0, 1.2, 2.0, 4.0, 100.0] {
        assert_eq!(health_factor(1, r), Some(1.0), "r = {r}");
        assert_eq!(damm_value_vs_hold(1, r), Some(v2_value_vs_hold(r)));
    }
    assert_eq!(drain_ratio_up(1), None);
    assert_eq!(drain_ratio_down(1), None);
}

#[test]
fn three_markets_at_one_point_two() {
    // 0.97473264790215450336… by 50-digit decimal arithmetic.
    let hf = health_factor(3, 1.2).unwrap();
    assert!((hf - 0.974_732_647_902_154_5).abs() < 1e-15, "{hf}");
    assert!((hf - hf_independent(3.0, 1.2)).abs() < 1e-15);
    // Two markets: 0.99164908693992243…, the HF after Example 3's second settlement.
    assert!((health_factor(2, 1.2).unwrap() - hf_independent(2.0, 1.2)).abs() < 1e-15);
}

#[test]
fn agrees_with_the_balances_everywhere() {
    for n in 1..=8u32 {
        for i in 0..=100 {
            let r = 0.25 * 16f64.powf(f64::from(i) / 100.0);
            let (x, y) = balances_after_nets(n, r);
            match health_factor(n, r) {
                Some(hf) => {
                    assert!((hf * hf - x * y).abs() < 1e-12, "n {n} r {r}");
                    // Compared squared: near a drain point HF → 0 and the
                    // square root magnifies float noise.
                    let indep = hf_independent(f64::from(n), r);
                    assert!((hf * hf - indep * indep).abs() < 1e-12, "n {n} r {r}");
                    assert!((0.0..=1.0 + 1e-15).contains(&hf));
                }
                None => assert!(x < 0.0 || y < 0.0, "n {n} r {r}"),
            }
        }
    }
}

#[test]
fn drain_points() {
    for n in 2..=8u32 {
        let nf = f64::from(n);
        let up = drain_ratio_up(n).unwrap();
        let down = drain_ratio_down(n).unwrap();
        assert!((up - (nf / (nf - 1.0)).powi(2)).abs() < 1e-15);
        assert!((up * down - 1.0).abs() < 1e-14, "mirror images");
        // There the x (resp. y) side is exactly empty and HF is zero.
        assert!(balances_after_nets(n, up).0.abs() < 1e-12);
        assert!(balances_after_nets(n, down).1.abs() < 1e-12);
        assert!(hf_independent(nf, up).is_nan() || hf_independent(nf, up) < 1e-6);
        assert!(health_factor(n, up * 1.001).is_none());
        assert!(health_factor(n, down / 1.001).is_none());
        assert!(health_factor(n, up / 1.001).is_some());
    }
    assert_eq!(drain_ratio_up(2), Some(4.0));
    assert_eq!(drain_ratio_up(3), Some(2.25));
}

#[test]
fn the_floor_ratio_is_where_hf_is_point_nine() {
    for n in 2..=8u32 {
        let r = floor_ratio(n, 0.9);
        assert!(
            (hf_independent(f64::from(n), r) - 0.9).abs() < 1e-12,
            "n {n}"
        );
        assert!(r < drain_ratio_up(n).unwrap());
    }
    assert!(floor_ratio(1, 0.9).is_infinite());
}
