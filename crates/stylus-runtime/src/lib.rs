//! # stylus-runtime: run Stylus contracts' real WASM locally
//!
//! A deterministic, in-process Arbitrum Stylus runtime on the pure-Rust
//! [wasmi](https://docs.rs/wasmi) interpreter: a [`World`] of contracts and
//! EOAs, deployment through the offline [`stylus_check`] validator, the
//! `vm_hooks` host the SDK's programs import, nested calls with rollback,
//! logs, and gas accounting per call frame. No node, no Docker.
//!
//! ```no_run
//! use stylus_runtime::{abi::{self, Word}, artifacts, World};
//! use alloy_primitives::U256;
//!
//! let mut world = World::new();
//! let alice = world.eoa("alice");
//! let token = world.deploy(alice, &artifacts::test_token()?, None)?.address;
//! let mint = abi::call("mint(address,uint256)", &[alice.word(), U256::from(100).word()]);
//! let outcome = world.call(alice, token, &mint).expect_success("mint");
//! println!("{} gas\n{}", outcome.gas_used, outcome.report);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Modules
//! - [`world`]: accounts, the block (number, timestamp, chain id settable),
//!   persistent storage per contract, and transactions ([`World::deploy`],
//!   [`World::call`], [`World::view`]).
//! - `program`: deployment checks — [`stylus_check::check`], Nitro's
//!   activation rules, then compilation; refusals are [`DeployError`]s.
//! - [`meter`]: Stylus's ink instrumentation of the module (and profiling).
//! - `exec`: one call frame — a fresh instance per call, `user_entrypoint`,
//!   commit or revert.
//! - `host`: the `vm_hooks` functions ([`vm_hooks`] lists them).
//! - `state`: accounts, which programs are cached, and the transaction
//!   journal (storage, balances, refunds, access lists, transient storage,
//!   logs).
//! - [`gas`]: the schedule, in ink and gas.
//! - [`report`]: [`CallOutcome`] and the per-frame [`report::CallReport`].
//! - [`log`][]: [`log::Log`].
//! - [`abi`]: calldata from a selector and words; words and revert selectors
//!   from output.
//! - [`artifacts`]: builds and loads the workspace's WASMs for tests.
//!
//! ## The host (`vm_hooks`)
//! All 42 hostios of Nitro's `HOSTIOS` ([`stylus_check::hostio`]): `read_args`, `write_result`, `exit_early`,
//! `storage_load_bytes32`, `storage_cache_bytes32`, `storage_flush_cache`,
//! `transient_load_bytes32`, `transient_store_bytes32`, `call_contract`,
//! `delegate_call_contract`, `static_call_contract`, `create1`, `create2`,
//! `read_return_data`, `return_data_size`, `emit_log`, `account_balance`,
//! `account_code`, `account_code_size`, `account_codehash`,
//! `block_basefee`, `block_coinbase`, `block_gas_limit`, `block_number`,
//! `block_timestamp`, `chainid`, `contract_address`, `evm_gas_left`,
//! `evm_ink_left`, `math_div`, `math_mod`, `math_pow`, `math_add_mod`,
//! `math_mul_mod`, `msg_reentrant`, `msg_sender`, `msg_value`,
//! `native_keccak256`, `pay_for_memory_grow`, `tx_gas_price`,
//! `tx_ink_price`, `tx_origin`.
//!
//! Semantics follow nitro's host: a per-frame storage cache (loads fill it;
//! cached writes are visible to later loads at once and reach the state only
//! on `storage_flush_cache`; unflushed writes are lost; a revert or trap
//! undoes flushed writes too); nested calls in fresh instances, rolled back
//! with their logs if they fail; static calls that trap on any write, log or
//! value transfer; `msg_reentrant` true when the acting address is already
//! on the call stack (the SDK's entrypoint then reverts); `account_codehash`
//! zero for an unknown account, `keccak256("")` for an EOA, the code's hash
//! for a contract.
//!
//! ## Gas model
//! Every price cites the Nitro code it mirrors (`docs/stylus.md` lists them).
//! - **Program start** (`CallProgram`, `arbos/programs/programs.go`): each
//!   frame pays the init gas activation predicted ([`stylus_check::InitCost`]):
//!   `352 + cached_init_cost` if the program is cached, `8,832 + init_cost`
//!   more if not. Cached means held by the CacheManager
//!   ([`World::cache_program`]) or, as ArbOS 60's `RecentWasms`, among the 32
//!   programs run most recently in the same block.
//! - **Ink** (10,000 per gas): the module is instrumented as Stylus does
//!   ([`meter`]): each basic block pays its WASM operators at Stylus's own
//!   prices (`pricing_v1`: `i32.add` 70, `i32.load` 670, `call` 3800,
//!   `br_if` 765, ...) plus 2450 ink for the check, before it runs;
//!   `memory.copy`/`memory.fill` pay 100 ink per byte. Hostios cost Nitro's
//!   ink (`crates/arbutil/src/pricing.rs`, `user-host-trait`): 8400 base,
//!   +5040 per pointer, +59673 through the EVM API, per-byte copy ink,
//!   `native_keccak256` 121,800 ink + 21,000 per word beyond two, the math
//!   hostios 43,520 to 52,660.
//! - **Storage**: a load that misses the frame's cache costs EIP-2929 cold
//!   2100 / warm 100 (+5 for the EVM API), a cache hit nothing beyond Nitro's
//!   read counter; each flushed slot costs EIP-2200 as amended by EIP-2929
//!   and EIP-3529 (20000 set, 2900 reset, 100 no-op, +2100 if cold); refunds
//!   are tracked per transaction and capped at a fifth of the gas used.
//! - **Logs** 375 + 375 per topic + 8 per byte; **calls** 2600 cold / 100
//!   warm target access, 9000 for value (+25000 for a new account), and the
//!   callee's gas under the 63/64 rule; **account access** (code hash, code,
//!   balance) 2600/100, +700 to load code; **memory** Nitro's `MemoryModel`
//!   (a transaction's first 2 open pages free, 1000 gas per page opened
//!   beyond, plus the exponential table's rise at each new high-water mark).
//! - Every frame's [`report::CallReport`] gives ink, gas by category
//!   ([`gas::GasBreakdown`]), how the program started, storage reads (cold,
//!   warm, cached) and writes, logs and its nested calls; [`CallOutcome`]
//!   adds the intrinsic gas (21000 + calldata), the refund, and what the
//!   transaction would cost with no program cached.
//! - With [`World::set_profiling`] each frame also splits its execution ink
//!   by function, at no cost in gas.
//!
//! ## What is approximate
//! - The EVM API's own gas for account and call requests beyond the access
//!   costs is not added, and `account_code`'s discount for reading the same
//!   account twice is not modelled.
//! - Stylus's stack-depth limit is not enforced (wasmi's own is), and the
//!   return-data floor of ArbOS 31 (`words·3 + words²/512`) is not charged.
//! - Deployment gas is an estimate: intrinsic gas of init code the size of
//!   the compressed program plus 43 bytes, and 200 gas per byte of code
//!   deposit, plus the constructor; activation (ArbWasm's 1,659,168 gas and
//!   its data fee) is not modelled. Code hashes are `keccak256(0xEFF00000 ‖
//!   wasm)`, not of the compressed code.
//! - Calls report status 0 / 1 (revert) / 2 (other failure); a trap uses
//!   the gas spent so far (running out of ink uses all of it).
//! - There is no EVM: no precompiles, `create1`/`create2` always fail, a
//!   call to an account without code succeeds with empty output. Tokens
//!   are Stylus programs here, and pay init gas an EVM token would not.
//! - Gas is never bought with ETH: balances move only by value transfers.
//! - Block values are whatever the host set; `block_number` is not L1's.

pub mod abi;
pub mod artifacts;
mod exec;
pub mod gas;
mod host;
pub mod log;
pub mod meter;
mod program;
pub mod report;
mod state;
pub mod world;

pub use host::vm_hooks;
pub use program::{DeployError, STYLUS_CODE_PREFIX};
pub use report::{CallOutcome, Status};
pub use state::{BlockEnv, EMPTY_CODE_HASH};
pub use world::{create_address, Deployment, World};

/// Keccak-256 of `data`.
///
/// The runtime's own hash, not `alloy_primitives::keccak256`: in a workspace
/// build, stylus-sdk switches alloy's to the `native_keccak256` hostio, which
/// only exists inside a Stylus program (or under motsu).
#[must_use]
pub fn keccak256(data: impl AsRef<[u8]>) -> alloy_primitives::B256 {
    use tiny_keccak::{Hasher, Keccak};
    let mut hasher = Keccak::v256();
    hasher.update(data.as_ref());
    let mut out = [0u8; 32];
    hasher.finalize(&mut out);
    alloy_primitives::B256::from(out)
}
