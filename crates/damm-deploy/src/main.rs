//! `damm-deploy`: the dry run and the post-deploy configuration of the dAMM.
//! `deploy/deploy.sh` runs it; see `deploy/README.md`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alloy_primitives::{hex, Address};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::SolCall;
use clap::{Parser, Subcommand};

use damm_deploy::config::Config;
use damm_deploy::configure::configure;
use damm_deploy::plan::Target;
use damm_deploy::rehearsal::{constructor_args, rehearse};
use damm_deploy::{fail, Error};
use stylus_check::code::{initcode, root, Layout};
use stylus_runtime::create_address;

/// The key's environment variable, when no `--private-key-path` is given.
const KEY_VAR: &str = "DAMM_PRIVATE_KEY";

/// cargo-stylus 0.10's `StylusDeployer`: deploys, activates and constructs
/// in one transaction.
const STYLUS_DEPLOYER: Address =
    alloy_primitives::address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");

alloy_sol_types::sol! {
    function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) returns (address);
    function stylus_constructor();
}

#[derive(Parser)]
#[command(about = "Deploy and configure the dAMM on an Arbitrum Stylus chain")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Offline: check the WASM, lay out its code, rehearse every call.
    Plan {
        /// The deployment file.
        #[arg(long)]
        config: PathBuf,
        /// The contract WASM (scripts/build-contract.sh).
        #[arg(long, default_value = "target/stylus/damm.wasm")]
        wasm: PathBuf,
        /// The test token WASM the rehearsal uses (scripts/build-token.sh).
        #[arg(long, default_value = "target/stylus/test_token.wasm")]
        token_wasm: PathBuf,
        /// The deploying address; else the key's, else the nitro-devnode
        /// dev account.
        #[arg(long)]
        deployer: Option<Address>,
        /// The deployer's next nonce, to predict fragment addresses.
        #[arg(long, default_value_t = 0)]
        nonce: u64,
        /// Where to write the calldata files.
        #[arg(long, default_value = "target/deploy")]
        out: PathBuf,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Prints `token0 token1 owner` for `cargo stylus deploy
    /// --constructor-args`; the owner is the signing key's address.
    ConstructorArgs {
        /// The deployment file.
        #[arg(long)]
        config: PathBuf,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Online: check the deployed code, then send what the file still needs.
    Configure {
        /// The deployment file.
        #[arg(long)]
        config: PathBuf,
        /// The chain's JSON-RPC endpoint.
        #[arg(long)]
        endpoint: String,
        /// The deployed dAMM.
        #[arg(long)]
        contract: Address,
        /// The tested WASM the deployed code must equal.
        #[arg(long, default_value = "target/stylus/damm.wasm")]
        wasm: PathBuf,
        /// The tokens are the repo's test tokens: allows `[seed] mint`.
        #[arg(long)]
        test_tokens: bool,
        #[command(flatten)]
        key: KeyArgs,
    },
}

#[derive(clap::Args)]
struct KeyArgs {
    /// A file holding the hex private key (else $DAMM_PRIVATE_KEY).
    #[arg(long)]
    private_key_path: Option<PathBuf>,
}

impl KeyArgs {
    fn key(&self) -> Result<Option<String>, Error> {
        match &self.private_key_path {
            Some(path) => std::fs::read_to_string(path)
                .map(Some)
                .map_err(|e| Error(format!("{}: {e}", path.display()))),
            None => Ok(std::env::var(KEY_VAR).ok().filter(|k| !k.is_empty())),
        }
    }

    fn address(&self) -> Result<Option<Address>, Error> {
        self.key()?
            .map(|key| {
                key.trim()
                    .trim_start_matches("0x")
                    .parse::<PrivateKeySigner>()
                    .map(|s| s.address())
                    .map_err(|_| Error("the private key is not 32 bytes of hex".into()))
            })
            .transpose()
    }
}

/// nitro-devnode's funded dev account (its key is public).
const DEVNODE_ACCOUNT: Address =
    alloy_primitives::address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E");

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Plan {
            config,
            wasm,
            token_wasm,
            deployer,
            nonce,
            out,
            key,
        } => key.address().and_then(|from_key| {
            let deployer = deployer.or(from_key).unwrap_or(DEVNODE_ACCOUNT);
            dry_run(&config, &wasm, &token_wasm, deployer, nonce, &out)
        }),
        Command::ConstructorArgs { config, key } => {
            Config::load(&config).and_then(|config| match key.address()? {
                Some(owner) => {
                    println!("{} {} {owner}", config.token0, config.token1);
                    Ok(())
                }
                None => fail(format!("no key: set ${KEY_VAR} or --private-key-path")),
            })
        }
        Command::Configure {
            config,
            endpoint,
            contract,
            wasm,
            test_tokens,
            key,
        } => key.key().and_then(|key| match key {
            Some(key) => Config::load(&config).and_then(|config| {
                let wasm = read(&wasm)?;
                configure(&config, &endpoint, &key, contract, &wasm, test_tokens).map(|_| ())
            }),
            None => fail(format!("no key: set ${KEY_VAR} or --private-key-path")),
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("damm-deploy: {e}");
            ExitCode::FAILURE
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error(format!("{}: {e}", path.display())))
}

fn write_hex(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), Error> {
    let path = dir.join(name);
    std::fs::write(&path, format!("0x{}\n", hex::encode(bytes)))
        .map_err(|e| Error(format!("{}: {e}", path.display())))
}

fn dry_run(
    config_path: &Path,
    wasm_path: &Path,
    token_wasm_path: &Path,
    deployer: Address,
    nonce: u64,
    out: &Path,
) -> Result<(), Error> {
    let config = Config::load(config_path)?;
    let wasm = read(wasm_path)?;
    std::fs::create_dir_all(out).map_err(|e| Error(format!("{}: {e}", out.display())))?;

    println!(
        "== Build\n{}: {}",
        wasm_path.display(),
        stylus_check::check(&wasm)
    );
    if !stylus_check::check(&wasm).is_deployable() {
        return fail("the WASM is not deployable");
    }

    println!(
        "\n== What `cargo stylus deploy` sends, from {deployer} at nonce {nonce} (illustrative: \
         its bytes carry a project hash, so sizes differ slightly)"
    );
    let args = constructor_args(config.token0, config.token1, deployer);
    let init_data = [&stylus_constructorCall::SELECTOR[..], &args].concat();
    let program = match Layout::of(&wasm) {
        Layout::Single(code) => code,
        Layout::Fragments {
            fragments,
            uncompressed,
        } => {
            let mut addresses = Vec::new();
            for (i, fragment) in fragments.iter().enumerate() {
                let address = create_address(deployer, nonce + i as u64);
                let init = initcode(fragment);
                println!(
                    "{}. create fragment {} of {}: {} B of init code -> {address}",
                    i + 1,
                    i + 1,
                    fragments.len(),
                    init.len()
                );
                write_hex(out, &format!("fragment-{}.initcode.hex", i + 1), &init)?;
                addresses.push(address.into_array());
            }
            println!("   (fragments need ArbOS 60+; the chain caps their number)");
            root(uncompressed, &addresses)
        }
    };
    let deploy_call = deployCall {
        bytecode: initcode(&program).into(),
        initData: init_data.clone().into(),
        initValue: alloy_primitives::U256::ZERO,
        salt: alloy_primitives::B256::ZERO,
    };
    println!(
        "-. StylusDeployer {STYLUS_DEPLOYER}.deploy: creates the program ({} B of code), \
         activates it and runs its constructor, atomically\n   \
         constructor(token0 {}, token1 {}, owner {deployer}): 0x{}",
        program.len(),
        config.token0,
        config.token1,
        hex::encode(&init_data)
    );
    write_hex(out, "constructor.calldata.hex", &init_data)?;
    write_hex(out, "deployer.calldata.hex", &deploy_call.abi_encode())?;

    println!("\n== Configuration, rehearsed on the WASM in the local Stylus runtime");
    let token_wasm = read(token_wasm_path)?;
    let rehearsal = rehearse(&config, &wasm, &token_wasm, deployer)?;
    println!(
        "constructor: {} gas (deployment without activation: {} gas)",
        rehearsal
            .deployment
            .constructor
            .as_ref()
            .map_or(0, |c| c.gas_used),
        rehearsal.deployment.gas_used()
    );
    let mut listing = String::new();
    for (i, (step, gas)) in rehearsal.steps.iter().enumerate() {
        let (to, address) = match step.target {
            Target::Damm => ("dAMM", None),
            Target::Token0 => ("token0", Some(config.token0)),
            Target::Token1 => ("token1", Some(config.token1)),
        };
        println!("{:>2}. {gas:>8} gas  {to}.{}", i + 1, step.summary);
        let address = address.map_or_else(|| "the dAMM".to_string(), |a| a.to_string());
        listing.push_str(&format!(
            "# {}. {to}.{}\nto: {address}\ndata: 0x{}\n\n",
            i + 1,
            step.summary,
            hex::encode(&step.calldata)
        ));
    }
    let path = out.join("configure.calls.txt");
    std::fs::write(&path, listing).map_err(|e| Error(format!("{}: {e}", path.display())))?;
    let state = &rehearsal.state;
    println!(
        "result: {} market(s), owner {}, pending owner {}, {} LP shares",
        state.markets.len(),
        state.owner,
        state.pending_owner,
        state.total_supply
    );
    println!("\nCalldata written to {}/", out.display());
    Ok(())
}
