//! The LP share token: a plain ERC-20 (name, symbol, 18 decimals, transfer,
//! approve, transferFrom, allowance) with its Transfer and Approval events.
//!
//! `totalSupply` counts every live share: wallets' balances, the
//! `MINIMUM_LIQUIDITY` held by the zero address, and the shares markets hold
//! for their L2 LPs (see `Damm::market`), which are not transferable. Those
//! market shares are minted and burned by checkpoints, and show in the
//! `Checkpoint` event (`sharesMinted`, `sharesExited`), not as `Transfer`s.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolEvent;

use crate::abi::Word;

use crate::errors::{Error, InsufficientAllowance, InsufficientBalance};
use crate::events::{Approval, Transfer};
use crate::Damm;

impl Damm {
    /// Moves shares between two holders.
    pub(crate) fn transfer_shares(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<(), Error> {
        crate::guard::not_zero(to)?;
        self.debit(from, value)?;
        let balance = self.balances.get(to);
        // Cannot overflow: every balance is part of the total supply.
        self.balances.insert(to, balance.saturating_add(value));
        self.emit(
            Transfer::SIGNATURE_HASH,
            &[from.word(), to.word()],
            &[value],
        );
        Ok(())
    }

    /// Mints `value` new shares to `to` (the zero address for `MINIMUM_LIQUIDITY`).
    pub(crate) fn mint_shares(&mut self, to: Address, value: U256) -> Result<(), Error> {
        let supply = damm_math::arith::add(self.total_supply.get(), value)?;
        self.total_supply.set(supply);
        let balance = self.balances.get(to);
        self.balances.insert(to, balance.saturating_add(value));
        self.emit(
            Transfer::SIGNATURE_HASH,
            &[Address::ZERO.word(), to.word()],
            &[value],
        );
        Ok(())
    }

    /// Burns `value` of `from`'s shares.
    pub(crate) fn burn_shares(&mut self, from: Address, value: U256) -> Result<(), Error> {
        self.debit(from, value)?;
        self.total_supply
            .set(self.total_supply.get().saturating_sub(value));
        self.emit(
            Transfer::SIGNATURE_HASH,
            &[from.word(), Address::ZERO.word()],
            &[value],
        );
        Ok(())
    }

    fn debit(&mut self, from: Address, value: U256) -> Result<(), Error> {
        let balance = self.balances.get(from);
        if balance < value {
            return Err(InsufficientBalance {
                balance,
                needed: value,
            }
            .into());
        }
        self.balances.insert(from, balance.saturating_sub(value));
        Ok(())
    }

    /// Sets an allowance.
    pub(crate) fn set_allowance(
        &mut self,
        owner: Address,
        spender: Address,
        value: U256,
    ) -> Result<(), Error> {
        crate::guard::not_zero(spender)?;
        self.allowances.setter(owner).insert(spender, value);
        self.emit(
            Approval::SIGNATURE_HASH,
            &[owner.word(), spender.word()],
            &[value],
        );
        Ok(())
    }

    /// Uses `value` of `spender`'s allowance from `owner` and emits the new
    /// allowance; an unlimited (`U256::MAX`) allowance is not decreased.
    pub(crate) fn spend_allowance(
        &mut self,
        owner: Address,
        spender: Address,
        value: U256,
    ) -> Result<(), Error> {
        let allowance = self.allowances.getter(owner).get(spender);
        if allowance == U256::MAX {
            return Ok(());
        }
        if allowance < value {
            return Err(InsufficientAllowance {
                allowance,
                needed: value,
            }
            .into());
        }
        self.set_allowance(owner, spender, allowance.saturating_sub(value))
    }
}
