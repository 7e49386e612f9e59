//! Token units and the bridge between `U256` amounts and `f64` analytics.
//!
//! Amounts are 18-decimal base units (`1 token = 1e18`), as on chain. The
//! simulator converts to `f64` only to value, average and plot results; it
//! converts from `f64` only for inputs that are analytic by nature (a price
//! drawn from a random path, a fee being bisected), rounding to the nearest
//! WAD unit, a relative error of `1e-18` at the magnitudes used here.

use damm_math::arith::WAD;
use damm_math::U256;

use crate::{Result, SimError};

/// `units` whole tokens in 18-decimal base units.
///
/// ```
/// # use damm_sim::{units::tokens, U256};
/// assert_eq!(tokens(3), U256::from(3_000_000_000_000_000_000u128));
/// ```
#[must_use]
pub fn tokens(units: u64) -> U256 {
    U256::from(units).saturating_mul(WAD)
}

/// `v` as an `f64` (nearest, up to the last bit of the mantissa).
///
/// ```
/// # use damm_sim::{units::to_f64, U256};
/// assert_eq!(to_f64(U256::from(1u64) << 100), 2f64.powi(100));
/// ```
#[must_use]
pub fn to_f64(v: U256) -> f64 {
    v.as_limbs().iter().rev().fold(0.0, |acc, &limb| {
        acc * 18_446_744_073_709_551_616.0 + limb as f64
    })
}

/// An amount in base units as whole tokens (`v / 1e18`).
#[must_use]
pub fn to_tokens(v: U256) -> f64 {
    to_f64(v) / 1e18
}

/// A WAD fixed-point value as an `f64` (`v / 1e18`).
#[must_use]
pub fn wad_to_f64(v: U256) -> f64 {
    to_f64(v) / 1e18
}

/// `round(v·1e18)` as a WAD. `v` must be finite, non-negative and below `1e20`.
///
/// ```
/// # use damm_sim::{units::from_f64_wad, U256};
/// assert_eq!(from_f64_wad(1.2).unwrap(), U256::from(1_200_000_000_000_000_000u128));
/// assert!(from_f64_wad(-1.0).is_err());
/// ```
pub fn from_f64_wad(v: f64) -> Result<U256> {
    if !v.is_finite() || !(0.0..1e20).contains(&v) {
        return Err(SimError::Invalid(format!("{v} is not a WAD in [0, 1e20)")));
    }
    // Below 1e38 < u128::MAX, so the cast is exact to the nearest integer.
    Ok(U256::from(libm::round(v * 1e18) as u128))
}

/// A fee in basis points (fractions allowed) as a WAD: `round(bps·1e14)`.
///
/// ```
/// # use damm_sim::{units::bps_to_wad, U256};
/// assert_eq!(bps_to_wad(30.0).unwrap(), U256::from(3_000_000_000_000_000u64));
/// ```
pub fn bps_to_wad(bps: f64) -> Result<U256> {
    if !bps.is_finite() || !(0.0..10_000.0).contains(&bps) {
        return Err(SimError::Invalid(format!(
            "fee {bps} bps is not in [0, 10000)"
        )));
    }
    from_f64_wad(bps / 10_000.0)
}

/// A WAD fee in basis points.
#[must_use]
pub fn wad_to_bps(v: U256) -> f64 {
    wad_to_f64(v) * 10_000.0
}

/// An amount in base units printed exactly as whole tokens with `decimals`
/// digits after the point (truncated, never rounded up).
///
/// ```
/// # use damm_sim::{units::fmt_tokens, U256};
/// assert_eq!(fmt_tokens(U256::from(912_870_929_175_276_855_901u128), 6), "912.870929");
/// assert_eq!(fmt_tokens(U256::from(5u64), 18), "0.000000000000000005");
/// ```
#[must_use]
pub fn fmt_tokens(v: U256, decimals: usize) -> String {
    let int = v / WAD;
    let frac = format!("{:018}", v % WAD);
    let decimals = decimals.min(18);
    if decimals == 0 {
        format!("{int}")
    } else {
        format!("{int}.{}", &frac[..decimals])
    }
}
