//! The LP lifecycle (SPEC §2, §10): atomic deposits at the pool's ratio, and
//! withdrawals through a lock plus the AMM Cooldown Period.
//!
//! Locking burns the shares at once and fixes the amounts owed at the
//! pool's ratio of that moment, reserving them. It cannot be cancelled (a
//! cancellable lock would be a free option against the other LPs). The
//! claim is paid once the ACP has passed and every active market has settled
//! since the lock, or, if an operator stays silent, after ACP + grace.
//!
//! The lock prices at the last settled books (SPEC §10's choice). An LP who
//! can see L2 flow that has not settled yet can lock ahead of it; the ACP and
//! the settle-since-lock rule bound how stale that price can be, and a large
//! lock can make a pending batch fail its solvency or buffer check.

use alloy_primitives::{Address, U256, U64};
use alloy_sol_types::SolEvent;
use damm_math::{arith::add, lp};
use stylus_sdk::prelude::*;

use crate::abi::Word;

use crate::errors::{
    Error, InsufficientLiquidity, SlippageExceeded, UnknownWithdrawal, WithdrawalNotReady,
    ZeroAmount,
};
use crate::events::{Deposit, WithdrawalCompleted, WithdrawalLocked};
use crate::Damm;

/// Marks a withdrawal that belongs to no market (an L1 LP's).
pub(crate) const NO_MARKET: u64 = u64::MAX;

impl Damm {
    /// See [`Damm::deposit`].
    pub(crate) fn do_deposit(
        &mut self,
        amount0_max: U256,
        amount1_max: U256,
        min_shares: U256,
        recipient: Address,
    ) -> Result<(U256, U256, U256), Error> {
        crate::guard::not_zero(recipient)?;
        let mut pool = self.pool();
        let (shares, used0, used1) = if pool.total_supply.is_zero() {
            (
                lp::mint_first(amount0_max, amount1_max)?,
                amount0_max,
                amount1_max,
            )
        } else {
            let (free0, free1) = pool.free()?;
            lp::mint(amount0_max, amount1_max, free0, free1, pool.total_supply)?
        };
        if shares < min_shares {
            return Err(SlippageExceeded {
                amount: shares,
                limit: min_shares,
            }
            .into());
        }
        if pool.total_supply.is_zero() {
            self.mint_shares(Address::ZERO, lp::MINIMUM_LIQUIDITY)?;
        }
        self.mint_shares(recipient, shares)?;
        pool.balance0 = add(pool.balance0, used0)?;
        pool.balance1 = add(pool.balance1, used1)?;
        pool.total_supply = self.total_supply.get();
        self.store_pool(&pool)?;
        let sender = self.vm().msg_sender();
        self.emit(
            Deposit::SIGNATURE_HASH,
            &[sender.word(), recipient.word()],
            &[shares, used0, used1],
        );
        self.pull(self.token0.get(), sender, used0)?;
        self.pull(self.token1.get(), sender, used1)?;
        Ok((shares, used0, used1))
    }

    /// See [`Damm::lock`].
    pub(crate) fn do_lock(
        &mut self,
        shares: U256,
        min0: U256,
        min1: U256,
        recipient: Address,
    ) -> Result<u64, Error> {
        if shares.is_zero() {
            return Err(ZeroAmount {}.into());
        }
        crate::guard::not_zero(recipient)?;
        let owner = self.vm().msg_sender();
        let pool = self.pool();
        let (free0, free1) = pool.free()?;
        let (amount0, amount1) = lp::burn(shares, free0, free1, pool.total_supply)?;
        if amount0.is_zero() && amount1.is_zero() {
            return Err(InsufficientLiquidity {}.into());
        }
        for (amount, limit) in [(amount0, min0), (amount1, min1)] {
            if amount < limit {
                return Err(SlippageExceeded { amount, limit }.into());
            }
        }
        self.burn_shares(owner, shares)?;
        self.reserved0.set(add(self.reserved0.get(), amount0)?);
        self.reserved1.set(add(self.reserved1.get(), amount1)?);
        Ok(self.record_claim(owner, recipient, NO_MARKET, shares, amount0, amount1))
    }

