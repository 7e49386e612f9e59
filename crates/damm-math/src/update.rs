//! The state update after a settlement (docs/design.md §8, seed 000).
//!
//! Keep the market's spot price, use as much liquidity as its allocation
//! allows, and never let a virtual balance exceed what is there. This is how
//! deposits, withdrawals and the other markets' settlements reach a market,
//! one batch late.

use crate::arith::{min, mul_div, wad_mul, Rounding};
use crate::{Curve, Result, VirtualState, U256};

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
/// allocation `w·(X̄, Ȳ)` (floored) of the free balances after settlement,
/// capped at the curve's domain ([`Curve::max_balance`]) so that its next
/// checkpoint can always be judged.
///
/// ```
/// # use damm_math::{update::commit, arith::WAD, Curve, VirtualState, U256};
/// let u = |v: u64| U256::from(v);
/// let next = commit(&Curve::ConstantProduct, &VirtualState::new(u(1000), u(1000)), u(4000), u(2000), WAD / u(2)).unwrap();
/// assert_eq!(next, VirtualState::new(u(1000), u(1000)));
/// ```
pub fn commit(
    curve: &Curve,
    end: &VirtualState,
    free0: U256,
    free1: U256,
    weight: U256,
) -> Result<VirtualState> {
    let cap = curve.max_balance();
    let (x, y) = rescale(
        end.x,
        end.y,
        min(wad_mul(free0, weight, Rounding::Down)?, cap),
        min(wad_mul(free1, weight, Rounding::Down)?, cap),
    )?;
    Ok(VirtualState::new(x, y))
}

/// A market's first state (docs/design.md §8): the pool's price `Ȳ/X̄` on the
/// market's own curve ([`Curve::point_at_price`]), as the largest state of
/// that ratio inside the allocation `w·(X̄, Ȳ)`. For constant product that
/// is the pool's ratio; a StableSwap or bAMM market at the pool's ratio
/// would quote another price, which the first batch could arbitrage.
///
/// ```
/// # use damm_math::{update::open, arith::WAD, bamm::Bamm, Curve, U256};
/// let u = |v: u64| U256::from(v);
/// let e18 = u(10u64.pow(18));
/// // A 1000:4000 pool (price 4): a bAMM market with α = ½, t = ½ opens at
/// // y/x = 16, where (y/x)^½ = 4.
/// let curve = Curve::Bamm(Bamm::new(WAD / u(2), WAD / u(2)).unwrap());
/// let first = open(&curve, u(1000) * e18, u(4000) * e18, WAD).unwrap();
/// assert_eq!(first.y, u(4000) * e18);
/// assert!(first.x >= u(249) * e18 && first.x <= u(251) * e18);
/// ```
pub fn open(curve: &Curve, free0: U256, free1: U256, weight: U256) -> Result<VirtualState> {
    let (x, y) = curve.point_at_price(free1, free0)?;
    commit(curve, &VirtualState::new(x, y), free0, free1, weight)
}
