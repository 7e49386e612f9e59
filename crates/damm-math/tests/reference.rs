//! damm-math against an independent high-precision reference.
//!
//! `reference/gen_reference.py` (Python's `decimal` at 200+ digits, standard
//! library only) computes the true values; its CSV outputs are committed.
//! These tests read them and check, exactly in big integers:
//! - StableSwap: Newton `D`/`y` within a unit, and the corrected `d_ceil`/`y_min`
//!   equal to the ceiling of the true root;
//! - `pow_q64`: the bracket holds the true `x^e` and is as tight as documented;
//! - bAMM quotes: never above the true output, and below it by at most `2^-47`;
//! - Kyber's fee curve and volume EMAs: equal to an exact integer port.

use std::path::PathBuf;

use damm_math::{bamm::Bamm, fee, logexp::pow_q64, stable, U256};
use num_bigint::BigUint;
use num_traits::{One, Zero};

/// A non-negative decimal `mantissa / 10^scale` as printed by the script.
struct Real {
    mantissa: BigUint,
    scale: u32,
}

impl Real {
    fn parse(text: &str) -> Self {
        let (int, frac) = text.split_once('.').unwrap_or((text, ""));
        let digits = format!("{int}{frac}");
        Real {
            mantissa: digits.parse().unwrap(),
            scale: frac.len() as u32,
        }
    }

    fn denominator(&self) -> BigUint {
        BigUint::from(10u32).pow(self.scale)
    }

    /// `⌈value⌉`.
    fn ceil(&self) -> BigUint {
        let d = self.denominator();
        let q = &self.mantissa / &d;
        if (&self.mantissa % &d).is_zero() {
            q
        } else {
            q + BigUint::one()
        }
    }

    /// `⌊value⌋`.
    fn floor(&self) -> BigUint {
        &self.mantissa / self.denominator()
    }
}

fn big(v: U256) -> BigUint {
    BigUint::from_bytes_le(&v.to_le_bytes::<32>())
}

fn u256(text: &str) -> U256 {
    text.parse().unwrap()
}

fn rows(name: &str) -> Vec<Vec<String>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rows: Vec<Vec<String>> = text
        .lines()
        .skip(1)
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect();
    assert!(rows.len() >= 100, "{name} has only {} rows", rows.len());
    rows
}

#[test]
fn stableswap_d_matches_the_true_root() {
    for row in rows("stableswap_d.csv") {
        let (x, y, amp) = (u256(&row[0]), u256(&row[1]), u256(&row[2]));
        let truth = Real::parse(&row[3]);
        let newton = big(stable::get_d(x, y, amp).unwrap_or_else(|err| panic!("{row:?}: {err:?}")));
        let floor = truth.floor();
        let distance = if newton > floor {
            &newton - &floor
        } else {
            &floor - &newton
        };
        // Curve's stopping rule |ΔD| ≤ 1 leaves the Newton value a few units off
        // on very imbalanced pools; d_ceil below corrects it exactly.
        assert!(
            distance <= BigUint::from(8u32),
            "get_d{row:?} = {newton}, truth {}",
            row[3]
        );
        assert_eq!(
            big(stable::d_ceil(x, y, amp).unwrap_or_else(|err| panic!("{row:?}: {err:?}"))),
            truth.ceil(),
            "d_ceil{row:?}"
        );
    }
}

#[test]
fn stableswap_y_matches_the_true_root() {
    for row in rows("stableswap_y.csv") {
        let (x, d, amp) = (u256(&row[0]), u256(&row[1]), u256(&row[2]));
        let truth = Real::parse(&row[3]);
        let newton = big(stable::get_y(x, d, amp).unwrap());
        let floor = truth.floor();
        let distance = if newton > floor {
            &newton - &floor
        } else {
            &floor - &newton
        };
        assert!(distance <= BigUint::from(8u32), "get_y{row:?} = {newton}");
        assert_eq!(
            big(stable::y_min(x, d, amp).unwrap()),
            truth.ceil(),
            "y_min{row:?}"
        );
    }
}

#[test]
fn pow_brackets_the_true_power() {
    let two64 = BigUint::one() << 64;
    for row in rows("pow.csv") {
        let (x, e) = (u256(&row[0]), u256(&row[1]));
        let truth = Real::parse(&row[2]);
        // Only results from 2^190 up may overflow (the documented domain).
        let (lo, hi) = match pow_q64(x, e) {
            Ok(bounds) => bounds,
            Err(err) => {
                assert_eq!(err, damm_math::MathError::Overflow, "{row:?}");
                assert!(
                    truth.floor() >= BigUint::one() << 190u32,
                    "{row:?} overflowed"
                );
                continue;
            }
        };
        let (lo, hi) = (big(lo), big(hi));
        // lo ≤ v·2^64 ≤ hi, compared as lo·10^s ≤ mantissa·2^64.
        let scaled = &truth.mantissa * &two64;
        let d = truth.denominator();
        assert!(&lo * &d <= scaled, "lower bound above truth for {row:?}");
        assert!(&hi * &d >= scaled, "upper bound below truth for {row:?}");
        // hi − lo ≤ v·2^64·2^-60·⌈e⌉ + 3.
        let gap = (&hi - &lo) * &d;
        let wad = BigUint::from(10u64.pow(18));
        let whole_e = ((big(e) + &wad - BigUint::one()) / wad).max(BigUint::one());
        let allowed = ((&scaled * whole_e) >> 60u32) + BigUint::from(3u32) * &d;
        assert!(gap <= allowed, "bracket too wide for {row:?}: {lo}..{hi}");
    }
}

#[test]
fn bamm_quotes_stay_within_the_documented_bound_of_the_true_curve() {
    for row in rows("bamm_swap.csv") {
        let (x, y, alpha, t, dx) = (
            u256(&row[0]),
            u256(&row[1]),
            u256(&row[2]),
            u256(&row[3]),
            u256(&row[4]),
        );
        let truth = Real::parse(&row[5]);
        let curve = Bamm::new(alpha, t).unwrap();
        let out = big(curve.amount_out(true, dx, x, y, U256::ZERO).unwrap());
        // Never above the true output (rounded toward the pool)...
        assert!(
            &out * truth.denominator() <= truth.mantissa,
            "quote above truth for {row:?}: {out}"
        );
        // ...and below it by at most 2^-47 of the reserve plus a few units.
        let shortfall = truth.floor() - &out;
        let allowed = (big(y) >> 47u32) + BigUint::from(4u32);
        assert!(
            shortfall <= allowed,
            "quote {out} too far below truth {} for {row:?}",
            row[5]
        );
    }
}

#[test]
fn kyber_fee_equals_the_exact_port() {
    for row in rows("kyber_fee.csv") {
        assert_eq!(
            fee::kyber_fee(u256(&row[0])),
            u256(&row[1]),
            "r = {}",
            row[0]
        );
    }
}

#[test]
fn kyber_ema_equals_the_exact_port() {
    for row in rows("kyber_ema.csv") {
        let skip: u64 = row[3].parse().unwrap();
        let ema = fee::VolumeEma {
            short_ema: u256(&row[0]),
            long_ema: u256(&row[1]),
            block_volume: u256(&row[2]),
            last_block: 1_000,
        };
        let mut updated = ema;
        updated.record(1_000 + skip, U256::ZERO).unwrap();
        assert_eq!(
            (updated.short_ema, updated.long_ema),
            (u256(&row[4]), u256(&row[5])),
            "{row:?}"
        );
    }
}
