//! The operator's signing key: from `DAMM_OPERATOR_KEY`, or from a file
//! only its owner can read. Never logged; errors never quote it.

use alloy_signer_local::PrivateKeySigner;

use crate::config::Config;

/// The key the configuration names.
///
/// # Errors
/// A sentence if there is none, both, an unreadable or shared file, or not
/// 32 bytes of hex.
pub fn load(config: &Config) -> Result<PrivateKeySigner, String> {
    let text = match (&config.key, &config.key_file) {
        (Some(_), Some(_)) => return Err("set DAMM_OPERATOR_KEY or key_file, not both".into()),
        (None, None) => return Err("no operator key: set DAMM_OPERATOR_KEY or key_file".into()),
        (Some(key), None) => key.expose().to_owned(),
        (None, Some(path)) => {
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
            std::fs::read_to_string(path)
                .map_err(|e| format!("key_file {}: {e}", path.display()))?
        }
    };
    text.trim()
        .trim_start_matches("0x")
        .parse()
        .map_err(|_| "the operator key is not 32 bytes of hex".into())
}
