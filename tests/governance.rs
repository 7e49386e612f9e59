//! Construction, ownership, parameters, pause and the reentrancy lock.

mod common;

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use common::*;
use damm::errors::*;
use damm::events::{OwnershipTransferStarted, OwnershipTransferred, ParameterSet, PausedSet};
use damm::governance::param;
use damm::Damm;
use damm_test_token::{TestToken, REENTRANT};
use motsu::prelude::*;

#[motsu::test]
fn construction_checks_its_addresses(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    let eoa = DAVE;
    assert_eq!(
        pool.sender(OWNER)
            .constructor(eoa, t1.address(), OWNER)
            .motsu_res(),
        Err(InvalidAddress { account: eoa }.into())
    );
    assert_eq!(
        pool.sender(OWNER)
            .constructor(t0.address(), t0.address(), OWNER)
            .motsu_res(),
        Err(InvalidAddress {
            account: t0.address()
        }
        .into())
    );
    assert_eq!(
        pool.sender(OWNER)
            .constructor(t0.address(), t1.address(), Address::ZERO)
            .motsu_res(),
        Err(InvalidAddress {
            account: Address::ZERO
        }
        .into())
    );
    construct(&pool, &t0, &t1);
    assert_eq!(pool.sender(DAVE).tokens(), (t0.address(), t1.address()));
    assert_eq!(pool.sender(DAVE).owner(), OWNER);
    let wad = U256::from(10u64.pow(18));
    let defaults = (
        wad * U256::from(9) / U256::from(10),
        wad / U256::from(100),
        wad / U256::from(100),
        86_400,
        259_200,
        wad / U256::from(20),
        wad * U256::from(95) / U256::from(100),
        false,
    );
    assert_eq!(pool.sender(DAVE).parameters(), defaults);
    pool.assert_emitted(&ParameterSet {
        id: param::ACP,
        value: U256::from(86_400),
    });
}

#[motsu::test]
fn parameters_are_owner_only_and_bounded(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    construct(&pool, &t0, &t1);
    set_parameter(&pool, param::ACP, U256::from(3600));
    pool.assert_emitted(&ParameterSet {
        id: param::ACP,
        value: U256::from(3600),
    });
    assert_eq!(pool.sender(OWNER).parameters().3, 3600);
    let before = pool.sender(OWNER).parameters();
    assert_eq!(
        pool.sender(DAVE)
            .set_parameter(param::ACP, U256::from(7200))
            .motsu_res(),
        Err(Unauthorized { caller: DAVE }.into())
    );
    for (id, value) in [
        (param::ACP, U256::from(59)),
        (param::HF_MIN, U256::from(10u64.pow(18)) + U256::from(1)),
        (param::FEE_MAX, U256::ZERO),
        (
            param::EXTERNAL_MAX_OUT,
            U256::from(10u64.pow(17)) + U256::from(1),
        ),
        (
            param::EXTERNAL_DAILY_OUT,
            U256::from(25 * 10u64.pow(16)) + U256::from(1),
        ),
        (9, U256::ZERO),
    ] {
        assert_eq!(
            pool.sender(OWNER).set_parameter(id, value).motsu_res(),
            Err(ParameterOutOfRange { id, value }.into())
        );
    }
    assert_eq!(pool.sender(OWNER).parameters(), before);
}

#[motsu::test]
fn ownership_moves_in_two_steps(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    construct(&pool, &t0, &t1);
    assert_eq!(
        pool.sender(DAVE).transfer_ownership(DAVE).motsu_res(),
        Err(Unauthorized { caller: DAVE }.into())
    );
    assert_eq!(
        pool.sender(OWNER)
            .transfer_ownership(Address::ZERO)
            .motsu_res(),
        Err(InvalidAddress {
            account: Address::ZERO
        }
        .into())
    );
    pool.sender(OWNER).transfer_ownership(DAVE).motsu_unwrap();
    pool.assert_emitted(&OwnershipTransferStarted {
        previousOwner: OWNER,
        newOwner: DAVE,
    });
    assert_eq!(
        (pool.sender(DAVE).owner(), pool.sender(DAVE).pending_owner()),
        (OWNER, DAVE)
    );
    assert_eq!(
        pool.sender(MALLORY).accept_ownership().motsu_res(),
        Err(Unauthorized { caller: MALLORY }.into())
    );
    pool.sender(DAVE).accept_ownership().motsu_unwrap();
    pool.assert_emitted(&OwnershipTransferred {
        previousOwner: OWNER,
        newOwner: DAVE,
    });
    assert_eq!(
        (pool.sender(DAVE).owner(), pool.sender(DAVE).pending_owner()),
        (DAVE, Address::ZERO)
    );
    assert_eq!(
        pool.sender(OWNER).set_paused(true).motsu_res(),
        Err(Unauthorized { caller: OWNER }.into())
    );
    pool.sender(DAVE).set_paused(true).motsu_unwrap();
    pool.assert_emitted(&PausedSet { paused: true });
}

/// A token that calls back into the pool during a transfer meets the lock:
/// the inner call is refused with `Reentrancy`, the outer deposit completes
/// with correct books.
#[motsu::test]
fn a_reentrant_token_is_stopped_by_the_lock(
    pool: Contract<Damm>,
    t0: Contract<TestToken>,
    t1: Contract<TestToken>,
) {
    seeded(&pool, &t0, &t1);
    fund(&pool, [&t0, &t1], DAVE, e18(1_000));
    let deposit = depositCall {
        amount0_max: e18(1),
        amount1_max: e18(1780),
        min_shares: U256::ZERO,
        recipient: DAVE,
        deadline: LATER,
    }
    .abi_encode();
    t1.sender(OWNER).set_hook(pool.address(), &deposit);
    t1.sender(OWNER).set_mode(REENTRANT);
    let reserves = pool.sender(DAVE).reserves();
    let (shares, used0, used1) = pool
        .sender(DAVE)
        .deposit(milli(500), e18(890), U256::ZERO, DAVE, LATER)
        .motsu_unwrap();
    let (succeeded, returned) = t1.sender(DAVE).hook_result();
    assert!(!succeeded, "the re-entrant deposit must fail");
    assert_eq!(
        returned.to_vec(),
        Vec::<u8>::from(Error::from(Reentrancy {}))
    );
    assert_eq!(
        pool.sender(DAVE).reserves(),
        (
            reserves.0 + used0,
            reserves.1 + used1,
            U256::ZERO,
            U256::ZERO
        )
    );
    assert_eq!(pool.sender(DAVE).balance_of(DAVE), shares);
}

alloy_sol_types::sol! {
    function deposit(uint256 amount0_max, uint256 amount1_max, uint256 min_shares, address recipient, uint256 deadline) external returns (uint256, uint256, uint256);
}
