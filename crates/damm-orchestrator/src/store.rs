//! The orchestrator's tables and its two writers: a chain sync and a
//! reservation. Both start by locking the pool's row, so they run one at a
//! time across every process sharing the store.

use alloy_primitives::{Address, U256};
use damm_chain::amount;
use damm_math::orchestrator::{Orchestrator, Refusal};
use damm_math::{MathError, NetOrder};
use damm_service::db::{DbError, Row, Tx, Value};

use crate::wire::{MarketEntry, Net, PendingRequest, PoolReport, Reserved};

/// The tables (idempotent).
pub const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS orch_pool (id BIGINT PRIMARY KEY, block BIGINT NOT NULL, \
     free0 TEXT NOT NULL, free1 TEXT NOT NULL, total_supply TEXT NOT NULL, hf_min TEXT NOT NULL, \
     buffer TEXT NOT NULL, synced_at_ms BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS orch_markets (market BIGINT PRIMARY KEY, operator TEXT NOT NULL, \
     status BIGINT NOT NULL, settled_batch BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS orch_pending (market BIGINT PRIMARY KEY, batch BIGINT NOT NULL, \
     seq BIGINT NOT NULL, amount0_in TEXT NOT NULL, amount1_in TEXT NOT NULL, \
     amount0_out TEXT NOT NULL, amount1_out TEXT NOT NULL, updated_at_ms BIGINT NOT NULL)",
];

/// The pool as last synced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolRow {
    /// Block read.
    pub block: u64,
    /// Free token0.
    pub free0: U256,
    /// Free token1.
    pub free1: U256,
    /// LP shares.
    pub total_supply: U256,
    /// Health floor (WAD).
    pub hf_min: U256,
    /// Buffer (WAD).
    pub buffer: U256,
    /// When it was read (ms since the epoch).
    pub synced_at_ms: i64,
}

/// A market as last synced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketRow {
    /// Id.
    pub id: u64,
    /// Operator.
    pub operator: Address,
    /// Status.
    pub status: u8,
    /// Last settled batch.
    pub settled_batch: u64,
}

/// Why a reservation was not made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decline {
    /// A policy refusal from the math (`buffer`, `health_floor`, ...).
    Refused(Refusal),
    /// The market is unknown, paused or retired.
    MarketNotActive,
    /// The request was not signed by the market's operator (this one).
    Unauthorized(Address),
    /// The request is older than the reservation held.
    StaleRequest,
    /// The batch already settled on chain.
    BatchSettled,
    /// The store has not seen the batch before this one settle: sync first.
    BehindChain,
    /// No pool state yet.
    NotSynced,
    /// The store failed.
    Store(DbError),
}

impl From<DbError> for Decline {
    fn from(e: DbError) -> Self {
        Self::Store(e)
    }
}

fn u(v: u64) -> Value {
    Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
}

fn text(v: U256) -> Value {
    Value::Text(v.to_string())
}

fn parse_u256(row: &Row, i: usize) -> Result<U256, DbError> {
    amount::parse(&row.text(i)?).map_err(DbError)
}

fn parse_u64(row: &Row, i: usize) -> Result<u64, DbError> {
    u64::try_from(row.int(i)?).map_err(|_| DbError(format!("column {i} is negative")))
}

/// Locks and reads the pool row (`None` before the first sync).
fn lock_pool(tx: &mut Tx<'_>) -> Result<Option<PoolRow>, DbError> {
    let sql = format!(
        "SELECT block, free0, free1, total_supply, hf_min, buffer, synced_at_ms FROM orch_pool WHERE id = 1{}",
        tx.for_update()
    );
    let rows = tx.query(&sql, &[])?;
    rows.first()
        .map(|r| {
            Ok(PoolRow {
                block: parse_u64(r, 0)?,
                free0: parse_u256(r, 1)?,
                free1: parse_u256(r, 2)?,
                total_supply: parse_u256(r, 3)?,
                hf_min: parse_u256(r, 4)?,
                buffer: parse_u256(r, 5)?,
                synced_at_ms: r.int(6)?,
            })
        })
        .transpose()
}

