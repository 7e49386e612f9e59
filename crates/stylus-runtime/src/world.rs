//! The world: accounts (contracts and EOAs), their storage and balances,
//! the block, and the transactions that deploy and call programs.
//!
//! Every [`World::call`] and [`World::deploy`] is one transaction: fresh
//! access lists, original slot values and refund counter; the state changes
//! only if it succeeds.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use crate::keccak256;
use alloy_primitives::{Address, B256, U256};

use crate::abi::CONSTRUCTOR_SELECTOR;
use crate::exec::{self, Message, Runtime};
use crate::gas::{self, CODE_DEPOSIT_GAS, MAX_REFUND_QUOTIENT};
use crate::program::{DeployError, Program, STYLUS_CODE_PREFIX};
use crate::report::{CallKind, CallOutcome};
use crate::state::{Account, BlockEnv, State, Tx};

/// Gas a transaction gets unless [`World::set_gas_limit`] says otherwise.
pub const DEFAULT_GAS_LIMIT: u64 = 30_000_000;

/// A deployed program.
#[derive(Clone, Debug)]
pub struct Deployment {
    /// Where it lives: the CREATE address of the deployer and its nonce.
    pub address: Address,
    /// What `stylus_check` measured (sizes and fragments).
    pub check: stylus_check::Report,
    /// Base, creation and init-code calldata gas (init code approximated as
    /// the compressed program plus cargo-stylus's prelude, all nonzero bytes).
    pub intrinsic_gas: u64,
    /// 200 gas per byte of deployed (compressed) code.
    pub code_deposit_gas: u64,
    /// The constructor's call, if one ran.
    pub constructor: Option<CallOutcome>,
}

impl Deployment {
    /// The deployment transaction's gas: intrinsic, code deposit and the
    /// constructor's execution (activation is not included).
    #[must_use]
    pub fn gas_used(&self) -> u64 {
        self.intrinsic_gas
            + self.code_deposit_gas
            + self
                .constructor
                .as_ref()
                .map_or(0, CallOutcome::execution_gas)
    }
}

/// Native stack for a transaction's thread. Nested calls recurse through
/// wasmi and the host, about 40 KiB per call depth in a debug build; this
/// leaves room for the EVM's 1024. Only touched pages are ever committed.
const TX_STACK_BYTES: usize = 128 << 20;

/// Contracts, EOAs and the block, with transactions over them. A clone is
/// an independent copy (programs are shared, state is not): a snapshot, or
/// a scratch world to simulate a call on.
#[derive(Clone)]
pub struct World {
    max_depth: usize,
    chain: stylus_check::Chain,
    profiling: bool,
    state: State,
    env: BlockEnv,
    gas_limit: u64,
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

impl World {
    /// An empty world at [`BlockEnv::default`], transactions limited to
    /// [`DEFAULT_GAS_LIMIT`] gas, calls to depth 1024.
    #[must_use]
    pub fn new() -> Self {
        Self {
            max_depth: 1024,
            chain: stylus_check::Chain::default(),
            profiling: false,
            state: State::default(),
            env: BlockEnv::default(),
            gas_limit: DEFAULT_GAS_LIMIT,
        }
    }

    // ---- The block ----

    /// The block and chain values programs see.
    #[must_use]
    pub fn block(&self) -> BlockEnv {
        self.env
    }

    /// Changes the block and chain values (basefee, coinbase, chain id...).
    pub fn block_mut(&mut self) -> &mut BlockEnv {
        &mut self.env
    }

    /// Sets the block number and timestamp.
    pub fn set_block(&mut self, number: u64, timestamp: u64) {
        self.env.number = number;
        self.env.timestamp = timestamp;
    }

    /// Sets the block timestamp.
    pub fn set_timestamp(&mut self, timestamp: u64) {
        self.env.timestamp = timestamp;
    }

    /// Moves the block forward by `blocks` and the clock by `seconds`.
    pub fn advance(&mut self, blocks: u64, seconds: u64) {
        self.env.number += blocks;
        self.env.timestamp += seconds;
    }

    /// Sets the chain id.
    pub fn set_chain_id(&mut self, chain_id: u64) {
        self.env.chain_id = chain_id;
    }

