//! Typed configuration: a TOML file, then environment variables on top.
//!
//! `PREFIX_FIELD=value` sets `field` (lower-cased); `PREFIX_A__B` sets `b`
//! inside table `a`. A value is read as TOML when it parses as a scalar
//! (`8`, `true`, `"x"`) and as a string otherwise, so addresses and URLs
//! need no quotes. Unknown fields are errors (the service structs use
//! `deny_unknown_fields`), so a typo cannot silently fall back to a default.

use std::fmt;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Deserialize;

/// A configuration that could not be read.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Reads `file` (if given) and overlays every `PREFIX_*` variable of `env`.
///
/// # Errors
/// [`ConfigError`] naming the file, variable or field that is wrong.
pub fn load<T: DeserializeOwned>(
    file: Option<&Path>,
    prefix: &str,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<T, ConfigError> {
    let mut table = match file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| ConfigError(format!("reading {}: {e}", path.display())))?;
            toml::from_str::<toml::Table>(&text)
                .map_err(|e| ConfigError(format!("{}: {e}", path.display())))?
        }
        None => toml::Table::new(),
    };
    let marker = format!("{prefix}_");
    for (name, value) in env {
        let Some(path) = name.strip_prefix(&marker) else {
            continue;
        };
        let keys: Vec<String> = path.split("__").map(str::to_ascii_lowercase).collect();
        set(&mut table, &keys, scalar(&value)).map_err(|e| ConfigError(format!("{name}: {e}")))?;
    }
    T::deserialize(toml::Value::Table(table))
        .map_err(|e| ConfigError(format!("configuration: {e}")))
}

fn scalar(text: &str) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("v = {text}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .filter(|v| !v.is_table())
        .unwrap_or_else(|| toml::Value::String(text.to_owned()))
}

fn set(table: &mut toml::Table, keys: &[String], value: toml::Value) -> Result<(), String> {
    match keys {
        [] => Err("empty name".into()),
        [last] => {
            table.insert(last.clone(), value);
            Ok(())
        }
        [first, rest @ ..] => {
            let entry = table
                .entry(first.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            match entry {
                toml::Value::Table(inner) => set(inner, rest, value),
                _ => Err(format!("{first} is not a table")),
            }
        }
    }
}

/// A value that must never reach a log: `Debug` and `Display` print
/// `<redacted>`. Read it with [`Secret::expose`].
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    #[must_use]
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The secret itself, for the one place that uses it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        url: String,
        port: u16,
        key: Secret,
        #[serde(default)]
        db: Inner,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        #[serde(default)]
        url: String,
    }

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| ((*a).into(), (*b).into()))
            .collect()
    }

    #[test]
    fn the_environment_overrides_the_file_and_reaches_nested_tables() {
        let dir = std::env::temp_dir().join(format!("damm-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.toml");
        std::fs::write(&file, "url = \"http://a\"\nport = 1\nkey = \"k\"\n").unwrap();
        let got: Sample = load(
            Some(&file),
            "T",
            env(&[
                ("T_PORT", "8080"),
                ("T_DB__URL", "sqlite://x.db"),
                ("OTHER", "1"),
            ]),
        )
        .unwrap();
        assert_eq!(got.url, "http://a");
        assert_eq!(got.port, 8080);
        assert_eq!(got.db.url, "sqlite://x.db");
        assert_eq!(got.key.expose(), "k");
    }

    #[test]
    fn unknown_fields_and_bad_types_are_named() {
        let e = load::<Sample>(
            None,
            "T",
            env(&[("T_URL", "u"), ("T_PORT", "x"), ("T_KEY", "k")]),
        )
        .unwrap_err();
        assert!(e.0.contains("port"), "{e}");
        let e = load::<Sample>(
            None,
            "T",
            env(&[
                ("T_URL", "u"),
                ("T_PORT", "1"),
                ("T_KEY", "k"),
                ("T_PROT", "2"),
            ]),
        )
        .unwrap_err();
        assert!(e.0.contains("prot"), "{e}");
    }

    #[test]
    fn a_secret_never_prints() {
        let s = Secret::new("0xdeadbeef".into());
        assert_eq!(format!("{s} {s:?}"), "<redacted> <redacted>");
    }
}
