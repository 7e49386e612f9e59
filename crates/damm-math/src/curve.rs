//! The curve kinds a market can price with, behind one enum that both quoting
//! and the contract's acceptance check use (docs/design.md §3, §7.3, §11).

use crate::arith::{isqrt, mul};
use crate::bamm::Bamm;
use crate::state::{Direction, VirtualState};
use crate::{cp, stable, MathError, Result, U256};

/// A market's pricing curve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Curve {
    /// `x·y = k` (docs/design.md §1).
    ConstantProduct,
    /// Curve's two-coin StableSwap; `amp = A·n^(n−1)` (docs/design.md §11).
    StableSwap {
        /// Amplification in Curve's contract convention, `1..=MAX_AMP`.
        amp: U256,
    },
    /// The blended AMM `α·x^(1−t) + β·y^(1−t) = k` (docs/design.md §11).
    Bamm(Bamm),
    /// Priced off-chain by an engine with no invariant (such as
    /// [`crate::ltamm::Ltamm`]). The curve check is replaced by the batch
    /// commitment; solvency and a stricter health floor still apply.
    External,
}

/// The curve kinds' numbers, as `registerMarket` and `market(id)` carry them.
pub mod kind {
    /// `x·y = k`.
    pub const CONSTANT_PRODUCT: u8 = 0;
    /// StableSwap; `paramA` is `A·n^(n−1)`.
    pub const STABLE_SWAP: u8 = 1;
    /// bAMM; `paramA` is `α`, `paramB` is `t` (both WAD).
    pub const BAMM: u8 = 2;
    /// Priced off-chain (e.g. LTAMM); no curve check, the stricter floor.
    pub const EXTERNAL: u8 = 3;
}

impl Curve {
    /// The curve a market's kind ([`kind`]) and parameters describe, or
    /// `None` for an unknown kind. The parameters are not validated here
    /// ([`Curve::validate`]).
    ///
    /// ```
    /// # use damm_math::{Curve, U256};
    /// assert_eq!(Curve::from_kind(1, U256::from(100), U256::ZERO), Some(Curve::StableSwap { amp: U256::from(100) }));
    /// assert_eq!(Curve::from_kind(9, U256::ZERO, U256::ZERO), None);
    /// ```
    #[must_use]
    pub fn from_kind(kind: u8, param_a: U256, param_b: U256) -> Option<Self> {
        Some(match kind {
            kind::CONSTANT_PRODUCT => Self::ConstantProduct,
            kind::STABLE_SWAP => Self::StableSwap { amp: param_a },
            kind::BAMM => Self::Bamm(Bamm {
                alpha: param_a,
                t: param_b,
            }),
            kind::EXTERNAL => Self::External,
            _ => return None,
        })
    }