    /// The chain deployments are checked for (ArbOS version and the chain
    /// owner's limits); ArbOS 60 with its defaults unless set.
    pub fn set_chain(&mut self, chain: stylus_check::Chain) {
        self.chain = chain;
    }

    /// Sets the gas every following transaction gets.
    pub fn set_gas_limit(&mut self, gas: u64) {
        self.gas_limit = gas;
    }

    // ---- Accounts ----

    /// An externally owned account named `label`, at a fixed address derived
    /// from the label (`keccak256("eoa:" + label)`, low 20 bytes). Creating it
    /// again returns the same address.
    pub fn eoa(&mut self, label: &str) -> Address {
        let hash = keccak256(format!("eoa:{label}"));
        let address = Address::from_word(hash);
        self.state.accounts.entry(address).or_default();
        address
    }

    /// Sets an account's ETH balance (creating the account).
    pub fn set_balance(&mut self, address: Address, wei: U256) {
        self.state.accounts.entry(address).or_default().balance = wei;
    }

    /// An account's ETH balance.
    #[must_use]
    pub fn balance(&self, address: Address) -> U256 {
        self.state.balance(address)
    }

    /// An account's nonce.
    #[must_use]
    pub fn nonce(&self, address: Address) -> u64 {
        self.state.nonce(address)
    }

    /// What `account_codehash` returns: zero for an unknown account,
    /// `keccak256("")` for an EOA, the program's hash for a contract.
    #[must_use]
    pub fn code_hash(&self, address: Address) -> B256 {
        self.state.code_hash(address)
    }

    /// The code at `address` as the runtime stores it: [`STYLUS_CODE_PREFIX`]
    /// and the uncompressed WASM, or nothing.
    #[must_use]
    pub fn code(&self, address: Address) -> Vec<u8> {
        self.state.code_bytes(address).to_vec()
    }

    /// Whether a program is deployed at `address`.
    #[must_use]
    pub fn is_contract(&self, address: Address) -> bool {
        self.state.code(address).is_some()
    }

    /// One storage slot of `address`.
    #[must_use]
    pub fn storage(&self, address: Address, key: B256) -> B256 {
        self.state.storage(address, key)
    }

    /// Every nonzero slot of `address` (to compare before and after a call).
    #[must_use]
    pub fn storage_slots(&self, address: Address) -> BTreeMap<B256, B256> {
        self.state
            .accounts
            .get(&address)
            .map(|account| account.storage.clone())
            .unwrap_or_default()
    }

    /// Writes a storage slot directly, outside any transaction.
    pub fn set_storage(&mut self, address: Address, key: B256, value: B256) {
        let account = self.state.accounts.entry(address).or_default();
        if value.is_zero() {
            account.storage.remove(&key);
        } else {
            account.storage.insert(key, value);
        }
    }

    /// Turns per-function ink counting on or off for later transactions:
    /// each frame's [`crate::report::CallReport::profile`]. The gas is the
    /// same either way. Function names come from the WASM's name section.
    pub fn set_profiling(&mut self, on: bool) {
        self.profiling = on;
    }

    // ---- Program cache ----

    /// Caches the program at `address` as the CacheManager does (its
    /// `placeBid`, through `ArbWasmCache.cacheProgram`): every later call pays
    /// the cached init gas. Returns false if no program is there.
    pub fn cache_program(&mut self, address: Address) -> bool {
        let Some(program) = self.state.code(address) else {
            return false;
        };
        self.state.programs.managed.insert(program.code_hash);
        true
    }

    /// Evicts the program at `address` from the CacheManager: a call pays
    /// the uncached init gas unless the program already ran in its block.
    pub fn evict_program(&mut self, address: Address) {
        if let Some(program) = self.state.code(address) {
            self.state.programs.managed.remove(&program.code_hash);
        }
    }

    // ---- Transactions ----

