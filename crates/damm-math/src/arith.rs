//! Checked 256-bit arithmetic, one 512-bit `mul_div`, an integer square root
//! and WAD (1e18) fixed-point helpers.
//!
//! `U256`'s operators wrap silently, so this crate never uses them on amounts:
//! every addition, subtraction and product goes through the checked helpers
//! here, and every division goes through [`mul_div`]. Routing all division
//! through one function keeps a single long-division routine in the contract's
//! WASM.

use core::cmp::Ordering;

use alloy_primitives::ruint::algorithms;

use crate::{MathError, Result, U256};

/// 512-bit unsigned integer, used only for exact products and comparisons.
pub type U512 = alloy_primitives::ruint::Uint<512, 8>;

/// One in WAD fixed point: `1e18`.
pub const WAD: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

/// Basis points in one: `10_000`.
pub const BPS: u32 = 10_000;

/// Which way a division rounds. The pool always takes the side that favours it:
/// amounts paid out round [`Rounding::Down`], amounts paid in round [`Rounding::Up`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// Toward zero (floor).
    Down,
    /// Away from zero (ceiling).
    Up,
}

/// `a + b`, or [`MathError::Overflow`].
///
/// ```
/// # use damm_math::{arith::add, U256, MathError};
/// assert_eq!(add(U256::from(2), U256::from(3)), Ok(U256::from(5)));
/// assert_eq!(add(U256::MAX, U256::from(1)), Err(MathError::Overflow));
/// ```
#[inline]
pub fn add(a: U256, b: U256) -> Result<U256> {
    a.checked_add(b).ok_or(MathError::Overflow)
}

/// `a - b`, or [`MathError::Underflow`].
///
/// ```
/// # use damm_math::{arith::sub, U256, MathError};
/// assert_eq!(sub(U256::from(5), U256::from(3)), Ok(U256::from(2)));
/// assert_eq!(sub(U256::from(3), U256::from(5)), Err(MathError::Underflow));
/// ```
#[inline]
pub fn sub(a: U256, b: U256) -> Result<U256> {
    a.checked_sub(b).ok_or(MathError::Underflow)
}

/// `a * b`, or [`MathError::Overflow`].
///
/// ```
/// # use damm_math::{arith::mul, U256, MathError};
/// assert_eq!(mul(U256::from(6), U256::from(7)), Ok(U256::from(42)));
/// assert_eq!(mul(U256::MAX, U256::from(2)), Err(MathError::Overflow));
/// ```
#[inline]
pub fn mul(a: U256, b: U256) -> Result<U256> {
    // Through the one widening product, so the WASM carries a single
    // multiplication routine.
    let product = wide_limbs(a, b);
    if product[4..].iter().any(|&limb| limb != 0) {
        return Err(MathError::Overflow);
    }
    Ok(U256::from_limbs([
        product[0], product[1], product[2], product[3],
    ]))
}

/// The exact 512-bit product `a * b`.
#[must_use]
pub fn wide_mul(a: U256, b: U256) -> U512 {
    U512::from_limbs(wide_limbs(a, b))
}

fn wide_limbs(a: U256, b: U256) -> [u64; 8] {
    let mut product = [0u64; 8];
    // The carry flag is ignored: a 256x256-bit product always fits 512 bits.
    let _carry = algorithms::addmul(&mut product, a.as_limbs(), b.as_limbs());
    product
}

/// Compares `a * b` with `c * d` exactly, without overflow.
///
/// ```
/// # use damm_math::{arith::mul_cmp, U256};
/// # use core::cmp::Ordering;
/// let big = U256::MAX;
/// assert_eq!(mul_cmp(big, big, big, big - U256::from(1)), Ordering::Greater);
/// ```
#[must_use]
pub fn mul_cmp(a: U256, b: U256, c: U256, d: U256) -> Ordering {
    wide_mul(a, b).cmp(&wide_mul(c, d))
}

