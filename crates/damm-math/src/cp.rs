//! Constant-product swaps (docs/design.md §1), Uniswap V2 style.
//!
//! The fee is charged on the input and stays in the reserves, so `k = x·y`
//! grows with every trade. Exact-in outputs round down and exact-out inputs
//! round up: both favour the pool.
//!
//! Fees come in two forms: basis points (`fee_bps`, the public API) and WAD
//! fractions (`fee`, for the dynamic fee's finer steps). A bps fee is the WAD
//! fee `bps·1e14`; both forms share one formula, and scaling numerator and
//! denominator by `1e14` leaves every floor and ceiling unchanged.

use core::cmp::Ordering;

use crate::arith::{add, bps_to_wad, mul, mul_cmp, mul_div, sub, Rounding, WAD};
use crate::fee::gamma;
use crate::{MathError, Result, U256};

/// Output of an exact-in swap, floored:
/// `⌊a·(10000−f)·R_out / (R_in·10000 + a·(10000−f))⌋`.
///
/// Errors: [`MathError::InsufficientLiquidity`] for an empty reserve,
/// [`MathError::InvalidParameter`] for `fee_bps ≥ 10000`, [`MathError::Overflow`]
/// when `a·(1e18 − fee)` or the denominator exceeds `U256`.
///
/// ```
/// # use damm_math::{cp, U256};
/// // Selling 1 ETH into 100 ETH / 178,000 DAI with no fee pays ⌊178,000/101⌋ DAI.
/// let eth = U256::from(10u128.pow(18));
/// let out = cp::amount_out(eth, U256::from(100) * eth, U256::from(178_000) * eth, 0).unwrap();
/// assert_eq!(out, U256::from(1_762_376_237_623_762_376_237u128));
/// ```
pub fn amount_out(
    amount_in: U256,
    reserve_in: U256,
    reserve_out: U256,
    fee_bps: u32,
) -> Result<U256> {
    amount_out_with_fee(amount_in, reserve_in, reserve_out, bps_to_wad(fee_bps)?)
}

/// Input of an exact-out swap, rounded up:
/// `⌈R_in·b·10000 / ((R_out − b)·(10000−f))⌉`. Requires `b < R_out`.
///
/// Errors as [`amount_out`], plus [`MathError::InsufficientLiquidity`] when
/// `amount_out ≥ reserve_out`.
///
/// ```
/// # use damm_math::{cp, U256};
/// // docs/design.md §13, Example 1: buying 0.1 ETH from 100 ETH / 178,000 DAI costs ⌈178.178...⌉.
/// let eth = U256::from(10u128.pow(18));
/// let cost = cp::amount_in(eth / U256::from(10), U256::from(178_000) * eth, U256::from(100) * eth, 0).unwrap();
/// assert_eq!(cost, U256::from(178_178_178_178_178_178_179u128));
/// ```
pub fn amount_in(
    amount_out: U256,
    reserve_in: U256,
    reserve_out: U256,
    fee_bps: u32,
) -> Result<U256> {
    amount_in_with_fee(amount_out, reserve_in, reserve_out, bps_to_wad(fee_bps)?)
}

/// [`amount_out`] with the fee as a WAD fraction (`fee < 1e18`). Floored.
///
/// ```
/// # use damm_math::{cp, U256, arith::bps_to_wad};
/// let r = U256::from(1_000_000u64);
/// let bps = cp::amount_out(U256::from(1000), r, r, 30).unwrap();
/// let wad = cp::amount_out_with_fee(U256::from(1000), r, r, bps_to_wad(30).unwrap()).unwrap();
/// assert_eq!(bps, wad);
/// ```
pub fn amount_out_with_fee(
    amount_in: U256,
    reserve_in: U256,
    reserve_out: U256,
    fee: U256,
) -> Result<U256> {
    let gamma = gamma(fee)?;
    if reserve_in.is_zero() || reserve_out.is_zero() {
        return Err(MathError::InsufficientLiquidity);
    }
    let effective_in = mul(amount_in, gamma)?;
    let denominator = add(mul(reserve_in, WAD)?, effective_in)?;
    mul_div(effective_in, reserve_out, denominator, Rounding::Down)
}

/// [`amount_in`] with the fee as a WAD fraction (`fee < 1e18`). Rounded up.
///
/// ```
/// # use damm_math::{cp, U256};
/// let r = U256::from(1_000_000u64);
/// assert!(cp::amount_in_with_fee(r, r, r, U256::ZERO).is_err()); // cannot empty the pool
/// ```
pub fn amount_in_with_fee(
    amount_out: U256,
    reserve_in: U256,
    reserve_out: U256,
    fee: U256,
) -> Result<U256> {
    let gamma = gamma(fee)?;
    if reserve_in.is_zero() || amount_out >= reserve_out {
        return Err(MathError::InsufficientLiquidity);
    }
    let denominator = mul(sub(reserve_out, amount_out)?, gamma)?;
    mul_div(mul(reserve_in, WAD)?, amount_out, denominator, Rounding::Up)
}

/// Whether `k` did not decrease from `(x0, y0)` to `(x1, y1)`: `x1·y1 ≥ x0·y0`,
/// compared exactly in 512 bits.
///
/// ```
/// # use damm_math::{cp, U256};
/// let u = |v: u64| U256::from(v);
/// assert!(cp::k_not_decreased(u(10), u(10), u(20), u(5)));
/// assert!(!cp::k_not_decreased(u(10), u(10), u(21), u(4)));
/// ```
#[must_use]
pub fn k_not_decreased(x0: U256, y0: U256, x1: U256, y1: U256) -> bool {
    mul_cmp(x1, y1, x0, y0) != Ordering::Less
}
