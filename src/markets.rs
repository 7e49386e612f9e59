//! Markets (docs/design.md §3) and their checkpoints (docs/design.md §7, §8, §10).
//!
//! A market is one L2's pricing state on the shared pool: an operator, a
//! curve, a committed virtual state, a batch counter and an allocation
//! weight. Its operator settles each batch as one checkpoint; the contract
//! judges it with `damm_math::checkpoint::settle` (curve, solvency, buffer,
//! health), commits the next state, and moves the net amounts.
//!
//! A market is five storage words ([`crate::store::market`]); a
//! constant-product settlement reads three and writes two of them.

use alloy_primitives::{Address, FixedBytes, U256};
use damm_math::arith::{add, sub, WAD};
use damm_math::checkpoint::{settle, Rules, Submission};
use damm_math::{update, Curve, MathError, VirtualState};

use crate::abi::Word as _;
use crate::errors::{
    BadBatchId, DailyCapExceeded, Error, InsufficientBalance, MarketNotActive, MarketNotEmpty,
    ParameterOutOfRange, StaleStartState, TooManyMarkets, UnknownMarket,
};
use crate::events::{
    Checkpoint, MarketRegistered, MarketShares, MarketStatusChanged, OperatorChanged,
};
use crate::store::{self, market, narrow, narrow64, wide, Counts, Word};
use crate::swap::negate;
use crate::token::Side;
use crate::Damm;

/// The most markets one pool serves at once (retired ones do not count);
/// bounds the ACP check's loop.
pub const MAX_MARKETS: u64 = 32;
/// Market ids are below this (a withdrawal names its market in a byte, and
/// `0xff` means none). Every registration waits in the timelock, so 255 is
/// a lifetime's worth.
pub const MAX_MARKET_IDS: u64 = 255;

/// Curve kinds, as `registerMarket` takes them.
pub use damm_math::curve::kind;

/// Market statuses.
pub mod status {
    /// Settles; counted by the ACP.
    pub const ACTIVE: u8 = 1;
    /// Cannot settle; not counted by the ACP.
    pub const PAUSED: u8 = 2;
    /// Gone for good.
    pub const RETIRED: u8 = 3;
}

/// A market's first word: who settles it, its curve's kind, its status and
/// its allocation weight (WAD).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Head {
    pub operator: Address,
    pub kind: u8,
    pub status: u8,
    pub weight: u64,
}

impl From<Word> for Head {
    fn from(w: Word) -> Self {
        let mid = w.mid();
        Self {
            operator: w.address(),
            kind: (mid >> 24) as u8,
            status: (mid >> 16) as u8,
            weight: w.0[0],
        }
    }
}

impl From<Head> for Word {
    fn from(h: Head) -> Self {
        let mid = (u32::from(h.kind) << 24) | (u32::from(h.status) << 16);
        Word::with_address(h.weight, mid, h.operator)
    }
}

/// A market's third word: its last batch, when it last settled, and the
/// invariant growth of all its batches (saturating at `u128`).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Progress {
    pub batch_id: u64,
    pub settled_at: u64,
    pub growth: u128,
}

impl From<Word> for Progress {
    fn from(w: Word) -> Self {
        Self {
            batch_id: w.0[0],
            settled_at: w.0[1],
            growth: w.lo(),
        }
    }
}

impl From<Progress> for Word {
    fn from(p: Progress) -> Self {
        let mut w = Word::halves(0, p.growth);
        w.0[0] = p.batch_id;
        w.0[1] = p.settled_at;
        w
    }
}

/// A market's fifth word: the shares its L2 LPs hold, its L2 fee scale
/// (WAD) and how many of its exits are unpaid.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Shares {
    pub shares: u128,
    pub fee_scale: u64,
    pub pending_exits: u64,
}

impl From<Word> for Shares {
    fn from(w: Word) -> Self {
        Self {
            shares: w.hi(),
            fee_scale: w.0[2],
            pending_exits: w.0[3],
        }
    }
}

impl From<Shares> for Word {
    fn from(s: Shares) -> Self {
        let mut w = Word::halves(s.shares, 0);
        w.0[2] = s.fee_scale;
        w.0[3] = s.pending_exits;
        w
    }
}

/// Byte `at` (0 = the word's first) of a word.
fn byte(word: &Word, at: u64) -> u8 {
    let at = at.min(31) as usize;
    (word.0[at / 8] >> (56 - 8 * (at % 8))) as u8
}

