//! `damm-orchestrator [--config FILE]`: see the library's docs and README.

use clap::Parser;

/// The dAMM's orchestrator: one per pool, shared by its operators.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// A TOML file; `DAMM_ORCHESTRATOR_*` variables override it.
    #[arg(long)]
    config: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let config: damm_orchestrator::config::Config = match damm_service::config::load(
        args.config.as_deref(),
        "DAMM_ORCHESTRATOR",
        std::env::vars(),
    ) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("damm-orchestrator: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    damm_service::telemetry::init_logging(config.log_format == "json", &config.log_level);
    match damm_orchestrator::api::serve(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "failed");
            eprintln!("damm-orchestrator: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
