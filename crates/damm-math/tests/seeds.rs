//! The seeds' worked examples (docs/design.md §13), run through the real code.
//!
//! Expected figures come from hand calculation in exact integers (shown next
//! to each) or from the closed form of docs/design.md §4, never from the code under test.

use damm_math::batch::{Batch, CurvePricing};
use damm_math::checkpoint::{settle, Pool, Rejection, Rules, Submission};
use damm_math::{arith::WAD, cp, health, Curve, Direction, VirtualState, U256};
use num_bigint::BigUint;

fn e18(units: u64) -> U256 {
    U256::from(units) * WAD
}

fn milli(units: u64) -> U256 {
    U256::from(units) * WAD / U256::from(1000)
}

fn fee_less() -> CurvePricing {
    CurvePricing {
        curve: Curve::ConstantProduct,
        fee: U256::ZERO,
    }
}

fn rules(hf_min: U256) -> Rules {
    Rules {
        curve: Curve::ConstantProduct,
        weight: WAD,
        hf_min,
        buffer: U256::ZERO,
        payout_cap: WAD,
    }
}

/// Example 1: 100 ETH / 178,000 DAI. Alice buys 0.1 ETH, then Bob sells 0.2 ETH.
/// By hand: Alice pays ⌈178000·0.1/99.9⌉ = 178.178178… DAI (the seed's 180 is
/// rounded); Bob then gets ⌊0.2·178178.178…/100.1⌋ = 356.000356… DAI (the seed's 358).
#[test]
fn example_1_exact_constant_product_prices() {
    let (eth, dai) = (e18(100), e18(178_000));
    let alice_pays = cp::amount_in(milli(100), dai, eth, 0).unwrap();
    assert_eq!(alice_pays, U256::from(178_178_178_178_178_178_179u128));
    let bob_gets = cp::amount_out(milli(200), eth - milli(100), dai + alice_pays, 0).unwrap();
    assert_eq!(bob_gets, U256::from(356_000_356_000_356_000_356u128));
}

/// Example 2: the same two trades in one batch. The seed's literal quotes
/// (180 DAI in, 358 DAI out) net to an order that lowers k, and are refused;
/// the exact quotes net to 0.1 ETH in and 177.822… DAI out, and settle.
#[test]
fn example_2_literal_quotes_rejected_exact_quotes_settle() {
    let start = VirtualState::new(e18(100), e18(178_000));
    let pool = Pool {
        balance0: start.x,
        balance1: start.y,
        total_supply: e18(4219),
        ..Pool::default()
    };
    let rules = rules(health::DEFAULT_HF_MIN);

    // Literal: V^m = (100 − 0.1 + 0.2, 178000 + 180 − 358); k falls by 17.8e36.
    let literal = VirtualState::new(e18(100) + milli(100), e18(178_000) - e18(178));
    let submitted = Submission {
        start,
        end: literal,
        ..Submission::default()
    };
    assert_eq!(
        settle(&rules, &submitted, &pool),
        Err(Rejection::CurveViolated)
    );

    // Exact: quote both trades in order on the virtual state.
    let mut batch = Batch::open(start, fee_less());
    let alice = batch
        .quote_exact_out(Direction::OneForZero, milli(100))
        .unwrap();
    assert_eq!(alice.amount_in, U256::from(178_178_178_178_178_178_179u128));
    // Paying Alice 0.1 ETH before any ETH came in is a flash loan of 0.1 ETH.
    assert_eq!(batch.ledger().loan0, milli(100));
    let bob = batch
        .quote_exact_in(Direction::ZeroForOne, milli(200))
        .unwrap();
    assert_eq!(bob.amount_out, U256::from(356_000_356_000_356_000_356u128));
    let closed = batch.close();
    // By hand: Δ = (+0.1 ETH, 178.178…179 − 356.000356…356 = −177.822177…177 DAI).
    assert_eq!(closed.net.amount0_in, milli(100));
    assert_eq!(
        closed.net.amount1_out,
        U256::from(177_822_177_822_177_822_177u128)
    );
    assert!(closed.net.amount0_out.is_zero() && closed.net.amount1_in.is_zero());
    // Surplus of 0.1 ETH, loan of 177.82 DAI; the largest ETH loan was Alice's.
    assert_eq!(
        (closed.ledger.loan0, closed.ledger.loan1),
        (U256::ZERO, closed.net.amount1_out)
    );
    assert_eq!(closed.ledger.max_loan0, milli(100));

    let outcome = settle(
        &rules,
        &Submission {
            start,
            end: closed.end,
            ..Submission::default()
        },
        &pool,
    )
    .unwrap();
    assert_eq!(outcome.net, closed.net);
    assert_eq!(outcome.pool.balance0, e18(100) + milli(100));
}

