//! The users' API (JSON over HTTP, versioned under `/v1`).
//!
//! Amounts are decimal strings of the tokens' smallest units. Every refusal
//! is `{"error": {"code", "message"}}`: 400 `bad_input` (malformed JSON,
//! unknown fields, zero or out-of-range amounts), 413 for a body over
//! 64 KiB, 409 for a trade refused on its merits (`expired`, `slippage`,
//! `health_floor`, `buffer`, `insufficient_liquidity`,
//! `orchestrator_refused`, `batch_full`, `market_not_active`), 503 when it
//! cannot be decided now (`orchestrator_unavailable`, `chain_unavailable`,
//! `settling`, `store_unavailable`).

use std::net::SocketAddr;
use std::sync::atomic::AtomicI64;
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;

use alloy_primitives::{Address, U256};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use damm_math::arith::{mul_div, Rounding, WAD};
use damm_math::Direction;
use damm_service::http::{
    shutdown_signal, with_limits_and_metrics, without_nagle, ApiError, ApiJson,
};
use damm_service::telemetry::Metrics;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::config::Config;
use crate::engine::{curve_of, now_ms, Node, Order, Refusal};
use crate::settle::{poll, read_chain, recover, run};
use crate::store::{self, Status};

/// `POST /v1/quote`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuoteRequest {
    /// `true`: pay token0 for token1.
    pub zero_for_one: bool,
    /// The exact input, or
    #[serde(default, with = "damm_chain::amount::option")]
    pub exact_in: Option<U256>,
    /// the exact output.
    #[serde(default, with = "damm_chain::amount::option")]
    pub exact_out: Option<U256>,
}

/// `POST /v1/trades`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TradeRequest {
    /// `true`: pay token0 for token1.
    pub zero_for_one: bool,
    /// The exact input, or
    #[serde(default, with = "damm_chain::amount::option")]
    pub exact_in: Option<U256>,
    /// the exact output.
    #[serde(default, with = "damm_chain::amount::option")]
    pub exact_out: Option<U256>,
    /// Min out (exact in) or max in (exact out).
    #[serde(with = "damm_chain::amount")]
    pub limit: U256,
    /// Latest acceptable time, unix seconds.
    pub deadline: u64,
    /// The L2 account trading.
    pub trader: Address,
}

/// A quote.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuoteResponse {
    /// The batch it was quoted in.
    pub batch_id: u64,
    /// Direction.
    pub zero_for_one: bool,
    /// Paid in.
    #[serde(with = "damm_chain::amount")]
    pub amount_in: U256,
    /// Paid out.
    #[serde(with = "damm_chain::amount")]
    pub amount_out: U256,
    /// The fee rate (WAD) taken on the input.
    #[serde(with = "damm_chain::amount")]
    pub fee: U256,
    /// `amountOut / amountIn` (WAD, floored).
    #[serde(with = "damm_chain::amount")]
    pub price: U256,
}

/// An accepted trade.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TradeResponse {
    /// `accepted` (a refusal is an error answer).
    pub status: &'static str,
    /// The trade's id.
    pub id: u64,
    /// Its batch.
    pub batch_id: u64,
    /// Its place in the batch (from 1).
    pub position: u64,
    /// Paid in.
    #[serde(with = "damm_chain::amount")]
    pub amount_in: U256,
    /// Paid out.
    #[serde(with = "damm_chain::amount")]
    pub amount_out: U256,
    /// The fee rate (WAD).
    #[serde(with = "damm_chain::amount")]
    pub fee: U256,
}

fn refusal(r: &Refusal) -> ApiError {
    let status = match r {
        Refusal::BadInput(_) => StatusCode::BAD_REQUEST,
        Refusal::OrchestratorUnavailable(_)
        | Refusal::ChainUnavailable
        | Refusal::Settling
        | Refusal::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::CONFLICT,
    };
    ApiError::new(status, r.code(), r.message())
}

fn exact(exact_in: Option<U256>, exact_out: Option<U256>) -> Result<(bool, U256), ApiError> {
    match (exact_in, exact_out) {
        (Some(a), None) => Ok((true, a)),
        (None, Some(a)) => Ok((false, a)),
        _ => Err(ApiError::bad_input(
            "give exactly one of exactIn and exactOut",
        )),
    }
}

fn direction(zero_for_one: bool) -> Direction {
    if zero_for_one {
        Direction::ZeroForOne
    } else {
        Direction::OneForZero
    }
}

