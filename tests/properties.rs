//! Contract-level invariants under random sequences of deposits, locks,
//! swaps and LP transfers (proptest over motsu): the books always match the
//! tokens held, reservations never exceed holdings, the supply is the sum of
//! the holders' shares, and no user action lowers HF beyond rounding.

mod common;

use alloy_primitives::{Address, U256};
use common::*;
use damm::Damm;
use damm_test_token::TestToken;
use motsu::prelude::*;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Deposit {
        dave: bool,
        amount0: u64,
        amount1: u64,
    },
    Lock {
        dave: bool,
        per_mille: u64,
    },
    Swap {
        dave: bool,
        zero_for_one: bool,
        exact_in: bool,
        per_mille: u64,
    },
    Transfer {
        dave: bool,
        per_mille: u64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<bool>(), 1u64..5_000, 1u64..5_000).prop_map(|(dave, amount0, amount1)| {
            Op::Deposit {
                dave,
                amount0,
                amount1,
            }
        }),
        (any::<bool>(), 1u64..1000).prop_map(|(dave, per_mille)| Op::Lock { dave, per_mille }),
        (any::<bool>(), any::<bool>(), any::<bool>(), 1u64..400).prop_map(
            |(dave, zero_for_one, exact_in, per_mille)| Op::Swap {
                dave,
                zero_for_one,
                exact_in,
                per_mille
            }
        ),
        (any::<bool>(), 1u64..1000).prop_map(|(dave, per_mille)| Op::Transfer { dave, per_mille }),
    ]
}

fn who(dave: bool) -> Address {
    if dave {
        DAVE
    } else {
        CAROL
    }
}

fn check_books(
    pool: &Contract<Damm>,
    t0: &Contract<TestToken>,
    t1: &Contract<TestToken>,
) -> Result<(), TestCaseError> {
    let (x, y, rx, ry) = pool.sender(OWNER).reserves();
    prop_assert_eq!(
        balances([t0, t1], pool.address()),
        (x, y),
        "books differ from holdings"
    );
    prop_assert!(rx <= x && ry <= y, "reservations exceed holdings");
    let holders = [Address::ZERO, CAROL, DAVE].map(|a| pool.sender(OWNER).balance_of(a));
    prop_assert_eq!(
        pool.sender(OWNER).total_supply(),
        holders.into_iter().fold(U256::ZERO, |a, b| a + b)
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_books_hold_under_any_sequence(ops in prop::collection::vec(op(), 1..14)) {
        let (pool, t0, t1) = (Contract::<Damm>::new(), Contract::<TestToken>::new(), Contract::<TestToken>::new());
        seeded(&pool, &t0, &t1);
        fund(&pool, [&t0, &t1], DAVE, e18(1_000_000));
        for op in ops {
            let hf_before = pool.sender(OWNER).health_factor();
            let (x, y, rx, ry) = pool.sender(OWNER).reserves();
            let (free0, free1) = (x - rx, y - ry);
            let result = match op {
                Op::Deposit { dave, amount0, amount1 } => {
                    pool.sender(who(dave)).deposit(e18(amount0), e18(amount1), U256::ZERO, who(dave), LATER).motsu_res().map(|_| ())
                }
                Op::Lock { dave, per_mille } => {
                    let shares = pool.sender(OWNER).balance_of(who(dave)) * U256::from(per_mille) / U256::from(1000);
                    pool.sender(who(dave)).lock_withdrawal(shares, U256::ZERO, U256::ZERO, who(dave), LATER).motsu_res().map(|_| ())
                }
                Op::Swap { dave, zero_for_one, exact_in, per_mille } => {
                    let (reserve_in, reserve_out) = if zero_for_one { (free0, free1) } else { (free1, free0) };
                    let part = |r: U256| r * U256::from(per_mille) / U256::from(1000);
                    let result = if exact_in {
                        pool.sender(who(dave)).swap_exact_in(zero_for_one, part(reserve_in), U256::ZERO, who(dave), LATER).motsu_res()
                    } else {
                        pool.sender(who(dave)).swap_exact_out(zero_for_one, part(reserve_out), U256::MAX, who(dave), LATER).motsu_res()
                    };
                    if result.is_ok() {
                        // Swaps pay a fee into the pool: HF never falls.
                        prop_assert!(pool.sender(OWNER).health_factor() >= hf_before, "a swap lowered HF");
                    }
                    result.map(|_| ())
                }
                Op::Transfer { dave, per_mille } => {
                    let amount = pool.sender(OWNER).balance_of(who(dave)) * U256::from(per_mille) / U256::from(1000);
                    pool.sender(who(dave)).transfer(who(!dave), amount).motsu_res().map(|_| ())
                }
            };
            if result.is_ok() {
                // Pro-rata joins and exits move HF by rounding only, in the pool's favour.
                prop_assert!(pool.sender(OWNER).health_factor() + U256::from(1) >= hf_before, "HF fell");
            }
            check_books(&pool, &t0, &t1)?;
        }
    }
}
