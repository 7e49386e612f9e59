//! `all`: runs every scenario, writes the outputs and `README.md`, and the
//! plain-text summaries the subcommands print.
//!
//! Files written into the output directory:
//! - `example3.txt`;
//! - `il.csv`, `il_drain.csv`, `il.svg`, `il_hf.svg`;
//! - `paths.csv`, `paths_summary.csv`, `paths_hf.csv`, `paths_hf.svg`;
//! - `breakeven.csv`, `breakeven_evaluations.csv`, `breakeven.svg`;
//! - `README.md`, the summary with the numbers and links to the plots.

use std::fmt::Write as _;
use std::path::Path;

use crate::breakeven::{self, BreakevenConfig, BreakevenReport};
use crate::example3::{self, Example3};
use crate::il::{self, IlConfig, IlReport};
use crate::output::write_file;
use crate::paths::{self, PathsConfig, PathsReport};
use crate::units::fmt_tokens;
use crate::{progress, Result};

/// What `all` runs.
#[derive(Clone, Debug, PartialEq)]
pub struct AllConfig {
    /// The IL grid.
    pub il: IlConfig,
    /// The random paths.
    pub paths: PathsConfig,
    /// The break-even search.
    pub breakeven: BreakevenConfig,
}

/// Runs everything, writes every file into `out`, and returns the summary
/// printed on stdout.
pub fn run_all(config: &AllConfig, out: &Path, quiet: bool) -> Result<String> {
    let ex = example3::run()?;
    write_file(&out.join("example3.txt"), &ex.render())?;

    let bar = progress::bar(0, "il", quiet);
    let il_report = il::run(&config.il, &bar)?;
    bar.finish_and_clear();
    il::write(&il_report, out)?;

    let bar = progress::bar(0, "paths", quiet);
    let paths_report = paths::run(&config.paths, &bar)?;
    bar.finish_and_clear();
    paths::write(&paths_report, out)?;

    let bar = progress::bar(0, "breakeven", quiet);
    let be_report = breakeven::run(&config.breakeven, &bar)?;
    bar.finish_and_clear();
    breakeven::write(&be_report, out)?;

    write_file(
        &out.join("README.md"),
        &readme(&ex, &il_report, &paths_report, &be_report),
    )?;
    let mut s = ex.render();
    s.push('\n');
    s.push_str(&il_text(&il_report));
    s.push('\n');
    s.push_str(&paths_text(&paths_report));
    s.push('\n');
    s.push_str(&breakeven_text(&be_report));
    let _ = writeln!(s, "\nwrote {}", out.display());
    Ok(s)
}

fn pct(v: f64) -> String {
    if v.is_finite() {
        let s = format!("{:+.2} %", v * 100.0);
        if s == "-0.00 %" {
            "+0.00 %".into()
        } else {
            s
        }
    } else {
        "n/a".into()
    }
}

fn fixed(v: f64, decimals: usize) -> String {
    crate::output::num(v, decimals)
}

/// The `il` summary: drain points and agreement with the closed form.
#[must_use]
pub fn il_text(report: &IlReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "IL: n = 1..{} markets, {} price ratios in [{}, {}]; max |HF code - closed form| / closed form = {:.1e} (cells with HF >= 0.05)",
        report.config.max_markets,
        report.config.points,
        report.config.r_min,
        report.config.r_max,
        report.max_rel_diff(0.05)
    );
    let _ = writeln!(
        s,
        "  {:>2}  {:>14} {:>14}  {:>14} {:>14}  {:>12}",
        "n",
        "drain up (cf)",
        "drain up (code)",
        "drain down (cf)",
        "drain dn (code)",
        "HF=0.9 at r"
    );
    for d in &report.drains {
        let _ = writeln!(
            s,
            "  {:>2}  {:>14} {:>14}  {:>14} {:>14}  {:>12}",
            d.n,
            fixed(d.up_closed, 6),
            fixed(d.up_code, 6),
            fixed(d.down_closed, 6),
            fixed(d.down_code, 6),
            fixed(d.floor_up, 4)
        );
    }
    let _ = writeln!(
        s,
        "  IL multiple (dAMM IL / V2 IL, both vs holding) at r = {:?}; small-move limit n^2 - n + 1:",
        crate::il::MULTIPLE_RATIOS
    );
    for n in 1..=report.config.max_markets {
        let _ = write!(s, "  {n:>2}:");
        for m in report.multiples.iter().filter(|m| m.n == n) {
            let _ = write!(s, " {:>8}", fixed(m.ratio(), 3));
        }
        let _ = writeln!(s, "   (n^2 - n + 1 = {})", n * n - n + 1);
    }
    s
}

