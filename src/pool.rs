//! The pool's books: balances held, amounts reserved for locked withdrawals,
//! live supply, and the dynamic fee's volume EMAs.
//!
//! The contract keeps its own books instead of reading token balances, so a
//! direct token transfer ("donation") cannot move prices, shares or HF.

use alloy_primitives::{U256, U64};
use damm_math::checkpoint::Pool;
use damm_math::fee::{self, VolumeEma};
use stylus_sdk::prelude::*;

use crate::errors::Error;
use crate::Damm;

impl Damm {
    /// The books as `damm-math` sees them.
    pub(crate) fn pool(&self) -> Pool {
        Pool {
            balance0: self.balance0.get(),
            balance1: self.balance1.get(),
            reserved0: self.reserved0.get(),
            reserved1: self.reserved1.get(),
            total_supply: self.total_supply.get(),
        }
    }

    /// Writes back the balances and reservations (the supply moves with the
    /// share token). Refuses books whose HF the math cannot evaluate, which
    /// keeps both free balances below `2^128`.
    pub(crate) fn store_pool(&mut self, pool: &Pool) -> Result<(), Error> {
        if !pool.total_supply.is_zero() {
            pool.health_factor()?;
        }
        self.balance0.set(pool.balance0);
        self.balance1.set(pool.balance1);
        self.reserved0.set(pool.reserved0);
        self.reserved1.set(pool.reserved1);
        Ok(())
    }

    /// The volume recorder's state.
    pub(crate) fn ema(&self) -> VolumeEma {
        VolumeEma {
            short_ema: self.ema_short.get(),
            long_ema: self.ema_long.get(),
            block_volume: self.ema_volume.get(),
            last_block: self.ema_block.get().to::<u64>(),
        }
    }

    /// The fee (WAD) an L1 swap pays now, and the recorder after counting
    /// `volume` (token0 units) for this block: Kyber's volume fee from the
    /// trend before this trade, plus the health premium, capped (SPEC §5).
    pub(crate) fn swap_fee(&self, volume: U256) -> Result<(U256, VolumeEma), Error> {
        let mut ema = self.ema();
        let block = self.vm().block_number().max(ema.last_block);
        let trend = ema.record(block, volume)?;
        let hf = self.pool().health_factor()?;
        let premium = fee::health_premium(hf, self.hf_min.get(), self.phi.get())?;
        Ok((
            fee::dynamic_fee(fee::kyber_fee(trend), premium, self.fee_max.get()),
            ema,
        ))
    }

    /// Stores the volume recorder.
    pub(crate) fn store_ema(&mut self, ema: &VolumeEma) {
        self.ema_short.set(ema.short_ema);
        self.ema_long.set(ema.long_ema);
        self.ema_volume.set(ema.block_volume);
        self.ema_block.set(U64::from(ema.last_block));
    }
}
