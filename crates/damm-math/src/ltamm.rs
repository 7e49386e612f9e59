//! The low-toxicity AMM (LTAMM, seed 003) as an off-chain quoting engine
//! (docs/design.md §11). It has no invariant: on L1 it runs as an `External` market.
//!
//! The seed describes a synthetic order book and leaves the shapes open. This
//! engine fixes them as follows, each choice the simplest that keeps every
//! property the seed states:
//! - **Book.** The ask side offers the market's `x` balance `Q_a` with a
//!   density that falls linearly from height `H_a` at `ask` to zero at
//!   `ask + W_a` (so `H_a·W_a/2 = Q_a`). The bid side is the same shape below
//!   `bid`, over width `W_b`, for the `x` the market's `y` buys at the best
//!   bid: `Q_b = y/bid`. Prices are WAD (y per x) and include the fee.
//! - **A swap** takes liquidity from the best price outwards. Taking a
//!   fraction `f` of a side moves its best price by `δ = W·(1 − √(1 − f))`;
//!   the trade costs `p·Δx + Q·δ²(3W − 2δ)/(3W²)`.
//! - After it, the best price on that side and the mid move by the same `δ`;
//!   the opposite side keeps its best price and is flattened to the height
//!   the swapped side now has at its best price.
//! - **Each clock tick** (an L2 block or batch): both best prices travel a
//!   `shrinkage` fraction of their distance to the mid, by at most `cap` of
//!   the price; and both heights grow by `growth` (the widths shrink by
//!   `1 + growth`), concentrating liquidity near the best prices.
//!
//! Rounding favours the pool: costs and price moves round up, payouts and
//! improvements round down.

use crate::arith::{add, isqrt, min, mul, mul_div, sub, wad_div, wad_mul, Rounding, WAD};
use crate::batch::Pricing;
use crate::{Direction, MathError, Result, VirtualState, U256};

/// Ticks applied at most per [`Ltamm::advance`]; after that many the spread
/// has long closed for any useful `shrinkage`.
pub const MAX_TICKS: u64 = 4096;

/// The LTAMM's tuning (all WAD fractions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Share of the distance to the mid each best price travels per tick.
    pub shrinkage: U256,
    /// Growth of the depth at the best prices per tick.
    pub growth: U256,
    /// Largest per-tick improvement of a best price, as a fraction of it.
    pub cap: U256,
}

/// The engine's book.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ltamm {
    /// Best bid (WAD).
    pub bid: U256,
    /// Best ask (WAD).
    pub ask: U256,
    /// The protocol's mid price (WAD), the reserve price of both auctions.
    pub mid: U256,
    /// Price width of the ask side (WAD).
    pub ask_width: U256,
    /// Price width of the bid side (WAD), never above `bid`.
    pub bid_width: U256,
    /// Tuning.
    pub params: Params,
    /// The clock of the last tick applied.
    pub clock: u64,
}

impl Ltamm {
    /// A book around `mid` with best prices `mid·(1 ± half_spread)` and both
    /// sides spread over `width·mid`.
    ///
    /// ```
    /// # use damm_math::{ltamm::{Ltamm, Params}, arith::WAD, U256};
    /// let p = Params { shrinkage: WAD / U256::from(10), growth: WAD / U256::from(1000), cap: WAD / U256::from(400) };
    /// let book = Ltamm::new(WAD * U256::from(2), WAD / U256::from(100), WAD / U256::from(2), p, 0).unwrap();
    /// assert_eq!((book.bid, book.ask), (WAD * U256::from(198) / U256::from(100), WAD * U256::from(202) / U256::from(100)));
    /// ```
    pub fn new(
        mid: U256,
        half_spread: U256,
        width: U256,
        params: Params,
        clock: u64,
    ) -> Result<Self> {
        if mid.is_zero()
            || half_spread >= WAD
            || width.is_zero()
            || params.shrinkage > WAD
            || params.cap > WAD
        {
            return Err(MathError::InvalidParameter);
        }
        let spread = wad_mul(mid, half_spread, Rounding::Up)?;
        let bid = sub(mid, spread)?;
        let w = wad_mul(mid, width, Rounding::Up)?;
        Ok(Self {
            bid,
            ask: add(mid, spread)?,
            mid,
            ask_width: w,
            bid_width: min(w, bid),
            params,
            clock,
        })
    }

