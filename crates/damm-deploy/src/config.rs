//! The deployment file: what the pool should look like once deployed.
//!
//! One TOML file describes the desired end state — tokens, parameters, the
//! seed deposit, the markets and who finally owns the contract. The planner
//! ([`crate::plan`]) compares it with what a chain holds and sends only the
//! difference, so a run that stopped half-way can simply be run again.
//!
//! Amounts are integers in the token's smallest unit (wei for an 18-decimal
//! token). Fractions (`hf_min`,
//! `weight`, …) are decimal strings read exactly into WADs: no floats.

use std::path::Path;

use alloy_primitives::{Address, U256};
use serde::Deserialize;

use crate::{fail, Error};

/// The parsed and checked deployment file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The pool's two tokens, as the constructor takes them.
    pub token0: Address,
    /// See [`Config::token0`].
    pub token1: Address,
    /// Who owns the contract after configuration (a timelock or multisig).
    /// It must call `acceptOwnership()`; until then the deploying key does.
    pub final_owner: Option<Address>,
    /// Parameters to set, as `(id, value)` in id order; unset ones keep the
    /// contract's defaults.
    pub parameters: Vec<(u8, U256)>,
    /// The first deposit, needed before any market can be registered.
    pub seed: Option<Seed>,
    /// The markets, in registration order (their ids are their positions).
    pub markets: Vec<MarketSpec>,
    /// End setup with `goLive()` once configured: anyone may deposit, and
    /// every later change waits in the contract's timelock (docs/design.md §14).
    pub live: bool,
}

/// The first deposit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seed {
    /// Most token0 to deposit (smallest units).
    pub amount0: U256,
    /// Most token1 to deposit (smallest units).
    pub amount1: U256,
    /// Who gets the LP shares; the deploying key when `None`.
    pub recipient: Option<Address>,
    /// Mint the amounts to the deploying key first: the repo's test tokens
    /// only (their `mint` is open), for devnets.
    pub mint: bool,
}

/// One market, as `registerMarket` takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketSpec {
    /// The L2 operator allowed to settle it.
    pub operator: Address,
    /// Curve kind (`markets::kind` in the contract).
    pub kind: u8,
    /// `A·n^(n−1)` for StableSwap, `α` (WAD) for bAMM, else 0.
    pub param_a: U256,
    /// `t` (WAD) for bAMM, else 0.
    pub param_b: U256,
    /// Allocation weight (WAD).
    pub weight: U256,
    /// L2 fee scale `λ` (WAD).
    pub fee_scale: U256,
}

/// Parameter names in the file, in the contract's id order
/// (`governance::param`), and whether each is a WAD fraction or seconds.
pub const PARAMETERS: [(&str, Unit); 9] = [
    ("hf_min", Unit::Wad),
    ("phi", Unit::Wad),
    ("fee_max", Unit::Wad),
    ("acp", Unit::Seconds),
    ("grace", Unit::Seconds),
    ("buffer", Unit::Wad),
    ("external_hf_min", Unit::Wad),
    ("external_max_out", Unit::Wad),
    ("external_daily_out", Unit::Wad),
];

/// How a parameter is written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A decimal fraction, stored as a WAD (`"0.9"`).
    Wad,
    /// Whole seconds.
    Seconds,
}

