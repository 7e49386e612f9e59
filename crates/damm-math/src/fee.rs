//! Dynamic fees (docs/design.md §5): Kyber DMM's volume trend, the health premium, and
//! the L2 scale.
//!
//! All fees here are WAD fractions (25 bps = `2.5e15`).
//! - [`kyber_fee`] and [`VolumeEma`] are integer ports of Kyber DMM's shipped
//!   `FeeFormula.getFee` and `VolumeTrendRecorder`, floor for floor, so the
//!   numbers match Kyber's contracts to the wei.
//! - [`health_premium`] adds up to `φ` as HF falls from 1 to the floor.
//! - [`dynamic_fee`] caps the sum at `f_max`; [`scale_fee`] applies an L2's `λ`.
//!
//! Premiums and scaled fees round up: a fee is paid to the pool.

use crate::arith::{add, min, mul, mul_div, sub, wad_mul, Rounding, WAD};
use crate::{MathError, Result, U256};

const fn wad_ratio(numerator: u128, denominator: u128) -> U256 {
    U256::from_limbs([
        (numerator * 1_000_000_000_000_000_000 / denominator) as u64,
        0,
        0,
        0,
    ])
}

const fn wad_ratio_wide(numerator: u128, denominator: u128) -> U256 {
    let v = numerator * 1_000_000_000_000_000_000 / denominator;
    U256::from_limbs([v as u64, (v >> 64) as u64, 0, 0])
}

/// `r` at or above which the fee is capped: 1.4774050648149961.
const R0: U256 = U256::from_limbs([1_477_405_064_814_996_100, 0, 0, 0]);
/// The cap, 60 bps.
const C0: U256 = wad_ratio(60, 10_000);
const A: U256 = wad_ratio_wide(20_000, 27);
const B: U256 = wad_ratio_wide(250, 9);
const C1: U256 = wad_ratio_wide(985, 27);
const U: U256 = wad_ratio(120, 100);
const G: U256 = wad_ratio(836, 1000);
const F: U256 = wad_ratio(5, 1);
const L: U256 = wad_ratio(2, 10_000);
/// `25 − F·(1−G)²/((1−G)² + L)`, in WAD, as Kyber ships it.
const C2: U256 = U256::from_limbs([
    20_036_905_816_356_657_810u128 as u64,
    (20_036_905_816_356_657_810u128 >> 64) as u64,
    0,
    0,
]);
const TEN_THOUSAND: U256 = U256::from_limbs([10_000, 0, 0, 0]);

/// Kyber DMM's volume fee for a trend `r = EMA_short / EMA_long` (WAD), as a WAD
/// fraction: 25 bps at `r = 1`, about 15 bps when quiet (`r → 0`), rising to
/// the 60 bps cap at `r ≥ 1.4774`. A piecewise cubic above `r = 1` and a
/// rational curve below it, floored step by step exactly as Kyber's contract.
///
/// ```
/// # use damm_math::{fee::kyber_fee, arith::WAD, U256};
/// assert_eq!(kyber_fee(WAD), U256::from(2_500_000_000_000_000u64));          // 25 bps
/// assert_eq!(kyber_fee(WAD * U256::from(2)), U256::from(6_000_000_000_000_000u64)); // capped at 60
/// assert_eq!(kyber_fee(U256::ZERO), U256::from(1_503_833_623_506_882u64));  // ≈ 15 bps when quiet
/// ```
#[must_use]
pub fn kyber_fee(r_wad: U256) -> U256 {
    // Below R0 every intermediate is under 2^200, so no step can overflow; the
    // `unwrap_or` fallbacks are unreachable and only keep the function total.
    kyber_fee_checked(r_wad).unwrap_or(C0)
}

fn kyber_fee_checked(r: U256) -> Result<U256> {
    if r >= R0 {
        return Ok(C0);
    }
    // Both pieces are `base ± bump(|r − pivot|)`, each term floored as Kyber's:
    // above 1, `C1 ± (A·t³ + B·t)` around U; below, `C2 ± F·t²/(t² + L)` around G.
    let cubic = r >= WAD;
    let (base, pivot) = if cubic { (C1, U) } else { (C2, G) };
    let above = r > pivot;
    let t = if above {
        sub(r, pivot)?
    } else {
        sub(pivot, r)?
    };
    let bump = if cubic {
        add(
            wad_mul(A, pow_wad(t, 3)?, Rounding::Down)?,
            wad_mul(B, t, Rounding::Down)?,
        )?
    } else {
        let t2 = pow_wad(t, 2)?;
        mul_div(F, t2, add(t2, L)?, Rounding::Down)?
    };
    let scaled = if above {
        add(base, bump)?
    } else {
        sub(base, bump)?
    };
    mul_div(scaled, U256::from(1), TEN_THOUSAND, Rounding::Down)
}