    /// Runs the clock forward to `clock`: shrinkage toward the mid, capped,
    /// and growth of depth at the best prices, once per tick (at most
    /// [`MAX_TICKS`]). A clock in the past is ignored.
    ///
    /// ```
    /// # use damm_math::{ltamm::{Ltamm, Params}, arith::WAD, U256};
    /// let p = Params { shrinkage: WAD / U256::from(10), growth: U256::ZERO, cap: WAD };
    /// let mut book = Ltamm::new(WAD, WAD / U256::from(10), WAD, p, 0).unwrap();
    /// book.advance(1).unwrap();
    /// assert_eq!(book.ask, WAD * U256::from(109) / U256::from(100)); // 10 % of the way to the mid
    /// ```
    pub fn advance(&mut self, clock: u64) -> Result<()> {
        let ticks = clock.saturating_sub(self.clock).min(MAX_TICKS);
        let Params {
            shrinkage,
            growth,
            cap,
        } = self.params;
        let widen = add(WAD, growth)?;
        for _ in 0..ticks {
            let ask_move = min(
                wad_mul(self.ask.saturating_sub(self.mid), shrinkage, Rounding::Down)?,
                wad_mul(self.ask, cap, Rounding::Down)?,
            );
            let bid_move = min(
                wad_mul(self.mid.saturating_sub(self.bid), shrinkage, Rounding::Down)?,
                wad_mul(self.bid, cap, Rounding::Down)?,
            );
            self.ask = sub(self.ask, ask_move)?;
            self.bid = add(self.bid, bid_move)?;
            self.ask_width = mul_div(self.ask_width, WAD, widen, Rounding::Up)?;
            self.bid_width = min(mul_div(self.bid_width, WAD, widen, Rounding::Up)?, self.bid);
        }
        self.clock = self.clock.max(clock);
        Ok(())
    }

    /// Cost in `y` of buying `amount` of `x` from the ask side, rounded up,
    /// and the price move `δ`. `q` is the market's `x` balance.
    fn buy_cost(&self, amount: U256, q: U256) -> Result<(U256, U256)> {
        let delta = price_move(amount, q, self.ask_width)?;
        let base = wad_mul(self.ask, amount, Rounding::Up)?;
        Ok((
            add(
                base,
                wad_mul(
                    q,
                    premium(delta, self.ask_width, Rounding::Up)?,
                    Rounding::Up,
                )?,
            )?,
            delta,
        ))
    }

    /// Payout in `y` for selling `amount` of `x` into the bid side, rounded
    /// down, and the price move `δ`. `y` is the market's `y` balance.
    fn sell_payout(&self, amount: U256, y: U256) -> Result<(U256, U256)> {
        let q = wad_div(y, self.bid, Rounding::Down)?;
        let delta = price_move(amount, q, self.bid_width)?;
        let base = wad_mul(self.bid, amount, Rounding::Down)?;
        let discount = wad_mul(
            q,
            premium(delta, self.bid_width, Rounding::Up)?,
            Rounding::Up,
        )?;
        Ok((base.saturating_sub(discount), delta))
    }

    /// Books a buy of `amount` x that moved the ask by `delta`, the market now
    /// holding `x_left` x and `y_after` y.
    fn after_buy(&mut self, delta: U256, x_left: U256, y_after: U256) -> Result<()> {
        self.ask = add(self.ask, delta)?;
        self.mid = add(self.mid, delta)?;
        self.ask_width = sub(self.ask_width, delta)?;
        // Flatten the bid side to the ask side's new height 2·x_left/W_a.
        let bid_q = wad_div(y_after, self.bid, Rounding::Down)?;
        self.bid_width = min(
            mul_div(bid_q, self.ask_width, x_left, Rounding::Up)?,
            self.bid,
        );
        Ok(())
    }

