//! Fixed-point `log2`, `exp2` and `pow` with proven one-sided errors.
//!
//! The bAMM curve needs `x^e` for a fractional exponent. Instead of a large
//! table of constants (Balancer's LogExpMath), this uses two short loops in
//! binary fixed point with 64 fractional bits (Q64):
//! - [`log2_q64`]: integer part from the bit length, then one fractional bit
//!   per squaring of the 128-bit mantissa. Every truncation lowers the
//!   mantissa, so the result is a **lower bound**, within `2^-62` of the truth.
//! - [`exp2_q64`]: `2^f = e^(f·ln2)` for the fraction by Taylor series in Q128,
//!   each term floored: a **lower bound**, within a relative `2^-120` plus one
//!   unit.
//! - [`pow_q64`]: brackets `x^e` between a lower and an upper bound whose
//!   relative gap is below `2^-60` plus three units (`2^-62` absolute), from
//!   the two bounds above (for `e ≤ 1`; the gap grows in proportion to `e`). Callers round toward the pool by picking a side:
//!   the lower bound for the state a trader leaves, the upper bound for the
//!   state it must match.
//!
//! `ln x = log2 x · ln 2`, so these are the crate's `ln`/`exp`/`pow`.
//! No floating point is used anywhere; `tests/reference` checks both bounds
//! against 50-digit values.

use crate::arith::{add, div, mul, mul_div, Rounding, WAD};
use crate::{MathError, Result, U256};

/// One in Q64.
pub const Q64_ONE: U256 = U256::from_limbs([0, 1, 0, 0]);
/// `⌊ln 2 · 2^128⌋`.
const LN2_Q128: U256 = U256::from_limbs([0xc9e3_b398_03f2_f6af, 0xb172_17f7_d1cf_79ab, 0, 0]);
/// Taylor terms of `e^z` for `z < ln 2`; the 40th is below `2^-160`.
const TAYLOR_TERMS: u64 = 40;
/// The largest accepted exponent in [`pow_q64`]: 128 (WAD).
pub const MAX_EXPONENT: U256 = U256::from_limbs([0xf05b_59d3_b200_0000, 0x6, 0, 0]);

/// A lower bound of `log2(x)·2^64` for an integer `x ≥ 1`, within `2^2`
/// (i.e. `log2 x − 2^-62 < result/2^64 ≤ log2 x`).
///
/// ```
/// # use damm_math::{logexp::{log2_q64, Q64_ONE}, U256};
/// assert_eq!(log2_q64(U256::from(1)).unwrap(), U256::ZERO);
/// assert_eq!(log2_q64(U256::from(1024)).unwrap(), Q64_ONE * U256::from(10));
/// assert!(log2_q64(U256::ZERO).is_err());
/// ```
pub fn log2_q64(x: U256) -> Result<U256> {
    if x.is_zero() {
        return Err(MathError::InvalidParameter);
    }
    let integer = 255 - x.leading_zeros();
    // The mantissa x / 2^integer in [1, 2), as Q127.
    let mut mantissa = if integer <= 127 {
        x << (127 - integer)
    } else {
        x >> (integer - 127)
    };
    let two = U256::from(1) << 128;
    let mut result = U256::from(integer) << 64;
    for bit in (0..64).rev() {
        // mantissa < 2^128, so its square fits 256 bits.
        mantissa = mul(mantissa, mantissa)? >> 127;
        if mantissa >= two {
            mantissa >>= 1;
            result |= U256::from(1) << bit;
        }
    }
    Ok(result)
}

/// A lower bound of `2^(f/2^64)·2^64` for `f < 191·2^64`: at least
/// `2^(f/2^64)·2^64·(1 − 2^-120) − 1`.
///
/// ```
/// # use damm_math::{logexp::{exp2_q64, Q64_ONE}, U256};
/// assert_eq!(exp2_q64(U256::ZERO).unwrap(), Q64_ONE);
/// assert_eq!(exp2_q64(Q64_ONE * U256::from(3)).unwrap(), Q64_ONE * U256::from(8));
/// // 2^0.5·2^64 = 26087635650665564424.699…
/// assert_eq!(exp2_q64(Q64_ONE / U256::from(2)).unwrap(), U256::from(26_087_635_650_665_564_424u128));
/// ```
pub fn exp2_q64(f: U256) -> Result<U256> {
    let integer: U256 = f >> 64;
    if integer >= U256::from(191) {
        return Err(MathError::Overflow);
    }
    let shift = integer.as_limbs()[0] as usize;
    let fraction = f & U256::from(u64::MAX);
    // z = fraction·ln2 in Q128, below ln 2.
    let z = mul(fraction, LN2_Q128)? >> 64;
    let one = U256::from(1) << 128;
    let (mut sum, mut term) = (one, one);
    for k in 1..=TAYLOR_TERMS {
        term = div(mul(term, z)? >> 128, U256::from(k), Rounding::Down)?;
        if term.is_zero() {
            break;
        }
        sum = add(sum, term)?;
    }
    // sum ≈ 2^fraction in Q128, below 2^129; scale by 2^integer into Q64.
    Ok(if shift >= 64 {
        sum << (shift - 64)
    } else {
        sum >> (64 - shift)
    })
}

/// Bounds `(lo, hi)` with `lo ≤ x^e·2^64 ≤ hi` for an integer `x` and a WAD
/// exponent `e ≤ 128`, with `hi − lo ≤ (x^e·2^64)·2^-60·⌈e⌉ + 3`.
///
/// Exact when `e ∈ {0, 1}` or `x ∈ {0, 1}`. Errors with
/// [`MathError::Overflow`] when `x^e ≥ 2^191`, and may from `2^190`.
///
/// ```
/// # use damm_math::{logexp::{pow_q64, Q64_ONE}, arith::WAD, U256};
/// let (lo, hi) = pow_q64(U256::from(16), WAD / U256::from(4)).unwrap(); // 16^¼ = 2
/// assert!(lo <= Q64_ONE * U256::from(2) && Q64_ONE * U256::from(2) <= hi);
/// assert_eq!(pow_q64(U256::from(7), WAD).unwrap(), (Q64_ONE * U256::from(7), Q64_ONE * U256::from(7)));
/// ```
pub fn pow_q64(x: U256, e: U256) -> Result<(U256, U256)> {
    if e > MAX_EXPONENT {
        return Err(MathError::InvalidParameter);
    }
    if e.is_zero() || x == U256::from(1) {
        return Ok((Q64_ONE, Q64_ONE));
    }
    if x.is_zero() {
        return Ok((U256::ZERO, U256::ZERO));
    }
    if e == WAD {
        let exact = mul(x, Q64_ONE)?;
        return Ok((exact, exact));
    }
    let log = log2_q64(x)?;
    // log ≤ log2(x)·2^64 < log + 4, so these exponents bracket e·log2(x)·2^64.
    let low = exp2_q64(mul_div(log, e, WAD, Rounding::Down)?)?;
    let high = exp2_q64(mul_div(add(log, U256::from(4))?, e, WAD, Rounding::Up)?)?;
    // exp2 is low by at most a relative 2^-120 plus one unit.
    let high = add(add(high, high >> 119)?, U256::from(2))?;
    Ok((low, high))
}