    /// Checks the curve's parameters. [`MathError::InvalidParameter`] if out of range.
    ///
    /// ```
    /// # use damm_math::{Curve, U256};
    /// assert!(Curve::StableSwap { amp: U256::from(100) }.validate().is_ok());
    /// assert!(Curve::StableSwap { amp: U256::ZERO }.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        match self {
            Self::StableSwap { amp } if amp.is_zero() || *amp > stable::MAX_AMP => {
                Err(MathError::InvalidParameter)
            }
            Self::Bamm(b) => Bamm::new(b.alpha, b.t).map(|_| ()),
            _ => Ok(()),
        }
    }

    /// What an exact-in trade of `amount_in` pays out of `state`, floored,
    /// with the fee (WAD) taken on the input. [`MathError::Unsupported`] for
    /// `External`, whose quotes come from its own engine.
    ///
    /// ```
    /// # use damm_math::{Curve, Direction, VirtualState, U256};
    /// let u = |v: u64| U256::from(v);
    /// let out = Curve::ConstantProduct.amount_out(&VirtualState::new(u(1000), u(1000)), Direction::ZeroForOne, u(100), U256::ZERO);
    /// assert_eq!(out.unwrap(), u(90)); // ⌊100·1000/1100⌋
    /// ```
    pub fn amount_out(
        &self,
        state: &VirtualState,
        direction: Direction,
        amount_in: U256,
        fee: U256,
    ) -> Result<U256> {
        let (reserve_in, reserve_out) = direction.reserves(state);
        match self {
            Self::ConstantProduct => {
                cp::amount_out_with_fee(amount_in, reserve_in, reserve_out, fee)
            }
            Self::StableSwap { amp } => {
                stable::amount_out(amount_in, reserve_in, reserve_out, *amp, fee)
            }
            Self::Bamm(b) => b.amount_out(
                direction == Direction::ZeroForOne,
                amount_in,
                reserve_in,
                reserve_out,
                fee,
            ),
            Self::External => Err(MathError::Unsupported),
        }
    }

    /// What an exact-out trade of `amount_out` costs, rounded up, fee included.
    ///
    /// ```
    /// # use damm_math::{Curve, Direction, VirtualState, U256};
    /// let u = |v: u64| U256::from(v);
    /// let cost = Curve::ConstantProduct.amount_in(&VirtualState::new(u(1000), u(1000)), Direction::ZeroForOne, u(90), U256::ZERO);
    /// assert_eq!(cost.unwrap(), u(99)); // ⌈1000·90/910⌉
    /// ```
    pub fn amount_in(
        &self,
        state: &VirtualState,
        direction: Direction,
        amount_out: U256,
        fee: U256,
    ) -> Result<U256> {
        let (reserve_in, reserve_out) = direction.reserves(state);
        match self {
            Self::ConstantProduct => {
                cp::amount_in_with_fee(amount_out, reserve_in, reserve_out, fee)
            }
            Self::StableSwap { amp } => {
                stable::amount_in(amount_out, reserve_in, reserve_out, *amp, fee)
            }
            Self::Bamm(b) => b.amount_in(
                direction == Direction::ZeroForOne,
                amount_out,
                reserve_in,
                reserve_out,
                fee,
            ),
            Self::External => Err(MathError::Unsupported),
        }
    }

    /// The acceptance check (docs/design.md §7.3): the invariant did not decrease from
    /// `start` to `end`, evaluated with rounding against the operator.
    /// `External` markets always pass here; their batch commitment stands in.
    /// A start with an empty side passes only ends that hold at least as much
    /// of both tokens.
    ///
    /// ```
    /// # use damm_math::{Curve, VirtualState, U256};
    /// let u = |v: u64| U256::from(v);
    /// let start = VirtualState::new(u(1000), u(1000));
    /// assert!(Curve::ConstantProduct.invariant_holds(&start, &VirtualState::new(u(1100), u(910))).unwrap());
    /// assert!(!Curve::ConstantProduct.invariant_holds(&start, &VirtualState::new(u(1100), u(909))).unwrap());
    /// ```
    pub fn invariant_holds(&self, start: &VirtualState, end: &VirtualState) -> Result<bool> {
        // Holding at least as much of both never lowers a monotone invariant:
        // this accepts an empty batch whatever the rounding. Without a price
        // (an empty side: k = 0 would accept anything) it is the only rule.
        if end.x >= start.x && end.y >= start.y {
            return Ok(true);
        }
        if start.x.is_zero() || start.y.is_zero() {
            return Ok(false);
        }
        match self {
            Self::ConstantProduct => Ok(cp::k_not_decreased(start.x, start.y, end.x, end.y)),
            Self::StableSwap { amp } => {
                stable::invariant_holds((start.x, start.y), (end.x, end.y), *amp)
            }
            Self::Bamm(b) => b.invariant_holds((start.x, start.y), (end.x, end.y)),
            Self::External => Ok(true),
        }
    }

    /// A state at the spot price `num/den` (token1 per token0) on this
    /// curve, whose ratio a market's first state takes (docs/design.md §8): the pool's
    /// own balances for constant product and `External`, the ratio that
    /// prices there for StableSwap and bAMM. See [`stable::point_at_price`]
    /// and [`crate::bamm::Bamm::point_at_price`] for their bounds.
    ///
    /// ```
    /// # use damm_math::{Curve, U256};
    /// let u = |v: u64| U256::from(v);
    /// assert_eq!(Curve::ConstantProduct.point_at_price(u(4000), u(1000)).unwrap(), (u(1000), u(4000)));
    /// ```
    pub fn point_at_price(&self, num: U256, den: U256) -> Result<(U256, U256)> {
        match self {
            Self::ConstantProduct | Self::External => Ok((den, num)),
            Self::StableSwap { amp } => stable::point_at_price(num, den, *amp),
            Self::Bamm(b) => b.point_at_price(num, den),
        }
    }

    /// The largest balance a state of this curve may hold: StableSwap's
    /// domain ([`stable::MAX_BALANCE`]), else `2^128 − 1`.
    #[must_use]
    pub fn max_balance(&self) -> U256 {
        match self {
            Self::StableSwap { .. } => stable::MAX_BALANCE,
            _ => U256::from(u128::MAX),
        }
    }

    /// How much the invariant grew from `start` to `end`, in the curve's own
    /// units: the fees a market earned (docs/design.md §5), so LPs and operators can
    /// see which L2 pays its way. Constant product: `√(x'y') − √(xy)`
    /// (liquidity units, like LP shares at HF = 1); StableSwap: `D' − D`
    /// (token units); bAMM: `k_lo' − k_hi` (WAD-scaled `token^(1−t)`,
    /// rounded against the market); `External`: zero. Zero when the
    /// invariant fell or cannot be evaluated: accounting never fails a
    /// settlement.
    ///
    /// ```
    /// # use damm_math::{Curve, VirtualState, U256};
    /// let u = |v: u64| U256::from(v);
    /// let growth = Curve::ConstantProduct.growth(&VirtualState::new(u(100), u(100)), &VirtualState::new(u(121), u(100)));
    /// assert_eq!(growth, u(10)); // √12100 − √10000
    /// ```
    #[must_use]
    pub fn growth(&self, start: &VirtualState, end: &VirtualState) -> U256 {
        let grown = match self {
            Self::ConstantProduct => {
                let root = |s: &VirtualState| mul(s.x, s.y).map(isqrt);
                root(end).and_then(|after| Ok(after.saturating_sub(root(start)?)))
            }
            Self::StableSwap { amp } => stable::get_d(end.x, end.y, *amp)
                .and_then(|after| Ok(after.saturating_sub(stable::get_d(start.x, start.y, *amp)?))),
            Self::Bamm(b) => b.invariant(end.x, end.y).and_then(|(after, _)| {
                Ok(after.saturating_sub(b.invariant(start.x, start.y)?.1) >> 64)
            }),
            Self::External => Ok(U256::ZERO),
        };
        grown.unwrap_or(U256::ZERO)
    }
}