/// `⌊S·√(1 − n(n−1)(r^¼ − r^−¼)²)⌋` for r = 6/5 at scale `S = 10^40`, in exact
/// integers: with `a = r^¼`, `(a − 1/a)² = √r + 1/√r − 2`.
fn closed_form_hf_scaled(n: u64) -> BigUint {
    let s = BigUint::from(10u32).pow(40);
    let sqrt_r = (&s * &s * BigUint::from(6u32) / BigUint::from(5u32)).sqrt(); // S·√1.2
    let inv_sqrt_r = &s * &s / &sqrt_r; // S/√1.2
    let spread = sqrt_r + inv_sqrt_r - BigUint::from(2u32) * &s; // S·(√r + 1/√r − 2)
    let hf_squared = &s - BigUint::from(n * (n - 1)) * spread; // S·HF²
    (hf_squared * &s).sqrt()
}

/// Arbitrage a fee-less constant-product state to price `y/x = 6/5` by paying y.
fn arbitrage_to_six_fifths(state: VirtualState) -> (U256, U256) {
    let k = state.x * state.y;
    let y_target = isqrt(k * U256::from(6) / U256::from(5));
    let paid = y_target - state.y;
    (paid, cp::amount_out(paid, state.y, state.x, 0).unwrap())
}

fn isqrt(v: U256) -> U256 {
    damm_math::arith::isqrt(v)
}