/// The `paths` summary table.
#[must_use]
pub fn paths_text(report: &PathsReport) -> String {
    let c = &report.config;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Paths: {} paths x {} steps of {} h, sigma {} / year, {} markets (intervals {:?} steps), lambda {}, V2 benchmark {} bps, seed {}",
        c.paths, c.steps, c.market.dt_hours, c.sigma, c.market.markets, c.market.intervals, c.market.lambda, c.market.v2_fee_bps, c.seed
    );
    for v in &report.variants {
        let m = &v.summary;
        let k = &m.counters;
        let _ = writeln!(s, "  {}", v.variant.name);
        let _ = writeln!(
            s,
            "    final HF mean {} p5 {} p50 {} p95 {}; min HF along paths p5 {}",
            fixed(m.hf.mean, 4),
            fixed(m.hf.p5, 4),
            fixed(m.hf.p50, 4),
            fixed(m.hf.p95, 4),
            fixed(m.min_hf.p5, 4)
        );
        let _ = writeln!(
            s,
            "    LP vs V2: mean {} (p5 {}, p95 {}); vs holding: mean {} (V2 vs holding {})",
            pct(m.vs_v2.mean),
            pct(m.vs_v2.p5),
            pct(m.vs_v2.p95),
            pct(m.vs_hold.mean),
            pct(m.v2_vs_hold.mean)
        );
        let _ = writeln!(
            s,
            "    fees (of initial value): L1 {}, L2 {}, V2 {}",
            pct(m.fees_l1),
            pct(m.fees_l2),
            pct(m.fees_v2)
        );
        let _ = writeln!(
            s,
            "    settlements: {} accepted, rejected {} (health {}, insolvent {}, buffer {}, other {}); quotes {} (trimmed {}), refused {} (health {}, drain {}, buffer {}); paths ending unsettled {}",
            k.settled,
            k.rejected(),
            k.rejected_health,
            k.rejected_insolvent,
            k.rejected_buffer,
            k.rejected_curve + k.rejected_math,
            k.quotes,
            k.quotes_trimmed,
            k.refused(),
            k.refused_health,
            k.refused_drain,
            k.refused_buffer,
            m.paths_unsettled
        );
    }
    s
}

/// The `breakeven` tables: fee (bps) by `n` (rows) and `σ` (columns), one
/// per uninformed volume.
#[must_use]
pub fn breakeven_text(report: &BreakevenReport) -> String {
    let c = &report.config;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Break-even static L1 fee (bps) at which mean final HF = 1 (whole vs fee-less V2); L2 fee = {} x L1 fee; {} paths x {} steps of {} h; intervals {:?}",
        c.market.lambda, c.paths, c.steps, c.market.dt_hours, c.market.intervals
    );
    for &noise in &c.noises {
        let cells: Vec<_> = report.cells.iter().filter(|x| x.noise == noise).collect();
        if noise > 0.0 {
            let _ = writeln!(
                s,
                "  uninformed L2 volume {noise} of the pool per market per day:"
            );
        } else {
            let _ = writeln!(s, "  arbitrage only (no uninformed volume):");
        }
        let _ = write!(s, "  {:>8}", "n \\ σ");
        for sigma in &c.sigmas {
            let _ = write!(s, " {:>8}", fixed(*sigma, 2));
        }
        s.push_str("   | mean final HF with no fee\n");
        for &n in &c.markets {
            let _ = write!(s, "  {n:>8}");
            let row: Vec<_> = cells.iter().filter(|x| x.n == n).collect();
            for cell in &row {
                let v = cell
                    .breakeven_bps
                    .map_or_else(|| format!(">{}", fixed(cell.bracket.0, 0)), |b| fixed(b, 1));
                let _ = write!(s, " {v:>8}");
            }
            s.push_str("   |");
            for cell in &row {
                let _ = write!(s, " {:>6}", fixed(cell.hf_no_fee, 3));
            }
            s.push('\n');
        }
    }
    s
}

