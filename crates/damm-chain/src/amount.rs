//! Token amounts in JSON: decimal strings of the smallest unit
//! (`"1500000000000000000"`), as wallets show raw amounts. JSON numbers
//! cannot carry 256 bits exactly, so numbers are refused, and so are signs,
//! fractions, exponents, spaces and anything above `2^256 − 1`.

use alloy_primitives::U256;
use serde::{Deserialize, Deserializer, Serializer};

/// Parses a decimal amount.
///
/// # Errors
/// A sentence saying what is wrong with `text`.
pub fn parse(text: &str) -> Result<U256, String> {
    if text.is_empty() || text.len() > 78 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{text:?} is not an amount: use a decimal string of the token's smallest unit, like \"1000000\""
        ));
    }
    U256::from_str_radix(text, 10).map_err(|_| format!("{text} is above 2^256 - 1"))
}

/// `serde(with = "damm_chain::amount")` for a `U256` field.
///
/// # Errors
/// As [`parse`].
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<U256, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse(&text).map_err(serde::de::Error::custom)
}

/// Writes a `U256` as a decimal string.
///
/// # Errors
/// The serializer's.
pub fn serialize<S: Serializer>(value: &U256, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&value.to_string())
}

/// `serde(default, with = "damm_chain::amount::option")` for an
/// `Option<U256>` field: absent or `null` is `None`.
pub mod option {
    use super::{parse, U256};
    use serde::{Deserialize, Deserializer, Serializer};

    /// Reads an optional amount.
    ///
    /// # Errors
    /// As [`parse`].
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<U256>, D::Error> {
        Option::<String>::deserialize(deserializer)?
            .map(|text| parse(&text).map_err(serde::de::Error::custom))
            .transpose()
    }

    /// Writes an optional amount (`null` for none).
    ///
    /// # Errors
    /// The serializer's.
    pub fn serialize<S: Serializer>(
        value: &Option<U256>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serializer.serialize_str(&v.to_string()),
            None => serializer.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_decimal_strings_in_range_are_amounts() {
        assert_eq!(parse("0"), Ok(U256::ZERO));
        assert_eq!(parse("1000000"), Ok(U256::from(1_000_000u64)));
        assert_eq!(parse(&U256::MAX.to_string()), Ok(U256::MAX));
        for bad in ["", "-1", "+1", "1.5", "1e18", " 1", "0x10", "abc"] {
            assert!(parse(bad).is_err(), "{bad:?} accepted");
        }
        let over = "115792089237316195423570985008687907853269984665640564039457584007913129639936";
        assert!(parse(over).unwrap_err().contains("above"));
    }
}
