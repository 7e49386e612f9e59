//! World state (accounts, code, balances, persistent storage) and one
//! transaction's journal over it: access lists, original slot values,
//! refunds, transient storage, logs and the call stack.
//!
//! Every change a transaction makes goes through [`Tx`] and is journaled, so
//! a reverted frame undoes exactly its own writes, value transfers, logs,
//! warm accesses and refund changes (EIP-2929 access lists revert with the
//! frame, as in geth).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use alloy_primitives::{Address, B256, U256};

use crate::gas::{self, SstoreGas};
use crate::log::Log;
use crate::program::Program;

/// `keccak256("")`: the code hash of an existing account without code.
pub const EMPTY_CODE_HASH: B256 =
    alloy_primitives::b256!("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

/// One account.
#[derive(Clone, Debug, Default)]
pub(crate) struct Account {
    pub nonce: u64,
    pub balance: U256,
    pub code: Option<Arc<Program>>,
    /// Nonzero slots only.
    pub storage: BTreeMap<B256, B256>,
}

/// Every account, by address, and which programs start cached.
#[derive(Clone, Debug, Default)]
pub(crate) struct State {
    pub accounts: BTreeMap<Address, Account>,
    pub programs: ProgramCache,
}

/// Which programs a call finds cached, as nitro's `CallProgram` decides
/// (`arbos/programs/programs.go`): those the CacheManager holds, or from
/// ArbOS 60 one of the [`BLOCK_CACHE_SIZE`] most recently run in this block
/// (geth's `RecentWasms`, discarded at the end of each block).
#[derive(Clone, Debug, Default)]
pub(crate) struct ProgramCache {
    /// Code hashes the CacheManager holds.
    pub managed: HashSet<B256>,
    /// The block `recent` belongs to.
    block: u64,
    /// This block's recently run programs, least recent first.
    recent: Vec<B256>,
}

/// `BlockCacheSize` (`params.go`).
pub const BLOCK_CACHE_SIZE: usize = 32;

impl ProgramCache {
    /// Whether a call at `block` finds `code_hash` cached; records the run
    /// among the block's recent programs as `RecentWasms.Insert` does (a hit
    /// refreshes it; a miss adds it, evicting the least recent).
    pub fn start(&mut self, code_hash: B256, block: u64) -> bool {
        if self.managed.contains(&code_hash) {
            return true;
        }
        if block != self.block {
            self.block = block;
            self.recent.clear();
        }
        if let Some(at) = self.recent.iter().position(|&h| h == code_hash) {
            self.recent.remove(at);
            self.recent.push(code_hash);
            return true;
        }
        if self.recent.len() == BLOCK_CACHE_SIZE {
            self.recent.remove(0);
        }
        self.recent.push(code_hash);
        false
    }
}

impl State {
    pub fn storage(&self, address: Address, key: B256) -> B256 {
        self.accounts
            .get(&address)
            .and_then(|account| account.storage.get(&key))
            .copied()
            .unwrap_or_default()
    }

    pub fn code(&self, address: Address) -> Option<Arc<Program>> {
        self.accounts.get(&address).and_then(|a| a.code.clone())
    }

    pub fn balance(&self, address: Address) -> U256 {
        self.accounts
            .get(&address)
            .map(|a| a.balance)
            .unwrap_or_default()
    }

    pub fn nonce(&self, address: Address) -> u64 {
        self.accounts.get(&address).map_or(0, |a| a.nonce)
    }

    /// Zero for an unknown account, `keccak256("")` for one without code,
    /// the program's hash otherwise.
    pub fn code_hash(&self, address: Address) -> B256 {
        match self.accounts.get(&address) {
            None => B256::ZERO,
            Some(Account { code: None, .. }) => EMPTY_CODE_HASH,
            Some(Account {
                code: Some(program),
                ..
            }) => program.code_hash,
        }
    }

    /// The account's code as the chain stores it (empty without code).
    pub fn code_bytes(&self, address: Address) -> &[u8] {
        self.accounts
            .get(&address)
            .and_then(|a| a.code.as_deref())
            .map_or(&[], |program| program.code.as_slice())
    }

    /// EIP-161 emptiness: no code, nonce and balance zero (or no account).
    pub fn is_empty(&self, address: Address) -> bool {
        self.accounts
            .get(&address)
            .is_none_or(|a| a.code.is_none() && a.nonce == 0 && a.balance.is_zero())
    }

    fn set_storage(&mut self, address: Address, key: B256, value: B256) {
        let account = self.accounts.entry(address).or_default();
        if value.is_zero() {
            account.storage.remove(&key);
        } else {
            account.storage.insert(key, value);
        }
    }
}

/// The block a transaction runs in, and chain-wide values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockEnv {
    /// `block_number`.
    pub number: u64,
    /// `block_timestamp` (seconds).
    pub timestamp: u64,
    /// `chainid`.
    pub chain_id: u64,
    /// `block_basefee` and `tx_gas_price` (wei per gas).
    pub basefee: U256,
    /// `block_coinbase`.
    pub coinbase: Address,
    /// `block_gas_limit`.
    pub gas_limit: u64,
}

