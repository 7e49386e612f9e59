//! damm-math benchmarks: a quote on each curve, netting a 10,000-trade batch,
//! and the post-settlement rescale. At the end, the same constant-product
//! quote is timed here and in Uniswap's v2-sdk (npm, `v2sdk/`), in one run,
//! and the ratio is printed.
//!
//! Run: `cargo bench -p damm-math` (needs `npm` for the comparison).

use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use criterion::{criterion_group, Criterion, Throughput};
use damm_math::arith::{bps_to_wad, WAD};
use damm_math::bamm::Bamm;
use damm_math::batch::{Batch, CurvePricing};
use damm_math::{cp, update, Curve, Direction, VirtualState, U256};

fn e18(v: u64) -> U256 {
    U256::from(v) * WAD
}

/// The seed's pool: 100 ETH / 178,000 DAI.
fn seed_state() -> VirtualState {
    VirtualState::new(e18(100), e18(178_000))
}

fn curves() -> [(&'static str, Curve); 3] {
    [
        ("constant_product", Curve::ConstantProduct),
        (
            "stableswap_amp100",
            Curve::StableSwap {
                amp: U256::from(100),
            },
        ),
        (
            "bamm_t0.5",
            Curve::Bamm(Bamm::new(WAD / U256::from(2), WAD / U256::from(2)).unwrap()),
        ),
    ]
}

fn quotes(c: &mut Criterion) {
    let fee = bps_to_wad(30).unwrap();
    let mut group = c.benchmark_group("quote_exact_in");
    group.throughput(Throughput::Elements(1));
    for (name, curve) in curves() {
        let state = if matches!(curve, Curve::ConstantProduct) {
            seed_state()
        } else {
            VirtualState::new(e18(1000), e18(1000))
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                curve
                    .amount_out(
                        black_box(&state),
                        Direction::ZeroForOne,
                        black_box(e18(1)),
                        fee,
                    )
                    .unwrap()
            })
        });
    }
    group.finish();
}

fn batch_of_10k(c: &mut Criterion) {
    let pricing = CurvePricing {
        curve: Curve::ConstantProduct,
        fee: bps_to_wad(5).unwrap(),
    };
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(10_000));
    group.sample_size(20);
    group.bench_function("net_10k_trades_constant_product", |b| {
        b.iter(|| {
            let mut batch = Batch::open(seed_state(), pricing);
            for i in 0..10_000u64 {
                let amount = U256::from(1_000_000_000_000_000u64 + i * 7_919);
                if i % 2 == 0 {
                    batch.quote_exact_in(Direction::ZeroForOne, amount).unwrap();
                } else {
                    batch
                        .quote_exact_out(Direction::ZeroForOne, amount)
                        .unwrap();
                }
            }
            batch.close()
        })
    });
    group.finish();
}

fn rescale(c: &mut Criterion) {
    c.bench_function("rescale", |b| {
        b.iter(|| {
            update::rescale(
                black_box(e18(101)),
                black_box(e18(176_000)),
                e18(250),
                e18(300_000),
            )
            .unwrap()
        })
    });
}

criterion_group!(benches, quotes, batch_of_10k, rescale);

/// Nanoseconds per constant-product quote here, timed directly.
fn our_ns_per_quote(iterations: u32) -> u128 {
    let (state, amount) = (seed_state(), e18(1));
    let start = Instant::now();
    for _ in 0..iterations {
        black_box(cp::amount_out(black_box(amount), state.x, state.y, 30).unwrap());
    }
    start.elapsed().as_nanos() / u128::from(iterations)
}

/// Nanoseconds per `Pair.getOutputAmount` in Uniswap's v2-sdk.
fn v2_sdk_ns_per_quote() -> Option<u128> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/v2sdk");
    if !std::path::Path::new(dir).join("node_modules").exists() {
        let installed = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .status();
        if !installed.map(|s| s.success()).unwrap_or(false) {
            return None;
        }
    }
    let output = Command::new("node")
        .args(["bench.js", "200000"])
        .current_dir(dir)
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let digits: String = text
        .split("\"ns_per_quote\":\"")
        .nth(1)?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();

    let ours = our_ns_per_quote(2_000_000).max(1);
    match v2_sdk_ns_per_quote() {
        Some(theirs) => {
            let tenths = theirs * 10 / ours;
            println!(
                "constant-product quote: damm-math {ours} ns, Uniswap v2-sdk {theirs} ns: damm-math is {}.{}x faster",
                tenths / 10,
                tenths % 10
            );
        }
        None => println!("constant-product quote: damm-math {ours} ns; v2-sdk comparison skipped (node/npm unavailable)"),
    }
}