async fn post_quote(
    State(node): State<Arc<Node>>,
    ApiJson(req): ApiJson<QuoteRequest>,
) -> Result<Response, ApiError> {
    let (exact_in, amount) = exact(req.exact_in, req.exact_out)?;
    let order = Order {
        direction: direction(req.zero_for_one),
        exact_in,
        amount,
        limit: U256::ZERO,
        deadline: u64::MAX,
        trader: Address::ZERO,
    };
    let (quote, fee) = node.quote(&order).await.map_err(|r| refusal(&r))?;
    let batch_id = node
        .report
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .batch_id;
    Ok(Json(QuoteResponse {
        batch_id,
        zero_for_one: req.zero_for_one,
        amount_in: quote.amount_in,
        amount_out: quote.amount_out,
        fee,
        price: mul_div(quote.amount_out, WAD, quote.amount_in, Rounding::Down)
            .unwrap_or(U256::ZERO),
    })
    .into_response())
}

async fn post_trade(
    State(node): State<Arc<Node>>,
    ApiJson(req): ApiJson<TradeRequest>,
) -> Result<Response, ApiError> {
    let (exact_in, amount) = exact(req.exact_in, req.exact_out)?;
    if req.trader == Address::ZERO {
        return Err(ApiError::bad_input("trader must not be the zero address"));
    }
    let order = Order {
        direction: direction(req.zero_for_one),
        exact_in,
        amount,
        limit: req.limit,
        deadline: req.deadline,
        trader: req.trader,
    };
    let trade = node.accept(&order).await.map_err(|r| refusal(&r))?;
    let fee = node.report.lock().unwrap_or_else(|e| e.into_inner()).fee;
    Ok((
        StatusCode::CREATED,
        Json(TradeResponse {
            status: "accepted",
            id: trade.id,
            batch_id: trade.batch,
            position: trade.seq,
            amount_in: trade.amount_in,
            amount_out: trade.amount_out,
            fee,
        }),
    )
        .into_response())
}

async fn get_trade(
    State(node): State<Arc<Node>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: u64 = id
        .parse()
        .map_err(|_| ApiError::bad_input("a trade id is a positive integer"))?;
    let market = node.config.market;
    let found = node
        .db
        .run(move |tx| store::trade(tx, market, id))
        .await
        .map_err(|_| ApiError::unavailable("store_unavailable", "the store is unavailable"))?;
    let (t, batch) = found.ok_or_else(|| ApiError::not_found(format!("no trade {id}")))?;
    Ok(Json(json!({
        "id": t.id,
        "batchId": t.batch,
        "position": t.seq,
        "trader": t.trader,
        "zeroForOne": t.direction == Direction::ZeroForOne,
        "exactIn": t.exact_in,
        "amountIn": t.amount_in.to_string(),
        "amountOut": t.amount_out.to_string(),
        "limit": t.limit.to_string(),
        "deadline": t.deadline,
        "status": match batch.status { Status::Open => "pending", Status::Sent => "settling", Status::Settled => "settled" },
        "tx": batch.sent.map(|s| s.hash.to_string()),
    }))
    .into_response())
}

async fn get_batch(State(node): State<Arc<Node>>) -> Response {
    Json(
        node.report
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone(),
    )
    .into_response()
}

async fn get_market(State(node): State<Arc<Node>>) -> Response {
    let s = node.snapshot();
    let (m, p) = (s.market, s.pool);
    Json(json!({
        "market": node.config.market,
        "block": s.block,
        "operator": m.operator,
        "kind": m.kind,
        "status": m.status,
        "paramA": m.param_a.to_string(),
        "paramB": m.param_b.to_string(),
        "weight": m.weight.to_string(),
        "feeScale": node.config.fee_scale.unwrap_or(m.fee_scale).to_string(),
        "settledBatch": m.batch_id,
        "settledAt": m.settled_at,
        "committed": { "x": m.x.to_string(), "y": m.y.to_string() },
        "pool": {
            "balance0": p.pool.balance0.to_string(),
            "balance1": p.pool.balance1.to_string(),
            "reserved0": p.pool.reserved0.to_string(),
            "reserved1": p.pool.reserved1.to_string(),
            "totalSupply": p.pool.total_supply.to_string(),
            "hfMin": p.hf_min.to_string(),
            "buffer": p.buffer.to_string(),
            "l1Fee": p.fee.to_string(),
            "paused": p.paused,
        },
    }))
    .into_response()
}

