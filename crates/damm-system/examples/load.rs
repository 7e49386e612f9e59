//! The trade-load benchmark (a measurement, not a test): one operator
//! (market 0) with the orchestrator in the loop, `CLIENTS` concurrent
//! clients posting `POST /v1/trades` for `SECONDS`, on SQLite or, with
//! `--postgres`, on a throwaway PostgreSQL. Prints accepted trades per
//! second and the p50/p99 latency of an accepted trade. Release builds.
//!
//! `cargo run --release -p damm-system --example load [-- --postgres]`

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alloy_primitives::{Address, U256};
use damm_system::chain::{operator, orchestrator, Chain};
use damm_system::postgres::Postgres;
use damm_system::{address, http, run_dir, sqlite};
use serde_json::json;

const CLIENTS: usize = 8;
const SECONDS: u64 = 20;

fn main() {
    let postgres = std::env::args().any(|a| a == "--postgres");
    let dir = run_dir(if postgres { "load-pg" } else { "load-sqlite" });
    let pg = postgres.then(|| Postgres::start(&dir));
    let store = |name: &str| {
        pg.as_ref()
            .map_or_else(|| sqlite(&dir, name), Postgres::url)
    };
    let chain = Chain::start(&dir, true, &[]);
    let orch = orchestrator(
        &dir,
        "orchestrator",
        true,
        &chain,
        &store("orchestrator"),
        &[("DAMM_ORCHESTRATOR_LOG_LEVEL", "warn")],
    );
    chain.fund(address(1), U256::from(10u128.pow(30)));
    let env = [
        ("DAMM_OPERATOR_BATCH_INTERVAL_MS", "2000"),
        ("DAMM_OPERATOR_BATCH_MAX_TRADES", "100000"),
        ("DAMM_OPERATOR_LOG_LEVEL", "warn"),
    ];
    let op = operator(&dir, 0, true, &chain, &orch.url, &store("operator"), &env);
    let url = format!("{}/v1/trades", op.url);
    let deadline = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        + 3600;
    let stop = Arc::new(AtomicBool::new(false));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let refused = Arc::new(Mutex::new(std::collections::BTreeMap::<String, u64>::new()));
    let started = Instant::now();
    let workers: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (url, stop, latencies, refused) = (url.clone(), Arc::clone(&stop), Arc::clone(&latencies), Arc::clone(&refused));
            std::thread::spawn(move || {
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    // Alternate directions so the batch's net stays small.
                    let zero_for_one = (i + c as u64).is_multiple_of(2);
                    let amount = if zero_for_one { "1000000000000000" } else { "1780000000000000000" };
                    let body = json!({ "zeroForOne": zero_for_one, "exactIn": amount, "limit": "0", "deadline": deadline, "trader": Address::repeat_byte(c as u8 + 1) });
                    let t = Instant::now();
                    let (status, answer) = http::post(&url, &body);
                    let took = t.elapsed();
                    if status == 201 {
                        latencies.lock().unwrap_or_else(|e| e.into_inner()).push(took);
                    } else {
                        let code = answer["error"]["code"].as_str().unwrap_or("?").to_owned();
                        *refused.lock().unwrap_or_else(|e| e.into_inner()).entry(code).or_default() += 1;
                    }
                    i += 1;
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(SECONDS));
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        let _ = w.join();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut l = latencies.lock().unwrap_or_else(|e| e.into_inner()).clone();
    l.sort();
    let pct = |p: usize| {
        l.get((l.len() * p / 100).min(l.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    println!(
        "{}: {} clients, {:.0} s: {} trades accepted, {:.0} trades/s; POST /v1/trades p50 {:.2} ms, p99 {:.2} ms; refused {:?}",
        if postgres { "PostgreSQL" } else { "SQLite (WAL, synchronous=FULL)" },
        CLIENTS,
        elapsed,
        l.len(),
        l.len() as f64 / elapsed,
        pct(50),
        pct(99),
        refused.lock().unwrap_or_else(|e| e.into_inner())
    );
}
