//! What a call did: its status and output, its logs, and a per-frame report
//! of ink, gas by category, storage reads and writes, logs and nested calls.

use std::fmt;

use alloy_primitives::{Address, U256};

use crate::abi;
use crate::gas::GasBreakdown;
use crate::log::Log;

/// How a call frame ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// `user_entrypoint` returned 0 (or the program exited early with 0).
    Success,
    /// `user_entrypoint` returned nonzero: the output is the revert data.
    Revert,
    /// The frame ran out of ink or gas; all its gas is used.
    OutOfGas,
    /// The program trapped (e.g. `unreachable`, a bad memory access, a write
    /// in a static call) or could not be entered; the reason is attached.
    Failure(String),
}

impl Status {
    /// Whether the frame succeeded.
    #[must_use]
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Success)
    }

    /// The status a caller sees from `call_contract` and friends: 0 for
    /// success, 1 for a revert, 2 for any other failure.
    #[must_use]
    pub(crate) fn code(&self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Revert => 1,
            Self::OutOfGas | Self::Failure(_) => 2,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Success => write!(f, "success"),
            Self::Revert => write!(f, "revert"),
            Self::OutOfGas => write!(f, "out of gas"),
            Self::Failure(reason) => write!(f, "failure: {reason}"),
        }
    }
}

/// The kind of a call frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    /// A transaction's call or a `call_contract`.
    Call,
    /// A `static_call_contract` (or a [`crate::World::view`]): no writes, no logs.
    Static,
    /// A `delegate_call_contract`: the callee's code on the caller's storage.
    Delegate,
    /// A constructor run at deployment.
    Constructor,
}

/// Storage traffic of one frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StorageStats {
    /// Loads that missed the cache on a slot not yet accessed in the
    /// transaction (2100 gas each).
    pub cold_reads: u32,
    /// Loads that missed the cache on a slot already accessed (100 gas each).
    pub warm_reads: u32,
    /// Loads served by the call's storage cache (no EVM gas).
    pub cached_reads: u32,
    /// `storage_cache_bytes32` calls.
    pub cache_writes: u32,
    /// Slots written to the state by `storage_flush_cache`.
    pub slots_written: u32,
    /// `storage_flush_cache` calls.
    pub flushes: u32,
}

impl StorageStats {
    /// Loads that reached the state (cold or warm).
    #[must_use]
    pub fn reads(&self) -> u32 {
        self.cold_reads + self.warm_reads
    }
}

/// How a frame's program started (nitro's `CallProgram`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgramStart {
    /// Whether it was cached: held by the CacheManager or run earlier in
    /// the block.
    pub cached: bool,
    /// The init costs activation recorded for it.
    pub init: stylus_check::InitCost,
}

impl ProgramStart {
    /// The init gas the frame paid.
    #[must_use]
    pub fn gas(&self) -> u64 {
        if self.cached {
            self.init.cached_call_gas()
        } else {
            self.init.uncached_call_gas()
        }
    }

    /// What the frame would pay more if its program were not cached.
    #[must_use]
    pub fn uncached_extra(&self) -> u64 {
        if self.cached {
            self.init.uncached_call_gas() - self.init.cached_call_gas()
        } else {
            0
        }
    }
}

/// One call frame: who called what, how it ended and what it cost, with its
/// nested calls in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallReport {
    /// The kind of call.
    pub kind: CallKind,
    /// `msg_sender` in the frame.
    pub caller: Address,
    /// The acting address: whose storage, balance and logs (the caller's under
    /// a delegate call).
    pub address: Address,
    /// Whose code ran.
    pub code_address: Address,
    /// 0 for a transaction's call.
    pub depth: usize,
    /// Whether code ran (a call to an account without code succeeds at once).
    pub has_code: bool,
    /// How it ended.
    pub status: Status,
    /// Whether `msg_reentrant` was true: the acting address was already on
    /// the call stack.
    pub reentrant: bool,
    /// How the program started, if code ran: whether it was cached and the
    /// init costs it was charged from.
    pub start: Option<ProgramStart>,
    /// Gas the frame was given.
    pub gas_limit: u64,
    /// Gas the frame used, its callees included (all of it when out of gas).
    pub gas_used: u64,
    /// Ink the frame used, its callees included (at 10,000 ink per gas).
    pub ink_used: u64,
    /// `gas_used` by category (compute and hostio rounded up to whole gas).
    pub gas: GasBreakdown,
    /// Storage traffic.
    pub storage: StorageStats,
    /// Logs the frame emitted (kept or not).
    pub logs: u32,
    /// Calldata bytes.
    pub input_len: usize,
    /// Return or revert data bytes.
    pub output_len: usize,
    /// Nested calls, in order.
    pub calls: Vec<CallReport>,
    /// With profiling on: the ink each function of the program spent on
    /// execution in this frame (hostios and callees excluded), most first.
    pub profile: Vec<(String, u64)>,
}

