//! The host's semantics on small hand-written programs: deployment checks,
//! the storage cache and its flush, reverts, nested calls, delegate and
//! static calls, reentrancy, out-of-gas and traps, and metering.

use alloy_primitives::{Address, B256, U256};
use stylus_runtime::abi;
use stylus_runtime::report::CallKind;
use stylus_runtime::{vm_hooks, CallOutcome, DeployError, Status, World};

/// A program whose first calldata byte picks what it does. Memory: the key
/// K = 1 at 0, the value V = 7 at 32, an output word at 64, calldata at 96,
/// a zero call value at 128, a length at 160, an address at 200.
const PROGRAM: &str = r#"
(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (import "vm_hooks" "emit_log" (func $emit_log (param i32 i32 i32)))
  (import "vm_hooks" "msg_reentrant" (func $reentrant (result i32)))
  (import "vm_hooks" "contract_address" (func $address (param i32)))
  (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "delegate_call_contract" (func $delegate (param i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "read_return_data" (func $read_return (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1 1)
  (data (i32.const 31) "\01")
  (data (i32.const 63) "\07")
  (func $put (call $cache (i32.const 0) (i32.const 32)))
  (func $out (call $write_result (i32.const 64) (i32.const 32)))
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 96))
    (block $op9 (block $op8 (block $op7 (block $op6 (block $op5
    (block $op4 (block $op3 (block $op2 (block $op1 (block $op0
      (br_table $op0 $op1 $op2 $op3 $op4 $op5 $op6 $op7 $op8 $op9
        (i32.load8_u (i32.const 96))))
      ;; 0: a cached write is visible to a load at once, but never flushed
      (call $put)
      (call $load (i32.const 0) (i32.const 64))
      (call $out)
      (return (i32.const 0)))
    ;; 1: a flushed write persists
    (call $put)
    (call $flush (i32.const 1))
    (return (i32.const 0)))
    ;; 2: write, flush and log, then revert
    (call $put)
    (call $flush (i32.const 0))
    (call $emit_log (i32.const 32) (i32.const 32) (i32.const 1))
    (return (i32.const 1)))
    ;; 3: return msg_reentrant as a word
    (i32.store8 (i32.const 95) (call $reentrant))
    (call $out)
    (return (i32.const 0)))
    ;; 4: call ourselves with [3] and return what it returns
    (call $address (i32.const 200))
    (i32.store8 (i32.const 96) (i32.const 3))
    (drop (call $call (i32.const 200) (i32.const 96) (i32.const 1) (i32.const 128)
      (i64.const -1) (i32.const 160)))
    (drop (call $read_return (i32.const 64) (i32.const 0) (i32.const 32)))
    (call $out)
    (return (i32.const 0)))
    ;; 5: log, call ourselves with [2] (which reverts), return its status
    (call $emit_log (i32.const 32) (i32.const 0) (i32.const 0))
    (call $address (i32.const 200))
    (i32.store8 (i32.const 96) (i32.const 2))
    (i32.store8 (i32.const 95) (call $call (i32.const 200) (i32.const 96) (i32.const 1)
      (i32.const 128) (i64.const -1) (i32.const 160)))
    (call $out)
    (return (i32.const 0)))
    ;; 6: spin forever
    (loop $spin (br $spin))
    (unreachable))
    ;; 7: trap
    (unreachable))
    ;; 8: load K twice: the second load hits the cache
    (call $load (i32.const 0) (i32.const 64))
    (call $load (i32.const 0) (i32.const 64))
    (call $out)
    (return (i32.const 0)))
    ;; 9: delegate-call the address in calldata[1..21] with [1]
    (i32.store8 (i32.const 96) (i32.const 1))
    (i32.store8 (i32.const 95) (call $delegate (i32.const 97) (i32.const 96) (i32.const 1)
      (i64.const -1) (i32.const 160)))
    (call $out)
    (i32.const 0))
)
"#;

/// The key the program writes.
fn key() -> B256 {
    B256::with_last_byte(1)
}

fn deploy(world: &mut World, wat: &str) -> Address {
    let wasm = wat::parse_str(wat).expect("valid WAT");
    let from = world.eoa("deployer");
    world.deploy(from, &wasm, None).expect("deployable").address
}

fn run(world: &mut World, program: Address, op: u8) -> CallOutcome {
    let from = world.eoa("caller");
    world.call(from, program, &[op])
}

#[test]
fn a_module_stylus_check_refuses_is_not_deployed() {
    let mut world = World::new();
    let from = world.eoa("deployer");
    // Multi-value, which ArbOS 61 removes, and no memory.
    let wasm = wat::parse_str(
        r#"(module (func (export "user_entrypoint") (param i32) (result i32 i32)
             (local.get 0) (local.get 0)))"#,
    )
    .unwrap();
    let error = world.deploy(from, &wasm, None).unwrap_err();
    let DeployError::NotDeployable(report) = &error else {
        panic!("expected a refusal, got {error}");
    };
    assert!(!report.is_deployable());
    assert!(error.to_string().contains("NOT deployable"), "{error}");
    assert_eq!(world.nonce(from), 0, "nothing was sent");
}

