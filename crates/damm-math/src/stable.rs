//! Two-coin StableSwap (docs/design.md §11, seed 001 and Curve).
//!
//! Invariant: `4A(x+y) + D = 4AD + D³/(4xy)`. The amplification is stored the
//! way Curve's contracts store it, `amp = A·n^(n−1) = 2A`, so `Ann = A·n^n =
//! 2·amp`. [`get_d`] and [`get_y`] are Curve's Newton iterations (stopping at
//! `|Δ| ≤ 1`); they are approximate to a unit or so.
//!
//! Everything that decides money is exact instead. [`compare`] tells on which
//! side of the curve `D` a point lies using only integer products in 512 bits,
//! and the Newton results are corrected with it:
//! - [`d_ceil`] is `⌈D⌉` of a state;
//! - [`y_min`] is the least integer balance that keeps a given `D`;
//! - both search with [`compare`] from Newton's guess, so they are defined on
//!   every state of the domain, however imbalanced: a market's next
//!   checkpoint can always be judged;
//! - quotes are built from those two, so a quote never lowers `D`, and the
//!   acceptance check ([`invariant_holds`]) accepts every chain of quotes.
//!
//! Domain: balances up to [`MAX_BALANCE`] (`2^126 − 1`), so that `4xy` and
//! `D²` fit 256 bits; beyond it the functions return [`MathError::Overflow`].
//! The fee is taken on the input, as for constant product.

use core::cmp::Ordering;

use crate::arith::{add, div, mul, mul_div, sub, wad_mul, wide_mul, Rounding, WAD};
use crate::fee::gamma;
use crate::{MathError, Result, U256};

/// Newton iterations before giving up (Curve uses 255).
const MAX_ITERATIONS: usize = 255;
/// The largest balance the curve takes: `4xy` and `D²` must fit 256 bits.
pub const MAX_BALANCE: U256 = U256::from_limbs([u64::MAX, u64::MAX >> 2, 0, 0]);

/// The largest accepted amplification `A·n^(n−1)`.
pub const MAX_AMP: U256 = U256::from_limbs([1_000_000, 0, 0, 0]);

fn ann(amp: U256) -> Result<U256> {
    if amp.is_zero() || amp > MAX_AMP {
        return Err(MathError::InvalidParameter);
    }
    mul(amp, U256::from(2))
}

fn abs_diff(a: U256, b: U256) -> U256 {
    if a > b {
        a.saturating_sub(b)
    } else {
        b.saturating_sub(a)
    }
}

/// The invariant `D` of `(x, y)` by Curve's Newton iteration from `D = x + y`,
/// stopping when `|ΔD| ≤ 1`, or when integer truncation makes it cycle
/// between two neighbours of the root (very imbalanced pools, where Curve's
/// own loop would run out). Zero for an empty pool.
///
/// Errors: [`MathError::InsufficientLiquidity`] if exactly one balance is zero,
/// [`MathError::InvalidParameter`] for `amp` outside `1..=MAX_AMP`,
/// [`MathError::NoConvergence`] after 255 steps.
///
/// ```
/// # use damm_math::{stable, U256};
/// let e21 = U256::from(10u128.pow(21));
/// // A balanced pool's D is the sum of its balances.
/// assert_eq!(stable::get_d(e21, e21, U256::from(100)).unwrap(), e21 * U256::from(2));
/// ```
pub fn get_d(x: U256, y: U256, amp: U256) -> Result<U256> {
    let ann = ann(amp)?;
    let sum = add(x, y)?;
    if sum.is_zero() {
        return Ok(U256::ZERO);
    }
    if x.is_zero() || y.is_zero() {
        return Err(MathError::InsufficientLiquidity);
    }
    let (two_x, two_y) = (mul(x, U256::from(2))?, mul(y, U256::from(2))?);
    let ann_sum = mul(ann, sum)?;
    let (mut d, mut previous) = (sum, U256::ZERO);
    for _ in 0..MAX_ITERATIONS {
        // D_P = D³ / (4xy)
        let d_p = mul_div(
            mul_div(d, d, two_x, Rounding::Down)?,
            d,
            two_y,
            Rounding::Down,
        )?;
        let numerator = add(ann_sum, mul(d_p, U256::from(2))?)?;
        let denominator = add(mul(sub(ann, U256::from(1))?, d)?, mul(d_p, U256::from(3))?)?;
        let next = mul_div(numerator, d, denominator, Rounding::Down)?;
        if abs_diff(next, d) <= U256::from(1) || next == previous {
            return Ok(next);
        }
        (previous, d) = (d, next);
    }
    Err(MathError::NoConvergence)
}

