//! Random price paths: HF, LP returns, fees and rejections under a seeded
//! geometric Brownian motion of the external price.
//!
//! Every path draws its normals and the markets' settlement phases from its
//! own ChaCha8 stream (`sub_seed(seed, path)`), and every variant runs on the
//! same paths (common random numbers), so differences between variants are
//! the variants' and not the dice's. One path is one [`engine::run_path`].
//!
//! Variants (the default set):
//! - static fee (30 bps L1, `λ`-scaled on L2) or dynamic fee (Kyber volume
//!   fee + health premium, capped), each
//! - with the health floor at 0.9 or switched off (0), with orchestrated
//!   operators, and
//! - with the floor at 0.9 and *blind* operators, who quote without asking
//!   the orchestrator and meet the floor only at settlement.
//!
//! Measured per path at the final price, after a final settlement of every
//! market and a final L1 arbitrage: HF, one dAMM share against one Uniswap V2
//! share (30 bps, arbitraged every step) and against holding, fee income,
//! and quotes refused / settlements rejected by reason.

use std::path::Path;

use indicatif::ProgressBar;

use crate::engine::{run_path, Counters, EngineConfig, FeeModel, Flow, OperatorPolicy, PathResult};
use crate::gbm::{prices, sub_seed, Stream, HOURS_PER_YEAR};
use crate::output::{num, Csv};
use crate::plot::{color, Band, Chart, Series, Style};
use crate::stats::{summarize, Summary};
use crate::units::{bps_to_wad, from_f64_wad, tokens};
use crate::{Result, SimError};

/// Seconds per L1 block (Ethereum), for the EMAs' block clock.
pub const SECONDS_PER_BLOCK: f64 = 12.0;

/// Parameters shared by `paths` and `breakeven`.
#[derive(Clone, Debug, PartialEq)]
pub struct MarketParams {
    /// Number of L2 markets (full allocation each).
    pub markets: u32,
    /// Batch intervals in steps, cycled over the markets.
    pub intervals: Vec<u64>,
    /// Step length in hours.
    pub dt_hours: f64,
    /// The L2 fee scale `λ`.
    pub lambda: f64,
    /// Pool size in tokens per side.
    pub liquidity_tokens: u64,
    /// The V2 benchmark's fee, bps.
    pub v2_fee_bps: f64,
    /// The security buffer (fraction of each free balance).
    pub buffer: f64,
    /// Uninformed L2 volume per market per day, as a fraction of the pool's
    /// initial token0 balance (one random trade per market and step; zero for
    /// arbitrage-only flow).
    pub noise: f64,
}

impl Default for MarketParams {
    fn default() -> Self {
        Self {
            markets: 3,
            intervals: vec![2, 3, 5],
            dt_hours: 1.0,
            lambda: 0.5,
            liquidity_tokens: 1000,
            v2_fee_bps: 30.0,
            buffer: 0.0,
            noise: 0.0,
        }
    }
}

impl MarketParams {
    /// L1 blocks per step.
    #[must_use]
    pub fn blocks_per_step(&self) -> u64 {
        libm::round(self.dt_hours * 3600.0 / SECONDS_PER_BLOCK).max(1.0) as u64
    }

