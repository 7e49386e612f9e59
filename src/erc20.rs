//! The LP share token: a plain ERC-20 (name, symbol, 18 decimals, transfer,
//! approve, transferFrom, allowance) with its Transfer and Approval events.
//!
//! `totalSupply` counts every live share: wallets' balances, the
//! `MINIMUM_LIQUIDITY` held by the zero address, and the shares markets hold
//! for their L2 LPs (see `Damm::market`), which are not transferable. Those
//! market shares are minted and burned by checkpoints, and show in the
//! `MarketShares` event, not as `Transfer`s.

use alloy_primitives::{Address, B256, U256};
use damm_math::arith::add;

use crate::abi::Word;
use crate::errors::{Error, InsufficientAllowance, InsufficientBalance};
use crate::events::{Approval, Transfer};
use crate::store::{self, slot, word_of};
use crate::Damm;

impl Damm {
    /// The slot of `owner`'s balance.
    fn balance_key(&self, owner: Address) -> B256 {
        self.entry(slot(store::BALANCES), B256::from(word_of(owner)))
    }

    /// The slot of `spender`'s allowance from `owner`.
    fn allowance_key(&self, owner: Address, spender: Address) -> B256 {
        let inner = self.entry(slot(store::ALLOWANCES), B256::from(word_of(owner)));
        self.entry(inner, B256::from(word_of(spender)))
    }

    /// `owner`'s shares.
    pub(crate) fn shares_of(&self, owner: Address) -> U256 {
        self.read_word(self.balance_key(owner)).into()
    }

    fn set_shares_of(&mut self, owner: Address, value: U256) {
        let key = self.balance_key(owner);
        self.write_word(key, value.into());
    }

    /// What `spender` may move of `owner`'s shares.
    pub(crate) fn allowance_of(&self, owner: Address, spender: Address) -> U256 {
        self.read_word(self.allowance_key(owner, spender)).into()
    }

    /// Moves shares between two holders.
    pub(crate) fn transfer_shares(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<(), Error> {
        crate::guard::not_zero(to)?;
        self.debit(from, value)?;
        // Cannot overflow: every balance is part of the total supply.
        let balance = self.shares_of(to).saturating_add(value);
        self.set_shares_of(to, balance);
        crate::abi::emit!(self, Transfer, &[from.word(), to.word()], &[value],);
        Ok(())
    }

    /// Mints `value` new shares to `to` (the zero address for
    /// `MINIMUM_LIQUIDITY`) and returns the new supply.
    pub(crate) fn mint_shares(&mut self, to: Address, value: U256) -> Result<U256, Error> {
        let supply = add(self.total_supply_value(), value)?;
        self.set_total_supply(supply)?;
        let balance = self.shares_of(to).saturating_add(value);
        self.set_shares_of(to, balance);
        crate::abi::emit!(self, Transfer, &[Address::ZERO.word(), to.word()], &[value],);
        Ok(supply)
    }

    /// Burns `value` of `from`'s shares and returns the new supply.
    pub(crate) fn burn_shares(&mut self, from: Address, value: U256) -> Result<U256, Error> {
        self.debit(from, value)?;
        let supply = self.total_supply_value().saturating_sub(value);
        self.set_total_supply(supply)?;
        crate::abi::emit!(
            self,
            Transfer,
            &[from.word(), Address::ZERO.word()],
            &[value],
        );
        Ok(supply)
    }

    fn debit(&mut self, from: Address, value: U256) -> Result<(), Error> {
        let balance = self.shares_of(from);
        if balance < value {
            return Err(InsufficientBalance {
                balance,
                needed: value,
            }
            .into());
        }
        self.set_shares_of(from, balance - value);
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
        let key = self.allowance_key(owner, spender);
        self.write_word(key, value.into());
        crate::abi::emit!(self, Approval, &[owner.word(), spender.word()], &[value],);
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
        let allowance = self.allowance_of(owner, spender);
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
        self.set_allowance(owner, spender, allowance - value)
    }
}
