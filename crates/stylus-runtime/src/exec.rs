//! Running one call frame: a fresh wasmi instance of the callee's program,
//! `user_entrypoint(len)`, ink metering, and commit or revert.
//!
//! As on Stylus, every call instantiates the program anew (fresh memory), so
//! nothing survives between calls except storage. A frame's budget is its
//! gas × 10,000 ink. The program pays for its own execution from the ink
//! global [`crate::meter`] instruments it with; every hostio first settles
//! what the program spent since the last one, then buys its own ink and gas
//! and writes back what is left.
//!
//! Nested calls ([`crate::host`]'s `call_contract` and friends) run
//! [`execute`] recursively on their own store while the caller's store
//! waits inside its host function.

use std::cell::RefCell;
use std::rc::Rc;

use alloy_primitives::{Address, B256, U256};
use std::collections::BTreeMap;
use wasmi::{Engine, Global, Linker, Memory, Store, StoreLimits, StoreLimitsBuilder, Val};

use crate::gas::{self, gas_to_ink, ink_to_gas_ceil, Category, InkLedger, PAGE_BYTES};
use crate::host::{self, HostTrap};
use crate::meter;
use crate::report::{CallKind, CallReport, ProgramStart, Status, StorageStats};
use crate::state::Tx;

/// What every frame of a transaction shares: the engine and the host functions.
pub(crate) struct Runtime {
    pub engine: Engine,
    pub linker: Linker<Frame>,
    /// Deepest call allowed (the EVM's 1024).
    pub max_depth: usize,
}

impl Runtime {
    pub fn new(max_depth: usize) -> Self {
        let engine = crate::program::engine().clone();
        let linker = host::linker(&engine);
        Self {
            engine,
            linker,
            max_depth,
        }
    }
}

/// The transaction in flight, shared by every frame on the stack.
pub(crate) type TxHandle = Rc<RefCell<Tx>>;

/// What a frame is asked to do.
#[derive(Clone, Debug)]
pub(crate) struct Message {
    pub kind: CallKind,
    /// `msg_sender`.
    pub caller: Address,
    /// The acting address: storage, balance, logs, `contract_address`.
    pub address: Address,
    /// Whose code runs.
    pub code_address: Address,
    /// `msg_value`.
    pub value: U256,
    pub input: Vec<u8>,
    pub is_static: bool,
    pub depth: usize,
}

/// One slot in a frame's storage cache.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CachedWord {
    pub value: B256,
    /// The value the state holds, if known.
    pub known: Option<B256>,
}

impl CachedWord {
    pub fn dirty(&self) -> bool {
        self.known != Some(self.value)
    }
}

/// The host-side storage cache of one frame, as nitro keeps it: loads fill
/// it, `storage_cache_bytes32` writes into it, `storage_flush_cache` writes
/// its dirty slots to the state. Whatever is not flushed when the frame
/// ends is lost.
#[derive(Debug, Default)]
pub(crate) struct StorageCache {
    pub slots: BTreeMap<B256, CachedWord>,
    reads: u32,
    writes: u32,
}

impl StorageCache {
    /// Gas nitro charges for a cache read: free for the first 32.
    pub fn read_gas(&mut self) -> u64 {
        self.reads += 1;
        match self.reads {
            0..=32 => 0,
            33..=128 => 2,
            _ => 10,
        }
    }

    /// Gas nitro charges for a cache write: free for the first 8.
    pub fn write_gas(&mut self) -> u64 {
        self.writes += 1;
        match self.writes {
            0..=8 => 0,
            9..=64 => 7,
            _ => 10,
        }
    }
}

/// A frame's ink budget and where it went.
#[derive(Debug, Default)]
pub(crate) struct Meter {
    /// Ink the frame may use.
    pub budget: u64,
    /// Ink written to the program's ink global at the last settlement.
    pub ink_set: u64,
    pub ledger: InkLedger,
}

impl Meter {
    pub fn used(&self) -> u64 {
        self.ledger.total()
    }

