//! The engine's invariants on small, hand-checkable setups.

use damm_math::arith::{isqrt, WAD};
use damm_math::U256;
use damm_sim::arb::{arbitrage, sqrt_floor};
use damm_sim::engine::{run_path, EngineConfig, FeeModel, Flow, OperatorPolicy};
use damm_sim::gbm::Stream;
use damm_sim::units::tokens;

fn config(markets: u32, intervals: Vec<u64>, hf_min: U256, policy: OperatorPolicy) -> EngineConfig {
    EngineConfig {
        markets,
        intervals,
        hf_min,
        buffer: U256::ZERO,
        fees: FeeModel::Static { fee: U256::ZERO },
        lambda: WAD,
        policy,
        blocks_per_step: 300,
        liquidity: tokens(1000),
        v2_fee: U256::ZERO,
        ema_init: U256::ZERO,
        noise_size: U256::ZERO,
    }
}

fn zigzag(steps: usize, amplitude: f64) -> Vec<f64> {
    (0..=steps)
        .map(|t| {
            if t == 0 {
                1.0
            } else {
                1.0 + amplitude * ((t as f64) * 0.7).sin()
            }
        })
        .collect()
}

#[test]
fn one_market_settling_every_step_is_uniswap_v2() {
    // The market settles before the L1 arbitrageur looks, so the pool always
    // equals the market's state: no second state, no amplified IL.
    let cfg = config(1, vec![1], U256::ZERO, OperatorPolicy::Orchestrated);
    let r = run_path(&cfg, &zigzag(60, 0.3), &Flow::default(), 0).unwrap();
    assert!((r.final_hf - 1.0).abs() < 1e-12, "{}", r.final_hf);
    assert!((r.value_damm / r.value_v2 - 1.0).abs() < 1e-12);
    assert_eq!(r.counters.rejected(), 0);
    assert_eq!(r.counters.l1_swaps, 0);
}

#[test]
fn several_markets_lose_against_v2_and_fees_help() {
    let prices = zigzag(60, 0.3);
    let cfg = config(3, vec![2, 3, 5], U256::ZERO, OperatorPolicy::Orchestrated);
    let fee_less = run_path(&cfg, &prices, &Flow::default(), 0).unwrap();
    assert!(fee_less.final_hf < 0.99, "{}", fee_less.final_hf);
    let fee = EngineConfig {
        fees: FeeModel::Static {
            fee: U256::from(10_000_000_000_000_000u64), // 100 bps
        },
        ..cfg
    };
    let with_fee = run_path(&fee, &prices, &Flow::default(), 0).unwrap();
    assert!(with_fee.final_hf > fee_less.final_hf);
    assert!(with_fee.fees_l1 > 0.0 && with_fee.fees_l2 > 0.0);
}

#[test]
fn the_floor_refuses_quotes_and_blind_operators_get_rejected() {
    let prices = zigzag(80, 0.45);
    let floor = WAD * U256::from(97) / U256::from(100);
    let orchestrated = run_path(
        &config(4, vec![2, 3, 5], floor, OperatorPolicy::Orchestrated),
        &prices,
        &Flow::default(),
        0,
    )
    .unwrap();
    assert!(orchestrated.counters.refused_health > 0);
    let blind = run_path(
        &config(4, vec![2, 3, 5], floor, OperatorPolicy::Blind),
        &prices,
        &Flow::default(),
        0,
    )
    .unwrap();
    assert!(blind.counters.rejected_health > 0);
    assert_eq!(blind.counters.refused(), 0);
    let free = run_path(
        &config(4, vec![2, 3, 5], U256::ZERO, OperatorPolicy::Orchestrated),
        &prices,
        &Flow::default(),
        0,
    )
    .unwrap();
    assert_eq!(
        free.counters.rejected_health + free.counters.refused_health,
        0
    );
    assert!(free.min_hf < orchestrated.min_hf);
}

#[test]
fn uninformed_flow_pays_fees() {
    let prices = vec![1.0; 41];
    let mut cfg = config(2, vec![2, 3], U256::ZERO, OperatorPolicy::Orchestrated);
    cfg.fees = FeeModel::Static {
        fee: U256::from(3_000_000_000_000_000u64),
    };
    cfg.noise_size = tokens(1);
    let mut stream = Stream::new(5);
    let flow = Flow {
        phases: vec![0, 1],
        noise: (0..80).map(|_| 2.0 * stream.uniform() - 1.0).collect(),
        width: 2,
    };
    let r = run_path(&cfg, &prices, &flow, 0).unwrap();
    assert!(r.counters.noise_quotes > 0);
    // A flat price: noise round trips only pay fees into the pool.
    assert!(r.final_hf > 1.0, "{}", r.final_hf);
}

#[test]
fn arbitrage_lands_on_the_price() {
    let p = U256::from(1_500_000_000_000_000_000u128);
    let (x, y) = (tokens(1000), tokens(1000));
    let (_, paid) = arbitrage(x, y, p, U256::ZERO).unwrap().unwrap();
    let out = damm_math::cp::amount_out(paid, y, x, 0).unwrap();
    let price = damm_sim::units::to_f64(y + paid) / damm_sim::units::to_f64(x - out);
    assert!((price - 1.5).abs() < 1e-15);
    // Inside the fee band: no trade.
    let fee = U256::from(3_000_000_000_000_000u64);
    let near = U256::from(1_002_000_000_000_000_000u128);
    assert_eq!(arbitrage(x, y, near, fee).unwrap(), None);
}

#[test]
fn sqrt_floor_is_isqrt() {
    let mut s = Stream::new(3);
    for _ in 0..2000 {
        let bits = s.below(200) as usize + 1;
        let hi = U256::from(s.below(u64::MAX)) << 192;
        let v = (hi | U256::from(s.below(u64::MAX))) >> (256 - bits);
        assert_eq!(sqrt_floor(v), isqrt(v), "{v}");
    }
}
