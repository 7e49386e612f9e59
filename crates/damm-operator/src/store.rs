//! The operator's tables: its batches and the trades accepted into them.
//!
//! A batch row moves `open` → `sent` (the checkpoint's signed bytes are
//! stored before they are broadcast) → `settled` (with the next committed
//! state, in the same transaction that opens the next batch). A `sent`
//! batch whose transaction failed goes back to `open`, its trades kept.

use alloy_primitives::{Address, B256, U256};
use damm_chain::amount;
use damm_math::{Direction, VirtualState};
use damm_service::db::{DbError, Row, Tx, Value};

/// The tables (idempotent).
pub const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS op_batches (market BIGINT NOT NULL, batch BIGINT NOT NULL, \
     status TEXT NOT NULL, start_x TEXT NOT NULL, start_y TEXT NOT NULL, fee TEXT NOT NULL, \
     commitment TEXT, tx_hash TEXT, raw_tx TEXT, nonce BIGINT NOT NULL, last_error TEXT, \
     opened_at_ms BIGINT NOT NULL, settled_at_ms BIGINT NOT NULL, PRIMARY KEY (market, batch))",
    "CREATE TABLE IF NOT EXISTS op_trades (market BIGINT NOT NULL, id BIGINT NOT NULL, \
     batch BIGINT NOT NULL, seq BIGINT NOT NULL, trader TEXT NOT NULL, zero_for_one BIGINT NOT NULL, \
     exact_in BIGINT NOT NULL, amount_in TEXT NOT NULL, amount_out TEXT NOT NULL, \
     limit_amount TEXT NOT NULL, deadline BIGINT NOT NULL, created_at_ms BIGINT NOT NULL, \
     PRIMARY KEY (market, id))",
    "CREATE INDEX IF NOT EXISTS op_trades_batch ON op_trades (market, batch, seq)",
];

/// A batch's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Taking trades.
    Open,
    /// Its checkpoint was signed and stored, maybe broadcast.
    Sent,
    /// Settled on chain.
    Settled,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Sent => "sent",
            Self::Settled => "settled",
        }
    }

    fn parse(text: &str) -> Result<Self, DbError> {
        match text {
            "open" => Ok(Self::Open),
            "sent" => Ok(Self::Sent),
            "settled" => Ok(Self::Settled),
            other => Err(DbError(format!("unknown batch status {other:?}"))),
        }
    }
}

/// A batch row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    /// The id it settles as.
    pub batch: u64,
    /// Where it is.
    pub status: Status,
    /// `V⁰`, the committed state it opened on.
    pub start: VirtualState,
    /// The L2 fee its trades pay (WAD).
    pub fee: U256,
    /// The sent checkpoint: `(hash, raw bytes, nonce, commitment)`.
    pub sent: Option<SentTx>,
    /// Why its last settlement failed.
    pub last_error: Option<String>,
}

/// A checkpoint transaction as stored before broadcast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentTx {
    /// Its hash.
    pub hash: B256,
    /// Its signed bytes.
    pub raw: Vec<u8>,
    /// Its nonce.
    pub nonce: u64,
    /// The batch commitment it carries.
    pub commitment: B256,
}

/// An accepted trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TradeRow {
    /// Its id (per market, from 1).
    pub id: u64,
    /// Its batch.
    pub batch: u64,
    /// Its place in the batch (from 1).
    pub seq: u64,
    /// Who traded (on the L2).
    pub trader: Address,
    /// Which way.
    pub direction: Direction,
    /// Exact input (else exact output).
    pub exact_in: bool,
    /// Paid in.
    pub amount_in: U256,
    /// Paid out.
    pub amount_out: U256,
    /// The trader's limit: min out (exact in) or max in (exact out).
    pub limit: U256,
    /// The trader's deadline (unix seconds).
    pub deadline: u64,
    /// When it was accepted (ms since the epoch).
    pub created_at_ms: i64,
}

fn i(v: u64) -> Value {
    Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
}

fn t(v: U256) -> Value {
    Value::Text(v.to_string())
}

fn u64_of(row: &Row, at: usize) -> Result<u64, DbError> {
    u64::try_from(row.int(at)?).map_err(|_| DbError(format!("column {at} is negative")))
}

fn u256_of(row: &Row, at: usize) -> Result<U256, DbError> {
    amount::parse(&row.text(at)?).map_err(DbError)
}

