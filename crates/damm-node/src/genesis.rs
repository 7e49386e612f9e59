//! The chain's first state: the dev accounts funded, and the two test
//! tokens and the dAMM deployed from `target/stylus/`, with the first dev
//! account as the dAMM's owner.
//!
//! They are deployed from a fixed genesis address, not from a dev account,
//! so every dev account starts at nonce 0 as in anvil, and the three
//! addresses are the same on every start.

use std::path::{Path, PathBuf};

use alloy_primitives::{Address, B256};
use alloy_signer_local::PrivateKeySigner;
use stylus_runtime::{artifacts, keccak256, World};

use crate::accounts;

/// Who deploys the genesis programs: an address nobody has a key to.
pub const GENESIS_DEPLOYER: Address = Address::new([
    0xda, 0x77, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
]);

/// The genesis programs' WASM.
pub struct Programs {
    /// The dAMM contract.
    pub damm: Vec<u8>,
    /// The repo's plain test token (anyone may mint).
    pub token: Vec<u8>,
}

impl Programs {
    /// Reads `target/stylus/damm.wasm` and `test_token.wasm` under
    /// `root`, building them first (with the repo's scripts) if either is
    /// missing or `rebuild` is set.
    ///
    /// # Errors
    /// The build's output, or the I/O error.
    pub fn load(root: &Path, rebuild: bool) -> Result<Self, String> {
        let dir: PathBuf = root.join("target/stylus");
        let (damm, token) = (dir.join("damm.wasm"), dir.join("test_token.wasm"));
        if rebuild || !damm.exists() || !token.exists() {
            println!("building the contract and the test token (scripts/build-contract.sh, scripts/build-token.sh)...");
            return Ok(Self {
                damm: artifacts::damm().map_err(|e| e.to_string())?,
                token: artifacts::test_token().map_err(|e| e.to_string())?,
            });
        }
        let read = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
        Ok(Self {
            damm: read(&damm)?,
            token: read(&token)?,
        })
    }
}

/// The genesis world and where its programs are.
pub struct Genesis {
    /// The state at block 0.
    pub world: World,
    /// The first test token.
    pub token0: Address,
    /// The second test token.
    pub token1: Address,
    /// The dAMM.
    pub damm: Address,
    /// What the genesis is made of, for the state file's check.
    pub hash: B256,
}

/// Funds `signers` and deploys the tokens and the dAMM.
///
/// # Errors
/// The runtime's refusal if a program does not deploy.
pub fn build(programs: &Programs, signers: &[PrivateKeySigner]) -> Result<Genesis, String> {
    let mut world = World::new();
    for signer in signers {
        world.set_balance(signer.address(), accounts::BALANCE);
    }
    let deploy = |world: &mut World, wasm: &[u8], args: Option<&[u8]>, what: &str| {
        world
            .deploy(GENESIS_DEPLOYER, wasm, args)
            .map(|d| d.address)
            .map_err(|e| format!("deploying {what}: {e}"))
    };
    let token0 = deploy(&mut world, &programs.token, None, "token0")?;
    let token1 = deploy(&mut world, &programs.token, None, "token1")?;
    let owner = accounts::owner(signers);
    let args = damm_deploy::rehearsal::constructor_args(token0, token1, owner);
    let damm = deploy(&mut world, &programs.damm, Some(&args), "the dAMM")?;
    let mut preimage = Vec::new();
    preimage.extend_from_slice(&keccak256(&programs.damm).0);
    preimage.extend_from_slice(&keccak256(&programs.token).0);
    for signer in signers {
        preimage.extend_from_slice(signer.address().as_slice());
    }
    Ok(Genesis {
        world,
        token0,
        token1,
        damm,
        hash: keccak256(preimage),
    })
}
