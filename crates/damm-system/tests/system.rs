//! The whole system as processes on one machine: damm-node, an
//! orchestrator and three operators (constant product, StableSwap, bAMM)
//! on SQLite. End to end, faults (kill -9, the chain or the orchestrator
//! down), bad input, and two operators racing for the last liquidity.

mod common;

use std::time::Duration;

use alloy_primitives::{Address, I256, U256};
use alloy_signer_local::PrivateKeySigner;
use common::{
    batch, check_books, deadline, must_trade, race_for_the_last_liquidity, trade, wait_settled,
    Acked, E18,
};
use damm_chain::{IDamm, IErc20};
use damm_orchestrator::client::{Answer, Client};
use damm_orchestrator::wire::{Net, PendingRequest};
use damm_system::chain::{operator, orchestrator, Chain};
use damm_system::{address, http, run_dir, sqlite, KEYS};
use serde_json::json;

const CHAIN_ID: u64 = 412_346;
const SETTLE: Duration = Duration::from_secs(60);

fn fast_batches() -> [(&'static str, &'static str); 2] {
    [
        ("DAMM_OPERATOR_BATCH_INTERVAL_MS", "300"),
        ("DAMM_OPERATOR_EMPTY_BATCH_INTERVAL_MS", "300"),
    ]
}

#[test]
fn three_operators_settle_while_an_lp_deposits_and_withdraws_and_the_books_match_to_the_wei() {
    let dir = run_dir("e2e");
    let chain = Chain::start(&dir, false, &[]);
    let orch = orchestrator(
        &dir,
        "orchestrator",
        false,
        &chain,
        &sqlite(&dir, "orchestrator"),
        &[],
    );
    let funds = U256::from(10u128.pow(30));
    for m in 1..=3 {
        chain.fund(address(m), funds);
    }
    let ops: Vec<_> = (0..3)
        .map(|m| {
            operator(
                &dir,
                m,
                false,
                &chain,
                &orch.url,
                &sqlite(&dir, &format!("op{m}")),
                &fast_batches(),
            )
        })
        .collect();
    let (lp, t0, t1) = (address(4), chain.token0, chain.token1);
    chain.fund(lp, funds);
    for token in [t0, t1] {
        chain.rpc.send(
            lp,
            token,
            &IErc20::approveCall {
                spender: chain.damm,
                value: U256::MAX,
            },
        );
    }
    let pool_before = (chain.balance(t0, chain.damm), chain.balance(t1, chain.damm));
    let op_before: Vec<_> = (1..=3)
        .map(|m| (chain.balance(t0, address(m)), chain.balance(t1, address(m))))
        .collect();
    let lp_before = (chain.balance(t0, lp), chain.balance(t1, lp));

    let trader = |i: u8| Address::repeat_byte(0x10 + i);
    let mut acked: Vec<Acked> = Vec::new();
    // Trades of about 1/2000 of each market's virtual reserves, both ways,
    // exact in and exact out.
    let sizes: Vec<(u128, u128)> = (0..3)
        .map(|m| {
            let (_, x, y) = chain.market(m);
            (
                u128::try_from(x / U256::from(2000)).unwrap_or(0),
                u128::try_from(y / U256::from(2000)).unwrap_or(0),
            )
        })
        .collect();
    let round = |acked: &mut Vec<Acked>| {
        for (m, op) in ops.iter().enumerate() {
            let (dx, dy) = sizes[m];
            let m = m as u64;
            acked.push(must_trade(&op.url, m, true, Some(dx), None, trader(1)));
            acked.push(must_trade(&op.url, m, false, Some(dy), None, trader(2)));
            acked.push(must_trade(&op.url, m, false, None, Some(dx / 2), trader(3)));
            acked.push(must_trade(&op.url, m, true, None, Some(dy / 2), trader(4)));
        }
    };
    round(&mut acked);
    // An LP joins mid-batch: 1 token0 and what the pool's ratio asks.
    let deposit = chain.rpc.send(
        lp,
        chain.damm,
        &IDamm::depositCall {
            amount0_max: U256::from(E18),
            amount1_max: U256::from(10_000 * E18),
            min_shares: U256::ZERO,
            recipient: lp,
            deadline: U256::from(deadline()),
        },
    );
    assert_eq!(deposit["status"], "0x1");
    round(&mut acked);
    let shares = chain
        .rpc
        .view(chain.damm, &IDamm::balanceOfCall { account: lp })
        ._0;
    assert!(shares > U256::ZERO);
    chain.rpc.send(
        lp,
        chain.damm,
        &IDamm::lockWithdrawalCall {
            shares,
            min0: U256::ZERO,
            min1: U256::ZERO,
            recipient: lp,
            deadline: U256::from(deadline()),
        },
    );
    let locked = chain
        .rpc
        .events::<IDamm::WithdrawalLocked>(chain.damm)
        .pop()
        .expect("locked");
    round(&mut acked);
    // Past the ACP (deploy/local-system.toml: 3600 s), every market settles
    // again (empty batches count), and the withdrawal completes.
    chain.rpc.advance(3_601);
    for (m, op) in ops.iter().enumerate() {
        let open = batch(&op.url)["batchId"].as_u64().unwrap_or(0);
        wait_settled(&op.url, open, SETTLE);
        assert!(op.count("checkpoint sent") > 0, "operator {m} settled");
    }
    chain.rpc.send(
        lp,
        chain.damm,
        &IDamm::completeWithdrawalCall { id: locked.id },
    );

    // Books: each market's checkpoints are exactly its acknowledged trades...
    let mut net = (I256::ZERO, I256::ZERO);
    for (m, before) in op_before.iter().enumerate() {
        let (n0, n1) = check_books(&chain, CHAIN_ID, m as u64, &acked);
        // ... its operator paid exactly the net in and got exactly the net out ...
        let after = (
            chain.balance(t0, address(m + 1)),
            chain.balance(t1, address(m + 1)),
        );
        assert_eq!(
            I256::from_raw(after.0) - I256::from_raw(before.0),
            -n0,
            "operator {m} token0"
        );
        assert_eq!(
            I256::from_raw(after.1) - I256::from_raw(before.1),
            -n1,
            "operator {m} token1"
        );
        net = (net.0 + n0, net.1 + n1);
    }
    // ... the LP got back exactly the locked amounts ...
    let lp_after = (chain.balance(t0, lp), chain.balance(t1, lp));
    let deposited = chain
        .rpc
        .events::<IDamm::Deposit>(chain.damm)
        .into_iter()
        .find(|d| d.recipient == lp)
        .expect("deposit event");
    assert_eq!(lp_after.0, lp_before.0 - deposited.amount0 + locked.amount0);
    assert_eq!(lp_after.1, lp_before.1 - deposited.amount1 + locked.amount1);
    // ... and the pool holds what it held, plus every net, the deposit, minus the payout.
    let pool_after = (chain.balance(t0, chain.damm), chain.balance(t1, chain.damm));
    let expect = |before: U256, n: I256, dep: U256, out: U256| {
        I256::from_raw(before) + n + I256::from_raw(dep) - I256::from_raw(out)
    };
    assert_eq!(
        I256::from_raw(pool_after.0),
        expect(pool_before.0, net.0, deposited.amount0, locked.amount0)
    );
    assert_eq!(
        I256::from_raw(pool_after.1),
        expect(pool_before.1, net.1, deposited.amount1, locked.amount1)
    );
    assert_eq!(acked.len(), 36);
}