fn markets(tx: &mut Tx<'_>) -> Result<Vec<MarketRow>, DbError> {
    tx.query(
        "SELECT market, operator, status, settled_batch FROM orch_markets ORDER BY market",
        &[],
    )?
    .iter()
    .map(|r| {
        Ok(MarketRow {
            id: parse_u64(r, 0)?,
            operator: r
                .text(1)?
                .parse()
                .map_err(|_| DbError("orch_markets.operator is not an address".into()))?,
            status: u8::try_from(r.int(2)?).unwrap_or(0),
            settled_batch: parse_u64(r, 3)?,
        })
    })
    .collect()
}

fn pendings(tx: &mut Tx<'_>) -> Result<Vec<(u64, PendingRequest)>, DbError> {
    tx.query(
        "SELECT market, batch, seq, amount0_in, amount1_in, amount0_out, amount1_out FROM orch_pending ORDER BY market",
        &[],
    )?
    .iter()
    .map(|r| {
        Ok((
            parse_u64(r, 0)?,
            PendingRequest {
                batch_id: parse_u64(r, 1)?,
                seq: parse_u64(r, 2)?,
                net: Net {
                    amount0_in: parse_u256(r, 3)?,
                    amount1_in: parse_u256(r, 4)?,
                    amount0_out: parse_u256(r, 5)?,
                    amount1_out: parse_u256(r, 6)?,
                },
            },
        ))
    })
    .collect()
}

/// The math's view of the store: the pool and every active market's pending net.
fn view(pool: &PoolRow, markets: &[MarketRow], pending: &[(u64, PendingRequest)]) -> Orchestrator {
    let mut o = Orchestrator::new(
        pool.free0,
        pool.free1,
        pool.total_supply,
        pool.hf_min,
        pool.buffer,
    );
    for m in markets.iter().filter(|m| m.status == 1) {
        o.register(m.id);
    }
    for (id, p) in pending {
        o.restore(*id, p.net.into());
    }
    o
}

/// Writes a sync read at one block: the pool, every market, and drops the
/// reservations of batches that settled by then. A sync older than the
/// stored one changes nothing. Returns whether it was applied.
///
/// # Errors
/// [`DbError`] from the store.
pub fn apply_sync(tx: &mut Tx<'_>, pool: &PoolRow, read: &[MarketRow]) -> Result<bool, DbError> {
    if lock_pool(tx)?.is_some_and(|held| held.block > pool.block) {
        return Ok(false);
    }
    tx.execute(
        "INSERT INTO orch_pool (id, block, free0, free1, total_supply, hf_min, buffer, synced_at_ms) \
         VALUES (1, $1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET block = excluded.block, \
         free0 = excluded.free0, free1 = excluded.free1, total_supply = excluded.total_supply, \
         hf_min = excluded.hf_min, buffer = excluded.buffer, synced_at_ms = excluded.synced_at_ms",
        &[
            u(pool.block),
            text(pool.free0),
            text(pool.free1),
            text(pool.total_supply),
            text(pool.hf_min),
            text(pool.buffer),
            Value::Int(pool.synced_at_ms),
        ],
    )?;
    for m in read {
        tx.execute(
            "INSERT INTO orch_markets (market, operator, status, settled_batch) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (market) DO UPDATE SET operator = excluded.operator, status = excluded.status, \
             settled_batch = excluded.settled_batch",
            &[u(m.id), Value::Text(m.operator.to_string()), u(m.status.into()), u(m.settled_batch)],
        )?;
        tx.execute(
            "DELETE FROM orch_pending WHERE market = $1 AND batch <= $2",
            &[u(m.id), u(m.settled_batch)],
        )?;
    }
    Ok(true)
}

