//! The whole dAMM system on this machine: damm-node on :8547 with
//! `deploy/local-system.toml`, an orchestrator on :8600 and the three
//! markets' operators (constant product :8700, StableSwap :8701, bAMM
//! :8702), each on its own SQLite file, the operators funded with test
//! tokens. Runs until Ctrl-C. `scripts/local-system.sh` starts it.
//!
//! Everything lives in `target/local-system/` (stores, logs,
//! deployment.json), started afresh each time: the chain is not kept.

use alloy_primitives::U256;
use damm_system::chain::{operator, orchestrator, Chain};
use damm_system::{address, repo, sqlite};

fn main() {
    let dir = repo().join("target/local-system");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("target/local-system");
    println!("building and starting (logs in {}) ...", dir.display());
    let chain = Chain::start_on(&dir, true, 8547, &[]);
    let orch = orchestrator(
        &dir,
        "orchestrator",
        true,
        &chain,
        &sqlite(&dir, "orchestrator"),
        &[("DAMM_ORCHESTRATOR_LISTEN", "127.0.0.1:8600")],
    );
    let curves = [
        "constant product",
        "StableSwap (amp 100)",
        "bAMM (alpha 0.5, t 0.5)",
    ];
    let mut operators = Vec::new();
    for m in 0..3u64 {
        // An operator pays its batches' net in: give it test tokens.
        chain.fund(address(m as usize + 1), U256::from(10u128.pow(30)));
        let listen = format!("127.0.0.1:{}", 8700 + m);
        let env = [
            ("DAMM_OPERATOR_LISTEN", listen.as_str()),
            ("DAMM_OPERATOR_LOG_FORMAT", "json"),
        ];
        operators.push(operator(
            &dir,
            m,
            true,
            &chain,
            &orch.url,
            &sqlite(&dir, &format!("operator-{m}")),
            &env,
        ));
    }
    println!("\ndAMM local system: Ctrl-C stops it all");
    println!(
        "  chain          {}   (target/local-system/devnode/deployment.json)",
        chain.rpc.url
    );
    println!("  orchestrator   {}   GET /v1/pool", orch.url);
    for (m, op) in operators.iter().enumerate() {
        println!("  operator {m}     {}   market {m}: {}", op.url, curves[m]);
    }
    println!(
        "\ntry:\n  curl -s {0}/v1/market\n  curl -s -XPOST {0}/v1/quote -H 'content-type: application/json' -d '{{\"zeroForOne\":true,\"exactIn\":\"1000000000000000000\"}}'",
        operators[0].url
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    println!("stopping ...");
    for mut op in operators {
        op.stop();
    }
    drop(orch);
    drop(chain);
}