    /// Books a sell that moved the bid by `delta`, the market now holding
    /// `x_after` x and the bid side `q_left` of capacity along its line.
    fn after_sell(&mut self, delta: U256, x_after: U256, q_left: U256) -> Result<()> {
        self.bid = sub(self.bid, delta)?;
        self.mid = sub(self.mid, delta)?;
        self.bid_width = sub(self.bid_width, delta)?;
        self.ask_width = mul_div(x_after, self.bid_width, q_left, Rounding::Up)?;
        Ok(())
    }

    fn buy(&mut self, state: &VirtualState, amount: U256) -> Result<U256> {
        let (cost, delta) = self.buy_cost(amount, state.x)?;
        self.after_buy(delta, sub(state.x, amount)?, add(state.y, cost)?)?;
        Ok(cost)
    }

    fn sell(&mut self, state: &VirtualState, amount: U256) -> Result<U256> {
        let (payout, delta) = self.sell_payout(amount, state.y)?;
        let q = wad_div(state.y, self.bid, Rounding::Down)?;
        self.after_sell(delta, add(state.x, amount)?, sub(q, amount)?)?;
        Ok(payout)
    }
}

/// `δ = W·(1 − √(1 − amount/q))`, rounded up; [`MathError::InsufficientLiquidity`]
/// unless `amount < q`.
fn price_move(amount: U256, q: U256, width: U256) -> Result<U256> {
    if amount >= q {
        return Err(MathError::InsufficientLiquidity);
    }
    let taken = wad_div(amount, q, Rounding::Up)?;
    let root = isqrt(mul(sub(WAD, taken)?, WAD)?);
    wad_mul(width, sub(WAD, root)?, Rounding::Up)
}

/// `δ²(3W − 2δ)/(3W²)`: the average extra price paid over the best price,
/// times the side's capacity fraction, in WAD price units.
fn premium(delta: U256, width: U256, rounding: Rounding) -> Result<U256> {
    let three_w = mul(width, U256::from(3))?;
    let tail = sub(three_w, mul(delta, U256::from(2))?)?;
    mul_div(
        mul_div(delta, delta, width, rounding)?,
        tail,
        three_w,
        rounding,
    )
}

/// The largest `a` in `[0, limit)` with `ok(a)`, for `ok` true at 0 and monotone.
fn search(limit: U256, mut ok: impl FnMut(U256) -> Result<bool>) -> Result<U256> {
    let (mut low, mut high) = (U256::ZERO, limit);
    while add(low, U256::from(1))? < high {
        let middle = add(low, sub(high, low)? >> 1)?;
        if ok(middle)? {
            low = middle;
        } else {
            high = middle;
        }
    }
    Ok(low)
}

impl Pricing for Ltamm {
    fn exact_in(
        &mut self,
        state: &VirtualState,
        direction: Direction,
        amount_in: U256,
    ) -> Result<U256> {
        match direction {
            Direction::ZeroForOne => self.sell(state, amount_in),
            Direction::OneForZero => {
                let book = *self;
                let amount = search(state.x, |a| Ok(book.buy_cost(a, state.x)?.0 <= amount_in))?;
                self.buy(state, amount)?;
                Ok(amount)
            }
        }
    }

    fn exact_out(
        &mut self,
        state: &VirtualState,
        direction: Direction,
        amount_out: U256,
    ) -> Result<U256> {
        match direction {
            Direction::OneForZero => self.buy(state, amount_out),
            Direction::ZeroForOne => {
                let book = *self;
                let capacity = wad_div(state.y, self.bid, Rounding::Down)?;
                let short = search(capacity, |a| {
                    Ok(book.sell_payout(a, state.y)?.0 < amount_out)
                })?;
                let amount = add(short, U256::from(1))?;
                if self.sell_payout(amount, state.y)?.0 < amount_out {
                    return Err(MathError::InsufficientLiquidity);
                }
                self.sell(state, amount)?;
                Ok(amount)
            }
        }
    }
}