/// `a * b / d` with a 512-bit intermediate, rounded as asked.
///
/// This is the crate's only division. Errors: [`MathError::DivisionByZero`]
/// when `d == 0`, [`MathError::Overflow`] when the quotient exceeds `U256`.
///
/// ```
/// # use damm_math::{arith::{mul_div, Rounding}, U256};
/// let (a, b, d) = (U256::MAX, U256::from(3), U256::from(6));
/// // MAX * 3 / 6 overflows 256 bits in the middle but not at the end.
/// assert_eq!(mul_div(a, b, d, Rounding::Down).unwrap(), U256::MAX >> 1);
/// assert_eq!(mul_div(U256::from(7), U256::from(1), U256::from(2), Rounding::Up).unwrap(), U256::from(4));
/// ```
pub fn mul_div(a: U256, b: U256, d: U256, rounding: Rounding) -> Result<U256> {
    if d.is_zero() {
        return Err(MathError::DivisionByZero);
    }
    let mut quotient = wide_limbs(a, b);
    let mut remainder = *d.as_limbs();
    long_division(&mut quotient, &mut remainder);
    if quotient[4..].iter().any(|&limb| limb != 0) {
        return Err(MathError::Overflow);
    }
    let floor = U256::from_limbs([quotient[0], quotient[1], quotient[2], quotient[3]]);
    match rounding {
        Rounding::Up if remainder != [0; 4] => add(floor, U256::from(1)),
        _ => Ok(floor),
    }
}

/// `a / d`, rounded as asked (a [`mul_div`] by one).
///
/// ```
/// # use damm_math::{arith::{div, Rounding}, U256};
/// assert_eq!(div(U256::from(7), U256::from(2), Rounding::Down).unwrap(), U256::from(3));
/// assert_eq!(div(U256::from(7), U256::from(2), Rounding::Up).unwrap(), U256::from(4));
/// ```
#[inline]
pub fn div(a: U256, d: U256, rounding: Rounding) -> Result<U256> {
    mul_div(a, U256::from(1), d, rounding)
}

/// The single long-division routine: the quotient replaces `numerator`, the
/// remainder replaces `divisor`. The divisor is nonzero (checked by the caller).
///
/// Natively this is ruint's fast division. In the contract's WASM it is
/// [`shift_subtract_division`]: about a tenth of the code, for a few gas more
/// per division. Both compute the exact quotient and remainder; a proptest
/// checks that they agree.
#[inline(never)]
fn long_division(numerator: &mut [u64; 8], divisor: &mut [u64; 4]) {
    #[cfg(target_arch = "wasm32")]
    shift_subtract_division(numerator, divisor);
    #[cfg(not(target_arch = "wasm32"))]
    algorithms::div::div(numerator, divisor);
}

/// Binary long division of a 512-bit numerator by a nonzero 256-bit divisor,
/// one quotient bit per step from the numerator's top set bit.
#[cfg(any(target_arch = "wasm32", test))]
fn shift_subtract_division(numerator: &mut [u64; 8], divisor: &mut [u64; 4]) {
    let d = U256::from_limbs(*divisor);
    let n = U512::from_limbs(*numerator);
    let (mut remainder, mut quotient) = (U256::ZERO, [0u64; 8]);
    for bit in (0..n.bit_len()).rev() {
        // The remainder is below d, so shifting it loses at most one top bit,
        // which means the shifted value exceeds d.
        let carry = remainder.bit(255);
        remainder = (remainder << 1) | U256::from(u8::from(n.bit(bit)));
        if carry || remainder >= d {
            remainder = remainder.wrapping_sub(d);
            quotient[bit / 64] |= 1 << (bit % 64);
        }
    }
    *numerator = quotient;
    *divisor = *remainder.as_limbs();
}

