//! Examples 1 and 2 (docs/design.md §13) on the contract's WASM: (a) Carol's deposit
//! makes the 100 ETH / 178,000 DAI pool; (b) on one L2 market, Alice buys
//! 0.1 ETH and Bob sells 0.2 ETH in one batch that the operator nets with
//! damm-math and settles as one checkpoint. The seed's rounded quotes
//! (180 / 358 DAI) would lower `k`, and the contract refuses them.

use alloy_primitives::U256;
use damm_math::arith::{isqrt, WAD};
use damm_math::batch::{Batch, ClosedBatch, Quote};
use damm_math::{Direction, NetOrder, VirtualState};

use super::{e18, fee_less, heading, print_balances, print_books, print_markets, settle_batch};
use crate::chain::{Chain, Failure};
use crate::checks::{Checks, Compare};
use crate::table::{self, Table};

/// ⌊√(100e18 · 178000e18)⌋, by hand (Python's `math.isqrt`).
const CAROL_SUPPLY: u128 = 4_219_004_621_945_797_299_958;
/// `MINIMUM_LIQUIDITY`, minted to the zero address on the first deposit.
const MINIMUM_LIQUIDITY: u64 = 1000;
/// Alice's 0.1 ETH costs ⌈178000e18 · 0.1e18 / 99.9e18⌉ DAI, by hand.
const ALICE_PAYS: u128 = 178_178_178_178_178_178_179;
/// Bob's 0.2 ETH fetch ⌊(178000e18 + ALICE_PAYS) · 0.2e18 / 100.1e18⌋ DAI, by hand.
const BOB_GETS: u128 = 356_000_356_000_356_000_356;
/// The net DAI the pool pays: `BOB_GETS − ALICE_PAYS`.
const NET_DAI_OUT: u128 = 177_822_177_822_177_822_177;

/// `units / 1000` whole tokens.
fn milli(units: u64) -> U256 {
    U256::from(units) * WAD / U256::from(1000)
}

/// (a) Carol's first deposit: 100 ETH and 178,000 DAI.
///
/// # Errors
/// A [`Failure`] if a call that must succeed does not.
pub fn carol_deposits(chain: &mut Chain, checks: &mut Checks) -> Result<(), Failure> {
    heading("a. Carol's deposit: Example 1's pool, 100 ETH / 178,000 DAI");
    let carol = chain.actor("carol");
    chain.fund(carol, e18(1_000), e18(1_000_000))?;
    let (shares, used0, used1) = chain.deposit(carol, e18(100), e18(178_000))?;
    print_balances(chain, &[carol, chain.pool])?;
    print_books(chain)?;

    let supply = isqrt(e18(100) * e18(178_000));
    let expected = U256::from(CAROL_SUPPLY) - U256::from(MINIMUM_LIQUIDITY);
    checks.check(
        supply == U256::from(CAROL_SUPPLY) && shares == expected,
        format!("Carol's shares = ⌊√(100e18·178000e18)⌋ − 1000 = {expected} (got {shares})"),
    );
    let books = chain.books()?;
    let mut compare = Compare::new();
    compare
        .eq("amounts used", (used0, used1), (e18(100), e18(178_000)))
        .eq(
            "books",
            (books.x, books.y, books.rx, books.ry),
            (e18(100), e18(178_000), U256::ZERO, U256::ZERO),
        )
        .eq("LP supply", books.supply, supply)
        .eq(
            "zero address's shares",
            chain.balance(chain.pool, alloy_primitives::Address::ZERO)?,
            U256::from(MINIMUM_LIQUIDITY),
        )
        .eq(
            "Carol's ETH, DAI",
            chain.tokens_of(carol)?,
            (e18(900), e18(822_000)),
        )
        .eq(
            "pool's ETH, DAI",
            chain.tokens_of(chain.pool)?,
            (e18(100), e18(178_000)),
        )
        .eq("HF", books.hf, WAD);
    checks.all(
        "the pool holds exactly 100 ETH / 178,000 DAI, 1000 shares are locked at address 0, HF = 1",
        &compare,
    );
    Ok(())
}