    /// The engine configuration for this market setup, volatility (for the
    /// EMAs' starting level), fee model, floor and operator policy.
    pub fn engine(
        &self,
        sigma: f64,
        fees: FeeModel,
        hf_min: f64,
        policy: OperatorPolicy,
    ) -> Result<EngineConfig> {
        if !(0.0..=1.0).contains(&self.lambda) || !(0.0..1.0).contains(&self.buffer) {
            return Err(SimError::Invalid(
                "λ must be in [0, 1], buffer in [0, 1)".into(),
            ));
        }
        let liquidity = tokens(self.liquidity_tokens);
        let blocks = self.blocks_per_step();
        // Start the EMAs near the volume of one venue's fee-less arbitrage:
        // a constant-product pool of depth L trades about L·|Δln p|/2 per
        // step, and E|Z| ≈ 0.8. The trend r = short/long forgets this start
        // within a few EMA windows (~9 and ~18 steps of one hour).
        let step_vol = sigma * libm::sqrt(self.dt_hours / HOURS_PER_YEAR);
        let per_block = self.liquidity_tokens as f64 * step_vol * 0.4 / blocks as f64;
        Ok(EngineConfig {
            markets: self.markets,
            intervals: self.intervals.clone(),
            hf_min: from_f64_wad(hf_min)?,
            buffer: from_f64_wad(self.buffer)?,
            fees,
            lambda: from_f64_wad(self.lambda)?,
            policy,
            blocks_per_step: blocks,
            liquidity,
            v2_fee: bps_to_wad(self.v2_fee_bps)?,
            ema_init: from_f64_wad(per_block)?,
            noise_size: from_f64_wad(
                self.noise * self.liquidity_tokens as f64 * self.dt_hours / 24.0,
            )?,
        })
    }
}

/// One path's inputs: its normals, and the markets' phases and uninformed
/// trades.
#[derive(Clone, Debug, PartialEq)]
pub struct PathDraw {
    /// One standard normal per step.
    pub normals: Vec<f64>,
    /// Phases and uninformed-trade draws.
    pub flow: Flow,
}

/// The draws of path `index` of run `seed`, all from its own stream in this
/// order: `steps` normals, one phase per market, then one uniform in
/// `(−1, 1)` per market and step (drawn even when there is no uninformed
/// flow, so that every variant sees the same stream).
#[must_use]
pub fn draw(seed: u64, index: u64, steps: usize, params: &MarketParams) -> PathDraw {
    let mut stream = Stream::new(sub_seed(seed, index));
    let normals = stream.normals(steps);
    let width = params.markets as usize;
    let phases = (0..width)
        .map(|i| stream.below(params.intervals[i % params.intervals.len().max(1)]))
        .collect();
    let noise = (0..steps * width)
        .map(|_| 2.0 * stream.uniform() - 1.0)
        .collect();
    PathDraw {
        normals,
        flow: Flow {
            phases,
            noise,
            width,
        },
    }
}

/// The `paths` scenario's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct PathsConfig {
    /// Number of paths.
    pub paths: usize,
    /// Steps per path.
    pub steps: usize,
    /// Annual volatility.
    pub sigma: f64,
    /// Markets and fees.
    pub market: MarketParams,
    /// The static fee, bps.
    pub static_fee_bps: f64,
    /// The health premium `φ`, bps.
    pub phi_bps: f64,
    /// The dynamic fee cap `f_max`, bps.
    pub fee_max_bps: f64,
    /// The floor of the "floor on" variants.
    pub hf_min: f64,
    /// HF is sampled every this many steps for the time series.
    pub trace_every: usize,
    /// The run's seed.
    pub seed: u64,
    /// Worker threads (results do not depend on it).
    pub jobs: usize,
}

impl Default for PathsConfig {
    fn default() -> Self {
        Self {
            paths: 200,
            steps: 2000,
            sigma: 1.0,
            market: MarketParams::default(),
            static_fee_bps: 30.0,
            phi_bps: 100.0,
            fee_max_bps: 100.0,
            hf_min: 0.9,
            trace_every: 20,
            seed: 42,
            jobs: 1,
        }
    }
}

/// One variant of the engine.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    /// Short identifier (CSV).
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// The engine configuration.
    pub engine: EngineConfig,
}

