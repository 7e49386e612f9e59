//! Checked 256-bit arithmetic, one 512-bit `mul_div`, an integer square root
//! and WAD (1e18) fixed-point helpers.
//!
//! `U256`'s operators wrap silently, so this crate never uses them on amounts:
//! every addition, subtraction and product goes through the checked helpers
//! here, and every division goes through [`mul_div`]. Routing all division
//! through one function keeps a single long-division routine in the contract's
//! WASM.

use core::cmp::Ordering;

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

/// Schoolbook multiplication in 64-bit limbs with 128-bit partial products
/// (a 256×256-bit product always fits 512 bits, so nothing is lost).
fn wide_limbs(a: U256, b: U256) -> [u64; 8] {
    let (a, b) = (a.as_limbs(), b.as_limbs());
    let mut product = [0u64; 8];
    for (i, &ai) in a.iter().enumerate() {
        let mut carry = 0u128;
        for (j, &bj) in b.iter().enumerate() {
            let t = u128::from(ai) * u128::from(bj) + u128::from(product[i + j]) + carry;
            product[i + j] = t as u64;
            carry = t >> 64;
        }
        product[i + 4] = carry as u64;
    }
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
/// When `a·b` fits 256 bits (almost every call: amounts times WADs) this is
/// one 256-bit division. Otherwise the remainder `r` comes from one 512-bit
/// `mulmod`, and the quotient of the exactly divisible `a·b − r` is its low
/// word (after dividing out `d`'s factors of two) times the inverse of `d`'s
/// odd part modulo `2^256`. The primitives are [`primitive`]'s, with the
/// EVM's semantics: Stylus's math host calls in the contract, ruint natively.
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
    let (low, high) = wide_words(a, b);
    let (floor, exact) = if high.is_zero() {
        let floor = primitive::div(low, d);
        // The remainder only matters when rounding up.
        (
            floor,
            rounding == Rounding::Down || primitive::rem(low, d).is_zero(),
        )
    } else {
        // The quotient fits 256 bits exactly when the high word is below d.
        if high >= d {
            return Err(MathError::Overflow);
        }
        let remainder = primitive::mul_mod(a, b, d);
        let (low, borrow) = low.overflowing_sub(remainder);
        let high = high.wrapping_sub(U256::from(u8::from(borrow)));
        (exact_quotient(high, low, d), remainder.is_zero())
    };
    match rounding {
        Rounding::Up if !exact => add(floor, U256::from(1)),
        _ => Ok(floor),
    }
}

/// `a·b` as its low and high 256-bit words.
fn wide_words(a: U256, b: U256) -> (U256, U256) {
    let limbs = wide_limbs(a, b);
    (
        U256::from_limbs([limbs[0], limbs[1], limbs[2], limbs[3]]),
        U256::from_limbs([limbs[4], limbs[5], limbs[6], limbs[7]]),
    )
}

/// `(high·2^256 + low) / d` for a nonzero `d` that divides it exactly, with
/// `high < d` so that the quotient fits 256 bits.
///
/// With `d = o·2^k` for an odd `o`, the quotient is `(n / 2^k)·o⁻¹ mod 2^256`:
/// an exact quotient below `2^256` is its own residue.
fn exact_quotient(high: U256, low: U256, d: U256) -> U256 {
    let twos = d.trailing_zeros();
    let odd = d >> twos;
    let shifted = if twos == 0 {
        low
    } else {
        (low >> twos) | (high << (256 - twos))
    };
    shifted.wrapping_mul(inverse_mod_2_256(odd))
}

