//! LP shares (docs/design.md §2): first mint, pro-rata mint and burn.
//!
//! Reserves here are the pool's **free** balances (`X̄ = X − R_x`), and the
//! supply counts live shares only. Shares minted and amounts paid out are
//! floored; amounts pulled in are ceiled. Pro-rata mint and burn therefore
//! never move the health factor against the remaining LPs.

use crate::arith::{isqrt, min, mul, mul_div, sub, Rounding};
use crate::{MathError, Result, U256};

/// Shares minted to the zero address by the first deposit and never
/// withdrawn, so the supply can never return to zero and the share price
/// cannot be inflated by a dust first deposit.
pub const MINIMUM_LIQUIDITY: U256 = U256::from_limbs([1000, 0, 0, 0]);

/// Shares for the first depositor: `⌊√(a0·a1)⌋ − MINIMUM_LIQUIDITY`.
///
/// The caller mints [`MINIMUM_LIQUIDITY`] more to the zero address, so the
/// supply becomes `⌊√(a0·a1)⌋`. Errors with [`MathError::InsufficientLiquidity`]
/// unless `⌊√(a0·a1)⌋ > MINIMUM_LIQUIDITY`, and [`MathError::Overflow`] when
/// `a0·a1` exceeds `U256`.
///
/// ```
/// # use damm_math::{lp, U256};
/// // docs/design.md §13: Carol deposits 100 ETH and 178,000 DAI.
/// let eth = U256::from(10u128.pow(18));
/// let shares = lp::mint_first(U256::from(100) * eth, U256::from(178_000) * eth).unwrap();
/// assert_eq!(shares, U256::from(4_219_004_621_945_797_299_958u128) - lp::MINIMUM_LIQUIDITY);
/// assert!(lp::mint_first(U256::from(1000), U256::from(1000)).is_err());
/// ```
pub fn mint_first(amount0: U256, amount1: U256) -> Result<U256> {
    let liquidity = isqrt(mul(amount0, amount1)?);
    if liquidity <= MINIMUM_LIQUIDITY {
        return Err(MathError::InsufficientLiquidity);
    }
    sub(liquidity, MINIMUM_LIQUIDITY)
}

/// A pro-rata deposit into a live pool: `(shares, amount0_used, amount1_used)`.
///
/// `shares = min(⌊a0·T/X̄⌋, ⌊a1·T/Ȳ⌋)` (floored), and the amounts to pull are
/// `⌈shares·X̄/T⌉` and `⌈shares·Ȳ/T⌉` (ceiled). They never exceed the maxima, so
/// no excess is taken. Errors: [`MathError::InsufficientLiquidity`] for an
/// empty pool or a deposit worth less than one share.
///
/// ```
/// # use damm_math::{lp, U256};
/// let u = |v: u64| U256::from(v);
/// // Pool 1000:4000 with 2000 shares; offer 100:1000 → 200 shares for 100:400.
/// assert_eq!(lp::mint(u(100), u(1000), u(1000), u(4000), u(2000)).unwrap(), (u(200), u(100), u(400)));
/// // An unlimited maximum on one side, with more shares than token0 held.
/// assert_eq!(lp::mint(U256::MAX, u(400), u(1000), u(4000), u(2000)).unwrap(), (u(200), u(100), u(400)));
/// ```
pub fn mint(
    amount0_max: U256,
    amount1_max: U256,
    reserve0: U256,
    reserve1: U256,
    total_supply: U256,
) -> Result<(U256, U256, U256)> {
    if reserve0.is_zero() || reserve1.is_zero() || total_supply.is_zero() {
        return Err(MathError::InsufficientLiquidity);
    }
    // The maxima are limits, not amounts: a side whose share count would
    // not fit 256 bits (`type(uint256).max` is a common maximum) cannot
    // bind, so it counts as unlimited.
    let side = |amount: U256, reserve: U256| match mul_div(
        amount,
        total_supply,
        reserve,
        Rounding::Down,
    ) {
        Err(MathError::Overflow) => Ok(U256::MAX),
        other => other,
    };
    let shares = min(side(amount0_max, reserve0)?, side(amount1_max, reserve1)?);
    if shares.is_zero() {
        return Err(MathError::InsufficientLiquidity);
    }
    let used0 = mul_div(shares, reserve0, total_supply, Rounding::Up)?;
    let used1 = mul_div(shares, reserve1, total_supply, Rounding::Up)?;
    Ok((shares, used0, used1))
}

/// Amounts owed for burning `shares`: `(⌊ℓ·X̄/T⌋, ⌊ℓ·Ȳ/T⌋)` (floored).
///
/// Errors: [`MathError::InsufficientLiquidity`] when `shares > total_supply`,
/// [`MathError::DivisionByZero`] for an empty supply.
///
/// ```
/// # use damm_math::{lp, U256};
/// let u = |v: u64| U256::from(v);
/// assert_eq!(lp::burn(u(3), u(1000), u(4000), u(7)).unwrap(), (u(428), u(1714)));
/// ```
pub fn burn(
    shares: U256,
    reserve0: U256,
    reserve1: U256,
    total_supply: U256,
) -> Result<(U256, U256)> {
    if shares > total_supply {
        return Err(MathError::InsufficientLiquidity);
    }
    Ok((
        mul_div(shares, reserve0, total_supply, Rounding::Down)?,
        mul_div(shares, reserve1, total_supply, Rounding::Down)?,
    ))
}
