//! What operators and the orchestrator say to each other (JSON over HTTP).

use alloy_primitives::{Address, U256};
use damm_math::NetOrder;
use serde::{Deserialize, Serialize};

/// The header carrying the operator's EIP-191 signature of the body.
pub const SIGNATURE_HEADER: &str = "x-damm-signature";

/// A net order in JSON: what the pool would receive (`*In`) and pay (`*Out`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Net {
    /// Token0 the pool would receive.
    #[serde(with = "damm_chain::amount")]
    pub amount0_in: U256,
    /// Token1 the pool would receive.
    #[serde(with = "damm_chain::amount")]
    pub amount1_in: U256,
    /// Token0 the pool would pay.
    #[serde(with = "damm_chain::amount")]
    pub amount0_out: U256,
    /// Token1 the pool would pay.
    #[serde(with = "damm_chain::amount")]
    pub amount1_out: U256,
}

impl From<NetOrder> for Net {
    fn from(n: NetOrder) -> Self {
        Self {
            amount0_in: n.amount0_in,
            amount1_in: n.amount1_in,
            amount0_out: n.amount0_out,
            amount1_out: n.amount1_out,
        }
    }
}

impl From<Net> for NetOrder {
    fn from(n: Net) -> Self {
        Self {
            amount0_in: n.amount0_in,
            amount1_in: n.amount1_in,
            amount0_out: n.amount0_out,
            amount1_out: n.amount1_out,
        }
    }
}

/// `PUT /v1/markets/{id}/pending`: the market's open batch would now net to
/// `net`. `seq` counts the batch's trades including the new one; requests
/// are taken in `(batchId, seq)` order, an equal one again (a retry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PendingRequest {
    /// The open batch's id (the one it will settle as).
    pub batch_id: u64,
    /// Trades in the batch with this one.
    pub seq: u64,
    /// The batch's net with this trade.
    pub net: Net,
}

/// The answer to an accepted [`PendingRequest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reserved {
    /// The block of the pool state the decision used.
    pub block: u64,
    /// HF with every pending net applied, this one included (WAD).
    #[serde(with = "damm_chain::amount")]
    pub real_time_health: U256,
}

/// A market as the orchestrator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketEntry {
    /// The market's id.
    pub id: u64,
    /// Its operator on chain.
    pub operator: Address,
    /// 1 active, 2 paused, 3 retired.
    pub status: u8,
    /// The last batch settled on chain.
    pub settled_batch: u64,
    /// The open batch's reservation, if any.
    pub pending: Option<PendingRequest>,
}

/// `GET /v1/pool`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolReport {
    /// The block the pool was read at.
    pub block: u64,
    /// Free token0 on chain.
    #[serde(with = "damm_chain::amount")]
    pub free0: U256,
    /// Free token1 on chain.
    #[serde(with = "damm_chain::amount")]
    pub free1: U256,
    /// LP shares.
    #[serde(with = "damm_chain::amount")]
    pub total_supply: U256,
    /// The health floor (WAD).
    #[serde(with = "damm_chain::amount")]
    pub hf_min: U256,
    /// The security buffer (WAD).
    #[serde(with = "damm_chain::amount")]
    pub buffer: U256,
    /// HF with every pending net applied (WAD).
    #[serde(with = "damm_chain::amount")]
    pub real_time_health: U256,
    /// Every market.
    pub markets: Vec<MarketEntry>,
}
