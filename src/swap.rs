//! Direct L1 swaps (docs/design.md §9): arbitrage that rebalances the pool after the
//! L2 markets follow a price. Constant product on the **free** balances with
//! the dynamic fee of docs/design.md §5, so a swap never touches reserved withdrawal
//! amounts, and every swap feeds the volume EMAs.

use alloy_primitives::{Address, U256};
use damm_math::arith::{add, sub};
use damm_math::cp;
use damm_math::fee::{l1_swap_fee, VolumeEma};
use damm_math::health::health_factor;
use stylus_sdk::prelude::*;

use crate::abi::Word;
use crate::errors::{Error, InsufficientLiquidity, SlippageExceeded, ZeroAmount};
use crate::events::Swap;
use crate::store::{wide, Supply, Trend};
use crate::token::Side;
use crate::Damm;

/// What a swap in this block is priced on.
struct Snapshot {
    free0: U256,
    free1: U256,
    fee: U256,
    /// The recorder moved to this block; the trade's volume is not in yet.
    ema: VolumeEma,
    trend: Trend,
}

/// A priced swap, and the state it was priced on.
struct Priced {
    amount_in: U256,
    amount_out: U256,
    at: Snapshot,
}

impl Damm {
    /// The state a swap in this block is priced on: the free balances, and
    /// the fee with the recorder moved to this block.
    fn snapshot(&self) -> Result<Snapshot, Error> {
        let (free0, free1) = self.free();
        let supply: Supply = self.supply_slot();
        let trend = self.trend();
        let hf_min = self.token1_slot().extra;
        let mut ema = self.ema(&trend);
        let block = self.vm().block_number().max(ema.last_block);
        let hf = health_factor(free0, free1, wide(supply.total))?;
        let fee = l1_swap_fee(
            &mut ema,
            block,
            hf,
            wide(hf_min),
            wide(supply.phi),
            wide(supply.fee_max),
        )?;
        Ok(Snapshot {
            free0,
            free1,
            fee,
            ema,
            trend,
        })
    }

    /// The fee (WAD) an L1 swap pays in this block.
    pub(crate) fn fee_now(&self) -> Result<U256, Error> {
        Ok(self.snapshot()?.fee)
    }

    /// Prices a swap on the free balances: exact in (`exact_in`) or exact out,
    /// with the fee a trade at this block pays. Refuses zero amounts and
    /// outputs the free balance cannot cover.
    fn price(&self, zero_for_one: bool, amount: U256, exact_in: bool) -> Result<Priced, Error> {
        if amount.is_zero() {
            return Err(ZeroAmount {}.into());
        }
        let at = self.snapshot()?;
        let (reserve_in, reserve_out) = if zero_for_one {
            (at.free0, at.free1)
        } else {
            (at.free1, at.free0)
        };
        let (amount_in, amount_out) = if exact_in {
            (
                amount,
                cp::amount_out_with_fee(amount, reserve_in, reserve_out, at.fee)?,
            )
        } else {
            (
                cp::amount_in_with_fee(amount, reserve_in, reserve_out, at.fee)?,
                amount,
            )
        };
        if amount_out.is_zero() {
            return Err(InsufficientLiquidity {}.into());
        }
        Ok(Priced {
            amount_in,
            amount_out,
            at,
        })
    }

    /// A quote: `(amount_in, amount_out, fee)` for a swap in this block.
    pub(crate) fn quote(
        &self,
        zero_for_one: bool,
        amount: U256,
        exact_in: bool,
    ) -> Result<(U256, U256, U256), Error> {
        let p = self.price(zero_for_one, amount, exact_in)?;
        Ok((p.amount_in, p.amount_out, p.at.fee))
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
        let token0 = self.unpaused()?.token;
        crate::guard::not_zero(recipient)?;
        let Priced {
            amount_in,
            amount_out,
            at:
                Snapshot {
                    free0,
                    free1,
                    fee,
                    mut ema,
                    trend,
                },
        } = self.price(zero_for_one, amount, exact_in)?;
        let within = if exact_in {
            amount_out >= limit
        } else {
            amount_in <= limit
        };
        if !within {
            let got = if exact_in { amount_out } else { amount_in };
            return Err(SlippageExceeded { amount: got, limit }.into());
        }
        // Effects: the volume (token0 units), the books, the event.
        ema.add_volume(if zero_for_one { amount_in } else { amount_out });
        self.set_ema(&ema, &trend)?;
        let token1 = self.token1_slot().token;
        let (side_in, token_in, token_out, signed0, signed1) = if zero_for_one {
            self.set_free(add(free0, amount_in)?, sub(free1, amount_out)?)?;
            (Side::Token0, token0, token1, amount_in, negate(amount_out))
        } else {
            self.set_free(sub(free0, amount_out)?, add(free1, amount_in)?)?;
            (Side::Token1, token1, token0, negate(amount_out), amount_in)
        };
        let sender = self.vm().msg_sender();
        crate::abi::emit!(
            self,
            Swap,
            &[sender.word(), recipient.word()],
            &[signed0, signed1, fee],
        );
        // Interactions.
        self.pull(side_in, token_in, sender, amount_in)?;
        self.push(token_out, recipient, amount_out)?;
        Ok(if exact_in { amount_out } else { amount_in })
    }
}

/// `-x` as an ABI `int256` word (two's complement).
pub(crate) fn negate(x: U256) -> U256 {
    U256::ZERO.wrapping_sub(x)
}