/// The default variants: {static, dynamic} × {floor on, floor off} with
/// orchestrated operators, and {static, dynamic} with the floor on and blind
/// operators.
pub fn variants(cfg: &PathsConfig) -> Result<Vec<Variant>> {
    let static_fee = FeeModel::Static {
        fee: bps_to_wad(cfg.static_fee_bps)?,
    };
    let dynamic = FeeModel::Dynamic {
        phi: bps_to_wad(cfg.phi_bps)?,
        fee_max: bps_to_wad(cfg.fee_max_bps)?,
    };
    let m = &cfg.market;
    let s = cfg.static_fee_bps;
    let f = cfg.hf_min;
    let o = OperatorPolicy::Orchestrated;
    let b = OperatorPolicy::Blind;
    let list = [
        (
            "static_floor",
            format!("static {s} bps, HF_min {f}"),
            static_fee,
            f,
            o,
        ),
        (
            "static_nofloor",
            format!("static {s} bps, no floor"),
            static_fee,
            0.0,
            o,
        ),
        (
            "dynamic_floor",
            format!("dynamic, HF_min {f}"),
            dynamic,
            f,
            o,
        ),
        (
            "dynamic_nofloor",
            "dynamic, no floor".to_string(),
            dynamic,
            0.0,
            o,
        ),
        (
            "static_floor_blind",
            format!("static {s} bps, HF_min {f}, blind operators"),
            static_fee,
            f,
            b,
        ),
        (
            "dynamic_floor_blind",
            format!("dynamic, HF_min {f}, blind operators"),
            dynamic,
            f,
            b,
        ),
    ];
    list.into_iter()
        .map(|(id, name, fees, floor, policy)| {
            Ok(Variant {
                id: id.to_string(),
                name,
                engine: m.engine(cfg.sigma, fees, floor, policy)?,
            })
        })
        .collect()
}

/// A variant's aggregate.
#[derive(Clone, Debug, PartialEq)]
pub struct VariantSummary {
    /// Final HF.
    pub hf: Summary,
    /// Lowest HF along the path.
    pub min_hf: Summary,
    /// dAMM share / V2 share − 1.
    pub vs_v2: Summary,
    /// dAMM share / holding − 1.
    pub vs_hold: Summary,
    /// V2 share / holding − 1 (the benchmark's own IL + fees).
    pub v2_vs_hold: Summary,
    /// Mean L1 fee income per initial share (y), as a fraction of the
    /// initial share value (2 y).
    pub fees_l1: f64,
    /// Mean L2 fee income, same unit.
    pub fees_l2: f64,
    /// Mean V2 fee income, same unit.
    pub fees_v2: f64,
    /// Counts over all paths.
    pub counters: Counters,
    /// Paths that ended with a market unable to settle.
    pub paths_unsettled: usize,
}

/// A variant's paths and summary.
#[derive(Clone, Debug, PartialEq)]
pub struct VariantResult {
    /// The variant.
    pub variant: Variant,
    /// One result per path.
    pub paths: Vec<PathResult>,
    /// The aggregate.
    pub summary: VariantSummary,
}

/// The scenario's output.
#[derive(Clone, Debug, PartialEq)]
pub struct PathsReport {
    /// The configuration.
    pub config: PathsConfig,
    /// One entry per variant.
    pub variants: Vec<VariantResult>,
}

/// Summarises a variant's paths.
#[must_use]
pub fn summarize_paths(paths: &[PathResult]) -> VariantSummary {
    let pick = |f: &dyn Fn(&PathResult) -> f64| -> Vec<f64> { paths.iter().map(f).collect() };
    let mut counters = Counters::default();
    for p in paths {
        counters.add(&p.counters);
    }
    let mean_of = |f: &dyn Fn(&PathResult) -> f64| crate::stats::mean(&pick(f)) / 2.0;
    VariantSummary {
        hf: summarize(&pick(&|p| p.final_hf)),
        min_hf: summarize(&pick(&|p| p.min_hf)),
        vs_v2: summarize(&pick(&|p| p.value_damm / p.value_v2 - 1.0)),
        vs_hold: summarize(&pick(&|p| p.value_damm / p.value_hold - 1.0)),
        v2_vs_hold: summarize(&pick(&|p| p.value_v2 / p.value_hold - 1.0)),
        fees_l1: mean_of(&|p| p.fees_l1),
        fees_l2: mean_of(&|p| p.fees_l2),
        fees_v2: mean_of(&|p| p.fees_v2),
        counters,
        paths_unsettled: paths.iter().filter(|p| p.unsettled > 0).count(),
    }
}

