//! Checkpoint acceptance, the contract's side (docs/design.md §7 items 3–5, §8, §10).
//!
//! A pure function of the pool, the market and the submitted batch. The
//! contract runs it and then only stores its result and moves the tokens;
//! an operator can run it first and know the outcome to the wei.
//!
//! Order of effects: the net order trades first, then the market's L2 joins
//! mint at the new ratio, then its L2 exits lock at that ratio. Health is
//! judged on the state after all three.

use crate::arith::{add, mul_div, sub, Rounding, WAD};
use crate::curve::Curve;
use crate::health::{health_factor, settlement_allowed};
use crate::{lp, update, MathError, NetOrder, VirtualState, U256};

/// The pool's books as the contract keeps them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pool {
    /// Token0 held (`X`), reserved amounts included.
    pub balance0: U256,
    /// Token1 held (`Y`), reserved amounts included.
    pub balance1: U256,
    /// Token0 owed to locked withdrawals (`R_x`).
    pub reserved0: U256,
    /// Token1 owed to locked withdrawals (`R_y`).
    pub reserved1: U256,
    /// Live LP shares (`T`).
    pub total_supply: U256,
}

impl Pool {
    /// Free balances `(X̄, Ȳ)`. [`MathError::Underflow`] if reservations exceed holdings.
    pub fn free(&self) -> crate::Result<(U256, U256)> {
        Ok((
            sub(self.balance0, self.reserved0)?,
            sub(self.balance1, self.reserved1)?,
        ))
    }

    /// The health factor on free balances (docs/design.md §4), floored WAD.
    pub fn health_factor(&self) -> crate::Result<U256> {
        let (free0, free1) = self.free()?;
        health_factor(free0, free1, self.total_supply)
    }
}

/// What a market submits: its batch's start and end states and its L2 LPs'
/// net join or exit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Submission {
    /// `V⁰`, which must equal the committed state (checked by the contract).
    pub start: VirtualState,
    /// `V^m`.
    pub end: VirtualState,
    /// Token0 offered for the market's L2 joins (a maximum, as in a deposit).
    pub join0: U256,
    /// Token1 offered for the market's L2 joins.
    pub join1: U256,
    /// Shares the market's L2 LPs exit with, locked through the ACP.
    pub exit_shares: U256,
}

/// The market's settings and the governance limits that apply to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    /// The market's curve.
    pub curve: Curve,
    /// The market's allocation `w` (WAD, at most 1).
    pub weight: U256,
    /// The health floor for this market (stricter for `External`).
    pub hf_min: U256,
    /// The security buffer: a payout may not take a free balance below this
    /// fraction (WAD) of what it was.
    pub buffer: U256,
    /// The most one checkpoint may pay out of each token, as a fraction
    /// (WAD) of its free balance before it: at most the weight (docs/design.md §8),
    /// and for `External` markets their per-checkpoint cap (docs/design.md §14).
    pub payout_cap: U256,
}

/// Everything the contract records and pays after an accepted checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The net order: pulled from and paid to the operator.
    pub net: NetOrder,
    /// Shares minted to the market for its L2 joins.
    pub minted: U256,
    /// Token0 actually used by the joins (pulled in, rounded up).
    pub joined0: U256,
    /// Token1 actually used by the joins.
    pub joined1: U256,
    /// Token0 reserved for the market's exit (rounded down).
    pub exit0: U256,
    /// Token1 reserved for the market's exit.
    pub exit1: U256,
    /// The pool after everything.
    pub pool: Pool,
    /// HF before the checkpoint.
    pub hf_before: U256,
    /// HF after the checkpoint.
    pub hf_after: U256,
    /// The market's next committed state (docs/design.md §8).
    pub next: VirtualState,
    /// The batch's invariant growth: the fees it earned (see [`Curve::growth`]).
    pub growth: U256,
}

/// Why a checkpoint was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// The market's invariant decreased from `V⁰` to `V^m` (§7.3), the batch
    /// would pay out both tokens, or its end state has an empty side.
    CurveViolated,
    /// The payout would dip into reserved withdrawal amounts (§7.4).
    Insolvent,
    /// The payout would take a free balance under the security buffer.
    BufferBreached,
    /// The payout of one token is above the market's cap on what one
    /// checkpoint may pay: `amount` against `limit`.
    AllocationExceeded {
        /// What the batch would pay out.
        amount: U256,
        /// The most it may.
        limit: U256,
    },
    /// HF after is under the floor and below HF before (§7.5).
    HealthTooLow {
        /// HF before the checkpoint.
        hf_before: U256,
        /// HF it would leave.
        hf_after: U256,
    },
    /// A computation failed (overflow, zero price, a join worth no share...).
    Math(MathError),
}

impl From<MathError> for Rejection {
    fn from(error: MathError) -> Self {
        Self::Math(error)
    }
}

