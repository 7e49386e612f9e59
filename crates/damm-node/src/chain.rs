//! The chain: a [`World`] of Stylus programs, and the blocks, transactions,
//! receipts and logs built on it.
//!
//! A transaction is checked when it is submitted (signature, chain id,
//! type, nonce, balance, gas limit, intrinsic gas, fee cap) and again when
//! its block is mined; one that no longer passes is dropped, as geth drops
//! it from its pool. The sender pays `gasUsed × baseFee` (Arbitrum pays no
//! priority fee) and the unused gas back. Everything that changes the chain
//! goes to the [`Journal`] first, so a `--state` file replays to the same
//! chain, and `evm_snapshot` keeps a copy of the whole ledger.

use std::collections::{BTreeMap, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use alloy_consensus::{Transaction as _, TxEnvelope, TxType};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, Bloom, Bytes, TxKind, B256, U256};
use alloy_rpc_types_eth::Filter;
use stylus_runtime::{gas, log::Log, World};

use crate::journal::{Entry, Journal};

/// nitro-devnode's chain id.
pub const CHAIN_ID: u64 = 412_346;
/// The base fee: Arbitrum's minimum L2 base fee, 0.1 gwei, which a quiet
/// chain stays at.
pub const BASE_FEE: u128 = 100_000_000;
/// The most gas one transaction may use: Arbitrum's per-transaction limit.
pub const TX_GAS_LIMIT: u64 = 32_000_000;
/// The gas limit every Arbitrum block header carries (`1 << 50`).
pub const HEADER_GAS_LIMIT: u64 = 1 << 50;
/// The most filters kept at once; the oldest goes first.
const MAX_FILTERS: usize = 1_024;
/// The most snapshots kept at once (each copies the ledger); the oldest goes first.
const MAX_SNAPSHOTS: usize = 64;
/// Why a creation with value is refused: a Stylus deployment here has no
/// constructor to receive it.
const NO_VALUE_ON_CREATE: &str = "a contract creation may not send value on damm-node";
/// The most transactions waiting for an interval block.
const MAX_PENDING: usize = 4_096;

/// Why the chain refused a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// The request's parameters are wrong (JSON-RPC -32602).
    InvalidParams(String),
    /// A transaction the chain will not take, with geth's message (-32000).
    Rejected(String),
    /// The call reverted with these bytes (JSON-RPC 3).
    Reverted(Bytes),
    /// The call failed otherwise: out of gas or a trap (-32000).
    Failed(String),
}

/// One mined block.
#[derive(Clone, Debug)]
pub struct Block {
    /// Its consensus header.
    pub header: alloy_consensus::Header,
    /// `keccak256(rlp(header))`.
    pub hash: B256,
    /// Its transactions, in order.
    pub txs: Vec<B256>,
}

/// A mined transaction and what it did.
#[derive(Clone, Debug)]
pub struct Mined {
    /// The signed transaction.
    pub envelope: TxEnvelope,
    /// Its recovered sender.
    pub from: Address,
    /// The block it is in.
    pub block: u64,
    /// Its position in the block.
    pub index: u64,
    /// Whether it succeeded.
    pub success: bool,
    /// Gas it used, after the refund.
    pub gas_used: u64,
    /// Gas the block used up to and including it.
    pub cumulative_gas_used: u64,
    /// Its logs (none if it failed).
    pub logs: Vec<Log>,
    /// The block-wide index of its first log.
    pub first_log_index: u64,
    /// The program it created, for a deployment.
    pub contract_address: Option<Address>,
}

/// A log with where it was emitted.
#[derive(Clone, Debug)]
pub struct PlacedLog {
    /// The log.
    pub log: Log,
    /// Block number.
    pub block: u64,
    /// Block hash.
    pub block_hash: B256,
    /// Transaction hash.
    pub tx: B256,
    /// Transaction index in the block.
    pub tx_index: u64,
    /// Log index in the block.
    pub log_index: u64,
}

/// Everything `evm_snapshot` copies and `evm_revert` restores.
#[derive(Clone)]
struct Ledger {
    world: World,
    blocks: Vec<Block>,
    txs: HashMap<B256, Mined>,
    pending: Vec<(TxEnvelope, Address)>,
    /// Seconds added to the wall clock (`evm_increaseTime`).
    time_offset: i64,
    /// The next block's timestamp, if `evm_setNextBlockTimestamp` set one.
    next_timestamp: Option<u64>,
}

