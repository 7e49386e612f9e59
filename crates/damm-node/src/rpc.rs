//! Ethereum JSON-RPC over the chain: requests, batches, methods, and the
//! errors clients recognise.
//!
//! A revert is JSON-RPC error 3, `execution reverted`, with the revert bytes
//! in `data`, as geth answers, so viem and ethers decode the contract's
//! custom errors. Transactions the chain will not take get -32000 with
//! geth's messages (`nonce too low`, `insufficient funds ...`, `intrinsic
//! gas too low ...`), which clients match to their own error types.

use std::collections::HashMap;
use std::sync::Mutex;

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope, TxLegacy};
use alloy_primitives::{hex, Address, Bytes, TxKind, B256, U256, U64};
use alloy_rpc_types_eth::{BlockId, BlockNumberOrTag, Filter, TransactionRequest};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::chain::{decode_raw, CallRequest, Chain, ChainError, FilterChanges, BASE_FEE};
use crate::views;

/// The most requests in one batch.
pub const MAX_BATCH: usize = 1_000;

/// A JSON-RPC error object.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    /// The code: -32700 parse, -32600 request, -32601 method, -32602
    /// params, -32000 server, 3 revert.
    pub code: i64,
    /// What was wrong.
    pub message: String,
    /// Revert bytes, for code 3.
    pub data: Option<Value>,
}

impl RpcError {
    fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// Malformed JSON.
    #[must_use]
    pub fn parse(message: impl Into<String>) -> Self {
        Self::new(-32700, message)
    }

    /// Not a JSON-RPC request object.
    #[must_use]
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(-32600, message)
    }

    fn params(message: impl Into<String>) -> Self {
        Self::new(-32602, message)
    }
}

impl From<ChainError> for RpcError {
    fn from(error: ChainError) -> Self {
        match error {
            ChainError::InvalidParams(m) => Self::params(m),
            ChainError::Rejected(m) | ChainError::Failed(m) => Self::new(-32000, m),
            ChainError::Reverted(data) => Self {
                code: 3,
                message: "execution reverted".into(),
                data: Some(Value::String(format!("0x{}", hex::encode(&data)))),
            },
        }
    }
}

/// The node: the chain, and the dev accounts' keys for `eth_sendTransaction`.
pub struct Node {
    /// The chain, one request at a time.
    pub chain: Mutex<Chain>,
    signers: HashMap<Address, PrivateKeySigner>,
    accounts: Vec<Address>,
}

type Result<T> = std::result::Result<T, RpcError>;

/// The `index`th parameter, deserialized; `None` if absent or null.
fn optional<T: DeserializeOwned>(params: &[Value], index: usize) -> Result<Option<T>> {
    match params.get(index) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => serde_json::from_value(value.clone())
            .map(Some)
            .map_err(|e| RpcError::params(format!("invalid argument {index}: {e}"))),
    }
}

fn required<T: DeserializeOwned>(params: &[Value], index: usize) -> Result<T> {
    optional(params, index)?
        .ok_or_else(|| RpcError::params(format!("missing value for required argument {index}")))
}

fn quantity(value: impl Into<U256>) -> Value {
    Value::String(format!("{:#x}", value.into()))
}

fn to_value(value: impl serde::Serialize) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| RpcError::new(-32603, format!("internal: {e}")))
}

impl Node {
    /// A node over `chain`, able to sign for `signers`.
    #[must_use]
    pub fn new(chain: Chain, signers: &[PrivateKeySigner]) -> Self {
        Self {
            chain: Mutex::new(chain),
            accounts: signers.iter().map(PrivateKeySigner::address).collect(),
            signers: signers.iter().map(|s| (s.address(), s.clone())).collect(),
        }
    }

    fn chain(&self) -> std::sync::MutexGuard<'_, Chain> {
        // A panic while holding the lock cannot leave the chain half-changed:
        // every change is one journaled entry applied at once.
        self.chain
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Answers one JSON-RPC message (a request or a batch); `None` when
    /// every request was a notification.
    #[must_use]
    pub fn handle(&self, message: Value) -> Option<Value> {
        match message {
            Value::Array(requests) if requests.is_empty() => Some(error_response(
                Value::Null,
                &RpcError::invalid_request("empty batch"),
            )),
            Value::Array(requests) if requests.len() > MAX_BATCH => Some(error_response(
                Value::Null,
                &RpcError::invalid_request(format!("batch of more than {MAX_BATCH} requests")),
            )),
            Value::Array(requests) => {
                let answers: Vec<Value> = requests
                    .into_iter()
                    .filter_map(|r| self.handle_one(r))
                    .collect();
                (!answers.is_empty()).then_some(Value::Array(answers))
            }
            request => self.handle_one(request),
        }
    }