async fn healthz(State(node): State<Arc<Node>>) -> Response {
    let age = now_ms() - node.snapshot().at_ms;
    let fresh = age <= i64::try_from(node.config.max_chain_staleness_ms).unwrap_or(i64::MAX);
    let body = json!({ "status": if fresh { "ok" } else { "stale" }, "chainAgeMs": age });
    if fresh {
        Json(body).into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
    }
}

/// The router over `node`.
pub fn router(node: Arc<Node>) -> Router {
    let metrics = node.metrics.clone();
    with_limits_and_metrics(
        Router::new()
            .route("/v1/quote", post(post_quote))
            .route("/v1/trades", post(post_trade))
            .route("/v1/trades/{id}", get(get_trade))
            .route("/v1/batch", get(get_batch))
            .route("/v1/market", get(get_market))
            .route("/healthz", get(healthz)),
        metrics,
    )
    .with_state(node)
}

/// Reads the chain, retrying with backoff until it answers or we are told to stop.
async fn first_read(chain: &damm_chain::Chain, market: u64) -> Option<crate::engine::Snapshot> {
    let mut wait = Duration::from_millis(200);
    loop {
        match read_chain(chain, market).await {
            Ok(s) => return Some(s),
            Err(e) => tracing::warn!(error = %e, "the chain is not answering; retrying"),
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = shutdown_signal() => return None,
        }
        wait = (wait * 2).min(Duration::from_secs(10));
    }
}

/// Starts the node: checks the key is the market's operator, rebuilds the
/// open batch, and serves until Ctrl-C or SIGTERM (then lets a checkpoint
/// in flight finish). Prints `damm-operator listening on http://ADDR`.
///
/// # Errors
/// A sentence if the configuration, key, store or market cannot be used.
pub async fn serve(config: Config) -> Result<(), String> {
    let signer = crate::key::load(&config)?;
    let db = damm_service::db::open_with_schema(&config.database_url, store::SCHEMA)
        .await
        .map_err(|e| e.to_string())?;
    let chain = damm_chain::Chain::new(&config.rpc_url, config.damm).map_err(|e| e.to_string())?;
    let Some(snapshot) = first_read(&chain, config.market).await else {
        return Ok(());
    };
    if snapshot.market.operator != signer.address() {
        return Err(format!(
            "the key's address {} is not market {}'s operator {}",
            signer.address(),
            config.market,
            snapshot.market.operator
        ));
    }
    let curve = curve_of(&snapshot.market)?;
    let chain_id = chain.chain_id().await.map_err(|e| e.to_string())?;
    let tokens = chain.tokens().await.map_err(|e| e.to_string())?;
    let engine = recover(&db, config.market, curve, &snapshot, config.fee_scale).await?;
    let orchestrator = damm_orchestrator::client::Client::new(
        &config.orchestrator_url,
        signer.clone(),
        Duration::from_secs(5),
    )?;
    let metrics = Metrics::default();
    let report = engine.report();
    let node = Arc::new(Node {
        chain,
        chain_id,
        tokens,
        curve,
        signer,
        db,
        orchestrator,
        engine: tokio::sync::Mutex::new(engine),
        report: StdMutex::new(report),
        snapshot: StdMutex::new(snapshot),
        full: tokio::sync::Notify::new(),
        last_settled_ms: AtomicI64::new(now_ms()),
        trade_seconds: metrics.histogram(
            "damm_operator_trade_seconds",
            "Time to accept or refuse a trade (orchestrator and store included).",
            &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0],
        ),
        metrics,
        config,
    });
    let listener = tokio::net::TcpListener::bind(node.config.listen)
        .await
        .map_err(|e| format!("binding {}: {e}", node.config.listen))?;
    let address: SocketAddr = listener.local_addr().map_err(|e| e.to_string())?;
    let poller = tokio::spawn(poll(Arc::clone(&node)));
    let settler = tokio::spawn(run(Arc::clone(&node)));
    println!("damm-operator listening on http://{address}");
    tracing::info!(
        %address,
        market = node.config.market,
        operator = %node.signer.address(),
        database = %damm_service::db::redact(&node.config.database_url),
        "listening"
    );
    let served = axum::serve(without_nagle(listener), router(Arc::clone(&node)))
        .with_graceful_shutdown(shutdown_signal())
        .await;
    // A settlement holds the engine until its checkpoint is mined; let it.
    let _ = tokio::time::timeout(Duration::from_secs(30), node.engine.lock()).await;
    settler.abort();
    poller.abort();
    tracing::info!("stopped");
    served.map_err(|e| e.to_string())
}
