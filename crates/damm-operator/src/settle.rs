//! Batch close, the checkpoint's life on chain, and recovery.
//!
//! The checkpoint is signed with an explicit nonce and its bytes are stored
//! (batch `sent`) before the first broadcast. Whatever happens next, a
//! restart finds the truth on chain: the market's batch id says whether the
//! batch settled; if not, the same bytes are broadcast again (they can only
//! settle this batch, once) until they are mined or their nonce is taken
//! by another transaction, and a failed one reopens the batch with the
//! contract's error. The contract's batch-id sequencing makes any
//! duplicate fail harmlessly with `BadBatchId`.

use std::sync::Arc;
use std::time::Duration;

use alloy_primitives::{Address, U256};
use damm_chain::{calldata, checkpoint_event, sign, ChainError, IDamm, IErc20, TxParams};
use damm_math::batch::{Batch, CurvePricing};
use damm_math::VirtualState;

use crate::commitment::{commitment, Trade};
use crate::engine::{batch_fee, now_ms, Engine, Node, Snapshot};
use crate::store::{self, SentTx, Status};

/// Reads the market and the pool at one block.
///
/// # Errors
/// [`ChainError`] if the chain does not answer.
pub async fn read_chain(chain: &damm_chain::Chain, market: u64) -> Result<Snapshot, ChainError> {
    let (block, (market, pool)) = chain
        .consistent(|| async { Ok((chain.market(market).await?, chain.pool().await?)) })
        .await?;
    Ok(Snapshot {
        block,
        market,
        pool,
        at_ms: now_ms(),
    })
}

/// Rebuilds the engine from the store and the chain at start.
///
/// # Errors
/// A sentence if the store and the chain disagree in a way that needs a
/// person (the chain ahead of the store: another process with this key).
pub async fn recover(
    db: &Arc<damm_service::db::Db>,
    market: u64,
    curve: damm_math::Curve,
    snapshot: &Snapshot,
    fee_scale: Option<U256>,
) -> Result<Engine, String> {
    let on_chain = snapshot.market.batch_id;
    let committed = VirtualState::new(snapshot.market.x, snapshot.market.y);
    let fee = batch_fee(snapshot, fee_scale)?;
    let latest = db
        .run(move |tx| store::latest_batch(tx, market))
        .await
        .map_err(|e| e.to_string())?;
    let row = match latest {
        None => {
            let now = now_ms();
            db.run(move |tx| store::open_batch(tx, market, on_chain + 1, committed, fee, now))
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!(batch = on_chain + 1, "first batch opened on the committed state");
            db.run(move |tx| store::batch(tx, market, on_chain + 1))
                .await
                .map_err(|e| e.to_string())?
                .ok_or("the first batch was not stored")?
        }
        Some(row) if row.status == Status::Sent && on_chain == row.batch => {
            // Mined before the crash let us record it.
            let now = now_ms();
            let batch = row.batch;
            db.run(move |tx| store::settle(tx, market, batch, committed, fee, now))
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!(batch, "a checkpoint sent before the restart had settled");
            db.run(move |tx| store::batch(tx, market, batch + 1))
                .await
                .map_err(|e| e.to_string())?
                .ok_or("the next batch was not stored")?
        }
        Some(row) if on_chain >= row.batch => {
            return Err(format!(
                "the chain has settled batch {on_chain} but this store's batch {} was never sent: \
                 is another operator process using this key?",
                row.batch
            ))
        }
        Some(row) if on_chain + 1 < row.batch => {
            return Err(format!(
                "this store is at batch {} but the chain has settled only {on_chain}: wrong chain or contract?",
                row.batch
            ))
        }
        Some(row) => row,
    };
    if row.status == Status::Open && row.start != committed {
        tracing::warn!(
            batch = row.batch,
            "the committed state moved under the open batch (a pause and resume?)"
        );
    }
    let batch = row.batch;
    let trades = db
        .run(move |tx| store::trades(tx, market, batch))
        .await
        .map_err(|e| e.to_string())?;
    let last = db
        .run(move |tx| store::last_trade_id(tx, market))
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(batch, trades = trades.len(), status = ?row.status, "batch rebuilt from the store");
    Engine::rebuild(curve, &row, trades, last + 1)
}