/// Sets byte `at` of a word.
fn set_byte(word: &mut Word, at: u64, value: u8) {
    let at = at.min(31) as usize;
    let shift = 56 - 8 * (at % 8);
    word.0[at / 8] = (word.0[at / 8] & !(0xff << shift)) | (u64::from(value) << shift);
}

/// The curve a market's kind and parameters describe.
pub(crate) fn curve_of(kind: u8, param_a: U256, param_b: U256) -> Result<Curve, Error> {
    let Some(curve) = Curve::from_kind(kind, param_a, param_b) else {
        return Err(ParameterOutOfRange {
            id: crate::governance::param::KIND,
            value: U256::from(kind),
        }
        .into());
    };
    curve.validate().map_err(|_| ParameterOutOfRange {
        id: crate::governance::param::CURVE,
        value: param_a,
    })?;
    Ok(curve)
}

impl Damm {
    /// Word `field` of market `id`.
    pub(crate) fn market_word(&self, id: u64, field: u64) -> Word {
        self.read_word(self.element(store::MARKETS, market::WORDS, id, field))
    }

    fn set_market_word(&mut self, id: u64, field: u64, word: Word) {
        let key = self.element(store::MARKETS, market::WORDS, id, field);
        self.write_word(key, word);
    }

    /// Market `id`'s first word; [`UnknownMarket`] if it was never
    /// registered (every registered market has an operator).
    pub(crate) fn head(&self, id: u64) -> Result<Head, Error> {
        let head: Head = self.market_word(id, market::HEAD).into();
        if head.operator.is_zero() {
            return Err(UnknownMarket { id }.into());
        }
        Ok(head)
    }

    fn set_head(&mut self, id: u64, head: Head) {
        self.set_market_word(id, market::HEAD, head.into());
    }

    /// Market `id`'s batch counter, clock and growth.
    pub(crate) fn progress(&self, id: u64) -> Progress {
        self.market_word(id, market::PROGRESS).into()
    }

    /// Market `id`'s L2 shares word.
    pub(crate) fn market_shares(&self, id: u64) -> Shares {
        self.market_word(id, market::SHARES).into()
    }

    /// Writes market `id`'s L2 shares word.
    pub(crate) fn set_market_shares(&mut self, id: u64, shares: Shares) {
        self.set_market_word(id, market::SHARES, shares.into());
    }

    /// Market `id`'s committed virtual state.
    pub(crate) fn committed(&self, id: u64) -> VirtualState {
        let w = self.market_word(id, market::STATE);
        VirtualState::new(wide(w.hi()), wide(w.lo()))
    }

    /// Market `id`'s curve parameters `(paramA, paramB)`, for a market of
    /// `curve_kind`: zero for the kinds that have none, whose curve word is
    /// free (an `External` market keeps its daily payouts there).
    pub(crate) fn curve_params(&self, id: u64, curve_kind: u8) -> (U256, U256) {
        if curve_kind == kind::CONSTANT_PRODUCT || curve_kind == kind::EXTERNAL {
            return (U256::ZERO, U256::ZERO);
        }
        let w = self.market_word(id, market::CURVE);
        (wide(w.hi()), wide(w.lo()))
    }

    fn commit_state(&mut self, id: u64, state: &VirtualState) -> Result<(), Error> {
        let word = Word::halves(narrow(state.x)?, narrow(state.y)?);
        self.set_market_word(id, market::STATE, word);
        Ok(())
    }

    /// Refuses a registration that could not apply: a zero operator, a bad
    /// curve, weight or fee scale, or no room for another market.
    pub(crate) fn check_registration(
        &self,
        operator: Address,
        curve_kind: u8,
        param_a: U256,
        param_b: U256,
        weight: U256,
        fee_scale: U256,
    ) -> Result<(), Error> {
        crate::guard::not_zero(operator)?;
        curve_of(curve_kind, param_a, param_b)?;
        // They are stored as u128 (and are zero for the kinds without any).
        for value in [param_a, param_b] {
            if value > U256::from(u128::MAX) {
                return Err(ParameterOutOfRange {
                    id: crate::governance::param::CURVE,
                    value,
                }
                .into());
            }
        }
        for (id, value) in [
            (crate::governance::param::WEIGHT, weight),
            (crate::governance::param::FEE_SCALE, fee_scale),
        ] {
            if value > WAD || (id == crate::governance::param::WEIGHT && value.is_zero()) {
                return Err(ParameterOutOfRange { id, value }.into());
            }
        }
        let counts = self.counts();
        if counts.live >= MAX_MARKETS || counts.markets >= MAX_MARKET_IDS {
            return Err(TooManyMarkets {}.into());
        }
        Ok(())
    }

