//! The dAMM's real WASM and two test tokens in one world: construction,
//! deposits, reverts, nested reverts, reentrancy and gas.
//!
//! The WASMs are built by the project's scripts on first use
//! ([`stylus_runtime::artifacts`]).

use alloy_primitives::{Address, B256, U256};
use stylus_runtime::abi::{self, Word};
use stylus_runtime::report::{CallKind, CallReport};
use stylus_runtime::{artifacts, CallOutcome, DeployError, Status, World};

/// ⌊√(100e18 · 178000e18)⌋ (the seed scenario's first deposit).
const CAROL_SUPPLY: u128 = 4_219_004_621_945_797_299_958;
const MINIMUM_LIQUIDITY: u64 = 1000;
const REENTRANT: u8 = 4;

const DEPOSIT: &str = "deposit(uint256,uint256,uint256,address,uint256)";
const TRANSFER_EVENT: &str = "Transfer(address,address,uint256)";
const DEPOSIT_EVENT: &str = "Deposit(address,address,uint256,uint256,uint256)";

fn e18(units: u64) -> U256 {
    U256::from(units) * U256::from(10u64.pow(18))
}

fn later() -> U256 {
    U256::from(u64::MAX)
}

fn wasm(load: fn() -> Result<Vec<u8>, artifacts::ArtifactError>) -> Vec<u8> {
    load().unwrap_or_else(|error| panic!("building the WASM failed: {error}"))
}

/// Two tokens, a constructed dAMM out of setup, and Carol funded and approved.
struct Pool {
    world: World,
    owner: Address,
    carol: Address,
    t0: Address,
    t1: Address,
    pool: Address,
    deploy_gas: u64,
}

impl Pool {
    fn new() -> Self {
        let (token, damm) = (wasm(artifacts::quirky_token), wasm(artifacts::damm));
        let mut world = World::new();
        let owner = world.eoa("owner");
        let carol = world.eoa("carol");
        let t0 = world.deploy(owner, &token, None).unwrap().address;
        let t1 = world.deploy(owner, &token, None).unwrap().address;
        let args = abi::encode_words(&[t0.word(), t1.word(), owner.word()]);
        let deployment = world.deploy(owner, &damm, Some(&args)).unwrap();
        let mut pool = Self {
            world,
            owner,
            carol,
            t0,
            t1,
            pool: deployment.address,
            deploy_gas: deployment.gas_used(),
        };
        pool.call(owner, pool.pool, "goLive()", &[])
            .expect_success("goLive");
        pool.fund(carol, e18(1_000_000));
        pool
    }

    /// Mints `amount` of both tokens to `who` and approves the pool for all.
    fn fund(&mut self, who: Address, amount: U256) {
        for token in [self.t0, self.t1] {
            self.call(who, token, "mint(address,uint256)", &[who.word(), amount])
                .expect_success("mint");
            self.call(
                who,
                token,
                "approve(address,uint256)",
                &[self.pool.word(), U256::MAX],
            )
            .expect_success("approve");
        }
    }

    fn call(&mut self, from: Address, to: Address, signature: &str, words: &[U256]) -> CallOutcome {
        self.world.call(from, to, &abi::call(signature, words))
    }

    fn view(&mut self, to: Address, signature: &str, words: &[U256]) -> Vec<U256> {
        self.world
            .view(to, &abi::call(signature, words))
            .expect_success(signature)
            .words()
    }

    fn balance(&mut self, token: Address, who: Address) -> U256 {
        self.view(token, "balanceOf(address)", &[who.word()])[0]
    }

    fn deposit(&mut self, from: Address, a0: U256, a1: U256, deadline: U256) -> CallOutcome {
        let words = [a0, a1, U256::ZERO, from.word(), deadline];
        self.call(from, self.pool, DEPOSIT, &words)
    }

    /// Every slot of the pool and both tokens.
    fn storage(&self) -> Vec<std::collections::BTreeMap<B256, B256>> {
        [self.pool, self.t0, self.t1]
            .iter()
            .map(|&a| self.world.storage_slots(a))
            .collect()
    }
}

/// The test token's `hookResult()`: whether its callback succeeded, and what
/// it returned. Stylus SDK 0.9 encodes a returned tuple with a dynamic
/// member as one tuple value, so the output starts with an extra offset
/// word (0x20) before `(bool, bytes)`.
fn hook_result(p: &mut Pool, token: Address) -> (bool, Vec<u8>) {
    let words = p.view(token, "hookResult()", &[]);
    assert_eq!(words[0], U256::from(32), "the SDK's tuple offset");
    assert_eq!(words[2], U256::from(64), "the bytes' offset in the tuple");
    let len = words[3].to::<usize>();
    let data = abi::encode_words(&words[4..]);
    (!words[1].is_zero(), data[..len].to_vec())
}

