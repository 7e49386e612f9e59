//! `damm-sim`: the command line over the [`damm_sim`] library.
//!
//! Regenerate the committed outputs with
//! `cargo run --release -p damm-sim -- all --out docs/sim`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use damm_sim::breakeven::BreakevenConfig;
use damm_sim::il::IlConfig;
use damm_sim::paths::{MarketParams, PathsConfig};
use damm_sim::report::{self, AllConfig};
use damm_sim::{breakeven, example3, il, paths, progress, Result};

/// Economic simulator of the dAMM on the real damm-math: health factor,
/// amplified IL, HF floor and dynamic fees. Deterministic for a given seed.
#[derive(Parser, Debug)]
#[command(name = "damm-sim", version, about, long_about = None)]
struct Cli {
    /// Output directory for CSV, SVG and markdown files.
    #[arg(long, global = true, default_value = "docs/sim")]
    out: PathBuf,
    /// Seed of the random price paths (ChaCha8).
    #[arg(long, global = true, default_value_t = 42)]
    seed: u64,
    /// No progress bars (they are also hidden when stdout is not a terminal).
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Worker threads for `paths` and `breakeven`; results are identical for
    /// any value.
    #[arg(long, short, global = true, default_value_t = 1)]
    jobs: usize,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// docs/design.md §13 Example 3 (corrected) through the real code, against the closed form.
    Example3,
    /// IL against the number of markets over a grid of price ratios; CSV + SVG.
    Il(IlArgs),
    /// Random GBM price paths: HF floor on/off, static vs dynamic fees; CSV + SVG.
    Paths(PathsArgs),
    /// The break-even static fee by volatility and number of markets; CSV + SVG.
    Breakeven(BreakevenArgs),
    /// Runs everything and writes all outputs and README.md.
    All(AllArgs),
}

#[derive(Args, Debug, Clone)]
struct IlArgs {
    /// Largest number of markets (from 1).
    #[arg(long, default_value_t = 8)]
    max_markets: u32,
    /// Grid points in [r-min, r-max], log-spaced.
    #[arg(long, default_value_t = 61)]
    points: usize,
    /// Smallest price ratio.
    #[arg(long, default_value_t = 0.25)]
    r_min: f64,
    /// Largest price ratio.
    #[arg(long, default_value_t = 4.0)]
    r_max: f64,
}

impl IlArgs {
    fn config(&self) -> IlConfig {
        IlConfig {
            max_markets: self.max_markets,
            points: self.points,
            r_min: self.r_min,
            r_max: self.r_max,
            ..IlConfig::default()
        }
    }
}

/// How the markets are set up (shared by `paths`, `breakeven` and `all`).
#[derive(Args, Debug, Clone)]
struct MarketArgs {
    /// Batch intervals of the L2 markets in steps, cycled over the markets.
    #[arg(long, value_delimiter = ',', default_value = "2,3,5")]
    intervals: Vec<u64>,
    /// Step length in hours.
    #[arg(long, default_value_t = 1.0)]
    dt_hours: f64,
    /// L2 fee scale λ (L2 fee = λ × L1 fee).
    #[arg(long, default_value_t = 0.5)]
    lambda: f64,
    /// Fee of the Uniswap V2 benchmark, bps (in `paths`).
    #[arg(long, default_value_t = 30.0)]
    v2_fee_bps: f64,
    /// Security buffer: fraction of each free balance a payout must leave.
    #[arg(long, default_value_t = 0.0)]
    buffer: f64,
}

impl MarketArgs {
    fn params(&self, markets: u32) -> MarketParams {
        MarketParams {
            markets,
            intervals: self.intervals.clone(),
            dt_hours: self.dt_hours,
            lambda: self.lambda,
            v2_fee_bps: self.v2_fee_bps,
            buffer: self.buffer,
            ..MarketParams::default()
        }
    }
}

#[derive(Args, Debug, Clone)]
struct PathsArgs {
    /// Number of price paths.
    #[arg(long, default_value_t = 200)]
    paths: usize,
    /// Steps per path.
    #[arg(long, default_value_t = 2000)]
    steps: usize,
    /// Number of L2 markets (full allocation each).
    #[arg(long, default_value_t = 3)]
    markets: u32,
    /// Annual volatility of the external price.
    #[arg(long, default_value_t = 1.0)]
    sigma: f64,
    /// The static fee, bps.
    #[arg(long, default_value_t = 30.0)]
    static_fee_bps: f64,
    /// Health premium φ of the dynamic fee, bps.
    #[arg(long, default_value_t = 100.0)]
    phi_bps: f64,
    /// Cap f_max of the dynamic fee, bps.
    #[arg(long, default_value_t = 100.0)]
    fee_max_bps: f64,
    /// The floor of the "floor on" variants.
    #[arg(long, default_value_t = 0.9)]
    hf_min: f64,
    /// Uninformed L2 volume per market per day, as a fraction of the pool's
    /// initial token0 balance (0: arbitrage-only flow, the stress case).
    #[arg(long, default_value_t = 0.0)]
    noise: f64,
    #[command(flatten)]
    market: MarketArgs,
}