/// Curve names in the file, in the contract's kind order (`markets::kind`).
pub const CURVES: [&str; 4] = ["constant-product", "stable-swap", "bamm", "external"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    pool: RawPool,
    #[serde(default)]
    parameters: toml::Table,
    seed: Option<RawSeed>,
    #[serde(default, rename = "market")]
    markets: Vec<RawMarket>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPool {
    token0: String,
    token1: String,
    final_owner: Option<String>,
    #[serde(default = "yes")]
    live: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeed {
    amount0: String,
    amount1: String,
    recipient: Option<String>,
    #[serde(default)]
    mint: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMarket {
    operator: String,
    curve: String,
    amp: Option<String>,
    alpha: Option<String>,
    t: Option<String>,
    weight: String,
    fee_scale: String,
}

impl Config {
    /// Reads and checks a deployment file.
    ///
    /// # Errors
    /// [`Error`] naming the file and what is wrong.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text =
            std::fs::read_to_string(path).map_err(|e| Error(format!("{}: {e}", path.display())))?;
        Self::parse(&text).map_err(|e| Error(format!("{}: {e}", path.display())))
    }

    /// Parses and checks a deployment file's text.
    ///
    /// # Errors
    /// [`Error`] naming the field and what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| Error(e.to_string()))?;
        let token0 = address("pool.token0", &raw.pool.token0)?;
        let token1 = address("pool.token1", &raw.pool.token1)?;
        if token0 == token1 {
            return fail("pool.token0 and pool.token1 are the same token");
        }
        let final_owner = raw
            .pool
            .final_owner
            .as_deref()
            .map(|s| address("pool.final_owner", s))
            .transpose()?;
        let parameters = parameters(&raw.parameters)?;
        let seed = raw.seed.map(seed).transpose()?;
        let markets = raw
            .markets
            .iter()
            .enumerate()
            .map(|(i, m)| market(i, m))
            .collect::<Result<Vec<_>, _>>()?;
        if !markets.is_empty() && seed.is_none() {
            return fail(
                "markets need a seeded pool (a market starts at the pool's price): add [seed]",
            );
        }
        Ok(Self {
            token0,
            token1,
            final_owner,
            parameters,
            seed,
            markets,
            live: raw.pool.live,
        })
    }
}

fn parameters(table: &toml::Table) -> Result<Vec<(u8, U256)>, Error> {
    if let Some(unknown) = table
        .keys()
        .find(|k| !PARAMETERS.iter().any(|(name, _)| name == k))
    {
        let names: Vec<_> = PARAMETERS.iter().map(|(n, _)| *n).collect();
        return fail(format!(
            "parameters.{unknown}: unknown parameter (known: {})",
            names.join(", ")
        ));
    }
    let mut out = Vec::new();
    for (id, (name, unit)) in (0u8..).zip(PARAMETERS) {
        let Some(value) = table.get(name) else {
            continue;
        };
        let field = format!("parameters.{name}");
        let value = match (unit, value) {
            (Unit::Wad, toml::Value::String(s)) => wad(&field, s)?,
            (Unit::Seconds, toml::Value::Integer(n)) => match u64::try_from(*n) {
                Ok(n) => U256::from(n),
                Err(_) => return fail(format!("{field}: seconds cannot be negative")),
            },
            (Unit::Wad, _) => {
                return fail(format!(
                    "{field}: write the fraction as a string, e.g. \"0.9\""
                ))
            }
            (Unit::Seconds, _) => return fail(format!("{field}: write whole seconds, e.g. 86400")),
        };
        out.push((id, value));
    }
    Ok(out)
}

fn seed(raw: RawSeed) -> Result<Seed, Error> {
    let amount0 = amount("seed.amount0", &raw.amount0)?;
    let amount1 = amount("seed.amount1", &raw.amount1)?;
    if amount0.is_zero() || amount1.is_zero() {
        return fail("seed: both amounts must be positive");
    }
    Ok(Seed {
        amount0,
        amount1,
        recipient: raw
            .recipient
            .as_deref()
            .map(|s| address("seed.recipient", s))
            .transpose()?,
        mint: raw.mint,
    })
}

fn market(index: usize, raw: &RawMarket) -> Result<MarketSpec, Error> {
    let field = |name: &str| format!("market[{index}].{name}");
    let Some(kind) = CURVES.iter().position(|c| *c == raw.curve) else {
        return fail(format!(
            "{}: unknown curve {:?} (known: {})",
            field("curve"),
            raw.curve,
            CURVES.join(", ")
        ));
    };
    let wanted: &[&str] = match kind {
        1 => &["amp"],
        2 => &["alpha", "t"],
        _ => &[],
    };
    for (name, value) in [("amp", &raw.amp), ("alpha", &raw.alpha), ("t", &raw.t)] {
        if value.is_some() != wanted.contains(&name) {
            let verb = if value.is_some() {
                "does not take"
            } else {
                "needs"
            };
            return fail(format!("{}: {} {verb} {name}", field("curve"), raw.curve));
        }
    }
    let param_a = match (&raw.amp, &raw.alpha) {
        (Some(amp), _) => amount(&field("amp"), amp)?,
        (_, Some(alpha)) => wad(&field("alpha"), alpha)?,
        _ => U256::ZERO,
    };
    let param_b = match &raw.t {
        Some(t) => wad(&field("t"), t)?,
        None => U256::ZERO,
    };
    Ok(MarketSpec {
        operator: address(&field("operator"), &raw.operator)?,
        kind: kind as u8,
        param_a,
        param_b,
        weight: wad(&field("weight"), &raw.weight)?,
        fee_scale: wad(&field("fee_scale"), &raw.fee_scale)?,
    })
}

fn address(field: &str, text: &str) -> Result<Address, Error> {
    let address: Address = text
        .parse()
        .map_err(|_| Error(format!("{field}: {text:?} is not a 20-byte hex address")))?;
    if address.is_zero() {
        return fail(format!("{field}: the zero address"));
    }
    Ok(address)
}

/// An integer amount in the token's smallest unit, in decimal.
fn amount(field: &str, text: &str) -> Result<U256, Error> {
    let digits = text.replace('_', "");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return fail(format!("{field}: {text:?} is not a whole number"));
    }
    U256::from_str_radix(&digits, 10).map_err(|_| Error(format!("{field}: {text:?} is too large")))
}

