//! The closed forms of docs/design.md §4, in `f64`, for comparison with the real code.
//!
//! Setting: one L1 pool and `n` full-allocation (`w = 1`) constant-product
//! markets that all start on the pool's balances `(1, 1)` (scale-free). Each
//! market is arbitraged fee-less from price 1 to price ratio `r`, so it ends
//! at `(r^−½, r^½)`; the L1 absorbs the `n` nets and is then arbitraged
//! fee-less to `r`, which keeps its `X·Y`. Then
//!
//! - `X = 1 − n(1 − r^−½)`, `Y = 1 + n(r^½ − 1)`,
//! - `HF² = X·Y = 1 − n(n−1)(r^¼ − r^−¼)²`,
//! - the x side drains (`X = 0`) at `r = (n/(n−1))²` and the y side at
//!   `r = ((n−1)/n)²`; past either, some settlement has to pay out more than
//!   the pool holds.
//!
//! The value of a share at the new price `r` is `2·√r·HF` (in y, per initial
//! `1 x + 1 y`), against `2·√r` for a fee-less Uniswap V2 share and `1 + r`
//! for holding, so `HF` is exactly the dAMM LP's value relative to V2.

/// The pool's free balances `(X, Y)` after `n` markets' nets (before the L1
/// arbitrage), per unit of initial balance. Negative means drained.
#[must_use]
pub fn balances_after_nets(n: u32, r: f64) -> (f64, f64) {
    let n = f64::from(n);
    let s = libm::sqrt(r);
    (1.0 - n * (1.0 - 1.0 / s), 1.0 + n * (s - 1.0))
}

/// `HF = √(1 − n(n−1)(r^¼ − r^−¼)²)`, or `None` past a drain point (where the
/// radicand is negative or a balance would be). `HF(1, r) = 1` for every `r`.
///
/// ```
/// # use damm_sim::closed_form::health_factor;
/// assert_eq!(health_factor(1, 3.0), Some(1.0));
/// assert!((health_factor(3, 1.2).unwrap() - 0.974_732_647_902_154_5).abs() < 1e-15);
/// assert_eq!(health_factor(2, 4.5), None);
/// ```
#[must_use]
pub fn health_factor(n: u32, r: f64) -> Option<f64> {
    if r.is_nan() || r <= 0.0 || n == 0 {
        return None;
    }
    let (x, y) = balances_after_nets(n, r);
    if x < 0.0 || y < 0.0 {
        return None;
    }
    let q = libm::pow(r, 0.25) - libm::pow(r, -0.25);
    let nf = f64::from(n);
    let radicand = 1.0 - nf * (nf - 1.0) * q * q;
    (radicand >= 0.0).then(|| libm::sqrt(radicand))
}

/// Where the x side drains as the price rises: `r = (n/(n−1))²`; `None` for
/// `n = 1` (a single market never drains the pool).
///
/// ```
/// # use damm_sim::closed_form::drain_ratio_up;
/// assert_eq!(drain_ratio_up(2), Some(4.0));
/// assert_eq!(drain_ratio_up(3), Some(2.25));
/// assert_eq!(drain_ratio_up(1), None);
/// ```
#[must_use]
pub fn drain_ratio_up(n: u32) -> Option<f64> {
    (n >= 2).then(|| {
        let q = f64::from(n) / f64::from(n - 1);
        q * q
    })
}

/// Where the y side drains as the price falls: `r = ((n−1)/n)²`, the mirror
/// image `1/drain_ratio_up(n)`; `None` for `n = 1`.
#[must_use]
pub fn drain_ratio_down(n: u32) -> Option<f64> {
    (n >= 2).then(|| {
        let q = f64::from(n - 1) / f64::from(n);
        q * q
    })
}

/// A fee-less Uniswap V2 share's value relative to holding at price ratio
/// `r`: `2√r/(1+r)` (the classic IL curve plus one).
#[must_use]
pub fn v2_value_vs_hold(r: f64) -> f64 {
    2.0 * libm::sqrt(r) / (1.0 + r)
}

/// The dAMM share's value relative to holding: `HF·2√r/(1+r)`; `None` past a
/// drain point.
#[must_use]
pub fn damm_value_vs_hold(n: u32, r: f64) -> Option<f64> {
    health_factor(n, r).map(|hf| hf * v2_value_vs_hold(r))
}
