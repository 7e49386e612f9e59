//! The market engine: one L1 pool, `n` asynchronous L2 markets, L1
//! arbitrage, and a Uniswap V2 pool as the benchmark, driven along a price
//! path.
//!
//! ## One step `t`, at external price `p_t`
//! 1. **L2 arbitrage.** On every market, an arbitrageur trades the open
//!    batch's current state toward `p_t` with one exact-in quote
//!    ([`Batch::quote_exact_in`] on [`CurvePricing`], the batch's fee).
//!    An *orchestrated* operator first asks the [`Orchestrator`] whether the
//!    pool could still honour the batch's new net (real-time HF and solvency,
//!    docs/design.md §12); if refused it tries half the size, up to three times, then
//!    refuses the trade. A *blind* operator quotes everything.
//! 2. **Settlements.** Each market settles every `interval` steps, at its own
//!    phase, so the markets are asynchronous. The contract's
//!    [`settle`] judges the batch (curve, solvency, buffer, the §4 health rule)
//!    and computes the market's next state (§8). An accepted batch moves the
//!    pool and a new batch opens on the committed state; a rejected one is
//!    counted by reason and **stays open**: its trades were already quoted to
//!    L2 users, so the operator keeps it and retries at its next interval
//!    (the contract requires the next batch id on the same committed state).
//! 3. **L1 arbitrage.** One exact-in constant-product swap on the pool's free
//!    balances ([`cp::amount_out_with_fee`]) toward `p_t`, paying the L1 fee.
//!    It feeds the L1 volume EMA, as the contract's swap does.
//! 4. **V2 benchmark.** The same arbitrage on a plain Uniswap V2 pool of the
//!    same initial size with its own static fee.
//!
//! ## Fees
//! - Static: the L1 pays `f`, an L2 batch `⌈f·λ⌉` ([`fee::scale_fee`]).
//! - Dynamic (docs/design.md §5): the L1 pays `min(f_max, kyber_fee(trend) + premium(HF))`
//!   with the trend of its own volume EMA before the trade, as the contract's
//!   `swap_fee`; the premium uses the same `HF_min` as settlements, as in the
//!   contract. Each operator keeps its own [`VolumeEma`] of its L2 volume and
//!   fixes a batch's fee when the batch opens: the same function on its own
//!   trend and on the real-time HF (the orchestrator's view with every
//!   market's pending net; the on-chain HF for a blind operator), scaled by
//!   `λ`. One fee per batch keeps quotes deterministic for L2 users.
//!
//! Blocks: step `t` is block `t·blocks_per_step`, the clock of the EMAs.
//! With static fees the EMAs influence nothing and are not recorded.
//!
//! ## Uninformed flow
//! Optionally each market also sees one uninformed trade per step, before
//! the arbitrageur (who then reverts its price impact): a random direction
//! and a size uniform in `[0, 2·mean]`, `mean = noise_size` in token0 (its
//! token1 equivalent at the external price when paying token1). Its demand
//! does not react to the fee (a standard simplification), and it goes
//! through the same orchestrator check as any quote.

use damm_math::arith::{mul_div, Rounding, WAD};
use damm_math::batch::{Batch, CurvePricing};
use damm_math::checkpoint::{settle, Pool, Rejection, Rules, Submission};
use damm_math::fee::{self, VolumeEma};
use damm_math::orchestrator::{Orchestrator, Refusal};
use damm_math::{cp, Curve, Direction, VirtualState, U256};

use crate::arb::{arbitrage, volume0};
use crate::units::{from_f64_wad, to_f64, wad_to_f64};
use crate::{Result, SimError};

/// How fees are set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeeModel {
    /// One fee (WAD) on L1; `⌈fee·λ⌉` on the L2s.
    Static {
        /// The L1 fee, WAD.
        fee: U256,
    },
    /// Kyber's volume fee plus the health premium, capped (docs/design.md §5).
    Dynamic {
        /// The premium at or below the floor, `φ` (WAD).
        phi: U256,
        /// The cap `f_max` (WAD).
        fee_max: U256,
    },
}

/// How an operator decides whether to quote a trade.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperatorPolicy {
    /// Checks every quote with the [`Orchestrator`] (docs/design.md §12) first.
    Orchestrated,
    /// Quotes everything and learns at settlement.
    Blind,
}