#[test]
fn imports_the_host_lacks_are_refused() {
    let mut world = World::new();
    let from = world.eoa("deployer");
    let wasm = wat::parse_str(
        r#"(module
             (import "vm_hooks" "no_such_hostio" (func (param i32)))
             (memory (export "memory") 1 1)
             (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    )
    .unwrap();
    let error = world.deploy(from, &wasm, None).unwrap_err();
    assert!(
        matches!(&error, DeployError::NotDeployable(report) if report.to_string().contains("No such import no_such_hostio")),
        "{error}"
    );
    let wrong_type = wat::parse_str(
        r#"(module
             (import "vm_hooks" "block_number" (func (result i32)))
             (memory (export "memory") 1 1)
             (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    )
    .unwrap();
    let error = world.deploy(from, &wrong_type, None).unwrap_err();
    assert!(
        matches!(&error, DeployError::NotDeployable(report) if report.to_string().contains("different function signature")),
        "{error}"
    );
}

#[test]
fn every_hostio_links_with_its_signature() {
    let hooks: Vec<&str> = vm_hooks().collect();
    assert_eq!(hooks.len(), 42);
    let wat = r#"(module
      (import "vm_hooks" "read_args" (func (param i32)))
      (import "vm_hooks" "write_result" (func (param i32 i32)))
      (import "vm_hooks" "exit_early" (func (param i32)))
      (import "vm_hooks" "storage_load_bytes32" (func (param i32 i32)))
      (import "vm_hooks" "storage_cache_bytes32" (func (param i32 i32)))
      (import "vm_hooks" "storage_flush_cache" (func (param i32)))
      (import "vm_hooks" "transient_load_bytes32" (func (param i32 i32)))
      (import "vm_hooks" "transient_store_bytes32" (func (param i32 i32)))
      (import "vm_hooks" "call_contract" (func (param i32 i32 i32 i32 i64 i32) (result i32)))
      (import "vm_hooks" "delegate_call_contract" (func (param i32 i32 i32 i64 i32) (result i32)))
      (import "vm_hooks" "static_call_contract" (func (param i32 i32 i32 i64 i32) (result i32)))
      (import "vm_hooks" "create1" (func (param i32 i32 i32 i32 i32)))
      (import "vm_hooks" "create2" (func (param i32 i32 i32 i32 i32 i32)))
      (import "vm_hooks" "read_return_data" (func (param i32 i32 i32) (result i32)))
      (import "vm_hooks" "return_data_size" (func (result i32)))
      (import "vm_hooks" "emit_log" (func (param i32 i32 i32)))
      (import "vm_hooks" "account_balance" (func (param i32 i32)))
      (import "vm_hooks" "account_code" (func (param i32 i32 i32 i32) (result i32)))
      (import "vm_hooks" "account_code_size" (func (param i32) (result i32)))
      (import "vm_hooks" "account_codehash" (func (param i32 i32)))
      (import "vm_hooks" "block_basefee" (func (param i32)))
      (import "vm_hooks" "block_coinbase" (func (param i32)))
      (import "vm_hooks" "block_gas_limit" (func (result i64)))
      (import "vm_hooks" "block_number" (func (result i64)))
      (import "vm_hooks" "block_timestamp" (func (result i64)))
      (import "vm_hooks" "chainid" (func (result i64)))
      (import "vm_hooks" "contract_address" (func (param i32)))
      (import "vm_hooks" "evm_gas_left" (func (result i64)))
      (import "vm_hooks" "evm_ink_left" (func (result i64)))
      (import "vm_hooks" "math_div" (func (param i32 i32)))
      (import "vm_hooks" "math_mod" (func (param i32 i32)))
      (import "vm_hooks" "math_pow" (func (param i32 i32)))
      (import "vm_hooks" "math_add_mod" (func (param i32 i32 i32)))
      (import "vm_hooks" "math_mul_mod" (func (param i32 i32 i32)))
      (import "vm_hooks" "msg_reentrant" (func (result i32)))
      (import "vm_hooks" "msg_sender" (func (param i32)))
      (import "vm_hooks" "msg_value" (func (param i32)))
      (import "vm_hooks" "native_keccak256" (func (param i32 i32 i32)))
      (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
      (import "vm_hooks" "tx_gas_price" (func (param i32)))
      (import "vm_hooks" "tx_ink_price" (func (result i32)))
      (import "vm_hooks" "tx_origin" (func (param i32)))
      (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#;
    for hook in &hooks {
        assert!(wat.contains(&format!("\"{hook}\"")), "{hook} is not tested");
    }
    let mut world = World::new();
    let program = deploy(&mut world, wat);
    let outcome = run(&mut world, program, 0);
    assert_eq!(outcome.status, Status::Success, "{}", outcome.report);
}

#[test]
fn cached_writes_are_visible_at_once_and_persist_only_when_flushed() {
    let mut world = World::new();
    let program = deploy(&mut world, PROGRAM);
    // Written to the cache, read back from it, never flushed: lost.
    let outcome = run(&mut world, program, 0);
    assert_eq!(outcome.words(), vec![U256::from(7)]);
    assert_eq!(outcome.report.storage.cached_reads, 1);
    assert_eq!(outcome.report.storage.slots_written, 0);
    assert_eq!(world.storage(program, key()), B256::ZERO);
    // Flushed: persisted, at EIP-2200's price for a fresh slot (cold).
    let outcome = run(&mut world, program, 1);
    assert!(outcome.is_success());
    assert_eq!(outcome.report.storage.slots_written, 1);
    assert_eq!(outcome.report.gas.storage_write, 22_100);
    assert_eq!(world.storage(program, key()), B256::with_last_byte(7));
}

#[test]
fn a_revert_undoes_flushed_writes_and_logs() {
    let mut world = World::new();
    let program = deploy(&mut world, PROGRAM);
    let outcome = run(&mut world, program, 2);
    assert_eq!(outcome.status, Status::Revert);
    assert_eq!(outcome.report.storage.slots_written, 1);
    assert_eq!(outcome.report.logs, 1);
    assert!(outcome.logs.is_empty());
    assert_eq!(world.storage(program, key()), B256::ZERO);
}

#[test]
fn a_nested_revert_rolls_back_only_the_callee() {
    let mut world = World::new();
    let program = deploy(&mut world, PROGRAM);
    let outcome = run(&mut world, program, 5);
    assert!(outcome.is_success(), "{}", outcome.report);
    assert_eq!(outcome.words(), vec![U256::from(1)], "the callee's status");
    let callee = &outcome.report.calls[0];
    assert_eq!(callee.status, Status::Revert);
    assert_eq!((callee.logs, callee.storage.slots_written), (1, 1));
    // Only the caller's own (topic-less, empty) log is left.
    assert_eq!(outcome.logs.len(), 1);
    assert!(outcome.logs[0].topics.is_empty());
    assert_eq!(world.storage(program, key()), B256::ZERO);
}

#[test]
fn msg_reentrant_is_true_only_for_a_contract_already_on_the_stack() {
    let mut world = World::new();
    let program = deploy(&mut world, PROGRAM);
    assert_eq!(run(&mut world, program, 3).words(), vec![U256::ZERO]);
    let outcome = run(&mut world, program, 4);
    assert_eq!(outcome.words(), vec![U256::from(1)]);
    assert!(!outcome.report.reentrant);
    assert!(outcome.report.calls[0].reentrant);
}

#[test]
fn a_delegate_call_runs_the_callee_on_the_callers_storage() {
    let mut world = World::new();
    let caller = deploy(&mut world, PROGRAM);
    let library = deploy(&mut world, PROGRAM);
    let mut calldata = vec![9];
    calldata.extend_from_slice(library.as_slice());
    let from = world.eoa("caller");
    let outcome = world.call(from, caller, &calldata);
    assert_eq!(outcome.words(), vec![U256::ZERO], "{}", outcome.report);
    let frame = &outcome.report.calls[0];
    assert_eq!(frame.kind, CallKind::Delegate);
    assert_eq!((frame.address, frame.code_address), (caller, library));
    assert_eq!(world.storage(caller, key()), B256::with_last_byte(7));
    assert_eq!(world.storage(library, key()), B256::ZERO);
}

#[test]
fn a_static_context_refuses_writes() {
    let mut world = World::new();
    let program = deploy(&mut world, PROGRAM);
    let outcome = world.view(program, &[1]);
    assert!(
        matches!(&outcome.status, Status::Failure(reason) if reason.contains("write protection")),
        "{}",
        outcome.status
    );
    assert_eq!(world.storage(program, key()), B256::ZERO);
    // Reads are fine.
    assert!(world.view(program, &[8]).is_success());
}

#[test]
fn running_out_of_gas_uses_it_all_and_traps_fail() {
    let mut world = World::new();
    let program = deploy(&mut world, PROGRAM);
    world.set_gas_limit(100_000);
    let outcome = run(&mut world, program, 6);
    assert_eq!(outcome.status, Status::OutOfGas);
    assert_eq!(outcome.report.gas_used, outcome.report.gas_limit);
    let outcome = run(&mut world, program, 7);
    assert!(
        matches!(outcome.status, Status::Failure(_)),
        "{}",
        outcome.status
    );
    assert!(outcome.report.gas_used < outcome.report.gas_limit);
}

#[test]
fn a_cold_load_costs_2100_and_a_cached_one_nothing() {
    let mut world = World::new();
    let program = deploy(&mut world, PROGRAM);
    let outcome = run(&mut world, program, 8);
    let storage = outcome.report.storage;
    assert_eq!(
        (storage.cold_reads, storage.warm_reads, storage.cached_reads),
        (1, 0, 1)
    );
    // 2100 for the cold slot, plus the EVM API's 5 gas for the miss.
    assert_eq!(outcome.report.gas.storage_read, 2105);
    assert!(outcome.report.gas.compute > 0 && outcome.report.gas.hostio > 0);
    // 21000 + 16 for the one nonzero calldata byte.
    assert_eq!(outcome.intrinsic_gas, 21_016);
    assert_eq!(
        outcome.gas_used,
        outcome.intrinsic_gas + outcome.report.gas_used
    );
}

#[test]
fn blocks_are_metered_at_stylus_prices() {
    // One basic block: i32.const (1 ink) and end (1 ink), plus the header.
    let mut world = World::new();
    let program = deploy(
        &mut world,
        r#"(module (memory (export "memory") 1 1)
             (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    );
    let outcome = run(&mut world, program, 0);
    let start = outcome.report.start.expect("code ran");
    assert_eq!(
        outcome.report.ink_used,
        2 + stylus_runtime::gas::BLOCK_HEADER_INK + start.gas() * 10_000
    );
    assert_eq!(outcome.report.gas.compute, 1);
}

#[test]
fn every_call_pays_nitros_init_gas_cached_or_not() {
    let mut world = World::new();
    let program = deploy(
        &mut world,
        r#"(module (memory (export "memory") 1 1)
             (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    );
    let first = run(&mut world, program, 0);
    let start = first.report.start.expect("code ran");
    assert!(!start.cached, "the first run of the block");
    // 69·128 + init, and 11·32 + cached (activation's two costs).
    assert_eq!(
        first.report.gas.init,
        8_832 + start.init.init + 352 + start.init.cached
    );
    let again = run(&mut world, program, 0);
    assert!(
        again.report.start.expect("code ran").cached,
        "ran earlier in the block"
    );
    assert_eq!(again.report.gas.init, 352 + start.init.cached);
    assert_eq!(again.uncached_gas_used(), first.gas_used);
    world.advance(1, 12);
    assert!(
        !run(&mut world, program, 0)
            .report
            .start
            .expect("code ran")
            .cached
    );
    world.cache_program(program);
    world.advance(1, 12);
    assert!(
        run(&mut world, program, 0)
            .report
            .start
            .expect("code ran")
            .cached
    );
}

#[test]
fn value_moves_with_calls_and_needs_funds() {
    let mut world = World::new();
    let program = deploy(&mut world, PROGRAM);
    let (alice, bob) = (world.eoa("alice"), world.eoa("bob"));
    world.set_balance(alice, U256::from(1000));
    let outcome = world.call_with_value(alice, bob, &[], U256::from(300));
    assert!(outcome.is_success());
    assert_eq!(outcome.gas_used, 21_000);
    let outcome = world.call_with_value(alice, program, &[8], U256::from(200));
    assert!(outcome.is_success());
    assert_eq!(
        (
            world.balance(alice),
            world.balance(bob),
            world.balance(program)
        ),
        (U256::from(500), U256::from(300), U256::from(200))
    );
    let outcome = world.call_with_value(bob, alice, &[], U256::from(301));
    assert!(matches!(outcome.status, Status::Failure(_)));
    assert_eq!(world.balance(bob), U256::from(300));
}

#[test]
fn the_block_and_calldata_are_the_hosts() {
    let wat = r#"(module
      (import "vm_hooks" "read_args" (func $read_args (param i32)))
      (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
      (import "vm_hooks" "block_number" (func $number (result i64)))
      (import "vm_hooks" "block_timestamp" (func $timestamp (result i64)))
      (import "vm_hooks" "chainid" (func $chainid (result i64)))
      (import "vm_hooks" "msg_sender" (func $sender (param i32)))
      (import "vm_hooks" "native_keccak256" (func $keccak (param i32 i32 i32)))
      (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (call $read_args (i32.const 512))
        (i64.store (i32.const 24) (call $number))
        (i64.store (i32.const 56) (call $timestamp))
        (i64.store (i32.const 88) (call $chainid))
        (call $sender (i32.const 108))
        (call $keccak (i32.const 512) (local.get $len) (i32.const 128))
        (call $write_result (i32.const 0) (i32.const 160))
        (i32.const 0)))"#;
    let mut world = World::new();
    let program = deploy(&mut world, wat);
    world.set_block(42, 1_800_000_000);
    world.set_chain_id(42_161);
    let from = world.eoa("caller");
    let outcome = world.call(from, program, b"hello");
    let words = outcome.words();
    // Little-endian i64 stores: compare the raw bytes instead.
    let le = |w: U256, n: u64| w.to_be_bytes::<32>()[24..] == n.to_le_bytes();
    assert!(le(words[0], 42) && le(words[1], 1_800_000_000) && le(words[2], 42_161));
    assert_eq!(abi::address(words[3]), from);
    assert_eq!(
        B256::from(words[4].to_be_bytes::<32>()),
        stylus_runtime::keccak256(b"hello")
    );
    // Nitro's native_keccak256: 121,800 ink for up to two words.
    assert_eq!(outcome.report.gas.keccak, 13);
}

#[test]
fn deep_call_stacks_run_on_the_transactions_own_stack() {
    // Calls itself with its calldata (a little-endian u32) minus one until zero.
    let wat = r#"(module
      (import "vm_hooks" "read_args" (func $read_args (param i32)))
      (import "vm_hooks" "contract_address" (func $address (param i32)))
      (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
      (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (call $read_args (i32.const 96))
        (if (i32.eqz (i32.load (i32.const 96))) (then (return (i32.const 0))))
        (i32.store (i32.const 96) (i32.sub (i32.load (i32.const 96)) (i32.const 1)))
        (call $address (i32.const 200))
        (call $call (i32.const 200) (i32.const 96) (i32.const 4) (i32.const 128)
          (i64.const -1) (i32.const 160))))"#;
    let mut world = World::new();
    // Enough gas that the page limit binds before gas does.
    world.set_gas_limit(1_000_000_000);
    let program = deploy(&mut world, wat);
    let from = world.eoa("caller");
    let depth = |outcome: &CallOutcome| {
        let (mut depth, mut frame) = (0, &outcome.report);
        while let Some(next) = frame.calls.first() {
            (depth, frame) = (depth + 1, next);
        }
        (depth, frame.status.clone())
    };
    let outcome = world.call(from, program, &100u32.to_le_bytes());
    assert!(outcome.is_success());
    assert_eq!(depth(&outcome), (100, Status::Success));
    // One page per frame: a 129th open page is more than ArbOS prices.
    let outcome = world.call(from, program, &1000u32.to_le_bytes());
    assert_eq!(outcome.status, Status::Revert);
    assert_eq!(depth(&outcome), (128, Status::OutOfGas));
}

#[test]
fn profiling_splits_compute_by_function_and_costs_nothing() {
    let wat = r#"(module (memory (export "memory") 1 1)
      (func $spend (result i32) (i32.add (i32.const 1) (i32.const 2)))
      (func (export "user_entrypoint") (param i32) (result i32)
        (drop (call $spend)) (drop (call $spend)) (i32.const 0)))"#;
    let mut world = World::new();
    let program = deploy(&mut world, wat);
    world.cache_program(program);
    let plain = run(&mut world, program, 0);
    world.set_profiling(true);
    let profiled = run(&mut world, program, 0);
    assert_eq!(profiled.gas_used, plain.gas_used);
    let profile = &profiled.report.profile;
    // $spend: one block of i32.const, i32.const, i32.add, end (1+1+70+1)
    // plus the header, twice.
    assert!(profile.contains(&(
        "spend".to_string(),
        2 * (73 + stylus_runtime::gas::BLOCK_HEADER_INK)
    )));
    let counted: u64 = profile.iter().map(|(_, ink)| ink).sum();
    assert_eq!(counted.div_ceil(10_000), profiled.report.gas.compute);
    assert!(plain.report.profile.is_empty());
}
