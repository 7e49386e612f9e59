//! `damm-node`: the local chain. See the crate docs and the README's "Use
//! it from a dapp".

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use alloy_primitives::hex;
use clap::Parser;
use serde_json::json;

use damm_deploy::config::Config;
use damm_node::chain::{wall_clock, Chain, CHAIN_ID};
use damm_node::genesis::{self, Programs};
use damm_node::journal::Journal;
use damm_node::rpc::Node;
use damm_node::{accounts, server};
use stylus_runtime::artifacts::workspace_root;

#[derive(Parser)]
#[command(
    about = "A local Stylus chain with the dAMM deployed: Ethereum JSON-RPC, anvil's dev accounts"
)]
struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on (nitro-devnode's).
    #[arg(long, default_value_t = 8547)]
    port: u16,
    /// Mine a block every N seconds instead of one per transaction.
    #[arg(long, value_name = "SECONDS")]
    block_time: Option<u64>,
    /// Keep the chain in FILE across restarts.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// The deployment file the dAMM is configured from.
    #[arg(long, default_value = "deploy/devnode.toml")]
    config: PathBuf,
    /// Leave the dAMM as constructed: no parameters, seed or markets.
    #[arg(long)]
    no_configure: bool,
    /// Rebuild the WASMs even if `target/stylus/` has them.
    #[arg(long)]
    rebuild: bool,
    /// Where deployment.json goes.
    #[arg(long, default_value = "target/devnode")]
    out: PathBuf,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("damm-node: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let root = workspace_root();
    let signers = accounts::dev_signers();
    let programs = Programs::load(&root, cli.rebuild)?;
    let genesis = genesis::build(&programs, &signers)?;
    let journal = match &cli.state {
        Some(path) => {
            Journal::open(path.clone(), genesis.hash, wall_clock()).map_err(|e| e.to_string())?
        }
        None => Journal::in_memory(),
    };
    let mut chain = Chain::new(genesis.world, CHAIN_ID, cli.block_time.is_none(), journal);
    let replayed = chain
        .replay()
        .map_err(|e| format!("replaying the state file: {e:?}"))?;
    if replayed > 0 {
        println!(
            "restored {replayed} change(s) from the state file, up to block {}",
            chain.head()
        );
    }
    let node = Arc::new(Node::new(chain, &signers));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("starting the async runtime: {e}"))?;
    let address = format!("{}:{}", cli.host, cli.port);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(&address))
        .map_err(|e| format!("listening on {address}: {e}"))?;
    let url = format!("http://{address}");

    print_accounts(&signers);
    let app = server::router(Arc::clone(&node));
    let server = runtime.spawn(async move {
        axum::serve(damm_service::http::without_nagle(listener), app)
            .with_graceful_shutdown(damm_service::http::shutdown_signal())
            .await
    });
    if let Some(seconds) = cli.block_time {
        let miner = Arc::clone(&node);
        runtime.spawn(async move {
            let mut interval = tokio::time::interval(Duration::from_secs(seconds.max(1)));
            interval.tick().await;
            loop {
                interval.tick().await;
                let miner = Arc::clone(&miner);
                let mined = tokio::task::spawn_blocking(move || {
                    miner.chain.lock().map(|mut chain| chain.mine(None)).ok()
                })
                .await;
                if let Ok(Some(Err(e))) = mined {
                    eprintln!("damm-node: mining: {e:?}");
                }
            }
        });
    }

    // Absolute ABI paths, so a client anywhere can open them.
    let abi = |file: &str| {
        root.canonicalize()
            .unwrap_or(root.clone())
            .join("abi")
            .join(file)
    };
    let deployment = json!({
        "chainId": CHAIN_ID,
        "rpcUrl": url,
        "damm": {"address": genesis.damm.to_checksum(None), "abi": abi("IDamm.json")},
        "token0": {"address": genesis.token0.to_checksum(None), "abi": abi("ITestToken.json")},
        "token1": {"address": genesis.token1.to_checksum(None), "abi": abi("ITestToken.json")},
        "owner": accounts::owner(&signers).to_checksum(None),
    });
    if !cli.no_configure {
        let (config, url) = (cli.config.clone(), url.clone());
        let key = hex::encode(signers[0].to_bytes());
        let (token0, token1, damm) = (genesis.token0, genesis.token1, genesis.damm);
        let wasm = programs.damm.clone();
        // `configure` drives its own blocking client: run it off the runtime.
        let configured = std::thread::spawn(move || -> Result<usize, String> {
            let mut config = Config::load(&config).map_err(|e| e.to_string())?;
            config.token0 = token0;
            config.token1 = token1;
            println!(
                "\nconfiguring the dAMM from {} through {url}",
                cli.config.display()
            );
            damm_deploy::configure::configure(&config, &url, &key, damm, &wasm, true)
                .map_err(|e| e.to_string())
        })
        .join()
        .map_err(|_| "the configuration thread panicked".to_string())?;
        if let Err(e) = configured {
            server.abort();
            return Err(format!("configuring the dAMM: {e}"));
        }
    }
    std::fs::create_dir_all(&cli.out).map_err(|e| format!("{}: {e}", cli.out.display()))?;
    let path = cli.out.join("deployment.json");
    let text = serde_json::to_string_pretty(&deployment).unwrap_or_default();
    std::fs::write(&path, format!("{text}\n")).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("\nDeployment ({}):\n{text}", path.display());
    println!("\nListening on {url}");

    match runtime.block_on(server) {
        Ok(Ok(())) => {
            println!("damm-node: stopped");
            Ok(())
        }
        Ok(Err(e)) => Err(format!("serving: {e}")),
        Err(e) => Err(format!("serving: {e}")),
    }
}

fn print_accounts(signers: &[alloy_signer_local::PrivateKeySigner]) {
    println!("\nAvailable Accounts\n==================");
    for (i, signer) in signers.iter().enumerate() {
        println!("({i}) {} (10000.000000000000000000 ETH)", signer.address());
    }
    println!("\nPrivate Keys\n==================");
    for (i, signer) in signers.iter().enumerate() {
        println!("({i}) 0x{}", hex::encode(signer.to_bytes()));
    }
    println!(
        "\nWallet\n==================\nMnemonic: {}\nDerivation path: m/44'/60'/0'/0/ (accounts 0-9; 10 is nitro-devnode's dev key)",
        accounts::MNEMONIC
    );
}
