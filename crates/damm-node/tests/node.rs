//! damm-node as a client sees it: the binary on a local port, spoken to
//! over HTTP. Bad input gets JSON-RPC errors and changes nothing; the state
//! file survives `kill -9`; the deployment's `configure` runs against the
//! node, is idempotent and leaves the state the dry run predicted.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope, TxLegacy};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{hex, Address, Bytes, TxKind, U256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use serde_json::{json, Value};

const CHAIN_ID: u64 = 412_346;
const OWNER_KEY: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

struct Node {
    child: Child,
    url: String,
    out: std::path::PathBuf,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.out);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn start(name: &str, args: &[&str]) -> Node {
    let port = free_port();
    let out = std::env::temp_dir().join(format!("damm-node-test-{name}-{}", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_damm-node"))
        .args(["--port", &port.to_string(), "--out"])
        .arg(&out)
        .args(args)
        .current_dir(stylus_runtime::artifacts::workspace_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("damm-node starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut seen = String::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        seen.push_str(&line);
        seen.push('\n');
        if line.starts_with("Listening on") {
            break;
        }
    }
    assert!(
        seen.contains("Listening on"),
        "damm-node did not start:\n{seen}"
    );
    Node {
        child,
        url: format!("http://127.0.0.1:{port}"),
        out,
    }
}

fn post(node: &Node, body: &str) -> (u16, Value) {
    let response = reqwest::blocking::Client::new()
        .post(&node.url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .expect("the node answers");
    let status = response.status().as_u16();
    let text = response.text().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn call(node: &Node, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    post(node, &body.to_string()).1
}

fn result(node: &Node, method: &str, params: Value) -> Value {
    let answer = call(node, method, params);
    assert!(answer.get("error").is_none(), "{method}: {answer}");
    answer["result"].clone()
}

fn error(answer: &Value) -> (i64, String) {
    let error = &answer["error"];
    (
        error["code"].as_i64().unwrap_or_default(),
        error["message"].as_str().unwrap_or_default().to_string(),
    )
}

fn number(value: &Value) -> u128 {
    u128::from_str_radix(
        value.as_str().expect("a quantity").trim_start_matches("0x"),
        16,
    )
    .expect("hex")
}

fn signer(key: &str) -> PrivateKeySigner {
    key.parse().expect("a key")
}

fn eip1559(
    signer: &PrivateKeySigner,
    nonce: u64,
    to: Address,
    input: Vec<u8>,
    gas: u64,
) -> TxEnvelope {
    let tx = TxEip1559 {
        chain_id: CHAIN_ID,
        nonce,
        gas_limit: gas,
        max_fee_per_gas: 200_000_000,
        max_priority_fee_per_gas: 0,
        to: TxKind::Call(to),
        value: U256::ZERO,
        access_list: Default::default(),
        input: input.into(),
    };
    signed(signer, tx)
}

/// `tx` signed by `signer`.
fn signed<T>(signer: &PrivateKeySigner, tx: T) -> TxEnvelope
where
    T: SignableTransaction<alloy_primitives::PrimitiveSignature>,
    alloy_consensus::Signed<T>: Into<TxEnvelope>,
{
    let signature = signer.sign_hash_sync(&tx.signature_hash()).expect("signs");
    tx.into_signed(signature).into()
}

fn raw(envelope: &TxEnvelope) -> String {
    format!("0x{}", hex::encode(envelope.encoded_2718()))
}

fn deployment(node: &Node) -> Value {
    let text = std::fs::read_to_string(node.out.join("deployment.json")).expect("deployment.json");
    serde_json::from_str(&text).expect("JSON")
}

fn address(value: &Value) -> Address {
    value
        .as_str()
        .expect("an address")
        .parse()
        .expect("an address")
}

/// `mint(address,uint256)` of the test token.
fn mint(to: Address, amount: u64) -> Vec<u8> {
    let mut data = stylus_runtime::keccak256("mint(address,uint256)")[..4].to_vec();
    data.extend_from_slice(&[0; 12]);
    data.extend_from_slice(to.as_slice());
    data.extend_from_slice(&U256::from(amount).to_be_bytes::<32>());
    data
}

#[test]
fn bad_input_gets_a_json_rpc_error_and_changes_nothing() {
    let node = start("bad-input", &["--no-configure"]);
    let owner = signer(OWNER_KEY);
    let token0 = address(&deployment(&node)["token0"]["address"]);
    let head = result(&node, "eth_blockNumber", json!([]));

    assert_eq!(error(&post(&node, "{not json").1).0, -32700);
    assert_eq!(error(&call(&node, "eth_nothing", json!([]))).0, -32601);
    assert_eq!(
        error(&call(&node, "eth_getBalance", json!(["0x12"]))).0,
        -32602
    );
    assert_eq!(error(&call(&node, "eth_getBalance", json!([]))).0, -32602);
    assert_eq!(error(&post(&node, "[]").1).0, -32600);
    assert_eq!(
        error(&post(&node, r#"{"id":1,"method":"eth_chainId"}"#).1).0,
        -32600
    );
    assert_eq!(
        error(&call(&node, "eth_sendRawTransaction", json!(["0x02f8"]))).0,
        -32602
    );

    // A batch answers each request, errors included.
    let (_, batch) = post(
        &node,
        r#"[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},{"jsonrpc":"2.0","id":2,"method":"nope"}]"#,
    );
    assert_eq!(batch[0]["result"], json!("0x64aba"));
    assert_eq!(error(&batch[1]).0, -32601);

    // A body over the bound is refused before it is read.
    let huge = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":["{}"]}}"#,
        "a".repeat(5 << 20)
    );
    assert_eq!(post(&node, &huge).0, 413);

    // Transactions the chain will not take, with the messages clients match.
    let to_token = |nonce, gas| eip1559(&owner, nonce, token0, mint(owner.address(), 1), gas);
    let (code, message) = error(&call(
        &node,
        "eth_sendRawTransaction",
        json!([raw(&to_token(5, 100_000))]),
    ));
    assert_eq!(
        (code, message.starts_with("nonce too high")),
        (-32000, true),
        "{message}"
    );
    let (_, message) = error(&call(
        &node,
        "eth_sendRawTransaction",
        json!([raw(&to_token(0, 21_000))]),
    ));
    assert!(message.starts_with("intrinsic gas too low"), "{message}");
    let (_, message) = error(&call(
        &node,
        "eth_sendRawTransaction",
        json!([raw(&to_token(0, 40_000_000))]),
    ));
    assert!(message.starts_with("exceeds block gas limit"), "{message}");
    let poor = signer("0000000000000000000000000000000000000000000000000000000000000007");
    let broke = eip1559(&poor, 0, token0, mint(poor.address(), 1), 100_000);
    let (_, message) = error(&call(&node, "eth_sendRawTransaction", json!([raw(&broke)])));
    assert!(
        message.starts_with("insufficient funds for gas * price + value"),
        "{message}"
    );
    let wrong_chain = {
        let tx = TxLegacy {
            chain_id: Some(1),
            nonce: 0,
            gas_price: 200_000_000,
            gas_limit: 100_000,
            to: TxKind::Call(token0),
            value: U256::ZERO,
            input: Bytes::new(),
        };
        signed(&owner, tx)
    };
    let (_, message) = error(&call(
        &node,
        "eth_sendRawTransaction",
        json!([raw(&wrong_chain)]),
    ));
    assert!(
        message.starts_with("invalid chain id for signer"),
        "{message}"
    );
    // A signature that recovers to nobody: s = 0.
    let mut bytes = to_token(0, 100_000).encoded_2718();
    let len = bytes.len();
    bytes[len - 32..].fill(0);
    let (code, message) = error(&call(
        &node,
        "eth_sendRawTransaction",
        json!([format!("0x{}", hex::encode(&bytes))]),
    ));
    assert!(code == -32000 || code == -32602, "{code} {message}");
    assert_eq!(
        result(&node, "eth_blockNumber", json!([])),
        head,
        "nothing was mined"
    );
    assert_eq!(
        number(&result(
            &node,
            "eth_getTransactionCount",
            json!([owner.address(), "latest"])
        )),
        0
    );

    // A good one is mined; the same nonce again is too low.
    let good = to_token(0, 100_000);
    let hash = result(&node, "eth_sendRawTransaction", json!([raw(&good)]));
    let receipt = result(&node, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], json!("0x1"));
    assert_eq!(receipt["logs"][0]["logIndex"], json!("0x0"));
    let (_, message) = error(&call(
        &node,
        "eth_sendRawTransaction",
        json!([raw(&to_token(0, 100_001))]),
    ));
    assert!(message.starts_with("nonce too low"), "{message}");

    // A revert is code 3 with the revert bytes: the dAMM's Expired(1).
    let damm = address(&deployment(&node)["damm"]["address"]);
    let mut swap = stylus_runtime::keccak256("swapExactIn(bool,uint256,uint256,address,uint256)")
        [..4]
        .to_vec();
    for word in [
        U256::from(1),
        U256::from(10),
        U256::ZERO,
        U256::from_be_slice(owner.address().as_slice()),
        U256::from(1),
    ] {
        swap.extend_from_slice(&word.to_be_bytes::<32>());
    }
    let answer = call(
        &node,
        "eth_call",
        json!([{"to": damm, "data": format!("0x{}", hex::encode(&swap))}, "latest"]),
    );
    assert_eq!(error(&answer), (3, "execution reverted".to_string()));
    let expired = &stylus_runtime::keccak256("Expired(uint256)")[..4];
    let data = format!(
        "0x{}{}",
        hex::encode(expired),
        hex::encode(U256::from(1).to_be_bytes::<32>())
    );
    assert_eq!(answer["error"]["data"], json!(data));
}

#[test]
fn the_state_file_survives_kill_9_and_snapshots_revert() {
    let state = std::env::temp_dir().join(format!("damm-node-state-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&state);
    let state_arg = state.to_string_lossy().to_string();
    let owner = signer(OWNER_KEY);
    let (token0, minted_block, timestamp) = {
        let node = start("state-1", &["--no-configure", "--state", &state_arg]);
        let token0 = address(&deployment(&node)["token0"]["address"]);
        result(&node, "evm_increaseTime", json!([86_400]));
        let hash = result(
            &node,
            "eth_sendRawTransaction",
            json!([raw(&eip1559(
                &owner,
                0,
                token0,
                mint(owner.address(), 77),
                100_000
            ))]),
        );
        let receipt = result(&node, "eth_getTransactionReceipt", json!([hash]));
        let block = result(
            &node,
            "eth_getBlockByNumber",
            json!([receipt["blockNumber"], false]),
        );
        result(
            &node,
            "anvil_setBalance",
            json!([Address::repeat_byte(7), "0x1234"]),
        );
        // Dropping the node is SIGKILL: no chance to flush anything.
        (
            token0,
            receipt["blockNumber"].clone(),
            block["timestamp"].clone(),
        )
    };
    let node = start("state-2", &["--no-configure", "--state", &state_arg]);
    assert_eq!(result(&node, "eth_blockNumber", json!([])), minted_block);
    let block = result(&node, "eth_getBlockByNumber", json!([minted_block, false]));
    assert_eq!(block["timestamp"], timestamp);
    assert_eq!(
        number(&result(
            &node,
            "eth_getBalance",
            json!([Address::repeat_byte(7), "latest"])
        )),
        0x1234
    );
    assert_eq!(
        number(&result(
            &node,
            "eth_getTransactionCount",
            json!([owner.address(), "latest"])
        )),
        1
    );
    let mut balance_of = stylus_runtime::keccak256("balanceOf(address)")[..4].to_vec();
    balance_of.extend_from_slice(&[0; 12]);
    balance_of.extend_from_slice(owner.address().as_slice());
    let read = || {
        number(&result(
            &node,
            "eth_call",
            json!([{"to": token0, "data": format!("0x{}", hex::encode(&balance_of))}]),
        ))
    };
    assert_eq!(read(), 77);

    // A snapshot, a change, a revert: the change is gone, also from the file.
    let id = result(&node, "evm_snapshot", json!([]));
    result(
        &node,
        "eth_sendRawTransaction",
        json!([raw(&eip1559(
            &owner,
            1,
            token0,
            mint(owner.address(), 3),
            100_000
        ))]),
    );
    assert_eq!(read(), 80);
    assert_eq!(result(&node, "evm_revert", json!([id])), json!(true));
    assert_eq!(read(), 77);
    assert_eq!(
        result(&node, "evm_revert", json!([id])),
        json!(false),
        "a snapshot is used once"
    );
    drop(node);
    let node = start("state-3", &["--no-configure", "--state", &state_arg]);
    assert_eq!(result(&node, "eth_blockNumber", json!([])), minted_block);
    drop(node);
    let _ = std::fs::remove_file(&state);
}

#[test]
fn configure_runs_against_the_node_is_idempotent_and_matches_the_dry_run() {
    use damm_deploy::chain::ChainState;
    use damm_deploy::config::Config;
    use damm_deploy::rpc::Rpc;

    let node = start("configure", &[]);
    let deployment = deployment(&node);
    let damm = address(&deployment["damm"]["address"]);
    let root = stylus_runtime::artifacts::workspace_root();
    let mut config = Config::load(&root.join("deploy/devnode.toml")).expect("the deployment file");
    config.token0 = address(&deployment["token0"]["address"]);
    config.token1 = address(&deployment["token1"]["address"]);
    let wasm = std::fs::read(root.join("target/stylus/damm.wasm")).expect("the WASM");

    // The node configured itself at start; a second run sends nothing.
    let sent = damm_deploy::configure::configure(&config, &node.url, OWNER_KEY, damm, &wasm, true)
        .expect("configure");
    assert_eq!(sent, 0);

    let owner = signer(OWNER_KEY).address();
    let mut rpc = Rpc::connect(&node.url, OWNER_KEY).expect("connects");
    let live = ChainState::read(&mut rpc, damm, owner).expect("reads");
    let token = std::fs::read(root.join("target/stylus/test_token.wasm")).expect("the token");
    let predicted = damm_deploy::rehearsal::rehearse(&config, &wasm, &token, owner)
        .expect("the dry run")
        .state;
    assert_eq!(live.owner, predicted.owner);
    assert_eq!(live.parameters, predicted.parameters);
    assert_eq!(live.live, predicted.live);
    assert_eq!(live.total_supply, predicted.total_supply);
    assert_eq!(live.holder_shares, predicted.holder_shares);
    assert_eq!(live.markets, predicted.markets);
}

#[test]
fn interval_blocks_filters_and_logs() {
    let node = start("interval", &["--no-configure", "--block-time", "1"]);
    let owner = signer(OWNER_KEY);
    let token0 = address(&deployment(&node)["token0"]["address"]);
    let blocks = result(&node, "eth_newBlockFilter", json!([]));
    let transfer = format!(
        "{}",
        stylus_runtime::keccak256("Transfer(address,address,uint256)")
    );
    let logs = result(
        &node,
        "eth_newFilter",
        json!([{"address": token0, "topics": [transfer]}]),
    );

    // Sent, pending, then mined by the next interval block.
    let hash = result(
        &node,
        "eth_sendRawTransaction",
        json!([raw(&eip1559(
            &owner,
            0,
            token0,
            mint(owner.address(), 5),
            100_000
        ))]),
    );
    assert_eq!(
        number(&result(
            &node,
            "eth_getTransactionCount",
            json!([owner.address(), "pending"])
        )),
        1
    );
    let pending = result(&node, "eth_getTransactionByHash", json!([hash]));
    assert_eq!(pending["hash"], hash);
    let mut receipt = Value::Null;
    for _ in 0..50 {
        receipt = result(&node, "eth_getTransactionReceipt", json!([hash]));
        if !receipt.is_null() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(receipt["status"], json!("0x1"), "mined within 5 s");
    assert_eq!(
        number(&result(
            &node,
            "eth_getTransactionCount",
            json!([owner.address(), "latest"])
        )),
        1
    );

    // The mint's Transfer(0, owner, 5), through the filter and eth_getLogs.
    let changes = result(&node, "eth_getFilterChanges", json!([logs]));
    assert_eq!(changes.as_array().map(Vec::len), Some(1), "{changes}");
    assert_eq!(changes[0]["transactionHash"], hash);
    assert_eq!(number(&changes[0]["data"]), 5);
    assert_eq!(
        result(&node, "eth_getFilterChanges", json!([logs])),
        json!([]),
        "read once"
    );
    let block = receipt["blockNumber"].clone();
    let found = result(
        &node,
        "eth_getLogs",
        json!([{"fromBlock": block, "toBlock": block, "address": token0}]),
    );
    assert_eq!(found, changes);
    let other = result(
        &node,
        "eth_getLogs",
        json!([{"fromBlock": "0x0", "address": Address::repeat_byte(1)}]),
    );
    assert_eq!(other, json!([]));
    let hashes = result(&node, "eth_getFilterChanges", json!([blocks]));
    assert!(hashes.as_array().is_some_and(|h| !h.is_empty()));
    assert_eq!(
        result(&node, "eth_uninstallFilter", json!([logs])),
        json!(true)
    );
    assert_eq!(
        error(&call(&node, "eth_getFilterChanges", json!([logs]))).1,
        "filter not found"
    );
}

#[test]
fn every_transaction_type_mines_and_pays_exactly_its_gas() {
    let node = start("types", &["--no-configure"]);
    let owner = signer(OWNER_KEY);
    let token0 = address(&deployment(&node)["token0"]["address"]);
    let balance = |who: Address| number(&result(&node, "eth_getBalance", json!([who, "latest"])));
    let base_fee = number(&result(&node, "eth_gasPrice", json!([])));
    assert_eq!(base_fee, 100_000_000, "Arbitrum's minimum base fee");

    // Legacy (EIP-155), EIP-2930 and EIP-1559, each charged gasUsed × baseFee.
    let legacy = {
        let tx = TxLegacy {
            chain_id: Some(CHAIN_ID),
            nonce: 0,
            gas_price: 300_000_000,
            gas_limit: 200_000,
            to: TxKind::Call(token0),
            value: U256::ZERO,
            input: mint(owner.address(), 1).into(),
        };
        signed(&owner, tx)
    };
    let access_list = {
        let tx = alloy_consensus::TxEip2930 {
            chain_id: CHAIN_ID,
            nonce: 1,
            gas_price: 100_000_000,
            gas_limit: 200_000,
            to: TxKind::Call(token0),
            value: U256::ZERO,
            access_list: alloy_eips::eip2930::AccessList(vec![
                alloy_eips::eip2930::AccessListItem {
                    address: token0,
                    storage_keys: vec![Default::default()],
                },
            ]),
            input: mint(owner.address(), 1).into(),
        };
        signed(&owner, tx)
    };
    for (envelope, kind) in [
        (legacy, "0x0"),
        (access_list, "0x1"),
        (
            eip1559(&owner, 2, token0, mint(owner.address(), 1), 200_000),
            "0x2",
        ),
    ] {
        let before = balance(owner.address());
        let hash = result(&node, "eth_sendRawTransaction", json!([raw(&envelope)]));
        let receipt = result(&node, "eth_getTransactionReceipt", json!([hash]));
        assert_eq!(receipt["status"], json!("0x1"));
        assert_eq!(receipt["type"], json!(kind));
        assert_eq!(number(&receipt["effectiveGasPrice"]), base_fee);
        let paid = number(&receipt["gasUsed"]) * base_fee;
        assert_eq!(
            balance(owner.address()),
            before - paid,
            "{kind}: gasUsed × baseFee, no more"
        );
        let tx = result(&node, "eth_getTransactionByHash", json!([hash]));
        assert_eq!(
            tx["from"].as_str().map(str::to_lowercase),
            Some(format!("{:#x}", owner.address()))
        );
        let block = result(
            &node,
            "eth_getBlockByHash",
            json!([receipt["blockHash"], true]),
        );
        assert_eq!(block["transactions"][0]["hash"], hash);
    }

    // eth_sendTransaction for a dev account: nonce, gas and fees filled in.
    let second: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
        .parse()
        .unwrap();
    let data = format!("0x{}", hex::encode(mint(second, 9)));
    let estimate = number(&result(
        &node,
        "eth_estimateGas",
        json!([{"from": second, "to": token0, "data": data}]),
    ));
    let hash = result(
        &node,
        "eth_sendTransaction",
        json!([{"from": second, "to": token0, "data": data}]),
    );
    let receipt = result(&node, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], json!("0x1"));
    assert!(
        number(&receipt["gasUsed"]) <= estimate,
        "the estimate suffices"
    );
    let (_, message) = error(&call(
        &node,
        "eth_sendTransaction",
        json!([{"from": Address::repeat_byte(3), "to": token0}]),
    ));
    assert!(message.starts_with("unknown account"), "{message}");

    // A Stylus program deployed by a raw creation, cargo-stylus's init code.
    let token_wasm = std::fs::read(
        stylus_runtime::artifacts::workspace_root().join("target/stylus/test_token.wasm"),
    )
    .expect("the token");
    let code = [
        &stylus_check::code::EOF_PREFIX[..],
        &stylus_check::code::compress(&token_wasm),
    ]
    .concat();
    let init = stylus_check::code::initcode(&code);
    let create_gas = number(&result(
        &node,
        "eth_estimateGas",
        json!([{"from": owner.address(), "data": format!("0x{}", hex::encode(&init))}]),
    ));
    let create = |gas: u64, nonce: u64| {
        let tx = TxEip1559 {
            chain_id: CHAIN_ID,
            nonce,
            gas_limit: gas,
            max_fee_per_gas: 200_000_000,
            max_priority_fee_per_gas: 0,
            to: TxKind::Create,
            value: U256::ZERO,
            access_list: Default::default(),
            input: init.clone().into(),
        };
        signed(&owner, tx)
    };
    let (_, message) = error(&call(
        &node,
        "eth_sendRawTransaction",
        json!([raw(&create(60_000, 3))]),
    ));
    assert!(message.starts_with("intrinsic gas too low"), "{message}");
    let hash = result(
        &node,
        "eth_sendRawTransaction",
        json!([raw(&create(u64::try_from(create_gas).unwrap(), 3))]),
    );
    let receipt = result(&node, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], json!("0x1"));
    let created = address(&receipt["contractAddress"]);
    assert_eq!(created, stylus_runtime::create_address(owner.address(), 3));
    let on_chain = result(&node, "eth_getCode", json!([created, "latest"]));
    assert_eq!(on_chain, json!(format!("0x{}", hex::encode(&code))));

    // Fees: a tip above the cap, and an unprotected legacy transaction.
    let tipped = {
        let tx = TxEip1559 {
            chain_id: CHAIN_ID,
            nonce: 4,
            gas_limit: 100_000,
            max_fee_per_gas: 200_000_000,
            max_priority_fee_per_gas: 300_000_000,
            to: TxKind::Call(token0),
            value: U256::ZERO,
            access_list: Default::default(),
            input: Bytes::new(),
        };
        signed(&owner, tx)
    };
    let (_, message) = error(&call(
        &node,
        "eth_sendRawTransaction",
        json!([raw(&tipped)]),
    ));
    assert!(
        message.starts_with("max priority fee per gas higher than max fee per gas"),
        "{message}"
    );
    let unprotected = {
        let tx = TxLegacy {
            chain_id: None,
            nonce: 4,
            gas_price: 200_000_000,
            gas_limit: 100_000,
            to: TxKind::Call(token0),
            value: U256::ZERO,
            input: Bytes::new(),
        };
        signed(&owner, tx)
    };
    let (_, message) = error(&call(
        &node,
        "eth_sendRawTransaction",
        json!([raw(&unprotected)]),
    ));
    assert!(message.starts_with("only replay-protected"), "{message}");

    // The clock: a set timestamp, then the fee history's shape and bounds.
    let head = result(&node, "eth_getBlockByNumber", json!(["latest", false]));
    let next = number(&head["timestamp"]) + 1_000;
    result(&node, "evm_setNextBlockTimestamp", json!([next as u64]));
    result(&node, "evm_mine", json!([]));
    let mined = result(&node, "eth_getBlockByNumber", json!(["latest", false]));
    assert_eq!(number(&mined["timestamp"]), next);
    let (code, _) = error(&call(&node, "evm_setNextBlockTimestamp", json!([1])));
    assert_eq!(code, -32602, "a time before the head's");
    let history = result(&node, "eth_feeHistory", json!(["0x3", "latest", [25, 75]]));
    assert_eq!(history["baseFeePerGas"].as_array().map(Vec::len), Some(4));
    assert_eq!(history["reward"][0], json!(["0x0", "0x0"]));
    assert_eq!(
        error(&call(
            &node,
            "eth_feeHistory",
            json!(["0x3", "latest", [75, 25]])
        ))
        .0,
        -32602
    );
    let many: Vec<u32> = vec![50; 101];
    assert_eq!(
        error(&call(
            &node,
            "eth_feeHistory",
            json!(["0x3", "latest", many])
        ))
        .0,
        -32602
    );

    // Logs past the head are none yet, not the head's again.
    let past = format!(
        "{:#x}",
        number(&result(&node, "eth_blockNumber", json!([]))) + 1
    );
    assert_eq!(
        result(&node, "eth_getLogs", json!([{"fromBlock": past}])),
        json!([])
    );
    let filter = result(
        &node,
        "eth_newFilter",
        json!([{"fromBlock": "0x1", "address": token0}]),
    );
    let all = result(&node, "eth_getFilterLogs", json!([filter]));
    assert_eq!(
        all.as_array().map(Vec::len),
        Some(4),
        "the four mints' Transfers: {all}"
    );
}

#[test]
fn a_state_file_that_no_longer_replays_is_refused() {
    let state =
        std::env::temp_dir().join(format!("damm-node-diverge-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&state);
    let state_arg = state.to_string_lossy().to_string();
    let owner = signer(OWNER_KEY);
    {
        let node = start("diverge", &["--no-configure", "--state", &state_arg]);
        let token0 = address(&deployment(&node)["token0"]["address"]);
        let tx = eip1559(&owner, 0, token0, mint(owner.address(), 1), 100_000);
        result(&node, "eth_sendRawTransaction", json!([raw(&tx)]));
    }
    // What another runtime would have produced: a different block hash.
    let text = std::fs::read_to_string(&state).expect("the state file");
    let block: Value = serde_json::from_str(text.lines().last().expect("a block")).expect("JSON");
    let hash = block["hash"].as_str().expect("a hash").to_string();
    let forged = format!("0x{}", "ab".repeat(32));
    std::fs::write(&state, text.replace(&hash, &forged)).expect("writes");
    let output = Command::new(env!("CARGO_BIN_EXE_damm-node"))
        .args([
            "--no-configure",
            "--port",
            &free_port().to_string(),
            "--state",
            &state_arg,
        ])
        .current_dir(stylus_runtime::artifacts::workspace_root())
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("diverges at block 1"), "{stderr}");
    let _ = std::fs::remove_file(&state);
}