#[test]
fn deployment_runs_the_constructor_once_and_refuses_bad_tokens() {
    let mut p = Pool::new();
    let (t0, t1, owner, pool) = (p.t0, p.t1, p.owner, p.pool);
    assert!(p.deploy_gas > 0);
    assert_eq!(p.view(pool, "tokens()", &[]), vec![t0.word(), t1.word()]);
    assert_eq!(p.view(pool, "owner()", &[]), vec![owner.word()]);
    // The SDK's one-shot flag: keccak256("stylus_constructor").
    let flag = stylus_runtime::keccak256("stylus_constructor");
    assert_ne!(p.world.storage(pool, flag), B256::ZERO);
    // A second constructor call through the entrypoint is refused.
    let again = abi::constructor(&[t1.word(), t0.word(), owner.word()]);
    let outcome = p.world.call(owner, pool, &again);
    assert_eq!(outcome.status, Status::Revert);
    assert_eq!(p.view(pool, "tokens()", &[]), vec![t0.word(), t1.word()]);

    // A "token" without code fails the constructor: nothing is deployed.
    let eoa = p.world.eoa("not a token");
    let args = abi::encode_words(&[t0.word(), eoa.word(), owner.word()]);
    let nonce = p.world.nonce(owner);
    let error = p
        .world
        .deploy(owner, &wasm(artifacts::damm), Some(&args))
        .unwrap_err();
    let DeployError::ConstructorFailed(outcome) = error else {
        panic!("expected a failed constructor, got {error}");
    };
    assert_eq!(
        outcome.revert_selector(),
        Some(abi::selector("InvalidAddress(address)"))
    );
    assert_eq!(outcome.output[4..], eoa.word().to_be_bytes::<32>());
    let address = stylus_runtime::create_address(owner, nonce);
    assert!(!p.world.is_contract(address));
}

#[test]
fn a_deposit_mints_shares_pulls_tokens_and_logs() {
    let mut p = Pool::new();
    let (carol, pool, t0, t1) = (p.carol, p.pool, p.t0, p.t1);
    let outcome = p
        .deposit(carol, e18(100), e18(178_000), later())
        .expect_success("deposit");
    let shares = U256::from(CAROL_SUPPLY) - U256::from(MINIMUM_LIQUIDITY);
    assert_eq!(outcome.words(), vec![shares, e18(100), e18(178_000)]);

    // Balances and the LP supply.
    assert_eq!(p.balance(t0, pool), e18(100));
    assert_eq!(p.balance(t1, pool), e18(178_000));
    assert_eq!(p.balance(t0, carol), e18(1_000_000) - e18(100));
    assert_eq!(p.balance(t1, carol), e18(1_000_000) - e18(178_000));
    assert_eq!(p.balance(pool, carol), shares);
    assert_eq!(
        p.balance(pool, Address::ZERO),
        U256::from(MINIMUM_LIQUIDITY)
    );
    assert_eq!(
        p.view(pool, "totalSupply()", &[]),
        vec![U256::from(CAROL_SUPPLY)]
    );
    assert_eq!(
        p.view(pool, "reserves()", &[]),
        vec![e18(100), e18(178_000), U256::ZERO, U256::ZERO]
    );

    // The logs, in order: two LP mints and Deposit, then the two pulls.
    let logs = &outcome.logs;
    assert_eq!(logs.len(), 5, "{logs:#?}");
    let mint = |log: &stylus_runtime::log::Log, to: Address, value: U256| {
        assert!(log.is(pool, TRANSFER_EVENT));
        assert_eq!(log.topic_address(1), Some(Address::ZERO));
        assert_eq!(log.topic_address(2), Some(to));
        assert_eq!(log.words(), Some(vec![value]));
    };
    mint(&logs[0], Address::ZERO, U256::from(MINIMUM_LIQUIDITY));
    mint(&logs[1], carol, shares);
    assert!(logs[2].is(pool, DEPOSIT_EVENT));
    assert_eq!(logs[2].topic_address(1), Some(carol));
    assert_eq!(logs[2].topic_address(2), Some(carol));
    assert_eq!(logs[2].words(), Some(vec![shares, e18(100), e18(178_000)]));
    for (log, token, amount) in [(&logs[3], t0, e18(100)), (&logs[4], t1, e18(178_000))] {
        assert!(log.is(token, TRANSFER_EVENT));
        assert_eq!(log.topic_address(1), Some(carol));
        assert_eq!(log.topic_address(2), Some(pool));
        assert_eq!(log.words(), Some(vec![amount]));
    }

    // The frames: the pool pulls each token, then reads its balance to check
    // the books are covered.
    let calls: Vec<_> = outcome
        .report
        .calls
        .iter()
        .map(|c| (c.kind, c.address))
        .collect();
    assert_eq!(
        calls,
        [
            (CallKind::Call, t0),
            (CallKind::Static, t0),
            (CallKind::Call, t1),
            (CallKind::Static, t1),
        ]
    );
}