/// An installed filter and how far its poller has read.
#[derive(Clone, Debug)]
enum Installed {
    Logs { filter: Box<Filter>, last: u64 },
    Blocks { last: u64 },
}

/// A call to simulate (`eth_call`, `eth_estimateGas`).
#[derive(Clone, Debug, Default)]
pub struct CallRequest {
    /// The caller (zero if unset).
    pub from: Address,
    /// The callee; `None` is a deployment, which is not simulated.
    pub to: Option<Address>,
    /// Calldata.
    pub input: Vec<u8>,
    /// Wei sent.
    pub value: U256,
    /// Gas limit, [`TX_GAS_LIMIT`] if unset.
    pub gas: Option<u64>,
}

/// The chain.
pub struct Chain {
    ledger: Ledger,
    chain_id: u64,
    automine: bool,
    snapshots: BTreeMap<u64, (Ledger, usize)>,
    next_snapshot: u64,
    filters: BTreeMap<u64, Installed>,
    next_filter: u64,
    journal: Journal,
    /// `eth_getCode` answers by code hash: compressing is slow.
    code_cache: HashMap<B256, Bytes>,
}

/// Seconds since the Unix epoch, by the machine's clock.
#[must_use]
pub fn wall_clock() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Chain {
    /// A chain whose genesis state is `world` (accounts funded, programs
    /// deployed), with block 0 at the current time. Transactions are mined
    /// one per block if `automine`, else only by [`Chain::mine`].
    #[must_use]
    pub fn new(world: World, chain_id: u64, automine: bool, journal: Journal) -> Self {
        let mut world = world;
        world.set_chain_id(chain_id);
        world.block_mut().basefee = U256::from(BASE_FEE);
        let timestamp = journal.genesis_timestamp().unwrap_or_else(wall_clock);
        world.set_block(0, timestamp);
        let header = alloy_consensus::Header {
            timestamp,
            gas_limit: HEADER_GAS_LIMIT,
            base_fee_per_gas: Some(BASE_FEE as u64),
            difficulty: U256::from(1),
            ..Default::default()
        };
        let genesis = Block {
            hash: header.hash_slow(),
            header,
            txs: Vec::new(),
        };
        Self {
            ledger: Ledger {
                world,
                blocks: vec![genesis],
                txs: HashMap::new(),
                pending: Vec::new(),
                time_offset: 0,
                next_timestamp: None,
            },
            chain_id,
            automine,
            snapshots: BTreeMap::new(),
            next_snapshot: 0,
            filters: BTreeMap::new(),
            next_filter: 1,
            journal,
            code_cache: HashMap::new(),
        }
    }

    /// Replays the journal's entries (a `--state` file) onto the chain;
    /// returns how many there were.
    ///
    /// # Errors
    /// [`ChainError`] if a stored transaction no longer decodes.
    pub fn replay(&mut self) -> Result<usize, ChainError> {
        let entries = self.journal.entries().to_vec();
        for entry in &entries {
            self.apply(entry)?;
        }
        Ok(entries.len())
    }

    fn apply(&mut self, entry: &Entry) -> Result<(), ChainError> {
        match entry {
            Entry::Block {
                timestamp,
                txs,
                hash,
            } => {
                // Mining is deterministic: a replayed block drops exactly the
                // transactions the live one dropped, and hashes the same,
                // unless the programs or the runtime changed.
                let number = self.mine_raw(*timestamp, txs)?;
                let replayed = self.ledger.blocks.last().map(|b| b.hash);
                if replayed != Some(*hash) {
                    return Err(ChainError::Failed(format!(
                        "the state file diverges at block {number}: it was made by another \
                         runtime or other programs; delete it to start afresh"
                    )));
                }
            }
            Entry::Balance { address, wei } => self.ledger.world.set_balance(*address, *wei),
            Entry::TimeOffset { seconds } => self.ledger.time_offset = *seconds,
        }
        Ok(())
    }

    /// Mines a block of raw transactions at `timestamp`; returns its number.
    fn mine_raw(&mut self, timestamp: u64, txs: &[Bytes]) -> Result<u64, ChainError> {
        let mut decoded = Vec::new();
        for raw in txs {
            let envelope = decode_raw(raw)?;
            let from = envelope
                .recover_signer()
                .map_err(|_| ChainError::Rejected("invalid sender".into()))?;
            decoded.push((envelope, from));
        }
        self.ledger.next_timestamp = Some(timestamp);
        Ok(self.mine_block(decoded))
    }

    /// Mines a block, then records it with its hash; if the state file
    /// cannot be written, the chain is as before.
    fn commit_block(&mut self, timestamp: u64, txs: Vec<Bytes>) -> Result<(), ChainError> {
        // What mining changes besides appending the block and its records.
        let (world, next_timestamp) = (self.ledger.world.clone(), self.ledger.next_timestamp);
        self.mine_raw(timestamp, &txs)?;
        let hash = self
            .ledger
            .blocks
            .last()
            .map(|b| b.hash)
            .unwrap_or_default();
        let entry = Entry::Block {
            timestamp,
            txs,
            hash,
        };
        if let Err(e) = self.journal.append(&entry) {
            if let Some(block) = self.ledger.blocks.pop() {
                for tx in &block.txs {
                    self.ledger.txs.remove(tx);
                }
            }
            self.ledger.world = world;
            self.ledger.next_timestamp = next_timestamp;
            return Err(ChainError::Failed(format!("writing the state file: {e}")));
        }
        Ok(())
    }

    /// Records `entry` (not a block: see [`Chain::commit_block`]) in the
    /// journal, then applies it.
    fn commit(&mut self, entry: Entry) -> Result<(), ChainError> {
        self.journal
            .append(&entry)
            .map_err(|e| ChainError::Failed(format!("writing the state file: {e}")))?;
        self.apply(&entry)
    }

    // ---- Reads ----

    /// The chain id.
    #[must_use]
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// The latest block's number.
    #[must_use]
    pub fn head(&self) -> u64 {
        self.ledger.blocks.len() as u64 - 1
    }

    /// Block `number`, if mined.
    #[must_use]
    pub fn block(&self, number: u64) -> Option<&Block> {
        self.ledger.blocks.get(usize::try_from(number).ok()?)
    }

    /// The block with `hash`, if any.
    #[must_use]
    pub fn block_by_hash(&self, hash: B256) -> Option<&Block> {
        self.ledger.blocks.iter().find(|b| b.hash == hash)
    }

    /// A mined transaction.
    #[must_use]
    pub fn transaction(&self, hash: B256) -> Option<&Mined> {
        self.ledger.txs.get(&hash)
    }

    /// A transaction waiting for the next block, with its sender.
    #[must_use]
    pub fn pending_transaction(&self, hash: B256) -> Option<&(TxEnvelope, Address)> {
        self.ledger
            .pending
            .iter()
            .find(|(tx, _)| *tx.tx_hash() == hash)
    }

    /// An account's balance.
    #[must_use]
    pub fn balance(&self, address: Address) -> U256 {
        self.ledger.world.balance(address)
    }

    /// An account's nonce, counting its pending transactions if `pending`.
    #[must_use]
    pub fn nonce(&self, address: Address, pending: bool) -> u64 {
        let queued = if pending {
            self.ledger
                .pending
                .iter()
                .filter(|(_, from)| *from == address)
                .count() as u64
        } else {
            0
        };
        self.ledger.world.nonce(address) + queued
    }

    /// One storage slot.
    #[must_use]
    pub fn storage(&self, address: Address, slot: B256) -> B256 {
        self.ledger.world.storage(address, slot)
    }

    /// The code at `address` as a Stylus chain stores it: `0xEFF00000` and
    /// the brotli-compressed WASM (one piece; see the crate docs).
    pub fn code(&mut self, address: Address) -> Bytes {
        let hash = self.ledger.world.code_hash(address);
        if let Some(code) = self.code_cache.get(&hash) {
            return code.clone();
        }
        let stored = self.ledger.world.code(address);
        let code: Bytes = match stored.strip_prefix(&stylus_runtime::STYLUS_CODE_PREFIX[..]) {
            Some(wasm) => [
                &stylus_check::code::EOF_PREFIX[..],
                &stylus_check::code::compress(wasm),
            ]
            .concat()
            .into(),
            None => Bytes::new(),
        };
        self.code_cache.insert(hash, code.clone());
        code
    }

    /// Logs matching `filter` in blocks `from..=to`.
    #[must_use]
    pub fn logs(&self, filter: &Filter, from: u64, to: u64) -> Vec<PlacedLog> {
        let mut out = Vec::new();
        for number in from..=to.min(self.head()) {
            let Some(block) = self.block(number) else {
                break;
            };
            if let Some(hash) = filter.get_block_hash() {
                if hash != block.hash {
                    continue;
                }
            }
            for hash in &block.txs {
                let Some(mined) = self.ledger.txs.get(hash) else {
                    continue;
                };
                for (i, log) in mined.logs.iter().enumerate() {
                    let topics_match = filter.topics.iter().enumerate().all(|(k, set)| {
                        set.is_empty() || log.topics.get(k).is_some_and(|t| set.matches(t))
                    });
                    if filter.address.matches(&log.address) && topics_match {
                        out.push(PlacedLog {
                            log: log.clone(),
                            block: number,
                            block_hash: block.hash,
                            tx: *hash,
                            tx_index: mined.index,
                            log_index: mined.first_log_index + i as u64,
                        });
                    }
                }
            }
        }
        out
    }

    // ---- Simulation ----

    /// The environment of the next block, for a simulation.
    fn pending_world(&self) -> World {
        let mut world = self.ledger.world.clone();
        let timestamp = self.next_block_timestamp();
        world.set_block(self.head() + 1, timestamp);
        world
    }

    /// Runs `call` on a copy of the next block's state and returns its output.
    ///
    /// # Errors
    /// [`ChainError::Reverted`] with the revert data, or
    /// [`ChainError::Failed`] for out of gas and traps.
    pub fn call(&self, call: &CallRequest) -> Result<Bytes, ChainError> {
        let (output, _) = self.simulate(call, gas_cap(call.gas))?;
        Ok(output)
    }

    fn simulate(&self, call: &CallRequest, gas: u64) -> Result<(Bytes, u64), ChainError> {
        let Some(to) = call.to else {
            if !call.value.is_zero() {
                return Err(ChainError::Failed(NO_VALUE_ON_CREATE.into()));
            }
            let (_, gas) = self
                .trial_deploy(call.from, &call.input, gas)
                .map_err(ChainError::Failed)?;
            return Ok((Bytes::new(), gas));
        };
        let mut world = self.pending_world();
        world.set_gas_limit(gas);
        // A simulation is not charged, but needs the value it sends.
        let needed = world.balance(call.from).saturating_add(call.value);
        world.set_balance(call.from, needed);
        let outcome = world.call_with_value(call.from, to, &call.input, call.value);
        let output = Bytes::from(outcome.output.clone());
        match outcome.status {
            stylus_runtime::Status::Success => Ok((output, outcome.gas_used + outcome.refund)),
            stylus_runtime::Status::Revert => Err(ChainError::Reverted(output)),
            stylus_runtime::Status::OutOfGas => Err(ChainError::Failed("out of gas".into())),
            stylus_runtime::Status::Failure(reason) => {
                Err(ChainError::Failed(format!("execution failed: {reason}")))
            }
        }
    }

    /// The gas limit `call` needs: the gas it uses before the refund, raised
    /// until a run with that limit succeeds (the 63/64 rule of nested calls
    /// can need more than is used).
    ///
    /// # Errors
    /// As [`Chain::call`], at the cap.
    pub fn estimate_gas(&self, call: &CallRequest) -> Result<u64, ChainError> {
        let cap = gas_cap(call.gas);
        let (_, used) = self.simulate(call, cap)?;
        let mut limit = used;
        loop {
            if self.simulate(call, limit).is_ok() {
                return Ok(limit);
            }
            if limit >= cap {
                return self.simulate(call, cap).map(|_| cap);
            }
            limit = (limit + limit / 8).min(cap);
        }
    }

    /// Deploys `init_code` on a copy of the next block's state: the
    /// program's address and the deployment's gas.
    fn trial_deploy(
        &self,
        from: Address,
        init_code: &[u8],
        gas: u64,
    ) -> Result<(Address, u64), String> {
        let wasm = deployable_wasm(init_code)?;
        let mut world = self.pending_world();
        world.set_gas_limit(gas);
        let deployment = world.deploy(from, &wasm, None).map_err(|e| e.to_string())?;
        Ok((deployment.address, deployment.gas_used()))
    }

    // ---- Transactions ----

    /// Checks `envelope` against the state the next block starts from (and
    /// the sender's transactions already pending) and returns its sender.
    fn validate(&self, envelope: &TxEnvelope, from: Address) -> Result<(), ChainError> {
        let reject = |m: String| Err(ChainError::Rejected(m));
        match envelope.tx_type() {
            TxType::Legacy | TxType::Eip2930 | TxType::Eip1559 => {}
            other => return reject(format!("transaction type not supported: {other}")),
        }
        match envelope.chain_id() {
            Some(id) if id != self.chain_id => {
                return reject(format!(
                    "invalid chain id for signer: have {id} want {}",
                    self.chain_id
                ))
            }
            Some(_) => {}
            None => {
                return reject(
                    "only replay-protected (EIP-155) transactions allowed over RPC".into(),
                )
            }
        }
        if self.ledger.txs.contains_key(envelope.tx_hash())
            || self.pending_transaction(*envelope.tx_hash()).is_some()
        {
            return reject("already known".into());
        }
        let expected = self.nonce(from, true);
        let nonce = envelope.nonce();
        if nonce < expected {
            return reject(format!(
                "nonce too low: address {from}, tx: {nonce} state: {expected}"
            ));
        }
        if nonce > expected {
            return reject(format!(
                "nonce too high: address {from}, tx: {nonce} state: {expected}"
            ));
        }
        if let Some(tip) = envelope.max_priority_fee_per_gas() {
            if tip > envelope.max_fee_per_gas() {
                return reject(format!(
                    "max priority fee per gas higher than max fee per gas: address {from}, maxPriorityFeePerGas: {tip}, maxFeePerGas: {}",
                    envelope.max_fee_per_gas()
                ));
            }
        }
        if envelope.max_fee_per_gas() < BASE_FEE {
            return reject(format!(
                "max fee per gas less than block base fee: address {from}, maxFeePerGas: {}, baseFee: {BASE_FEE}",
                envelope.max_fee_per_gas()
            ));
        }
        let gas_limit = envelope.gas_limit();
        let intrinsic = intrinsic_gas(envelope);
        if gas_limit < intrinsic {
            return reject(format!(
                "intrinsic gas too low: gas {gas_limit}, minimum needed {intrinsic}"
            ));
        }
        if gas_limit > TX_GAS_LIMIT {
            return reject(format!(
                "exceeds block gas limit: gas {gas_limit}, limit {TX_GAS_LIMIT}"
            ));
        }
        let cost = U256::from(gas_limit)
            .saturating_mul(U256::from(envelope.max_fee_per_gas()))
            .saturating_add(envelope.value());
        let balance = self.balance(from);
        if balance < cost {
            return reject(format!(
                "insufficient funds for gas * price + value: address {from} have {balance} want {cost}"
            ));
        }
        if envelope.kind() == TxKind::Create {
            if !envelope.value().is_zero() {
                return reject(NO_VALUE_ON_CREATE.into());
            }
            // Checked by deploying it, so a mined creation cannot fail.
            let (_, needed) = self
                .trial_deploy(from, envelope.input(), gas_limit)
                .map_err(ChainError::Rejected)?;
            if gas_limit < needed {
                return reject(format!(
                    "intrinsic gas too low: gas {gas_limit}, minimum needed {needed} (code deposit included)"
                ));
            }
        }
        Ok(())
    }

    /// Takes a signed transaction: checks it, records it, and mines it at
    /// once if the chain automines. Returns its hash.
    ///
    /// # Errors
    /// [`ChainError::Rejected`] with geth's message for a transaction the
    /// chain will not take; nothing is recorded then.
    pub fn submit(&mut self, envelope: TxEnvelope) -> Result<B256, ChainError> {
        let from = envelope
            .recover_signer()
            .map_err(|_| ChainError::Rejected("invalid sender: bad signature".into()))?;
        self.validate(&envelope, from)?;
        let hash = *envelope.tx_hash();
        if self.automine {
            let timestamp = self.next_block_timestamp();
            self.commit_block(timestamp, vec![envelope.encoded_2718().into()])?;
        } else {
            if self.ledger.pending.len() >= MAX_PENDING {
                return Err(ChainError::Rejected("txpool is full".into()));
            }
            self.ledger.pending.push((envelope, from));
        }
        Ok(hash)
    }

    /// Mines one block with every pending transaction, at `timestamp` or the
    /// clock's time. Returns the block's number.
    ///
    /// # Errors
    /// [`ChainError`] if the timestamp is before the head's, or the state
    /// file cannot be written.
    pub fn mine(&mut self, timestamp: Option<u64>) -> Result<u64, ChainError> {
        if let Some(t) = timestamp {
            self.set_next_timestamp(t)?;
        }
        let timestamp = self.next_block_timestamp();
        let txs = self
            .ledger
            .pending
            .iter()
            .map(|(tx, _)| tx.encoded_2718().into())
            .collect();
        let pending = std::mem::take(&mut self.ledger.pending);
        if let Err(e) = self.commit_block(timestamp, txs) {
            self.ledger.pending = pending;
            return Err(e);
        }
        Ok(self.head())
    }

    /// Whether transactions are mined as they come.
    #[must_use]
    pub fn automine(&self) -> bool {
        self.automine
    }

    fn next_block_timestamp(&self) -> u64 {
        let previous = self.ledger.blocks.last().map_or(0, |b| b.header.timestamp);
        self.ledger.next_timestamp.unwrap_or_else(|| {
            let now = i128::from(wall_clock()) + i128::from(self.ledger.time_offset);
            // Arbitrum lets consecutive blocks share a timestamp.
            u64::try_from(now).unwrap_or(0).max(previous)
        })
    }

    /// Builds the next block from `txs`, dropping any that no longer pass.
    fn mine_block(&mut self, txs: Vec<(TxEnvelope, Address)>) -> u64 {
        let timestamp = self.next_block_timestamp();
        self.ledger.next_timestamp = None;
        let number = self.head() + 1;
        self.ledger.world.set_block(number, timestamp);
        let mut included = Vec::new();
        let mut cumulative = 0u64;
        let mut log_index = 0u64;
        let mut bloom = Bloom::default();
        let mut receipts = Vec::new();
        for (envelope, from) in txs {
            if self.validate(&envelope, from).is_err() {
                continue;
            }
            let mut mined = self.execute(envelope, from, number, included.len() as u64);
            cumulative += mined.gas_used;
            mined.cumulative_gas_used = cumulative;
            mined.first_log_index = log_index;
            log_index += mined.logs.len() as u64;
            let receipt = crate::views::consensus_receipt(&mined);
            bloom.accrue_bloom(receipt.logs_bloom());
            receipts.push(receipt);
            included.push(mined);
        }
        let parent = self
            .ledger
            .blocks
            .last()
            .map(|b| b.hash)
            .unwrap_or_default();
        let envelopes: Vec<TxEnvelope> = included.iter().map(|m| m.envelope.clone()).collect();
        let header = alloy_consensus::Header {
            parent_hash: parent,
            number,
            timestamp,
            gas_limit: HEADER_GAS_LIMIT,
            gas_used: cumulative,
            base_fee_per_gas: Some(BASE_FEE as u64),
            difficulty: U256::from(1),
            logs_bloom: bloom,
            transactions_root: alloy_consensus::proofs::calculate_transaction_root(&envelopes),
            receipts_root: alloy_consensus::proofs::calculate_receipt_root(&receipts),
            ..Default::default()
        };
        let hash = header.hash_slow();
        let mut hashes = Vec::new();
        for mined in included {
            let tx_hash = *mined.envelope.tx_hash();
            hashes.push(tx_hash);
            self.ledger.txs.insert(tx_hash, mined);
        }
        self.ledger.blocks.push(Block {
            header,
            hash,
            txs: hashes,
        });
        number
    }

    /// Runs one checked transaction on the world, charging its gas.
    fn execute(&mut self, envelope: TxEnvelope, from: Address, block: u64, index: u64) -> Mined {
        let world = &mut self.ledger.world;
        let gas_limit = envelope.gas_limit();
        let price = U256::from(BASE_FEE);
        let upfront = U256::from(gas_limit) * price;
        world.set_balance(from, world.balance(from) - upfront);
        world.set_gas_limit(gas_limit);
        let (success, gas_used, logs, contract_address) = match envelope.kind() {
            TxKind::Call(to) => {
                let outcome = world.call_with_value(from, to, envelope.input(), envelope.value());
                let used = outcome.gas_used.min(gas_limit);
                (outcome.is_success(), used, outcome.logs, None)
            }
            TxKind::Create => match deployable_wasm(envelope.input())
                .map_err(|e| e.to_string())
                .and_then(|wasm| world.deploy(from, &wasm, None).map_err(|e| e.to_string()))
            {
                Ok(deployment) => (
                    true,
                    deployment.gas_used().min(gas_limit),
                    Vec::new(),
                    Some(deployment.address),
                ),
                // `validate` deployed it on this very state just before, so
                // the runtime cannot refuse it here.
                Err(_) => (false, gas_limit, Vec::new(), None),
            },
        };
        world.set_balance(
            from,
            world.balance(from) + U256::from(gas_limit - gas_used) * price,
        );
        Mined {
            envelope,
            from,
            block,
            index,
            success,
            gas_used,
            cumulative_gas_used: 0,
            logs,
            first_log_index: 0,
            contract_address,
        }
    }

    // ---- Dev methods ----

    /// `anvil_setBalance`.
    ///
    /// # Errors
    /// [`ChainError`] if the state file cannot be written.
    pub fn set_balance(&mut self, address: Address, wei: U256) -> Result<(), ChainError> {
        self.commit(Entry::Balance { address, wei })
    }

    /// `evm_increaseTime`: moves the clock on by `seconds`; returns the
    /// total offset from the wall clock.
    ///
    /// # Errors
    /// [`ChainError`] if the state file cannot be written.
    pub fn increase_time(&mut self, seconds: u64) -> Result<i64, ChainError> {
        let offset = self
            .ledger
            .time_offset
            .saturating_add(i64::try_from(seconds).unwrap_or(i64::MAX));
        self.commit(Entry::TimeOffset { seconds: offset })?;
        Ok(offset)
    }

    /// `evm_setNextBlockTimestamp`: the next block gets `timestamp`, and
    /// the clock goes on from there.
    ///
    /// # Errors
    /// [`ChainError::InvalidParams`] for a time before the head's.
    pub fn set_next_timestamp(&mut self, timestamp: u64) -> Result<(), ChainError> {
        let previous = self.ledger.blocks.last().map_or(0, |b| b.header.timestamp);
        if timestamp < previous {
            return Err(ChainError::InvalidParams(format!(
                "timestamp {timestamp} is before the latest block's, {previous}"
            )));
        }
        let offset = i64::try_from(i128::from(timestamp) - i128::from(wall_clock())).unwrap_or(0);
        self.commit(Entry::TimeOffset { seconds: offset })?;
        self.ledger.next_timestamp = Some(timestamp);
        Ok(())
    }

    /// `evm_snapshot`: keeps the whole ledger; returns the snapshot's id.
    pub fn snapshot(&mut self) -> u64 {
        let id = self.next_snapshot;
        self.next_snapshot += 1;
        if self.snapshots.len() >= MAX_SNAPSHOTS {
            self.snapshots.pop_first();
        }
        self.snapshots
            .insert(id, (self.ledger.clone(), self.journal.len()));
        id
    }

    /// `evm_revert`: back to snapshot `id`, which is used up with every
    /// later one. False if there is no such snapshot.
    ///
    /// # Errors
    /// [`ChainError`] if the state file cannot be rewritten.
    pub fn revert(&mut self, id: u64) -> Result<bool, ChainError> {
        let Some((ledger, journal_len)) = self.snapshots.remove(&id) else {
            return Ok(false);
        };
        self.snapshots.retain(|&k, _| k < id);
        self.journal
            .truncate(journal_len)
            .map_err(|e| ChainError::Failed(format!("rewriting the state file: {e}")))?;
        self.ledger = ledger;
        let head = self.head();
        for filter in self.filters.values_mut() {
            match filter {
                Installed::Logs { last, .. } | Installed::Blocks { last } => {
                    *last = (*last).min(head)
                }
            }
        }
        Ok(true)
    }

    // ---- Filters ----

    fn install(&mut self, filter: Installed) -> u64 {
        if self.filters.len() >= MAX_FILTERS {
            self.filters.pop_first();
        }
        let id = self.next_filter;
        self.next_filter += 1;
        self.filters.insert(id, filter);
        id
    }

    /// `eth_newFilter`: polls return logs from the next block on (or from
    /// the filter's `fromBlock`).
    pub fn new_log_filter(&mut self, filter: Filter) -> u64 {
        let last = filter
            .get_from_block()
            .map_or(self.head(), |from| from.saturating_sub(1));
        self.install(Installed::Logs {
            filter: Box::new(filter),
            last,
        })
    }

    /// `eth_newBlockFilter`.
    pub fn new_block_filter(&mut self) -> u64 {
        let last = self.head();
        self.install(Installed::Blocks { last })
    }

    /// `eth_uninstallFilter`.
    pub fn uninstall(&mut self, id: u64) -> bool {
        self.filters.remove(&id).is_some()
    }

    /// `eth_getFilterLogs`: every log the filter matches over its range
    /// (the head where it names none).
    ///
    /// # Errors
    /// [`ChainError::InvalidParams`] ("filter not found") for an unknown id
    /// or a block filter.
    pub fn filter_logs(&self, id: u64) -> Result<Vec<PlacedLog>, ChainError> {
        let head = self.head();
        match self.filters.get(&id) {
            Some(Installed::Logs { filter, .. }) => {
                let from = filter.get_from_block().unwrap_or(head);
                let to = filter.get_to_block().unwrap_or(head);
                Ok(if from <= to {
                    self.logs(filter, from, to)
                } else {
                    Vec::new()
                })
            }
            _ => Err(ChainError::InvalidParams("filter not found".into())),
        }
    }

    /// `eth_getFilterChanges`: what arrived since the last poll.
    ///
    /// # Errors
    /// [`ChainError::InvalidParams`] ("filter not found") for an unknown id.
    pub fn filter_changes(&mut self, id: u64) -> Result<FilterChanges, ChainError> {
        let head = self.head();
        let Some(installed) = self.filters.get(&id).cloned() else {
            return Err(ChainError::InvalidParams("filter not found".into()));
        };
        let (changes, updated) = match installed {
            Installed::Logs { filter, last } => {
                let to = filter.get_to_block().unwrap_or(head).min(head);
                let logs = if last < to {
                    self.logs(&filter, last + 1, to)
                } else {
                    Vec::new()
                };
                (
                    FilterChanges::Logs(logs),
                    Installed::Logs {
                        filter,
                        last: last.max(to),
                    },
                )
            }
            Installed::Blocks { last } => {
                let hashes = (last + 1..=head)
                    .filter_map(|n| self.block(n).map(|b| b.hash))
                    .collect();
                (
                    FilterChanges::Blocks(hashes),
                    Installed::Blocks { last: head },
                )
            }
        };
        self.filters.insert(id, updated);
        Ok(changes)
    }
}

