//! The orchestrator's HTTP API.
//!
//! - `PUT /v1/markets/{id}/pending`: a signed [`PendingRequest`]; 200
//!   [`crate::wire::Reserved`], or 409 with the refusal's code (`buffer`,
//!   `health_floor`, `insufficient_liquidity`, `market_not_active`,
//!   `stale_request`, `batch_settled`), 401 `unauthorized`, 400 `bad_input`,
//!   503 `chain_unavailable` / `store_unavailable`.
//! - `GET /v1/pool`: [`crate::wire::PoolReport`].
//! - `POST /v1/sync`: read the chain now (after a settlement).
//! - `GET /healthz`, `GET /metrics`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use alloy_primitives::{Address, PrimitiveSignature};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use damm_chain::Chain;
use damm_service::db::Db;
use damm_service::http::{shutdown_signal, with_limits_and_metrics, without_nagle, ApiError};
use damm_service::telemetry::{Metric, Metrics};
use serde_json::json;

use crate::config::Config;
use crate::store::{self, refusal_code, Decline};
use crate::sync::{now_ms, sync_once};
use crate::wire::{PendingRequest, SIGNATURE_HEADER};

/// What every handler shares.
#[derive(Clone)]
pub struct App {
    db: Arc<Db>,
    chain: Chain,
    max_staleness_ms: i64,
    metrics: Metrics,
    latency: Metric,
    syncs_failed: Metric,
    synced_block: Metric,
}

impl App {
    fn outcome(&self, code: &str) {
        self.metrics
            .counter_with(
                "damm_orchestrator_reservations_total",
                "Reservation requests by outcome.",
                "outcome",
                code,
            )
            .inc();
    }

    async fn sync(&self) -> Result<u64, crate::sync::SyncError> {
        let result = sync_once(&self.chain, &self.db).await;
        match &result {
            Ok(block) => self.synced_block.set(*block),
            Err(e) => {
                self.syncs_failed.inc();
                tracing::warn!(error = %e, "sync failed");
            }
        }
        result
    }
}

/// The error for a [`Decline`].
fn declined(decline: Decline) -> ApiError {
    let conflict = |code, message: String| ApiError::new(StatusCode::CONFLICT, code, message);
    match decline {
        Decline::Refused(r) => conflict(
            refusal_code(&r),
            format!("refused by the pool's limits: {r:?}"),
        ),
        Decline::MarketNotActive => conflict(
            "market_not_active",
            "the market is unknown, paused or retired".into(),
        ),
        Decline::Unauthorized(operator) => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            format!("not signed by the market's operator {operator}"),
        ),
        Decline::StaleRequest => conflict(
            "stale_request",
            "a later request for this market was already taken".into(),
        ),
        Decline::BatchSettled => conflict(
            "batch_settled",
            "that batch already settled on chain".into(),
        ),
        Decline::BehindChain => conflict(
            "behind_chain",
            "the previous batch has not settled as far as the chain shows".into(),
        ),
        Decline::NotSynced => ApiError::unavailable(
            "chain_unavailable",
            "the pool has not been read from the chain yet",
        ),
        Decline::Store(e) => {
            tracing::error!(error = %e, "store failed");
            ApiError::unavailable(
                "store_unavailable",
                "the orchestrator's store is unavailable",
            )
        }
    }
}

fn signer_of(headers: &HeaderMap, body: &[u8]) -> Result<Address, ApiError> {
    let unauthorized = |m: &str| ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", m);
    let header = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| unauthorized("missing x-damm-signature"))?;
    let signature: PrimitiveSignature = header
        .parse()
        .map_err(|_| unauthorized("x-damm-signature is not a 65-byte hex signature"))?;
    signature
        .recover_address_from_msg(body)
        .map_err(|_| unauthorized("x-damm-signature does not recover"))
}

async fn put_pending(
    State(app): State<App>,
    Path(market): Path<u64>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let result = reserve(&app, market, &headers, &body).await;
    app.latency.observe(started.elapsed().as_secs_f64());
    match result {
        Ok(reserved) => {
            app.outcome("accepted");
            Ok(Json(reserved).into_response())
        }
        Err(e) => {
            app.outcome(e.code);
            Err(e)
        }
    }
}

