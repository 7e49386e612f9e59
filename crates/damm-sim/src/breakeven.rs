//! The break-even fee: the static fee at which dAMM LPs are made whole
//! against Uniswap V2, by volatility `σ` and number of markets `n`.
//!
//! ## Against what, and why
//! "Whole" here means **against a fee-less Uniswap V2 LP**, i.e. a mean final
//! `HF = 1`. By docs/design.md §4, HF is exactly the dAMM share's value divided by a
//! fee-less V2 share's value at the pool's price (after L1 arbitrage), so the
//! break-even fee is the fee whose income repairs, on average, the extra IL
//! that amplification causes — seed 001's goal, "IL comparable to a Uniswap
//! V2 style AMM", and the first thing fees repair (docs/design.md §5).
//!
//! - Not against **holding**: in an arbitrage-only world a fee can only make
//!   LPs whole against holding by stopping trade altogether (an infinite fee
//!   freezes the pool, which then *is* holding). V2's own IL against holding
//!   is the price of running an AMM at all, not a dAMM cost.
//! - Not against **V2 at the same fee**: both sides then move with the fee,
//!   and the answer mixes the amplification cost with how each design's
//!   arbitrage volume reacts to the fee band. The CSV still reports the dAMM
//!   share against a V2 share charging the same fee, at the break-even fee.
//!
//! ## Method
//! For each `(n, σ)`, the mean final HF over the same seeded paths (common
//! random numbers across fees, `σ` and `n`) is a function `g(f)` of the
//! static L1 fee `f` (L2 batches pay `⌈f·λ⌉`; no floor, orchestrated
//! operators, so nothing but solvency refuses a trade). The fee is scanned
//! over a coarse grid until `g(f) ≥ 1`, which brackets the *smallest* break-even
//! fee, then bisected, and finally interpolated linearly inside the last
//! bracket.

use std::path::Path;

use indicatif::ProgressBar;

use crate::engine::{run_path, FeeModel, OperatorPolicy};
use crate::gbm::prices;
use crate::output::{num, opt, Csv};
use crate::paths::{draw, MarketParams, PathDraw};
use crate::plot::{color, Chart, Series, Style};
use crate::stats::mean;
use crate::units::bps_to_wad;
use crate::Result;

/// The scenario's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct BreakevenConfig {
    /// Paths per evaluation.
    pub paths: usize,
    /// Steps per path.
    pub steps: usize,
    /// The numbers of markets.
    pub markets: Vec<u32>,
    /// The annual volatilities.
    pub sigmas: Vec<f64>,
    /// The uninformed L2 volumes (per market and day, fraction of the pool's
    /// token0), one grid each; `0` is arbitrage-only flow.
    pub noises: Vec<f64>,
    /// Everything else about the markets (its `markets` is overridden).
    pub market: MarketParams,
    /// The coarse fee grid, bps, ascending.
    pub scan_bps: Vec<f64>,
    /// Bisection steps inside the bracket.
    pub iterations: u32,
    /// The run's seed.
    pub seed: u64,
    /// Worker threads (results do not depend on it).
    pub jobs: usize,
}

impl Default for BreakevenConfig {
    fn default() -> Self {
        Self {
            paths: 8,
            steps: 1000,
            markets: vec![1, 2, 3, 4, 6, 8],
            sigmas: vec![0.25, 0.5, 0.75, 1.0, 1.25],
            noises: vec![0.25, 0.0],
            market: MarketParams::default(),
            scan_bps: vec![0.0, 10.0, 25.0, 50.0, 100.0, 200.0, 400.0, 800.0, 1600.0],
            iterations: 6,
            seed: 42,
            jobs: 1,
        }
    }
}

/// The mean outcome of one fee on one `(n, σ)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation {
    /// The static fee, bps.
    pub fee_bps: f64,
    /// Mean final HF.
    pub mean_hf: f64,
    /// Mean (dAMM share / V2 share at the same fee) − 1.
    pub vs_v2_same_fee: f64,
}

/// One `(n, σ)` cell.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// Number of markets.
    pub n: u32,
    /// Annual volatility.
    pub sigma: f64,
    /// Uninformed L2 volume (per market and day, fraction of token0).
    pub noise: f64,
    /// The break-even fee, bps (`None`: above the scan's last fee).
    pub breakeven_bps: Option<f64>,
    /// The final bracket `(lo, hi)`, bps: `g(lo) < 1 ≤ g(hi)`.
    pub bracket: (f64, f64),
    /// Mean final HF with no fee at all.
    pub hf_no_fee: f64,
    /// The evaluation at the bracket's upper end.
    pub at_breakeven: Option<Evaluation>,
    /// Every evaluation made, in order.
    pub evaluations: Vec<Evaluation>,
}