/// The engine's parameters. Amounts and rates are `U256` (WAD for rates).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineConfig {
    /// Number of L2 markets, each with full allocation `w = 1`.
    pub markets: u32,
    /// Batch intervals in steps, cycled over the markets.
    pub intervals: Vec<u64>,
    /// The health floor `HF_min` (WAD); zero switches the floor off.
    pub hf_min: U256,
    /// The security buffer (WAD fraction of each free balance), §7/§12.
    pub buffer: U256,
    /// Static or dynamic fees.
    pub fees: FeeModel,
    /// The L2 fee scale `λ ≤ 1` (WAD).
    pub lambda: U256,
    /// Orchestrated or blind operators.
    pub policy: OperatorPolicy,
    /// L1 blocks per step (the EMAs' clock).
    pub blocks_per_step: u64,
    /// Initial balances `X = Y` of the pool and of the V2 benchmark; the LP
    /// supply starts equal (HF = 1, one share = 1 x + 1 y).
    pub liquidity: U256,
    /// The V2 benchmark's static fee (WAD).
    pub v2_fee: U256,
    /// Initial value of every volume EMA (token0 per block).
    pub ema_init: U256,
    /// Mean size (token0) of the one uninformed L2 trade each market sees per
    /// step; zero for arbitrage-only flow.
    pub noise_size: U256,
}

/// What happened to quotes and settlements, by reason.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Settlements accepted.
    pub settled: u64,
    /// Rejected: the curve invariant fell ([`Rejection::CurveViolated`]).
    pub rejected_curve: u64,
    /// Rejected: the payout exceeded the free balance ([`Rejection::Insolvent`]).
    pub rejected_insolvent: u64,
    /// Rejected: the payout breached the security buffer.
    pub rejected_buffer: u64,
    /// Rejected: the §4 health rule ([`Rejection::HealthTooLow`]).
    pub rejected_health: u64,
    /// Rejected: a computation failed ([`Rejection::Math`]).
    pub rejected_math: u64,
    /// L2 trades quoted (arbitrage and uninformed).
    pub quotes: u64,
    /// Uninformed L2 trades quoted.
    pub noise_quotes: u64,
    /// L2 trades quoted at a reduced size after a refusal.
    pub quotes_trimmed: u64,
    /// L2 trades refused by the orchestrator: real-time HF under the floor.
    pub refused_health: u64,
    /// L2 trades refused by the orchestrator: security buffer.
    pub refused_buffer: u64,
    /// L2 trades refused by the orchestrator: the pending nets would drain
    /// a balance (or another math failure).
    pub refused_drain: u64,
    /// L2 trades the curve could not quote (e.g. more than the reserve).
    pub quote_failed: u64,
    /// L1 swaps executed.
    pub l1_swaps: u64,
}

impl Counters {
    /// All rejected settlements.
    #[must_use]
    pub fn rejected(&self) -> u64 {
        self.rejected_curve
            + self.rejected_insolvent
            + self.rejected_buffer
            + self.rejected_health
            + self.rejected_math
    }

    /// All refused quotes.
    #[must_use]
    pub fn refused(&self) -> u64 {
        self.refused_health + self.refused_buffer + self.refused_drain
    }

    fn reject(&mut self, rejection: Rejection) {
        match rejection {
            Rejection::CurveViolated => self.rejected_curve += 1,
            // The sim's markets have a weight of one: the cap is the free
            // balance itself, which solvency already bounds.
            Rejection::Insolvent | Rejection::AllocationExceeded { .. } => {
                self.rejected_insolvent += 1;
            }
            Rejection::BufferBreached => self.rejected_buffer += 1,
            Rejection::HealthTooLow { .. } => self.rejected_health += 1,
            Rejection::Math(_) => self.rejected_math += 1,
        }
    }

    fn refuse(&mut self, refusal: Refusal) {
        match refusal {
            Refusal::HealthTooLow => self.refused_health += 1,
            Refusal::BufferBreached => self.refused_buffer += 1,
            Refusal::UnknownMarket | Refusal::Math(_) => self.refused_drain += 1,
        }
    }

    /// Adds another run's counts.
    pub fn add(&mut self, other: &Self) {
        self.settled += other.settled;
        self.rejected_curve += other.rejected_curve;
        self.rejected_insolvent += other.rejected_insolvent;
        self.rejected_buffer += other.rejected_buffer;
        self.rejected_health += other.rejected_health;
        self.rejected_math += other.rejected_math;
        self.quotes += other.quotes;
        self.noise_quotes += other.noise_quotes;
        self.quotes_trimmed += other.quotes_trimmed;
        self.refused_health += other.refused_health;
        self.refused_buffer += other.refused_buffer;
        self.refused_drain += other.refused_drain;
        self.quote_failed += other.quote_failed;
        self.l1_swaps += other.l1_swaps;
    }
}