/// `(x/1e18)^k · 1e18` by squaring, flooring each product as Kyber's
/// `unsafePowInPrecision` does. For `x ≤ 1e18`.
fn pow_wad(mut x: U256, mut k: u64) -> Result<U256> {
    let mut z = if k % 2 == 1 { x } else { WAD };
    k /= 2;
    while k != 0 {
        x = wad_mul(x, x, Rounding::Down)?;
        if k % 2 == 1 {
            z = wad_mul(z, x, Rounding::Down)?;
        }
        k /= 2;
    }
    Ok(z)
}

/// Short EMA weight: `2/5401` per block (Kyber).
pub const SHORT_ALPHA: U256 = wad_ratio(2, 5401);
/// Long EMA weight: `2/10801` per block (Kyber).
pub const LONG_ALPHA: U256 = wad_ratio(2, 10_801);

/// Kyber DMM's volume trend recorder: a short and a long EMA of per-block
/// volume (normalised to token0), clocked by block number. The trend of a
/// trade is read **before** its own volume counts, so a trade cannot raise
/// its own fee.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VolumeEma {
    /// EMA with the short window.
    pub short_ema: U256,
    /// EMA with the long window.
    pub long_ema: U256,
    /// Volume traded so far in `last_block`.
    pub block_volume: U256,
    /// The block of the last recorded trade.
    pub last_block: u64,
}

impl VolumeEma {
    /// A recorder with both EMAs at `ema_init`, starting at `block`.
    #[must_use]
    pub const fn new(ema_init: U256, block: u64) -> Self {
        Self {
            short_ema: ema_init,
            long_ema: ema_init,
            block_volume: U256::ZERO,
            last_block: block,
        }
    }

    /// The trend `r` (WAD) a trade at `block` would pay: Kyber's `getRFactor`.
    ///
    /// ```
    /// # use damm_math::{fee::VolumeEma, arith::WAD, U256};
    /// let ema = VolumeEma::new(U256::from(1000), 7);
    /// assert_eq!(ema.r_factor(7).unwrap(), WAD);      // steady volume: r = 1
    /// assert!(ema.r_factor(100).unwrap() < WAD);     // quiet blocks: r falls
    /// ```
    pub fn r_factor(&self, block: u64) -> Result<U256> {
        let (short, long) = self.decayed(block)?;
        r_of(short, long)
    }

    /// Records `volume` traded at `block` and returns the trend `r` (WAD) that
    /// this trade pays: Kyber's `recordNewUpdatedVolume`, which is
    /// [`Self::advance`] then [`Self::add_volume`]. Errors with
    /// [`MathError::InvalidParameter`] if `block` is before the last trade.
    ///
    /// ```
    /// # use damm_math::{fee::VolumeEma, arith::WAD, U256};
    /// let mut ema = VolumeEma::new(U256::from(1000), 1);
    /// assert_eq!(ema.record(1, U256::from(5000)).unwrap(), WAD); // same block: old EMAs
    /// assert!(ema.record(2, U256::ZERO).unwrap() > WAD);          // the surge now shows
    /// ```
    pub fn record(&mut self, block: u64, volume: U256) -> Result<U256> {
        let r = self.advance(block)?;
        self.add_volume(volume);
        Ok(r)
    }

    /// Moves the recorder to `block` and returns the trend `r` (WAD) a trade
    /// there pays: in a later block the last block's volume is folded into
    /// both EMAs, which then decay through the empty blocks between.
    /// [`MathError::InvalidParameter`] if `block` is before the last trade.
    ///
    /// ```
    /// # use damm_math::{fee::VolumeEma, arith::WAD, U256};
    /// let mut ema = VolumeEma::new(U256::from(1000), 1);
    /// assert_eq!(ema.advance(1).unwrap(), WAD);
    /// assert!(ema.advance(50).unwrap() < WAD);
    /// assert_eq!(ema.last_block, 50);
    /// ```
    pub fn advance(&mut self, block: u64) -> Result<U256> {
        if block != self.last_block {
            let (short, long) = self.decayed(block)?;
            *self = Self {
                short_ema: short,
                long_ema: long,
                block_volume: U256::ZERO,
                last_block: block,
            };
        }
        r_of(self.short_ema, self.long_ema)
    }

    /// Adds `volume` to the current block's. Kyber keeps volumes and EMAs in
    /// `uint128` and reverts beyond; here a block's volume saturates there
    /// instead, so no later update can overflow and a huge trade cannot stop
    /// the recorder.
    pub fn add_volume(&mut self, volume: U256) {
        let cap = U256::from(u128::MAX);
        self.block_volume = min(self.block_volume.saturating_add(volume), cap);
    }

    /// The EMAs as of `block`: fold in the last block's volume, then decay
    /// through the empty blocks in between.
    fn decayed(&self, block: u64) -> Result<(U256, U256)> {
        let skip = block
            .checked_sub(self.last_block)
            .ok_or(MathError::InvalidParameter)?;
        if skip == 0 {
            return Ok((self.short_ema, self.long_ema));
        }
        let step = |ema: U256, alpha: U256| -> Result<U256> {
            let keep = sub(WAD, alpha)?;
            let next = mul_div(
                add(mul(keep, ema)?, mul(alpha, self.block_volume)?)?,
                U256::from(1),
                WAD,
                Rounding::Down,
            )?;
            wad_mul(next, pow_wad(keep, skip - 1)?, Rounding::Down)
        };
        Ok((
            step(self.short_ema, SHORT_ALPHA)?,
            step(self.long_ema, LONG_ALPHA)?,
        ))
    }
}