/// Runs every variant on the same `cfg.paths` paths.
pub fn run(cfg: &PathsConfig, progress: &ProgressBar) -> Result<PathsReport> {
    let variants = variants(cfg)?;
    progress.set_length((cfg.paths * variants.len()) as u64);
    let per_path = crate::par::map(cfg.paths, cfg.jobs, |index| {
        let d = draw(cfg.seed, index as u64, cfg.steps, &cfg.market);
        let path = prices(1.0, cfg.sigma, cfg.market.dt_hours, &d.normals);
        let out = variants
            .iter()
            .map(|variant| run_path(&variant.engine, &path, &d.flow, cfg.trace_every))
            .collect::<Result<Vec<_>>>()?;
        progress.inc(variants.len() as u64);
        Ok(out)
    })?;
    let mut results: Vec<Vec<PathResult>> = vec![Vec::with_capacity(cfg.paths); variants.len()];
    for path in per_path {
        for (out, r) in results.iter_mut().zip(path) {
            out.push(r);
        }
    }
    Ok(PathsReport {
        config: cfg.clone(),
        variants: variants
            .into_iter()
            .zip(results)
            .map(|(variant, paths)| {
                let summary = summarize_paths(&paths);
                VariantResult {
                    variant,
                    paths,
                    summary,
                }
            })
            .collect(),
    })
}