    /// Deploys `wasm` from `deployer` at the CREATE address of its nonce.
    ///
    /// The module must first pass [`stylus_check::check`] (features, shape,
    /// sizes) and import only hostios this runtime implements. With
    /// `constructor_args` (ABI-encoded, without selector) the constructor
    /// runs in the same transaction, through `user_entrypoint` with calldata
    /// [`CONSTRUCTOR_SELECTOR`] ‖ args, as the SDK routes it; if it fails,
    /// nothing is deployed.
    ///
    /// # Errors
    /// [`DeployError::NotDeployable`] with the checker's report,
    /// [`DeployError::Compile`], or
    /// [`DeployError::ConstructorFailed`] with the constructor's outcome.
    pub fn deploy(
        &mut self,
        deployer: Address,
        wasm: &[u8],
        constructor_args: Option<&[u8]>,
    ) -> Result<Deployment, DeployError> {
        let program = Program::load(wasm, &self.chain)?;
        let code_len = program.check.compressed_bytes + STYLUS_CODE_PREFIX.len();
        let init_code = vec![1u8; stylus_check::code::PRELUDE_BYTES + code_len];
        let intrinsic_gas = gas::intrinsic_gas(&init_code, true);
        let code_deposit_gas = CODE_DEPOSIT_GAS * u64::try_from(code_len).unwrap_or(u64::MAX);

        let mut tx = Tx::new(std::mem::take(&mut self.state), self.env, deployer);
        let address = create_address(deployer, tx.bump_nonce(deployer));
        tx.touch_account(deployer);
        tx.touch_account(address);
        let before = tx.checkpoint();
        let balance = tx.state.balance(address);
        tx.create_account(
            address,
            Account {
                nonce: 1,
                balance,
                code: Some(Arc::clone(&program)),
                storage: BTreeMap::new(),
            },
        );
        let check = program.check.clone();
        let Some(args) = constructor_args else {
            self.state = tx.into_state();
            return Ok(Deployment {
                address,
                check,
                intrinsic_gas,
                code_deposit_gas,
                constructor: None,
            });
        };
        let mut input = CONSTRUCTOR_SELECTOR.to_vec();
        input.extend_from_slice(args);
        let msg = Message {
            kind: CallKind::Constructor,
            caller: deployer,
            address,
            code_address: address,
            value: U256::ZERO,
            input,
            is_static: false,
            depth: 0,
        };
        let gas = self
            .gas_limit
            .saturating_sub(intrinsic_gas + code_deposit_gas);
        let (mut tx, outcome) = self.run(tx, msg, gas, 0);
        if !outcome.is_success() {
            tx.revert(before);
            self.state = tx.into_state();
            return Err(DeployError::ConstructorFailed(Box::new(outcome)));
        }
        self.state = tx.into_state();
        Ok(Deployment {
            address,
            check,
            intrinsic_gas,
            code_deposit_gas,
            constructor: Some(outcome),
        })
    }

    /// A transaction from `from` calling `to` with `calldata`.
    pub fn call(&mut self, from: Address, to: Address, calldata: &[u8]) -> CallOutcome {
        self.call_with_value(from, to, calldata, U256::ZERO)
    }

    /// A transaction from `from` calling `to` with `calldata` and `value` wei.
    pub fn call_with_value(
        &mut self,
        from: Address,
        to: Address,
        calldata: &[u8],
        value: U256,
    ) -> CallOutcome {
        let intrinsic = gas::intrinsic_gas(calldata, false);
        let mut tx = Tx::new(std::mem::take(&mut self.state), self.env, from);
        tx.bump_nonce(from);
        tx.touch_account(from);
        tx.touch_account(to);
        let msg = Message {
            kind: CallKind::Call,
            caller: from,
            address: to,
            code_address: to,
            value,
            input: calldata.to_vec(),
            is_static: false,
            depth: 0,
        };
        let gas = self.gas_limit.saturating_sub(intrinsic);
        let (tx, outcome) = self.run(tx, msg, gas, intrinsic);
        self.state = tx.into_state();
        outcome
    }