    /// Records a fixed, already reserved claim for `recipient` (a market's
    /// exits: its operator) as withdrawal number `id`, stamped with the
    /// sequence number later settlements must pass and with its own ACP and
    /// fallback times, so later parameter changes cannot lengthen the wait.
    pub(crate) fn record_claim(
        &mut self,
        owner: Address,
        recipient: Address,
        market: u64,
        shares: U256,
        amount0: U256,
        amount1: U256,
    ) -> u64 {
        let sequence = self.next_sequence();
        let ready_at = self.now().saturating_add(self.acp.get().to::<u64>());
        let fallback_at = ready_at.saturating_add(self.grace.get().to::<u64>());
        let id = self.withdrawals.len() as u64;
        let mut claim = self.withdrawals.grow();
        claim.recipient.set(recipient);
        claim.market.set(U64::from(market));
        claim.ready_at.set(U64::from(ready_at));
        claim.fallback_at.set(U64::from(fallback_at));
        claim.sequence.set(U64::from(sequence));
        claim.amount0.set(amount0);
        claim.amount1.set(amount1);
        self.emit(
            WithdrawalLocked::SIGNATURE_HASH,
            &[id.word(), owner.word(), recipient.word()],
            &[shares, amount0, amount1, ready_at.word()],
        );
        id
    }

    /// Who a claim pays: its recipient, or for a market's L2 exit the
    /// market's current operator, who pays the L2 LPs.
    pub(crate) fn payee(&self, recipient: Address, market: u64) -> Address {
        match self.markets.get(market) {
            Some(owner) if market != NO_MARKET => owner.operator.get(),
            _ => recipient,
        }
    }

    /// The next value of the global event sequence; locks and settlements
    /// are ordered by it, so "settled since the lock" is exact within a block.
    pub(crate) fn next_sequence(&mut self) -> u64 {
        let next = self.sequence.get().to::<u64>().saturating_add(1);
        self.sequence.set(U64::from(next));
        next
    }

    /// See [`Damm::complete`].
    pub(crate) fn do_complete(&mut self, id: u64) -> Result<(U256, U256), Error> {
        let claim = self.withdrawals.get(id).ok_or(UnknownWithdrawal { id })?;
        if claim.done.get() {
            return Err(UnknownWithdrawal { id }.into());
        }
        let (ready_at, fallback_at, sequence) = (
            claim.ready_at.get().to::<u64>(),
            claim.fallback_at.get().to::<u64>(),
            claim.sequence.get().to::<u64>(),
        );
        let (amount0, amount1, market) = (
            claim.amount0.get(),
            claim.amount1.get(),
            claim.market.get().to::<u64>(),
        );
        let recipient = claim.recipient.get();
        let now = self.now();
        if now < ready_at {
            return Err(WithdrawalNotReady {
                market: NO_MARKET,
                readyAt: U256::from(ready_at),
            }
            .into());
        }
        // While paused no market can settle, so only the ACP applies.
        if now < fallback_at && !self.paused.get() {
            if let Some(silent) = self.first_unsettled_market(sequence) {
                return Err(WithdrawalNotReady {
                    market: silent,
                    readyAt: U256::from(fallback_at),
                }
                .into());
            }
        }
        let recipient = self.payee(recipient, market);
        if let Some(mut owner) = self.markets.setter(market) {
            let pending = owner.pending_exits.get();
            owner
                .pending_exits
                .set(pending.saturating_sub(U64::from(1)));
        }
        if let Some(mut claim) = self.withdrawals.setter(id) {
            claim.done.set(true);
        }
        let mut pool = self.pool();
        pool.reserved0 = pool.reserved0.saturating_sub(amount0);
        pool.reserved1 = pool.reserved1.saturating_sub(amount1);
        pool.balance0 = pool.balance0.saturating_sub(amount0);
        pool.balance1 = pool.balance1.saturating_sub(amount1);
        self.store_pool(&pool)?;
        self.emit(
            WithdrawalCompleted::SIGNATURE_HASH,
            &[id.word(), recipient.word()],
            &[amount0, amount1],
        );
        self.push(self.token0.get(), recipient, amount0)?;
        self.push(self.token1.get(), recipient, amount1)?;
        Ok((amount0, amount1))
    }
}
