//! The health factor (docs/design.md §4).
//!
//! `HF = √(X̄·Ȳ) / T` on free balances and live supply, as a WAD. `HF = 1` is
//! where a fee-less Uniswap V2 pool would leave its LPs; it does not move under
//! pro-rata joins and exits or fee-less L1 arbitrage, fees raise it, and only
//! trading on several virtual states at once (amplified IL) lowers it.

use crate::arith::{isqrt, mul, mul_div, Rounding, WAD};
use crate::{MathError, NetOrder, Result, U256};

/// The default health floor `HF_min`: 0.9 WAD.
pub const DEFAULT_HF_MIN: U256 = U256::from_limbs([900_000_000_000_000_000, 0, 0, 0]);

/// `⌊isqrt(X̄·Ȳ)·1e18 / T⌋`, floored (against whoever must clear a floor).
///
/// Free balances must keep `X̄·Ȳ < 2^256` (each below `2^128` suffices), else
/// [`MathError::Overflow`]; an empty supply gives [`MathError::DivisionByZero`].
///
/// ```
/// # use damm_math::{health, arith::WAD, U256};
/// let u = |v: u64| U256::from(v);
/// assert_eq!(health::health_factor(u(400), u(900), u(600)).unwrap(), WAD); // √360000 = 600
/// assert_eq!(health::health_factor(u(400), u(900), u(1200)).unwrap(), WAD / u(2));
/// ```
pub fn health_factor(reserve0: U256, reserve1: U256, total_supply: U256) -> Result<U256> {
    if total_supply.is_zero() {
        return Err(MathError::DivisionByZero);
    }
    mul_div(
        isqrt(mul(reserve0, reserve1)?),
        WAD,
        total_supply,
        Rounding::Down,
    )
}

/// The real-time health factor (off-chain): HF after applying every market's
/// unsettled batch net to the free balances. An operator refuses quotes that
/// would push it under the floor. [`MathError::Underflow`] if the pending nets
/// together would pay out more than the pool holds.
///
/// ```
/// # use damm_math::{health, NetOrder, arith::WAD, U256};
/// let u = |v: u64| U256::from(v);
/// let pending = [NetOrder { amount0_in: u(100), amount1_out: u(90), ..NetOrder::default() }];
/// // (400+100)·(900−90) = 405000 and ⌊√405000⌋ = 636, so HF = 636/600.
/// let hf = health::health_factor_with_pending(u(400), u(900), u(600), &pending).unwrap();
/// assert_eq!(hf, U256::from(1_060_000_000_000_000_000u64));
/// ```
pub fn health_factor_with_pending(
    reserve0: U256,
    reserve1: U256,
    total_supply: U256,
    pending: &[NetOrder],
) -> Result<U256> {
    let (mut r0, mut r1) = (reserve0, reserve1);
    for net in pending {
        (r0, r1) = net.apply(r0, r1)?;
    }
    health_factor(r0, r1, total_supply)
}

/// The settlement rule of seed 001: a checkpoint is accepted when
/// `HF_after ≥ HF_min`, or when it does not lower HF (`HF_after ≥ HF_before`).
/// Below the floor, every settlement must therefore keep or improve HF.
///
/// Both HFs are floored WADs from [`health_factor`], so a decrease smaller than
/// one WAD unit (a relative `1e-18`) is indistinguishable from no change; that
/// is what lets an empty checkpoint through while HF is under the floor.
///
/// ```
/// # use damm_math::{health::settlement_allowed, U256};
/// let u = |v: u64| U256::from(v);
/// assert!(settlement_allowed(u(95), u(91), u(90)));   // stays above the floor
/// assert!(!settlement_allowed(u(95), u(89), u(90)));  // falls through it
/// assert!(settlement_allowed(u(80), u(85), u(90)));   // below, but improving
/// assert!(!settlement_allowed(u(80), u(79), u(90)));  // below and worsening
/// ```
#[must_use]
pub fn settlement_allowed(hf_before: U256, hf_after: U256, hf_min: U256) -> bool {
    hf_after >= hf_min || hf_after >= hf_before
}
