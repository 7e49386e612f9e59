//! Markets (SPEC §3) and their checkpoints (SPEC §7, §8, §10).
//!
//! A market is one L2's pricing state on the shared pool: an operator, a
//! curve, a committed virtual state, a batch counter and an allocation
//! weight. Its operator settles each batch as one checkpoint; the contract
//! judges it with `damm_math::checkpoint::settle` (curve, solvency, buffer,
//! health), commits the next state, and moves the net amounts.

use alloy_primitives::{Address, FixedBytes, U256, U64, U8};
use alloy_sol_types::SolEvent;
use damm_math::arith::{add, WAD};
use damm_math::bamm::Bamm;
use damm_math::checkpoint::{settle, Rules, Submission};
use damm_math::{update, Curve, VirtualState};

use crate::abi::Word;

use crate::errors::{
    BadBatchId, Error, InsufficientBalance, MarketNotActive, MarketNotEmpty, ParameterOutOfRange,
    StaleStartState, TooManyMarkets, UnknownMarket,
};
use crate::events::{Checkpoint, MarketRegistered, MarketStatusChanged, OperatorChanged};
use crate::Damm;

/// The most markets one pool serves; bounds the ACP check's loop.
pub const MAX_MARKETS: usize = 32;

/// Curve kinds, as `registerMarket` takes them.
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

/// Market statuses.
pub mod status {
    /// Settles; counted by the ACP.
    pub const ACTIVE: u8 = 1;
    /// Cannot settle; not counted by the ACP.
    pub const PAUSED: u8 = 2;
    /// Gone for good.
    pub const RETIRED: u8 = 3;
}

/// The curve a market's kind and parameters describe.
pub(crate) fn curve_of(kind: u8, param_a: U256, param_b: U256) -> Result<Curve, Error> {
    let curve = match kind {
        kind::CONSTANT_PRODUCT => Curve::ConstantProduct,
        kind::STABLE_SWAP => Curve::StableSwap { amp: param_a },
        kind::BAMM => Curve::Bamm(Bamm {
            alpha: param_a,
            t: param_b,
        }),
        kind::EXTERNAL => Curve::External,
        _ => {
            return Err(ParameterOutOfRange {
                id: crate::governance::param::KIND,
                value: U256::from(kind),
            }
            .into())
        }
    };
    curve.validate().map_err(|_| ParameterOutOfRange {
        id: crate::governance::param::CURVE,
        value: param_a,
    })?;
    Ok(curve)
}

impl Damm {
    /// See [`Damm::register_market`].
    pub(crate) fn do_register(
        &mut self,
        operator: Address,
        curve_kind: u8,
        param_a: U256,
        param_b: U256,
        weight: U256,
        fee_scale: U256,
    ) -> Result<u64, Error> {
        crate::guard::not_zero(operator)?;
        curve_of(curve_kind, param_a, param_b)?;
        for (id, value) in [
            (crate::governance::param::WEIGHT, weight),
            (crate::governance::param::FEE_SCALE, fee_scale),
        ] {
            if value > WAD || (id == crate::governance::param::WEIGHT && value.is_zero()) {
                return Err(ParameterOutOfRange { id, value }.into());
            }
        }
        if self.markets.len() >= MAX_MARKETS {
            return Err(TooManyMarkets {}.into());
        }
        // The first committed state is the pool's own price, scaled into the
        // market's allocation (SPEC §8).
        let (free0, free1) = self.pool().free()?;
        let start = VirtualState::new(free0, free1);
        let state = update::commit(&start, free0, free1, weight)?;
        let id = self.markets.len() as u64;
        let sequence = self.next_sequence();
        let now = self.now();
        let mut market = self.markets.grow();
        market.operator.set(operator);
        market.kind.set(U8::from(curve_kind));
        market.status.set(U8::from(status::ACTIVE));
        market.param_a.set(param_a);
        market.param_b.set(param_b);
        market.weight.set(weight);
        market.fee_scale.set(fee_scale);
        market.x.set(state.x);
        market.y.set(state.y);
        market.settled_at.set(U64::from(now));
        market.settled_sequence.set(U64::from(sequence));
        self.emit(
            MarketRegistered::SIGNATURE_HASH,
            &[id.word(), operator.word()],
            &[
                curve_kind.word(),
                param_a,
                param_b,
                weight,
                fee_scale,
                state.x,
                state.y,
            ],
        );
        Ok(id)
    }

    /// See [`Damm::set_market_status`]: pauses (`false`) or resumes (`true`).
    pub(crate) fn do_set_status(&mut self, id: u64, active: bool) -> Result<(), Error> {
        let mut market = self.markets.setter(id).ok_or(UnknownMarket { id })?;
        if market.status.get().to::<u8>() == status::RETIRED {
            return Err(MarketNotActive { id }.into());
        }
        let status = if active {
            status::ACTIVE
        } else {
            status::PAUSED
        };
        market.status.set(U8::from(status));
        self.emit(
            MarketStatusChanged::SIGNATURE_HASH,
            &[id.word()],
            &[status.word()],
        );
        Ok(())
    }