/// Judges and, if allowed, records `market`'s new pending net from
/// `signer` (already recovered from the request's signature).
///
/// # Errors
/// [`Decline`] saying why not.
pub fn reserve(
    tx: &mut Tx<'_>,
    market: u64,
    signer: Address,
    request: &PendingRequest,
    now_ms: i64,
) -> Result<Reserved, Decline> {
    let pool = lock_pool(tx)?.ok_or(Decline::NotSynced)?;
    let all = markets(tx)?;
    let m = all
        .iter()
        .find(|m| m.id == market && m.status == 1)
        .ok_or(Decline::MarketNotActive)?;
    if m.operator != signer {
        return Err(Decline::Unauthorized(m.operator));
    }
    if request.batch_id <= m.settled_batch {
        return Err(Decline::BatchSettled);
    }
    if request.batch_id > m.settled_batch + 1 {
        return Err(Decline::BehindChain);
    }
    let pending = pendings(tx)?;
    if let Some((_, held)) = pending.iter().find(|(id, _)| *id == market) {
        if (held.batch_id, held.seq) > (request.batch_id, request.seq) {
            return Err(Decline::StaleRequest);
        }
    }
    let mut o = view(&pool, &all, &pending);
    let net: NetOrder = request.net.into();
    o.accept(market, net).map_err(Decline::Refused)?;
    let real_time_health = o
        .real_time_health()
        .map_err(|e| Decline::Refused(Refusal::Math(e)))?;
    let n = request.net;
    tx.execute(
        "INSERT INTO orch_pending (market, batch, seq, amount0_in, amount1_in, amount0_out, amount1_out, updated_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (market) DO UPDATE SET batch = excluded.batch, \
         seq = excluded.seq, amount0_in = excluded.amount0_in, amount1_in = excluded.amount1_in, \
         amount0_out = excluded.amount0_out, amount1_out = excluded.amount1_out, updated_at_ms = excluded.updated_at_ms",
        &[
            u(market),
            u(request.batch_id),
            u(request.seq),
            text(n.amount0_in),
            text(n.amount1_in),
            text(n.amount0_out),
            text(n.amount1_out),
            Value::Int(now_ms),
        ],
    )?;
    Ok(Reserved {
        block: pool.block,
        real_time_health,
    })
}

/// The market `id`'s operator and status, if synced.
///
/// # Errors
/// [`DbError`] from the store.
pub fn market(tx: &mut Tx<'_>, id: u64) -> Result<Option<MarketRow>, DbError> {
    Ok(markets(tx)?.into_iter().find(|m| m.id == id))
}

/// Everything, for `GET /v1/pool` (`None` before the first sync).
///
/// # Errors
/// [`DbError`] from the store.
pub fn report(tx: &mut Tx<'_>) -> Result<Option<PoolReport>, DbError> {
    let Some(pool) = lock_pool(tx)? else {
        return Ok(None);
    };
    let all = markets(tx)?;
    let pending = pendings(tx)?;
    let real_time_health = view(&pool, &all, &pending)
        .real_time_health()
        .unwrap_or(U256::ZERO);
    Ok(Some(PoolReport {
        block: pool.block,
        free0: pool.free0,
        free1: pool.free1,
        total_supply: pool.total_supply,
        hf_min: pool.hf_min,
        buffer: pool.buffer,
        real_time_health,
        markets: all
            .iter()
            .map(|m| MarketEntry {
                id: m.id,
                operator: m.operator,
                status: m.status,
                settled_batch: m.settled_batch,
                pending: pending.iter().find(|(id, _)| *id == m.id).map(|(_, p)| *p),
            })
            .collect(),
    }))
}

/// The pool row's age check: when it was last synced (`None` before the first).
///
/// # Errors
/// [`DbError`] from the store.
pub fn synced_at(tx: &mut Tx<'_>) -> Result<Option<(u64, i64)>, DbError> {
    tx.query(
        "SELECT block, synced_at_ms FROM orch_pool WHERE id = 1",
        &[],
    )?
    .first()
    .map(|r| Ok((parse_u64(r, 0)?, r.int(1)?)))
    .transpose()
}

/// A name for a refusal, as the API reports it.
#[must_use]
pub fn refusal_code(refusal: &Refusal) -> &'static str {
    match refusal {
        Refusal::BufferBreached => "buffer",
        Refusal::HealthTooLow => "health_floor",
        Refusal::UnknownMarket => "unknown_market",
        Refusal::Math(MathError::Underflow) => "insufficient_liquidity",
        Refusal::Math(_) => "math",
    }
}