    pub fn left(&self) -> u64 {
        self.budget.saturating_sub(self.used())
    }

    /// Buys `ink` for `category`, or fails with out-of-ink.
    pub fn charge(&mut self, category: Category, ink: u64) -> Result<(), HostTrap> {
        if ink > self.left() {
            return Err(HostTrap::OutOfInk);
        }
        self.ledger.add(category, ink);
        Ok(())
    }
}

/// The data of one frame's wasmi store: everything its hostios touch.
pub(crate) struct Frame {
    pub runtime: Rc<Runtime>,
    pub tx: TxHandle,
    pub msg: Message,
    pub reentrant: bool,
    pub memory: Option<Memory>,
    /// The instrumented program's ink globals.
    pub ink_left: Option<Global>,
    pub ink_status: Option<Global>,
    /// `write_result`'s data.
    pub output: Vec<u8>,
    /// The last nested call's return or revert data.
    pub return_data: Vec<u8>,
    pub cache: StorageCache,
    pub meter: Meter,
    /// Caps memory at what ArbOS would ever price.
    pub limits: StoreLimits,
    /// Pages the memory had at the last settlement.
    pub pages: u32,
    pub storage: StorageStats,
    pub logs: u32,
    pub calls: Vec<CallReport>,
}

impl Frame {
    /// Settles what the program spent since the last settlement (`ink_now`
    /// is its ink global now): execution ink, and pages grown (`pages_now`
    /// is the memory's size), priced by ArbOS's memory model.
    pub fn settle(&mut self, ink_now: u64, pages_now: u32) -> Result<(), HostTrap> {
        let spent = self.meter.ink_set.saturating_sub(ink_now);
        self.meter.ink_set = ink_now;
        self.meter.ledger.compute = self.meter.ledger.compute.saturating_add(spent);
        let grown = pages_now.saturating_sub(self.pages);
        self.pages = self.pages.max(pages_now);
        if grown > 0 {
            let gas = self.open_pages(grown).ok_or(HostTrap::OutOfInk)?;
            self.meter.charge(Category::Memory, gas_to_ink(gas))?;
        }
        Ok(())
    }

    /// Opens `pages` more pages in the transaction; their gas, `None` if
    /// ArbOS would price them as infinite.
    pub fn open_pages(&self, pages: u32) -> Option<u64> {
        let mut tx = self.tx.borrow_mut();
        let gas = gas::memory_gas(pages, tx.open_pages, tx.ever_pages)?;
        tx.open_pages = tx.open_pages.saturating_add(pages);
        tx.ever_pages = tx.ever_pages.max(tx.open_pages);
        Some(gas)
    }

    /// The ink left, to be written to the program's ink global.
    pub fn ink_to_give(&mut self) -> u64 {
        let left = self.meter.left();
        self.meter.ink_set = left;
        left
    }
}

/// Reads an i64 global as ink.
pub(crate) fn read_ink(store: impl wasmi::AsContext, global: Option<Global>) -> u64 {
    match global.map(|g| g.get(store)) {
        Some(Val::I64(ink)) => ink as u64,
        _ => 0,
    }
}

/// Writes ink to an i64 global.
pub(crate) fn write_ink(
    store: impl wasmi::AsContextMut,
    global: Option<Global>,
    ink: u64,
) -> Result<(), wasmi::Error> {
    match global {
        Some(global) => Ok(global.set(store, Val::I64(ink as i64))?),
        None => Ok(()),
    }
}

/// A finished frame: its report (status and gas included) and its output.
pub(crate) struct FrameResult {
    pub report: CallReport,
    pub output: Vec<u8>,
}

impl FrameResult {
    fn early(mut report: CallReport, status: Status) -> Self {
        report.status = status;
        Self {
            report,
            output: Vec::new(),
        }
    }
}

