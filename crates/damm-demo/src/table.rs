//! Plain-text tables and integer formatting of amounts: no floats anywhere.
//!
//! Token amounts and LP shares have 18 decimals; they are shown truncated
//! (never rounded up) with thousands separators. WAD ratios (HF, prices,
//! amplification) are shown the same way with as many places as asked.

use alloy_primitives::U256;

/// One 18-decimal unit.
const ONE: u128 = 1_000_000_000_000_000_000;

/// An aligned table: the first column left-aligned, the others right-aligned.
#[derive(Debug, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles.
    #[must_use]
    pub fn new(header: &[&str]) -> Self {
        Self {
            header: header.iter().map(|h| (*h).to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row (missing cells print empty).
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// The table as text, each line indented by two spaces.
    #[must_use]
    pub fn render(&self) -> String {
        let columns = self
            .rows
            .iter()
            .map(Vec::len)
            .chain([self.header.len()])
            .max()
            .unwrap_or(0);
        let cell = |row: &[String], i: usize| row.get(i).cloned().unwrap_or_default();
        let widths: Vec<usize> = (0..columns)
            .map(|i| {
                self.rows
                    .iter()
                    .chain([&self.header])
                    .map(|row| cell(row, i).chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |row: &[String]| {
            let cells: Vec<String> = widths
                .iter()
                .enumerate()
                .map(|(i, &width)| {
                    if i == 0 {
                        format!("{:<width$}", cell(row, i))
                    } else {
                        format!("{:>width$}", cell(row, i))
                    }
                })
                .collect();
            format!("  {}", cells.join("  ").trim_end())
        };
        let rule: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
        let mut out = vec![line(&self.header), format!("  {}", "-".repeat(rule))];
        out.extend(self.rows.iter().map(|row| line(row)));
        out.join("\n")
    }

    /// Prints the table.
    pub fn print(&self) {
        println!("{}", self.render());
    }
}

/// Groups the digits of a whole number by thousands: `1234567` → `1,234,567`.
#[must_use]
pub fn thousands(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A fixed-point value with 18 decimals, truncated to `places` (at most 18).
#[must_use]
pub fn fixed(value: U256, places: usize) -> String {
    let places = places.min(18);
    let one = U256::from(ONE);
    let whole = thousands(&(value / one).to_string());
    if places == 0 {
        return whole;
    }
    let fraction = format!("{:018}", (value % one).to::<u128>());
    format!("{whole}.{}", &fraction[..places])
}

/// A token amount or LP shares: 6 decimals.
#[must_use]
pub fn amount(value: U256) -> String {
    fixed(value, 6)
}

/// A token amount with all 18 decimals.
#[must_use]
pub fn exact(value: U256) -> String {
    fixed(value, 18)
}

/// A WAD ratio (HF, price, amplification): 7 decimals.
#[must_use]
pub fn wad(value: U256) -> String {
    fixed(value, 7)
}

/// A WAD price or amplification, rounded to the nearest 7th decimal (for
/// display only: `1.1999999999999999` shows as `1.2000000`).
#[must_use]
pub fn ratio(value: U256) -> String {
    let half = U256::from(ONE / 10_000_000 / 2);
    fixed(value.saturating_add(half), 7)
}

/// A signed amount `plus − minus` (one of them is zero), 6 decimals.
#[must_use]
pub fn signed(plus: U256, minus: U256) -> String {
    if plus >= minus {
        format!("+{}", amount(plus - minus))
    } else {
        format!("-{}", amount(minus - plus))
    }
}

/// A gas figure with thousands separators.
#[must_use]
pub fn gas(value: u64) -> String {
    thousands(&value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_truncated_and_grouped() {
        let v = U256::from(178_178_178_178_178_178_179u128);
        assert_eq!(amount(v), "178.178178");
        assert_eq!(exact(v), "178.178178178178178179");
        assert_eq!(amount(U256::from(178_000u128 * ONE)), "178,000.000000");
        assert_eq!(wad(U256::from(974_732_647_902_154_503u128)), "0.9747326");
        assert_eq!(signed(U256::ZERO, U256::from(ONE / 10)), "-0.100000");
        assert_eq!(signed(U256::from(ONE), U256::ZERO), "+1.000000");
        assert_eq!(gas(1_234_567), "1,234,567");
        assert_eq!(
            ratio(U256::from(1_199_999_999_999_999_999u128)),
            "1.2000000"
        );
        assert_eq!(
            ratio(U256::from(1_199_999_940_000_000_000u128)),
            "1.1999999"
        );
        assert_eq!(thousands("100"), "100");
    }

    #[test]
    fn tables_align() {
        let mut t = Table::new(&["who", "ETH"]);
        t.row(["carol", "1.0"]);
        t.row(["pool", "100.0"]);
        assert_eq!(
            t.render(),
            "  who      ETH\n  ------------\n  carol    1.0\n  pool   100.0"
        );
    }
}