impl CallReport {
    pub(crate) fn new(kind: CallKind, caller: Address, address: Address, depth: usize) -> Self {
        Self {
            kind,
            caller,
            address,
            code_address: address,
            depth,
            has_code: false,
            status: Status::Success,
            reentrant: false,
            start: None,
            gas_limit: 0,
            gas_used: 0,
            ink_used: 0,
            gas: GasBreakdown::default(),
            storage: StorageStats::default(),
            logs: 0,
            input_len: 0,
            output_len: 0,
            calls: Vec::new(),
            profile: Vec::new(),
        }
    }

    /// This frame and every nested one, depth first, in call order.
    #[must_use]
    pub fn frames(&self) -> Vec<&CallReport> {
        let mut out = vec![self];
        for call in &self.calls {
            out.extend(call.frames());
        }
        out
    }

    /// Storage traffic of this frame and every nested one.
    #[must_use]
    pub fn total_storage(&self) -> StorageStats {
        self.frames()
            .iter()
            .fold(StorageStats::default(), |mut acc, frame| {
                let s = frame.storage;
                acc.cold_reads += s.cold_reads;
                acc.warm_reads += s.warm_reads;
                acc.cached_reads += s.cached_reads;
                acc.cache_writes += s.cache_writes;
                acc.slots_written += s.slots_written;
                acc.flushes += s.flushes;
                acc
            })
    }
}

impl fmt::Display for CallReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = &self.gas;
        writeln!(
            f,
            "{:indent$}{:?} {} -> {} [{}]{}: {} gas of {} ({} ink); init {}, compute {}, hostio {}, \
             storage r/w {}/{}, logs {}, keccak {}, account {}, calls {}, callees {}, memory {}; \
             reads {} cold/{} warm/{} cached, {} slots written, {} logs",
            "",
            self.kind,
            self.caller,
            self.address,
            self.status,
            if self.reentrant { " reentrant" } else { "" },
            self.gas_used,
            self.gas_limit,
            self.ink_used,
            g.init,
            g.compute,
            g.hostio,
            g.storage_read,
            g.storage_write,
            g.logs,
            g.keccak,
            g.account,
            g.calls,
            g.callees,
            g.memory,
            self.storage.cold_reads,
            self.storage.warm_reads,
            self.storage.cached_reads,
            self.storage.slots_written,
            self.logs,
            indent = 2 * self.depth,
        )?;
        self.calls.iter().try_for_each(|call| write!(f, "{call}"))
    }
}

/// The result of a transaction-level call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallOutcome {
    /// How the top frame ended.
    pub status: Status,
    /// Return data on success, revert data otherwise.
    pub output: Vec<u8>,
    /// Logs of the transaction, in order; empty unless it succeeded (logs of
    /// reverted inner calls are dropped).
    pub logs: Vec<Log>,
    /// The frame tree with its costs.
    pub report: CallReport,
    /// Base and calldata gas of the transaction.
    pub intrinsic_gas: u64,
    /// The storage refund applied, after the cap of a fifth of the gas used.
    pub refund: u64,
    /// What the transaction pays: intrinsic + execution − refund.
    pub gas_used: u64,
}

impl CallOutcome {
    /// Whether the call succeeded.
    #[must_use]
    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }

    /// The transaction's gas had no program in it been cached: every frame
    /// that started cached pays the uncached init gas instead. Everything
    /// else is as it ran (the refund too, which a larger total could only
    /// raise, up to its cap).
    #[must_use]
    pub fn uncached_gas_used(&self) -> u64 {
        self.gas_used
            + self
                .report
                .frames()
                .iter()
                .filter_map(|frame| frame.start.map(|start| start.uncached_extra()))
                .sum::<u64>()
    }

    /// Gas of the execution alone (the top frame's, callees included).
    #[must_use]
    pub fn execution_gas(&self) -> u64 {
        self.report.gas_used
    }

    /// The output as 32-byte words; empty if it is not word-aligned.
    #[must_use]
    pub fn words(&self) -> Vec<U256> {
        abi::decode_words(&self.output).unwrap_or_default()
    }

    /// Output word `index`, or zero.
    #[must_use]
    pub fn word(&self, index: usize) -> U256 {
        self.words().get(index).copied().unwrap_or_default()
    }

    /// The custom error's selector if the call reverted with one.
    #[must_use]
    pub fn revert_selector(&self) -> Option<[u8; 4]> {
        if self.is_success() {
            return None;
        }
        abi::revert_selector(&self.output)
    }

    /// `self` if it succeeded.
    ///
    /// # Panics
    /// With the status, the output and the frame tree if it did not.
    #[track_caller]
    pub fn expect_success(self, what: &str) -> Self {
        assert!(
            self.is_success(),
            "{what}: {} with output 0x{}\n{}",
            self.status,
            alloy_primitives::hex::encode(&self.output),
            self.report
        );
        self
    }
}
