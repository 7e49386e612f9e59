//! Amplified impermanent loss against the number of markets (seeds 000/001:
//! "up to n times the IL of a Uniswap V2 pool").
//!
//! For every `n = 1..=N` and every price ratio `r` on a log-spaced grid over
//! `[r_min, r_max]`: `n` full-allocation markets on a 1000:1000 pool are each
//! arbitraged fee-less to `r` from the same start, settled one after another
//! through [`damm_math::checkpoint::settle`], and the L1 is then arbitraged
//! fee-less to `r` ([`crate::example3::run_sequential`]). One dAMM share is
//! valued at `r` against one Uniswap V2 share (a single fee-less pool
//! arbitraged to `r`, through [`damm_math::cp`]) and against holding the
//! initial `1 x + 1 y`, and overlaid with the closed form of docs/design.md §4.
//!
//! Settlements run with `HF_min = 0`, so that only solvency can stop them and
//! the whole IL curve shows; where the pool drains, a settlement is rejected
//! ([`damm_math::checkpoint::Rejection::Insolvent`]) and the point is marked
//! drained. A second run with the default floor (0.9) records how many of the
//! `n` settlements the health rule would let through. The drain boundary of
//! the real code is then located by bisection on the price and compared with
//! `(n/(n−1))²` (x side) and `((n−1)/n)²` (y side).

use std::path::Path;

use damm_math::health::DEFAULT_HF_MIN;
use damm_math::{cp, VirtualState, U256};
use indicatif::ProgressBar;

use crate::arb::arbitrage;
use crate::closed_form;
use crate::example3::{run_sequential, Sequential};
use crate::output::{num, opt, Csv};
use crate::plot::{color, Chart, Series, Style};
use crate::units::{from_f64_wad, to_f64, tokens, wad_to_f64};
use crate::Result;

/// The grid and pool size.
#[derive(Clone, Debug, PartialEq)]
pub struct IlConfig {
    /// Markets from 1 to this.
    pub max_markets: u32,
    /// Grid points in `[r_min, r_max]` (log-spaced).
    pub points: usize,
    /// Smallest price ratio.
    pub r_min: f64,
    /// Largest price ratio.
    pub r_max: f64,
    /// Pool size in tokens per side (and LP supply).
    pub liquidity_tokens: u64,
}

impl Default for IlConfig {
    fn default() -> Self {
        Self {
            max_markets: 8,
            points: 61,
            r_min: 0.25,
            r_max: 4.0,
            liquidity_tokens: 1000,
        }
    }
}

/// One `(n, r)` cell.
#[derive(Clone, Debug, PartialEq)]
pub struct IlRow {
    /// Number of markets.
    pub n: u32,
    /// Price ratio (the WAD price used, as an `f64`).
    pub r: f64,
    /// Settlements accepted with the floor off.
    pub settled: usize,
    /// The first rejection with the floor off, as text.
    pub rejection: Option<String>,
    /// Settlements accepted under the default floor (0.9).
    pub settled_with_floor: usize,
    /// Whether the pool drained: a settlement was rejected, or a free
    /// balance reached zero.
    pub drained: bool,
    /// HF from the code (after the L1 arbitrage); `None` if drained.
    pub hf: Option<f64>,
    /// The closed form; `None` past the drain point.
    pub hf_closed: Option<f64>,
    /// `|hf − closed| / closed`.
    pub rel_diff: Option<f64>,
    /// A dAMM share's value at `r` (in y); `None` if drained.
    pub value_damm: Option<f64>,
    /// A fee-less V2 share's value at `r`.
    pub value_v2: f64,
    /// Holding `1 x + 1 y`: `1 + r`.
    pub value_hold: f64,
}

impl IlRow {
    /// The dAMM share against holding, minus one (the IL; `None` if drained).
    #[must_use]
    pub fn damm_vs_hold(&self) -> Option<f64> {
        self.value_damm.map(|v| v / self.value_hold - 1.0)
    }

    /// The V2 share against holding, minus one.
    #[must_use]
    pub fn v2_vs_hold(&self) -> f64 {
        self.value_v2 / self.value_hold - 1.0
    }
}

/// The drain boundary of one `n`, from the code and the closed form.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DrainPoint {
    /// Number of markets.
    pub n: u32,
    /// Closed form, x side: `(n/(n−1))²`.
    pub up_closed: f64,
    /// The code's boundary, x side (bisection on the price).
    pub up_code: f64,
    /// Closed form, y side: `((n−1)/n)²`.
    pub down_closed: f64,
    /// The code's boundary, y side.
    pub down_code: f64,
    /// Where the default floor (0.9) first refuses a settlement, price up:
    /// the closed form's `HF = 0.9` point.
    pub floor_up: f64,
}