/// The balance `y` that puts `(x_new, y)` on the curve `D`, by Curve's Newton
/// iteration on `y² + (b − D)y = c` with `b = x + D/Ann`, `c = D³/(4x·Ann)`,
/// stopping as [`get_d`] does.
///
/// ```
/// # use damm_math::{stable, U256};
/// let e21 = U256::from(10u128.pow(21));
/// assert_eq!(stable::get_y(e21, e21 * U256::from(2), U256::from(100)).unwrap(), e21);
/// ```
pub fn get_y(x_new: U256, d: U256, amp: U256) -> Result<U256> {
    let ann = ann(amp)?;
    if x_new.is_zero() {
        return Err(MathError::InsufficientLiquidity);
    }
    let c = mul_div(
        mul_div(d, d, mul(x_new, U256::from(2))?, Rounding::Down)?,
        d,
        mul(ann, U256::from(2))?,
        Rounding::Down,
    )?;
    let b = add(x_new, div(d, ann, Rounding::Down)?)?;
    let (mut y, mut previous) = (d, U256::ZERO);
    for _ in 0..MAX_ITERATIONS {
        let numerator = add(mul(y, y)?, c)?;
        let denominator = sub(add(mul(y, U256::from(2))?, b)?, d)?;
        let next = div(numerator, denominator, Rounding::Down)?;
        if abs_diff(next, y) <= U256::from(1) || next == previous {
            return Ok(next);
        }
        (previous, y) = (y, next);
    }
    Err(MathError::NoConvergence)
}

/// Where `d` stands against the true invariant `D*(x, y)`, exactly:
/// `Less` if `d < D*`, `Equal` if `d = D*`, `Greater` if `d > D*`.
///
/// It compares `d³ + (Ann−1)·d·4xy` with `Ann·(x+y)·4xy` in 512 bits; the left
/// side grows with `d`, so the sign tells the side of the root.
///
/// ```
/// # use damm_math::{stable, U256};
/// # use core::cmp::Ordering;
/// let (e21, amp) = (U256::from(10u128.pow(21)), U256::from(100));
/// let two = e21 * U256::from(2);
/// assert_eq!(stable::compare(e21, e21, two, amp).unwrap(), Ordering::Equal);
/// assert_eq!(stable::compare(e21, e21, two - U256::from(1), amp).unwrap(), Ordering::Less);
/// ```
pub fn compare(x: U256, y: U256, d: U256, amp: U256) -> Result<Ordering> {
    let ann = ann(amp)?;
    let p = mul(mul(x, y)?, U256::from(4))?;
    let lhs = wide_mul(mul(d, d)?, d)
        .checked_add(wide_mul(mul(sub(ann, U256::from(1))?, d)?, p))
        .ok_or(MathError::Overflow)?;
    let rhs = wide_mul(mul(ann, add(x, y)?)?, p);
    Ok(lhs.cmp(&rhs))
}

/// `⌈D*(x, y)⌉`: the least integer at or above the true invariant. Rounded
/// up, against whoever must beat it.
///
/// Total on the domain: Curve's Newton `D` is only a starting guess, and the
/// exact [`compare`] decides, searching outwards from the guess and then by
/// bisection, so imbalanced states (where Newton stalls) are judged exactly
/// too. `D*` lies between `2·√(xy)` and `x + y`, which brackets the search.
///
/// ```
/// # use damm_math::{stable, U256};
/// let u = |v: u64| U256::from(v);
/// let d = stable::d_ceil(u(1_000_000), u(3_000_000), u(10)).unwrap();
/// assert_eq!(stable::compare(u(1_000_000), u(3_000_000), d - u(1), u(10)).unwrap(), core::cmp::Ordering::Less);
/// // Ten million to one, at amp 10: Newton alone does not settle here.
/// let d = stable::d_ceil(u(10_000_000_000_000), u(1_000_000), u(10)).unwrap();
/// assert_eq!(stable::compare(u(10_000_000_000_000), u(1_000_000), d, u(10)).unwrap() == core::cmp::Ordering::Less, false);
/// ```
pub fn d_ceil(x: U256, y: U256, amp: U256) -> Result<U256> {
    ann(amp)?;
    let sum = add(x, y)?;
    if sum.is_zero() {
        return Ok(U256::ZERO);
    }
    if x.is_zero() || y.is_zero() {
        return Err(MathError::InsufficientLiquidity);
    }
    // D* ≤ x + y, and D* > 0; `reaches(d)` is "d ≥ D*".
    let reaches = |d: U256| compare(x, y, d, amp).map(|side| side != Ordering::Less);
    let guess = get_d(x, y, amp).unwrap_or(sum).clamp(U256::from(1), sum);
    least_where(guess, U256::ZERO, sum, &reaches)
}

