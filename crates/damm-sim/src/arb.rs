//! Arbitrage against a constant-product state, sized in integers.
//!
//! An arbitrageur who sees the external price `p` (y per x) trades one
//! exact-in order that maximises its profit on a constant-product state
//! `(x, y)` with input fee `f` (`γ = 1 − f`):
//!
//! - buy x with y while `p·γ·x > y`: pay `Δy = (√(p·γ·x·y) − y)/γ`;
//! - sell x for y while `γ·y > p·x`: pay `Δx = (√(γ·x·y/p) − x)/γ`.
//!
//! Both come from setting the trade's marginal output to the external price,
//! `(R_in + γa)² = γ·R_in·R_out·(price of out in in)`. Fee-less, they land the
//! state exactly on `p` (to one wei); with a fee, the state stops at the edge
//! of the no-trade band `[γp, p/γ]`. The sizing is the arbitrageur's business
//! and uses `damm-math`'s `mul_div`/`isqrt` for precision only; the trade
//! itself always goes through a [`damm_math::batch::Batch`] or [`damm_math::cp`].

use core::cmp::Ordering;

use damm_math::arith::{isqrt, mul, mul_cmp, mul_div, sub, Rounding, WAD};
use damm_math::fee::gamma;
use damm_math::{Direction, Result, U256};

use crate::units::to_f64;

/// A trade smaller than `reserve_in / DUST_DIVISOR` is not worth an
/// arbitrageur's gas; it is skipped. (`1e-12` of the reserve.)
pub const DUST_DIVISOR: u64 = 1_000_000_000_000;

/// The profit-maximising exact-in arbitrage of `(x, y)` toward `price` (WAD,
/// y per x) with input fee `fee` (WAD): `(direction, amount_in)`, or `None`
/// when the state is inside the no-trade band or the trade is dust.
///
/// ```
/// # use damm_sim::{arb::arbitrage, units::tokens, U256};
/// # use damm_math::Direction;
/// // 1000:1000 to price 1.2, fee-less: pay √(1.2e42)−1000e18 y.
/// let (dir, paid) = arbitrage(tokens(1000), tokens(1000), U256::from(1_200_000_000_000_000_000u128), U256::ZERO).unwrap().unwrap();
/// assert_eq!(dir, Direction::OneForZero);
/// assert_eq!(paid, U256::from(95_445_115_010_332_226_913u128));
/// ```
pub fn arbitrage(x: U256, y: U256, price: U256, fee: U256) -> Result<Option<(Direction, U256)>> {
    if x.is_zero() || y.is_zero() || price.is_zero() {
        return Ok(None);
    }
    let g = gamma(fee)?;
    // Inside the no-trade band `γ·p·x ≤ y` and `γ·y ≤ p·x`: no trade, and no
    // square root needed (compared exactly in 512 bits).
    let gp = mul_div(price, g, WAD, Rounding::Down)?;
    let buy = mul_cmp(gp, x, y, WAD) == Ordering::Greater;
    let sell = !buy && mul_cmp(g, y, price, x) == Ordering::Greater;
    if !buy && !sell {
        return Ok(None);
    }
    let k = mul(x, y)?;
    if buy {
        // Buy x: the curve's y after the effective input, √(p·γ·k).
        let target_y = sqrt_floor(mul_div(k, gp, WAD, Rounding::Down)?);
        if target_y > y {
            let amount = mul_div(sub(target_y, y)?, WAD, g, Rounding::Down)?;
            return Ok(not_dust(Direction::OneForZero, amount, y));
        }
    } else {
        // Sell x: the curve's x after the effective input, √(γ·k/p).
        let target_x = sqrt_floor(mul_div(
            mul_div(k, g, WAD, Rounding::Down)?,
            WAD,
            price,
            Rounding::Down,
        )?);
        if target_x > x {
            let amount = mul_div(sub(target_x, x)?, WAD, g, Rounding::Down)?;
            return Ok(not_dust(Direction::ZeroForOne, amount, x));
        }
    }
    Ok(None)
}

/// `⌊√n⌋`, exactly (the same value as [`damm_math::arith::isqrt`]), from an
/// `f64` first guess and integer Newton steps, which is several times faster
/// than starting from a power of two. The arbitrageur's sizing is not
/// consensus code, so it may take the short cut; the result is still exact.
///
/// ```
/// # use damm_sim::{arb::sqrt_floor, U256};
/// # use damm_math::arith::isqrt;
/// for n in [0u128, 1, 2, 99, 100, 10u128.pow(36) + 12345, u128::MAX] {
///     assert_eq!(sqrt_floor(U256::from(n)), isqrt(U256::from(n)));
/// }
/// assert_eq!(sqrt_floor(U256::MAX), isqrt(U256::MAX));
/// ```
#[must_use]
pub fn sqrt_floor(n: U256) -> U256 {
    if n < U256::from(2) {
        return n;
    }
    let guess = libm::sqrt(to_f64(n));
    // Above 2^128 the guess does not fit u128: fall back to the exact routine.
    if guess.is_nan() || guess >= 3.0e38 {
        return isqrt(n);
    }
    let div = |x: U256| mul_div(n, U256::from(1), x, Rounding::Down);
    let mut x = U256::from((guess as u128).max(1));
    // One Newton step from any positive guess lands at or above the floor of
    // the root (AM-GM); from there the steps decrease until they stop.
    let Ok(q) = div(x) else { return isqrt(n) };
    x = (x + q) >> 1;
    loop {
        let Ok(q) = div(x) else { return isqrt(n) };
        let next = (x + q) >> 1;
        if next >= x {
            break;
        }
        x = next;
    }
    x
}

fn not_dust(direction: Direction, amount: U256, reserve_in: U256) -> Option<(Direction, U256)> {
    (amount > reserve_in / U256::from(DUST_DIVISOR)).then_some((direction, amount))
}

/// Volume of a trade in token0 units, as the contract's EMA records it: the
/// amount in when x is paid in, the amount out when x is paid out.
#[must_use]
pub fn volume0(direction: Direction, amount_in: U256, amount_out: U256) -> U256 {
    match direction {
        Direction::ZeroForOne => amount_in,
        Direction::OneForZero => amount_out,
    }
}