/// The inverse of an odd `o` modulo `2^256` by Newton's iteration
/// `x ← x·(2 − o·x)`, which doubles the correct low bits: from the 5 bits of
/// `3o XOR 2` to 80 in 64-bit words, then to 128 and 256.
fn inverse_mod_2_256(odd: U256) -> U256 {
    let o = odd.as_limbs()[0];
    let mut x = o.wrapping_mul(3) ^ 2;
    for _ in 0..4 {
        x = x.wrapping_mul(2u64.wrapping_sub(o.wrapping_mul(x)));
    }
    let mut x = U256::from(x);
    for _ in 0..2 {
        x = x.wrapping_mul(U256::from(2).wrapping_sub(odd.wrapping_mul(x)));
    }
    x
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

/// The division primitives, with the EVM's semantics for a nonzero divisor:
/// `DIV`, `MOD` and `MULMOD` (exact over the 512-bit product).
///
/// In the contract (`wasm32` with the `stylus` feature) they are Stylus's
/// `math_div`, `math_mod` and `math_mul_mod` host calls, a few gas each where
/// a 512-bit division in WASM costs thousands; everywhere else ruint's. The
/// feature changes only the cost, never a result: each computes the one
/// exact answer (the runtime's tests check its host calls against ruint).
pub mod primitive {
    use crate::U256;

    #[cfg(all(target_arch = "wasm32", feature = "stylus"))]
    #[allow(unsafe_code)]
    mod host {
        use crate::U256;

        #[link(wasm_import_module = "vm_hooks")]
        extern "C" {
            fn math_div(value: *mut u8, divisor: *const u8);
            fn math_mod(value: *mut u8, modulus: *const u8);
            fn math_mul_mod(value: *mut u8, multiplier: *const u8, modulus: *const u8);
        }

        use crate::arith::{from_be_bytes, to_be_bytes};

        pub(super) fn div(n: U256, d: U256) -> U256 {
            let (mut value, divisor) = (to_be_bytes(n), to_be_bytes(d));
            // SAFETY: both point to 32-byte words that outlive the call.
            unsafe { math_div(value.as_mut_ptr(), divisor.as_ptr()) };
            from_be_bytes(&value)
        }

        pub(super) fn rem(n: U256, d: U256) -> U256 {
            let (mut value, modulus) = (to_be_bytes(n), to_be_bytes(d));
            // SAFETY: as in `div`.
            unsafe { math_mod(value.as_mut_ptr(), modulus.as_ptr()) };
            from_be_bytes(&value)
        }

        pub(super) fn mul_mod(a: U256, b: U256, d: U256) -> U256 {
            let mut value = to_be_bytes(a);
            let (multiplier, modulus) = (to_be_bytes(b), to_be_bytes(d));
            // SAFETY: as in `div`.
            unsafe { math_mul_mod(value.as_mut_ptr(), multiplier.as_ptr(), modulus.as_ptr()) };
            from_be_bytes(&value)
        }
    }

    #[cfg(all(target_arch = "wasm32", feature = "stylus"))]
    use host as backend;

    #[cfg(not(all(target_arch = "wasm32", feature = "stylus")))]
    mod backend {
        use crate::U256;

        pub(super) fn div(n: U256, d: U256) -> U256 {
            n.wrapping_div(d)
        }

        pub(super) fn rem(n: U256, d: U256) -> U256 {
            n.wrapping_rem(d)
        }

        pub(super) fn mul_mod(a: U256, b: U256, d: U256) -> U256 {
            a.mul_mod(b, d)
        }
    }

    /// `⌊n / d⌋` for a nonzero `d`.
    ///
    /// ```
    /// # use damm_math::{arith::primitive, U256};
    /// assert_eq!(primitive::div(U256::from(7), U256::from(2)), U256::from(3));
    /// ```
    #[inline]
    #[must_use]
    pub fn div(n: U256, d: U256) -> U256 {
        backend::div(n, d)
    }

    /// `n mod d` for a nonzero `d`.
    ///
    /// ```
    /// # use damm_math::{arith::primitive, U256};
    /// assert_eq!(primitive::rem(U256::from(7), U256::from(2)), U256::from(1));
    /// ```
    #[inline]
    #[must_use]
    pub fn rem(n: U256, d: U256) -> U256 {
        backend::rem(n, d)
    }

    /// `a·b mod d` over the exact 512-bit product, for a nonzero `d`.
    ///
    /// ```
    /// # use damm_math::{arith::primitive, U256};
    /// // 2^256 ≡ 2 (mod 7), so MAX ≡ 1 and MAX² ≡ 1.
    /// assert_eq!(primitive::mul_mod(U256::MAX, U256::MAX, U256::from(7)), U256::from(1));
    /// ```
    #[inline]
    #[must_use]
    pub fn mul_mod(a: U256, b: U256, d: U256) -> U256 {
        backend::mul_mod(a, b, d)
    }
}

/// `⌊√n⌋`, by Newton's method from just above the root.
///
/// The seed is `(r + 1)·2^(s/2)`, where `r = ⌊√t⌋` of the top bits `t` of
/// `n` (`n` shifted right by an even `s` to fit 63 bits), found in 64-bit
/// words. It is never below `√n` and within `1 + 2^-30` of it, so three
/// 256-bit steps finish where a power-of-two seed needs about seven.
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
    let shift = n.bit_len().saturating_sub(63) & !1;
    let top = (n >> shift).as_limbs()[0];
    // (r + 1)² > top = ⌊n / 2^s⌋, so (r + 1)·2^(s/2) > √n.
    let mut x = U256::from(isqrt_u64(top) + 1) << (shift / 2);
    loop {
        // x ≤ 2^128 + 2^98 and n/x < 2^256 / x, so the sum cannot overflow;
        // x ≥ 1 throughout, so the division is defined.
        let next = x.saturating_add(primitive::div(n, x)) >> 1;
        if next >= x {
            return x;
        }
        x = next;
    }
}

