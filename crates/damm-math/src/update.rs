//! The state update after a settlement (SPEC §8, seed 000).
//!
//! Keep the market's spot price, use as much liquidity as its allocation
//! allows, and never let a virtual balance exceed what is there. This is how
//! deposits, withdrawals and the other markets' settlements reach a market,
//! one batch late.

use crate::arith::{min, mul_div, wad_mul, Rounding};
use crate::{Result, VirtualState, U256};

/// The committed state after settlement, at the end price `p = y_end/x_end`:
/// `x' = min(A_x, ⌊A_y·x_end/y_end⌋)`, `y' = ⌊x'·y_end/x_end⌋`. Both floored,
/// so `x' ≤ A_x` and `y' ≤ A_y`. [`crate::MathError::DivisionByZero`] if either
/// end balance is zero (no price).
///
/// ```
/// # use damm_math::{update::rescale, U256};
/// let u = |v: u64| U256::from(v);
/// // Price 2 y per x; 500 x but only 600 y available: y binds.
/// assert_eq!(rescale(u(100), u(200), u(500), u(600)).unwrap(), (u(300), u(600)));
/// // Plenty of y: x binds.
/// assert_eq!(rescale(u(100), u(200), u(250), u(10_000)).unwrap(), (u(250), u(500)));
/// ```
pub fn rescale(x_end: U256, y_end: U256, avail0: U256, avail1: U256) -> Result<(U256, U256)> {
    let x = min(avail0, mul_div(avail1, x_end, y_end, Rounding::Down)?);
    let y = mul_div(x, y_end, x_end, Rounding::Down)?;
    Ok((x, y))
}

/// The market's next committed state: [`rescale`] of its end state into its
/// allocation `w·(X̄, Ȳ)` (floored) of the free balances after settlement.
///
/// ```
/// # use damm_math::{update::commit, arith::WAD, VirtualState, U256};
/// let u = |v: u64| U256::from(v);
/// let next = commit(&VirtualState::new(u(1000), u(1000)), u(4000), u(2000), WAD / u(2)).unwrap();
/// assert_eq!(next, VirtualState::new(u(1000), u(1000)));
/// ```
pub fn commit(end: &VirtualState, free0: U256, free1: U256, weight: U256) -> Result<VirtualState> {
    let (x, y) = rescale(
        end.x,
        end.y,
        wad_mul(free0, weight, Rounding::Down)?,
        wad_mul(free1, weight, Rounding::Down)?,
    )?;
    Ok(VirtualState::new(x, y))
}