/// Example 3, corrected (docs/design.md §13): three full-allocation markets on one
/// 1000:1000 pool, each arbitraged fee-less to a 20 % higher price; the L1
/// absorbs the three nets with no L1 k check; one L1 arbitrage restores the
/// price. HF then equals the closed form √(1 − 6(r^¼ − r^−¼)²) ≈ 0.9747326.
#[test]
fn example_3_three_markets_match_the_closed_form() {
    let mut pool = Pool {
        balance0: e18(1000),
        balance1: e18(1000),
        total_supply: e18(1000),
        ..Pool::default()
    };
    let committed = VirtualState::new(e18(1000), e18(1000));
    let rules = rules(health::DEFAULT_HF_MIN);

    let mut hfs = Vec::new();
    for _market in 0..3 {
        // Each L2 trades on its own committed 1000:1000 state.
        let (paid, received) = arbitrage_to_six_fifths(committed);
        let mut batch = Batch::open(committed, fee_less());
        let quote = batch.quote_exact_in(Direction::OneForZero, paid).unwrap();
        assert_eq!(quote.amount_out, received);
        // By hand: x' = 1000/√1.2 = 912.870…, so each pays out 87.129… x.
        assert!(received > milli(87_129) && received < milli(87_130));
        let closed = batch.close();
        let outcome = settle(
            &rules,
            &Submission {
                start: committed,
                end: closed.end,
                ..Submission::default()
            },
            &pool,
        )
        .expect("each settlement keeps HF above 0.9");
        pool = outcome.pool;
        hfs.push(outcome.hf_after);
    }
    // The seed's L1 figure: 1000 − 3·87.13 ≈ 739 x.
    assert!(pool.balance0 > e18(738) && pool.balance0 < e18(739));
    // One market alone leaves LPs where Uniswap V2 would (HF = 1, to rounding);
    // each further market amplifies the IL.
    assert!(hfs[0] >= WAD - U256::from(1_000_000));
    assert!(hfs[1] < hfs[0] && hfs[2] < hfs[1]);

    // One fee-less L1 arbitrage back to 6/5: sell x into the pool.
    let k = pool.balance0 * pool.balance1;
    let x_target = isqrt(k * U256::from(5) / U256::from(6));
    let sold = x_target - pool.balance0;
    let bought = cp::amount_out(sold, pool.balance0, pool.balance1, 0).unwrap();
    let (x, y) = (pool.balance0 + sold, pool.balance1 - bought);
    // By hand: √(738.61·1286.36/1.2) ≈ 889.8 x and 1067.8 y.
    assert!(x > e18(889) && x < e18(890) && y > e18(1067) && y < e18(1068));

    let hf = health::health_factor(x, y, pool.total_supply).unwrap();
    let expected = closed_form_hf_scaled(3); // HF·10^40
    let got = BigUint::from_bytes_le(&hf.to_le_bytes::<32>()) * BigUint::from(10u32).pow(22);
    let diff = if got > expected {
        &got - &expected
    } else {
        &expected - &got
    };
    // Agreement to 1e-12 relative (the integer run is far closer).
    assert!(
        diff * BigUint::from(10u64).pow(12) <= expected,
        "HF {hf} vs closed form {expected}e-40"
    );
}

/// The floor at work: two of Example 3's markets settle under the default
/// floor (HF 1 → 0.9916); with HF_min then raised to 0.995, the third market's
/// draining settlement (→ 0.9747) is refused, and a settlement that trades back
/// toward balance improves HF and is accepted although HF is under the floor.
#[test]
fn draining_settlement_refused_improving_settlement_accepted() {
    let default = rules(health::DEFAULT_HF_MIN);
    let strict = rules(WAD * U256::from(995) / U256::from(1000));
    let mut pool = Pool {
        balance0: e18(1000),
        balance1: e18(1000),
        total_supply: e18(1000),
        ..Pool::default()
    };
    let committed = VirtualState::new(e18(1000), e18(1000));
    let end = |paid: U256| {
        let mut batch = Batch::open(committed, fee_less());
        batch.quote_exact_in(Direction::OneForZero, paid).unwrap();
        batch.close().end
    };
    let (paid, _) = arbitrage_to_six_fifths(committed);
    for _ in 0..2 {
        pool = settle(
            &default,
            &Submission {
                start: committed,
                end: end(paid),
                ..Submission::default()
            },
            &pool,
        )
        .unwrap()
        .pool;
    }
    let hf_before = pool.health_factor().unwrap();
    assert!(hf_before < strict.hf_min && hf_before > WAD * U256::from(99) / U256::from(100));
    let third = Submission {
        start: committed,
        end: end(paid),
        ..Submission::default()
    };
    match settle(&strict, &third, &pool) {
        Err(Rejection::HealthTooLow {
            hf_before: before,
            hf_after,
        }) => {
            assert_eq!(before, hf_before);
            assert!(hf_after < before);
        }
        other => panic!("expected HealthTooLow, got {other:?}"),
    }
    // A market whose users sold x back (x in, y out) moves the pool toward
    // balance: HF rises, so it settles even below the floor.
    let mut batch = Batch::open(committed, fee_less());
    batch
        .quote_exact_in(Direction::ZeroForOne, e18(50))
        .unwrap();
    let improving = Submission {
        start: committed,
        end: batch.close().end,
        ..Submission::default()
    };
    let outcome = settle(&strict, &improving, &pool).unwrap();
    assert!(outcome.hf_after > hf_before);
}
