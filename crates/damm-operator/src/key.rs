//! The operator's signing key: from `DAMM_OPERATOR_KEY`, a file only its
//! owner can read, or an encrypted Ethereum keystore. Never logged; errors
//! never quote it.

use alloy_signer_local::PrivateKeySigner;

use crate::config::Config;

/// The key the configuration names.
///
/// # Errors
/// A sentence if there is none or more than one, an unreadable or shared
/// file, a wrong keystore password, or not 32 bytes of hex.
pub fn load(config: &Config) -> Result<PrivateKeySigner, String> {
    let given = [
        config.key.is_some(),
        config.key_file.is_some(),
        config.keystore.is_some(),
    ];
    match given.iter().filter(|g| **g).count() {
        0 => return Err("no operator key: set DAMM_OPERATOR_KEY, key_file or keystore".into()),
        1 => {}
        _ => return Err("set only one of DAMM_OPERATOR_KEY, key_file and keystore".into()),
    }
    if let Some(path) = &config.keystore {
        let password = config
            .keystore_password
            .as_ref()
            .ok_or("keystore needs DAMM_OPERATOR_KEYSTORE_PASSWORD")?;
        return PrivateKeySigner::decrypt_keystore(path, password.expose()).map_err(|_| {
            format!(
                "keystore {}: cannot decrypt it (wrong password or not a keystore)",
                path.display()
            )
        });
    }
    let text = match (&config.key, &config.key_file) {
        (Some(key), _) => key.expose().to_owned(),
        (None, Some(path)) => {
            owner_only(path)?;
            std::fs::read_to_string(path)
                .map_err(|e| format!("key_file {}: {e}", path.display()))?
        }
        (None, None) => return Err("no operator key".into()),
    };
    text.trim()
        .trim_start_matches("0x")
        .parse()
        .map_err(|_| "the operator key is not 32 bytes of hex".into())
}

/// Refuses a key file others could read.
fn owner_only(path: &std::path::Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| format!("key_file {}: {e}", path.display()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "key_file {} is readable by others (mode {:o}): chmod 600 it",
                path.display(),
                mode & 0o777
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use damm_service::config::Secret;

    const KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    fn config(env: &[(&str, &str)]) -> Config {
        let mut vars: Vec<(String, String)> = [
            ("DAMM_OPERATOR_RPC_URL", "http://127.0.0.1:1"),
            (
                "DAMM_OPERATOR_DAMM",
                "0x3f9A0cE3184dc33089F8aBf13Ebce7B68cc66cFe",
            ),
            ("DAMM_OPERATOR_MARKET", "0"),
            ("DAMM_OPERATOR_ORCHESTRATOR_URL", "http://127.0.0.1:2"),
        ]
        .iter()
        .chain(env)
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
        vars.push(("UNRELATED".into(), "x".into()));
        damm_service::config::load(None, "DAMM_OPERATOR", vars).expect("config")
    }

    fn dir(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("damm-key-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("dir");
        d
    }

    #[test]
    fn a_key_from_the_environment_never_prints() {
        let c = config(&[("DAMM_OPERATOR_KEY", KEY)]);
        let expected: PrivateKeySigner = KEY.trim_start_matches("0x").parse().expect("key");
        assert_eq!(load(&c).expect("loads").address(), expected.address());
        assert!(
            !format!("{c:?}").contains(&KEY[2..]),
            "the key leaked into Debug"
        );
    }

    #[test]
    fn a_key_file_must_be_its_owners_alone() {
        use std::os::unix::fs::PermissionsExt;
        let d = dir("file");
        let path = d.join("key");
        std::fs::write(&path, KEY).expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let c = config(&[("DAMM_OPERATOR_KEY_FILE", path.to_str().unwrap_or(""))]);
        let e = load(&c).unwrap_err();
        assert!(e.contains("chmod 600") && !e.contains(&KEY[2..]), "{e}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert!(load(&c).is_ok());
    }

    #[test]
    fn a_keystore_opens_with_its_password_only() {
        let d = dir("keystore");
        let secret = alloy_primitives::hex::decode(KEY).expect("hex");
        let (signer, name) =
            PrivateKeySigner::encrypt_keystore(&d, &mut rand::thread_rng(), &secret, "pw", None)
                .expect("encrypts");
        let path = d.join(name);
        let mut c = config(&[("DAMM_OPERATOR_KEYSTORE", path.to_str().unwrap_or(""))]);
        assert!(load(&c).unwrap_err().contains("PASSWORD"));
        c.keystore_password = Some(Secret::new("wrong".into()));
        assert!(load(&c).unwrap_err().contains("cannot decrypt"));
        c.keystore_password = Some(Secret::new("pw".into()));
        assert_eq!(load(&c).expect("opens").address(), signer.address());
        c.key = Some(Secret::new(KEY.into()));
        assert!(load(&c).unwrap_err().contains("only one"));
    }
}