/// The result of one path.
#[derive(Clone, Debug, PartialEq)]
pub struct PathResult {
    /// HF at the end (after the final settlements and L1 arbitrage).
    pub final_hf: f64,
    /// Lowest on-chain HF seen after any step.
    pub min_hf: f64,
    /// A dAMM share's value at the final price, in y.
    pub value_damm: f64,
    /// A V2 share's value at the final price, in y.
    pub value_v2: f64,
    /// The initial tokens of one share (1 x + 1 y), held, at the final price.
    pub value_hold: f64,
    /// Fees paid by L1 swaps, in y at the trade's price, per initial share.
    pub fees_l1: f64,
    /// Fees charged on L2 quotes, in y at the trade's price, per initial share.
    pub fees_l2: f64,
    /// Fees paid into the V2 benchmark, in y, per initial share.
    pub fees_v2: f64,
    /// Markets whose batch still holds unsettled trades at the end.
    pub unsettled: u32,
    /// Quote and settlement counts.
    pub counters: Counters,
    /// On-chain HF sampled every `trace_every` steps (first entry: step 0).
    pub hf_trace: Vec<f64>,
}

struct Market {
    id: u64,
    interval: u64,
    phase: u64,
    committed: VirtualState,
    batch: Batch<CurvePricing>,
    /// The open batch's fee: `Batch` keeps its pricing private, so the
    /// engine remembers what it opened the batch with.
    fee: U256,
    ema: VolumeEma,
}

/// The running simulation of one path.
pub struct Engine {
    cfg: EngineConfig,
    rules: Rules,
    pool: Pool,
    markets: Vec<Market>,
    orchestrator: Option<Orchestrator>,
    l1_ema: VolumeEma,
    v2: (U256, U256),
    counters: Counters,
    fees_l1: f64,
    fees_l2: f64,
    fees_v2: f64,
    min_hf: f64,
}

impl Engine {
    /// A fresh pool at price 1 with `cfg.markets` markets; `phases[i]` is
    /// market `i`'s settlement phase (cycled if shorter).
    pub fn new(cfg: &EngineConfig, phases: &[u64]) -> Result<Self> {
        if cfg.markets == 0 || cfg.intervals.is_empty() || cfg.intervals.contains(&0) {
            return Err(SimError::Invalid(
                "need at least one market and positive batch intervals".into(),
            ));
        }
        if cfg.lambda > WAD || cfg.hf_min > WAD || cfg.buffer >= WAD {
            return Err(SimError::Invalid("λ, HF_min and buffer must be ≤ 1".into()));
        }
        let pool = Pool {
            balance0: cfg.liquidity,
            balance1: cfg.liquidity,
            total_supply: cfg.liquidity,
            ..Pool::default()
        };
        let rules = Rules {
            curve: Curve::ConstantProduct,
            weight: WAD,
            hf_min: cfg.hf_min,
            buffer: cfg.buffer,
            payout_cap: WAD,
        };
        let orchestrator = match cfg.policy {
            OperatorPolicy::Orchestrated => {
                let mut o = Orchestrator::new(
                    cfg.liquidity,
                    cfg.liquidity,
                    cfg.liquidity,
                    cfg.hf_min,
                    cfg.buffer,
                );
                for id in 0..u64::from(cfg.markets) {
                    o.register(id);
                }
                Some(o)
            }
            OperatorPolicy::Blind => None,
        };
        let mut engine = Self {
            cfg: cfg.clone(),
            rules,
            pool,
            markets: Vec::new(),
            orchestrator,
            l1_ema: VolumeEma::new(cfg.ema_init, 0),
            v2: (cfg.liquidity, cfg.liquidity),
            counters: Counters::default(),
            fees_l1: 0.0,
            fees_l2: 0.0,
            fees_v2: 0.0,
            min_hf: 1.0,
        };
        let start = VirtualState::new(cfg.liquidity, cfg.liquidity);
        for i in 0..cfg.markets as usize {
            let interval = cfg.intervals[i % cfg.intervals.len()];
            let phase = phases.get(i).copied().unwrap_or(0) % interval;
            let ema = VolumeEma::new(cfg.ema_init, 0);
            let fee = engine.l2_fee(&ema, 0)?;
            engine.markets.push(Market {
                id: i as u64,
                interval,
                phase,
                committed: start,
                batch: Batch::open(start, pricing(fee)),
                fee,
                ema,
            });
        }
        Ok(engine)
    }