impl Default for BlockEnv {
    /// Block 1 at 2025-01-01T00:00:00Z on the nitro devnode's chain
    /// (412346), basefee 0.1 gwei, Arbitrum's 32M block gas limit.
    fn default() -> Self {
        Self {
            number: 1,
            timestamp: 1_735_689_600,
            chain_id: 412_346,
            basefee: U256::from(100_000_000u64),
            coinbase: Address::ZERO,
            gas_limit: 32_000_000,
        }
    }
}

/// One undoable change.
#[derive(Debug)]
enum Change {
    Storage {
        address: Address,
        key: B256,
        prev: B256,
    },
    Transient {
        address: Address,
        key: B256,
        prev: B256,
    },
    Balance {
        address: Address,
        prev: U256,
    },
    Created {
        address: Address,
        prev: Option<Box<Account>>,
    },
    WarmAccount(Address),
    WarmSlot(Address, B256),
    Refund(i64),
}

/// A point to revert to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Checkpoint {
    journal: usize,
    logs: usize,
}

/// One transaction in flight over the world's state.
pub(crate) struct Tx {
    pub state: State,
    pub env: BlockEnv,
    pub origin: Address,
    journal: Vec<Change>,
    warm_accounts: HashSet<Address>,
    warm_slots: HashSet<(Address, B256)>,
    originals: HashMap<(Address, B256), B256>,
    transient: HashMap<(Address, B256), B256>,
    refund: i64,
    pub logs: Vec<Log>,
    /// Acting addresses of the frames running, outermost first.
    pub stack: Vec<Address>,
    /// Memory pages open across the call stack, and the most ever open.
    pub open_pages: u32,
    pub ever_pages: u32,
    /// Whether frames count their ink per function ([`crate::World::set_profiling`]).
    pub profiling: bool,
}