    /// A read-only call (a static call from the zero address, as `eth_call`
    /// of a view): any write, log or value transfer fails it, and the world
    /// does not change.
    pub fn view(&mut self, to: Address, calldata: &[u8]) -> CallOutcome {
        let tx = Tx::new(std::mem::take(&mut self.state), self.env, Address::ZERO);
        let msg = Message {
            kind: CallKind::Static,
            caller: Address::ZERO,
            address: to,
            code_address: to,
            value: U256::ZERO,
            input: calldata.to_vec(),
            is_static: true,
            depth: 0,
        };
        let (tx, outcome) = self.run(tx, msg, self.gas_limit, 0);
        self.state = tx.into_state();
        outcome
    }

    /// Runs the top frame of a transaction and settles its refund, on a
    /// thread of its own with a stack deep enough for 1024 nested calls.
    fn run(&self, mut tx: Tx, msg: Message, gas: u64, intrinsic_gas: u64) -> (Tx, CallOutcome) {
        let max_depth = self.max_depth;
        tx.profiling = self.profiling;
        let transaction = move || {
            let runtime = Rc::new(Runtime::new(max_depth));
            let handle = Rc::new(RefCell::new(tx));
            let result = exec::execute(&runtime, &handle, msg, gas);
            let Ok(cell) = Rc::try_unwrap(handle) else {
                unreachable!("every frame has ended, so no one else holds the transaction")
            };
            settle(cell.into_inner(), result, intrinsic_gas)
        };
        std::thread::scope(|scope| {
            let thread = std::thread::Builder::new()
                .name("stylus-runtime tx".into())
                .stack_size(TX_STACK_BYTES)
                .spawn_scoped(scope, transaction)
                .unwrap_or_else(|error| panic!("cannot start a transaction thread: {error}"));
            thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }
}

/// The outcome of a transaction whose top frame ended with `result`.
fn settle(tx: Tx, result: exec::FrameResult, intrinsic_gas: u64) -> (Tx, CallOutcome) {
    let success = result.report.status.is_success();
    let used = intrinsic_gas + result.report.gas_used;
    let refund = if success {
        tx.refund().min(used / MAX_REFUND_QUOTIENT)
    } else {
        0
    };
    let outcome = CallOutcome {
        status: result.report.status.clone(),
        output: result.output,
        logs: if success { tx.logs.clone() } else { Vec::new() },
        report: result.report,
        intrinsic_gas,
        refund,
        gas_used: used - refund,
    };
    (tx, outcome)
}

/// The CREATE address: `keccak256(rlp([sender, nonce]))[12..]`.
#[must_use]
pub fn create_address(sender: Address, nonce: u64) -> Address {
    let nonce_rlp = match nonce {
        0 => vec![0x80],
        1..=0x7f => vec![u8::try_from(nonce).unwrap_or(0)],
        _ => {
            let bytes = nonce.to_be_bytes();
            let start = bytes.iter().position(|&b| b != 0).unwrap_or(7);
            let mut out = vec![0x80 + u8::try_from(8 - start).unwrap_or(0)];
            out.extend_from_slice(&bytes[start..]);
            out
        }
    };
    let mut rlp = vec![0xc0 + u8::try_from(21 + nonce_rlp.len()).unwrap_or(0), 0x94];
    rlp.extend_from_slice(sender.as_slice());
    rlp.extend(nonce_rlp);
    Address::from_word(keccak256(rlp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_addresses_match_the_evm() {
        // The well-known first contract of 0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0.
        let sender: Address = "0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0"
            .parse()
            .unwrap();
        let expected = [
            "0xcd234a471b72ba2f1ccf0a70fcaba648a5eecd8d",
            "0x343c43a37d37dff08ae8c4a11544c718abb4fcf8",
            "0xf778b86fa74e846c4f0a1fbd1335fe81c00a0c91",
        ];
        for (nonce, address) in expected.iter().enumerate() {
            let address: Address = address.parse().unwrap();
            assert_eq!(create_address(sender, nonce as u64), address);
        }
    }

    #[test]
    fn eoas_are_stable_and_have_the_empty_code_hash() {
        let mut world = World::new();
        let alice = world.eoa("alice");
        assert_eq!(world.eoa("alice"), alice);
        assert_eq!(world.code_hash(alice), crate::state::EMPTY_CODE_HASH);
        assert_eq!(world.code_hash(Address::repeat_byte(9)), B256::ZERO);
    }
}
