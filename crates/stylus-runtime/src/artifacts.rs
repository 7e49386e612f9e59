//! The workspace's WASM artifacts, built on demand for tests.
//!
//! [`damm`], [`test_token`] and [`quirky_token`] run the project's build scripts
//! (`scripts/build-contract.sh`, `scripts/build-token.sh`) once per process
//! and read `target/stylus/*.wasm`. Cargo makes a rebuild of unchanged
//! sources take a few seconds, and the file is never stale. Set
//! `STYLUS_RUNTIME_PREBUILT=1` to use the files as they are when they exist.

use std::fmt;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// A WASM the project builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Artifact {
    /// The dAMM contract: `target/stylus/damm.wasm` (`scripts/build-contract.sh`).
    Damm,
    /// The test ERC-20: `target/stylus/test_token.wasm` (`scripts/build-token.sh`).
    TestToken,
    /// The test ERC-20 with its non-standard modes and reentrancy hook:
    /// `target/stylus/quirky_token.wasm` (`scripts/build-token.sh`).
    QuirkyToken,
}

impl Artifact {
    fn file(self) -> &'static str {
        match self {
            Self::Damm => "damm.wasm",
            Self::TestToken => "test_token.wasm",
            Self::QuirkyToken => "quirky_token.wasm",
        }
    }

    fn script(self) -> &'static str {
        match self {
            Self::Damm => "scripts/build-contract.sh",
            Self::TestToken | Self::QuirkyToken => "scripts/build-token.sh",
        }
    }

    fn once(self) -> &'static OnceLock<Result<(), ArtifactError>> {
        static DAMM: OnceLock<Result<(), ArtifactError>> = OnceLock::new();
        static TOKEN: OnceLock<Result<(), ArtifactError>> = OnceLock::new();
        // Both tokens come from one script run.
        match self {
            Self::Damm => &DAMM,
            Self::TestToken | Self::QuirkyToken => &TOKEN,
        }
    }

    /// Where the artifact is written.
    #[must_use]
    pub fn path(self) -> PathBuf {
        workspace_root().join("target/stylus").join(self.file())
    }

    /// Builds the artifact (once per process) and reads it.
    ///
    /// # Errors
    /// [`ArtifactError`] with the script's output if the build fails, or
    /// the I/O error if the file cannot be read.
    pub fn load(self) -> Result<Vec<u8>, ArtifactError> {
        let prebuilt = std::env::var_os("STYLUS_RUNTIME_PREBUILT").is_some_and(|v| v != "0");
        if !(prebuilt && self.path().exists()) {
            self.once().get_or_init(|| self.build()).clone()?;
        }
        std::fs::read(self.path()).map_err(|error| ArtifactError {
            artifact: self,
            message: format!("cannot read {}: {error}", self.path().display()),
        })
    }

    fn build(self) -> Result<(), ArtifactError> {
        let output = Command::new("bash")
            .arg(self.script())
            .current_dir(workspace_root())
            .output()
            .map_err(|error| ArtifactError {
                artifact: self,
                message: format!("cannot run {}: {error}", self.script()),
            })?;
        if output.status.success() {
            return Ok(());
        }
        Err(ArtifactError {
            artifact: self,
            message: format!(
                "{} failed ({}):\n{}{}",
                self.script(),
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        })
    }
}

/// A build or read failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArtifactError {
    /// Which artifact.
    pub artifact: Artifact,
    /// What went wrong, with the build's output.
    pub message: String,
}

impl fmt::Display for ArtifactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.artifact, self.message)
    }
}

impl std::error::Error for ArtifactError {}

/// The workspace root (two levels above this crate).
#[must_use]
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The dAMM contract's WASM, built if needed.
///
/// # Errors
/// See [`Artifact::load`].
pub fn damm() -> Result<Vec<u8>, ArtifactError> {
    Artifact::Damm.load()
}

/// The test token's WASM, built if needed.
///
/// # Errors
/// See [`Artifact::load`].
pub fn test_token() -> Result<Vec<u8>, ArtifactError> {
    Artifact::TestToken.load()
}

/// The test token with its non-standard modes, built if needed.
///
/// # Errors
/// See [`Artifact::load`].
pub fn quirky_token() -> Result<Vec<u8>, ArtifactError> {
    Artifact::QuirkyToken.load()
}
