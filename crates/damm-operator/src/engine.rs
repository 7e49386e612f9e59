//! The open batch and how a trade gets into it.
//!
//! One [`Engine`] per node, behind a lock: trades are taken one at a time
//! because each is quoted on the state the previous one left. A trade is
//! accepted only after four checks and a commit:
//!
//! 1. its own terms: deadline, size, the trader's limit (slippage);
//! 2. the batch with it must be one the contract would accept now
//!    (`damm_math::checkpoint::settle` on the last pool read: curve,
//!    solvency, buffer, allocation, health);
//! 3. the orchestrator must reserve the batch's new net against the pool
//!    and the other markets (an unreachable orchestrator means no);
//! 4. the trade is committed to the store; only then is it booked in
//!    memory and acknowledged.

use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;

use alloy_primitives::{Address, U256};
use alloy_signer_local::PrivateKeySigner;
use damm_chain::{Chain, MarketView, PoolView};
use damm_math::batch::{Batch, CurvePricing};
use damm_math::checkpoint::{settle, Rejection, Rules, Submission};
use damm_math::curve::kind;
use damm_math::{fee, Curve, Direction, MathError};
use damm_orchestrator::client::{Answer, Client};
use damm_orchestrator::wire::PendingRequest;
use damm_service::db::Db;
use damm_service::telemetry::{Metric, Metrics};

use crate::config::Config;
use crate::store::{self, BatchRow, SentTx, Status, TradeRow};

/// Wall-clock milliseconds since the epoch.
#[must_use]
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A trade a user asks for, already parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    /// Which way.
    pub direction: Direction,
    /// `amount` is the exact input (else the exact output).
    pub exact_in: bool,
    /// The exact amount.
    pub amount: U256,
    /// Min out (exact in) or max in (exact out).
    pub limit: U256,
    /// Latest acceptable time, unix seconds.
    pub deadline: u64,
    /// Who trades.
    pub trader: Address,
}

/// Why a trade was not accepted. Each has a stable code ([`Refusal::code`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The request itself is wrong.
    BadInput(String),
    /// Its deadline passed.
    Expired { deadline: u64, now: u64 },
    /// The price is worse than the trader's limit.
    Slippage { amount: U256, limit: U256 },
    /// The batch would take the pool's health under the floor.
    HealthFloor,
    /// The batch would take a free balance under the security buffer.
    Buffer,
    /// The market or pool cannot pay this much.
    InsufficientLiquidity(String),
    /// The orchestrator said no, for this reason (its code).
    OrchestratorRefused { code: String, message: String },
    /// The open batch holds its maximum of trades.
    BatchFull,
    /// The orchestrator could not be asked: trades are refused, never taken blind.
    OrchestratorUnavailable(String),
    /// The chain has not been read recently enough to quote safely.
    ChainUnavailable,
    /// A settlement is in flight; retry shortly.
    Settling,
    /// The market is paused or retired on chain.
    MarketNotActive,
    /// The store could not commit the trade.
    Store(String),
}

impl Refusal {
    /// The machine-readable reason.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadInput(_) => "bad_input",
            Self::Expired { .. } => "expired",
            Self::Slippage { .. } => "slippage",
            Self::HealthFloor => "health_floor",
            Self::Buffer => "buffer",
            Self::InsufficientLiquidity(_) => "insufficient_liquidity",
            Self::OrchestratorRefused { .. } => "orchestrator_refused",
            Self::BatchFull => "batch_full",
            Self::OrchestratorUnavailable(_) => "orchestrator_unavailable",
            Self::ChainUnavailable => "chain_unavailable",
            Self::Settling => "settling",
            Self::MarketNotActive => "market_not_active",
            Self::Store(_) => "store_unavailable",
        }
    }

    /// A sentence for the trader.
    #[must_use]
    pub fn message(&self) -> String {
        match self {
            Self::BadInput(m) => m.clone(),
            Self::Expired { deadline, now } => {
                format!("the deadline {deadline} is before now ({now})")
            }
            Self::Slippage { amount, limit } => {
                format!("the price moved beyond your limit: the trade would be {amount} against a limit of {limit}")
            }
            Self::HealthFloor => "the pool's health factor would fall under its floor".into(),
            Self::Buffer => "the pool's security buffer would be breached".into(),
            Self::InsufficientLiquidity(m) => format!("not enough liquidity: {m}"),
            Self::OrchestratorRefused { code, message } => {
                format!("refused by the orchestrator ({code}): {message}")
            }
            Self::BatchFull => "the batch is full; retry once it settles".into(),
            Self::OrchestratorUnavailable(m) => {
                format!("the orchestrator cannot be reached ({m}); no trade is taken without it")
            }
            Self::ChainUnavailable => {
                "the chain has not been read recently; no trade is taken until it is".into()
            }
            Self::Settling => "a batch is settling; retry shortly".into(),
            Self::MarketNotActive => "the market is paused or retired on chain".into(),
            Self::Store(_) => "the trade could not be recorded; it was not taken".into(),
        }
    }
}