    /// See [`Damm::set_operator`].
    pub(crate) fn do_set_operator(&mut self, id: u64, operator: Address) -> Result<(), Error> {
        crate::guard::not_zero(operator)?;
        let mut market = self.markets.setter(id).ok_or(UnknownMarket { id })?;
        market.operator.set(operator);
        self.emit(
            OperatorChanged::SIGNATURE_HASH,
            &[id.word(), operator.word()],
            &[],
        );
        Ok(())
    }

    /// See [`Damm::retire_market`].
    pub(crate) fn do_retire(&mut self, id: u64) -> Result<(), Error> {
        let mut market = self.markets.setter(id).ok_or(UnknownMarket { id })?;
        if !market.shares.get().is_zero() || !market.pending_exits.get().is_zero() {
            return Err(MarketNotEmpty { id }.into());
        }
        market.status.set(U8::from(status::RETIRED));
        self.emit(
            MarketStatusChanged::SIGNATURE_HASH,
            &[id.word()],
            &[status::RETIRED.word()],
        );
        Ok(())
    }

    /// The first active market that has not settled since `sequence`, if any.
    pub(crate) fn first_unsettled_market(&self, sequence: u64) -> Option<u64> {
        (0..self.markets.len()).find_map(|id| {
            let market = self.markets.get(id)?;
            let waiting = market.status.get().to::<u8>() == status::ACTIVE
                && market.settled_sequence.get().to::<u64>() <= sequence;
            waiting.then_some(id as u64)
        })
    }

    /// See [`Damm::checkpoint`].
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn do_checkpoint(
        &mut self,
        id: u64,
        batch_id: u64,
        start: VirtualState,
        end: VirtualState,
        join0: U256,
        join1: U256,
        exit_shares: U256,
        commitment: FixedBytes<32>,
    ) -> Result<(), Error> {
        let market = self.markets.get(id).ok_or(UnknownMarket { id })?;
        if market.status.get().to::<u8>() != status::ACTIVE {
            return Err(MarketNotActive { id }.into());
        }
        let operator = market.operator.get();
        self.only(operator)?;
        let expected = market.batch_id.get().to::<u64>().saturating_add(1);
        if batch_id != expected {
            return Err(BadBatchId {
                expected,
                got: batch_id,
            }
            .into());
        }
        let committed = VirtualState::new(market.x.get(), market.y.get());
        if start != committed {
            return Err(StaleStartState {
                x: committed.x,
                y: committed.y,
            }
            .into());
        }
        let shares = market.shares.get();
        if exit_shares > shares {
            return Err(InsufficientBalance {
                balance: shares,
                needed: exit_shares,
            }
            .into());
        }
        let curve_kind = market.kind.get().to::<u8>();
        let curve = curve_of(curve_kind, market.param_a.get(), market.param_b.get())?;
        // An External market's floor is never below the general one.
        let hf_min = if curve_kind == kind::EXTERNAL {
            self.external_hf_min.get().max(self.hf_min.get())
        } else {
            self.hf_min.get()
        };
        let rules = Rules {
            curve,
            weight: market.weight.get(),
            hf_min,
            buffer: self.buffer.get(),
        };
        let submission = Submission {
            start,
            end,
            join0,
            join1,
            exit_shares,
        };
        let outcome = settle(&rules, &submission, &self.pool())
            .map_err(|r| Error::from_rejection(r, hf_min))?;

        // Effects.
        self.store_pool(&outcome.pool)?;
        self.total_supply.set(outcome.pool.total_supply);
        let sequence = self.next_sequence();
        let now = self.now();
        let mut market = self.markets.setter(id).ok_or(UnknownMarket { id })?;
        market.batch_id.set(U64::from(batch_id));
        market.x.set(outcome.next.x);
        market.y.set(outcome.next.y);
        market.settled_at.set(U64::from(now));
        market.settled_sequence.set(U64::from(sequence));
        market.commitment.set(commitment);
        let growth = market.growth.get().saturating_add(outcome.growth);
        market.growth.set(growth);
        market
            .shares
            .set(add(shares.saturating_sub(exit_shares), outcome.minted)?);
        if !exit_shares.is_zero() {
            let pending = market.pending_exits.get();
            market
                .pending_exits
                .set(pending.saturating_add(U64::from(1)));
            self.record_claim(
                operator,
                operator,
                id,
                exit_shares,
                outcome.exit0,
                outcome.exit1,
            );
        }
        let net = outcome.net;
        self.emit(
            Checkpoint::SIGNATURE_HASH,
            &[id.word(), batch_id.word()],
            &[
                net.amount0_in,
                net.amount1_in,
                net.amount0_out,
                net.amount1_out,
                outcome.minted,
                exit_shares,
                outcome.next.x,
                outcome.next.y,
                outcome.hf_after,
                outcome.growth,
                commitment.word(),
            ],
        );

        // Interactions: the operator pays what the pool receives (net in plus
        // what its joins used) and is paid the net out.
        let (token0, token1) = (self.token0.get(), self.token1.get());
        self.pull(token0, operator, add(net.amount0_in, outcome.joined0)?)?;
        self.pull(token1, operator, add(net.amount1_in, outcome.joined1)?)?;
        self.push(token0, operator, net.amount0_out)?;
        self.push(token1, operator, net.amount1_out)?;
        Ok(())
    }
}
