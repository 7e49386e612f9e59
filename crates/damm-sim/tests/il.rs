//! The IL grid through the real code: agreement with the closed form and the
//! drain boundary.

use damm_sim::closed_form::{drain_ratio_down, drain_ratio_up};
use damm_sim::il::{drain_boundary, run, IlConfig};
use damm_sim::progress::hidden;
use damm_sim::units::tokens;

#[test]
fn small_grid_agrees_with_the_closed_form() {
    let config = IlConfig {
        max_markets: 4,
        points: 9,
        ..IlConfig::default()
    };
    let report = run(&config, &hidden()).unwrap();
    assert_eq!(report.rows.len(), 4 * 9);
    assert!(
        report.max_rel_diff(0.05) <= 1e-12,
        "{}",
        report.max_rel_diff(0.05)
    );
    for row in &report.rows {
        if row.n == 1 {
            // One market is Uniswap V2.
            assert!(!row.drained);
            let v = row.value_damm.unwrap();
            assert!((v - row.value_v2).abs() / row.value_v2 < 1e-12);
        }
        let up = drain_ratio_up(row.n).unwrap_or(f64::INFINITY);
        let down = drain_ratio_down(row.n).unwrap_or(0.0);
        if row.r > up * (1.0 + 1e-9) || row.r < down * (1.0 - 1e-9) {
            assert!(row.drained, "n {} r {} should drain", row.n, row.r);
            // Past the point: `Insolvent`; exactly at it (a free balance
            // of zero), the market could not be funded any more.
            assert!(
                row.rejection.as_deref().is_some_and(
                    |r| r.contains("Insolvent") || r.contains("InsufficientLiquidity")
                ),
                "{:?}",
                row.rejection
            );
        }
        if row.r < up * (1.0 - 1e-9) && row.r > down * (1.0 + 1e-9) {
            assert!(!row.drained, "n {} r {} should not drain", row.n, row.r);
            assert_eq!(row.settled, row.n as usize);
        }
    }
    // The code's drain boundaries sit on the formula.
    for d in &report.drains {
        assert!(
            (d.up_code - d.up_closed).abs() / d.up_closed < 1e-9,
            "{d:?}"
        );
        assert!(
            (d.down_code - d.down_closed).abs() / d.down_closed < 1e-9,
            "{d:?}"
        );
    }
}

#[test]
fn drain_boundary_for_two_markets_is_four() {
    let r = drain_boundary(2, tokens(1000), 1.0, 16.0).unwrap();
    assert!((r - 4.0).abs() < 1e-9, "{r}");
}