    /// Registers a checked market (see [`Damm::register_market`]). Its
    /// first state quotes the pool's price on its own curve (docs/design.md §8).
    pub(crate) fn do_register(
        &mut self,
        operator: Address,
        curve_kind: u8,
        param_a: U256,
        param_b: U256,
        weight: U256,
        fee_scale: U256,
    ) -> Result<u64, Error> {
        let curve = curve_of(curve_kind, param_a, param_b)?;
        let (free0, free1) = self.free();
        let state = update::open(&curve, free0, free1, weight).map_err(|_| {
            // The pool is empty, or this curve cannot quote its price.
            ParameterOutOfRange {
                id: crate::governance::param::CURVE,
                value: param_a,
            }
        })?;
        let counts = self.counts();
        let id = counts.markets;
        let curve_word = Word::halves(narrow(param_a)?, narrow(param_b)?);
        let mut live = self.global(store::LIVE_MARKETS);
        set_byte(&mut live, counts.live, id as u8);
        self.set_global(store::LIVE_MARKETS, live);
        self.set_global(
            store::COUNTS,
            Counts {
                markets: id + 1,
                live: counts.live + 1,
                ..counts
            }
            .into(),
        );
        self.set_head(
            id,
            Head {
                operator,
                kind: curve_kind,
                status: status::ACTIVE,
                weight: narrow64(weight)?,
            },
        );
        self.commit_state(id, &state)?;
        let now = self.now();
        self.set_market_word(
            id,
            market::PROGRESS,
            Progress {
                batch_id: 0,
                settled_at: now,
                growth: 0,
            }
            .into(),
        );
        // An External market has no curve parameters; its word keeps the
        // day's payouts, which start at none.
        if curve_kind != kind::EXTERNAL {
            self.set_market_word(id, market::CURVE, curve_word);
        }
        self.set_market_shares(
            id,
            Shares {
                shares: 0,
                fee_scale: narrow64(fee_scale)?,
                pending_exits: 0,
            },
        );
        crate::abi::emit!(
            self,
            MarketRegistered,
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

    /// The ids of the markets not retired, in registration order.
    pub(crate) fn live_markets(&self) -> impl Iterator<Item = u64> {
        let live = self.global(store::LIVE_MARKETS);
        (0..self.counts().live).map(move |at| u64::from(byte(&live, at)))
    }

    /// See [`Damm::set_market_active`]: pauses (`false`) or resumes (`true`).
    pub(crate) fn do_set_status(&mut self, id: u64, active: bool) -> Result<(), Error> {
        let head = self.head(id)?;
        if head.status == status::RETIRED {
            return Err(MarketNotActive { id }.into());
        }
        let status = if active {
            status::ACTIVE
        } else {
            status::PAUSED
        };
        if active && head.status == status::PAUSED {
            // A market that comes back opens afresh at the pool's price on
            // its curve (docs/design.md §8): its old state may quote a stale price.
            let (param_a, param_b) = self.curve_params(id, head.kind);
            let curve = curve_of(head.kind, param_a, param_b)?;
            let (free0, free1) = self.free();
            let state = update::open(&curve, free0, free1, wide(head.weight))?;
            self.commit_state(id, &state)?;
            // That fresh state already sees every lock so far, as a
            // settlement's would: it counts as settled now (docs/design.md §10).
            let progress = Progress {
                settled_at: self.now(),
                ..self.progress(id)
            };
            self.set_market_word(id, market::PROGRESS, progress.into());
        }
        self.set_head(id, Head { status, ..head });
        crate::abi::emit!(self, MarketStatusChanged, &[id.word()], &[status.word()],);
        Ok(())
    }

    /// See [`Damm::set_operator`].
    pub(crate) fn do_set_operator(&mut self, id: u64, operator: Address) -> Result<(), Error> {
        crate::guard::not_zero(operator)?;
        let head = self.head(id)?;
        self.set_head(id, Head { operator, ..head });
        crate::abi::emit!(self, OperatorChanged, &[id.word(), operator.word()], &[],);
        Ok(())
    }

    /// See [`Damm::retire_market`].
    pub(crate) fn do_retire(&mut self, id: u64) -> Result<(), Error> {
        let head = self.head(id)?;
        let shares = self.market_shares(id);
        if shares.shares != 0 || shares.pending_exits != 0 {
            return Err(MarketNotEmpty { id }.into());
        }
        self.set_head(
            id,
            Head {
                status: status::RETIRED,
                ..head
            },
        );
        // Out of the live list, so it no longer counts toward the cap.
        let counts = self.counts();
        let mut live = self.global(store::LIVE_MARKETS);
        if let Some(at) = (0..counts.live).find(|&at| u64::from(byte(&live, at)) == id) {
            let last = byte(&live, counts.live - 1);
            set_byte(&mut live, at, last);
            set_byte(&mut live, counts.live - 1, 0);
            self.set_global(store::LIVE_MARKETS, live);
            self.set_global(
                store::COUNTS,
                Counts {
                    live: counts.live - 1,
                    ..counts
                }
                .into(),
            );
        }
        crate::abi::emit!(
            self,
            MarketStatusChanged,
            &[id.word()],
            &[status::RETIRED.word()],
        );
        Ok(())
    }

    /// The first active market that has not settled after `locked_at`, if
    /// any. A settlement in the lock's own second does not count, so the
    /// market must settle at a later timestamp: never too early.
    pub(crate) fn first_unsettled_market(&self, locked_at: u64) -> Option<u64> {
        self.live_markets().find(|&id| {
            let head: Head = self.market_word(id, market::HEAD).into();
            head.status == status::ACTIVE && self.progress(id).settled_at <= locked_at
        })
    }

    /// Counts an External checkpoint's payout against its market's daily
    /// cap: what the market was paid today (UTC days of block time) plus this
    /// payout may be at most the daily fraction of the free balance.
    /// [`DailyCapExceeded`] otherwise.
    fn charge_external_day(
        &mut self,
        id: u64,
        net: &damm_math::NetOrder,
        books: &crate::pool::Books,
    ) -> Result<(), Error> {
        const DAY: u64 = 86_400;
        let today = self.now() / DAY;
        let word = self.market_word(id, market::CURVE);
        // Day u32 in bits 224..256, then two u112 amounts.
        let number: U256 = word.into();
        // 2^112 − 1.
        let mask = U256::from_limbs([u64::MAX, (1 << 48) - 1, 0, 0]);
        let high: U256 = number >> 224;
        let (day, mut paid0, mut paid1) =
            (high.as_limbs()[0], (number >> 112) & mask, number & mask);
        if day != today {
            (paid0, paid1) = (U256::ZERO, U256::ZERO);
        }
        let (_, daily) = self.payout_caps();
        for (paid, out, free) in [
            (&mut paid0, net.amount0_out, books.free0),
            (&mut paid1, net.amount1_out, books.free1),
        ] {
            if out.is_zero() {
                continue;
            }
            let limit = damm_math::arith::wad_mul(free, daily, damm_math::arith::Rounding::Down)?
                .saturating_sub(*paid);
            if out > limit {
                return Err(DailyCapExceeded { amount: out, limit }.into());
            }
            *paid = add(*paid, out)?;
            if *paid > mask {
                return Err(MathError::Overflow.into());
            }
        }
        let stored: U256 = (U256::from(today) << 224) | (paid0 << 112) | paid1;
        self.set_market_word(id, market::CURVE, stored.into());
        Ok(())
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
        let token0_slot = self.unpaused()?;
        let head = self.head(id)?;
        if head.status != status::ACTIVE {
            return Err(MarketNotActive { id }.into());
        }
        self.only(head.operator)?;
        let progress = self.progress(id);
        let expected = progress.batch_id.saturating_add(1);
        if batch_id != expected {
            return Err(BadBatchId {
                expected,
                got: batch_id,
            }
            .into());
        }
        let committed = self.committed(id);
        if start != committed {
            return Err(StaleStartState {
                x: committed.x,
                y: committed.y,
            }
            .into());
        }
        let joins = !join0.is_zero() || !join1.is_zero();
        if joins {
            self.outside_setup(&token0_slot)?;
        }
        let changes_shares = joins || !exit_shares.is_zero();
        let shares = if changes_shares {
            self.market_shares(id)
        } else {
            Shares::default()
        };
        if exit_shares > wide(shares.shares) {
            return Err(InsufficientBalance {
                balance: wide(shares.shares),
                needed: exit_shares,
            }
            .into());
        }
        let external = head.kind == kind::EXTERNAL;
        let (param_a, param_b) = self.curve_params(id, head.kind);
        let curve = curve_of(head.kind, param_a, param_b)?;
        let token1_slot = self.token1_slot();
        let weight = wide(head.weight);
        // An External market's floor is never below the general one, and
        // what one checkpoint pays is capped below its weight too (docs/design.md §14).
        let (hf_min, payout_cap) = if external {
            let (per_checkpoint, _) = self.payout_caps();
            (
                self.trend().external_hf_min.max(token1_slot.extra),
                weight.min(per_checkpoint),
            )
        } else {
            (token1_slot.extra, weight)
        };
        let rules = Rules {
            curve,
            weight,
            hf_min: wide(hf_min),
            buffer: wide(token0_slot.extra),
            payout_cap,
        };
        let submission = Submission {
            start,
            end,
            join0,
            join1,
            exit_shares,
        };
        let books = self.books();
        let outcome = settle(&rules, &submission, &books.as_pool())
            .map_err(|r| Error::from_rejection(r, wide(hf_min)))?;
        if external {
            self.charge_external_day(id, &outcome.net, &books)?;
        }

        // Effects. `outcome.pool` started with nothing reserved, so its
        // reservations are what this checkpoint's exits add.
        let (free0, free1) = outcome.pool.free()?;
        self.set_free(free0, free1)?;
        if outcome.pool.total_supply != books.supply {
            self.set_total_supply(outcome.pool.total_supply)?;
        }
        self.commit_state(id, &outcome.next)?;
        let now = self.now();
        let growth = u128::try_from(outcome.growth).unwrap_or(u128::MAX);
        self.set_market_word(
            id,
            market::PROGRESS,
            Progress {
                batch_id,
                settled_at: now,
                growth: progress.growth.saturating_add(growth),
            }
            .into(),
        );
        if changes_shares {
            let held = add(sub(wide(shares.shares), exit_shares)?, outcome.minted)?;
            let exiting = !exit_shares.is_zero();
            self.set_market_shares(
                id,
                Shares {
                    shares: narrow(held)?,
                    pending_exits: shares.pending_exits + u64::from(exiting),
                    ..shares
                },
            );
            if exiting {
                let (reserved0, reserved1) = self.reserved();
                self.set_reserved(
                    add(reserved0, outcome.exit0)?,
                    add(reserved1, outcome.exit1)?,
                )?;
                self.record_claim(
                    head.operator,
                    head.operator,
                    Some(id),
                    exit_shares,
                    outcome.exit0,
                    outcome.exit1,
                )?;
            }
            crate::abi::emit!(
                self,
                MarketShares,
                &[id.word()],
                &[outcome.minted, exit_shares],
            );
        }
        let net = outcome.net;
        let delta = |pool_in: U256, pool_out: U256| {
            if pool_out.is_zero() {
                pool_in
            } else {
                negate(pool_out)
            }
        };
        crate::abi::emit!(
            self,
            Checkpoint,
            &[id.word(), batch_id.word()],
            &[
                delta(net.amount0_in, net.amount0_out),
                delta(net.amount1_in, net.amount1_out),
                outcome.next.x,
                outcome.next.y,
                outcome.hf_after,
                outcome.growth,
                commitment.word(),
            ],
        );

        // Interactions: the operator pays what the pool receives (net in plus
        // what its joins used) and is paid the net out.
        let (token0, token1) = (token0_slot.token, token1_slot.token);
        let operator = head.operator;
        self.pull(
            Side::Token0,
            token0,
            operator,
            add(net.amount0_in, outcome.joined0)?,
        )?;
        self.pull(
            Side::Token1,
            token1,
            operator,
            add(net.amount1_in, outcome.joined1)?,
        )?;
        self.push(token0, operator, net.amount0_out)?;
        self.push(token1, operator, net.amount1_out)?;
        Ok(())
    }
}