    /// The pool's books now.
    #[must_use]
    pub fn pool(&self) -> Pool {
        self.pool
    }

    /// The counts so far.
    #[must_use]
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// The on-chain HF now, as an `f64`.
    pub fn health_factor(&self) -> Result<f64> {
        Ok(wad_to_f64(self.pool.health_factor()?))
    }

    /// Runs step `t` (from 1) at external price `price` (y per x). `noise`
    /// holds one draw in `(−1, 1)` per market for its uninformed trade: the
    /// sign picks the direction, `2·|u|` scales the mean size (missing
    /// entries: no trade).
    pub fn step(&mut self, t: u64, price: f64, noise: &[f64]) -> Result<()> {
        let block = t.saturating_mul(self.cfg.blocks_per_step);
        let price_wad = from_f64_wad(price)?;
        if !self.cfg.noise_size.is_zero() {
            for (i, &u) in noise.iter().enumerate().take(self.markets.len()) {
                self.l2_noise(i, block, u, price)?;
            }
        }
        for i in 0..self.markets.len() {
            self.l2_arbitrage(i, block, price_wad, price)?;
        }
        for i in 0..self.markets.len() {
            let m = &self.markets[i];
            if (t + m.phase).is_multiple_of(m.interval) {
                self.try_settle(i, block)?;
            }
        }
        self.l1_arbitrage(block, price_wad, price)?;
        self.v2_arbitrage(price_wad, price)?;
        // Analytics only: HF in f64, to track the path's minimum cheaply.
        let (free0, free1) = self.pool.free()?;
        let hf = libm::sqrt(to_f64(free0) * to_f64(free1)) / to_f64(self.pool.total_supply);
        self.min_hf = self.min_hf.min(hf);
        Ok(())
    }

    /// Ends the path at `price` (reached at step `t`): every market settles
    /// once more, the L1 is arbitraged, and shares are valued.
    pub fn finish(mut self, t: u64, price: f64, hf_trace: Vec<f64>) -> Result<PathResult> {
        let block = t.saturating_add(1).saturating_mul(self.cfg.blocks_per_step);
        for i in 0..self.markets.len() {
            self.try_settle(i, block)?;
        }
        self.l1_arbitrage(block, from_f64_wad(price)?, price)?;
        let (free0, free1) = self.pool.free()?;
        let supply = to_f64(self.pool.total_supply);
        let initial = to_f64(self.cfg.liquidity);
        let unsettled = self
            .markets
            .iter()
            .filter(|m| m.batch.state() != m.committed)
            .count() as u32;
        let final_hf = self.health_factor()?;
        Ok(PathResult {
            final_hf,
            min_hf: self.min_hf.min(final_hf),
            value_damm: (to_f64(free0) * price + to_f64(free1)) / supply,
            value_v2: (to_f64(self.v2.0) * price + to_f64(self.v2.1)) / initial,
            value_hold: price + 1.0,
            fees_l1: self.fees_l1 / initial,
            fees_l2: self.fees_l2 / initial,
            fees_v2: self.fees_v2 / initial,
            unsettled,
            counters: self.counters,
            hf_trace,
        })
    }

    /// Whether fees are dynamic. With static fees the volume EMAs influence
    /// nothing, so the engine skips recording them (a third of the run time).
    fn dynamic(&self) -> bool {
        matches!(self.cfg.fees, FeeModel::Dynamic { .. })
    }

    /// The fee (WAD) a new batch of an L2 market quotes with, at `block`.
    fn l2_fee(&self, ema: &VolumeEma, block: u64) -> Result<U256> {
        let base = match self.cfg.fees {
            FeeModel::Static { fee } => fee,
            FeeModel::Dynamic { phi, fee_max } => {
                let trend = ema.r_factor(block)?;
                let on_chain = self.pool.health_factor()?;
                let hf = self
                    .orchestrator
                    .as_ref()
                    .and_then(|o| o.real_time_health().ok())
                    .unwrap_or(on_chain);
                let premium = fee::health_premium(hf, self.cfg.hf_min, phi)?;
                fee::dynamic_fee(fee::kyber_fee(trend), premium, fee_max)
            }
        };
        Ok(fee::scale_fee(base, self.cfg.lambda)?)
    }