/// Writes `paths.csv` (one row per path and variant), `paths_summary.csv`,
/// `paths_hf.csv` (HF over time: mean, p5, p50, p95 per variant) and
/// `paths_hf.svg` into `out`.
pub fn write(report: &PathsReport, out: &Path) -> Result<()> {
    let mut per_path = Csv::new(&[
        "variant",
        "path",
        "final_hf",
        "min_hf",
        "value_damm",
        "value_v2",
        "value_hold",
        "damm_vs_v2",
        "damm_vs_hold",
        "fees_l1",
        "fees_l2",
        "fees_v2",
        "settled",
        "rejected_health",
        "rejected_insolvent",
        "rejected_buffer",
        "rejected_curve",
        "rejected_math",
        "quotes",
        "refused_health",
        "refused_drain",
        "refused_buffer",
        "unsettled_at_end",
    ]);
    for v in &report.variants {
        for (i, p) in v.paths.iter().enumerate() {
            let c = &p.counters;
            per_path.row(&[
                v.variant.id.clone(),
                i.to_string(),
                num(p.final_hf, 9),
                num(p.min_hf, 9),
                num(p.value_damm, 9),
                num(p.value_v2, 9),
                num(p.value_hold, 9),
                num(p.value_damm / p.value_v2 - 1.0, 9),
                num(p.value_damm / p.value_hold - 1.0, 9),
                num(p.fees_l1, 9),
                num(p.fees_l2, 9),
                num(p.fees_v2, 9),
                c.settled.to_string(),
                c.rejected_health.to_string(),
                c.rejected_insolvent.to_string(),
                c.rejected_buffer.to_string(),
                c.rejected_curve.to_string(),
                c.rejected_math.to_string(),
                c.quotes.to_string(),
                c.refused_health.to_string(),
                c.refused_drain.to_string(),
                c.refused_buffer.to_string(),
                p.unsettled.to_string(),
            ]);
        }
    }
    per_path.write(&out.join("paths.csv"))?;

    let mut summary = Csv::new(&[
        "variant",
        "hf_mean",
        "hf_p5",
        "hf_p50",
        "hf_p95",
        "min_hf_p5",
        "damm_vs_v2_mean",
        "damm_vs_v2_p5",
        "damm_vs_v2_p50",
        "damm_vs_v2_p95",
        "damm_vs_hold_mean",
        "damm_vs_hold_p50",
        "v2_vs_hold_mean",
        "fees_l1",
        "fees_l2",
        "fees_v2",
        "settled",
        "rejected_health",
        "rejected_insolvent",
        "rejected_buffer",
        "rejected_other",
        "quotes",
        "quotes_trimmed",
        "refused_health",
        "refused_drain",
        "refused_buffer",
        "paths_unsettled",
    ]);
    for v in &report.variants {
        let s = &v.summary;
        let c = &s.counters;
        summary.row(&[
            v.variant.id.clone(),
            num(s.hf.mean, 6),
            num(s.hf.p5, 6),
            num(s.hf.p50, 6),
            num(s.hf.p95, 6),
            num(s.min_hf.p5, 6),
            num(s.vs_v2.mean, 6),
            num(s.vs_v2.p5, 6),
            num(s.vs_v2.p50, 6),
            num(s.vs_v2.p95, 6),
            num(s.vs_hold.mean, 6),
            num(s.vs_hold.p50, 6),
            num(s.v2_vs_hold.mean, 6),
            num(s.fees_l1, 6),
            num(s.fees_l2, 6),
            num(s.fees_v2, 6),
            c.settled.to_string(),
            c.rejected_health.to_string(),
            c.rejected_insolvent.to_string(),
            c.rejected_buffer.to_string(),
            (c.rejected_curve + c.rejected_math).to_string(),
            c.quotes.to_string(),
            c.quotes_trimmed.to_string(),
            c.refused_health.to_string(),
            c.refused_drain.to_string(),
            c.refused_buffer.to_string(),
            s.paths_unsettled.to_string(),
        ]);
    }
    summary.write(&out.join("paths_summary.csv"))?;

    // HF over time.
    let cfg = &report.config;
    let mut trace = Csv::new(&["variant", "step", "hf_mean", "hf_p5", "hf_p50", "hf_p95"]);
    let mut chart = Chart::new(
        &format!(
            "On-chain HF over time: {} markets, sigma {} / year, {} paths (mean; band p5-p95)",
            cfg.market.markets, cfg.sigma, cfg.paths
        ),
        &format!("step ({} h)", cfg.market.dt_hours),
        "HF",
    );
    chart.x_range = (0.0, cfg.steps as f64);
    let mut y_lo: f64 = 0.9;
    let mut y_hi: f64 = 1.0;
    for (k, v) in report.variants.iter().enumerate() {
        let len = v.paths.iter().map(|p| p.hf_trace.len()).min().unwrap_or(0);
        let mut means = Vec::new();
        let mut band = Vec::new();
        for j in 0..len {
            let at: Vec<f64> = v.paths.iter().map(|p| p.hf_trace[j]).collect();
            let s = summarize(&at);
            let step = (j * cfg.trace_every) as f64;
            trace.row(&[
                v.variant.id.clone(),
                (j * cfg.trace_every).to_string(),
                num(s.mean, 6),
                num(s.p5, 6),
                num(s.p50, 6),
                num(s.p95, 6),
            ]);
            y_lo = y_lo.min(s.p5);
            y_hi = y_hi.max(s.p95);
            means.push((step, s.mean));
            band.push((step, s.p5, s.p95));
        }
        // A band only for the static variant without a floor, to keep the
        // chart readable; the CSV has every variant's quantiles.
        if k == 1 {
            chart.bands.push(Band {
                points: band,
                color: color(k),
            });
        }
        chart.series.push(Series {
            label: Some(v.variant.name.clone()),
            points: means,
            color: color(k),
            style: if k >= 4 { Style::Dashed } else { Style::Line },
        });
    }
    chart.y_range = (
        libm::floor(y_lo * 50.0) / 50.0,
        libm::ceil(y_hi * 100.0 + 0.5) / 100.0,
    );
    chart.write(&out.join("paths_hf.svg"))?;
    trace.write(&out.join("paths_hf.csv"))?;
    Ok(())
}