/// Runs `msg` with `gas`: transfers its value, runs the code at its code
/// address (none: success at once), and reverts everything it did unless it
/// succeeds.
pub(crate) fn execute(runtime: &Rc<Runtime>, tx: &TxHandle, msg: Message, gas: u64) -> FrameResult {
    let mut report = CallReport::new(msg.kind, msg.caller, msg.address, msg.depth);
    report.code_address = msg.code_address;
    report.gas_limit = gas;
    report.input_len = msg.input.len();
    if msg.depth > runtime.max_depth {
        return FrameResult::early(report, Status::Failure("call depth exceeded".into()));
    }
    let checkpoint = tx.borrow().checkpoint();
    if msg.kind == CallKind::Call && !tx.borrow_mut().transfer(msg.caller, msg.address, msg.value) {
        return FrameResult::early(report, Status::Failure("insufficient balance".into()));
    }
    let program = tx.borrow().state.code(msg.code_address);
    let Some(program) = program else {
        return FrameResult::early(report, Status::Success);
    };
    report.has_code = true;
    let pages_before = {
        let mut tx = tx.borrow_mut();
        report.reentrant = tx.stack.contains(&msg.address);
        tx.stack.push(msg.address);
        tx.open_pages
    };

    let input_len = msg.input.len();
    let start = {
        let mut tx = tx.borrow_mut();
        let block = tx.env.number;
        ProgramStart {
            cached: tx.state.programs.start(program.code_hash, block),
            init: program.check.init,
        }
    };
    report.start = Some(start);
    let frame = Frame {
        runtime: Rc::clone(runtime),
        tx: Rc::clone(tx),
        msg,
        reentrant: report.reentrant,
        memory: None,
        ink_left: None,
        ink_status: None,
        output: Vec::new(),
        return_data: Vec::new(),
        cache: StorageCache::default(),
        meter: Meter {
            budget: gas_to_ink(gas),
            ..Meter::default()
        },
        limits: StoreLimitsBuilder::new()
            .memory_size(gas::MAX_PAGES as usize * PAGE_BYTES as usize)
            .memories(1)
            .tables(1)
            .instances(1)
            .build(),
        pages: 0,
        storage: StorageStats::default(),
        logs: 0,
        calls: Vec::new(),
    };
    let mut store = Store::new(&runtime.engine, frame);
    store.limiter(|frame| &mut frame.limits);
    let (status, profile) = run(&mut store, &program, start, input_len);
    let frame = store.into_data();
    report.profile = profile;

    {
        let mut tx = tx.borrow_mut();
        tx.stack.pop();
        tx.open_pages = pages_before;
        if !status.is_success() {
            tx.revert(checkpoint);
        }
    }
    let ink_used = frame.meter.used();
    report.gas_used = if status == Status::OutOfGas {
        gas
    } else {
        ink_to_gas_ceil(ink_used).min(gas)
    };
    report.ink_used = if status == Status::OutOfGas {
        gas_to_ink(gas)
    } else {
        ink_used
    };
    report.gas = frame.meter.ledger.gas();
    report.storage = frame.storage;
    report.logs = frame.logs;
    report.calls = frame.calls;
    let output = match status {
        Status::Success | Status::Revert => frame.output,
        Status::OutOfGas | Status::Failure(_) => Vec::new(),
    };
    report.output_len = output.len();
    report.status = status;
    FrameResult { report, output }
}

/// Starts the program in `store` and runs its entrypoint; how it ended, and
/// with profiling on the ink per function.
///
/// As nitro's `CallProgram`, the call first pays for the pages the module
/// starts with and for starting the program (init gas, cached or not); it is
/// out of gas if it cannot.
fn run(
    store: &mut Store<Frame>,
    program: &crate::program::Program,
    start: ProgramStart,
    input_len: usize,
) -> (Status, Vec<(String, u64)>) {
    let profiled = if store.data().tx.borrow().profiling {
        program.profiled()
    } else {
        None
    };
    let module = profiled.map_or(&program.module, |(module, _)| module);
    let mut instance = None;
    let status = start_and_call(store, program, module, start, input_len, &mut instance);
    let profile = match (profiled, instance) {
        (Some((_, names)), Some(instance)) => {
            let mut profile: Vec<(String, u64)> = names
                .iter()
                .enumerate()
                .filter_map(|(n, name)| {
                    let counter =
                        instance.get_global(&*store, &format!("{}{n}", meter::PROFILE_PREFIX))?;
                    match counter.get(&*store) {
                        Val::I64(ink) if ink != 0 => Some((name.clone(), ink as u64)),
                        _ => None,
                    }
                })
                .collect();
            profile.sort_by(|a, b| b.1.cmp(&a.1));
            profile
        }
        _ => Vec::new(),
    };
    (status, profile)
}