/// `⌊√n⌋`, by Newton's method from a power of two above the root.
///
/// ```
/// # use damm_math::{arith::isqrt, U256};
/// assert_eq!(isqrt(U256::from(0)), U256::from(0));
/// assert_eq!(isqrt(U256::from(99)), U256::from(9));
/// assert_eq!(isqrt(U256::from(100)), U256::from(10));
/// assert_eq!(isqrt(U256::MAX), U256::from(u128::MAX));
/// ```
#[must_use]
pub fn isqrt(n: U256) -> U256 {
    if n < U256::from(2) {
        return n;
    }
    let bits = 256 - n.leading_zeros();
    // 2^ceil(bits/2) is at least √n, so the iteration decreases monotonically.
    let mut x = U256::from(1) << bits.div_ceil(2);
    loop {
        // x ≥ 1, so the division cannot fail; `unwrap_or(x)` only ends the loop.
        let next = match div(n, x, Rounding::Down).and_then(|q| add(x, q)) {
            Ok(sum) => sum >> 1,
            Err(_) => x,
        };
        if next >= x {
            return x;
        }
        x = next;
    }
}

/// `a * b / 1e18`, rounded as asked.
///
/// ```
/// # use damm_math::{arith::{wad_mul, Rounding, WAD}, U256};
/// let half = WAD / U256::from(2);
/// assert_eq!(wad_mul(U256::from(3), half, Rounding::Down).unwrap(), U256::from(1));
/// assert_eq!(wad_mul(U256::from(3), half, Rounding::Up).unwrap(), U256::from(2));
/// ```
#[inline]
pub fn wad_mul(a: U256, b: U256, rounding: Rounding) -> Result<U256> {
    mul_div(a, b, WAD, rounding)
}

/// `a * 1e18 / b`, rounded as asked.
///
/// ```
/// # use damm_math::{arith::{wad_div, Rounding, WAD}, U256};
/// assert_eq!(wad_div(U256::from(1), U256::from(4), Rounding::Down).unwrap(), WAD / U256::from(4));
/// ```
#[inline]
pub fn wad_div(a: U256, b: U256, rounding: Rounding) -> Result<U256> {
    mul_div(a, WAD, b, rounding)
}

/// A fee in basis points as a WAD fraction: `bps * 1e14`.
///
/// Errors with [`MathError::InvalidParameter`] above 10,000 bps.
///
/// ```
/// # use damm_math::{arith::bps_to_wad, U256};
/// assert_eq!(bps_to_wad(25).unwrap(), U256::from(2_500_000_000_000_000u64));
/// assert!(bps_to_wad(10_001).is_err());
/// ```
pub fn bps_to_wad(bps: u32) -> Result<U256> {
    if bps > BPS {
        return Err(MathError::InvalidParameter);
    }
    mul(U256::from(bps), U256::from(100_000_000_000_000u64))
}

/// The smaller of two values.
#[inline]
#[must_use]
pub fn min(a: U256, b: U256) -> U256 {
    if a < b {
        a
    } else {
        b
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn limbs256() -> impl Strategy<Value = [u64; 4]> {
        // Mix full-width and short values, so both long and short divisors occur.
        prop_oneof![
            any::<[u64; 4]>(),
            any::<u64>().prop_map(|v| [v, 0, 0, 0]),
            any::<[u64; 2]>().prop_map(|v| [v[0], v[1], 0, 0])
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        /// The WASM's compact division and ruint's agree on every input.
        #[test]
        fn the_compact_division_equals_ruints(a in limbs256(), b in limbs256(), d in limbs256()) {
            prop_assume!(d != [0; 4]);
            let product = wide_limbs(U256::from_limbs(a), U256::from_limbs(b));
            let (mut fast_q, mut fast_r) = (product, d);
            algorithms::div::div(&mut fast_q, &mut fast_r);
            let (mut small_q, mut small_r) = (product, d);
            shift_subtract_division(&mut small_q, &mut small_r);
            prop_assert_eq!((small_q, small_r), (fast_q, fast_r));
        }
    }
}
