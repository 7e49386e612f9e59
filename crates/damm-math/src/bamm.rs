//! The blended AMM, bAMM (docs/design.md §11, seed 004).
//!
//! Invariant `k = α·x^(1−t) + β·y^(1−t)` with `α + β = 1` and `t ∈ [0, 1)`:
//! `t = 0` is constant sum, `t → 1` constant mean (constant product for
//! `α = β`). Spot price `(α/β)·(y/x)^t`. All of `α`, `t` are WAD.
//!
//! Powers come from [`crate::logexp::pow_q64`] as a bracket `[lo, hi]`, so the
//! invariant of a state also has a bracket `[k_lo, k_hi]`. Rounding toward the
//! pool means: a state after trading must reach `k_lo(after) ≥ k_hi(before)`.
//! That is the acceptance check ([`invariant_holds`]) and also the rule every
//! quote is built to satisfy, so a chain of quotes always passes the check
//! (`k_lo(V^m) ≥ k_hi(V^{m−1}) ≥ k_lo(V^{m−1}) ≥ … ≥ k_hi(V⁰)`).
//!
//! The price of the error bound: a quote is at most a relative `2^-50` worse
//! for the trader than the exact curve. Domain: balances below `2^128`,
//! `t ≤ 0.99`.

use crate::arith::{add, mul, mul_div, sub, wad_mul, Rounding, WAD};
use crate::fee::gamma;
use crate::logexp::{exp2_q64, log2_q64, pow_q64, Q64_ONE};
use crate::{MathError, Result, U256};

/// The largest accepted blend `t`: 0.99.
pub const MAX_T: U256 = U256::from_limbs([990_000_000_000_000_000, 0, 0, 0]);
/// Bumps allowed when a balance estimate falls short of its target.
const MAX_BUMPS: usize = 64;

/// A bAMM curve's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Bamm {
    /// Weight `α` of token0, WAD, in `(0, 1)`; `β = 1 − α`.
    pub alpha: U256,
    /// Blend `t`, WAD, in `[0, 0.99]`.
    pub t: U256,
}

impl Bamm {
    /// Checks the ranges. [`MathError::InvalidParameter`] outside them.
    ///
    /// ```
    /// # use damm_math::{bamm::Bamm, arith::WAD, U256};
    /// assert!(Bamm::new(WAD / U256::from(2), WAD / U256::from(2)).is_ok());
    /// assert!(Bamm::new(WAD, U256::ZERO).is_err());
    /// ```
    pub fn new(alpha: U256, t: U256) -> Result<Self> {
        if alpha.is_zero() || alpha >= WAD || t > MAX_T {
            return Err(MathError::InvalidParameter);
        }
        Ok(Self { alpha, t })
    }

    fn beta(&self) -> Result<U256> {
        sub(WAD, self.alpha)
    }

    fn exponent(&self) -> Result<U256> {
        sub(WAD, self.t)
    }

    /// `[k_lo, k_hi]` of a state, scaled by `1e18·2^64`.
    ///
    /// ```
    /// # use damm_math::{bamm::Bamm, arith::WAD, logexp::Q64_ONE, U256};
    /// // Constant sum (t = 0) is exact: k = α·x + β·y.
    /// let curve = Bamm::new(WAD / U256::from(4), U256::ZERO).unwrap();
    /// let (lo, hi) = curve.invariant(U256::from(100), U256::from(200)).unwrap();
    /// assert_eq!((lo, hi), (WAD * Q64_ONE * U256::from(175), WAD * Q64_ONE * U256::from(175)));
    /// ```
    pub fn invariant(&self, x: U256, y: U256) -> Result<(U256, U256)> {
        let e = self.exponent()?;
        let (x_lo, x_hi) = pow_q64(x, e)?;
        let (y_lo, y_hi) = pow_q64(y, e)?;
        let beta = self.beta()?;
        Ok((
            add(mul(self.alpha, x_lo)?, mul(beta, y_lo)?)?,
            add(mul(self.alpha, x_hi)?, mul(beta, y_hi)?)?,
        ))
    }