fn start_and_call(
    store: &mut Store<Frame>,
    program: &crate::program::Program,
    module: &wasmi::Module,
    start: ProgramStart,
    input_len: usize,
    started: &mut Option<wasmi::Instance>,
) -> Status {
    let initial = program.initial_pages;
    let entry = store
        .data()
        .open_pages(initial)
        .ok_or(HostTrap::OutOfInk)
        .and_then(|gas| {
            let meter = &mut store.data_mut().meter;
            meter.charge(Category::Memory, gas_to_ink(gas))?;
            meter.charge(Category::Init, gas_to_ink(start.gas()))
        });
    if entry.is_err() {
        return Status::OutOfGas;
    }
    let runtime = Rc::clone(&store.data().runtime);
    let instance = match runtime.linker.instantiate_and_start(&mut *store, module) {
        Ok(instance) => {
            *started = Some(instance);
            instance
        }
        Err(error) => return Status::Failure(format!("instantiation: {error}")),
    };
    let memory = instance.get_memory(&*store, "memory");
    let pages = memory.map_or(0, |m| pages_of(&*store, m));
    let (ink_left, ink_status) = (
        instance.get_global(&*store, meter::INK_LEFT),
        instance.get_global(&*store, meter::INK_STATUS),
    );
    let frame = store.data_mut();
    frame.memory = memory;
    frame.pages = pages;
    frame.ink_left = ink_left;
    frame.ink_status = ink_status;
    let ink = frame.ink_to_give();
    if let Err(error) = write_ink(&mut *store, ink_left, ink) {
        return Status::Failure(error.to_string());
    }
    let entrypoint = match instance.get_typed_func::<i32, i32>(&*store, "user_entrypoint") {
        Ok(entrypoint) => entrypoint,
        Err(error) => return Status::Failure(format!("user_entrypoint: {error}")),
    };
    let Ok(len) = i32::try_from(input_len) else {
        return Status::Failure("calldata too long".into());
    };
    let result = entrypoint.call(&mut *store, len);
    let out_of_ink = matches!(ink_status.map(|g| g.get(&*store)), Some(Val::I32(1)));
    let ink_now = read_ink(&*store, ink_left);
    let pages_now = memory.map_or(0, |m| pages_of(&*store, m));
    let settled = store.data_mut().settle(ink_now, pages_now);
    match result {
        _ if out_of_ink => Status::OutOfGas,
        Ok(_) if settled.is_err() => Status::OutOfGas,
        Ok(0) => Status::Success,
        Ok(_) => Status::Revert,
        Err(error) => classify(&error),
    }
}

/// The size of `memory` in pages.
pub(crate) fn pages_of(store: impl wasmi::AsContext, memory: Memory) -> u32 {
    u32::try_from(memory.size(store)).unwrap_or(u32::MAX)
}

/// The status of a frame that trapped.
fn classify(error: &wasmi::Error) -> Status {
    if let Some(trap) = error.downcast_ref::<HostTrap>() {
        return match trap {
            HostTrap::Exit(0) => Status::Success,
            HostTrap::Exit(_) => Status::Revert,
            HostTrap::OutOfInk => Status::OutOfGas,
            other => Status::Failure(other.to_string()),
        };
    }
    Status::Failure(error.to_string())
}
