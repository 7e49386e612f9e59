//! Same seed, same results and same bytes; another seed, other paths.

use std::path::PathBuf;

use damm_sim::breakeven::{self, BreakevenConfig};
use damm_sim::gbm::{prices, Stream};
use damm_sim::paths::{self, draw, MarketParams, PathsConfig};
use damm_sim::progress::hidden;

fn tiny(seed: u64) -> PathsConfig {
    PathsConfig {
        paths: 2,
        steps: 40,
        sigma: 2.0,
        trace_every: 10,
        seed,
        ..PathsConfig::default()
    }
}

fn dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name)
}

#[test]
fn same_seed_same_draws_different_seed_different_paths() {
    let params = MarketParams::default();
    assert_eq!(draw(7, 0, 100, &params), draw(7, 0, 100, &params));
    assert_ne!(
        draw(7, 0, 100, &params).normals,
        draw(8, 0, 100, &params).normals
    );
    assert_ne!(
        draw(7, 0, 100, &params).normals,
        draw(7, 1, 100, &params).normals
    );
    let a = prices(1.0, 0.8, 1.0, &draw(7, 0, 100, &params).normals);
    let b = prices(1.0, 0.8, 1.0, &draw(8, 0, 100, &params).normals);
    assert_ne!(a, b);
    assert_eq!(a.len(), 101);
    assert_eq!(a[0], 1.0);
}

#[test]
fn normals_look_normal() {
    let z = Stream::new(1).normals(20_000);
    let mean = z.iter().sum::<f64>() / z.len() as f64;
    let var = z.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / z.len() as f64;
    assert!(mean.abs() < 0.03, "{mean}");
    assert!((var - 1.0).abs() < 0.05, "{var}");
}

#[test]
fn paths_are_deterministic_to_the_byte() {
    let a = paths::run(&tiny(11), &hidden()).unwrap();
    let b = paths::run(&tiny(11), &hidden()).unwrap();
    assert_eq!(a, b);
    let threaded = PathsConfig {
        jobs: 2,
        ..tiny(11)
    };
    let t = paths::run(&threaded, &hidden()).unwrap();
    assert_eq!(a.variants, t.variants, "threads must not change results");
    let c = paths::run(&tiny(12), &hidden()).unwrap();
    assert_ne!(
        a.variants[0].paths[0].final_hf,
        c.variants[0].paths[0].final_hf
    );

    let (da, db) = (dir("det_a"), dir("det_b"));
    paths::write(&a, &da).unwrap();
    paths::write(&b, &db).unwrap();
    for file in [
        "paths.csv",
        "paths_summary.csv",
        "paths_hf.csv",
        "paths_hf.svg",
    ] {
        let x = std::fs::read(da.join(file)).unwrap();
        let y = std::fs::read(db.join(file)).unwrap();
        assert!(!x.is_empty(), "{file} is empty");
        assert_eq!(x, y, "{file} differs between identical runs");
    }
}

#[test]
fn breakeven_is_deterministic() {
    let cfg = BreakevenConfig {
        paths: 1,
        steps: 30,
        markets: vec![2],
        sigmas: vec![1.5],
        noises: vec![0.5],
        scan_bps: vec![0.0, 50.0, 400.0, 3200.0],
        iterations: 2,
        ..BreakevenConfig::default()
    };
    let a = breakeven::run(&cfg, &hidden()).unwrap();
    let b = breakeven::run(&cfg, &hidden()).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.cells.len(), 1);
    let (da, db) = (dir("be_a"), dir("be_b"));
    breakeven::write(&a, &da).unwrap();
    breakeven::write(&b, &db).unwrap();
    for file in [
        "breakeven.csv",
        "breakeven_evaluations.csv",
        "breakeven.svg",
    ] {
        assert_eq!(
            std::fs::read(da.join(file)).unwrap(),
            std::fs::read(db.join(file)).unwrap(),
            "{file}"
        );
    }
}
