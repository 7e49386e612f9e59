//! Batch netting, the operator's side (docs/design.md §6).
//!
//! A [`Batch`] opens on the market's committed state `V⁰`, quotes trades in
//! order on `V^{j−1}`, keeps the batch-long flash-loan ledger, and closes into
//! one net order `Δ = V^m − V⁰`. The contract checks the same states with the
//! same [`Curve`], so a batch built here is accepted there.

use crate::curve::Curve;
use crate::state::{Direction, VirtualState};
use crate::{MathError, NetOrder, Result, U256};

/// Something that quotes trades against a virtual state. A curve with a fixed
/// fee ([`CurvePricing`]) is stateless; an engine such as
/// [`crate::ltamm::Ltamm`] updates itself on every trade.
pub trait Pricing: Clone {
    /// Output of an exact-in trade, floored.
    fn exact_in(
        &mut self,
        state: &VirtualState,
        direction: Direction,
        amount_in: U256,
    ) -> Result<U256>;
    /// Input of an exact-out trade, rounded up.
    fn exact_out(
        &mut self,
        state: &VirtualState,
        direction: Direction,
        amount_out: U256,
    ) -> Result<U256>;
}

/// A curve with the fee (WAD) its L2 users pay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CurvePricing {
    /// The market's curve.
    pub curve: Curve,
    /// The fee on every input, WAD (for an L2, already scaled by `λ`).
    pub fee: U256,
}

impl Pricing for CurvePricing {
    fn exact_in(
        &mut self,
        state: &VirtualState,
        direction: Direction,
        amount_in: U256,
    ) -> Result<U256> {
        self.curve.amount_out(state, direction, amount_in, self.fee)
    }

    fn exact_out(
        &mut self,
        state: &VirtualState,
        direction: Direction,
        amount_out: U256,
    ) -> Result<U256> {
        self.curve.amount_in(state, direction, amount_out, self.fee)
    }
}

/// One quoted trade.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quote {
    /// Which token the trader paid.
    pub direction: Direction,
    /// What the trader paid (fee included).
    pub amount_in: U256,
    /// What the trader received.
    pub amount_out: U256,
}

/// The batch-long flash loans (seed 000, Example 2): where the operator's cash
/// `c = V^j − V⁰` is negative, it has borrowed that token from the pool until
/// the batch settles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlashLedger {
    /// Token0 borrowed now: `max(x⁰ − x^j, 0)`.
    pub loan0: U256,
    /// Token1 borrowed now: `max(y⁰ − y^j, 0)`.
    pub loan1: U256,
    /// The largest token0 loan during the batch.
    pub max_loan0: U256,
    /// The largest token1 loan during the batch.
    pub max_loan1: U256,
}

impl FlashLedger {
    fn record(&mut self, start: &VirtualState, now: &VirtualState) {
        self.loan0 = start.x.saturating_sub(now.x);
        self.loan1 = start.y.saturating_sub(now.y);
        self.max_loan0 = self.max_loan0.max(self.loan0);
        self.max_loan1 = self.max_loan1.max(self.loan1);
    }
}

/// A batch in progress.
#[derive(Clone, Debug)]
pub struct Batch<P: Pricing> {
    start: VirtualState,
    state: VirtualState,
    pricing: P,
    ledger: FlashLedger,
    trades: u64,
}

/// A closed batch: what the operator submits as its checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClosedBatch {
    /// `V⁰`, the state the contract committed.
    pub start: VirtualState,
    /// `V^m`, the state after the last trade.
    pub end: VirtualState,
    /// The one limit order that settles the batch.
    pub net: NetOrder,
    /// The flash-loan ledger at the end.
    pub ledger: FlashLedger,
    /// How many trades were netted.
    pub trades: u64,
}

