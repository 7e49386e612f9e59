//! The dry run on the real contract WASM: the shipped deployment file
//! configures the contract as written, the contract's own checks stop bad
//! files, and nobody can deposit before the seed sets the price.

use alloy_primitives::{address, Address, U256};
use alloy_sol_types::SolCall;
use damm_deploy::chain::{describe_revert, ChainState, IDamm, IToken};
use damm_deploy::config::Config;
use damm_deploy::plan::plan;
use damm_deploy::rehearsal::{constructor_args, rehearse};
use stylus_runtime::{artifacts, World};

alloy_sol_types::sol! {
    function balanceOf(address account) returns (uint256);
}

const DEPLOYER: Address = address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E");

fn wasms() -> (Vec<u8>, Vec<u8>) {
    (
        artifacts::damm().expect("contract WASM"),
        artifacts::test_token().expect("test token WASM"),
    )
}

fn devnode_file() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/devnode.toml"
    ))
    .expect("deploy/devnode.toml")
}

fn e18(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

#[test]
fn the_devnode_file_configures_the_contract_as_written() {
    let config = Config::parse(&devnode_file()).unwrap();
    let (damm, token) = wasms();
    let rehearsal = rehearse(&config, &damm, &token, DEPLOYER).unwrap();
    let state = &rehearsal.state;
    assert_eq!(state.markets, config.markets);
    assert_eq!(state.owner, DEPLOYER);
    // acp and grace as the file sets them; hf_min keeps the contract's 0.9.
    assert_eq!(state.parameters[3], U256::from(3600));
    assert_eq!(state.parameters[4], U256::from(7200));
    assert_eq!(state.parameters[0], e18(9) / U256::from(10));
    // Carol's deposit of docs/design.md §13: ⌊√(100e18 · 178,000e18)⌋ shares in all.
    assert_eq!(
        state.total_supply,
        U256::from(4_219_004_621_945_797_299_958u128)
    );
    let names: Vec<_> = rehearsal
        .steps
        .iter()
        .map(|(s, _)| s.summary.split(' ').next().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        [
            "setParameter",
            "setParameter",
            "mint",
            "mint",
            "approve",
            "approve",
            "deposit",
            "registerMarket",
            "registerMarket",
            "registerMarket",
            "goLive:",
        ]
    );
    assert!(state.live);
    assert!(rehearsal.steps.iter().all(|(_, gas)| *gas > 21_000));
}

#[test]
fn the_contract_refuses_a_bad_file_before_anything_is_sent() {
    let (damm, token) = wasms();
    let base = devnode_file();
    let cases = [
        (
            base.replace("acp = 3600", "acp = 30"),
            "setParameter acp = 30",
        ),
        (
            base.replace("weight = \"0.5\"", "weight = \"1.5\""),
            "registerMarket #0",
        ),
        (
            base.replace("t = \"0.5\"", "t = \"1\""),
            "registerMarket #2",
        ),
    ];
    for (text, failing_step) in cases {
        let config = Config::parse(&text).unwrap();
        let error = rehearse(&config, &damm, &token, DEPLOYER).unwrap_err();
        assert!(
            error.0.starts_with(failing_step),
            "{failing_step:?}: {error}"
        );
        assert!(error.0.contains("ParameterOutOfRange"), "{error}");
    }
}

#[test]
fn nobody_can_deposit_ahead_of_the_seed_at_another_price() {
    let (damm_wasm, token_wasm) = wasms();
    let mut world = World::new();
    let attacker = world.eoa("attacker");
    let t0 = world.deploy(DEPLOYER, &token_wasm, None).unwrap().address;
    let t1 = world.deploy(DEPLOYER, &token_wasm, None).unwrap().address;
    let args = constructor_args(t0, t1, DEPLOYER);
    let damm = world
        .deploy(DEPLOYER, &damm_wasm, Some(&args))
        .unwrap()
        .address;
    let text = devnode_file()
        .replace(
            "0x00000000000000000000000000000000000000a0",
            &t0.to_string(),
        )
        .replace(
            "0x00000000000000000000000000000000000000a1",
            &t1.to_string(),
        );
    let config = Config::parse(&text).unwrap();
    let now = world.block().timestamp;
    let steps = plan(
        &config,
        &ChainState::read(&mut world, damm, DEPLOYER).unwrap(),
        damm,
        DEPLOYER,
        now,
    )
    .unwrap();

    // The attacker tries to seed first at 1 : 1, where the file's price is
    // 1 : 1,780: in setup only the owner may deposit.
    for token in [t0, t1] {
        let mint = IToken::mintCall {
            to: attacker,
            value: e18(10),
        }
        .abi_encode();
        assert!(world.call(attacker, token, &mint).is_success());
        let approve = IToken::approveCall {
            spender: damm,
            value: e18(10),
        }
        .abi_encode();
        assert!(world.call(attacker, token, &approve).is_success());
    }
    let deposit = IDamm::depositCall {
        amount0_max: e18(10),
        amount1_max: e18(10),
        min_shares: U256::ZERO,
        recipient: attacker,
        deadline: U256::from(now + 60),
    };
    let slipped = world.call(attacker, damm, &deposit.abi_encode());
    assert!(describe_revert(&slipped.output).contains("NotLive"));
    let state = ChainState::read(&mut world, damm, DEPLOYER).unwrap();
    assert!(state.total_supply.is_zero() && !state.live);

    for step in &steps {
        let to = step.target.address(damm, (t0, t1));
        let outcome = world.call(DEPLOYER, to, &step.calldata);
        assert!(outcome.is_success(), "{}", step.summary);
    }
    // The seed set the file's price; once live the attacker joins at it.
    let state = ChainState::read(&mut world, damm, DEPLOYER).unwrap();
    assert_eq!(
        state.total_supply,
        U256::from(4_219_004_621_945_797_299_958u128)
    );
    let joined = world.call(attacker, damm, &deposit.abi_encode());
    assert!(joined.is_success(), "{}", describe_revert(&joined.output));
    let shares = world.view(damm, &balanceOfCall { account: attacker }.abi_encode());
    // 10 ETH-like buys ⌊10/100 · T⌋ shares only with 17,800 DAI-like: with
    // 10, the DAI side binds, at ⌊10e18 · T / 178,000e18⌋.
    let expected = e18(10) * U256::from(4_219_004_621_945_797_299_958u128) / e18(178_000);
    assert_eq!(U256::from_be_slice(&shares.output), expected);
}
