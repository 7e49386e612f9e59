//! Follows the chain: the pool and every market, read at one block, written
//! in one transaction ([`crate::store::apply_sync`]).

use std::sync::Arc;

use damm_chain::{Chain, ChainError};
use damm_service::db::Db;

use crate::store::{self, MarketRow, PoolRow};

/// Wall-clock milliseconds since the epoch.
#[must_use]
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Why a sync failed.
#[derive(Debug)]
pub enum SyncError {
    /// The chain did not answer.
    Chain(ChainError),
    /// The store failed.
    Store(damm_service::db::DbError),
}

impl std::fmt::Display for SyncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Chain(e) => write!(f, "chain: {e}"),
            Self::Store(e) => write!(f, "store: {e}"),
        }
    }
}

/// Reads the pool and every market at one block and writes them; returns the block.
///
/// # Errors
/// [`SyncError`] if the chain or the store failed (nothing is written then).
pub async fn sync_once(chain: &Chain, db: &Arc<Db>) -> Result<u64, SyncError> {
    let (block, (view, markets)) = chain
        .consistent(|| async {
            let view = chain.pool().await?;
            let mut markets = Vec::new();
            for id in 0..chain.market_count().await? {
                let m = chain.market(id).await?;
                markets.push(MarketRow {
                    id,
                    operator: m.operator,
                    status: m.status,
                    settled_batch: m.batch_id,
                });
            }
            Ok((view, markets))
        })
        .await
        .map_err(SyncError::Chain)?;
    let (free0, free1) = view
        .pool
        .free()
        .map_err(|e| SyncError::Chain(ChainError::Transport(format!("pool books: {e:?}"))))?;
    let pool = PoolRow {
        block,
        free0,
        free1,
        total_supply: view.pool.total_supply,
        hf_min: view.hf_min,
        buffer: view.buffer,
        synced_at_ms: now_ms(),
    };
    db.run(move |tx| store::apply_sync(tx, &pool, &markets))
        .await
        .map_err(SyncError::Store)?;
    Ok(block)
}
