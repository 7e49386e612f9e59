//! A market's virtual AMM state and the direction of a trade.

/// A market's virtual balances `V = (x_v, y_v)` (docs/design.md §3). Users of an L2 trade
/// against it; real tokens move only when the batch settles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct VirtualState {
    /// Virtual balance of token0 (`x`).
    pub x: crate::U256,
    /// Virtual balance of token1 (`y`).
    pub y: crate::U256,
}

impl VirtualState {
    /// A state from its two balances.
    #[must_use]
    pub const fn new(x: crate::U256, y: crate::U256) -> Self {
        Self { x, y }
    }
}

/// Which token a trader pays in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The trader pays token0 (`x`) and receives token1 (`y`).
    ZeroForOne,
    /// The trader pays token1 (`y`) and receives token0 (`x`).
    OneForZero,
}

impl Direction {
    /// `(reserve_in, reserve_out)` of `state` for a trade in this direction.
    #[must_use]
    pub const fn reserves(self, state: &VirtualState) -> (crate::U256, crate::U256) {
        match self {
            Self::ZeroForOne => (state.x, state.y),
            Self::OneForZero => (state.y, state.x),
        }
    }

    /// The state after the pool receives `amount_in` and pays `amount_out`.
    /// The caller has already checked `amount_out` against the reserve.
    pub fn apply(
        self,
        state: &VirtualState,
        amount_in: crate::U256,
        amount_out: crate::U256,
    ) -> crate::Result<VirtualState> {
        use crate::arith::{add, sub};
        Ok(match self {
            Self::ZeroForOne => {
                VirtualState::new(add(state.x, amount_in)?, sub(state.y, amount_out)?)
            }
            Self::OneForZero => {
                VirtualState::new(sub(state.x, amount_out)?, add(state.y, amount_in)?)
            }
        })
    }
}