async fn reserve(
    app: &App,
    market: u64,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<crate::wire::Reserved, ApiError> {
    let signer = signer_of(headers, body)?;
    let request: PendingRequest =
        serde_json::from_slice(body).map_err(|e| ApiError::bad_input(format!("body: {e}")))?;
    let fresh = app
        .db
        .run(store::synced_at)
        .await
        .map_err(|e| declined(Decline::Store(e)))?;
    match fresh {
        Some((_, at)) if now_ms() - at <= app.max_staleness_ms => {}
        _ => {
            return Err(ApiError::unavailable(
                "chain_unavailable",
                "the pool's state on chain is not known to be current",
            ))
        }
    }
    let mut synced = false;
    loop {
        let now = now_ms();
        let outcome = app
            .db
            .run(move |tx| Ok(store::reserve(tx, market, signer, &request, now)))
            .await
            .map_err(|e| declined(Decline::Store(e)))?;
        match outcome {
            // The operator saw its batch settle before our last sync did.
            Err(Decline::BehindChain) if !synced => {
                synced = true;
                app.sync().await.map_err(|_| {
                    ApiError::unavailable(
                        "chain_unavailable",
                        "cannot read the chain to confirm the settlement",
                    )
                })?;
            }
            Err(decline) => return Err(declined(decline)),
            Ok(reserved) => return Ok(reserved),
        }
    }
}

async fn get_pool(State(app): State<App>) -> Result<Response, ApiError> {
    match app.db.run(store::report).await {
        Ok(Some(report)) => Ok(Json(report).into_response()),
        Ok(None) => Err(declined(Decline::NotSynced)),
        Err(e) => Err(declined(Decline::Store(e))),
    }
}

async fn post_sync(State(app): State<App>) -> Result<Response, ApiError> {
    match app.sync().await {
        Ok(block) => Ok(Json(json!({ "block": block })).into_response()),
        Err(e) => Err(ApiError::unavailable("chain_unavailable", e.to_string())),
    }
}

async fn healthz(State(app): State<App>) -> Response {
    match app.db.run(store::synced_at).await {
        Ok(Some((block, at))) if now_ms() - at <= app.max_staleness_ms => {
            Json(json!({ "status": "ok", "block": block, "syncAgeMs": now_ms() - at }))
                .into_response()
        }
        Ok(state) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "stale", "lastSync": state.map(|(b, _)| b) })),
        )
            .into_response(),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "store_unavailable" })),
        )
            .into_response(),
    }
}

/// The router over `app`.
pub fn router(app: App) -> Router {
    let metrics = app.metrics.clone();
    with_limits_and_metrics(
        Router::new()
            .route("/v1/markets/{id}/pending", put(put_pending))
            .route("/v1/pool", get(get_pool))
            .route("/v1/sync", post(post_sync))
            .route("/healthz", get(healthz)),
        metrics,
    )
    .with_state(app)
}

/// Opens the store, starts following the chain and serves until Ctrl-C or
/// SIGTERM. Prints `damm-orchestrator listening on http://ADDR` once bound.
///
/// # Errors
/// A sentence if the store, the chain URL or the address cannot be used.
pub async fn serve(config: Config) -> Result<(), String> {
    let db = damm_service::db::open_with_schema(&config.database_url, store::SCHEMA)
        .await
        .map_err(|e| e.to_string())?;
    let chain = Chain::new(&config.rpc_url, config.damm).map_err(|e| e.to_string())?;
    let metrics = Metrics::default();
    let app = App {
        db,
        chain,
        max_staleness_ms: i64::try_from(config.max_staleness_ms).unwrap_or(i64::MAX),
        latency: metrics.histogram(
            "damm_orchestrator_reserve_seconds",
            "Time to judge and record a reservation.",
            &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0],
        ),
        syncs_failed: metrics.counter(
            "damm_orchestrator_sync_failures_total",
            "Chain syncs that failed.",
        ),
        synced_block: metrics.gauge(
            "damm_orchestrator_synced_block",
            "The block of the last sync.",
        ),
        metrics,
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("binding {}: {e}", config.listen))?;
    let address: SocketAddr = listener.local_addr().map_err(|e| e.to_string())?;
    // Serve only once the pool has been read: a reservation needs it.
    let mut wait = Duration::from_millis(200);
    while app.sync().await.is_err() {
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = shutdown_signal() => return Ok(()),
        }
        wait = (wait * 2).min(Duration::from_secs(10));
    }
    let follower = tokio::spawn(follow(
        app.clone(),
        Duration::from_millis(config.sync_interval_ms.max(50)),
    ));
    println!("damm-orchestrator listening on http://{address}");
    tracing::info!(%address, database = %damm_service::db::redact(&config.database_url), "listening");
    let served = axum::serve(without_nagle(listener), router(app))
        .with_graceful_shutdown(shutdown_signal())
        .await;
    follower.abort();
    tracing::info!("stopped");
    served.map_err(|e| e.to_string())
}

/// Syncs every `interval`, backing off to 10 s while the chain is down.
async fn follow(app: App, interval: Duration) {
    let mut wait = interval;
    loop {
        wait = match app.sync().await {
            Ok(_) => interval,
            Err(_) => (wait * 2).min(Duration::from_secs(10)),
        };
        tokio::time::sleep(wait).await;
    }
}