    fn handle_one(&self, request: Value) -> Option<Value> {
        let Value::Object(object) = request else {
            return Some(error_response(
                Value::Null,
                &RpcError::invalid_request("a request must be an object"),
            ));
        };
        let id = object.get("id").cloned();
        let respond_id = id.clone().unwrap_or(Value::Null);
        if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
            return Some(error_response(
                respond_id,
                &RpcError::invalid_request("jsonrpc must be \"2.0\""),
            ));
        }
        let Some(method) = object.get("method").and_then(Value::as_str) else {
            return Some(error_response(
                respond_id,
                &RpcError::invalid_request("method must be a string"),
            ));
        };
        let params = match object.get("params") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(params)) => params.clone(),
            Some(_) => {
                return Some(error_response(
                    respond_id,
                    &RpcError::params("params must be an array"),
                ))
            }
        };
        let result = self.dispatch(method, &params);
        // A notification (no id) gets no answer.
        id.as_ref()?;
        Some(match result {
            Ok(value) => json!({"jsonrpc": "2.0", "id": respond_id, "result": value}),
            Err(error) => error_response(respond_id, &error),
        })
    }

    /// Runs one method.
    ///
    /// # Errors
    /// [`RpcError`] for an unknown method, bad parameters, a revert or a
    /// refused transaction.
    pub fn dispatch(&self, method: &str, params: &[Value]) -> Result<Value> {
        match method {
            "web3_clientVersion" => Ok(json!(format!("damm-node/{}", env!("CARGO_PKG_VERSION")))),
            "net_version" => Ok(json!(self.chain().chain_id().to_string())),
            "net_listening" => Ok(json!(true)),
            "eth_chainId" => Ok(quantity(U256::from(self.chain().chain_id()))),
            "eth_syncing" => Ok(json!(false)),
            "eth_accounts" => to_value(&self.accounts),
            "eth_blockNumber" => Ok(quantity(U256::from(self.chain().head()))),
            "eth_gasPrice" => Ok(quantity(U256::from(BASE_FEE))),
            "eth_maxPriorityFeePerGas" => Ok(quantity(U256::ZERO)),
            "eth_feeHistory" => self.fee_history(params),
            "eth_getBlockByNumber" => {
                let tag: BlockNumberOrTag = required(params, 0)?;
                let full: bool = optional(params, 1)?.unwrap_or(false);
                let chain = self.chain();
                match self.number_of(&chain, tag)? {
                    Some(n) => match chain.block(n) {
                        Some(block) => to_value(views::rpc_block(&chain, block, full)),
                        None => Ok(Value::Null),
                    },
                    None => Ok(Value::Null),
                }
            }
            "eth_getBlockByHash" => {
                let hash: B256 = required(params, 0)?;
                let full: bool = optional(params, 1)?.unwrap_or(false);
                let chain = self.chain();
                match chain.block_by_hash(hash) {
                    Some(block) => to_value(views::rpc_block(&chain, block, full)),
                    None => Ok(Value::Null),
                }
            }
            "eth_getBalance" => {
                let address: Address = required(params, 0)?;
                let chain = self.chain();
                self.latest_only(&chain, params, 1)?;
                Ok(quantity(chain.balance(address)))
            }
            "eth_getTransactionCount" => {
                let address: Address = required(params, 0)?;
                let chain = self.chain();
                let pending = matches!(
                    optional::<BlockId>(params, 1)?,
                    Some(BlockId::Number(BlockNumberOrTag::Pending))
                );
                self.latest_only(&chain, params, 1)?;
                Ok(quantity(U256::from(chain.nonce(address, pending))))
            }
            "eth_getCode" => {
                let address: Address = required(params, 0)?;
                let mut chain = self.chain();
                self.latest_only(&chain, params, 1)?;
                to_value(chain.code(address))
            }
            "eth_getStorageAt" => {
                let address: Address = required(params, 0)?;
                let slot: U256 = required(params, 1)?;
                let chain = self.chain();
                self.latest_only(&chain, params, 2)?;
                to_value(chain.storage(address, B256::from(slot)))
            }
            "eth_call" => {
                let request: TransactionRequest = required(params, 0)?;
                let chain = self.chain();
                self.latest_only(&chain, params, 1)?;
                to_value(chain.call(&call_request(&request))?)
            }
            "eth_estimateGas" => {
                let request: TransactionRequest = required(params, 0)?;
                let chain = self.chain();
                self.latest_only(&chain, params, 1)?;
                Ok(quantity(U256::from(
                    chain.estimate_gas(&call_request(&request))?,
                )))
            }
            "eth_sendRawTransaction" => {
                let raw: Bytes = required(params, 0)?;
                let envelope = decode_raw(&raw)?;
                to_value(self.chain().submit(envelope)?)
            }
            "eth_sendTransaction" => {
                let request: TransactionRequest = required(params, 0)?;
                // One lock from the nonce to the submission: two sends from
                // one account cannot pick the same nonce.
                let mut chain = self.chain();
                let envelope = self.sign(&chain, &request)?;
                to_value(chain.submit(envelope)?)
            }
            "eth_getTransactionByHash" => {
                let hash: B256 = required(params, 0)?;
                let chain = self.chain();
                if let Some(mined) = chain.transaction(hash) {
                    return to_value(views::rpc_transaction(&chain, mined));
                }
                match chain.pending_transaction(hash) {
                    Some((tx, from)) => to_value(views::rpc_pending_transaction(tx, *from)),
                    None => Ok(Value::Null),
                }
            }
            "eth_getTransactionReceipt" => {
                let hash: B256 = required(params, 0)?;
                let chain = self.chain();
                match chain.transaction(hash) {
                    Some(mined) => to_value(views::rpc_receipt(&chain, mined)),
                    None => Ok(Value::Null),
                }
            }
            "eth_getLogs" => {
                let filter: Filter = required(params, 0)?;
                let chain = self.chain();
                let (from, to) = self.range_of(&chain, &filter)?;
                self.logs_value(&chain, &chain.logs(&filter, from, to))
            }
            "eth_newFilter" => {
                let filter: Filter = required(params, 0)?;
                Ok(quantity(U256::from(self.chain().new_log_filter(filter))))
            }
            "eth_newBlockFilter" => Ok(quantity(U256::from(self.chain().new_block_filter()))),
            "eth_uninstallFilter" => {
                let id: U64 = required(params, 0)?;
                Ok(json!(self.chain().uninstall(id.to())))
            }
            "eth_getFilterLogs" => {
                let id: U64 = required(params, 0)?;
                let chain = self.chain();
                let logs = chain.filter_logs(id.to())?;
                self.logs_value(&chain, &logs)
            }
            "eth_getFilterChanges" => {
                let id: U64 = required(params, 0)?;
                let mut chain = self.chain();
                match chain.filter_changes(id.to())? {
                    FilterChanges::Logs(logs) => self.logs_value(&chain, &logs),
                    FilterChanges::Blocks(hashes) => to_value(hashes),
                }
            }
            "evm_increaseTime" => {
                let seconds: U256 = required(params, 0)?;
                let seconds =
                    u64::try_from(seconds).map_err(|_| RpcError::params("seconds out of range"))?;
                Ok(json!(self.chain().increase_time(seconds)?))
            }
            "evm_setNextBlockTimestamp" => {
                let timestamp: U256 = required(params, 0)?;
                let timestamp = u64::try_from(timestamp)
                    .map_err(|_| RpcError::params("timestamp out of range"))?;
                self.chain().set_next_timestamp(timestamp)?;
                Ok(Value::Null)
            }
            "evm_mine" => {
                let timestamp = match params.first() {
                    Some(Value::Object(options)) => options
                        .get("timestamp")
                        .map(|t| serde_json::from_value::<U256>(t.clone()))
                        .transpose()
                        .map_err(|e| RpcError::params(format!("timestamp: {e}")))?,
                    _ => optional::<U256>(params, 0)?,
                };
                let timestamp = timestamp
                    .map(|t| {
                        u64::try_from(t).map_err(|_| RpcError::params("timestamp out of range"))
                    })
                    .transpose()?;
                self.chain().mine(timestamp)?;
                Ok(json!("0x0"))
            }
            "evm_snapshot" => Ok(quantity(U256::from(self.chain().snapshot()))),
            "evm_revert" => {
                let id: U64 = required(params, 0)?;
                Ok(json!(self.chain().revert(id.to())?))
            }
            "anvil_setBalance" | "hardhat_setBalance" => {
                let address: Address = required(params, 0)?;
                let wei: U256 = required(params, 1)?;
                self.chain().set_balance(address, wei)?;
                Ok(Value::Null)
            }
            _ => Err(RpcError::new(
                -32601,
                format!("the method {method} does not exist/is not available"),
            )),
        }
    }

    /// The block a tag names, `None` past the head.
    fn number_of(&self, chain: &Chain, tag: BlockNumberOrTag) -> Result<Option<u64>> {
        let head = chain.head();
        Ok(match tag {
            BlockNumberOrTag::Number(n) => (n <= head).then_some(n),
            BlockNumberOrTag::Earliest => Some(0),
            // One sequencer: latest is also safe and final; the pending
            // block is not served as a block.
            BlockNumberOrTag::Latest
            | BlockNumberOrTag::Safe
            | BlockNumberOrTag::Finalized
            | BlockNumberOrTag::Pending => Some(head),
        })
    }

    /// Only the latest state is kept: a read at an older block is refused
    /// rather than answered with today's state.
    fn latest_only(&self, chain: &Chain, params: &[Value], index: usize) -> Result<()> {
        let head = chain.head();
        match optional::<BlockId>(params, index)? {
            None => Ok(()),
            Some(BlockId::Number(BlockNumberOrTag::Number(n))) if n != head => Err(RpcError::new(
                -32000,
                format!("historical state is not kept: block {n}, latest is {head}"),
            )),
            Some(BlockId::Number(BlockNumberOrTag::Earliest)) if head != 0 => Err(RpcError::new(
                -32000,
                format!("historical state is not kept: block 0, latest is {head}"),
            )),
            Some(BlockId::Hash(hash))
                if chain.block(head).map(|b| b.hash) != Some(hash.block_hash) =>
            {
                Err(RpcError::new(-32000, "historical state is not kept"))
            }
            Some(_) => Ok(()),
        }
    }

    fn range_of(&self, chain: &Chain, filter: &Filter) -> Result<(u64, u64)> {
        let head = chain.head();
        if let Some(hash) = filter.get_block_hash() {
            let block = chain
                .block_by_hash(hash)
                .ok_or_else(|| RpcError::new(-32000, "unknown block"))?;
            return Ok((block.header.number, block.header.number));
        }
        // A block past the head stays past it: a poller asking from the next
        // block gets nothing yet, not the head's logs again.
        let resolve = |tag: Option<&BlockNumberOrTag>| -> Result<u64> {
            Ok(match tag {
                None => head,
                Some(BlockNumberOrTag::Number(n)) => *n,
                Some(tag) => self.number_of(chain, *tag)?.unwrap_or(head),
            })
        };
        let from = resolve(filter.block_option.get_from_block())?;
        let to = resolve(filter.block_option.get_to_block())?;
        if from > to && from <= head {
            return Err(RpcError::params(format!(
                "invalid block range: fromBlock {from} is after toBlock {to}"
            )));
        }
        Ok((from, to))
    }

    fn logs_value(&self, chain: &Chain, logs: &[crate::chain::PlacedLog]) -> Result<Value> {
        let logs: Vec<_> = logs
            .iter()
            .map(|placed| {
                let timestamp = chain.block(placed.block).map(|b| b.header.timestamp);
                views::rpc_log(placed, timestamp)
            })
            .collect();
        to_value(logs)
    }

    fn fee_history(&self, params: &[Value]) -> Result<Value> {
        let count: U256 = required(params, 0)?;
        let newest: BlockNumberOrTag = required(params, 1)?;
        let percentiles: Vec<f64> = optional(params, 2)?.unwrap_or_default();
        // geth's bounds: at most 100, each in [0, 100], increasing.
        if percentiles.len() > 100 {
            return Err(RpcError::params("at most 100 reward percentiles"));
        }
        if percentiles.iter().any(|p| !(0.0..=100.0).contains(p))
            || percentiles.windows(2).any(|w| w[0] > w[1])
        {
            return Err(RpcError::params(
                "reward percentiles must be increasing and within [0, 100]",
            ));
        }
        let chain = self.chain();
        let newest = self.number_of(&chain, newest)?.unwrap_or(chain.head());
        let count = u64::try_from(count)
            .unwrap_or(u64::MAX)
            .clamp(1, 1024)
            .min(newest + 1);
        let oldest = newest + 1 - count;
        let fees: Vec<Value> = (0..=count)
            .map(|_| quantity(U256::from(BASE_FEE)))
            .collect();
        let ratios: Vec<f64> = (oldest..=newest)
            .map(|n| {
                chain.block(n).map_or(0.0, |b| {
                    b.header.gas_used as f64 / crate::chain::TX_GAS_LIMIT as f64
                })
            })
            .collect();
        let mut history = json!({
            "oldestBlock": quantity(U256::from(oldest)),
            "baseFeePerGas": fees,
            "gasUsedRatio": ratios,
        });
        if !percentiles.is_empty() {
            // No priority fee is ever paid on Arbitrum.
            let rewards: Vec<Vec<Value>> = (0..count)
                .map(|_| percentiles.iter().map(|_| quantity(U256::ZERO)).collect())
                .collect();
            history["reward"] = json!(rewards);
        }
        Ok(history)
    }

    /// Signs `request` with the dev key of its `from`, filling what it
    /// leaves out: nonce (pending), gas (estimated), fees and chain id.
    fn sign(&self, chain: &Chain, request: &TransactionRequest) -> Result<TxEnvelope> {
        let from = request
            .from
            .ok_or_else(|| RpcError::params("eth_sendTransaction needs from"))?;
        let signer = self.signers.get(&from).ok_or_else(|| {
            RpcError::new(-32000, format!("unknown account {from}: not a dev account"))
        })?;
        let to = request.to.unwrap_or(TxKind::Create);
        let input: Bytes = request.input.input().cloned().unwrap_or_default();
        let value = request.value.unwrap_or_default();
        let nonce = request.nonce.unwrap_or_else(|| chain.nonce(from, true));
        let gas_limit = match request.gas {
            Some(gas) => gas,
            None => chain.estimate_gas(&call_request(request))?,
        };
        let chain_id = chain.chain_id();
        let sign = |hash: B256| {
            signer
                .sign_hash_sync(&hash)
                .map_err(|e| RpcError::new(-32000, format!("signing: {e}")))
        };
        if let Some(gas_price) = request.gas_price {
            let tx = TxLegacy {
                chain_id: Some(chain_id),
                nonce,
                gas_price,
                gas_limit,
                to,
                value,
                input,
            };
            let signature = sign(tx.signature_hash())?;
            return Ok(tx.into_signed(signature).into());
        }
        let tx = TxEip1559 {
            chain_id,
            nonce,
            gas_limit,
            max_fee_per_gas: request.max_fee_per_gas.unwrap_or(2 * BASE_FEE),
            max_priority_fee_per_gas: request.max_priority_fee_per_gas.unwrap_or(0),
            to,
            value,
            access_list: request.access_list.clone().unwrap_or_default(),
            input,
        };
        let signature = sign(tx.signature_hash())?;
        Ok(tx.into_signed(signature).into())
    }
}

fn call_request(request: &TransactionRequest) -> CallRequest {
    CallRequest {
        from: request.from.unwrap_or_default(),
        to: match request.to {
            Some(TxKind::Call(to)) => Some(to),
            _ => None,
        },
        input: request
            .input
            .input()
            .map(|b| b.to_vec())
            .unwrap_or_default(),
        value: request.value.unwrap_or_default(),
        gas: request.gas,
    }
}

/// A JSON-RPC error response.
#[must_use]
pub fn error_response(id: Value, error: &RpcError) -> Value {
    let mut object = json!({"code": error.code, "message": error.message});
    if let Some(data) = &error.data {
        object["data"] = data.clone();
    }
    json!({"jsonrpc": "2.0", "id": id, "error": object})
}
