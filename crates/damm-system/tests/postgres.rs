//! The services on PostgreSQL (a throwaway server started here): several
//! orchestrator processes on one store, operators on it too, and a
//! PostgreSQL restart in the middle of trading.

mod common;

use std::time::Duration;

use alloy_primitives::{Address, U256};
use common::{
    batch, check_books, must_trade, race_for_the_last_liquidity, trade, wait_settled, E18,
};
use damm_system::chain::{operator, orchestrator, Chain};
use damm_system::postgres::Postgres;
use damm_system::{address, run_dir};

const SETTLE: Duration = Duration::from_secs(60);

#[test]
fn two_orchestrator_processes_on_one_postgres_never_both_give_out_the_last_liquidity() {
    let dir = run_dir("pg-race");
    let pg = Postgres::start(&dir);
    let chain = Chain::start(&dir, false, &[]);
    let a = orchestrator(&dir, "orchestrator-a", false, &chain, &pg.url(), &[]);
    let b = orchestrator(&dir, "orchestrator-b", false, &chain, &pg.url(), &[]);
    // Market 0 asks one process, market 1 the other: only the store's row
    // lock stands between them.
    race_for_the_last_liquidity([&a.url, &b.url], 20);
}

#[test]
fn on_postgres_trades_settle_and_survive_a_server_restart_and_an_operator_kill_9() {
    let dir = run_dir("pg-e2e");
    let pg = Postgres::start(&dir);
    let chain = Chain::start(&dir, false, &[]);
    let orch = orchestrator(&dir, "orchestrator", false, &chain, &pg.url(), &[]);
    chain.fund(address(1), U256::from(10u128.pow(30)));
    let env = [("DAMM_OPERATOR_BATCH_INTERVAL_MS", "1000")];
    let mut op = operator(&dir, 0, false, &chain, &orch.url, &pg.url(), &env);
    let who = Address::repeat_byte(0xcc);
    let mut acked = vec![
        must_trade(&op.url, 0, true, Some(E18 / 10), None, who),
        must_trade(&op.url, 0, false, Some(100 * E18), None, who),
    ];
    pg.down();
    // The store is gone: nothing can be recorded or reserved, so nothing is taken.
    let (status, body) = trade(&op.url, 0, true, Some(E18 / 10), None, 0, who).unwrap_err();
    assert_eq!(status, 503, "{body}");
    pg.restart();
    // Connections come back by themselves.
    let started = std::time::Instant::now();
    loop {
        match trade(&op.url, 0, true, Some(E18 / 10), None, 0, who) {
            Ok(t) => {
                acked.push(t);
                break;
            }
            Err((503, _)) if started.elapsed() < SETTLE => {
                std::thread::sleep(Duration::from_millis(200))
            }
            Err(e) => panic!("not taken after PostgreSQL came back: {e:?}"),
        }
    }
    acked.push(must_trade(&op.url, 0, false, None, Some(E18 / 20), who));
    // Mid-batch kill: the batch is rebuilt from PostgreSQL.
    let open = batch(&op.url);
    op.kill9();
    op.restart("listening on http://", SETTLE);
    let rebuilt = batch(&op.url);
    if rebuilt["batchId"] == open["batchId"] {
        assert_eq!(
            rebuilt["trades"], open["trades"],
            "the open batch's trades survived"
        );
    }
    let last = acked.iter().map(|t| t.batch).max().unwrap_or(0);
    wait_settled(&op.url, last, SETTLE);
    check_books(&chain, 412_346, 0, &acked);
}