/// The least integer in `(lo, hi]` where the monotone `holds` is true, given
/// that it is false at `lo` and true at `hi`, starting the search at `guess`:
/// steps of doubling size outwards from the guess bracket the answer, then
/// bisection finds it. Near a good guess this costs a few evaluations; from
/// any guess, at most about `2·log2(hi − lo)`.
fn least_where(
    guess: U256,
    mut lo: U256,
    mut hi: U256,
    holds: &dyn Fn(U256) -> Result<bool>,
) -> Result<U256> {
    let mut step = U256::from(1);
    let mut probe = guess;
    if holds(probe)? {
        hi = probe;
        // Walk down until it fails.
        loop {
            probe = hi.saturating_sub(step).max(lo);
            if probe == lo || !holds(probe)? {
                lo = probe;
                break;
            }
            hi = probe;
            step = step.saturating_mul(U256::from(2));
        }
    } else {
        lo = probe;
        loop {
            probe = lo.saturating_add(step).min(hi);
            if probe == hi || holds(probe)? {
                hi = probe;
                break;
            }
            lo = probe;
            step = step.saturating_mul(U256::from(2));
        }
    }
    // holds(lo) is false (or lo is the excluded bound), holds(hi) is true.
    while hi - lo > U256::from(1) {
        let mid = lo + ((hi - lo) >> 1);
        if holds(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
}

/// The least integer `y` with `D*(x, y) ≥ d`: how much of the other coin must
/// stay in the pool to keep the invariant. Rounded up (in the pool's favour).
/// The curve is symmetric, so this also gives the least `x` for a given `y`.
///
/// Total on the domain, by the same search as [`d_ceil`] from Curve's Newton
/// `y`. [`MathError::InsufficientLiquidity`] if no `y` below [`MAX_BALANCE`]
/// reaches `d`.
///
/// ```
/// # use damm_math::{stable, U256};
/// let e21 = U256::from(10u128.pow(21));
/// assert_eq!(stable::y_min(e21, e21 * U256::from(2), U256::from(100)).unwrap(), e21);
/// ```
pub fn y_min(x: U256, d: U256, amp: U256) -> Result<U256> {
    ann(amp)?;
    if x.is_zero() {
        return Err(MathError::InsufficientLiquidity);
    }
    if d.is_zero() {
        return Ok(U256::ZERO);
    }
    // `keeps(y)` is "D*(x, y) ≥ d": false at y = 0, and true at the domain's
    // end unless no balance can keep d.
    let keeps = |y: U256| compare(x, y, d, amp).map(|side| side != Ordering::Greater);
    if !keeps(MAX_BALANCE)? {
        return Err(MathError::InsufficientLiquidity);
    }
    let guess = get_y(x, d, amp)
        .unwrap_or(d)
        .clamp(U256::from(1), MAX_BALANCE);
    least_where(guess, U256::ZERO, MAX_BALANCE, &keeps)
}

/// Whether the spot price of `(x, y)`, token1 per token0, is above
/// `num/den`. The price is the curve's slope, `F_x/F_y` with
/// `F = Ann(x+y) + D − Ann·D − D³/(4xy)`: `(Ann + D³/(4x²y)) / (Ann +
/// D³/(4xy²))`, each term in WAD (a relative error of 1e-18) and the two
/// sides compared exactly.
fn price_above(x: U256, y: U256, num: U256, den: U256, amp: U256) -> Result<bool> {
    let ann = ann(amp)?;
    let d = d_ceil(x, y, amp)?;
    let d2 = mul(d, d)?;
    let cube_over = |a: U256, b: U256| -> Result<U256> {
        // D³·WAD / (4a²b), as D²·(D/a)·WAD / (4ab).
        mul_div(
            mul_div(d2, d, a, Rounding::Down)?,
            WAD,
            mul(mul(a, b)?, U256::from(4))?,
            Rounding::Down,
        )
    };
    let ann_wad = mul(ann, WAD)?;
    let f_x = add(ann_wad, cube_over(x, y)?)?;
    let f_y = add(ann_wad, cube_over(y, x)?)?;
    Ok(crate::arith::mul_cmp(f_x, den, f_y, num) == Ordering::Greater)
}

/// A state whose spot price is `num/den` (token1 per token0), to find the
/// ratio a market's first state must have (docs/design.md §8). The scarcer coin is
/// fixed at `2^48` and the other found to the unit, so the price is within
/// a relative `2^-47` of the target: at most it for a price of 1 or more,
/// at least it below 1 (the curve is symmetric, so that case is the
/// mirror of its inverse). [`MathError::InvalidParameter`] if no ratio up
/// to `2^40` either way reaches the price on this curve.
///
/// ```
/// # use damm_math::{stable, U256};
/// let u = |v: u64| U256::from(v);
/// // A balanced price is a balanced state.
/// let (x, y) = stable::point_at_price(u(1), u(1), u(100)).unwrap();
/// assert_eq!(x, y);
/// // A price above 1 needs less token0 than token1.
/// let (x, y) = stable::point_at_price(u(11), u(10), u(100)).unwrap();
/// assert!(y > x);
/// ```
pub fn point_at_price(num: U256, den: U256, amp: U256) -> Result<(U256, U256)> {
    if num.is_zero() || den.is_zero() {
        return Err(MathError::InvalidParameter);
    }
    if num < den {
        // Token1 is the scarcer coin: the mirror state of the inverse price.
        let (y, x) = point_at_price(den, num, amp)?;
        return Ok((x, y));
    }
    let x = U256::from(1u64 << 48);
    let (lo, hi) = (U256::from(1u64 << 8), U256::from(1u64) << 88);
    if price_above(x, lo, num, den, amp)? || !price_above(x, hi, num, den, amp)? {
        return Err(MathError::InvalidParameter);
    }
    // The least y priced above the target, then one less.
    let above = least_where(x, lo, hi, &|y| price_above(x, y, num, den, amp))?;
    Ok((x, above - U256::from(1)))
}

/// The acceptance check (docs/design.md §7.3): `D` did not decrease from `start` to
/// `end`, rounded against the operator: `D*(end) ≥ ⌈D*(start)⌉`.
///
/// ```
/// # use damm_math::{stable, U256};
/// let u = |v: u64| U256::from(v);
/// let amp = u(100);
/// assert!(stable::invariant_holds((u(1_000_000), u(1_000_000)), (u(1_000_100), u(999_901)), amp).unwrap());
/// assert!(!stable::invariant_holds((u(1_000_000), u(1_000_000)), (u(1_000_100), u(999_899)), amp).unwrap());
/// ```
pub fn invariant_holds(start: (U256, U256), end: (U256, U256), amp: U256) -> Result<bool> {
    let d = d_ceil(start.0, start.1, amp)?;
    Ok(compare(end.0, end.1, d, amp)? != Ordering::Greater)
}

/// Output of an exact-in swap, floored: the most the pool can pay while the
/// state after the trade, with only `⌊amount_in·(1 − fee)⌋` credited, still
/// reaches `⌈D⌉` of the state before.
///
/// ```
/// # use damm_math::{stable, U256};
/// let e21 = U256::from(10u128.pow(21));
/// let out = stable::amount_out(e21 / U256::from(100), e21, e21, U256::from(100), U256::ZERO).unwrap();
/// assert!(out < e21 / U256::from(100) && out > e21 / U256::from(101)); // near 1:1
/// ```
pub fn amount_out(
    amount_in: U256,
    reserve_in: U256,
    reserve_out: U256,
    amp: U256,
    fee: U256,
) -> Result<U256> {
    let d = d_ceil(reserve_in, reserve_out, amp)?;
    let credited = add(reserve_in, wad_mul(amount_in, gamma(fee)?, Rounding::Down)?)?;
    Ok(reserve_out.saturating_sub(y_min(credited, d, amp)?))
}

/// Input of an exact-out swap, rounded up: the least amount whose credited
/// part `⌊amount·(1 − fee)⌋` lets the pool pay `amount_out` and keep `⌈D⌉`.
/// [`MathError::InsufficientLiquidity`] when `amount_out ≥ reserve_out`.
///
/// ```
/// # use damm_math::{stable, U256};
/// let e21 = U256::from(10u128.pow(21));
/// let amp = U256::from(100);
/// let paid = stable::amount_in(e21 / U256::from(100), e21, e21, amp, U256::ZERO).unwrap();
/// assert!(stable::amount_out(paid, e21, e21, amp, U256::ZERO).unwrap() >= e21 / U256::from(100));
/// ```
pub fn amount_in(
    amount_out: U256,
    reserve_in: U256,
    reserve_out: U256,
    amp: U256,
    fee: U256,
) -> Result<U256> {
    if amount_out >= reserve_out {
        return Err(MathError::InsufficientLiquidity);
    }
    let d = d_ceil(reserve_in, reserve_out, amp)?;
    let needed = y_min(sub(reserve_out, amount_out)?, d, amp)?.saturating_sub(reserve_in);
    mul_div(needed, WAD, gamma(fee)?, Rounding::Up)
}