#[test]
fn kill_9_mid_batch_and_between_sending_and_mining_loses_and_repeats_nothing() {
    let dir = run_dir("kill9");
    // Interval mining: a sent checkpoint waits up to 2 s in the mempool.
    let chain = Chain::start(&dir, false, &["--block-time", "2"]);
    let orch = orchestrator(
        &dir,
        "orchestrator",
        false,
        &chain,
        &sqlite(&dir, "orchestrator"),
        &[],
    );
    chain.fund(address(1), U256::from(10u128.pow(30)));
    let env = [
        ("DAMM_OPERATOR_BATCH_INTERVAL_MS", "600000"),
        ("DAMM_OPERATOR_BATCH_MAX_TRADES", "3"),
    ];
    let db = sqlite(&dir, "op0");
    let mut op = operator(&dir, 0, false, &chain, &orch.url, &db, &env);
    let who = Address::repeat_byte(0xaa);
    let mut acked = vec![
        must_trade(&op.url, 0, true, Some(E18 / 10), None, who),
        must_trade(&op.url, 0, false, None, Some(E18 / 20), who),
    ];
    // Mid-batch.
    op.kill9();
    op.restart("listening on http://", SETTLE);
    assert_eq!(
        batch(&op.url)["trades"],
        2,
        "both acknowledged trades were rebuilt"
    );
    // The third fills the batch: it closes at once; kill once its checkpoint is in the mempool.
    acked.push(must_trade(&op.url, 0, true, Some(E18 / 10), None, who));
    let operator0 = address(1);
    let pending = || {
        let count = |tag: &str| {
            chain
                .rpc
                .call("eth_getTransactionCount", json!([operator0, tag]))
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
        };
        count("pending") != count("latest")
    };
    let started = std::time::Instant::now();
    while !(batch(&op.url)["status"] == "sent" && pending()) {
        assert!(
            started.elapsed() < SETTLE,
            "the checkpoint was never pending: {}",
            batch(&op.url)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(chain.market(0).0, 0, "not mined yet");
    op.kill9();
    op.restart("listening on http://", SETTLE);
    wait_settled(&op.url, 1, SETTLE);
    // And a kill while nothing is pending: the next trade gets the next id.
    op.kill9();
    op.restart("listening on http://", SETTLE);
    let next = must_trade(&op.url, 0, false, Some(100 * E18), None, who);
    assert_eq!((next.id, next.batch), (4, 2));
    check_books(&chain, CHAIN_ID, 0, &acked);
    assert_eq!(
        chain.rpc.events::<IDamm::Checkpoint>(chain.damm).len(),
        1,
        "settled exactly once"
    );
}

#[test]
fn with_the_orchestrator_or_the_chain_down_trades_are_refused_and_taken_again_once_back() {
    let dir = run_dir("faults");
    let state = dir.join("chain.jsonl");
    let state_arg = state.display().to_string();
    let mut chain = Chain::start(&dir, false, &["--state", &state_arg]);
    let orch_db = sqlite(&dir, "orchestrator");
    // A fixed port, so the operator finds it again after the restart.
    let listen = format!("127.0.0.1:{}", damm_system::free_port());
    let mut orch = orchestrator(
        &dir,
        "orchestrator",
        false,
        &chain,
        &orch_db,
        &[("DAMM_ORCHESTRATOR_LISTEN", &listen)],
    );
    chain.fund(address(1), U256::from(10u128.pow(30)));
    let env = [
        ("DAMM_OPERATOR_BATCH_INTERVAL_MS", "500"),
        ("DAMM_OPERATOR_MAX_CHAIN_STALENESS_MS", "1500"),
    ];
    let op = operator(
        &dir,
        0,
        false,
        &chain,
        &orch.url,
        &sqlite(&dir, "op0"),
        &env,
    );
    let who = Address::repeat_byte(0xbb);
    let mut acked = vec![must_trade(&op.url, 0, true, Some(E18 / 10), None, who)];

    orch.kill9();
    let (status, body) = trade(&op.url, 0, true, Some(E18 / 10), None, 0, who).unwrap_err();
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("orchestrator_unavailable")),
        "{body}"
    );
    orch.restart("listening on http://", SETTLE);
    // The operator did not record the refused trade.
    let before = batch(&op.url)["trades"].as_u64().unwrap_or(0);
    acked.push(must_trade(&op.url, 0, true, Some(E18 / 10), None, who));
    assert!(batch(&op.url)["trades"].as_u64().unwrap_or(0) <= before + 1);

    // The chain goes away: once the operator's view is stale, it refuses.
    chain.node.kill9();
    std::thread::sleep(Duration::from_millis(2_500));
    let (status, body) = trade(&op.url, 0, false, Some(100 * E18), None, 0, who).unwrap_err();
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("chain_unavailable")),
        "{body}"
    );
    let (status, _) = http::get(&format!("{}/healthz", op.url));
    assert_eq!(status, 503);
    // Back on the same port and state: the operator retries, catches up and settles.
    chain.node.restart("Listening on", Duration::from_secs(300));
    let started = std::time::Instant::now();
    loop {
        match trade(&op.url, 0, false, Some(100 * E18), None, 0, who) {
            Ok(t) => {
                acked.push(t);
                break;
            }
            Err((503, _)) if started.elapsed() < SETTLE => {
                std::thread::sleep(Duration::from_millis(200))
            }
            Err(e) => panic!("not taken after the chain came back: {e:?}"),
        }
    }
    let last = acked.last().map_or(0, |t| t.batch);
    wait_settled(&op.url, last, SETTLE);
    check_books(&chain, CHAIN_ID, 0, &acked);
}