fn b256_of(text: &str) -> Result<B256, DbError> {
    text.parse()
        .map_err(|_| DbError(format!("{text:?} is not 32 bytes of hex")))
}

const BATCH_COLUMNS: &str =
    "batch, status, start_x, start_y, fee, commitment, tx_hash, raw_tx, nonce, last_error";

fn batch_of(row: &Row) -> Result<BatchRow, DbError> {
    let sent = match (row.opt_text(5)?, row.opt_text(6)?, row.opt_text(7)?) {
        (Some(commitment), Some(hash), Some(raw)) => Some(SentTx {
            hash: b256_of(&hash)?,
            raw: alloy_primitives::hex::decode(&raw)
                .map_err(|e| DbError(format!("raw_tx: {e}")))?,
            nonce: u64_of(row, 8)?,
            commitment: b256_of(&commitment)?,
        }),
        _ => None,
    };
    Ok(BatchRow {
        batch: u64_of(row, 0)?,
        status: Status::parse(&row.text(1)?)?,
        start: VirtualState::new(u256_of(row, 2)?, u256_of(row, 3)?),
        fee: u256_of(row, 4)?,
        sent,
        last_error: row.opt_text(9)?,
    })
}

/// The market's latest batch.
///
/// # Errors
/// [`DbError`] from the store.
pub fn latest_batch(tx: &mut Tx<'_>, market: u64) -> Result<Option<BatchRow>, DbError> {
    let sql = format!(
        "SELECT {BATCH_COLUMNS} FROM op_batches WHERE market = $1 ORDER BY batch DESC LIMIT 1"
    );
    tx.query(&sql, &[i(market)])?
        .first()
        .map(batch_of)
        .transpose()
}

/// A batch by id.
///
/// # Errors
/// [`DbError`] from the store.
pub fn batch(tx: &mut Tx<'_>, market: u64, batch: u64) -> Result<Option<BatchRow>, DbError> {
    let sql = format!("SELECT {BATCH_COLUMNS} FROM op_batches WHERE market = $1 AND batch = $2");
    tx.query(&sql, &[i(market), i(batch)])?
        .first()
        .map(batch_of)
        .transpose()
}

/// Opens batch `batch` on `start`.
///
/// # Errors
/// [`DbError`] from the store (a duplicate id among them).
pub fn open_batch(
    tx: &mut Tx<'_>,
    market: u64,
    batch: u64,
    start: VirtualState,
    fee: U256,
    now_ms: i64,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO op_batches (market, batch, status, start_x, start_y, fee, nonce, opened_at_ms, settled_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, -1, $7, 0)",
        &[i(market), i(batch), Status::Open.as_str().into(), t(start.x), t(start.y), t(fee), Value::Int(now_ms)],
    )?;
    Ok(())
}

/// Records the signed checkpoint of an open batch, before it is broadcast.
///
/// # Errors
/// [`DbError`] if the batch is not open, or from the store.
pub fn mark_sent(tx: &mut Tx<'_>, market: u64, batch: u64, sent: &SentTx) -> Result<(), DbError> {
    let n = tx.execute(
        "UPDATE op_batches SET status = 'sent', commitment = $3, tx_hash = $4, raw_tx = $5, nonce = $6 \
         WHERE market = $1 AND batch = $2 AND status = 'open'",
        &[
            i(market),
            i(batch),
            sent.commitment.to_string().into(),
            sent.hash.to_string().into(),
            alloy_primitives::hex::encode(&sent.raw).into(),
            i(sent.nonce),
        ],
    )?;
    if n == 1 {
        Ok(())
    } else {
        Err(DbError(format!("batch {batch} is not open")))
    }
}

/// A sent batch failed: back to open, with why.
///
/// # Errors
/// [`DbError`] from the store.
pub fn reopen(tx: &mut Tx<'_>, market: u64, batch: u64, error: &str) -> Result<(), DbError> {
    tx.execute(
        "UPDATE op_batches SET status = 'open', commitment = NULL, tx_hash = NULL, raw_tx = NULL, nonce = -1, \
         last_error = $3 WHERE market = $1 AND batch = $2 AND status <> 'settled'",
        &[i(market), i(batch), error.into()],
    )?;
    Ok(())
}