/// Reads the chain every `chain_poll_ms`, backing off while it is down.
pub async fn poll(node: Arc<Node>) {
    let interval = Duration::from_millis(node.config.chain_poll_ms.max(50));
    let mut wait = interval;
    loop {
        tokio::time::sleep(wait).await;
        wait = match read_chain(&node.chain, node.config.market).await {
            Ok(snapshot) => {
                *node.snapshot.lock().unwrap_or_else(|e| e.into_inner()) = snapshot;
                node.metrics
                    .gauge("damm_operator_chain_block", "The last block read.")
                    .set(snapshot.block);
                interval
            }
            Err(e) => {
                node.metrics
                    .counter("damm_operator_chain_failures_total", "Failed chain reads.")
                    .inc();
                tracing::warn!(error = %e, "reading the chain failed");
                (wait * 2).min(Duration::from_secs(10))
            }
        };
    }
}

/// Closes batches on the interval or when full, forever.
pub async fn run(node: Arc<Node>) {
    let interval = Duration::from_millis(node.config.batch_interval_ms.max(50));
    let mut backoff = Duration::from_millis(500);
    loop {
        // A checkpoint in flight (after a restart) is followed up at once.
        let in_flight = node.report.lock().unwrap_or_else(|e| e.into_inner()).status == "sent";
        if !in_flight {
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                () = node.full.notified() => {}
            }
        }
        let idle = {
            let report = node.report.lock().unwrap_or_else(|e| e.into_inner());
            report.trades == 0 && report.status == "open"
        };
        let since = now_ms()
            - node
                .last_settled_ms
                .load(std::sync::atomic::Ordering::Relaxed);
        if idle && since < i64::try_from(node.config.empty_batch_interval_ms).unwrap_or(i64::MAX) {
            continue;
        }
        match close(&node).await {
            Ok(()) => backoff = Duration::from_millis(500),
            Err(e) => {
                node.metrics
                    .counter(
                        "damm_operator_settlement_failures_total",
                        "Settlement attempts that failed.",
                    )
                    .inc();
                tracing::warn!(error = %e, "settlement did not complete; the batch is kept");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(30));
            }
        }
    }
}

/// Settles the open batch (or finishes the one in flight).
///
/// # Errors
/// A sentence; the batch stays as it was (open, or sent and awaited again).
pub async fn close(node: &Node) -> Result<(), String> {
    let mut engine = node.engine.lock().await;
    if engine.status == Status::Open {
        if let Err(e) = send(node, &mut engine).await {
            note(node, &mut engine, &e).await;
            return Err(e);
        }
    }
    let outcome = await_mined(node, &mut engine).await;
    node.publish(&engine);
    outcome
}

async fn note(node: &Node, engine: &mut Engine, error: &str) {
    engine.last_error = Some(error.to_owned());
    let (market, batch, error) = (node.config.market, engine.batch_id, error.to_owned());
    if let Err(e) = node
        .db
        .run(move |tx| store::note_error(tx, market, batch, &error))
        .await
    {
        tracing::error!(error = %e, "could not record the settlement error");
    }
    node.publish(engine);
}