#[test]
fn bad_input_gets_a_4xx_naming_it_and_nothing_is_recorded() {
    let dir = run_dir("badinput");
    let chain = Chain::start(&dir, false, &[]);
    let orch = orchestrator(
        &dir,
        "orchestrator",
        false,
        &chain,
        &sqlite(&dir, "orchestrator"),
        &[],
    );
    let op = operator(
        &dir,
        0,
        false,
        &chain,
        &orch.url,
        &sqlite(&dir, "op0"),
        &[("DAMM_OPERATOR_BATCH_INTERVAL_MS", "600000")],
    );
    let url = format!("{}/v1/trades", op.url);
    let good = json!({ "zeroForOne": true, "exactIn": "1000", "limit": "0", "deadline": deadline(), "trader": Address::repeat_byte(1) });
    let with = |key: &str, value: serde_json::Value| {
        let mut body = good.clone();
        body[key] = value;
        body
    };
    let cases: Vec<(&str, serde_json::Value, u16, &str)> = vec![
        ("negative", with("exactIn", json!("-1")), 400, "bad_input"),
        ("zero", with("exactIn", json!("0")), 400, "bad_input"),
        (
            "a number, not a string",
            with("exactIn", json!(1000)),
            400,
            "bad_input",
        ),
        (
            "a fraction",
            with("exactIn", json!("1.5")),
            400,
            "bad_input",
        ),
        (
            "above 2^256",
            with("exactIn", json!("1".repeat(80))),
            400,
            "bad_input",
        ),
        (
            "huge",
            with("exactIn", json!(U256::MAX.to_string())),
            400,
            "bad_input",
        ),
        (
            "unknown field",
            with("slippage", json!("1")),
            400,
            "bad_input",
        ),
        (
            "both exacts",
            with("exactOut", json!("5")),
            400,
            "bad_input",
        ),
        (
            "bad trader",
            with("trader", json!("0x12")),
            400,
            "bad_input",
        ),
        (
            "zero trader",
            with("trader", json!(Address::ZERO)),
            400,
            "bad_input",
        ),
        ("expired", with("deadline", json!(1)), 409, "expired"),
        (
            "slippage",
            with("limit", json!("1000000000")),
            409,
            "slippage",
        ),
    ];
    for (what, body, status, code) in &cases {
        let (got, answer) = http::post(&url, body);
        assert_eq!(
            (got, answer["error"]["code"].as_str()),
            (*status, Some(*code)),
            "{what}: {answer}"
        );
        assert!(
            !answer["error"]["message"].as_str().unwrap_or("").is_empty(),
            "{what} says why"
        );
    }
    let raw = |content_type: &str, body: &[u8]| http::post_raw(&url, content_type, body.to_vec());
    let (s, a) = raw("application/json", b"{\"zeroForOne\": tru");
    assert_eq!(
        (s, a["error"]["code"].as_str()),
        (400, Some("bad_input")),
        "{a}"
    );
    let (s, a) = raw("text/plain", good.to_string().as_bytes());
    assert_eq!(
        (s, a["error"]["code"].as_str()),
        (415, Some("bad_input")),
        "{a}"
    );
    let mut big = good.to_string().into_bytes();
    big.splice(
        1..1,
        format!("\"pad\": \"{}\", ", "x".repeat(70 << 10)).into_bytes(),
    );
    let (s, a) = raw("application/json", &big);
    assert_eq!(
        (s, a["error"]["code"].as_str()),
        (413, Some("body_too_large")),
        "{a}"
    );
    let (s, _) = http::get(&format!("{}/v1/trades/abc", op.url));
    assert_eq!(s, 400);
    let (s, _) = http::get(&format!("{}/v1/trades/999", op.url));
    assert_eq!(s, 404);
    // Nothing was recorded or reserved.
    assert_eq!(batch(&op.url)["trades"], 0);
    let (_, pool) = http::get(&format!("{}/v1/pool", orch.url));
    assert!(pool["markets"][0]["pending"].is_null(), "{pool}");
    // And the same good trade is taken.
    must_trade(&op.url, 0, true, Some(1000), None, Address::repeat_byte(1));
}

#[test]
fn two_operators_asking_at_once_never_both_get_the_last_liquidity() {
    let dir = run_dir("race");
    let chain = Chain::start(&dir, false, &[]);
    let orch = orchestrator(
        &dir,
        "orchestrator",
        false,
        &chain,
        &sqlite(&dir, "orchestrator"),
        &[],
    );
    race_for_the_last_liquidity([&orch.url, &orch.url], 20);
    // A request not signed by the market's operator is refused.
    let intruder: PrivateKeySigner = KEYS[4].parse().expect("key");
    let client = Client::new(&orch.url, intruder, Duration::from_secs(5)).expect("client");
    let request = PendingRequest {
        batch_id: 1,
        seq: 99,
        net: Net::default(),
    };
    let answer = tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(client.reserve(0, &request));
    assert!(
        matches!(&answer, Answer::Refused { code, .. } if code == "unauthorized"),
        "{answer:?}"
    );
}