/// Judges a checkpoint and computes its outcome (docs/design.md §7.3–7.5, §8, §10).
///
/// ```
/// # use damm_math::{checkpoint::*, Curve, VirtualState, arith::WAD, U256};
/// let u = |v: u64| U256::from(v);
/// let pool = Pool { balance0: u(1000), balance1: u(1000), total_supply: u(1000), ..Pool::default() };
/// let rules = Rules { curve: Curve::ConstantProduct, weight: WAD, hf_min: WAD * u(9) / u(10), buffer: U256::ZERO, payout_cap: WAD };
/// let batch = Submission { start: VirtualState::new(u(1000), u(1000)), end: VirtualState::new(u(1100), u(910)), ..Submission::default() };
/// let outcome = settle(&rules, &batch, &pool).unwrap();
/// assert_eq!((outcome.net.amount0_in, outcome.net.amount1_out), (u(100), u(90)));
/// assert_eq!((outcome.pool.balance0, outcome.pool.balance1), (u(1100), u(910)));
/// let cheat = Submission { end: VirtualState::new(u(1100), u(900)), ..batch };
/// assert_eq!(settle(&rules, &cheat, &pool), Err(Rejection::CurveViolated));
/// ```
pub fn settle(rules: &Rules, batch: &Submission, pool: &Pool) -> Result<Outcome, Rejection> {
    let net = NetOrder::between(&batch.start, &batch.end);
    // A batch never pays out both tokens (every curve's invariant forbids it;
    // for `External` markets this is the one shape check that stands), and
    // its end state keeps a price.
    if !rules.curve.invariant_holds(&batch.start, &batch.end)?
        || (!net.amount0_out.is_zero() && !net.amount1_out.is_zero())
        || batch.end.x.is_zero()
        || batch.end.y.is_zero()
    {
        return Err(Rejection::CurveViolated);
    }
    let (free0, free1) = pool.free()?;
    let hf_before = pool.health_factor()?;

    // The trade: reserved amounts are never paid to a market, and a payout
    // keeps at least `buffer` of each free balance.
    // Paying out more than is free is insolvency; an overflow is just that.
    let (traded0, traded1) = net.apply(free0, free1).map_err(|error| match error {
        MathError::Underflow => Rejection::Insolvent,
        other => Rejection::Math(other),
    })?;
    for (before, after, out) in [
        (free0, traded0, net.amount0_out),
        (free1, traded1, net.amount1_out),
    ] {
        if out.is_zero() {
            continue;
        }
        if after < mul_div(before, rules.buffer, WAD, Rounding::Up)? {
            return Err(Rejection::BufferBreached);
        }
        // The allocation binds at every settlement, on the free balances of
        // this moment, not only when the state was committed (docs/design.md §8).
        let limit = mul_div(before, rules.payout_cap, WAD, Rounding::Down)?;
        if out > limit {
            return Err(Rejection::AllocationExceeded { amount: out, limit });
        }
    }
    let mut after = Pool {
        balance0: add(traded0, pool.reserved0)?,
        balance1: add(traded1, pool.reserved1)?,
        ..*pool
    };

    let (mut minted, mut joined0, mut joined1) = (U256::ZERO, U256::ZERO, U256::ZERO);
    if !batch.join0.is_zero() || !batch.join1.is_zero() {
        (minted, joined0, joined1) = lp::mint(
            batch.join0,
            batch.join1,
            traded0,
            traded1,
            after.total_supply,
        )?;
        after.balance0 = add(after.balance0, joined0)?;
        after.balance1 = add(after.balance1, joined1)?;
        after.total_supply = add(after.total_supply, minted)?;
    }

    let (mut exit0, mut exit1) = (U256::ZERO, U256::ZERO);
    if !batch.exit_shares.is_zero() {
        let (free0, free1) = after.free()?;
        (exit0, exit1) = lp::burn(batch.exit_shares, free0, free1, after.total_supply)?;
        after.total_supply = sub(after.total_supply, batch.exit_shares)?;
        after.reserved0 = add(after.reserved0, exit0)?;
        after.reserved1 = add(after.reserved1, exit1)?;
    }

    let hf_after = after.health_factor()?;
    if !settlement_allowed(hf_before, hf_after, rules.hf_min) {
        return Err(Rejection::HealthTooLow {
            hf_before,
            hf_after,
        });
    }
    let (free0, free1) = after.free()?;
    let next = update::commit(&rules.curve, &batch.end, free0, free1, rules.weight)?;
    if next.x.is_zero() || next.y.is_zero() {
        // The pool cannot fund this market at its price any more.
        return Err(Rejection::Math(MathError::InsufficientLiquidity));
    }
    let growth = rules.curve.growth(&batch.start, &batch.end);
    Ok(Outcome {
        growth,
        net,
        minted,
        joined0,
        joined1,
        exit0,
        exit1,
        pool: after,
        hf_before,
        hf_after,
        next,
    })
}