/// (b) Alice and Bob's batch on one L2 market, settled as one checkpoint.
///
/// # Errors
/// A [`Failure`] if a call that must succeed does not.
pub fn alice_and_bob(chain: &mut Chain, checks: &mut Checks) -> Result<(), Failure> {
    heading("b. Examples 1-2: Alice and Bob trade on one L2; the operator settles one net order");
    let operator = chain.actor("operator");
    let carol = chain.actor("carol");
    chain.fund(operator, e18(10), e18(10_000))?;
    let id = chain.register_constant_product(operator, WAD, WAD)?;
    print_markets(chain, &[id])?;
    let start = chain.market(id)?.state;
    checks.check(
        start == VirtualState::new(e18(100), e18(178_000)),
        "the market's first committed state is the pool's, 100 ETH : 178,000 DAI (w = 1)",
    );

    let (alice, bob, closed) = l2_batch(checks, start)?;
    rounded_quotes_refused(chain, checks, id, start, [alice, bob])?;

    println!("\n  the exact quotes, as one checkpoint:");
    let pool = chain.pool;
    let before = (chain.tokens_of(operator)?, chain.tokens_of(pool)?);
    let settled = settle_batch(chain, checks, id, start, closed.end, &[alice, bob])?;
    let mut order = Table::new(&["net order (batch 1)", "ETH", "DAI"]);
    order.row([
        "pool receives",
        &table::amount(closed.net.amount0_in),
        &table::amount(closed.net.amount1_in),
    ]);
    order.row([
        "pool pays",
        &table::amount(closed.net.amount0_out),
        &table::amount(closed.net.amount1_out),
    ]);
    order.print();
    print_balances(chain, &[carol, operator, pool])?;
    print_books(chain)?;
    print_markets(chain, &[id])?;
    let after = (chain.tokens_of(operator)?, chain.tokens_of(pool)?);
    let dai_out = U256::from(NET_DAI_OUT);
    let mut compare = Compare::new();
    compare
        .eq("accepted", settled.revert.is_none(), true)
        .eq(
            "operator",
            after.0,
            (before.0 .0 - milli(100), before.0 .1 + dai_out),
        )
        .eq(
            "pool",
            after.1,
            (before.1 .0 + milli(100), before.1 .1 - dai_out),
        )
        .eq("books", chain.books()?.x, e18(100) + milli(100));
    checks.all(
        format!(
            "batch 1 settled: the operator paid 0.1 ETH and received {} DAI, exactly",
            table::exact(dai_out)
        ),
        &compare,
    );
    Ok(())
}