impl<P: Pricing> Batch<P> {
    /// Opens a batch on the committed state `start` (docs/design.md §6.1).
    #[must_use]
    pub fn open(start: VirtualState, pricing: P) -> Self {
        Self {
            start,
            state: start,
            pricing,
            ledger: FlashLedger::default(),
            trades: 0,
        }
    }

    /// Quotes and books an exact-in trade on the current state.
    ///
    /// ```
    /// # use damm_math::{batch::{Batch, CurvePricing}, Curve, Direction, VirtualState, U256};
    /// let u = |v: u64| U256::from(v);
    /// let mut batch = Batch::open(VirtualState::new(u(1000), u(1000)), CurvePricing { curve: Curve::ConstantProduct, fee: U256::ZERO });
    /// let quote = batch.quote_exact_in(Direction::ZeroForOne, u(100)).unwrap();
    /// assert_eq!(quote.amount_out, u(90));
    /// assert_eq!(batch.state(), VirtualState::new(u(1100), u(910)));
    /// assert_eq!(batch.ledger().loan1, u(90)); // paid out before anything came in
    /// ```
    pub fn quote_exact_in(&mut self, direction: Direction, amount_in: U256) -> Result<Quote> {
        let mut pricing = self.pricing.clone();
        let amount_out = pricing.exact_in(&self.state, direction, amount_in)?;
        self.book(pricing, direction, amount_in, amount_out)
    }

    /// Quotes and books an exact-out trade on the current state.
    pub fn quote_exact_out(&mut self, direction: Direction, amount_out: U256) -> Result<Quote> {
        let mut pricing = self.pricing.clone();
        let amount_in = pricing.exact_out(&self.state, direction, amount_out)?;
        self.book(pricing, direction, amount_in, amount_out)
    }

    /// The quote an exact-in trade would get now, without booking it (for an
    /// orchestrator's check before accepting).
    pub fn preview_exact_in(&self, direction: Direction, amount_in: U256) -> Result<Quote> {
        self.clone().quote_exact_in(direction, amount_in)
    }

    /// The quote an exact-out trade would get now, without booking it.
    pub fn preview_exact_out(&self, direction: Direction, amount_out: U256) -> Result<Quote> {
        self.clone().quote_exact_out(direction, amount_out)
    }

    fn book(
        &mut self,
        pricing: P,
        direction: Direction,
        amount_in: U256,
        amount_out: U256,
    ) -> Result<Quote> {
        if amount_in.is_zero() && amount_out.is_zero() {
            return Err(MathError::InvalidParameter);
        }
        let (_, reserve_out) = direction.reserves(&self.state);
        if amount_out >= reserve_out {
            return Err(MathError::InsufficientLiquidity);
        }
        self.state = direction.apply(&self.state, amount_in, amount_out)?;
        self.pricing = pricing;
        self.ledger.record(&self.start, &self.state);
        self.trades = self.trades.saturating_add(1);
        Ok(Quote {
            direction,
            amount_in,
            amount_out,
        })
    }

    /// The state the batch opened on, `V⁰`.
    #[must_use]
    pub fn start(&self) -> VirtualState {
        self.start
    }

    /// The current state `V^j`.
    #[must_use]
    pub fn state(&self) -> VirtualState {
        self.state
    }

    /// The flash-loan ledger so far.
    #[must_use]
    pub fn ledger(&self) -> FlashLedger {
        self.ledger
    }

    /// The net order so far, `V^j − V⁰` split by sign: the batch's pending net.
    #[must_use]
    pub fn net(&self) -> NetOrder {
        NetOrder::between(&self.start, &self.state)
    }

    /// How many trades were booked.
    #[must_use]
    pub fn trades(&self) -> u64 {
        self.trades
    }

    /// Closes the batch into the one net limit order (docs/design.md §6.3).
    #[must_use]
    pub fn close(self) -> ClosedBatch {
        ClosedBatch {
            start: self.start,
            end: self.state,
            net: self.net(),
            ledger: self.ledger,
            trades: self.trades,
        }
    }
}