#[test]
fn an_expired_deposit_reverts_with_its_error_and_changes_nothing() {
    let mut p = Pool::new();
    let carol = p.carol;
    p.world.set_block(100, 2_000_000_000);
    let before = p.storage();
    let deadline = U256::from(1_999_999_999u64);
    let outcome = p.deposit(carol, e18(100), e18(178_000), deadline);
    assert_eq!(outcome.status, Status::Revert);
    assert_eq!(
        outcome.revert_selector(),
        Some(abi::selector("Expired(uint256)"))
    );
    assert_eq!(
        abi::decode_revert(&outcome.output),
        Some((abi::selector("Expired(uint256)"), vec![deadline]))
    );
    assert!(outcome.logs.is_empty());
    assert_eq!(p.storage(), before);
    // The lock was taken (written to the cache) before the deadline check;
    // the revert dropped it, so the next deposit goes through.
    assert!(outcome.gas_used > 0);
    p.deposit(carol, e18(100), e18(178_000), later())
        .expect_success("deposit after the revert");
}

#[test]
fn a_reverting_nested_call_rolls_back_its_writes_and_logs() {
    let mut p = Pool::new();
    let (carol, pool, t0) = (p.carol, p.pool, p.t0);
    // A third token whose transfer first calls the pool's deposit. The pool,
    // called by the token, mints, logs and flushes, then fails to pull
    // token0 (the token approved nothing) and reverts with TransferFailed.
    let token = wasm(artifacts::quirky_token);
    let hooked = p.world.deploy(carol, &token, None).unwrap().address;
    let deposit = abi::call(
        DEPOSIT,
        &[e18(1), e18(1), U256::ZERO, carol.word(), later()],
    );
    let mut hook = vec![pool.word(), U256::from(64)];
    hook.extend(abi::bytes_tail(&deposit));
    p.call(carol, hooked, "setHook(address,bytes)", &hook)
        .expect_success("setHook");
    p.call(carol, hooked, "setMode(uint8)", &[U256::from(REENTRANT)])
        .expect_success("setMode");
    p.call(
        carol,
        hooked,
        "mint(address,uint256)",
        &[carol.word(), e18(5)],
    )
    .expect_success("mint");

    let before = p.world.storage_slots(pool);
    let bob = p.world.eoa("bob");
    let outcome = p
        .call(
            carol,
            hooked,
            "transfer(address,uint256)",
            &[bob.word(), e18(2)],
        )
        .expect_success("transfer");
    // The pool's frame did write, log and flush before reverting...
    let pool_frame = &outcome.report.calls[0];
    assert_eq!(pool_frame.address, pool);
    assert_eq!(pool_frame.status, Status::Revert);
    assert!(pool_frame.logs >= 3, "{pool_frame}");
    assert!(pool_frame.storage.slots_written > 0, "{pool_frame}");
    // ...and none of it survived: only the token's own Transfer remains.
    assert_eq!(p.world.storage_slots(pool), before);
    assert_eq!(outcome.logs.len(), 1);
    assert!(outcome.logs[0].is(hooked, TRANSFER_EVENT));
    assert_eq!(p.balance(hooked, bob), e18(2));
    // The token saw the pool's custom error.
    let error = abi::call("TransferFailed(address)", &[t0.word()]);
    assert_eq!(hook_result(&mut p, hooked), (false, error));
}