    /// The fee (WAD) an L1 swap pays now (the contract's `swap_fee`).
    fn l1_fee(&self, block: u64) -> Result<U256> {
        Ok(match self.cfg.fees {
            FeeModel::Static { fee } => fee,
            FeeModel::Dynamic { phi, fee_max } => {
                let trend = self.l1_ema.r_factor(block)?;
                let premium =
                    fee::health_premium(self.pool.health_factor()?, self.cfg.hf_min, phi)?;
                fee::dynamic_fee(fee::kyber_fee(trend), premium, fee_max)
            }
        })
    }

    fn l2_arbitrage(&mut self, i: usize, block: u64, price_wad: U256, price: f64) -> Result<()> {
        let market = &self.markets[i];
        let state = market.batch.state();
        if let Some((direction, amount)) = arbitrage(state.x, state.y, price_wad, market.fee)? {
            self.l2_trade(i, block, direction, amount, price, true)?;
        }
        Ok(())
    }

    /// One uninformed trade on market `i`: direction from the sign of `u`,
    /// size `2·|u|` times the mean (token0; token1 at the external price).
    fn l2_noise(&mut self, i: usize, block: u64, u: f64, price: f64) -> Result<()> {
        let scale = from_f64_wad(2.0 * u.abs())?;
        let size0 = mul_div(self.cfg.noise_size, scale, WAD, Rounding::Down)?;
        let (direction, amount) = if u >= 0.0 {
            (Direction::ZeroForOne, size0)
        } else {
            let p = from_f64_wad(price)?;
            (
                Direction::OneForZero,
                mul_div(size0, p, WAD, Rounding::Down)?,
            )
        };
        if amount.is_zero() {
            return Ok(());
        }
        if self.l2_trade(i, block, direction, amount, price, false)? {
            self.counters.noise_quotes += 1;
        }
        Ok(())
    }

    /// Quotes an exact-in trade on market `i`'s open batch, asking the
    /// orchestrator first if the operator is orchestrated; `trim` allows up
    /// to three halvings after a refusal. Returns whether a trade was booked.
    fn l2_trade(
        &mut self,
        i: usize,
        block: u64,
        direction: Direction,
        amount: U256,
        price: f64,
        trim: bool,
    ) -> Result<bool> {
        let market = &self.markets[i];
        let fee = market.fee;
        let attempts = if trim { 4 } else { 1 };
        let mut size = amount;
        let mut last_refusal = None;
        for attempt in 0..attempts {
            let mut trial = market.batch.clone();
            let Ok(quote) = trial.quote_exact_in(direction, size) else {
                self.counters.quote_failed += 1;
                return Ok(false);
            };
            if let Some(orchestrator) = self.orchestrator.as_mut() {
                if let Err(refusal) = orchestrator.accept(market.id, trial.net()) {
                    last_refusal = Some(refusal);
                    size /= U256::from(2);
                    if size.is_zero() {
                        break;
                    }
                    continue;
                }
            }
            self.counters.quotes += 1;
            if attempt > 0 {
                self.counters.quotes_trimmed += 1;
            }
            self.fees_l2 += fee_value(direction, quote.amount_in, fee, price);
            let dynamic = self.dynamic();
            let market = &mut self.markets[i];
            market.batch = trial;
            if dynamic {
                market
                    .ema
                    .record(block, volume0(direction, quote.amount_in, quote.amount_out))?;
            }
            return Ok(true);
        }
        if let Some(refusal) = last_refusal {
            self.counters.refuse(refusal);
        }
        Ok(false)
    }

    fn try_settle(&mut self, i: usize, block: u64) -> Result<()> {
        let market = &self.markets[i];
        let submission = Submission {
            start: market.committed,
            end: market.batch.state(),
            ..Submission::default()
        };
        match settle(&self.rules, &submission, &self.pool) {
            Ok(outcome) => {
                self.counters.settled += 1;
                self.pool = outcome.pool;
                self.sync_orchestrator(Some(market.id))?;
                let fee = self.l2_fee(&self.markets[i].ema, block)?;
                let market = &mut self.markets[i];
                market.committed = outcome.next;
                market.batch = Batch::open(outcome.next, pricing(fee));
                market.fee = fee;
            }
            Err(rejection) => self.counters.reject(rejection),
        }
        Ok(())
    }