/// How many times a V2 LP's IL a dAMM LP suffers, at one price ratio.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Multiple {
    /// Number of markets.
    pub n: u32,
    /// Price ratio.
    pub r: f64,
    /// dAMM share / holding − 1 (from the code).
    pub damm_il: f64,
    /// V2 share / holding − 1 (from the code).
    pub v2_il: f64,
}

impl Multiple {
    /// `damm_il / v2_il`. For small moves it tends to `n² − n + 1`
    /// (`HF ≈ 1 − n(n−1)(ln r)²/8` against V2's `−(ln r)²/8`), not `n`.
    #[must_use]
    pub fn ratio(&self) -> f64 {
        self.damm_il / self.v2_il
    }
}

/// The ratios at which [`Multiple`]s are reported.
pub const MULTIPLE_RATIOS: [f64; 3] = [1.01, 1.1, 1.2];

/// Everything the scenario produces.
#[derive(Clone, Debug, PartialEq)]
pub struct IlReport {
    /// The configuration.
    pub config: IlConfig,
    /// All cells, by `n` then `r`.
    pub rows: Vec<IlRow>,
    /// Drain boundaries for `n ≥ 2`.
    pub drains: Vec<DrainPoint>,
    /// IL multiples against V2 at [`MULTIPLE_RATIOS`] (below the drain point).
    pub multiples: Vec<Multiple>,
}

impl IlReport {
    /// The largest relative difference between code and closed form over the
    /// cells with `HF ≥ min_hf` (near a drain point HF → 0 and the relative
    /// difference of two tiny numbers says nothing).
    #[must_use]
    pub fn max_rel_diff(&self, min_hf: f64) -> f64 {
        self.rows
            .iter()
            .filter(|r| r.hf_closed.is_some_and(|h| h >= min_hf))
            .filter_map(|r| r.rel_diff)
            .fold(0.0, f64::max)
    }
}

/// The log-spaced grid `r_i = r_min·(r_max/r_min)^(i/(points−1))`.
#[must_use]
pub fn grid(r_min: f64, r_max: f64, points: usize) -> Vec<f64> {
    let span = r_max / r_min;
    match points {
        0 => Vec::new(),
        1 => vec![r_min],
        _ => (0..points)
            .map(|i| r_min * libm::pow(span, i as f64 / (points - 1) as f64))
            .collect(),
    }
}

/// A fee-less Uniswap V2 pool of `liquidity`:`liquidity` arbitraged to
/// `price`: its balances, through [`damm_math::cp`].
pub fn v2_after(liquidity: U256, price: U256) -> Result<(U256, U256)> {
    match arbitrage(liquidity, liquidity, price, U256::ZERO)? {
        Some((direction, amount_in)) => {
            let state = VirtualState::new(liquidity, liquidity);
            let (reserve_in, reserve_out) = direction.reserves(&state);
            let out = cp::amount_out_with_fee(amount_in, reserve_in, reserve_out, U256::ZERO)?;
            let next = direction.apply(&state, amount_in, out)?;
            Ok((next.x, next.y))
        }
        None => Ok((liquidity, liquidity)),
    }
}

fn drained(run: &Sequential) -> bool {
    run.first_rejection().is_some()
        || run.after_nets.balance0.is_zero()
        || run.after_nets.balance1.is_zero()
}