#[test]
fn a_reentered_contract_sees_msg_reentrant_and_the_sdk_reverts() {
    let mut p = Pool::new();
    let (carol, pool, t0) = (p.carol, p.pool, p.t0);
    // token0 calls back into the pool's deposit during the pool's pull.
    let deposit = abi::call(
        DEPOSIT,
        &[e18(1), e18(1), U256::ZERO, carol.word(), later()],
    );
    let mut hook = vec![pool.word(), U256::from(64)];
    hook.extend(abi::bytes_tail(&deposit));
    p.call(carol, t0, "setHook(address,bytes)", &hook)
        .expect_success("setHook");
    p.call(carol, t0, "setMode(uint8)", &[U256::from(REENTRANT)])
        .expect_success("setMode");

    let outcome = p
        .deposit(carol, e18(100), e18(178_000), later())
        .expect_success("deposit");
    let frames = outcome.report.frames();
    assert!(!frames[0].reentrant);
    let reentered: Vec<&&CallReport> = frames
        .iter()
        .filter(|f| f.address == pool && f.depth > 0)
        .collect();
    assert_eq!(reentered.len(), 1);
    assert!(reentered[0].reentrant);
    assert_eq!(reentered[0].status, Status::Revert);
    assert_eq!(reentered[0].output_len, 0, "the SDK reverts with no data");
    // token0 recorded the failed callback, and the outer deposit went through.
    assert_eq!(hook_result(&mut p, t0), (false, Vec::new()));
    assert_eq!(p.balance(t0, pool), e18(100));
}

#[test]
fn gas_is_reported_per_frame_and_a_cold_read_costs_more_than_a_warm_one() {
    let mut p = Pool::new();
    let (carol, pool, t0) = (p.carol, p.pool, p.t0);
    let outcome = p
        .deposit(carol, e18(100), e18(178_000), later())
        .expect_success("deposit");
    let report = &outcome.report;
    assert!(outcome.gas_used > 0 && report.ink_used > 0);
    assert!(outcome.intrinsic_gas > 21_000);
    let g = report.gas;
    for (name, gas) in [
        ("compute", g.compute),
        ("hostio", g.hostio),
        ("storage_read", g.storage_read),
        ("storage_write", g.storage_write),
        ("logs", g.logs),
        ("keccak", g.keccak),
        ("calls", g.calls),
        ("callees", g.callees),
    ] {
        assert!(gas > 0, "{name} is zero:\n{report}");
    }
    // Categories add up to the frame's gas (compute and hostio round up).
    assert!(g.total().abs_diff(report.gas_used) <= 11, "{report}");
    assert_eq!(
        g.callees,
        report.calls.iter().map(|c| c.gas_used).sum::<u64>()
    );
    // Three Transfer/Deposit logs of the pool: 375 + 375·topics + 8·bytes.
    assert_eq!(
        g.logs,
        2 * (375 + 3 * 375 + 8 * 32) + (375 + 3 * 375 + 8 * 96)
    );

    // The pull reads the pool's token0 balance cold; the balance check
    // after it reads the same slot warm.
    let (pull, check) = (&report.calls[0], &report.calls[1]);
    assert_eq!((pull.address, check.address), (t0, t0));
    assert!(pull.storage.cold_reads >= 2, "{pull}");
    assert_eq!((check.storage.cold_reads, check.storage.warm_reads), (0, 1));
    assert_eq!(check.gas.storage_read, 100 + 5);

    // A second identical deposit finds warm accounts, nonzero slots and pays less.
    let again = p
        .deposit(carol, e18(100), e18(178_000), later())
        .expect_success("second deposit");
    assert!(again.gas_used < outcome.gas_used);

    // A token transfer, for scale.
    let bob = p.world.eoa("bob");
    let transfer = p
        .call(
            carol,
            p.t1,
            "transfer(address,uint256)",
            &[bob.word(), e18(1)],
        )
        .expect_success("transfer");
    eprintln!(
        "gas: deploy dAMM {} | deposit {} (execution {}, refund {}) | second deposit {} | \
         token transfer {} (execution {})\n{}",
        p.deploy_gas,
        outcome.gas_used,
        outcome.execution_gas(),
        outcome.refund,
        again.gas_used,
        transfer.gas_used,
        transfer.execution_gas(),
        outcome.report
    );
    let _ = pool;
}

#[test]
fn a_view_cannot_write() {
    let mut p = Pool::new();
    let carol = p.carol;
    let mint = abi::call("mint(address,uint256)", &[carol.word(), e18(1)]);
    let outcome = p.world.view(p.t0, &mint);
    assert!(
        matches!(&outcome.status, Status::Failure(reason) if reason.contains("write protection")),
        "{}",
        outcome.status
    );
    assert_eq!(p.balance(p.t0, carol), e18(1_000_000));
}