/// Approves what the batch pulls, signs its checkpoint, stores it, and broadcasts it.
async fn send(node: &Node, engine: &mut Engine) -> Result<(), String> {
    let net = engine.batch.net();
    let operator = node.signer.address();
    for (token, need) in [
        (node.tokens.0, net.amount0_in),
        (node.tokens.1, net.amount1_in),
    ] {
        if !need.is_zero() {
            ensure_allowance(node, token, operator, need).await?;
        }
    }
    let trades: Vec<Trade> = engine
        .trades
        .iter()
        .map(|t| Trade {
            id: t.id,
            trader: t.trader,
            zeroForOne: t.direction == damm_math::Direction::ZeroForOne,
            amountIn: t.amount_in,
            amountOut: t.amount_out,
        })
        .collect();
    let market = node.config.market;
    let digest = commitment(
        node.chain_id,
        node.chain.damm(),
        market,
        engine.batch_id,
        &trades,
    );
    let input = checkpoint_input(market, engine, digest);
    let damm = node.chain.damm();
    let gas = node
        .chain
        .estimate_gas(operator, damm, &input)
        .await
        .map_err(|e| format!("the checkpoint would fail: {e}"))?;
    let nonce = node
        .chain
        .pending_nonce(operator)
        .await
        .map_err(|e| e.to_string())?;
    let fees = node.chain.fee_caps().await.map_err(|e| e.to_string())?;
    let signed = sign(
        &node.signer,
        TxParams {
            chain_id: node.chain_id,
            nonce,
            to: damm,
            input: &input,
            gas: gas.saturating_add(gas / 5),
            fees,
        },
    )
    .map_err(|e| e.to_string())?;
    let sent = SentTx {
        hash: signed.hash,
        raw: signed.raw,
        nonce,
        commitment: digest,
    };
    let (batch, stored) = (engine.batch_id, sent.clone());
    node.db
        .run(move |tx| store::mark_sent(tx, market, batch, &stored))
        .await
        .map_err(|e| format!("recording the checkpoint: {e}"))?;
    engine.status = Status::Sent;
    engine.sent = Some(sent);
    node.publish(engine);
    tracing::info!(batch, trades = engine.trades.len(), tx = %signed.hash, nonce, "checkpoint sent");
    Ok(())
}

