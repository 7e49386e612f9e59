//! Prints the contract's Solidity interface (`--features export-abi`).
//! `scripts/export-abi.sh` adds the events from `src/events.sol` and writes
//! `abi/IDamm.sol` and `abi/IDamm.json`.
#![cfg_attr(not(feature = "export-abi"), no_main)]

#[cfg(feature = "export-abi")]
fn main() {
    damm::print_from_args();
}