/// The chain as last read.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot {
    /// The block read.
    pub block: u64,
    /// The market.
    pub market: MarketView,
    /// The pool.
    pub pool: PoolView,
    /// When (ms since the epoch).
    pub at_ms: i64,
}

/// The open batch and its trades.
pub struct Engine {
    /// The id the open batch will settle as.
    pub batch_id: u64,
    /// Its L2 fee (WAD).
    pub fee: U256,
    /// The batch, as booked.
    pub batch: Batch<CurvePricing>,
    /// Its trades in order.
    pub trades: Vec<TradeRow>,
    /// The next trade's id.
    pub next_trade_id: u64,
    /// `Open`, or `Sent` while its checkpoint is in flight.
    pub status: Status,
    /// The checkpoint in flight.
    pub sent: Option<SentTx>,
    /// Why the last settlement attempt failed.
    pub last_error: Option<String>,
}

/// What `GET /v1/batch` shows, kept outside the engine's lock so it answers
/// while a settlement holds it.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchReport {
    /// The open batch's id.
    pub batch_id: u64,
    /// `open` or `sent`.
    pub status: &'static str,
    /// The committed state it opened on.
    pub start: State,
    /// Its state with every trade.
    pub state: State,
    /// Its L2 fee (WAD).
    #[serde(with = "damm_chain::amount")]
    pub fee: U256,
    /// How many trades.
    pub trades: u64,
    /// The net order it would settle.
    pub net: damm_orchestrator::wire::Net,
    /// The flash-loan ledger: current and largest loans of each token.
    pub ledger: Ledger,
    /// The checkpoint in flight.
    pub tx: Option<String>,
    /// Why the last settlement attempt failed.
    pub last_error: Option<String>,
}

/// A virtual state in JSON.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct State {
    /// Token0.
    #[serde(with = "damm_chain::amount")]
    pub x: U256,
    /// Token1.
    #[serde(with = "damm_chain::amount")]
    pub y: U256,
}

/// The flash-loan ledger in JSON.
#[derive(Debug, Clone, Copy, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ledger {
    /// Token0 borrowed now.
    #[serde(with = "damm_chain::amount")]
    pub loan0: U256,
    /// Token1 borrowed now.
    #[serde(with = "damm_chain::amount")]
    pub loan1: U256,
    /// Most token0 borrowed in the batch.
    #[serde(with = "damm_chain::amount")]
    pub max_loan0: U256,
    /// Most token1 borrowed in the batch.
    #[serde(with = "damm_chain::amount")]
    pub max_loan1: U256,
}

