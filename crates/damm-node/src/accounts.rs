//! The dev accounts: anvil's ten, from its public mnemonic, plus
//! nitro-devnode's funded key, which `deploy/devnode.toml` names as the
//! markets' operator. Every key here is public: never send real funds.

use alloy_primitives::{Address, U256};
use alloy_signer_local::PrivateKeySigner;

/// anvil's and hardhat's mnemonic, which [`ANVIL_KEYS`] derive from.
pub const MNEMONIC: &str = "test test test test test test test test test test test junk";

/// The first ten keys of [`MNEMONIC`] at `m/44'/60'/0'/0/i`, as anvil
/// prints them. Kept as constants: deriving them would pull an HD-wallet
/// stack (and a newer serde) into the workspace the contract builds in.
pub const ANVIL_KEYS: [&str; 10] = [
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    "4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
    "dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
    "2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
];

/// nitro-devnode's prefunded dev key (public, in its README).
pub const NITRO_DEV_KEY: &str = "b6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";

/// What each dev account starts with: 10,000 ETH, as anvil.
pub const BALANCE: U256 = U256::from_limbs([0x19e0_c9ba_b240_0000, 0x21e, 0, 0]);

/// The dev accounts, in order: anvil's ten, then nitro-devnode's.
///
/// # Panics
/// Never for the constant keys (checked by the tests).
#[must_use]
pub fn dev_signers() -> Vec<PrivateKeySigner> {
    ANVIL_KEYS
        .iter()
        .chain(std::iter::once(&NITRO_DEV_KEY))
        .map(|key| {
            key.parse()
                .unwrap_or_else(|e| panic!("a dev key is not a key: {e}"))
        })
        .collect()
}

/// The first dev account: the dAMM's owner and the one `configure` signs with.
#[must_use]
pub fn owner(signers: &[PrivateKeySigner]) -> Address {
    signers
        .first()
        .map_or(Address::ZERO, PrivateKeySigner::address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accounts_are_anvils() {
        let signers = dev_signers();
        assert_eq!(signers.len(), 11);
        // anvil's published accounts for its mnemonic.
        assert_eq!(
            signers[0].address(),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
                .parse::<Address>()
                .unwrap()
        );
        assert_eq!(
            signers[1].address(),
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
                .parse::<Address>()
                .unwrap()
        );
        assert_eq!(
            signers[9].address(),
            "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720"
                .parse::<Address>()
                .unwrap()
        );
        assert_eq!(
            signers[10].address(),
            "0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E"
                .parse::<Address>()
                .unwrap()
        );
        assert_eq!(
            BALANCE,
            U256::from(10_000u64) * U256::from(10u64).pow(U256::from(18))
        );
    }
}