    fn l1_arbitrage(&mut self, block: u64, price_wad: U256, price: f64) -> Result<()> {
        let (free0, free1) = self.pool.free()?;
        let fee = self.l1_fee(block)?;
        let Some((direction, amount_in)) = arbitrage(free0, free1, price_wad, fee)? else {
            return Ok(());
        };
        let (reserve_in, reserve_out) = direction.reserves(&VirtualState::new(free0, free1));
        let Ok(amount_out) = cp::amount_out_with_fee(amount_in, reserve_in, reserve_out, fee)
        else {
            return Ok(());
        };
        if amount_out >= reserve_out {
            return Ok(());
        }
        let traded = direction.apply(&VirtualState::new(free0, free1), amount_in, amount_out)?;
        self.pool.balance0 = traded.x.saturating_add(self.pool.reserved0);
        self.pool.balance1 = traded.y.saturating_add(self.pool.reserved1);
        if self.dynamic() {
            self.l1_ema
                .record(block, volume0(direction, amount_in, amount_out))?;
        }
        self.counters.l1_swaps += 1;
        self.fees_l1 += fee_value(direction, amount_in, fee, price);
        self.sync_orchestrator(None)
    }

    fn v2_arbitrage(&mut self, price_wad: U256, price: f64) -> Result<()> {
        let (x, y) = self.v2;
        let fee = self.cfg.v2_fee;
        let Some((direction, amount_in)) = arbitrage(x, y, price_wad, fee)? else {
            return Ok(());
        };
        let state = VirtualState::new(x, y);
        let (reserve_in, reserve_out) = direction.reserves(&state);
        let amount_out = cp::amount_out_with_fee(amount_in, reserve_in, reserve_out, fee)?;
        let next = direction.apply(&state, amount_in, amount_out)?;
        self.v2 = (next.x, next.y);
        self.fees_v2 += fee_value(direction, amount_in, fee, price);
        Ok(())
    }

    /// Tells the orchestrator about the pool after an L1 event, and clears
    /// the pending net of the market that just settled.
    fn sync_orchestrator(&mut self, settled: Option<u64>) -> Result<()> {
        let (free0, free1) = self.pool.free()?;
        if let Some(o) = self.orchestrator.as_mut() {
            if let Some(id) = settled {
                o.settled(id);
            }
            o.sync_pool(free0, free1, self.pool.total_supply);
        }
        Ok(())
    }
}

fn pricing(fee: U256) -> CurvePricing {
    CurvePricing {
        curve: Curve::ConstantProduct,
        fee,
    }
}

/// The fee part of an input, valued in y at `price`.
fn fee_value(direction: Direction, amount_in: U256, fee: U256, price: f64) -> f64 {
    let fee_tokens = to_f64(amount_in) * wad_to_f64(fee);
    match direction {
        Direction::ZeroForOne => fee_tokens * price,
        Direction::OneForZero => fee_tokens,
    }
}

/// One path's random inputs besides the price: the markets' settlement
/// phases and the uninformed trades' draws.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Flow {
    /// A phase per market (cycled if shorter).
    pub phases: Vec<u64>,
    /// Draws in `(−1, 1)`, `width` per step, for steps `1..`: step `t` uses
    /// `noise[(t−1)·width..t·width]`.
    pub noise: Vec<f64>,
    /// Draws per step (at least the number of markets, or no noise).
    pub width: usize,
}

/// Runs one whole path: `prices[0]` must be 1 (the pool's start), steps
/// `1..prices.len()`. The HF trace is sampled every `trace_every` steps
/// (0 for none).
pub fn run_path(
    cfg: &EngineConfig,
    prices: &[f64],
    flow: &Flow,
    trace_every: usize,
) -> Result<PathResult> {
    let mut engine = Engine::new(cfg, &flow.phases)?;
    let mut trace = Vec::new();
    if trace_every > 0 {
        trace.push(engine.health_factor()?);
    }
    for (t, &price) in prices.iter().enumerate().skip(1) {
        let from = (t - 1).saturating_mul(flow.width);
        let noise = flow.noise.get(from..from + flow.width).unwrap_or(&[]);
        engine.step(t as u64, price, noise)?;
        if trace_every > 0 && t.is_multiple_of(trace_every) {
            trace.push(engine.health_factor()?);
        }
    }
    let last = prices.len().saturating_sub(1);
    let final_price = prices.last().copied().unwrap_or(1.0);
    engine.finish(last as u64, final_price, trace)
}