/// `⌊short·1e18 / long⌋`, or 0 while the long EMA is empty (Kyber).
fn r_of(short: U256, long: U256) -> Result<U256> {
    if long.is_zero() {
        return Ok(U256::ZERO);
    }
    mul_div(short, WAD, long, Rounding::Down)
}

/// The health part of the fee: `φ·clamp((1 − HF)/(1 − HF_min), 0, 1)`, rounded
/// up. Zero at `HF ≥ 1`, the full `φ` at or below the floor. All WAD.
///
/// ```
/// # use damm_math::{fee::health_premium, arith::WAD, U256};
/// let phi = U256::from(10_000_000_000_000_000u64); // 100 bps
/// let floor = WAD * U256::from(9) / U256::from(10);
/// assert_eq!(health_premium(WAD, floor, phi).unwrap(), U256::ZERO);
/// assert_eq!(health_premium(WAD * U256::from(95) / U256::from(100), floor, phi).unwrap(), phi / U256::from(2));
/// assert_eq!(health_premium(floor / U256::from(2), floor, phi).unwrap(), phi);
/// ```
pub fn health_premium(hf: U256, hf_min: U256, phi: U256) -> Result<U256> {
    if hf >= WAD {
        return Ok(U256::ZERO);
    }
    let deficit = sub(WAD, hf)?;
    let range = WAD.saturating_sub(hf_min);
    if deficit >= range {
        return Ok(phi);
    }
    mul_div(phi, deficit, range, Rounding::Up)
}

/// The fee an L1 swap pays: `min(f_max, f_vol + premium)`.
///
/// ```
/// # use damm_math::{fee::dynamic_fee, U256};
/// let u = |v: u64| U256::from(v);
/// assert_eq!(dynamic_fee(u(25), u(50), u(100)), u(75));
/// assert_eq!(dynamic_fee(u(60), u(100), u(100)), u(100));
/// ```
#[must_use]
pub fn dynamic_fee(volume_fee: U256, premium: U256, fee_max: U256) -> U256 {
    min(fee_max, volume_fee.saturating_add(premium))
}

/// `1e18 − fee`: the share of a trade's input that reaches the curve. The rest
/// stays in the pool. [`MathError::InvalidParameter`] for fees of 100 % or more.
///
/// ```
/// # use damm_math::{fee::gamma, arith::WAD, U256};
/// assert_eq!(gamma(U256::from(3)).unwrap(), WAD - U256::from(3));
/// assert!(gamma(WAD).is_err());
/// ```
pub fn gamma(fee: U256) -> Result<U256> {
    if fee >= WAD {
        return Err(MathError::InvalidParameter);
    }
    sub(WAD, fee)
}

/// The fee of an L1 swap at `block` (docs/design.md §5): Kyber's volume fee for the
/// trend before this trade, plus the health premium at `hf`, capped at
/// `fee_max` (all WAD). Moves `ema` to `block` ([`VolumeEma::advance`]); the
/// caller adds the trade's volume once it is known.
///
/// ```
/// # use damm_math::{fee::{l1_swap_fee, VolumeEma}, arith::WAD, U256};
/// let mut ema = VolumeEma::new(U256::from(1000), 7);
/// let percent = WAD / U256::from(100);
/// // Steady volume and HF = 1: Kyber's 25 bps and no premium.
/// let fee = l1_swap_fee(&mut ema, 7, WAD, WAD * U256::from(9) / U256::from(10), percent, percent).unwrap();
/// assert_eq!(fee, U256::from(2_500_000_000_000_000u64));
/// ```
pub fn l1_swap_fee(
    ema: &mut VolumeEma,
    block: u64,
    hf: U256,
    hf_min: U256,
    phi: U256,
    fee_max: U256,
) -> Result<U256> {
    let trend = ema.advance(block)?;
    let premium = health_premium(hf, hf_min, phi)?;
    Ok(dynamic_fee(kyber_fee(trend), premium, fee_max))
}

/// An L2's fee: `⌈fee·λ⌉` with `λ ≤ 1` (WAD). Seed 000: L2 fees are lower.
/// [`MathError::InvalidParameter`] for `λ > 1`.
///
/// ```
/// # use damm_math::{fee::scale_fee, arith::WAD, U256};
/// assert_eq!(scale_fee(U256::from(25), WAD / U256::from(2)).unwrap(), U256::from(13));
/// ```
pub fn scale_fee(fee: U256, lambda: U256) -> Result<U256> {
    if lambda > WAD {
        return Err(MathError::InvalidParameter);
    }
    wad_mul(fee, lambda, Rounding::Up)
}
