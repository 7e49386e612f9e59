//! What the system tests share: trades through the API and the books they
//! must leave on chain.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use alloy_primitives::{Address, I256, U256};
use alloy_signer_local::PrivateKeySigner;
use damm_chain::IDamm;
use damm_operator::commitment::{commitment, Trade};
use damm_orchestrator::client::{Answer, Client};
use damm_orchestrator::wire::{Net, PendingRequest};
use damm_system::chain::Chain;
use damm_system::http;
use damm_system::KEYS;
use serde_json::{json, Value};

/// 10^18.
pub const E18: u128 = 1_000_000_000_000_000_000;

/// An acknowledged trade, as the test asked for it and the API answered.
#[derive(Debug, Clone)]
pub struct Acked {
    pub market: u64,
    pub id: u64,
    pub batch: u64,
    pub trader: Address,
    pub zero_for_one: bool,
    pub amount_in: U256,
    pub amount_out: U256,
}

/// Unix seconds ten minutes from now.
pub fn deadline() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        + 600
}

fn amount(v: &Value) -> U256 {
    v.as_str()
        .and_then(|s| U256::from_str_radix(s, 10).ok())
        .unwrap_or_else(|| panic!("not an amount: {v}"))
}

/// Posts a trade; returns the acknowledged trade or `(status, body)`.
pub fn trade(
    operator: &str,
    market: u64,
    zero_for_one: bool,
    exact_in: Option<u128>,
    exact_out: Option<u128>,
    limit: u128,
    trader: Address,
) -> Result<Acked, (u16, Value)> {
    let mut body = json!({ "zeroForOne": zero_for_one, "limit": limit.to_string(), "deadline": deadline(), "trader": trader });
    if let Some(a) = exact_in {
        body["exactIn"] = json!(a.to_string());
    }
    if let Some(a) = exact_out {
        body["exactOut"] = json!(a.to_string());
    }
    let (status, answer) = http::post(&format!("{operator}/v1/trades"), &body);
    if status != 201 {
        return Err((status, answer));
    }
    assert_eq!(answer["status"], "accepted");
    Ok(Acked {
        market,
        id: answer["id"].as_u64().expect("id"),
        batch: answer["batchId"].as_u64().expect("batchId"),
        trader,
        zero_for_one,
        amount_in: amount(&answer["amountIn"]),
        amount_out: amount(&answer["amountOut"]),
    })
}

/// A trade that must be accepted.
pub fn must_trade(
    operator: &str,
    market: u64,
    zero_for_one: bool,
    exact_in: Option<u128>,
    exact_out: Option<u128>,
    trader: Address,
) -> Acked {
    let limit = if exact_in.is_some() { 0 } else { u128::MAX };
    trade(
        operator,
        market,
        zero_for_one,
        exact_in,
        exact_out,
        limit,
        trader,
    )
    .unwrap_or_else(|e| panic!("trade refused: {e:?}"))
}

/// The operator's open batch.
pub fn batch(operator: &str) -> Value {
    let (status, body) = http::get(&format!("{operator}/v1/batch"));
    assert_eq!(status, 200, "{body}");
    body
}

/// Waits until the operator's open batch is past `batch` (it settled).
pub fn wait_settled(operator: &str, batch_id: u64, timeout: Duration) {
    let started = Instant::now();
    while batch(operator)["batchId"].as_u64().unwrap_or(0) <= batch_id {
        assert!(
            started.elapsed() < timeout,
            "batch {batch_id} did not settle: {}",
            batch(operator)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Checks the chain's books against the acknowledged trades, to the wei:
/// every `Checkpoint` of `market` commits to exactly the trades acked into
/// that batch, in order, and its signed amounts are their sums.
/// Returns the market's total net `(token0, token1)` as the pool received it.
pub fn check_books(chain: &Chain, chain_id: u64, market: u64, acked: &[Acked]) -> (I256, I256) {
    let checkpoints: Vec<IDamm::Checkpoint> = chain
        .rpc
        .events::<IDamm::Checkpoint>(chain.damm)
        .into_iter()
        .filter(|c| c.market == market)
        .collect();
    let (mut total0, mut total1) = (I256::ZERO, I256::ZERO);
    for (i, c) in checkpoints.iter().enumerate() {
        assert_eq!(
            c.batchId,
            i as u64 + 1,
            "market {market}'s batches settle once each, in order"
        );
        let mine: Vec<&Acked> = acked
            .iter()
            .filter(|t| t.market == market && t.batch == c.batchId)
            .collect();
        let trades: Vec<Trade> = mine
            .iter()
            .map(|t| Trade {
                id: t.id,
                trader: t.trader,
                zeroForOne: t.zero_for_one,
                amountIn: t.amount_in,
                amountOut: t.amount_out,
            })
            .collect();
        assert_eq!(
            c.commitment,
            commitment(chain_id, chain.damm, market, c.batchId, &trades),
            "market {market} batch {}'s trades",
            c.batchId
        );
        let (mut d0, mut d1) = (I256::ZERO, I256::ZERO);
        for t in &mine {
            let (i, o) = (I256::from_raw(t.amount_in), I256::from_raw(t.amount_out));
            if t.zero_for_one {
                d0 += i;
                d1 -= o;
            } else {
                d1 += i;
                d0 -= o;
            }
        }
        assert_eq!(
            (c.amount0, c.amount1),
            (d0, d1),
            "market {market} batch {}'s net is its trades' sum",
            c.batchId
        );
        total0 += d0;
        total1 += d1;
    }
    let settled = checkpoints.len() as u64;
    assert_eq!(chain.market(market).0, settled);
    for t in acked.iter().filter(|t| t.market == market) {
        assert!(
            t.batch <= settled,
            "trade {} of market {market} never settled",
            t.id
        );
    }
    (total0, total1)
}

/// Two markets each ask for 60 % of the pool's free token0 at the same
/// instant: exactly one may have it. Then both release, and again.
pub fn race_for_the_last_liquidity(urls: [&str; 2], rounds: u64) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let clients: Vec<Client> = (0..2)
        .map(|m| {
            let signer: PrivateKeySigner = KEYS[m + 1].parse().expect("key");
            Client::new(urls[m], signer, Duration::from_secs(30)).expect("client")
        })
        .collect();
    let take = Net {
        amount0_in: U256::ZERO,
        amount1_in: U256::from(200_000 * E18),
        amount0_out: U256::from(60 * E18),
        amount1_out: U256::ZERO,
    };
    for r in 0..rounds {
        let asks = runtime.block_on(async {
            let ask = PendingRequest {
                batch_id: 1,
                seq: 2 * r + 1,
                net: take,
            };
            tokio::join!(clients[0].reserve(0, &ask), clients[1].reserve(1, &ask))
        });
        let won = [&asks.0, &asks.1]
            .iter()
            .filter(|a| matches!(a, Answer::Reserved(_)))
            .count();
        assert_eq!(won, 1, "round {r}: exactly one gets it: {asks:?}");
        for a in [&asks.0, &asks.1] {
            if let Answer::Refused { code, .. } = a {
                assert_eq!(code, "insufficient_liquidity");
            }
        }
        runtime.block_on(async {
            for (m, c) in clients.iter().enumerate() {
                let release = PendingRequest {
                    batch_id: 1,
                    seq: 2 * r + 2,
                    net: Net::default(),
                };
                assert!(matches!(
                    c.reserve(m as u64, &release).await,
                    Answer::Reserved(_)
                ));
            }
        });
    }
}