/// Runs the grid.
pub fn run(config: &IlConfig, progress: &ProgressBar) -> Result<IlReport> {
    let liquidity = tokens(config.liquidity_tokens);
    let supply = to_f64(liquidity);
    let ratios = grid(config.r_min, config.r_max, config.points);
    progress.set_length(u64::from(config.max_markets));
    let mut rows = Vec::new();
    let mut drains = Vec::new();
    let mut multiples = Vec::new();
    for n in 1..=config.max_markets {
        for r in MULTIPLE_RATIOS {
            let price = from_f64_wad(r)?;
            let run = run_sequential(n, liquidity, price, U256::ZERO)?;
            if drained(&run) {
                continue;
            }
            let (x, y) = run.after_arbitrage;
            let (v2x, v2y) = v2_after(liquidity, price)?;
            let hold = 1.0 + r;
            multiples.push(Multiple {
                n,
                r,
                damm_il: (to_f64(x) * r + to_f64(y)) / supply / hold - 1.0,
                v2_il: (to_f64(v2x) * r + to_f64(v2y)) / supply / hold - 1.0,
            });
        }
        for &r_grid in &ratios {
            let price = from_f64_wad(r_grid)?;
            let r = wad_to_f64(price);
            let run = run_sequential(n, liquidity, price, U256::ZERO)?;
            let floor = run_sequential(n, liquidity, price, DEFAULT_HF_MIN)?;
            let is_drained = drained(&run);
            let (x, y) = run.after_arbitrage;
            let hf = (!is_drained).then(|| run.hf_f64());
            let hf_closed = closed_form::health_factor(n, r);
            let (v2x, v2y) = v2_after(liquidity, price)?;
            rows.push(IlRow {
                n,
                r,
                settled: run.settled(),
                rejection: run
                    .first_rejection()
                    .map(|(i, rej)| format!("#{}:{rej:?}", i + 1)),
                settled_with_floor: floor.settled(),
                drained: is_drained,
                hf,
                hf_closed,
                rel_diff: hf
                    .zip(hf_closed)
                    .map(|(a, b)| if b > 0.0 { (a - b).abs() / b } else { f64::NAN }),
                value_damm: (!is_drained).then(|| (to_f64(x) * r + to_f64(y)) / supply),
                value_v2: (to_f64(v2x) * r + to_f64(v2y)) / supply,
                value_hold: 1.0 + r,
            });
        }
        if n >= 2 {
            drains.push(DrainPoint {
                n,
                up_closed: closed_form::drain_ratio_up(n).unwrap_or(f64::NAN),
                up_code: drain_boundary(n, liquidity, 1.0, 4.0 * 4.0)?,
                down_closed: closed_form::drain_ratio_down(n).unwrap_or(f64::NAN),
                down_code: drain_boundary(n, liquidity, 1.0, 1.0 / 16.0)?,
                floor_up: floor_ratio(n, 0.9),
            });
        }
        progress.inc(1);
    }
    Ok(IlReport {
        config: config.clone(),
        rows,
        drains,
        multiples,
    })
}

/// The price ratio between `solvent` (the pool survives the `n` settlements)
/// and `broken` (it drains) where the real code's settlements stop being
/// solvent, by 64 bisection steps on the WAD price (geometric midpoints).
pub fn drain_boundary(n: u32, liquidity: U256, solvent: f64, broken: f64) -> Result<f64> {
    let survives = |r: f64| -> Result<bool> {
        Ok(!drained(&run_sequential(
            n,
            liquidity,
            from_f64_wad(r)?,
            U256::ZERO,
        )?))
    };
    let (mut ok, mut bad) = (solvent, broken);
    if !survives(ok)? || survives(bad)? {
        return Ok(f64::NAN);
    }
    for _ in 0..64 {
        let mid = libm::sqrt(ok * bad);
        if mid == ok || mid == bad {
            break;
        }
        if survives(mid)? {
            ok = mid;
        } else {
            bad = mid;
        }
    }
    Ok(ok)
}

/// The ratio `r > 1` where the closed-form HF falls to `floor`:
/// `(r^¼ − r^−¼)² = (1 − floor²)/(n(n−1))`, i.e. `r^¼ = (q + √(q² + 4))/2`
/// with `q = √((1 − floor²)/(n(n−1)))`. Infinite for `n = 1`.
#[must_use]
pub fn floor_ratio(n: u32, floor: f64) -> f64 {
    if n < 2 {
        return f64::INFINITY;
    }
    let nf = f64::from(n);
    let q = libm::sqrt((1.0 - floor * floor) / (nf * (nf - 1.0)));
    let a = (q + libm::sqrt(q * q + 4.0)) / 2.0;
    libm::pow(a, 4.0)
}

