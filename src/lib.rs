//! # damm: the L1 contract of the distributed AMM
//!
//! One Stylus WASM contract that is the vault and the referee for every L2
//! market sharing one pool of two ERC-20 tokens (SPEC §3–§10). All math comes
//! from `damm-math`; the contract holds state, checks and moves tokens.
//!
//! This first layer holds the pool's books and exposes the health factor;
//! the vault, LP token, markets, checkpoints and withdrawals are built on it.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use damm_math::checkpoint::Pool;
use stylus_sdk::{alloy_primitives::U256, prelude::*, storage::StorageU256};

/// The pool's books (SPEC §0): balances held, amounts reserved for locked
/// withdrawals, and live LP supply.
#[storage]
#[entrypoint]
pub struct Damm {
    balance0: StorageU256,
    balance1: StorageU256,
    reserved0: StorageU256,
    reserved1: StorageU256,
    total_supply: StorageU256,
}

impl Damm {
    fn pool(&self) -> Pool {
        Pool {
            balance0: self.balance0.get(),
            balance1: self.balance1.get(),
            reserved0: self.reserved0.get(),
            reserved1: self.reserved1.get(),
            total_supply: self.total_supply.get(),
        }
    }
}

#[public]
impl Damm {
    /// The health factor `√(X̄·Ȳ)/T` as a WAD, or zero while the pool is empty.
    pub fn health_factor(&self) -> U256 {
        self.pool().health_factor().unwrap_or(U256::ZERO)
    }
}