impl Engine {
    /// The engine for batch `row` with its `trades` replayed. Each replayed
    /// quote must give the stored amounts: the math is deterministic, so a
    /// mismatch means the store or the binary changed under the batch.
    ///
    /// # Errors
    /// A sentence naming the trade that does not replay.
    pub fn rebuild(
        curve: Curve,
        row: &BatchRow,
        trades: Vec<TradeRow>,
        next_trade_id: u64,
    ) -> Result<Self, String> {
        let mut batch = Batch::open(
            row.start,
            CurvePricing {
                curve,
                fee: row.fee,
            },
        );
        for t in &trades {
            let q = if t.exact_in {
                batch.quote_exact_in(t.direction, t.amount_in)
            } else {
                batch.quote_exact_out(t.direction, t.amount_out)
            }
            .map_err(|e| format!("trade {} does not replay: {e:?}", t.id))?;
            if (q.amount_in, q.amount_out) != (t.amount_in, t.amount_out) {
                return Err(format!(
                    "trade {} replays as {}/{} but was accepted as {}/{}",
                    t.id, q.amount_in, q.amount_out, t.amount_in, t.amount_out
                ));
            }
        }
        Ok(Self {
            batch_id: row.batch,
            fee: row.fee,
            batch,
            trades,
            next_trade_id,
            status: row.status,
            sent: row.sent.clone(),
            last_error: row.last_error.clone(),
        })
    }

    /// The report of the engine's state.
    #[must_use]
    pub fn report(&self) -> BatchReport {
        let (start, state, ledger) = (self.batch.start(), self.batch.state(), self.batch.ledger());
        BatchReport {
            batch_id: self.batch_id,
            status: match self.status {
                Status::Open => "open",
                Status::Sent | Status::Settled => "sent",
            },
            start: State {
                x: start.x,
                y: start.y,
            },
            state: State {
                x: state.x,
                y: state.y,
            },
            fee: self.fee,
            trades: self.trades.len() as u64,
            net: self.batch.net().into(),
            ledger: Ledger {
                loan0: ledger.loan0,
                loan1: ledger.loan1,
                max_loan0: ledger.max_loan0,
                max_loan1: ledger.max_loan1,
            },
            tx: self.sent.as_ref().map(|s| s.hash.to_string()),
            last_error: self.last_error.clone(),
        }
    }
}

/// The curve of `market`, if this node can quote it.
///
/// # Errors
/// A sentence for an unknown kind, bad parameters or an External market.
pub fn curve_of(market: &MarketView) -> Result<Curve, String> {
    if market.kind == kind::EXTERNAL {
        return Err(
            "an External market prices with its own engine; this node quotes curves only".into(),
        );
    }
    let curve = Curve::from_kind(market.kind, market.param_a, market.param_b)
        .ok_or_else(|| format!("unknown curve kind {}", market.kind))?;
    curve
        .validate()
        .map_err(|e| format!("the market's curve parameters are invalid: {e:?}"))?;
    Ok(curve)
}

/// The rules the contract judges this market's checkpoints by.
#[must_use]
pub fn rules(curve: Curve, snapshot: &Snapshot) -> Rules {
    Rules {
        curve,
        weight: snapshot.market.weight,
        hf_min: snapshot.pool.hf_min,
        buffer: snapshot.pool.buffer,
        payout_cap: snapshot.market.weight,
    }
}

/// The L2 fee for a batch opened now: the L1 fee scaled by `λ` (docs/design.md §5).
///
/// # Errors
/// A sentence if `λ` is above 1.
pub fn batch_fee(snapshot: &Snapshot, fee_scale: Option<U256>) -> Result<U256, String> {
    let lambda = fee_scale.unwrap_or(snapshot.market.fee_scale);
    fee::scale_fee(snapshot.pool.fee, lambda).map_err(|e| format!("fee scale {lambda}: {e:?}"))
}

/// A running node: configuration, connections and the engine.
pub struct Node {
    /// Its configuration.
    pub config: Config,
    /// The chain.
    pub chain: Chain,
    /// The chain's id.
    pub chain_id: u64,
    /// The pool's tokens.
    pub tokens: (Address, Address),
    /// The market's curve.
    pub curve: Curve,
    /// The operator key.
    pub signer: PrivateKeySigner,
    /// The store.
    pub db: Arc<Db>,
    /// The orchestrator.
    pub orchestrator: Client,
    /// The open batch.
    pub engine: tokio::sync::Mutex<Engine>,
    /// Its report.
    pub report: StdMutex<BatchReport>,
    /// The chain as last read.
    pub snapshot: StdMutex<Snapshot>,
    /// Rung when the batch fills up.
    pub full: tokio::sync::Notify,
    /// When a batch last settled (ms since the epoch).
    pub last_settled_ms: std::sync::atomic::AtomicI64,
    /// Metrics.
    pub metrics: Metrics,
    /// Trade latency (accepted or refused).
    pub trade_seconds: Metric,
}

