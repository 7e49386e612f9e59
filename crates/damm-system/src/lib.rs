//! The dAMM's off-chain system as real processes, for tests, the local
//! launcher (`examples/local.rs`, `scripts/local-system.sh`) and the
//! benchmark (`examples/load.rs`).
//!
//! Every process writes its output to a log file in the run's folder and is
//! killed when its handle drops, so a failing test leaves nothing running.
//! Services bind port 0 and print `listening on http://ADDR`; damm-node
//! gets a free port up front (it configures the dAMM through its own URL).

pub mod chain;
pub mod http;
pub mod postgres;
pub mod process;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use alloy_primitives::Address;

pub use process::Proc;

/// The repository's root.
#[must_use]
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from("."))
}

/// anvil's dev keys 0–4: the owner, the three markets' operators of
/// `deploy/local-system.toml`, and an LP.
pub const KEYS: [&str; 5] = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
];

/// The address of [`KEYS`]`[i]`.
#[must_use]
pub fn address(i: usize) -> Address {
    KEYS[i]
        .parse::<alloy_signer_local::PrivateKeySigner>()
        .map(|s| s.address())
        .unwrap_or_default()
}

/// The three binaries, built once per process in the given profile.
#[derive(Debug, Clone)]
pub struct Binaries {
    /// damm-node.
    pub node: PathBuf,
    /// damm-orchestrator.
    pub orchestrator: PathBuf,
    /// damm-operator.
    pub operator: PathBuf,
}

fn cargo_build(packages: &[&str], release: bool) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.current_dir(repo()).args(["build", "--locked"]);
    for p in packages {
        cmd.args(["-p", p]);
    }
    if release {
        cmd.arg("--release");
    }
    let status = cmd.status().expect("cargo runs");
    assert!(status.success(), "building {packages:?} failed");
}

/// Builds (or finds up to date) the three binaries with cargo: the
/// services in the given profile, damm-node always in release (it
/// interprets the contract's WASM, which a debug build does slowly).
///
/// # Panics
/// If cargo fails: nothing here can run without them.
pub fn binaries(release: bool) -> &'static Binaries {
    static DEBUG: OnceLock<Binaries> = OnceLock::new();
    static RELEASE: OnceLock<Binaries> = OnceLock::new();
    let cell = if release { &RELEASE } else { &DEBUG };
    cell.get_or_init(|| {
        cargo_build(&["damm-node"], true);
        cargo_build(&["damm-orchestrator", "damm-operator"], release);
        let dir = repo()
            .join("target")
            .join(if release { "release" } else { "debug" });
        Binaries {
            node: repo().join("target/release/damm-node"),
            orchestrator: dir.join("damm-orchestrator"),
            operator: dir.join("damm-operator"),
        }
    })
}

/// A free local port (bound and released: another process could take it
/// first, which only damm-node needs to risk).
#[must_use]
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(0)
}

/// A fresh folder for one run under the system's temporary directory.
///
/// # Panics
/// If it cannot be created.
#[must_use]
pub fn run_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("damm-system-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("run dir");
    dir
}

/// `sqlite://` URL of a database file in `dir`.
#[must_use]
pub fn sqlite(dir: &Path, name: &str) -> String {
    format!("sqlite://{}/{name}.db", dir.display())
}