/// A decimal fraction as a WAD, exactly: `"0.9"` is 9·10^17. More than 18
/// decimals would need rounding, so they are refused.
///
/// ```
/// # use damm_deploy::config::wad;
/// # use alloy_primitives::U256;
/// assert_eq!(wad("x", "0.9"), Ok(U256::from(900_000_000_000_000_000u64)));
/// assert_eq!(wad("x", "1"), Ok(U256::from(10u64).pow(U256::from(18))));
/// assert_eq!(wad("x", "0.000_001"), Ok(U256::from(1_000_000_000_000u64)));
/// assert!(wad("x", "0.1234567890123456789").is_err());
/// assert!(wad("x", ".5").is_err());
/// ```
///
/// # Errors
/// [`Error`] for anything but `digits[.digits]` with ≤ 18 decimals.
pub fn wad(field: &str, text: &str) -> Result<U256, Error> {
    let plain = text.replace('_', "");
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    if whole.is_empty() {
        return fail(format!("{field}: {text:?} is not a decimal like \"0.9\""));
    }
    if fraction.len() > 18 {
        return fail(format!("{field}: {text:?} has more than 18 decimals"));
    }
    let digits = format!("{whole}{fraction:0<18}");
    amount(field, &digits)
        .map_err(|_| Error(format!("{field}: {text:?} is not a decimal like \"0.9\"")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: &str = "0x00000000000000000000000000000000000000a0";
    const T1: &str = "0x00000000000000000000000000000000000000a1";
    const OP: &str = "0x00000000000000000000000000000000000000b0";

    fn pool() -> String {
        format!("[pool]\ntoken0 = \"{T0}\"\ntoken1 = \"{T1}\"\n")
    }

    fn e18(n: u64) -> U256 {
        U256::from(n) * U256::from(10u64).pow(U256::from(18))
    }

    #[test]
    fn reads_a_full_file() {
        let text = format!(
            "{}final_owner = \"{OP}\"\n\
             [parameters]\nhf_min = \"0.85\"\nacp = 3600\n\
             [seed]\namount0 = \"1_000\"\namount1 = \"2000\"\n\
             [[market]]\noperator = \"{OP}\"\ncurve = \"stable-swap\"\namp = \"100\"\nweight = \"0.5\"\nfee_scale = \"1\"\n\
             [[market]]\noperator = \"{OP}\"\ncurve = \"bamm\"\nalpha = \"0.5\"\nt = \"0.25\"\nweight = \"1\"\nfee_scale = \"0\"\n",
            pool()
        );
        let config = Config::parse(&text).unwrap();
        assert_eq!(config.final_owner, Some(OP.parse().unwrap()));
        assert_eq!(
            config.parameters,
            vec![(0, e18(85) / U256::from(100)), (3, U256::from(3600))]
        );
        let seed = config.seed.unwrap();
        assert_eq!(
            (seed.amount0, seed.amount1),
            (U256::from(1000), U256::from(2000))
        );
        assert_eq!(config.markets[0].kind, 1);
        assert_eq!(config.markets[0].param_a, U256::from(100));
        assert_eq!(config.markets[0].weight, e18(1) / U256::from(2));
        assert_eq!(config.markets[1].kind, 2);
        assert_eq!(config.markets[1].param_b, e18(1) / U256::from(4));
        assert_eq!(config.markets[1].fee_scale, U256::ZERO);
    }

    #[test]
    fn refuses_what_it_cannot_read_exactly() {
        let cases = [
            (format!("[pool]\ntoken0 = \"{T0}\"\ntoken1 = \"{T0}\"\n"), "same token"),
            (format!("[pool]\ntoken0 = \"0x12\"\ntoken1 = \"{T1}\"\n"), "pool.token0"),
            (
                format!("[pool]\ntoken0 = \"{}\"\ntoken1 = \"{T1}\"\n", Address::ZERO),
                "zero address",
            ),
            (format!("{}[parameters]\nhf_min = 0.9\n", pool()), "as a string"),
            (format!("{}[parameters]\nhf = \"0.9\"\n", pool()), "unknown parameter"),
            (format!("{}[parameters]\nacp = -1\n", pool()), "negative"),
            (format!("{}[parameters]\nphi = \"1e-2\"\n", pool()), "not a decimal"),
            (format!("{}[seed]\namount0 = \"1.5\"\namount1 = \"1\"\n", pool()), "whole number"),
            (format!("{}[seed]\namount0 = \"0\"\namount1 = \"1\"\n", pool()), "positive"),
            (
                format!("{}[[market]]\noperator = \"{OP}\"\ncurve = \"constant-product\"\nweight = \"1\"\nfee_scale = \"1\"\n", pool()),
                "add [seed]",
            ),
            (
                format!("{}[seed]\namount0 = \"1\"\namount1 = \"1\"\n[[market]]\noperator = \"{OP}\"\ncurve = \"cp\"\nweight = \"1\"\nfee_scale = \"1\"\n", pool()),
                "unknown curve",
            ),
            (
                format!("{}[seed]\namount0 = \"1\"\namount1 = \"1\"\n[[market]]\noperator = \"{OP}\"\ncurve = \"bamm\"\nalpha = \"0.5\"\nweight = \"1\"\nfee_scale = \"1\"\n", pool()),
                "needs t",
            ),
            (
                format!("{}[seed]\namount0 = \"1\"\namount1 = \"1\"\n[[market]]\noperator = \"{OP}\"\ncurve = \"external\"\namp = \"5\"\nweight = \"1\"\nfee_scale = \"1\"\n", pool()),
                "does not take amp",
            ),
            (format!("{}[extra]\n", pool()), "unknown field"),
        ];
        for (text, expected) in cases {
            let error = Config::parse(&text).unwrap_err();
            assert!(error.0.contains(expected), "{expected:?} not in {error}");
        }
    }
}
