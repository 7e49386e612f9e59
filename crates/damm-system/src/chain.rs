//! The chain side of a system run: damm-node, JSON-RPC calls, and the
//! services started against it.

use std::path::Path;
use std::time::{Duration, Instant};

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolEvent};
use damm_chain::{IDamm, IErc20};
use serde_json::{json, Value};

use crate::{binaries, free_port, Proc};

alloy_sol_types::sol! {
    /// The test token's open mint (deploy/local-system.toml's tokens).
    interface ITestMint {
        function mint(address to, uint256 value) external;
    }
}

/// A JSON-RPC endpoint.
#[derive(Clone)]
pub struct Rpc {
    /// Its URL.
    pub url: String,
    http: reqwest::blocking::Client,
}

impl Rpc {
    /// The endpoint at `url`.
    #[must_use]
    pub fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            http: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap_or_default(),
        }
    }

    /// A call: its `result`, or its `error` object.
    ///
    /// # Errors
    /// The JSON-RPC error, or a transport failure as `{"message": ...}`.
    pub fn call(&self, method: &str, params: Value) -> Result<Value, Value> {
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let answer: Value = self
            .http
            .post(&self.url)
            .json(&body)
            .send()
            .and_then(reqwest::blocking::Response::json)
            .map_err(|e| json!({ "message": e.to_string() }))?;
        match answer.get("error") {
            Some(e) => Err(e.clone()),
            None => Ok(answer["result"].clone()),
        }
    }

    /// A view of `to`.
    ///
    /// # Panics
    /// If it fails: tests read only what exists.
    pub fn view<C: SolCall>(&self, to: Address, call: &C) -> C::Return {
        let data = Bytes::from(call.abi_encode());
        let out = self
            .call("eth_call", json!([{ "to": to, "data": data }, "latest"]))
            .expect("eth_call");
        let bytes: Bytes = serde_json::from_value(out).expect("hex");
        C::abi_decode_returns(&bytes, true).expect("decodes")
    }

    /// Sends a call from a dev account (the node signs) and waits for it to
    /// be mined; returns the receipt.
    ///
    /// # Panics
    /// If it is refused or fails on chain.
    pub fn send<C: SolCall>(&self, from: Address, to: Address, call: &C) -> Value {
        let data = Bytes::from(call.abi_encode());
        let hash = self
            .call(
                "eth_sendTransaction",
                json!([{ "from": from, "to": to, "data": data }]),
            )
            .unwrap_or_else(|e| panic!("{} refused: {e}", C::SIGNATURE));
        let started = Instant::now();
        loop {
            let receipt = self
                .call("eth_getTransactionReceipt", json!([hash]))
                .expect("receipt");
            if !receipt.is_null() {
                assert_eq!(
                    receipt["status"],
                    "0x1",
                    "{} failed: {receipt}",
                    C::SIGNATURE
                );
                return receipt;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{} not mined",
                C::SIGNATURE
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Moves the chain's clock forward and mines a block.
    pub fn advance(&self, seconds: u64) {
        let _ = self.call("evm_increaseTime", json!([seconds]));
        let _ = self.call("evm_mine", json!([]));
    }

    /// The dAMM's `E` events (decoded), oldest first.
    ///
    /// # Panics
    /// If the node refuses the query.
    pub fn events<E: SolEvent>(&self, damm: Address) -> Vec<E> {
        let logs = self
            .call(
                "eth_getLogs",
                json!([{ "address": damm, "fromBlock": "0x0", "toBlock": "latest", "topics": [E::SIGNATURE_HASH] }]),
            )
            .expect("eth_getLogs");
        logs.as_array()
            .into_iter()
            .flatten()
            .map(|log| {
                let topics: Vec<alloy_primitives::B256> =
                    serde_json::from_value(log["topics"].clone()).expect("topics");
                let data: Bytes = serde_json::from_value(log["data"].clone()).expect("data");
                E::decode_raw_log(topics, &data, true).expect("decodes")
            })
            .collect()
    }
}

/// A running damm-node with the dAMM and its tokens.
pub struct Chain {
    /// The process.
    pub node: Proc,
    /// Its RPC.
    pub rpc: Rpc,
    /// The dAMM.
    pub damm: Address,
    /// Token0.
    pub token0: Address,
    /// Token1.
    pub token1: Address,
}

impl Chain {
    /// Starts damm-node on `deploy/local-system.toml` on a free port with
    /// `extra` options.
    ///
    /// # Panics
    /// If it does not start.
    #[must_use]
    pub fn start(dir: &Path, release: bool, extra: &[&str]) -> Self {
        Self::start_on(dir, release, free_port(), extra)
    }

    /// [`Chain::start`] on `port`.
    ///
    /// # Panics
    /// If it does not start.
    #[must_use]
    pub fn start_on(dir: &Path, release: bool, port: u16, extra: &[&str]) -> Self {
        let out = dir.join("devnode");
        let mut args: Vec<String> = vec![
            "--port".into(),
            port.to_string(),
            "--config".into(),
            "deploy/local-system.toml".into(),
            "--out".into(),
            out.display().to_string(),
        ];
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        let node = Proc::start(
            "damm-node",
            &binaries(release).node,
            &args,
            &[],
            &dir.join("node.log"),
            "Listening on",
            Duration::from_secs(300),
        );
        let deployment: Value = serde_json::from_str(
            &std::fs::read_to_string(out.join("deployment.json")).expect("deployment.json"),
        )
        .expect("json");
        let address = |v: &Value| {
            v["address"]
                .as_str()
                .unwrap_or("")
                .parse::<Address>()
                .expect("address")
        };
        Self {
            rpc: Rpc::new(&format!("http://127.0.0.1:{port}")),
            damm: address(&deployment["damm"]),
            token0: address(&deployment["token0"]),
            token1: address(&deployment["token1"]),
            node,
        }
    }

    /// Mints `amount` of both tokens to `to` (the test tokens' open mint).
    pub fn fund(&self, to: Address, amount: U256) {
        for token in [self.token0, self.token1] {
            self.rpc.send(
                crate::address(0),
                token,
                &ITestMint::mintCall { to, value: amount },
            );
        }
    }

    /// `account`'s balance of `token`.
    #[must_use]
    pub fn balance(&self, token: Address, account: Address) -> U256 {
        self.rpc.view(token, &IErc20::balanceOfCall { account })._0
    }

    /// Market `id` on chain: `(batchId, x, y)`.
    #[must_use]
    pub fn market(&self, id: u64) -> (u64, U256, U256) {
        let m = self.rpc.view(self.damm, &IDamm::marketCall { id });
        (m._7, m._8, m._9)
    }
}

/// Starts an orchestrator on `database` (its store) against `chain`.
///
/// # Panics
/// If it does not start.
#[must_use]
pub fn orchestrator(
    dir: &Path,
    name: &str,
    release: bool,
    chain: &Chain,
    database: &str,
    env: &[(&str, &str)],
) -> Proc {
    let mut envs: Vec<(String, String)> = vec![
        ("DAMM_ORCHESTRATOR_LISTEN".into(), "127.0.0.1:0".into()),
        ("DAMM_ORCHESTRATOR_RPC_URL".into(), chain.rpc.url.clone()),
        ("DAMM_ORCHESTRATOR_DAMM".into(), chain.damm.to_string()),
        ("DAMM_ORCHESTRATOR_DATABASE_URL".into(), database.into()),
        ("DAMM_ORCHESTRATOR_SYNC_INTERVAL_MS".into(), "200".into()),
    ];
    envs.extend(env.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())));
    Proc::start(
        name,
        &binaries(release).orchestrator,
        &[],
        &envs,
        &dir.join(format!("{name}.log")),
        "listening on http://",
        Duration::from_secs(60),
    )
}