/// The scenario's output.
#[derive(Clone, Debug, PartialEq)]
pub struct BreakevenReport {
    /// The configuration.
    pub config: BreakevenConfig,
    /// Cells by uninformed volume, then `n`, then `σ`.
    pub cells: Vec<Cell>,
}

/// One grid point: markets, volatility and uninformed volume.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Number of markets.
    pub n: u32,
    /// Annual volatility.
    pub sigma: f64,
    /// Uninformed L2 volume.
    pub noise: f64,
}

/// Evaluates one static fee at `point` over `draws`.
pub fn evaluate(
    cfg: &BreakevenConfig,
    point: Point,
    fee_bps: f64,
    draws: &[PathDraw],
) -> Result<Evaluation> {
    let Point { n, sigma, noise } = point;
    let params = MarketParams {
        markets: n,
        v2_fee_bps: fee_bps,
        noise,
        ..cfg.market.clone()
    };
    let fees = FeeModel::Static {
        fee: bps_to_wad(fee_bps)?,
    };
    let engine = params.engine(sigma, fees, 0.0, OperatorPolicy::Orchestrated)?;
    let mut hfs = Vec::with_capacity(draws.len());
    let mut vs_v2 = Vec::with_capacity(draws.len());
    for d in draws {
        let path = prices(1.0, sigma, params.dt_hours, &d.normals);
        let r = run_path(&engine, &path, &d.flow, 0)?;
        hfs.push(r.final_hf);
        vs_v2.push(r.value_damm / r.value_v2 - 1.0);
    }
    Ok(Evaluation {
        fee_bps,
        mean_hf: mean(&hfs),
        vs_v2_same_fee: mean(&vs_v2),
    })
}

/// Finds the break-even fee at one grid point.
pub fn solve(cfg: &BreakevenConfig, point: Point, draws: &[PathDraw]) -> Result<Cell> {
    let mut evaluations = Vec::new();
    let mut eval = |fee: f64| -> Result<Evaluation> {
        let e = evaluate(cfg, point, fee, draws)?;
        evaluations.push(e);
        Ok(e)
    };
    let mut below: Option<Evaluation> = None;
    let mut above: Option<Evaluation> = None;
    let mut hf_no_fee = f64::NAN;
    for &fee in &cfg.scan_bps {
        let e = eval(fee)?;
        if fee == 0.0 {
            hf_no_fee = e.mean_hf;
        }
        if e.mean_hf >= 1.0 {
            above = Some(e);
            break;
        }
        below = Some(e);
    }
    let (breakeven_bps, bracket, at_breakeven) = match (below, above) {
        (_, None) => {
            let last = cfg.scan_bps.last().copied().unwrap_or(0.0);
            (None, (last, f64::INFINITY), None)
        }
        (None, Some(a)) => (Some(a.fee_bps), (a.fee_bps, a.fee_bps), Some(a)),
        (Some(mut lo), Some(mut hi)) => {
            for _ in 0..cfg.iterations {
                let e = eval(0.5 * (lo.fee_bps + hi.fee_bps))?;
                if e.mean_hf >= 1.0 {
                    hi = e;
                } else {
                    lo = e;
                }
            }
            let slope = hi.mean_hf - lo.mean_hf;
            let t = if slope > 0.0 {
                ((1.0 - lo.mean_hf) / slope).clamp(0.0, 1.0)
            } else {
                0.5
            };
            let fee = lo.fee_bps + t * (hi.fee_bps - lo.fee_bps);
            (Some(fee), (lo.fee_bps, hi.fee_bps), Some(hi))
        }
    };
    if hf_no_fee.is_nan() {
        hf_no_fee = evaluate(cfg, point, 0.0, draws)?.mean_hf;
    }
    Ok(Cell {
        n: point.n,
        sigma: point.sigma,
        noise: point.noise,
        breakeven_bps,
        bracket,
        hf_no_fee,
        at_breakeven,
        evaluations,
    })
}

