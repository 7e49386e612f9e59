//! The orchestrator (docs/design.md §12, seed 000): one view of the shared pool for
//! operators that quote asynchronously.
//!
//! Before an operator accepts a quote it asks whether the pool could still
//! honour it: take the free balances, apply every market's pending
//! (unsettled) net, and keep a security buffer of each balance. A quote that
//! would cut into the buffer, or push the real-time HF under the floor while
//! lowering it, is refused. The contract's checks stay the final word; this is
//! how operators avoid submitting batches it would reject.

use alloc::vec::Vec;

use crate::arith::{mul_div, Rounding, WAD};
use crate::health::{health_factor, settlement_allowed};
use crate::{MathError, NetOrder, Result, U256};

/// Why a quote was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The market is not registered.
    UnknownMarket,
    /// Free balance after all pending nets would fall under the buffer.
    BufferBreached,
    /// Real-time HF would fall under the floor and below where it is.
    HealthTooLow,
    /// A computation failed (including a net that would drain a balance).
    Math(MathError),
}

impl From<MathError> for Refusal {
    fn from(error: MathError) -> Self {
        Self::Math(error)
    }
}

/// The orchestrator's books.
#[derive(Clone, Debug, Default)]
pub struct Orchestrator {
    free0: U256,
    free1: U256,
    total_supply: U256,
    hf_min: U256,
    buffer: U256,
    pending: Vec<(u64, NetOrder)>,
}

impl Orchestrator {
    /// An orchestrator over a pool's free balances and live supply, with the
    /// health floor and security buffer (both WAD) from governance.
    #[must_use]
    pub fn new(free0: U256, free1: U256, total_supply: U256, hf_min: U256, buffer: U256) -> Self {
        Self {
            free0,
            free1,
            total_supply,
            hf_min,
            buffer,
            pending: Vec::new(),
        }
    }

    /// Adds a market with nothing pending (no-op if it exists).
    pub fn register(&mut self, market: u64) {
        if !self.pending.iter().any(|(id, _)| *id == market) {
            self.pending.push((market, NetOrder::default()));
        }
    }

    /// Updates the pool after an L1 event (deposit, lock, swap, settlement).
    pub fn sync_pool(&mut self, free0: U256, free1: U256, total_supply: U256) {
        (self.free0, self.free1, self.total_supply) = (free0, free1, total_supply);
    }

    /// A market's pending net.
    #[must_use]
    pub fn pending(&self, market: u64) -> Option<NetOrder> {
        self.pending
            .iter()
            .find(|(id, _)| *id == market)
            .map(|(_, net)| *net)
    }

    /// Free balances after every pending net, with `market`'s replaced by `net`.
    fn projected(&self, market: u64, net: &NetOrder) -> Result<(U256, U256)> {
        let (mut free0, mut free1) = (self.free0, self.free1);
        for (id, pending) in &self.pending {
            (free0, free1) = if *id == market { net } else { pending }.apply(free0, free1)?;
        }
        Ok((free0, free1))
    }

    /// The real-time HF (docs/design.md §4) with all pending nets applied.
    pub fn real_time_health(&self) -> Result<U256> {
        let (free0, free1) = self.projected(u64::MAX, &NetOrder::default())?;
        health_factor(free0, free1, self.total_supply)
    }

    /// Checks a market's would-be pending net (its batch's net including the
    /// new quote, e.g. [`crate::batch::Batch::preview_exact_in`] then `net()`).
    ///
    /// ```
    /// # use damm_math::{orchestrator::*, NetOrder, arith::WAD, U256};
    /// let u = |v: u64| U256::from(v);
    /// let mut orch = Orchestrator::new(u(1000), u(1000), u(1000), WAD * u(9) / u(10), WAD / u(10));
    /// orch.register(1);
    /// let ok = NetOrder { amount0_in: u(100), amount1_out: u(90), ..NetOrder::default() };
    /// assert!(orch.check(1, &ok).is_ok());
    /// let greedy = NetOrder { amount0_in: u(10_000), amount1_out: u(950), ..NetOrder::default() };
    /// assert_eq!(orch.check(1, &greedy), Err(Refusal::BufferBreached));
    /// ```
    pub fn check(&self, market: u64, net: &NetOrder) -> core::result::Result<(), Refusal> {
        let current = self.pending(market).ok_or(Refusal::UnknownMarket)?;
        let (free0, free1) = self.projected(market, net)?;
        let floor0 = mul_div(self.free0, self.buffer, WAD, Rounding::Up)?;
        let floor1 = mul_div(self.free1, self.buffer, WAD, Rounding::Up)?;
        if free0 < floor0 || free1 < floor1 {
            return Err(Refusal::BufferBreached);
        }
        let (now0, now1) = self.projected(market, &current)?;
        let hf_now = health_factor(now0, now1, self.total_supply)?;
        let hf_after = health_factor(free0, free1, self.total_supply)?;
        if !settlement_allowed(hf_now, hf_after, self.hf_min) {
            return Err(Refusal::HealthTooLow);
        }
        Ok(())
    }

    /// Checks and records a market's new pending net.
    pub fn accept(&mut self, market: u64, net: NetOrder) -> core::result::Result<(), Refusal> {
        self.check(market, &net)?;
        if let Some(slot) = self.pending.iter_mut().find(|(id, _)| *id == market) {
            slot.1 = net;
        }
        Ok(())
    }

    /// Records `net` as `market`'s pending net without checking it: for a
    /// view rebuilt from a store, where it was checked when accepted. A
    /// market not yet registered is registered.
    pub fn restore(&mut self, market: u64, net: NetOrder) {
        self.register(market);
        if let Some(slot) = self.pending.iter_mut().find(|(id, _)| *id == market) {
            slot.1 = net;
        }
    }

    /// Clears a market's pending net once its batch settled on L1; call
    /// [`Self::sync_pool`] with the pool after the settlement too.
    pub fn settled(&mut self, market: u64) {
        if let Some(slot) = self.pending.iter_mut().find(|(id, _)| *id == market) {
            slot.1 = NetOrder::default();
        }
    }
}