/// Writes `il.csv`, `il_drain.csv`, `il_multiples.csv`, `il.svg` (value
/// against holding) and `il_hf.svg` (HF, i.e. value against V2) into `out`.
pub fn write(report: &IlReport, out: &Path) -> Result<()> {
    let mut csv = Csv::new(&[
        "n",
        "r",
        "settled",
        "first_rejection",
        "settled_with_floor_0.9",
        "drained",
        "hf",
        "hf_closed_form",
        "rel_diff",
        "value_damm",
        "value_v2",
        "value_hold",
        "damm_vs_hold",
        "v2_vs_hold",
        "closed_form_damm_vs_hold",
    ]);
    for row in &report.rows {
        csv.row(&[
            row.n.to_string(),
            num(row.r, 6),
            row.settled.to_string(),
            row.rejection.clone().unwrap_or_default(),
            row.settled_with_floor.to_string(),
            row.drained.to_string(),
            opt(row.hf, 15),
            opt(row.hf_closed, 15),
            row.rel_diff
                .map_or_else(String::new, |v| format!("{v:.3e}")),
            opt(row.value_damm, 9),
            num(row.value_v2, 9),
            num(row.value_hold, 9),
            opt(row.damm_vs_hold(), 9),
            num(row.v2_vs_hold(), 9),
            opt(
                closed_form::damm_value_vs_hold(row.n, row.r).map(|v| v - 1.0),
                9,
            ),
        ]);
    }
    csv.write(&out.join("il.csv"))?;

    let mut drains = Csv::new(&[
        "n",
        "drain_up_closed_form",
        "drain_up_code",
        "drain_down_closed_form",
        "drain_down_code",
        "hf_0.9_ratio_up",
    ]);
    for d in &report.drains {
        drains.row(&[
            d.n.to_string(),
            num(d.up_closed, 12),
            num(d.up_code, 12),
            num(d.down_closed, 12),
            num(d.down_code, 12),
            num(d.floor_up, 6),
        ]);
    }
    drains.write(&out.join("il_drain.csv"))?;

    let mut multiples = Csv::new(&["n", "r", "damm_vs_hold", "v2_vs_hold", "il_multiple"]);
    for m in &report.multiples {
        multiples.row(&[
            m.n.to_string(),
            num(m.r, 2),
            num(m.damm_il, 9),
            num(m.v2_il, 9),
            num(m.ratio(), 4),
        ]);
    }
    multiples.write(&out.join("il_multiples.csv"))?;

    let cfg = &report.config;
    let dense = grid(cfg.r_min, cfg.r_max, 400);
    let mut value = Chart::new(
        "dAMM LP value vs holding: n full-allocation markets, fee-less, after L1 arbitrage",
        "price ratio r (log scale)",
        "share value / holding - 1",
    );
    value.x_range = (cfg.r_min, cfg.r_max);
    value.y_range = (-1.0, 0.05);
    value.log_x = true;
    let mut hf = Chart::new(
        "Health factor = dAMM LP value / Uniswap V2 LP value (fee-less)",
        "price ratio r (log scale)",
        "HF",
    );
    hf.x_range = (cfg.r_min, cfg.r_max);
    hf.y_range = (0.0, 1.05);
    hf.log_x = true;
    for n in 1..=cfg.max_markets {
        let c = color(n as usize - 1);
        let rows: Vec<&IlRow> = report.rows.iter().filter(|r| r.n == n).collect();
        let label = if n == 1 {
            "n = 1 (= Uniswap V2)".to_string()
        } else {
            format!("n = {n}")
        };
        value.series.push(Series {
            label: Some(label.clone()),
            points: rows
                .iter()
                .filter_map(|r| r.damm_vs_hold().map(|v| (r.r, v)))
                .collect(),
            color: c,
            style: Style::Markers,
        });
        value.series.push(Series {
            label: None,
            points: dense
                .iter()
                .filter_map(|&r| closed_form::damm_value_vs_hold(n, r).map(|v| (r, v - 1.0)))
                .collect(),
            color: c,
            style: Style::Line,
        });
        hf.series.push(Series {
            label: Some(label),
            points: rows.iter().filter_map(|r| r.hf.map(|h| (r.r, h))).collect(),
            color: c,
            style: Style::Markers,
        });
        hf.series.push(Series {
            label: None,
            points: dense
                .iter()
                .filter_map(|&r| closed_form::health_factor(n, r).map(|h| (r, h)))
                .collect(),
            color: c,
            style: Style::Line,
        });
        if let Some(d) = report.drains.iter().find(|d| d.n == n) {
            for x in [d.up_closed, d.down_closed] {
                if x >= cfg.r_min && x <= cfg.r_max {
                    for chart in [&mut value, &mut hf] {
                        let (lo, hi) = chart.y_range;
                        chart.series.push(Series {
                            label: None,
                            points: vec![(x, lo), (x, hi)],
                            color: c,
                            style: Style::Dashed,
                        });
                    }
                }
            }
        }
    }
    value.series.push(Series {
        label: Some("closed form (lines); drain points (dashed)".into()),
        points: Vec::new(),
        color: plotters::style::RGBColor(60, 60, 60),
        style: Style::Line,
    });
    hf.series.push(Series {
        label: Some("HF_min = 0.9 (default floor)".into()),
        points: vec![(cfg.r_min, 0.9), (cfg.r_max, 0.9)],
        color: plotters::style::RGBColor(60, 60, 60),
        style: Style::Dashed,
    });
    for chart in [&mut value, &mut hf] {
        chart.legend = plotters::chart::SeriesLabelPosition::LowerLeft;
        chart.x_ticks = vec![0.25, 0.33, 0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0];
        chart.size = (1100, 640);
    }
    value.write(&out.join("il.svg"))?;
    hf.write(&out.join("il_hf.svg"))?;
    Ok(())
}