/// What a filter poll returns.
pub enum FilterChanges {
    /// New matching logs.
    Logs(Vec<PlacedLog>),
    /// New blocks' hashes.
    Blocks(Vec<B256>),
}

/// The gas a simulation may use: the request's, at most a transaction's.
fn gas_cap(requested: Option<u64>) -> u64 {
    requested.map_or(TX_GAS_LIMIT, |gas| gas.min(TX_GAS_LIMIT))
}

/// Decodes an EIP-2718 transaction (or a legacy RLP one).
///
/// # Errors
/// [`ChainError::InvalidParams`] if the bytes are not one transaction.
pub fn decode_raw(raw: &[u8]) -> Result<TxEnvelope, ChainError> {
    use alloy_eips::eip2718::Decodable2718;
    let mut bytes = raw;
    let envelope = TxEnvelope::decode_2718(&mut bytes)
        .map_err(|e| ChainError::InvalidParams(format!("invalid transaction: {e}")))?;
    if !bytes.is_empty() {
        return Err(ChainError::InvalidParams(
            "invalid transaction: trailing bytes".into(),
        ));
    }
    Ok(envelope)
}

/// The transaction's intrinsic gas: the runtime's (21,000, calldata,
/// creation), plus EIP-2930's 2,400 per listed address and 1,900 per key.
fn intrinsic_gas(envelope: &TxEnvelope) -> u64 {
    let create = envelope.kind() == TxKind::Create;
    let mut gas = gas::intrinsic_gas(envelope.input(), create);
    if let Some(list) = envelope.access_list() {
        for item in list.iter() {
            gas += 2_400 + 1_900 * item.storage_keys.len() as u64;
        }
    }
    gas
}

/// The WASM a deployment's init code carries: cargo-stylus's 43-byte
/// prelude, then a one-piece program (`0xEFF00000` and brotli), checked
/// deployable. Fragmented programs and other EVM init code are refused:
/// there is no EVM here.
fn deployable_wasm(init_code: &[u8]) -> Result<Vec<u8>, String> {
    let code = init_code
        .get(stylus_check::code::PRELUDE_BYTES..)
        .filter(|code| code.starts_with(&stylus_check::code::EOF_PREFIX))
        .ok_or("init code is not a Stylus program (this chain has no EVM)")?;
    let wasm = stylus_check::code::decode(code, |_| Err("fragments are not supported".into()))
        .map_err(|e| format!("init code: {e}"))?;
    let report = stylus_check::check(&wasm);
    if !report.is_deployable() {
        return Err(format!("the program would not activate: {report}"));
    }
    Ok(wasm)
}