/// Notes why an open batch could not be sent.
///
/// # Errors
/// [`DbError`] from the store.
pub fn note_error(tx: &mut Tx<'_>, market: u64, batch: u64, error: &str) -> Result<(), DbError> {
    tx.execute(
        "UPDATE op_batches SET last_error = $3 WHERE market = $1 AND batch = $2",
        &[i(market), i(batch), error.into()],
    )?;
    Ok(())
}

/// Marks `batch` settled and opens the next on `next`, at once.
///
/// # Errors
/// [`DbError`] from the store.
pub fn settle(
    tx: &mut Tx<'_>,
    market: u64,
    batch: u64,
    next: VirtualState,
    fee: U256,
    now_ms: i64,
) -> Result<(), DbError> {
    tx.execute(
        "UPDATE op_batches SET status = 'settled', last_error = NULL, settled_at_ms = $3 \
         WHERE market = $1 AND batch = $2",
        &[i(market), i(batch), Value::Int(now_ms)],
    )?;
    open_batch(tx, market, batch + 1, next, fee, now_ms)
}

/// Inserts an accepted trade.
///
/// # Errors
/// [`DbError`] from the store (a duplicate id among them).
pub fn insert_trade(tx: &mut Tx<'_>, market: u64, trade: &TradeRow) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO op_trades (market, id, batch, seq, trader, zero_for_one, exact_in, amount_in, amount_out, \
         limit_amount, deadline, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        &[
            i(market),
            i(trade.id),
            i(trade.batch),
            i(trade.seq),
            trade.trader.to_string().into(),
            Value::Int((trade.direction == Direction::ZeroForOne).into()),
            Value::Int(trade.exact_in.into()),
            t(trade.amount_in),
            t(trade.amount_out),
            t(trade.limit),
            i(trade.deadline),
            Value::Int(trade.created_at_ms),
        ],
    )?;
    Ok(())
}

const TRADE_COLUMNS: &str =
    "id, batch, seq, trader, zero_for_one, exact_in, amount_in, amount_out, limit_amount, deadline, created_at_ms";

fn trade_of(row: &Row) -> Result<TradeRow, DbError> {
    Ok(TradeRow {
        id: u64_of(row, 0)?,
        batch: u64_of(row, 1)?,
        seq: u64_of(row, 2)?,
        trader: row
            .text(3)?
            .parse()
            .map_err(|_| DbError("op_trades.trader is not an address".into()))?,
        direction: if row.int(4)? == 1 {
            Direction::ZeroForOne
        } else {
            Direction::OneForZero
        },
        exact_in: row.int(5)? == 1,
        amount_in: u256_of(row, 6)?,
        amount_out: u256_of(row, 7)?,
        limit: u256_of(row, 8)?,
        deadline: u64_of(row, 9)?,
        created_at_ms: row.int(10)?,
    })
}

/// A batch's trades in order.
///
/// # Errors
/// [`DbError`] from the store.
pub fn trades(tx: &mut Tx<'_>, market: u64, batch: u64) -> Result<Vec<TradeRow>, DbError> {
    let sql = format!(
        "SELECT {TRADE_COLUMNS} FROM op_trades WHERE market = $1 AND batch = $2 ORDER BY seq"
    );
    tx.query(&sql, &[i(market), i(batch)])?
        .iter()
        .map(trade_of)
        .collect()
}

/// A trade by id, with its batch.
///
/// # Errors
/// [`DbError`] from the store.
pub fn trade(
    tx: &mut Tx<'_>,
    market: u64,
    id: u64,
) -> Result<Option<(TradeRow, BatchRow)>, DbError> {
    let sql = format!("SELECT {TRADE_COLUMNS} FROM op_trades WHERE market = $1 AND id = $2");
    let Some(row) = tx
        .query(&sql, &[i(market), i(id)])?
        .first()
        .map(trade_of)
        .transpose()?
    else {
        return Ok(None);
    };
    let b = batch(tx, market, row.batch)?
        .ok_or_else(|| DbError(format!("trade {id}'s batch is missing")))?;
    Ok(Some((row, b)))
}

/// The highest trade id so far (0 for none).
///
/// # Errors
/// [`DbError`] from the store.
pub fn last_trade_id(tx: &mut Tx<'_>, market: u64) -> Result<u64, DbError> {
    let rows = tx.query(
        "SELECT COALESCE(MAX(id), 0) FROM op_trades WHERE market = $1",
        &[i(market)],
    )?;
    rows.first().map_or(Ok(0), |r| u64_of(r, 0))
}
