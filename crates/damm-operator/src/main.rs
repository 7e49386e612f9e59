//! `damm-operator [--config FILE]`: see the library's docs and docs/operator.md.

use clap::Parser;

/// The dAMM's operator node for one L2 market.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// A TOML file; `DAMM_OPERATOR_*` variables override it (the key:
    /// `DAMM_OPERATOR_KEY`).
    #[arg(long)]
    config: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let config: damm_operator::config::Config =
        match damm_service::config::load(args.config.as_deref(), "DAMM_OPERATOR", std::env::vars())
        {
            Ok(c) => c,
            Err(e) => {
                eprintln!("damm-operator: {e}");
                return std::process::ExitCode::from(2);
            }
        };
    damm_service::telemetry::init_logging(config.log_format == "json", &config.log_level);
    match damm_operator::api::serve(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "failed");
            eprintln!("damm-operator: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