/// Approves exactly `need` of `token` if the allowance is short, and waits
/// for it to be mined. The operator must hold `need`: it pays the batch's
/// net in (docs/operator.md).
async fn ensure_allowance(
    node: &Node,
    token: Address,
    operator: Address,
    need: U256,
) -> Result<(), String> {
    let chain = &node.chain;
    let balance = chain
        .balance_of(token, operator)
        .await
        .map_err(|e| e.to_string())?;
    if balance < need {
        return Err(format!(
            "the operator holds {balance} of {token} but the batch pays in {need}"
        ));
    }
    if chain
        .allowance(token, operator)
        .await
        .map_err(|e| e.to_string())?
        >= need
    {
        return Ok(());
    }
    let input = calldata(&IErc20::approveCall {
        spender: chain.damm(),
        value: need,
    });
    let gas = chain
        .estimate_gas(operator, token, &input)
        .await
        .map_err(|e| e.to_string())?;
    let signed = sign(
        &node.signer,
        TxParams {
            chain_id: node.chain_id,
            nonce: chain
                .pending_nonce(operator)
                .await
                .map_err(|e| e.to_string())?,
            to: token,
            input: &input,
            gas: gas.saturating_add(gas / 5),
            fees: chain.fee_caps().await.map_err(|e| e.to_string())?,
        },
    )
    .map_err(|e| e.to_string())?;
    chain
        .send_raw(&signed.raw)
        .await
        .map_err(|e| e.to_string())?;
    for _ in 0..600 {
        if let Some(receipt) = chain
            .receipt(signed.hash)
            .await
            .map_err(|e| e.to_string())?
        {
            return if receipt.status() {
                Ok(())
            } else {
                Err(format!("approving {token} failed on chain"))
            };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("approving {token}: no receipt yet"))
}

/// Waits for the checkpoint in flight, broadcasting its bytes again now
/// and then, until it is mined, its nonce is taken, or the chain shows the
/// batch settled.
async fn await_mined(node: &Node, engine: &mut Engine) -> Result<(), String> {
    let Some(sent) = engine.sent.clone() else {
        return Err("no checkpoint in flight".into());
    };
    let (chain, market, operator) = (&node.chain, node.config.market, node.signer.address());
    let mut round = 0u64;
    loop {
        if round.is_multiple_of(50) {
            if let Err(e) = chain.send_raw(&sent.raw).await {
                tracing::warn!(error = %e, tx = %sent.hash, "broadcast failed; will retry");
            }
        }
        round += 1;
        match chain.receipt(sent.hash).await {
            Ok(Some(receipt)) if receipt.status() => {
                let event = checkpoint_event(&receipt, chain.damm())
                    .ok_or("the checkpoint's receipt has no Checkpoint event")?;
                return finish(node, engine, VirtualState::new(event.x, event.y)).await;
            }
            Ok(Some(_)) => {
                let why = failure_reason(node, engine).await;
                return reopen(node, engine, &why).await;
            }
            Ok(None) => {
                // Not mined: was our nonce used by something else?
                if let Ok(mined) = chain.mined_nonce(operator).await {
                    if mined > sent.nonce {
                        let m = chain.market(market).await.map_err(|e| e.to_string())?;
                        if m.batch_id >= engine.batch_id {
                            return finish(node, engine, VirtualState::new(m.x, m.y)).await;
                        }
                        return reopen(
                            node,
                            engine,
                            "the checkpoint's nonce was used by another transaction",
                        )
                        .await;
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "reading the receipt failed; will retry"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The calldata of the open batch's checkpoint as `market`'s batch
/// `engine.batch_id` (no L2 joins or exits), committing to `commitment`.
fn checkpoint_input(market: u64, engine: &Engine, commitment: alloy_primitives::B256) -> Vec<u8> {
    let closed = engine.batch.clone().close();
    calldata(&IDamm::checkpointCall {
        market,
        batch_id: engine.batch_id,
        start_x: closed.start.x,
        start_y: closed.start.y,
        end_x: closed.end.x,
        end_y: closed.end.y,
        join0: U256::ZERO,
        join1: U256::ZERO,
        exit_shares: U256::ZERO,
        commitment,
    })
}

/// Why the checkpoint failed on chain: the call replayed now.
async fn failure_reason(node: &Node, engine: &Engine) -> String {
    let commitment = engine
        .sent
        .as_ref()
        .map(|s| s.commitment)
        .unwrap_or_default();
    let input = checkpoint_input(node.config.market, engine, commitment);
    match node
        .chain
        .why_reverts(node.signer.address(), node.chain.damm(), &input)
        .await
    {
        Ok(Some(e)) => format!("the checkpoint failed on chain: {e}"),
        Ok(None) => "the checkpoint failed on chain (it would pass now)".into(),
        Err(e) => format!("the checkpoint failed on chain ({e})"),
    }
}

async fn reopen(node: &Node, engine: &mut Engine, why: &str) -> Result<(), String> {
    let (market, batch, text) = (node.config.market, engine.batch_id, why.to_owned());
    node.db
        .run(move |tx| store::reopen(tx, market, batch, &text))
        .await
        .map_err(|e| e.to_string())?;
    engine.status = Status::Open;
    engine.sent = None;
    engine.last_error = Some(why.to_owned());
    tracing::warn!(
        batch,
        error = why,
        "checkpoint failed; the batch stays open"
    );
    Err(why.to_owned())
}

/// The batch settled: record it and open the next on `next`.
async fn finish(node: &Node, engine: &mut Engine, next: VirtualState) -> Result<(), String> {
    let snapshot = read_chain(&node.chain, node.config.market)
        .await
        .map_err(|e| e.to_string())?;
    *node.snapshot.lock().unwrap_or_else(|e| e.into_inner()) = snapshot;
    let fee = batch_fee(&snapshot, node.config.fee_scale)?;
    let (market, batch, now) = (node.config.market, engine.batch_id, now_ms());
    node.db
        .run(move |tx| store::settle(tx, market, batch, next, fee, now))
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(batch, trades = engine.trades.len(), "batch settled");
    node.last_settled_ms
        .store(now, std::sync::atomic::Ordering::Relaxed);
    node.metrics
        .counter(
            "damm_operator_batches_settled_total",
            "Batches settled on chain.",
        )
        .inc();
    engine.batch_id = batch + 1;
    engine.fee = fee;
    engine.batch = Batch::open(
        next,
        CurvePricing {
            curve: node.curve,
            fee,
        },
    );
    engine.trades.clear();
    engine.status = Status::Open;
    engine.sent = None;
    engine.last_error = None;
    node.orchestrator.sync().await;
    Ok(())
}
