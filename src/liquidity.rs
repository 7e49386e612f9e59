//! The LP lifecycle (docs/design.md §2, §10): atomic deposits at the pool's ratio, and
//! withdrawals through a lock plus the AMM Cooldown Period.
//!
//! Locking burns the shares at once and fixes the amounts owed at the
//! pool's ratio of that moment, reserving them. It cannot be cancelled (a
//! cancellable lock would be a free option against the other LPs). The
//! claim is paid once the ACP has passed and every active market has settled
//! since the lock, or, if an operator stays silent, after ACP + grace.
//!
//! The lock prices at the last settled books (docs/design.md §10's choice). An LP who
//! can see L2 flow that has not settled yet can lock ahead of it; the ACP and
//! the settle-since-lock rule bound how stale that price can be, and a large
//! lock can make a pending batch fail its solvency or buffer check.
//!
//! A withdrawal is two storage words ([`crate::store::withdrawal`]): who is
//! paid, when it was locked with the ACP and grace of that moment, and for
//! which market; and the two amounts owed, cleared once paid.

use alloy_primitives::{Address, U256};
use damm_math::arith::{add, sub};
use damm_math::lp;
use stylus_sdk::prelude::*;

use crate::abi::Word as _;
use crate::errors::{
    Error, InsufficientBalance, InsufficientLiquidity, NotPayee, SlippageExceeded,
    UnknownWithdrawal, WithdrawalNotReady, ZeroAmount,
};
use crate::events::{
    Deposit, MarketShares, WithdrawalCompleted, WithdrawalLocked, WithdrawalRedirected,
};
use crate::store::{self, narrow, wide, withdrawal, Counts, Word};
use crate::token::Side;
use crate::Damm;

/// Marks a withdrawal that belongs to no market (an L1 LP's), in the ABI.
pub(crate) const NO_MARKET: u64 = u64::MAX;
/// The same in a withdrawal's word.
const NO_MARKET_BYTE: u8 = 0xff;

/// A withdrawal's first word.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Claim {
    pub payee: Address,
    pub market: Option<u64>,
    pub locked_at: u64,
    pub acp: u32,
    pub grace: u32,
}

impl Claim {
    /// When the ACP ends.
    pub fn ready_at(&self) -> u64 {
        self.locked_at.saturating_add(u64::from(self.acp))
    }

    /// From when it pays without waiting for markets.
    pub fn fallback_at(&self) -> u64 {
        self.ready_at().saturating_add(u64::from(self.grace))
    }
}

impl From<Word> for Claim {
    fn from(w: Word) -> Self {
        let mid = w.mid();
        let market = (mid & 0xff) as u8;
        Self {
            payee: w.address(),
            market: (market != NO_MARKET_BYTE).then_some(u64::from(market)),
            locked_at: w.0[0] >> 24,
            acp: (w.0[0] & 0xff_ffff) as u32,
            grace: mid >> 8,
        }
    }
}

impl From<Claim> for Word {
    fn from(c: Claim) -> Self {
        // Timestamps fit 40 bits and ACP and grace (at most 30 days) 24.
        let lane0 = (c.locked_at << 24) | u64::from(c.acp & 0xff_ffff);
        let market = c.market.map_or(NO_MARKET_BYTE, |m| m as u8);
        let mid = ((c.grace & 0xff_ffff) << 8) | u32::from(market);
        Word::with_address(lane0, mid, c.payee)
    }
}

impl Damm {
    /// See [`Damm::deposit`].
    pub(crate) fn do_deposit(
        &mut self,
        amount0_max: U256,
        amount1_max: U256,
        min_shares: U256,
        recipient: Address,
    ) -> Result<(U256, U256, U256), Error> {
        let token0_slot = self.unpaused()?;
        self.outside_setup(&token0_slot)?;
        let token0 = token0_slot.token;
        crate::guard::not_zero(recipient)?;
        let books = self.books();
        let first = books.supply.is_zero();
        let (shares, used0, used1) = if first {
            (
                lp::mint_first(amount0_max, amount1_max)?,
                amount0_max,
                amount1_max,
            )
        } else {
            lp::mint(
                amount0_max,
                amount1_max,
                books.free0,
                books.free1,
                books.supply,
            )?
        };
        if shares < min_shares {
            return Err(SlippageExceeded {
                amount: shares,
                limit: min_shares,
            }
            .into());
        }
        if first {
            self.mint_shares(Address::ZERO, lp::MINIMUM_LIQUIDITY)?;
        }
        self.mint_shares(recipient, shares)?;
        self.set_free(add(books.free0, used0)?, add(books.free1, used1)?)?;
        // HF must stay computable: free balances below 2^128 (set_free) and
        // so their product below 2^256.
        self.books().health_factor()?;
        let sender = self.vm().msg_sender();
        crate::abi::emit!(
            self,
            Deposit,
            &[sender.word(), recipient.word()],
            &[shares, used0, used1],
        );
        let token1 = self.token1_slot().token;
        self.pull(Side::Token0, token0, sender, used0)?;
        self.pull(Side::Token1, token1, sender, used1)?;
        Ok((shares, used0, used1))
    }