/// `⌊√t⌋` for `t < 2^63`, by the same decreasing iteration in 64 bits.
fn isqrt_u64(t: u64) -> u64 {
    if t < 2 {
        return t;
    }
    let mut x = 1u64 << (64 - t.leading_zeros()).div_ceil(2);
    loop {
        // x ≥ 1, so the division is defined (`checked_div` keeps a panic
        // path out of the WASM).
        let next = (x + t.checked_div(x).unwrap_or(0)) >> 1;
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

/// `x` as 32 big-endian bytes (an EVM word), limb by limb.
///
/// ruint's generic `to_be_bytes` moves one byte at a time, which in the
/// contract's WASM costs tens of gas per word; this is four 64-bit swaps.
/// Not `#[inline]`: compiled here, at this crate's `opt-level`, rather than
/// in each caller's size-optimised one, where its loops stay loops.
///
/// ```
/// # use damm_math::{arith::{to_be_bytes, from_be_bytes}, U256};
/// let x = U256::from(0x0102u64) << 200;
/// assert_eq!(to_be_bytes(x), x.to_be_bytes::<32>());
/// assert_eq!(from_be_bytes(&to_be_bytes(x)), x);
/// ```
#[must_use]
pub fn to_be_bytes(x: U256) -> [u8; 32] {
    let limbs = x.as_limbs();
    let mut out = [0u8; 32];
    for (chunk, limb) in out.chunks_exact_mut(8).zip(limbs.iter().rev()) {
        for (byte, value) in chunk.iter_mut().zip(limb.to_be_bytes()) {
            *byte = value;
        }
    }
    out
}

/// The number whose big-endian bytes are `bytes`; see [`to_be_bytes`].
#[must_use]
pub fn from_be_bytes(bytes: &[u8; 32]) -> U256 {
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().rev().zip(bytes.chunks_exact(8)) {
        for &byte in chunk {
            *limb = (*limb << 8) | u64::from(byte);
        }
    }
    U256::from_limbs(limbs)
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

    fn u256() -> impl Strategy<Value = U256> {
        // Full-width, short and power-of-two-heavy values, so long and short
        // divisors, exact and inexact quotients and every shift all occur.
        prop_oneof![
            any::<[u64; 4]>().prop_map(U256::from_limbs),
            any::<u64>().prop_map(U256::from),
            any::<u128>().prop_map(U256::from),
            (any::<u64>(), 0usize..256).prop_map(|(v, s)| U256::from(v) << s),
        ]
    }

    /// The reference: ruint's own 512-bit product and division.
    fn reference(a: U256, b: U256, d: U256) -> (U512, U512) {
        (U512::from(a) * U512::from(b)).div_rem(U512::from(d))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        /// `mul_div` is the exact floor or ceiling of `a·b/d`, or an overflow
        /// exactly when that does not fit 256 bits.
        #[test]
        fn mul_div_is_the_exact_quotient(a in u256(), b in u256(), d in u256()) {
            prop_assume!(!d.is_zero());
            let (q, r) = reference(a, b, d);
            let floor = mul_div(a, b, d, Rounding::Down);
            let ceil = mul_div(a, b, d, Rounding::Up);
            if q > U512::from(U256::MAX) {
                prop_assert_eq!(floor, Err(MathError::Overflow));
            } else {
                let q = U256::from(q);
                prop_assert_eq!(floor, Ok(q));
                let up = if r.is_zero() { Ok(q) } else { q.checked_add(U256::from(1)).ok_or(MathError::Overflow) };
                prop_assert_eq!(ceil, up);
            }
        }

        /// The schoolbook product is ruint's.
        #[test]
        fn wide_products_are_ruints(a in u256(), b in u256()) {
            prop_assert_eq!(wide_mul(a, b), U512::from(a) * U512::from(b));
        }

        /// The inverse modulo 2^256 of every odd number.
        #[test]
        fn the_inverse_is_exact(o in u256()) {
            let odd = o | U256::from(1);
            prop_assert_eq!(odd.wrapping_mul(inverse_mod_2_256(odd)), U256::from(1));
        }

        /// The limb-wise conversions are ruint's, byte for byte.
        #[test]
        fn word_conversions_are_ruints(x in u256()) {
            prop_assert_eq!(to_be_bytes(x), x.to_be_bytes::<32>());
            prop_assert_eq!(from_be_bytes(&x.to_be_bytes::<32>()), x);
        }

        /// `isqrt(n)` is the r with r² ≤ n < (r+1)².
        #[test]
        fn isqrt_is_the_floor_root(n in u256()) {
            let r = U512::from(isqrt(n));
            let n = U512::from(n);
            prop_assert!(r * r <= n);
            prop_assert!((r + U512::from(1)) * (r + U512::from(1)) > n);
        }
    }

    #[test]
    fn isqrt_at_the_edges() {
        for k in 0..256 {
            let p: U256 = U256::from(1) << k;
            for n in [p, p - U256::from(1), p.saturating_add(U256::from(1))] {
                let r = U512::from(isqrt(n));
                assert!(r * r <= U512::from(n), "{n}");
                assert!(
                    (r + U512::from(1)) * (r + U512::from(1)) > U512::from(n),
                    "{n}"
                );
            }
        }
        let square = U256::from(u128::MAX) * U256::from(u128::MAX);
        assert_eq!(isqrt(square), U256::from(u128::MAX));
        assert_eq!(isqrt(square - U256::from(1)), U256::from(u128::MAX - 1));
    }

    #[test]
    fn mul_div_at_the_edges() {
        let max = U256::MAX;
        assert_eq!(mul_div(max, max, max, Rounding::Up), Ok(max));
        assert_eq!(
            mul_div(max, max - U256::from(1), max, Rounding::Down),
            Ok(max - U256::from(1))
        );
        assert_eq!(
            mul_div(max, U256::from(2), max, Rounding::Down),
            Ok(U256::from(2))
        );
        assert_eq!(
            mul_div(max, U256::from(2), U256::from(1), Rounding::Down),
            Err(MathError::Overflow)
        );
        // d = 2^255: every factor of two divided out.
        let top = U256::from(1) << 255;
        assert_eq!(mul_div(max, top, top, Rounding::Down), Ok(max));
        assert_eq!(
            mul_div(U256::from(3), U256::from(1), U256::from(0), Rounding::Down),
            Err(MathError::DivisionByZero)
        );
    }
}