/// The L2 side: the operator quotes Alice and Bob with damm-math on the
/// committed state, keeps the flash-loan ledger and nets the batch; the
/// quotes and the net order are checked against values computed by hand.
fn l2_batch(
    checks: &mut Checks,
    start: VirtualState,
) -> Result<(Quote, Quote, ClosedBatch), Failure> {
    let mut batch = Batch::open(start, fee_less());
    let mut ledger = Table::new(&[
        "L2 batch 1 (fee-less)",
        "pays",
        "receives",
        "V^j x",
        "V^j y",
        "cash ETH",
        "cash DAI",
        "loan",
    ]);
    let alice = batch
        .quote_exact_out(Direction::OneForZero, milli(100))
        .map_err(|e| Failure(format!("Alice's quote: {e:?}")))?;
    ledger_row(&mut ledger, "Alice buys 0.1 ETH, exact out", &alice, &batch);
    let bob = batch
        .quote_exact_in(Direction::ZeroForOne, milli(200))
        .map_err(|e| Failure(format!("Bob's quote: {e:?}")))?;
    ledger_row(&mut ledger, "Bob sells 0.2 ETH, exact in", &bob, &batch);
    let closed = batch.close();
    ledger.print();
    println!(
        "  largest flash loans during the batch: {} ETH (after Alice), {} DAI (after Bob)",
        table::amount(closed.ledger.max_loan0),
        table::amount(closed.ledger.max_loan1)
    );
    // The constants, again from their formulas in plain integers (no damm-math).
    let (x, y) = (e18(100), e18(178_000));
    let alice_formula = (y * milli(100)).div_ceil(x - milli(100));
    let bob_formula = (y + alice_formula) * milli(200) / (x - milli(100) + milli(200));
    checks.check(
        alice.amount_in == U256::from(ALICE_PAYS) && alice_formula == U256::from(ALICE_PAYS),
        format!(
            "Alice pays {} DAI = ⌈178000·0.1/99.9⌉ (by hand)",
            table::exact(alice.amount_in)
        ),
    );
    checks.check(
        bob.amount_out == U256::from(BOB_GETS) && bob_formula == U256::from(BOB_GETS),
        format!(
            "Bob gets {} DAI = ⌊178178.178…·0.2/100.1⌋ (by hand)",
            table::exact(bob.amount_out)
        ),
    );
    let net = NetOrder {
        amount0_in: milli(100),
        amount1_out: U256::from(NET_DAI_OUT),
        ..NetOrder::default()
    };
    checks.check(
        closed.net == net,
        format!(
            "net order: the pool receives 0.1 ETH and pays {} DAI (= {} − {})",
            table::exact(closed.net.amount1_out),
            table::exact(bob.amount_out),
            table::exact(alice.amount_in)
        ),
    );

    Ok((alice, bob, closed))
}

/// The seed's literal quotes, submitted first: 180 DAI in from Alice, 358
/// DAI out to Bob. They lower `k`; the contract refuses them, moving nothing.
fn rounded_quotes_refused(
    chain: &mut Chain,
    checks: &mut Checks,
    id: u64,
    start: VirtualState,
    [alice, bob]: [Quote; 2],
) -> Result<(), Failure> {
    println!("\n  the seed's rounded quotes: Alice pays 180 DAI, Bob gets 358 DAI -> V^m = 100.1 ETH : 177,822 DAI");
    let literal = VirtualState::new(e18(100) + milli(100), e18(178_000) + e18(180) - e18(358));
    let k_before = start.x * start.y;
    let k_after = literal.x * literal.y;
    let rounded = [
        Quote {
            amount_in: e18(180),
            ..alice
        },
        Quote {
            amount_out: e18(358),
            ..bob
        },
    ];
    let refused = settle_batch(chain, checks, id, start, literal, &rounded)?;
    checks.check(
        k_after < k_before
            && refused
                .revert
                .as_ref()
                .is_some_and(|r| r.is("CurveViolated", &[])),
        format!(
            "the rounded quotes lower k ({} < {} ETH·DAI) and are refused with CurveViolated()",
            table::fixed(k_after / WAD, 0),
            table::fixed(k_before / WAD, 0)
        ),
    );
    Ok(())
}

/// One row of the flash-loan ledger: the trade, the state after it, the
/// operator's cash `c^j = V^j − V⁰` and what it has borrowed from the pool.
fn ledger_row<P: damm_math::batch::Pricing>(
    table: &mut Table,
    what: &str,
    quote: &Quote,
    batch: &Batch<P>,
) {
    let (paid, got) = if quote.direction == Direction::OneForZero {
        ("DAI", "ETH")
    } else {
        ("ETH", "DAI")
    };
    let state = batch.state();
    let cash = batch.net();
    let ledger = batch.ledger();
    let loan = if !ledger.loan0.is_zero() {
        format!("{} ETH", table::amount(ledger.loan0))
    } else if !ledger.loan1.is_zero() {
        format!("{} DAI", table::amount(ledger.loan1))
    } else {
        "none".to_string()
    };
    table.row([
        what.to_string(),
        format!("{} {paid}", table::amount(quote.amount_in)),
        format!("{} {got}", table::amount(quote.amount_out)),
        table::amount(state.x),
        table::amount(state.y),
        table::signed(cash.amount0_in, cash.amount0_out),
        table::signed(cash.amount1_in, cash.amount1_out),
        loan,
    ]);
}