    /// See [`Damm::lock_withdrawal`].
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
        let (amount0, amount1) = self.price_exit(shares, min0, min1)?;
        self.burn_shares(owner, shares)?;
        self.reserve(amount0, amount1)?;
        self.record_claim(owner, recipient, None, shares, amount0, amount1)
    }

    /// What `shares` are worth at the pool's ratio now, `(⌊ℓ·X̄/T⌋,
    /// ⌊ℓ·Ȳ/T⌋)`, refused if worth nothing or below the minima.
    fn price_exit(&self, shares: U256, min0: U256, min1: U256) -> Result<(U256, U256), Error> {
        let books = self.books();
        let (amount0, amount1) = lp::burn(shares, books.free0, books.free1, books.supply)?;
        if amount0.is_zero() && amount1.is_zero() {
            return Err(InsufficientLiquidity {}.into());
        }
        for (amount, limit) in [(amount0, min0), (amount1, min1)] {
            if amount < limit {
                return Err(SlippageExceeded { amount, limit }.into());
            }
        }
        Ok((amount0, amount1))
    }

    /// Moves amounts from the free balances into the reservations.
    fn reserve(&mut self, amount0: U256, amount1: U256) -> Result<(), Error> {
        let ((free0, free1), (reserved0, reserved1)) = (self.free(), self.reserved());
        self.set_free(sub(free0, amount0)?, sub(free1, amount1)?)?;
        self.set_reserved(add(reserved0, amount0)?, add(reserved1, amount1)?)
    }

    /// Records a fixed, already reserved claim for `payee` (a market's
    /// exits: its operator) as the next withdrawal, stamped with the time of
    /// the lock and the ACP and grace of that moment, so later parameter
    /// changes cannot lengthen the wait.
    pub(crate) fn record_claim(
        &mut self,
        owner: Address,
        payee: Address,
        market: Option<u64>,
        shares: U256,
        amount0: U256,
        amount1: U256,
    ) -> Result<u64, Error> {
        let admin = self.admin();
        let claim = Claim {
            payee,
            market,
            locked_at: self.now(),
            acp: admin.acp,
            grace: admin.grace,
        };
        let counts = self.counts();
        let id = counts.withdrawals;
        let amounts = Word::halves(narrow(amount0)?, narrow(amount1)?);
        self.set_withdrawal_word(id, withdrawal::HEAD, claim.into());
        self.set_withdrawal_word(id, withdrawal::AMOUNTS, amounts);
        self.set_global(
            store::COUNTS,
            Counts {
                withdrawals: id + 1,
                ..counts
            }
            .into(),
        );
        crate::abi::emit!(
            self,
            WithdrawalLocked,
            &[id.word(), owner.word(), payee.word()],
            &[shares, amount0, amount1, claim.ready_at().word()],
        );
        Ok(id)
    }

    fn withdrawal_word(&self, id: u64, field: u64) -> Word {
        self.read_word(self.element(store::WITHDRAWALS, withdrawal::WORDS, id, field))
    }

    fn set_withdrawal_word(&mut self, id: u64, field: u64, word: Word) {
        let key = self.element(store::WITHDRAWALS, withdrawal::WORDS, id, field);
        self.write_word(key, word);
    }

    /// Withdrawal `id`: its claim and the amounts still owed (both zero
    /// once paid); [`UnknownWithdrawal`] if it was never locked.
    pub(crate) fn withdrawal_record(&self, id: u64) -> Result<(Claim, U256, U256), Error> {
        if id >= self.counts().withdrawals {
            return Err(UnknownWithdrawal { id }.into());
        }
        let amounts = self.withdrawal_word(id, withdrawal::AMOUNTS);
        Ok((
            self.withdrawal_word(id, withdrawal::HEAD).into(),
            wide(amounts.hi()),
            wide(amounts.lo()),
        ))
    }

    /// See [`Damm::complete_withdrawal`].
    pub(crate) fn do_complete(&mut self, id: u64) -> Result<(U256, U256), Error> {
        let (claim, amount0, amount1) = self.withdrawal_record(id)?;
        // Paid claims are cleared; a locked claim is never worth nothing.
        if amount0.is_zero() && amount1.is_zero() {
            return Err(UnknownWithdrawal { id }.into());
        }
        let now = self.now();
        if now < claim.ready_at() {
            return Err(WithdrawalNotReady {
                market: NO_MARKET,
                readyAt: U256::from(claim.ready_at()),
            }
            .into());
        }
        // While paused no market can settle, so only the ACP applies.
        if now < claim.fallback_at() && !self.is_paused() {
            if let Some(silent) = self.first_unsettled_market(claim.locked_at) {
                return Err(WithdrawalNotReady {
                    market: silent,
                    readyAt: U256::from(claim.fallback_at()),
                }
                .into());
            }
        }
        let payee = claim.payee;
        if let Some(market) = claim.market {
            let shares = self.market_shares(market);
            self.set_market_shares(
                market,
                crate::markets::Shares {
                    pending_exits: shares.pending_exits.saturating_sub(1),
                    ..shares
                },
            );
        }
        self.set_withdrawal_word(id, withdrawal::AMOUNTS, Word::default());
        let (reserved0, reserved1) = self.reserved();
        self.set_reserved(
            reserved0.saturating_sub(amount0),
            reserved1.saturating_sub(amount1),
        )?;
        crate::abi::emit!(
            self,
            WithdrawalCompleted,
            &[id.word(), payee.word()],
            &[amount0, amount1],
        );
        let (token0, token1) = (self.token0_slot().token, self.token1_slot().token);
        self.push(token0, payee, amount0)?;
        self.push(token1, payee, amount1)?;
        Ok((amount0, amount1))
    }

    /// See [`Damm::redirect_withdrawal`].
    pub(crate) fn do_redirect(&mut self, id: u64, to: Address) -> Result<(), Error> {
        crate::guard::not_zero(to)?;
        let (claim, amount0, amount1) = self.withdrawal_record(id)?;
        if amount0.is_zero() && amount1.is_zero() {
            return Err(UnknownWithdrawal { id }.into());
        }
        if self.vm().msg_sender() != claim.payee {
            return Err(NotPayee { id }.into());
        }
        self.set_withdrawal_word(id, withdrawal::HEAD, Claim { payee: to, ..claim }.into());
        crate::abi::emit!(self, WithdrawalRedirected, &[id.word(), to.word()], &[],);
        Ok(())
    }

    /// See [`Damm::lock_market_shares`]: the L2 exit that needs no
    /// checkpoint, paid to the operator who locks it.
    pub(crate) fn do_lock_market_shares(
        &mut self,
        id: u64,
        shares: U256,
        min0: U256,
        min1: U256,
    ) -> Result<u64, Error> {
        let head = self.head(id)?;
        self.only(head.operator)?;
        if shares.is_zero() {
            return Err(ZeroAmount {}.into());
        }
        let held = self.market_shares(id);
        if shares > wide(held.shares) {
            return Err(InsufficientBalance {
                balance: wide(held.shares),
                needed: shares,
            }
            .into());
        }
        let (amount0, amount1) = self.price_exit(shares, min0, min1)?;
        self.set_market_shares(
            id,
            crate::markets::Shares {
                shares: narrow(sub(wide(held.shares), shares)?)?,
                pending_exits: held.pending_exits + 1,
                ..held
            },
        );
        self.set_total_supply(sub(self.total_supply_value(), shares)?)?;
        self.reserve(amount0, amount1)?;
        crate::abi::emit!(self, MarketShares, &[id.word()], &[U256::ZERO, shares],);
        self.record_claim(
            head.operator,
            head.operator,
            Some(id),
            shares,
            amount0,
            amount1,
        )
    }
}
