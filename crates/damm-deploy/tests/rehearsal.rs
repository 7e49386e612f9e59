//! The dry run on the real contract WASM: the shipped deployment file
//! configures the contract as written, the contract's own checks stop bad
//! files, and the seed deposit cannot be made at someone else's price.

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
    // Carol's deposit of SPEC §13: ⌊√(100e18 · 178,000e18)⌋ shares in all.
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
        ]
    );
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
fn a_first_deposit_slipped_in_at_another_price_stops_the_seed_and_the_markets() {
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

    // The attacker seeds first at 1 : 1, where the file's price is 1 : 1,780.
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
    assert!(world
        .call(attacker, damm, &deposit.abi_encode())
        .is_success());

    let balance = |world: &mut World, token| {
        let out = world.view(token, &balanceOfCall { account: DEPLOYER }.abi_encode());
        U256::from_be_slice(&out.output)
    };
    for step in &steps {
        let to = step.target.address(damm, (t0, t1));
        let before = (balance(&mut world, t0), balance(&mut world, t1));
        let outcome = world.call(DEPLOYER, to, &step.calldata);
        if step.summary.starts_with("deposit") {
            assert!(!outcome.is_success());
            assert!(describe_revert(&outcome.output).contains("SlippageExceeded"));
            // Nothing moved: the seed is still the deployer's.
            assert_eq!((balance(&mut world, t0), balance(&mut world, t1)), before);
            assert_eq!(before, (e18(100), e18(178_000)));
            // Run again, the deployment must not register markets at that price.
            let state = ChainState::read(&mut world, damm, DEPLOYER).unwrap();
            let error = plan(&config, &state, damm, DEPLOYER, now).unwrap_err();
            assert!(error.0.contains("seeded by someone else"), "{error}");
            return;
        }
        assert!(outcome.is_success(), "{}", step.summary);
    }
    panic!("the plan had no deposit");
}
