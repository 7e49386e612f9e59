//! Direct L1 swaps (SPEC §9): arbitrage that rebalances the pool after the
//! L2 markets follow a price. Constant product on the **free** balances with
//! the dynamic fee of SPEC §5, so a swap never touches reserved withdrawal
//! amounts, and every swap feeds the volume EMAs.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolEvent;
use damm_math::{arith::add, cp};
use stylus_sdk::prelude::*;

use crate::abi::Word;

use crate::errors::{Error, InsufficientLiquidity, SlippageExceeded, ZeroAmount};
use crate::events::Swap;
use crate::Damm;

/// A priced swap: `(amount_in, amount_out, fee)`.
type Priced = (U256, U256, U256);

impl Damm {
    /// Prices a swap on the free balances: exact in (`exact_in`) or exact out,
    /// with the fee a trade at this block pays. Refuses zero amounts and
    /// outputs the free balance cannot cover.
    pub(crate) fn price(
        &self,
        zero_for_one: bool,
        amount: U256,
        exact_in: bool,
    ) -> Result<Priced, Error> {
        if amount.is_zero() {
            return Err(ZeroAmount {}.into());
        }
        let (free0, free1) = self.pool().free()?;
        let (reserve_in, reserve_out) = if zero_for_one {
            (free0, free1)
        } else {
            (free1, free0)
        };
        let (fee, _) = self.swap_fee(U256::ZERO)?;
        let (amount_in, amount_out) = if exact_in {
            (
                amount,
                cp::amount_out_with_fee(amount, reserve_in, reserve_out, fee)?,
            )
        } else {
            (
                cp::amount_in_with_fee(amount, reserve_in, reserve_out, fee)?,
                amount,
            )
        };
        if amount_out.is_zero() {
            return Err(InsufficientLiquidity {}.into());
        }
        Ok((amount_in, amount_out, fee))
    }

    /// See [`Damm::swap_exact_in`] and [`Damm::swap_exact_out`]: `limit` is
    /// the minimum out (exact in) or the maximum in (exact out).
    pub(crate) fn do_swap(
        &mut self,
        zero_for_one: bool,
        amount: U256,
        limit: U256,
        exact_in: bool,
        recipient: Address,
    ) -> Result<U256, Error> {
        crate::guard::not_zero(recipient)?;
        let (amount_in, amount_out, fee) = self.price(zero_for_one, amount, exact_in)?;
        let within = if exact_in {
            amount_out >= limit
        } else {
            amount_in <= limit
        };
        if !within {
            let got = if exact_in { amount_out } else { amount_in };
            return Err(SlippageExceeded { amount: got, limit }.into());
        }
        let volume = if zero_for_one { amount_in } else { amount_out };
        let (_, ema) = self.swap_fee(volume)?;
        self.store_ema(&ema);
        let mut pool = self.pool();
        let (token_in, token_out) = if zero_for_one {
            pool.balance0 = add(pool.balance0, amount_in)?;
            pool.balance1 = pool.balance1.saturating_sub(amount_out);
            (self.token0.get(), self.token1.get())
        } else {
            pool.balance1 = add(pool.balance1, amount_in)?;
            pool.balance0 = pool.balance0.saturating_sub(amount_out);
            (self.token1.get(), self.token0.get())
        };
        self.store_pool(&pool)?;
        let sender = self.vm().msg_sender();
        self.emit(
            Swap::SIGNATURE_HASH,
            &[sender.word(), recipient.word()],
            &[zero_for_one.word(), amount_in, amount_out, fee],
        );
        self.pull(token_in, sender, amount_in)?;
        self.push(token_out, recipient, amount_out)?;
        Ok(if exact_in { amount_out } else { amount_in })
    }
}