    /// The acceptance check (docs/design.md §7.3): `k_lo(end) ≥ k_hi(start)`, or `end`
    /// holds at least as much of both tokens.
    ///
    /// ```
    /// # use damm_math::{bamm::Bamm, arith::WAD, U256};
    /// let curve = Bamm::new(WAD / U256::from(2), WAD / U256::from(2)).unwrap();
    /// let e18 = U256::from(10u64.pow(18));
    /// let start = (e18, e18);
    /// let out = curve.amount_out(true, e18 / U256::from(10), start.0, start.1, U256::ZERO).unwrap();
    /// assert!(curve.invariant_holds(start, (start.0 + e18 / U256::from(10), start.1 - out)).unwrap());
    /// assert!(!curve.invariant_holds(start, (start.0 + e18 / U256::from(10), start.1 - out - U256::from(1000))).unwrap());
    /// ```
    pub fn invariant_holds(&self, start: (U256, U256), end: (U256, U256)) -> Result<bool> {
        if end.0 >= start.0 && end.1 >= start.1 {
            return Ok(true);
        }
        Ok(self.invariant(end.0, end.1)?.0 >= self.invariant(start.0, start.1)?.1)
    }

    /// A state whose spot price `(α/β)(y/x)^t` is `num/den` (token1 per
    /// token0): the ratio `ρ = y/x = ((β/α)·num/den)^(1/t)`, for a market's
    /// first state (docs/design.md §8), as `(2^64, ρ·2^64)` or `(2^64/ρ, 2^64)`. The
    /// logarithms are lower bounds within `2^-62`, so `ρ` is within a
    /// relative `2^-60/t` of the exact ratio.
    ///
    /// Constant sum (`t = 0`) quotes only `α/β`: it has a state at the
    /// pool's price only when the price is exactly that. Errors with
    /// [`MathError::InvalidParameter`] otherwise, and when `ρ` is beyond
    /// `2^120` either way.
    ///
    /// ```
    /// # use damm_math::{bamm::Bamm, arith::WAD, U256};
    /// let curve = Bamm::new(WAD / U256::from(2), WAD / U256::from(2)).unwrap();
    /// // α = β, t = ½: price 4 needs (y/x)^½ = 4, so y/x = 16.
    /// let (x, y) = curve.point_at_price(U256::from(4), U256::from(1)).unwrap();
    /// let ratio = y * U256::from(1000) / x;
    /// assert!(ratio >= U256::from(15_999) && ratio <= U256::from(16_001));
    /// ```
    pub fn point_at_price(&self, num: U256, den: U256) -> Result<(U256, U256)> {
        if num.is_zero() || den.is_zero() {
            return Err(MathError::InvalidParameter);
        }
        let (up, down) = (mul(self.beta()?, num)?, mul(self.alpha, den)?);
        if self.t.is_zero() {
            return if up == down {
                Ok((den, num))
            } else {
                Err(MathError::InvalidParameter)
            };
        }
        let (log_up, log_down) = (log2_q64(up)?, log2_q64(down)?);
        let (higher_y, log) = if log_up >= log_down {
            (true, sub(log_up, log_down)?)
        } else {
            (false, sub(log_down, log_up)?)
        };
        let exponent = mul_div(log, WAD, self.t, Rounding::Down)?;
        // 120 and 64 in Q64.
        if exponent >= U256::from_limbs([0, 120, 0, 0]) {
            return Err(MathError::InvalidParameter);
        }
        let scaled = exp2_q64(add(exponent, U256::from_limbs([0, 64, 0, 0]))?)? >> 64;
        let one = U256::from(1) << 64;
        Ok(if higher_y {
            (one, scaled)
        } else {
            (scaled, one)
        })
    }

    /// Weights `(w_in, w_out)` for a trade paying token0 (`zero_for_one`) or token1.
    fn weights(&self, zero_for_one: bool) -> Result<(U256, U256)> {
        let beta = self.beta()?;
        Ok(if zero_for_one {
            (self.alpha, beta)
        } else {
            (beta, self.alpha)
        })
    }

