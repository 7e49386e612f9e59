//! The net limit order a batch settles with (docs/design.md §6.3–6.4).

use crate::arith::{add, sub};
use crate::{Result, VirtualState, U256};

/// What the L1 pool receives and pays for one settlement: the batch's net
/// difference `Δ = V^m − V⁰` split by sign. For each token at most one of
/// `in`/`out` is nonzero; for a batch that kept `k`, at most one `out` is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NetOrder {
    /// Token0 the pool receives: `max(Δx, 0)`.
    pub amount0_in: U256,
    /// Token1 the pool receives: `max(Δy, 0)`.
    pub amount1_in: U256,
    /// Token0 the pool pays out: `max(−Δx, 0)`.
    pub amount0_out: U256,
    /// Token1 the pool pays out: `max(−Δy, 0)`.
    pub amount1_out: U256,
}

impl NetOrder {
    /// The net order that moves a market from `start` to `end`.
    ///
    /// ```
    /// # use damm_math::{NetOrder, VirtualState, U256};
    /// let u = |v: u64| U256::from(v);
    /// let net = NetOrder::between(&VirtualState::new(u(100), u(50)), &VirtualState::new(u(110), u(46)));
    /// assert_eq!((net.amount0_in, net.amount1_out), (u(10), u(4)));
    /// assert!(net.amount0_out.is_zero() && net.amount1_in.is_zero());
    /// ```
    #[must_use]
    pub fn between(start: &VirtualState, end: &VirtualState) -> Self {
        let (amount0_in, amount0_out) = split(start.x, end.x);
        let (amount1_in, amount1_out) = split(start.y, end.y);
        Self {
            amount0_in,
            amount1_in,
            amount0_out,
            amount1_out,
        }
    }

    /// Balances after the order: `(b0 + in0 − out0, b1 + in1 − out1)`.
    /// [`crate::MathError::Underflow`] if the order pays out more than `b`.
    pub fn apply(&self, balance0: U256, balance1: U256) -> Result<(U256, U256)> {
        Ok((
            sub(add(balance0, self.amount0_in)?, self.amount0_out)?,
            sub(add(balance1, self.amount1_in)?, self.amount1_out)?,
        ))
    }

    /// Whether the order moves nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// `(max(b − a, 0), max(a − b, 0))`.
fn split(a: U256, b: U256) -> (U256, U256) {
    if b >= a {
        (b.saturating_sub(a), U256::ZERO)
    } else {
        (U256::ZERO, a.saturating_sub(b))
    }
}
