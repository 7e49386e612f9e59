//! Calls to the pool's two ERC-20 tokens.
//!
//! Tolerant of the non-standard tokens in the wild: a call succeeds when it
//! does not revert and returns either nothing or `true` (`false` fails).
//! What arrives is measured by the balance difference, so a fee-on-transfer
//! token is refused with [`TransferShortfall`] instead of corrupting the books.
//!
//! Not supported as pool tokens: rebasing tokens, and tokens that take more
//! than `value` from the sender on a transfer out; either would leave the
//! books above what the contract holds. Tokens sent to the contract directly
//! (donations) are not in the books and stay where they are.

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolCall};
use stylus_sdk::prelude::*;
use stylus_sdk::stylus_core::calls::context::Call;

use crate::errors::{Error, TransferFailed, TransferShortfall};
use crate::Damm;

sol! {
    interface IERC20 {
        function transfer(address to, uint256 value) external returns (bool);
        function transferFrom(address from, address to, uint256 value) external returns (bool);
        function balanceOf(address account) external view returns (uint256);
    }
}

/// Whether a token call's return data means success: none, or ABI `true`.
fn succeeded(returned: &[u8]) -> bool {
    returned.is_empty()
        || (returned.len() >= 32 && U256::from_be_slice(&returned[..32]) == U256::from(1))
}

impl Damm {
    fn call_token(&mut self, token: Address, data: &[u8]) -> Result<(), Error> {
        match self.vm().call(&Call::new(), token, data) {
            Ok(returned) if succeeded(&returned) => Ok(()),
            _ => Err(TransferFailed { token }.into()),
        }
    }

    /// The contract's balance of `token`.
    fn held(&self, token: Address) -> Result<U256, Error> {
        let data = IERC20::balanceOfCall {
            account: self.vm().contract_address(),
        }
        .abi_encode();
        match self.vm().static_call(&self, token, &data) {
            Ok(returned) if returned.len() >= 32 => Ok(U256::from_be_slice(&returned[..32])),
            _ => Err(TransferFailed { token }.into()),
        }
    }

    /// Pulls exactly `amount` of `token` from `from` (which approved this
    /// contract). [`TransferShortfall`] if less arrives.
    pub(crate) fn pull(
        &mut self,
        token: Address,
        from: Address,
        amount: U256,
    ) -> Result<(), Error> {
        if amount.is_zero() {
            return Ok(());
        }
        let before = self.held(token)?;
        let to = self.vm().contract_address();
        self.call_token(
            token,
            &IERC20::transferFromCall {
                from,
                to,
                value: amount,
            }
            .abi_encode(),
        )?;
        let received = self.held(token)?.saturating_sub(before);
        if received != amount {
            return Err(TransferShortfall {
                token,
                expected: amount,
                received,
            }
            .into());
        }
        Ok(())
    }

    /// Sends `amount` of `token` to `to`.
    pub(crate) fn push(&mut self, token: Address, to: Address, amount: U256) -> Result<(), Error> {
        if amount.is_zero() {
            return Ok(());
        }
        let data: Vec<u8> = IERC20::transferCall { to, value: amount }.abi_encode();
        self.call_token(token, &data)
    }
}
