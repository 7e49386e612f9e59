//! The pool's books: free balances, amounts reserved for locked
//! withdrawals, live supply, and the dynamic fee's volume recorder.
//!
//! The contract keeps its own books instead of reading token balances, so a
//! direct token transfer ("donation") cannot move prices, shares or HF. It
//! stores the **free** balances `X̄, Ȳ` (docs/design.md §0), which every price, share
//! and health figure uses, and the reservations beside them; the balances
//! held are their sums.

use alloy_primitives::U256;
use damm_math::checkpoint::Pool;
use damm_math::fee::VolumeEma;
use damm_math::health::health_factor;

use crate::errors::Error;
use crate::store::{self, narrow, wide, Supply, Trend, Word};
use crate::Damm;

/// The books a call works on: free balances and live supply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Books {
    pub free0: U256,
    pub free1: U256,
    pub supply: U256,
}

impl Books {
    /// As `damm-math` sees a pool with nothing reserved: its results'
    /// reservations are then what the call adds to them.
    pub fn as_pool(&self) -> Pool {
        Pool {
            balance0: self.free0,
            balance1: self.free1,
            reserved0: U256::ZERO,
            reserved1: U256::ZERO,
            total_supply: self.supply,
        }
    }

    /// HF (docs/design.md §4); zero while the pool is empty.
    pub fn health_factor(&self) -> Result<U256, Error> {
        if self.supply.is_zero() {
            return Ok(U256::ZERO);
        }
        Ok(health_factor(self.free0, self.free1, self.supply)?)
    }
}

impl Damm {
    /// The free balances `(X̄, Ȳ)`.
    pub(crate) fn free(&self) -> (U256, U256) {
        let w = self.global(store::BOOKS);
        (wide(w.hi()), wide(w.lo()))
    }

    /// Writes the free balances; [`crate::errors::ArithmeticOverflow`] if
    /// either reaches `2^128`.
    pub(crate) fn set_free(&mut self, free0: U256, free1: U256) -> Result<(), Error> {
        let word = Word::halves(narrow(free0)?, narrow(free1)?);
        self.set_global(store::BOOKS, word);
        Ok(())
    }

    /// The reserved amounts `(R_x, R_y)`.
    pub(crate) fn reserved(&self) -> (U256, U256) {
        let w = self.global(store::RESERVED);
        (wide(w.hi()), wide(w.lo()))
    }

    /// Writes the reserved amounts.
    pub(crate) fn set_reserved(&mut self, reserved0: U256, reserved1: U256) -> Result<(), Error> {
        let word = Word::halves(narrow(reserved0)?, narrow(reserved1)?);
        self.set_global(store::RESERVED, word);
        Ok(())
    }

    /// Slot `SUPPLY`: live shares and two fee parameters.
    pub(crate) fn supply_slot(&self) -> Supply {
        self.global(store::SUPPLY).into()
    }

    /// Live LP shares `T`.
    pub(crate) fn total_supply_value(&self) -> U256 {
        wide(self.supply_slot().total)
    }

    /// Writes `T`, keeping the fee parameters that share its slot.
    pub(crate) fn set_total_supply(&mut self, total: U256) -> Result<(), Error> {
        let slot = Supply {
            total: narrow(total)?,
            ..self.supply_slot()
        };
        self.set_global(store::SUPPLY, slot.into());
        Ok(())
    }

    /// The free balances and the supply.
    pub(crate) fn books(&self) -> Books {
        let (free0, free1) = self.free();
        Books {
            free0,
            free1,
            supply: self.total_supply_value(),
        }
    }

    /// Slot `TREND`: Kyber's block accumulator and the health floor.
    pub(crate) fn trend(&self) -> Trend {
        self.global(store::TREND).into()
    }

    /// The volume recorder.
    pub(crate) fn ema(&self, trend: &Trend) -> VolumeEma {
        let w = self.global(store::EMA);
        VolumeEma {
            short_ema: wide(w.hi()),
            long_ema: wide(w.lo()),
            block_volume: wide(trend.block_volume),
            last_block: trend.last_block,
        }
    }

    /// Stores the volume recorder; its values stay within `u128` (Kyber's
    /// bound, which `VolumeEma` saturates at).
    pub(crate) fn set_ema(&mut self, ema: &VolumeEma, trend: &Trend) -> Result<(), Error> {
        let word = Word::halves(narrow(ema.short_ema)?, narrow(ema.long_ema)?);
        self.set_global(store::EMA, word);
        let trend = Trend {
            block_volume: narrow(ema.block_volume)?,
            last_block: ema.last_block,
            ..*trend
        };
        self.set_global(store::TREND, trend.into());
        Ok(())
    }
}