/// Per `n`: the mean over `σ` of `(1 − HF_no_fee) / (σ²·t/8)`, as text.
fn loss_multiples(be: &BreakevenReport) -> String {
    let c = &be.config;
    let years = c.steps as f64 * c.market.dt_hours / crate::gbm::HOURS_PER_YEAR;
    c.markets
        .iter()
        .map(|&n| {
            let values: Vec<f64> = be
                .cells
                .iter()
                .filter(|x| x.n == n && x.noise == c.noises.first().copied().unwrap_or(0.0))
                .map(|x| (1.0 - x.hf_no_fee) / (x.sigma * x.sigma * years / 8.0))
                .collect();
            format!("{} for n = {n}", fixed(crate::stats::mean(&values), 1))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The break-even fee's growth with σ at the middle `n`, against σ².
fn sigma_scaling(be: &BreakevenReport) -> String {
    let c = &be.config;
    let noise = c.noises.iter().copied().find(|v| *v > 0.0).unwrap_or(0.0);
    let n = c.markets.get(c.markets.len() / 2).copied().unwrap_or(1);
    let (Some(&s0), Some(&s1)) = (c.sigmas.first(), c.sigmas.last()) else {
        return "n/a".into();
    };
    let fee = |sigma: f64| {
        be.cells
            .iter()
            .find(|x| x.n == n && x.noise == noise && x.sigma == sigma)
            .and_then(|x| x.breakeven_bps)
    };
    match (fee(s0), fee(s1)) {
        (Some(f0), Some(f1)) => format!(
            "for n = {n}, ×{} from σ = {s0} to {s1}, where σ² grows ×{}",
            fixed(f1 / f0, 1),
            fixed((s1 * s1) / (s0 * s0), 1)
        ),
        _ => "n/a".into(),
    }
}

/// The break-even fee by `n` at the σ closest to 1, with uninformed volume.
fn n_scaling(be: &BreakevenReport) -> String {
    let c = &be.config;
    let noise = c.noises.iter().copied().find(|v| *v > 0.0).unwrap_or(0.0);
    let sigma = c
        .sigmas
        .iter()
        .copied()
        .min_by(|a, b| (a - 1.0).abs().total_cmp(&(b - 1.0).abs()))
        .unwrap_or(1.0);
    let parts: Vec<String> = c
        .markets
        .iter()
        .filter_map(|&n| {
            be.cells
                .iter()
                .find(|x| x.n == n && x.noise == noise && x.sigma == sigma)
                .and_then(|x| x.breakeven_bps)
                .map(|b| format!("{} bps for n = {n}", fixed(b, 0)))
        })
        .collect();
    format!("at σ = {sigma}: {}", parts.join(", "))
}

fn md_pct(v: f64) -> String {
    pct(v).replace(' ', "\u{a0}")
}

/// `README.md` for the output directory: the numbers, and links to the plots.
#[must_use]
pub fn readme(
    ex: &Example3,
    il_report: &IlReport,
    paths_report: &PathsReport,
    be: &BreakevenReport,
) -> String {
    let mut s = String::new();
    let pc = &paths_report.config;
    let bc = &be.config;
    let _ = writeln!(s, "# dAMM simulation results\n");
    let _ = writeln!(
        s,
        "Economic simulations of the dAMM, run on `damm-math` itself: L2 quotes through \
         `batch::Batch` + `CurvePricing`, settlements through `checkpoint::settle` (curve, solvency, \
         health rule, §8 state update), operators' quote checks through `orchestrator::Orchestrator`, \
         L1 swaps and the Uniswap V2 benchmark through `cp`, HF through `health`, dynamic fees through \
         `fee`. Amounts are `U256` in 18-decimal units; floats are used only for the price paths and \
         the statistics. Regenerate (deterministic, byte for byte, for seed {}):\n",
        pc.seed
    );
    let _ = writeln!(
        s,
        "```sh\ncargo run --release -p damm-sim -- all --out docs/sim\n```\n"
    );
    let _ = writeln!(
        s,
        "Add `--jobs 2` to use two threads (same output). `cargo run -p damm-sim -- --help` lists every \
         scenario and parameter.\n"
    );

    // 1. Example 3.
    let _ = writeln!(s, "## 1. Example 3, corrected (docs/design.md §13)\n");
    let r = &ex.run;
    let leg = r.legs.first();
    let _ = writeln!(
        s,
        "Three full-allocation L2 markets on one 1000:1000 pool (T = 1000), each arbitraged fee-less \
         from p = 1 to p = 1.2; the L1 absorbs the three nets (no L1 k check), then one fee-less L1 \
         arbitrage restores p = 1.2. Full trace: [example3.txt](example3.txt).\n"
    );
    let _ = writeln!(s, "| step | x | y |\n| --- | ---: | ---: |");
    if let Some(leg) = leg {
        let _ = writeln!(
            s,
            "| each L2 after its move | {} | {} |",
            fmt_tokens(leg.end.x, 6),
            fmt_tokens(leg.end.y, 6)
        );
    }
    let _ = writeln!(
        s,
        "| L1 after the three nets | {} | {} |",
        fmt_tokens(r.after_nets.balance0, 6),
        fmt_tokens(r.after_nets.balance1, 6)
    );
    let _ = writeln!(
        s,
        "| L1 after arbitrage | {} | {} |\n",
        fmt_tokens(r.after_arbitrage.0, 6),
        fmt_tokens(r.after_arbitrage.1, 6)
    );
    let _ = writeln!(
        s,
        "HF from the code **{}**; closed form √(1 − n(n−1)(r^¼ − r^−¼)²) = {:.16}; relative \
         difference **{:.1e}** (required ≤ 1e-12). The seed's L1 figure X ≈ 739 agrees; its per-L2 \
         state 913 : 1054 (and so its Y = 1162 and final 846 : 1015) is not reachable by a \
         constant-product pool.\n",
        fmt_tokens(r.hf, 15),
        ex.closed_form,
        ex.relative_difference
    );

    // 2. IL.
    let ic = &il_report.config;
    let _ = writeln!(s, "## 2. Amplified IL against the number of markets\n");
    let _ = writeln!(
        s,
        "n = 1..{} full-allocation markets, each arbitraged fee-less from the same 1000:1000 start to \
         r, settled one after another (HF_min = 0, so only solvency stops a settlement), then the L1 \
         arbitraged to r; {} log-spaced ratios in [{}, {}]. Points are the code, lines the closed \
         form, dashed verticals the drain points. Data: [il.csv](il.csv), \
         [il_drain.csv](il_drain.csv), [il_multiples.csv](il_multiples.csv).\n",
        ic.max_markets, ic.points, ic.r_min, ic.r_max
    );
    let _ = writeln!(
        s,
        "![LP value vs holding](il.svg)\n\n![HF = value vs V2](il_hf.svg)\n"
    );
    let _ = writeln!(
        s,
        "Largest relative difference between the code's HF and the closed form over the grid \
         (cells with HF ≥ 0.05): **{:.1e}**. Where the pool drains, the next settlement is rejected \
         by `checkpoint::settle` as `Insolvent` (exactly at the point, with a free balance of zero, \
         as `Math(InsufficientLiquidity)`: the market could not be funded any more); the boundary \
         found by bisection on the price with the real code sits on the formula:\n",
        il_report.max_rel_diff(0.05)
    );
    let _ = writeln!(
        s,
        "| n | x side drains at r = (n/(n−1))² | code | y side drains at r = ((n−1)/n)² | code | HF = 0.9 (default floor) at r |\n| ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for d in &il_report.drains {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            d.n,
            fixed(d.up_closed, 4),
            fixed(d.up_code, 6),
            fixed(d.down_closed, 4),
            fixed(d.down_code, 6),
            fixed(d.floor_up, 4)
        );
    }
    let _ = writeln!(
        s,
        "\n**IL multiple.** Seed 000 says LPs carry \"up to n times\" the IL of a \
         Uniswap V2 pool. The code and the §4 closed form say otherwise: for small moves \
         HF ≈ 1 − n(n−1)(ln r)²/8 while V2's IL is −(ln r)²/8, so the dAMM LP's IL against holding is \
         **n² − n + 1 times** V2's (3× for n = 2, 7× for n = 3, 57× for n = 8), and more near the \
         drain point:\n"
    );
    let _ = write!(s, "| n |");
    for r in crate::il::MULTIPLE_RATIOS {
        let _ = write!(s, " r = {r} |");
    }
    let _ = writeln!(s, " n² − n + 1 |");
    let _ = writeln!(
        s,
        "| ---: |{} ---: |",
        " ---: |".repeat(crate::il::MULTIPLE_RATIOS.len())
    );
    for n in 1..=ic.max_markets {
        let _ = write!(s, "| {n} |");
        for r in crate::il::MULTIPLE_RATIOS {
            match il_report.multiples.iter().find(|m| m.n == n && m.r == r) {
                Some(m) => {
                    let _ = write!(s, " {} |", fixed(m.ratio(), 2));
                }
                None => s.push_str(" drained |"),
            }
        }
        let _ = writeln!(s, " {} |", n * n - n + 1);
    }

    // 3. Paths.
    let _ = writeln!(s, "\n## 3. Random price paths\n");
    let _ = writeln!(
        s,
        "{} seeded GBM paths × {} steps of {} h ({:.0} days), σ = {} / year, {} full-allocation \
         markets settling every {:?} steps (cycled, random phases: asynchronous), L2 fee = λ·L1 fee \
         with λ = {}, arbitrageurs on every L2 batch and on the L1 every step, {}. Every variant runs \
         on the same paths. Final values are after a last settlement of every market and a last L1 \
         arbitrage; \"vs V2\" is against a Uniswap V2 pool of the same size with a {} bps fee, \
         arbitraged every step; fees are in % of the initial pool value. Data: \
         [paths_summary.csv](paths_summary.csv), [paths.csv](paths.csv) (per path), \
         [paths_hf.csv](paths_hf.csv).\n",
        pc.paths,
        pc.steps,
        pc.market.dt_hours,
        pc.steps as f64 * pc.market.dt_hours / 24.0,
        pc.sigma,
        pc.market.markets,
        pc.market.intervals,
        pc.market.lambda,
        if pc.market.noise > 0.0 {
            format!(
                "and uninformed L2 flow of {} of the pool per market per day",
                pc.market.noise
            )
        } else {
            "and no uninformed flow (arbitrage only: the stress case, fee income from arbitrageurs \
             alone)"
                .to_string()
        },
        pc.market.v2_fee_bps
    );
    let _ = writeln!(
        s,
        "| variant | HF mean | p5 | p50 | p95 | LP vs V2 (mean) | LP vs holding (mean) | fees L1 | fees L2 | settlements rejected (health / insolvent / other) | quotes refused (health / drain) | paths ending with a stuck batch |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for v in &paths_report.variants {
        let m = &v.summary;
        let k = &m.counters;
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} of {} ({} / {} / {}) | {} of {} ({} / {}) | {} |",
            v.variant.name,
            fixed(m.hf.mean, 4),
            fixed(m.hf.p5, 4),
            fixed(m.hf.p50, 4),
            fixed(m.hf.p95, 4),
            md_pct(m.vs_v2.mean),
            md_pct(m.vs_hold.mean),
            md_pct(m.fees_l1),
            md_pct(m.fees_l2),
            k.rejected(),
            k.settled + k.rejected(),
            k.rejected_health,
            k.rejected_insolvent,
            k.rejected_buffer + k.rejected_curve + k.rejected_math,
            k.refused(),
            k.quotes + k.refused(),
            k.refused_health,
            k.refused_drain,
            m.paths_unsettled
        );
    }
    if let Some(v) = paths_report.variants.first() {
        let _ = writeln!(
            s,
            "\nThe benchmark V2 pool itself ends at {} against holding (mean).",
            md_pct(v.summary.v2_vs_hold.mean)
        );
    }
    let _ = writeln!(s, "\n![HF over time](paths_hf.svg)\n");

    // 4. Break-even.
    let _ = writeln!(s, "## 4. Break-even fee\n");
    let _ = writeln!(
        s,
        "The static L1 fee (L2 batches pay λ = {} of it) at which the mean final HF over {} seeded \
         paths × {} steps of {} h is 1, by σ and n: scan {:?} bps until HF ≥ 1, then {} bisection \
         steps and a linear interpolation in the last bracket; no floor, orchestrated operators. \
         Data: [breakeven.csv](breakeven.csv), [breakeven_evaluations.csv](breakeven_evaluations.csv).\n",
        bc.market.lambda,
        bc.paths,
        bc.steps,
        bc.market.dt_hours,
        bc.scan_bps,
        bc.iterations
    );
    let _ = writeln!(
        s,
        "**Against what.** \"Whole\" means against a *fee-less Uniswap V2* LP: HF is by definition the \
         dAMM share's value over a fee-less V2 share's at the pool price (§4), so HF = 1 is exactly \
         the point where fees have repaid the IL that amplification adds — seed 001's goal, \"IL \
         comparable to a Uniswap V2 style AMM\". Not against *holding*: with arbitrage-only flow a fee \
         makes LPs whole against holding only by stopping trade altogether (an infinite fee freezes \
         the pool, which then is holding), and V2's own IL against holding is the cost of any AMM, \
         not of the dAMM. Not against *V2 at the same fee*: both sides move with the fee, which mixes \
         the amplification cost with how each design's arbitrage volume reacts to the fee band (the \
         CSV still reports it at the break-even fee).\n"
    );
    for &noise in &bc.noises {
        let cells: Vec<_> = be.cells.iter().filter(|c| c.noise == noise).collect();
        if noise > 0.0 {
            let _ = writeln!(
                s,
                "With uninformed L2 volume of {noise} of the pool per market per day (fee-inelastic), \
                 break-even L1 fee in bps (mean final HF with no fee in brackets):\n"
            );
        } else {
            let _ = writeln!(
                s,
                "\nArbitrage only (no uninformed volume), break-even L1 fee in bps:\n"
            );
        }
        let _ = write!(s, "| n \\\\ σ |");
        for sigma in &bc.sigmas {
            let _ = write!(s, " {} |", fixed(*sigma, 2));
        }
        s.push('\n');
        let _ = writeln!(s, "| ---: |{}", " ---: |".repeat(bc.sigmas.len()));
        for &n in &bc.markets {
            let _ = write!(s, "| {n} |");
            for c in cells.iter().filter(|c| c.n == n) {
                let v = c
                    .breakeven_bps
                    .map_or_else(|| format!("> {}", fixed(c.bracket.0, 0)), |b| fixed(b, 1));
                let _ = write!(s, " {v} ({}) |", fixed(c.hf_no_fee, 3));
            }
            s.push('\n');
        }
    }
    let _ = writeln!(s, "\n![Break-even fee](breakeven.svg)\n");

    let _ = writeln!(s, "## Reading the results\n");
    let n1 = be
        .cells
        .iter()
        .filter(|c| c.n == 1)
        .map(|c| c.hf_no_fee)
        .fold(f64::INFINITY, f64::min);
    let _ = writeln!(
        s,
        "- **Amplification is quadratic, not linear.** n full-allocation markets plus the L1 \
         arbitrage cost n(n−1)·(ln r)²/8 of HF per synchronous move, i.e. n² − n + 1 times V2's IL. \
         On random paths with asynchronous batches and continuous L1 arbitrage, the no-fee HF loss \
         grows with the realised variance; measured as a multiple of σ²t/8 (V2's own expected IL \
         rate) it is {} (n(n−1) would be {}).\n\
         - **Direct L1 trading is one more state.** Even one L2 market loses against V2 when the L1 \
         is arbitraged between its settlements (mean final HF with no fee down to {} in the \
         break-even grid): the L1 pool and the market's virtual state are two states on one \
         liquidity. A market that settles every step before the L1 is traded has HF = 1 exactly (tested).\n\
         - **Arbitrage fees alone cannot pay for amplification at a sane fee.** The fee income from \
         arbitrageurs is a fraction of the arbitrage profit, which *is* the amplified loss; with no \
         uninformed flow, HF reaches 1 only when the fee is so high that arbitrage mostly stops (the \
         arbitrage-only table, hundreds of bps for n ≥ 3). With uninformed L2 volume the break-even \
         fee scales like σ² ({}) and much more slowly than n(n−1) in n, because every market brings \
         its own uninformed volume ({}).\n\
         - **The floor caps the damage but not the cost.** With HF_min the pool's HF stops at the \
         floor; orchestrated operators then refuse the trades that would lower it (their L2 prices \
         go stale in one direction), blind operators get their settlements rejected and are left \
         with stuck batches. Even orchestrated operators see some `HealthTooLow` rejections: the \
         orchestrator checks the sum of every market's pending net, but each market settles alone, \
         in its own order.\n\
         - **Dynamic fees help through the health premium**, which reaches φ at the floor; with \
         HF_min = 0 the premium's range is the whole [0, 1] (`health_premium` scales by 1 − HF_min), \
         so \"dynamic, no floor\" is almost the static case.\n",
        loss_multiples(be),
        be.config
            .markets
            .iter()
            .map(|n| format!("{}", n * (n - 1)))
            .collect::<Vec<_>>()
            .join(", "),
        fixed(n1, 3),
        sigma_scaling(be),
        n_scaling(be)
    );
    let _ = writeln!(s, "## Model notes\n");
    let _ = writeln!(
        s,
        "- One step is {} h; σ is annual; the price is a driftless (martingale) GBM from p = 1. The \
         EMAs of Kyber's fee are clocked in 12-second blocks.\n\
         - Each L2 arbitrageur trades the open batch once per step, sized to the profit-maximising \
         exact-in amount for its fee; the L1 arbitrageur does the same on the free balances with the \
         L1 fee. Dust (< 1e-12 of the reserve) is skipped.\n\
         - An L2 batch's fee is fixed when the batch opens (static: ⌈f·λ⌉; dynamic: the same function \
         as the L1 on the operator's own volume EMA and the real-time HF, scaled by λ).\n\
         - A rejected settlement leaves the batch open (its trades were quoted to L2 users); the \
         operator retries at its next interval. An orchestrated operator asks \
         `Orchestrator::accept` before every quote and halves a refused arbitrage up to three times.\n\
         - Uninformed trades (when enabled) come one per market and step, random direction, size \
         uniform in [0, 2·mean], and do not react to the fee.\n\
         - LP value is counted on the pool's books only: a batch still stuck at the end is ignored.\n",
        pc.market.dt_hours
    );
    let _ = writeln!(s, "## Files\n");
    let _ = writeln!(
        s,
        "| file | content |\n| --- | --- |\n\
         | [example3.txt](example3.txt) | Example 3 trace, 18 decimals |\n\
         | [il.csv](il.csv) | per (n, r): settlements, rejection, HF code vs closed form, share values |\n\
         | [il_drain.csv](il_drain.csv) | drain points, closed form and code |\n\
         | [il_multiples.csv](il_multiples.csv) | IL multiples against V2 |\n\
         | [il.svg](il.svg), [il_hf.svg](il_hf.svg) | IL and HF against r |\n\
         | [paths_summary.csv](paths_summary.csv) | per variant: HF, returns, fees, rejections |\n\
         | [paths.csv](paths.csv) | per path and variant |\n\
         | [paths_hf.csv](paths_hf.csv), [paths_hf.svg](paths_hf.svg) | HF over time |\n\
         | [breakeven.csv](breakeven.csv), [breakeven.svg](breakeven.svg) | break-even fee by n and σ |\n\
         | [breakeven_evaluations.csv](breakeven_evaluations.csv) | every (fee, mean HF) evaluated |"
    );
    s
}
