//! Calls to the pool's two ERC-20 tokens.
//!
//! Tolerant of the non-standard tokens in the wild: a call succeeds when it
//! does not revert and returns either nothing or `true` (`false` fails).
//! After pulling tokens in, the contract checks, as Uniswap V2 does, that
//! it holds at least what its books say: the free balance plus the
//! reserved amount. A fee-on-transfer token is refused with
//! [`TransferShortfall`] instead of corrupting the books. Tokens sent to the
//! contract directly (donations) are not in the books and stay where they
//! are; they can cover such a shortfall, which harms no LP.
//!
//! Not supported as pool tokens: rebasing tokens, and tokens that take more
//! than `value` from the sender on a transfer out; either would leave the
//! books above what the contract holds.

use alloy_primitives::{Address, U256};
use damm_math::arith::{add, from_be_bytes};
use stylus_sdk::prelude::*;
use stylus_sdk::stylus_core::calls::context::Call;

use crate::abi::{encode, Word};
use crate::errors::{Error, TransferFailed, TransferShortfall};
use crate::Damm;

/// `transfer(address,uint256)`.
const TRANSFER: [u8; 4] = [0xa9, 0x05, 0x9c, 0xbb];
/// `transferFrom(address,address,uint256)`.
const TRANSFER_FROM: [u8; 4] = [0x23, 0xb8, 0x72, 0xdd];
/// `balanceOf(address)`.
const BALANCE_OF: [u8; 4] = [0x70, 0xa0, 0x82, 0x31];

/// The first word of return data, if there is one.
fn first_word(returned: &[u8]) -> Option<U256> {
    let word: &[u8; 32] = returned.get(..32)?.try_into().ok()?;
    Some(from_be_bytes(word))
}

/// Whether a token call's return data means success: none, or ABI `true`.
fn succeeded(returned: &[u8]) -> bool {
    returned.is_empty() || first_word(returned) == Some(U256::from(1))
}

/// Which of the pool's tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    Token0,
    Token1,
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
        let data = encode(&BALANCE_OF, &[self.vm().contract_address().word()]);
        match self.vm().static_call(&self, token, &data) {
            Ok(returned) => first_word(&returned).ok_or(TransferFailed { token }.into()),
            Err(_) => Err(TransferFailed { token }.into()),
        }
    }

    /// Pulls `amount` of `side`'s token from `from` (which approved this
    /// contract), then checks that the contract holds what its books
    /// (already updated) say; [`TransferShortfall`] if it does not.
    pub(crate) fn pull(
        &mut self,
        side: Side,
        token: Address,
        from: Address,
        amount: U256,
    ) -> Result<(), Error> {
        if amount.is_zero() {
            return Ok(());
        }
        let to = self.vm().contract_address();
        self.call_token(
            token,
            &encode(&TRANSFER_FROM, &[from.word(), to.word(), amount]),
        )?;
        let held = self.held(token)?;
        let ((free0, free1), (reserved0, reserved1)) = (self.free(), self.reserved());
        let booked = match side {
            Side::Token0 => add(free0, reserved0)?,
            Side::Token1 => add(free1, reserved1)?,
        };
        if held < booked {
            return Err(TransferShortfall {
                token,
                expected: amount,
                received: amount.saturating_sub(booked - held),
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
        self.call_token(token, &encode(&TRANSFER, &[to.word(), amount]))
    }
}