impl PathsArgs {
    fn config(&self, seed: u64, jobs: usize) -> PathsConfig {
        PathsConfig {
            paths: self.paths,
            steps: self.steps,
            sigma: self.sigma,
            market: MarketParams {
                noise: self.noise,
                ..self.market.params(self.markets)
            },
            static_fee_bps: self.static_fee_bps,
            phi_bps: self.phi_bps,
            fee_max_bps: self.fee_max_bps,
            hf_min: self.hf_min,
            seed,
            jobs,
            ..PathsConfig::default()
        }
    }
}

#[derive(Args, Debug, Clone)]
struct BreakevenArgs {
    /// Paths per fee evaluation.
    #[arg(long = "paths", default_value_t = 8)]
    paths: usize,
    /// Steps per path.
    #[arg(long = "steps", default_value_t = 1000)]
    steps: usize,
    /// Numbers of markets.
    #[arg(long, value_delimiter = ',', default_value = "1,2,3,4,6,8")]
    markets_list: Vec<u32>,
    /// Annual volatilities.
    #[arg(long, value_delimiter = ',', default_value = "0.25,0.5,0.75,1.0,1.25")]
    sigmas: Vec<f64>,
    /// Uninformed L2 volumes (per market and day, fraction of the pool), one
    /// grid each; 0 is arbitrage-only flow.
    #[arg(long, value_delimiter = ',', default_value = "0.25,0")]
    noises: Vec<f64>,
    /// Bisection steps inside the bracket.
    #[arg(long, default_value_t = 6)]
    iterations: u32,
    #[command(flatten)]
    market: MarketArgs,
}

impl BreakevenArgs {
    fn config(&self, seed: u64, jobs: usize) -> BreakevenConfig {
        BreakevenConfig {
            paths: self.paths,
            steps: self.steps,
            markets: self.markets_list.clone(),
            sigmas: self.sigmas.clone(),
            noises: self.noises.clone(),
            market: self.market.params(1),
            iterations: self.iterations,
            seed,
            jobs,
            ..BreakevenConfig::default()
        }
    }
}

#[derive(Args, Debug, Clone)]
struct AllArgs {
    #[command(flatten)]
    paths: PathsArgs,
    /// Paths per fee evaluation in the break-even search.
    #[arg(long, default_value_t = 8)]
    breakeven_paths: usize,
    /// Steps per path in the break-even search.
    #[arg(long, default_value_t = 1000)]
    breakeven_steps: usize,
}

fn run(cli: &Cli) -> Result<bool> {
    match &cli.command {
        Command::Example3 => {
            let ex = example3::run()?;
            print!("{}", ex.render());
            Ok(ex.passed())
        }
        Command::Il(args) => {
            let bar = progress::bar(0, "il", cli.quiet);
            let report = il::run(&args.config(), &bar)?;
            bar.finish_and_clear();
            il::write(&report, &cli.out)?;
            print!("{}", report::il_text(&report));
            Ok(true)
        }
        Command::Paths(args) => {
            let bar = progress::bar(0, "paths", cli.quiet);
            let report = paths::run(&args.config(cli.seed, cli.jobs), &bar)?;
            bar.finish_and_clear();
            paths::write(&report, &cli.out)?;
            print!("{}", report::paths_text(&report));
            Ok(true)
        }
        Command::Breakeven(args) => {
            let bar = progress::bar(0, "breakeven", cli.quiet);
            let report = breakeven::run(&args.config(cli.seed, cli.jobs), &bar)?;
            bar.finish_and_clear();
            breakeven::write(&report, &cli.out)?;
            print!("{}", report::breakeven_text(&report));
            Ok(true)
        }
        Command::All(args) => {
            let config = AllConfig {
                il: IlConfig::default(),
                paths: args.paths.config(cli.seed, cli.jobs),
                breakeven: BreakevenConfig {
                    paths: args.breakeven_paths,
                    steps: args.breakeven_steps,
                    market: args.paths.market.params(1),
                    seed: cli.seed,
                    jobs: cli.jobs,
                    ..BreakevenConfig::default()
                },
            };
            let summary = report::run_all(&config, &cli.out, cli.quiet)?;
            print!("{summary}");
            Ok(true)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("damm-sim: a check failed (see above)");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("damm-sim: {e}");
            ExitCode::FAILURE
        }
    }
}