/// Runs every `(n, σ)` cell.
pub fn run(cfg: &BreakevenConfig, progress: &ProgressBar) -> Result<BreakevenReport> {
    let max_markets = cfg.markets.iter().copied().max().unwrap_or(1);
    let params = MarketParams {
        markets: max_markets,
        ..cfg.market.clone()
    };
    let draws: Vec<PathDraw> = (0..cfg.paths)
        .map(|i| draw(cfg.seed, i as u64, cfg.steps, &params))
        .collect();
    progress.set_length((cfg.noises.len() * cfg.markets.len() * cfg.sigmas.len()) as u64);
    let mut points = Vec::new();
    for &noise in &cfg.noises {
        for &n in &cfg.markets {
            for &sigma in &cfg.sigmas {
                points.push(Point { n, sigma, noise });
            }
        }
    }
    let cells = crate::par::map(points.len(), cfg.jobs, |i| {
        let cell = solve(cfg, points[i], &draws)?;
        progress.inc(1);
        Ok(cell)
    })?;
    Ok(BreakevenReport {
        config: cfg.clone(),
        cells,
    })
}

/// Writes `breakeven.csv`, `breakeven_evaluations.csv` and `breakeven.svg`.
pub fn write(report: &BreakevenReport, out: &Path) -> Result<()> {
    let mut csv = Csv::new(&[
        "noise",
        "n",
        "sigma",
        "breakeven_bps",
        "bracket_lo_bps",
        "bracket_hi_bps",
        "mean_hf_no_fee",
        "mean_hf_at_bracket_hi",
        "damm_vs_v2_same_fee_at_bracket_hi",
    ]);
    let mut evals = Csv::new(&[
        "noise",
        "n",
        "sigma",
        "fee_bps",
        "mean_hf",
        "damm_vs_v2_same_fee",
    ]);
    for c in &report.cells {
        csv.row(&[
            num(c.noise, 3),
            c.n.to_string(),
            num(c.sigma, 2),
            opt(c.breakeven_bps, 2),
            num(c.bracket.0, 3),
            num(c.bracket.1, 3),
            num(c.hf_no_fee, 6),
            opt(c.at_breakeven.map(|e| e.mean_hf), 6),
            opt(c.at_breakeven.map(|e| e.vs_v2_same_fee), 6),
        ]);
        for e in &c.evaluations {
            evals.row(&[
                num(c.noise, 3),
                c.n.to_string(),
                num(c.sigma, 2),
                num(e.fee_bps, 3),
                num(e.mean_hf, 6),
                num(e.vs_v2_same_fee, 6),
            ]);
        }
    }
    csv.write(&out.join("breakeven.csv"))?;
    evals.write(&out.join("breakeven_evaluations.csv"))?;

    let cfg = &report.config;
    let mut chart = Chart::new(
        &format!(
            "Break-even static fee: mean final HF = 1 (whole vs fee-less V2); L2 fee = {} x L1 fee",
            cfg.market.lambda
        ),
        "volatility sigma (annual)",
        "L1 fee (bps, log scale)",
    );
    let s_hi = cfg.sigmas.iter().copied().fold(0.0, f64::max);
    chart.x_range = (0.0, s_hi * 1.05 + 1e-9);
    let top = report
        .cells
        .iter()
        .filter_map(|c| c.breakeven_bps)
        .fold(10.0, f64::max);
    // The fees span two orders of magnitude: plot log10(bps).
    chart.y_range = (0.0, libm::ceil(libm::log10(top) * 10.0 + 1.0) / 10.0);
    chart.log_y = true;
    chart.y_ticks = vec![
        1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0,
    ];
    chart.legend = plotters::chart::SeriesLabelPosition::UpperLeft;
    for (j, &noise) in cfg.noises.iter().enumerate() {
        for (k, &n) in cfg.markets.iter().enumerate() {
            let label = if noise > 0.0 {
                format!("n = {n}, uninformed volume {noise} / day")
            } else {
                format!("n = {n}, arbitrage only")
            };
            chart.series.push(Series {
                label: Some(label),
                points: report
                    .cells
                    .iter()
                    .filter(|c| c.n == n && c.noise == noise)
                    .filter_map(|c| c.breakeven_bps.map(|b| (c.sigma, b.max(1.0))))
                    .collect(),
                color: color(k),
                style: if j == 0 {
                    Style::LineMarkers
                } else {
                    Style::Dashed
                },
            });
        }
    }
    chart.size = (1000, 720);
    chart.write(&out.join("breakeven.svg"))
}