/// Starts the operator of `market` (key `KEYS[market + 1]`) on `database`.
///
/// # Panics
/// If it does not start.
#[must_use]
pub fn operator(
    dir: &Path,
    market: u64,
    release: bool,
    chain: &Chain,
    orchestrator_url: &str,
    database: &str,
    env: &[(&str, &str)],
) -> Proc {
    let key = crate::KEYS[usize::try_from(market).unwrap_or(0) + 1];
    let mut envs: Vec<(String, String)> = vec![
        ("DAMM_OPERATOR_LISTEN".into(), "127.0.0.1:0".into()),
        ("DAMM_OPERATOR_RPC_URL".into(), chain.rpc.url.clone()),
        ("DAMM_OPERATOR_DAMM".into(), chain.damm.to_string()),
        ("DAMM_OPERATOR_MARKET".into(), market.to_string()),
        ("DAMM_OPERATOR_KEY".into(), key.into()),
        (
            "DAMM_OPERATOR_ORCHESTRATOR_URL".into(),
            orchestrator_url.into(),
        ),
        ("DAMM_OPERATOR_DATABASE_URL".into(), database.into()),
        ("DAMM_OPERATOR_CHAIN_POLL_MS".into(), "200".into()),
    ];
    envs.extend(env.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())));
    let name = format!("operator-{market}");
    Proc::start(
        &name,
        &binaries(release).operator,
        &[],
        &envs,
        &dir.join(format!("{name}.log")),
        "listening on http://",
        Duration::from_secs(60),
    )
}