impl Tx {
    pub fn new(state: State, env: BlockEnv, origin: Address) -> Self {
        Self {
            state,
            env,
            origin,
            journal: Vec::new(),
            warm_accounts: HashSet::new(),
            warm_slots: HashSet::new(),
            originals: HashMap::new(),
            transient: HashMap::new(),
            refund: 0,
            logs: Vec::new(),
            stack: Vec::new(),
            open_pages: 0,
            ever_pages: 0,
            profiling: false,
        }
    }

    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            journal: self.journal.len(),
            logs: self.logs.len(),
        }
    }

    /// Undoes every change since `checkpoint`.
    pub fn revert(&mut self, checkpoint: Checkpoint) {
        while self.journal.len() > checkpoint.journal {
            match self.journal.pop() {
                Some(Change::Storage { address, key, prev }) => {
                    self.state.set_storage(address, key, prev);
                }
                Some(Change::Transient { address, key, prev }) => {
                    self.transient.insert((address, key), prev);
                }
                Some(Change::Balance { address, prev }) => {
                    self.state.accounts.entry(address).or_default().balance = prev;
                }
                Some(Change::Created { address, prev }) => match prev {
                    Some(account) => {
                        self.state.accounts.insert(address, *account);
                    }
                    None => {
                        self.state.accounts.remove(&address);
                    }
                },
                Some(Change::WarmAccount(address)) => {
                    self.warm_accounts.remove(&address);
                }
                Some(Change::WarmSlot(address, key)) => {
                    self.warm_slots.remove(&(address, key));
                }
                Some(Change::Refund(prev)) => self.refund = prev,
                None => break,
            }
        }
        self.logs.truncate(checkpoint.logs);
    }

    /// Marks `address` warm; whether it was cold.
    pub fn touch_account(&mut self, address: Address) -> bool {
        let cold = self.warm_accounts.insert(address);
        if cold {
            self.journal.push(Change::WarmAccount(address));
        }
        cold
    }

    /// Marks a slot warm; whether it was cold. Records its original value on
    /// first access.
    fn touch_slot(&mut self, address: Address, key: B256) -> bool {
        let current = self.state.storage(address, key);
        self.originals.entry((address, key)).or_insert(current);
        let cold = self.warm_slots.insert((address, key));
        if cold {
            self.journal.push(Change::WarmSlot(address, key));
        }
        cold
    }

    /// EIP-2929 account access: its gas, warming the account.
    pub fn access_account(&mut self, address: Address) -> u64 {
        gas::account_gas(self.touch_account(address))
    }

    /// A storage load that missed the frame's cache: the value, and whether
    /// the slot was cold.
    pub fn sload(&mut self, address: Address, key: B256) -> (B256, bool) {
        let cold = self.touch_slot(address, key);
        (self.state.storage(address, key), cold)
    }

    /// What writing `value` would cost now, without writing.
    pub fn sstore_cost(&self, address: Address, key: B256, value: B256) -> SstoreGas {
        let current = self.state.storage(address, key);
        let original = self
            .originals
            .get(&(address, key))
            .copied()
            .unwrap_or(current);
        let cold = !self.warm_slots.contains(&(address, key));
        gas::sstore_gas(original, current, value, cold)
    }

    /// Writes a slot (EIP-2200 refund bookkeeping included).
    pub fn sstore(&mut self, address: Address, key: B256, value: B256) {
        let cost = self.sstore_cost(address, key, value);
        self.touch_slot(address, key);
        if cost.refund != 0 {
            self.journal.push(Change::Refund(self.refund));
            self.refund += cost.refund;
        }
        let prev = self.state.storage(address, key);
        if prev != value {
            self.journal.push(Change::Storage { address, key, prev });
            self.state.set_storage(address, key, value);
        }
    }

    pub fn tload(&self, address: Address, key: B256) -> B256 {
        self.transient
            .get(&(address, key))
            .copied()
            .unwrap_or_default()
    }

    pub fn tstore(&mut self, address: Address, key: B256, value: B256) {
        let prev = self.tload(address, key);
        self.journal.push(Change::Transient { address, key, prev });
        self.transient.insert((address, key), value);
    }

    /// The refund counter (never negative at the end of a transaction).
    pub fn refund(&self) -> u64 {
        u64::try_from(self.refund).unwrap_or(0)
    }

    fn set_balance(&mut self, address: Address, balance: U256) {
        let account = self.state.accounts.entry(address).or_default();
        let prev = account.balance;
        account.balance = balance;
        self.journal.push(Change::Balance { address, prev });
    }

    /// Moves `value` wei; `false` (and nothing moves) if `from` has less.
    pub fn transfer(&mut self, from: Address, to: Address, value: U256) -> bool {
        if value.is_zero() {
            return true;
        }
        let from_balance = self.state.balance(from);
        if from_balance < value {
            return false;
        }
        if !self.state.accounts.contains_key(&to) {
            self.create_account(to, Account::default());
        }
        self.set_balance(from, from_balance - value);
        let to_balance = self.state.balance(to);
        self.set_balance(to, to_balance.saturating_add(value));
        true
    }

    /// Puts `account` at `address`, replacing what was there (undoably).
    pub fn create_account(&mut self, address: Address, account: Account) {
        let prev = self.state.accounts.insert(address, account).map(Box::new);
        self.journal.push(Change::Created { address, prev });
    }

    /// Bumps an account's nonce. Not journaled: a transaction's nonce
    /// stays used even if it reverts.
    pub fn bump_nonce(&mut self, address: Address) -> u64 {
        let account = self.state.accounts.entry(address).or_default();
        let nonce = account.nonce;
        account.nonce += 1;
        nonce
    }

    /// The transaction's state, with its transient storage dropped.
    pub fn into_state(self) -> State {
        self.state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revert_undoes_storage_refunds_warmth_and_logs() {
        let (a, key) = (Address::repeat_byte(1), B256::with_last_byte(9));
        let mut tx = Tx::new(State::default(), BlockEnv::default(), a);
        tx.sstore(a, key, B256::with_last_byte(1));
        let checkpoint = tx.checkpoint();
        tx.sstore(a, B256::ZERO, B256::with_last_byte(2));
        tx.sstore(a, key, B256::ZERO);
        tx.logs.push(Log {
            address: a,
            topics: vec![],
            data: vec![],
        });
        assert_eq!(tx.refund(), 19900);
        tx.revert(checkpoint);
        assert_eq!(tx.state.storage(a, key), B256::with_last_byte(1));
        assert_eq!(tx.state.storage(a, B256::ZERO), B256::ZERO);
        assert_eq!(tx.refund(), 0);
        assert!(tx.logs.is_empty());
        // The slot written before the checkpoint stays warm; the other is cold again.
        assert!(!tx.sload(a, key).1);
        assert!(tx.sload(a, B256::ZERO).1);
    }

    #[test]
    fn programs_are_cached_by_the_cache_manager_or_earlier_in_the_block() {
        let mut cache = ProgramCache::default();
        let (a, b) = (B256::with_last_byte(1), B256::with_last_byte(2));
        assert!(!cache.start(a, 7), "first run of the block");
        assert!(cache.start(a, 7), "ran earlier in the block");
        assert!(!cache.start(a, 8), "a new block starts empty");
        cache.managed.insert(b);
        assert!(cache.start(b, 8) && cache.start(b, 9), "the CacheManager's");
        // The least recent of 33 is evicted.
        for n in 0..BLOCK_CACHE_SIZE as u8 {
            cache.start(B256::with_last_byte(100 + n), 8);
        }
        assert!(!cache.start(a, 8));
    }

    #[test]
    fn code_hashes_distinguish_unknown_and_empty_accounts() {
        let mut state = State::default();
        let eoa = Address::repeat_byte(2);
        state.accounts.insert(eoa, Account::default());
        assert_eq!(state.code_hash(Address::repeat_byte(3)), B256::ZERO);
        assert_eq!(state.code_hash(eoa), EMPTY_CODE_HASH);
    }
}