impl Node {
    /// The chain as last read.
    #[must_use]
    pub fn snapshot(&self) -> Snapshot {
        *self.snapshot.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Publishes the engine's state to `GET /v1/batch`.
    pub fn publish(&self, engine: &Engine) {
        *self.report.lock().unwrap_or_else(|e| e.into_inner()) = engine.report();
        self.metrics
            .gauge("damm_operator_batch_trades", "Trades in the open batch.")
            .set(engine.trades.len() as u64);
        self.metrics
            .gauge("damm_operator_batch_id", "The open batch's id.")
            .set(engine.batch_id);
    }

    fn refused(&self, refusal: &Refusal) {
        self.metrics
            .counter_with(
                "damm_operator_trades_refused_total",
                "Trades refused, by reason.",
                "reason",
                refusal.code(),
            )
            .inc();
    }

    /// A quote on the open batch, booking nothing.
    ///
    /// # Errors
    /// [`Refusal`] if the trade cannot be quoted.
    pub async fn quote(&self, order: &Order) -> Result<(damm_math::batch::Quote, U256), Refusal> {
        let engine = tokio::time::timeout(self.wait(), self.engine.lock())
            .await
            .map_err(|_| Refusal::Settling)?;
        let mut preview = engine.batch.clone();
        let quote = book(&mut preview, order)?;
        Ok((quote, engine.fee))
    }

    fn wait(&self) -> Duration {
        Duration::from_millis(self.config.trade_wait_ms)
    }

    /// Takes `order` into the open batch, or says why not.
    ///
    /// # Errors
    /// [`Refusal`]; nothing is recorded or reserved beyond what the
    /// orchestrator already held when the refusal comes after it.
    pub async fn accept(&self, order: &Order) -> Result<TradeRow, Refusal> {
        let started = std::time::Instant::now();
        let result = self.try_accept(order).await;
        self.trade_seconds.observe(started.elapsed().as_secs_f64());
        match &result {
            Ok(_) => self
                .metrics
                .counter("damm_operator_trades_accepted_total", "Trades accepted.")
                .inc(),
            Err(r) => self.refused(r),
        }
        result
    }

    /// The chain as last read, if recent enough to trade on.
    fn fresh_snapshot(&self) -> Result<Snapshot, Refusal> {
        let snapshot = self.snapshot();
        let limit = i64::try_from(self.config.max_chain_staleness_ms).unwrap_or(i64::MAX);
        if now_ms() - snapshot.at_ms > limit {
            return Err(Refusal::ChainUnavailable);
        }
        Ok(snapshot)
    }

    async fn try_accept(&self, order: &Order) -> Result<TradeRow, Refusal> {
        let now = u64::try_from(now_ms() / 1000).unwrap_or(0);
        if order.deadline < now {
            return Err(Refusal::Expired {
                deadline: order.deadline,
                now,
            });
        }
        // Before waiting on a settlement that may itself wait for the chain.
        self.fresh_snapshot()?;
        let mut engine = tokio::time::timeout(self.wait(), self.engine.lock())
            .await
            .map_err(|_| Refusal::Settling)?;
        if engine.status != Status::Open {
            return Err(Refusal::Settling);
        }
        let snapshot = self.fresh_snapshot()?;
        // A batch must open on the chain's committed state, or its
        // checkpoint cannot settle (a pause and resume rewrites that state).
        // A read from before our own last settlement cannot tell.
        let committed = damm_math::VirtualState::new(snapshot.market.x, snapshot.market.y);
        let chain_next = snapshot.market.batch_id.saturating_add(1);
        if chain_next > engine.batch_id
            || (chain_next == engine.batch_id && engine.batch.start() != committed)
        {
            return Err(Refusal::MarketNotActive);
        }
        if snapshot.market.status != 1 || snapshot.pool.paused {
            return Err(Refusal::MarketNotActive);
        }
        if engine.trades.len() as u64 >= self.config.batch_max_trades {
            return Err(Refusal::BatchFull);
        }
        let mut preview = engine.batch.clone();
        let quote = book(&mut preview, order)?;
        if order.exact_in && quote.amount_out < order.limit {
            return Err(Refusal::Slippage {
                amount: quote.amount_out,
                limit: order.limit,
            });
        }
        if !order.exact_in && quote.amount_in > order.limit {
            return Err(Refusal::Slippage {
                amount: quote.amount_in,
                limit: order.limit,
            });
        }
        let submission = Submission {
            start: preview.start(),
            end: preview.state(),
            ..Submission::default()
        };
        settle(
            &rules(self.curve, &snapshot),
            &submission,
            &snapshot.pool.pool,
        )
        .map_err(|r| match r {
            Rejection::HealthTooLow { .. } => Refusal::HealthFloor,
            Rejection::BufferBreached => Refusal::Buffer,
            Rejection::AllocationExceeded { amount, limit } => {
                Refusal::InsufficientLiquidity(format!(
                    "the batch would pay out {amount}, above the market's allocation of {limit}"
                ))
            }
            Rejection::Insolvent => {
                Refusal::InsufficientLiquidity("the pool's free balance cannot pay it".into())
            }
            other => Refusal::InsufficientLiquidity(format!(
                "the contract would refuse the batch: {other:?}"
            )),
        })?;
        let seq = engine.trades.len() as u64 + 1;
        let request = PendingRequest {
            batch_id: engine.batch_id,
            seq,
            net: preview.net().into(),
        };
        match self
            .orchestrator
            .reserve(self.config.market, &request)
            .await
        {
            Answer::Reserved(_) => {}
            Answer::Refused { code, message } => {
                return Err(match code.as_str() {
                    "buffer" => Refusal::Buffer,
                    "health_floor" => Refusal::HealthFloor,
                    "insufficient_liquidity" => Refusal::InsufficientLiquidity(message),
                    _ => Refusal::OrchestratorRefused { code, message },
                })
            }
            Answer::Unavailable(e) => return Err(Refusal::OrchestratorUnavailable(e)),
        }
        let trade = TradeRow {
            id: engine.next_trade_id,
            batch: engine.batch_id,
            seq,
            trader: order.trader,
            direction: order.direction,
            exact_in: order.exact_in,
            amount_in: quote.amount_in,
            amount_out: quote.amount_out,
            limit: order.limit,
            deadline: order.deadline,
            created_at_ms: now_ms(),
        };
        let market = self.config.market;
        self.db
            .run(move |tx| store::insert_trade(tx, market, &trade))
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "store refused a trade");
                Refusal::Store(e.0)
            })?;
        engine.batch = preview;
        engine.trades.push(trade);
        engine.next_trade_id += 1;
        self.publish(&engine);
        if engine.trades.len() as u64 >= self.config.batch_max_trades {
            self.full.notify_one();
        }
        Ok(trade)
    }
}

/// Quotes `order` on `batch` and books it there.
fn book(
    batch: &mut Batch<CurvePricing>,
    order: &Order,
) -> Result<damm_math::batch::Quote, Refusal> {
    if order.amount.is_zero() {
        return Err(Refusal::BadInput("the amount must be above zero".into()));
    }
    let quoted = if order.exact_in {
        batch.quote_exact_in(order.direction, order.amount)
    } else {
        batch.quote_exact_out(order.direction, order.amount)
    };
    quoted.map_err(|e| match e {
        MathError::InsufficientLiquidity => Refusal::InsufficientLiquidity(
            "the market's virtual reserve cannot pay that much".into(),
        ),
        MathError::Overflow => Refusal::BadInput("the amount is too large to price".into()),
        other => Refusal::InsufficientLiquidity(format!("the curve cannot price it: {other:?}")),
    })
}
