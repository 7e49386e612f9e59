//! The chain's records in the shapes JSON-RPC clients expect: alloy's RPC
//! types, which serialize as geth does.

use alloy_consensus::{
    Eip658Value, Receipt, ReceiptEnvelope, ReceiptWithBloom, TxEnvelope, TxType,
};
use alloy_primitives::{Bloom, Log as PrimitiveLog, LogData, U256};
use alloy_rpc_types_eth::{
    Block as RpcBlock, BlockTransactions, Header as RpcHeader, Log as RpcLog, Transaction,
    TransactionReceipt,
};

use crate::chain::{Block, Chain, Mined, PlacedLog, BASE_FEE};

fn primitive_log(log: &stylus_runtime::log::Log) -> PrimitiveLog {
    PrimitiveLog {
        address: log.address,
        data: LogData::new_unchecked(log.topics.clone(), log.data.clone().into()),
    }
}

fn envelope_of<T>(tx_type: TxType, receipt: ReceiptWithBloom<Receipt<T>>) -> ReceiptEnvelope<T> {
    match tx_type {
        TxType::Legacy => ReceiptEnvelope::Legacy(receipt),
        TxType::Eip2930 => ReceiptEnvelope::Eip2930(receipt),
        _ => ReceiptEnvelope::Eip1559(receipt),
    }
}

fn bloom_of(logs: &[stylus_runtime::log::Log]) -> Bloom {
    let mut bloom = Bloom::default();
    for log in logs {
        bloom.accrue_raw_log(log.address, &log.topics);
    }
    bloom
}

/// The consensus receipt, for the block's receipts root.
#[must_use]
pub fn consensus_receipt(mined: &Mined) -> ReceiptEnvelope {
    let receipt = Receipt {
        status: Eip658Value::Eip658(mined.success),
        cumulative_gas_used: mined.cumulative_gas_used,
        logs: mined.logs.iter().map(primitive_log).collect(),
    };
    envelope_of(
        mined.envelope.tx_type(),
        ReceiptWithBloom {
            logs_bloom: bloom_of(&mined.logs),
            receipt,
        },
    )
}

/// A log as `eth_getLogs` and receipts return it.
#[must_use]
pub fn rpc_log(placed: &PlacedLog, timestamp: Option<u64>) -> RpcLog {
    RpcLog {
        inner: primitive_log(&placed.log),
        block_hash: Some(placed.block_hash),
        block_number: Some(placed.block),
        block_timestamp: timestamp,
        transaction_hash: Some(placed.tx),
        transaction_index: Some(placed.tx_index),
        log_index: Some(placed.log_index),
        removed: false,
    }
}

/// A mined transaction, as `eth_getTransactionByHash` returns it.
#[must_use]
pub fn rpc_transaction(chain: &Chain, mined: &Mined) -> Transaction {
    Transaction {
        inner: mined.envelope.clone(),
        block_hash: chain.block(mined.block).map(|b| b.hash),
        block_number: Some(mined.block),
        transaction_index: Some(mined.index),
        effective_gas_price: Some(BASE_FEE),
        from: mined.from,
    }
}

/// A transaction still waiting for its block.
#[must_use]
pub fn rpc_pending_transaction(
    envelope: &TxEnvelope,
    from: alloy_primitives::Address,
) -> Transaction {
    Transaction {
        inner: envelope.clone(),
        block_hash: None,
        block_number: None,
        transaction_index: None,
        effective_gas_price: None,
        from,
    }
}

/// A mined transaction's receipt.
#[must_use]
pub fn rpc_receipt(chain: &Chain, mined: &Mined) -> TransactionReceipt {
    use alloy_consensus::Transaction as _;
    let block = chain.block(mined.block);
    let block_hash = block.map(|b| b.hash).unwrap_or_default();
    let timestamp = block.map(|b| b.header.timestamp);
    let hash = *mined.envelope.tx_hash();
    let logs = mined
        .logs
        .iter()
        .enumerate()
        .map(|(i, log)| {
            rpc_log(
                &PlacedLog {
                    log: log.clone(),
                    block: mined.block,
                    block_hash,
                    tx: hash,
                    tx_index: mined.index,
                    log_index: mined.first_log_index + i as u64,
                },
                timestamp,
            )
        })
        .collect();
    let receipt = Receipt {
        status: Eip658Value::Eip658(mined.success),
        cumulative_gas_used: mined.cumulative_gas_used,
        logs,
    };
    TransactionReceipt {
        inner: envelope_of(
            mined.envelope.tx_type(),
            ReceiptWithBloom {
                logs_bloom: bloom_of(&mined.logs),
                receipt,
            },
        ),
        transaction_hash: hash,
        transaction_index: Some(mined.index),
        block_hash: Some(block_hash),
        block_number: Some(mined.block),
        gas_used: mined.gas_used,
        effective_gas_price: BASE_FEE,
        blob_gas_used: None,
        blob_gas_price: None,
        from: mined.from,
        to: mined.envelope.to(),
        contract_address: mined.contract_address,
    }
}

/// A block, with its transactions' hashes or, if `full`, the transactions.
#[must_use]
pub fn rpc_block(chain: &Chain, block: &Block, full: bool) -> RpcBlock {
    let transactions = if full {
        BlockTransactions::Full(
            block
                .txs
                .iter()
                .filter_map(|h| chain.transaction(*h))
                .map(|m| rpc_transaction(chain, m))
                .collect(),
        )
    } else {
        BlockTransactions::Hashes(block.txs.clone())
    };
    let size = alloy_rlp::Encodable::length(&block.header);
    RpcBlock {
        header: RpcHeader {
            hash: block.hash,
            inner: block.header.clone(),
            total_difficulty: Some(U256::from(block.header.number + 1)),
            size: Some(U256::from(size)),
        },
        uncles: Vec::new(),
        transactions,
        withdrawals: None,
    }
}