    /// Output of an exact-in swap, floored: the pool keeps the least balance of
    /// the output token that still reaches `k_hi` of the state before, with only
    /// `⌊amount_in·(1 − fee)⌋` of the input credited.
    /// [`MathError::InsufficientLiquidity`] if even the whole reserve would not
    /// balance the input (constant-sum-like curves).
    pub fn amount_out(
        &self,
        zero_for_one: bool,
        amount_in: U256,
        reserve_in: U256,
        reserve_out: U256,
        fee: U256,
    ) -> Result<U256> {
        let (w_in, w_out) = self.weights(zero_for_one)?;
        let e = self.exponent()?;
        let target = self.oriented_k_hi(zero_for_one, reserve_in, reserve_out)?;
        let credited = add(reserve_in, wad_mul(amount_in, gamma(fee)?, Rounding::Down)?)?;
        let part_in = mul(w_in, pow_q64(credited, e)?.0)?;
        let rest = target
            .checked_sub(part_in)
            .ok_or(MathError::InsufficientLiquidity)?;
        let keep = least_balance(rest, w_out, e)?;
        Ok(reserve_out.saturating_sub(keep))
    }

    /// Input of an exact-out swap, rounded up. [`MathError::InsufficientLiquidity`]
    /// when `amount_out ≥ reserve_out`.
    ///
    /// ```
    /// # use damm_math::{bamm::Bamm, arith::WAD, U256};
    /// let curve = Bamm::new(WAD / U256::from(2), WAD / U256::from(2)).unwrap();
    /// let (x, y, want) = (U256::from(10u64.pow(18)), U256::from(10u64.pow(18)), U256::from(10u64.pow(16)));
    /// let pay = curve.amount_in(true, want, x, y, U256::ZERO).unwrap();
    /// assert!(curve.amount_out(true, pay, x, y, U256::ZERO).unwrap() >= want);
    /// ```
    pub fn amount_in(
        &self,
        zero_for_one: bool,
        amount_out: U256,
        reserve_in: U256,
        reserve_out: U256,
        fee: U256,
    ) -> Result<U256> {
        if amount_out >= reserve_out {
            return Err(MathError::InsufficientLiquidity);
        }
        let (w_in, w_out) = self.weights(zero_for_one)?;
        let e = self.exponent()?;
        let target = self.oriented_k_hi(zero_for_one, reserve_in, reserve_out)?;
        let part_out = mul(w_out, pow_q64(sub(reserve_out, amount_out)?, e)?.0)?;
        let needed = match target.checked_sub(part_out) {
            Some(rest) => least_balance(rest, w_in, e)?.saturating_sub(reserve_in),
            None => U256::ZERO,
        };
        mul_div(needed, WAD, gamma(fee)?, Rounding::Up)
    }

    fn oriented_k_hi(
        &self,
        zero_for_one: bool,
        reserve_in: U256,
        reserve_out: U256,
    ) -> Result<U256> {
        let (x, y) = if zero_for_one {
            (reserve_in, reserve_out)
        } else {
            (reserve_out, reserve_in)
        };
        Ok(self.invariant(x, y)?.1)
    }
}

/// A balance `b`, at most a relative `2^-50` above the least, with
/// `weight·pow_lo(b, e) ≥ target` (`target` scaled by `1e18·2^64`).
/// [`MathError::InsufficientLiquidity`] if that balance would reach `2^128`.
fn least_balance(target: U256, weight: U256, e: U256) -> Result<U256> {
    let needed = mul_div(target, U256::from(1), weight, Rounding::Up)?; // Q64
    let reaches = |b: U256| -> Result<bool> { Ok(pow_q64(b, e)?.0 >= needed) };
    if needed <= Q64_ONE {
        return Ok(if needed.is_zero() {
            U256::ZERO
        } else {
            U256::from(1)
        });
    }
    if e == WAD {
        return mul_div(needed, U256::from(1), Q64_ONE, Rounding::Up);
    }
    // b ≈ 2^(log2(needed/2^64)/e): estimate, pad by 2^-52, then verify.
    let log = sub(log2_q64(needed)?, U256::from(64) << 64)?;
    let balance_log = mul_div(log, WAD, e, Rounding::Up)?;
    if balance_log >= U256::from(128) << 64 {
        // The balance needed is past the 2^128 domain: no pool can fill this.
        return Err(MathError::InsufficientLiquidity);
    }
    let estimate = exp2_q64(balance_log)? >> 64;
    let mut balance = add(add(estimate, estimate >> 52)?, U256::from(2))?;
    for _ in 0..MAX_BUMPS {
        if reaches(balance)? {
            return Ok(balance);
        }
        balance = add(balance, add(balance >> 48, U256::from(1))?)?;
    }
    Err(MathError::NoConvergence)
}
