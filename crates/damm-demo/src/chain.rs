//! The world setup: the test ERC-20 deployed twice ("ETH", token0, and
//! "DAI", token1) and the dAMM contract, from their real WASMs, in one
//! [`World`] of the local Stylus runtime; transactions and views; revert
//! decoding by selector; and a record of every transaction with the gas the
//! runtime reported. The dAMM's typed calls are in [`crate::damm`].
//!
//! Views are read-only static calls (no gas is recorded); every other call
//! is a transaction, printed as one aligned line when it happens (call,
//! sender, gas, result). A reverted transaction yields a [`Revert`] naming
//! the contract's custom error and its fields.

use std::collections::BTreeMap;
use std::fmt;

use alloy_primitives::{Address, B256, U256};
use stylus_runtime::abi::{self, Word};
use stylus_runtime::gas::GasBreakdown;
use stylus_runtime::{artifacts, CallOutcome, Status, World};

use crate::table::{self, Table};

/// The dAMM's exported interface, whose `error` lines name its custom errors.
const INTERFACE: &str = include_str!("../../../abi/IDamm.sol");

/// The custom errors' canonical signatures (`Name(type,type)`), from the
/// `error Name(type field, ...);` lines of `abi/IDamm.sol`.
fn errors() -> impl Iterator<Item = String> {
    INTERFACE.lines().filter_map(|line| {
        let declared = line.trim().strip_prefix("error ")?.strip_suffix(");")?;
        let (name, fields) = declared.split_once('(')?;
        let types: Vec<&str> = fields
            .split(',')
            .filter_map(|field| field.split_whitespace().next())
            .collect();
        Some(format!("{name}({})", types.join(",")))
    })
}

/// Something that should not have happened: the demo stops its scenario.
#[derive(Debug)]
pub struct Failure(pub String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Revert> for Failure {
    fn from(revert: Revert) -> Self {
        Self(format!("{} reverted with {revert}", revert.call))
    }
}

/// A refused transaction: the custom error and its fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revert {
    /// The call that was refused.
    pub call: String,
    /// The revert selector (zero if the revert had no data).
    pub selector: [u8; 4],
    /// The error's name (`CurveViolated`), or how the call failed.
    pub name: String,
    /// The error's static fields.
    pub args: Vec<U256>,
}

impl Revert {
    /// Whether this is the error `name` with exactly these fields.
    #[must_use]
    pub fn is(&self, name: &str, args: &[U256]) -> bool {
        self.name == name && self.args == args
    }

    fn from_outcome(call: &str, outcome: &CallOutcome) -> Self {
        let (name, selector, args) = match (&outcome.status, abi::decode_revert(&outcome.output)) {
            (Status::Revert, Some((selector, args))) => {
                let name = errors()
                    .find(|sig| abi::selector(sig) == selector)
                    .map_or_else(
                        || "unknown error".to_string(),
                        |sig| sig.split('(').next().unwrap_or_default().to_string(),
                    );
                (name, selector, args)
            }
            (Status::Revert, None) => ("revert without data".to_string(), [0; 4], Vec::new()),
            (status, _) => (status.to_string(), [0; 4], Vec::new()),
        };
        Self {
            call: call.to_string(),
            selector,
            name,
            args,
        }
    }
}

impl fmt::Display for Revert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let args: Vec<String> = self.args.iter().map(ToString::to_string).collect();
        write!(f, "{}({})", self.name, args.join(", "))
    }
}

/// What a transaction was, for the gas tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Op {
    /// Deploying a WASM (with its constructor).
    Deploy,
    /// Minting or approving test tokens.
    Setup,
    /// `deposit`.
    Deposit,
    /// `registerMarket` queued, and its `executeChange`.
    Register,
    /// `goLive`, and `setParameter` queued with its `executeChange`.
    Governance,
    /// An accepted `checkpoint`.
    Settle,
    /// A refused `checkpoint`.
    SettleRefused,
    /// `swapExactIn`.
    Swap,
    /// `lockWithdrawal`.
    Lock,
    /// `completeWithdrawal`, paid.
    Complete,
    /// `completeWithdrawal`, refused.
    CompleteRefused,
}

impl Op {
    /// The operation's name in the gas summary.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Deploy => "deploy (estimate)",
            Self::Setup => "token mint/approve",
            Self::Deposit => "deposit",
            Self::Register => "register market (queue, run)",
            Self::Governance => "governance (live, queue, run)",
            Self::Settle => "settle (checkpoint)",
            Self::SettleRefused => "settle, refused",
            Self::Swap => "L1 swap (swapExactIn)",
            Self::Lock => "lock withdrawal",
            Self::Complete => "complete withdrawal",
            Self::CompleteRefused => "complete, refused",
        }
    }
}

/// One transaction and the gas the runtime reported for it.
#[derive(Clone, Debug)]
pub struct Tx {
    /// What it was.
    pub op: Op,
    /// The call, as the tables show it.
    pub call: String,
    /// Who sent it.
    pub from: String,
    /// `ok`, or the error it reverted with.
    pub result: String,
    /// What the transaction pays: intrinsic + execution − refund, with every
    /// program cached.
    pub gas: u64,
    /// What it would pay with no program cached.
    pub uncached_gas: u64,
    /// Execution gas by category.
    pub breakdown: GasBreakdown,
}

/// The two WASMs, built once and deployed into every world.
pub struct Wasms {
    /// The dAMM contract.
    pub damm: Vec<u8>,
    /// The test ERC-20.
    pub token: Vec<u8>,
}

impl Wasms {
    /// Builds (if needed) and reads both WASMs through the runtime's
    /// artifacts, saying so first.
    ///
    /// # Errors
    /// A [`Failure`] with the build's output.
    pub fn build() -> Result<Self, Failure> {
        println!("building contract WASM... (scripts/build-contract.sh; cargo makes it quick when unchanged)");
        let damm = artifacts::damm().map_err(|e| Failure(e.to_string()))?;
        println!("building test token WASM... (scripts/build-token.sh)");
        let token = artifacts::test_token().map_err(|e| Failure(e.to_string()))?;
        Ok(Self { damm, token })
    }
}

/// One world with the two tokens and the dAMM deployed.
pub struct Chain {
    /// The runtime's world.
    pub world: World,
    /// The dAMM's owner (governance).
    pub owner: Address,
    /// Token0, "ETH".
    pub eth: Address,
    /// Token1, "DAI".
    pub dai: Address,
    /// The dAMM.
    pub pool: Address,
    names: BTreeMap<Address, String>,
    txs: Vec<Tx>,
}

impl Chain {
    /// A fresh world: "ETH" and "DAI" deployed by `owner`, then the dAMM with
    /// constructor `(ETH, DAI, owner)`.
    ///
    /// # Errors
    /// A [`Failure`] if a deployment is refused.
    pub fn deploy(wasms: &Wasms) -> Result<Self, Failure> {
        let mut world = World::new();
        let owner = world.eoa("owner");
        let mut chain = Self {
            world,
            owner,
            eth: Address::ZERO,
            dai: Address::ZERO,
            pool: Address::ZERO,
            names: BTreeMap::from([(owner, "owner".to_string())]),
            txs: Vec::new(),
        };
        let mut table = Table::new(&[
            "deployed by owner",
            "address",
            "WASM",
            "brotli",
            "fragments",
            "gas (estimate)",
        ]);
        chain.eth = chain.install(&mut table, "ETH: test token (token0)", &wasms.token, None)?;
        chain.dai = chain.install(&mut table, "DAI: test token (token1)", &wasms.token, None)?;
        let args = abi::encode_words(&[chain.eth.word(), chain.dai.word(), owner.word()]);
        chain.pool = chain.install(
            &mut table,
            "dAMM(ETH, DAI, owner)",
            &wasms.damm,
            Some(&args),
        )?;
        table.print();
        for (address, name) in [(chain.eth, "ETH"), (chain.dai, "DAI"), (chain.pool, "pool")] {
            chain.names.insert(address, name.to_string());
            // As a deployer does through the CacheManager: calls then pay the
            // cached init gas (the gas table shows the uncached figures too).
            chain.world.cache_program(address);
        }
        println!("  the three programs are cached (CacheManager), as a live deployment would be");
        // The owner has nothing to configure before LPs arrive, so setup ends
        // at once: from here every governed call waits in the timelock.
        chain.go_live()?;
        Ok(chain)
    }

    /// Deploys one WASM from the owner and adds its row to `table`.
    fn install(
        &mut self,
        table: &mut Table,
        what: &str,
        wasm: &[u8],
        args: Option<&[u8]>,
    ) -> Result<Address, Failure> {
        let deployment = self
            .world
            .deploy(self.owner, wasm, args)
            .map_err(|e| Failure(format!("deploying {what}: {e}")))?;
        let check = &deployment.check;
        table.row([
            what.to_string(),
            deployment.address.to_string(),
            format!("{} B", table::thousands(&check.raw_bytes.to_string())),
            format!(
                "{} B",
                table::thousands(&check.compressed_bytes.to_string())
            ),
            check.fragments().to_string(),
            table::gas(deployment.gas_used()),
        ]);
        let constructor = deployment.constructor.as_ref();
        self.txs.push(Tx {
            op: Op::Deploy,
            call: format!("deploy {what}"),
            from: "owner".to_string(),
            result: "ok".to_string(),
            gas: deployment.gas_used(),
            uncached_gas: deployment.gas_used(),
            breakdown: constructor.map(|c| c.report.gas).unwrap_or_default(),
        });
        Ok(deployment.address)
    }

    // ---- Accounts ----

    /// The EOA named `name` (the same address in every world).
    pub fn actor(&mut self, name: &str) -> Address {
        let address = self.world.eoa(name);
        self.names.insert(address, name.to_string());
        address
    }

    /// The name the demo gave `address`.
    #[must_use]
    pub fn name(&self, address: Address) -> String {
        self.names
            .get(&address)
            .cloned()
            .unwrap_or_else(|| address.to_string())
    }

    /// Mints `eth` and `dai` to `who` (the test token lets anyone mint) and
    /// approves the pool for all of both.
    ///
    /// # Errors
    /// A [`Failure`] if a token call fails.
    pub fn fund(&mut self, who: Address, eth: U256, dai: U256) -> Result<(), Failure> {
        for (token, amount) in [(self.eth, eth), (self.dai, dai)] {
            let symbol = self.name(token);
            self.send(
                Op::Setup,
                &format!("{symbol}.mint"),
                who,
                token,
                "mint(address,uint256)",
                &[who.word(), amount],
            )?;
            self.send(
                Op::Setup,
                &format!("{symbol}.approve(pool)"),
                who,
                token,
                "approve(address,uint256)",
                &[self.pool.word(), U256::MAX],
            )?;
        }
        println!(
            "  {} is funded: {} ETH and {} DAI minted (the test token lets anyone mint), the pool approved",
            self.name(who),
            amount_label(eth),
            amount_label(dai)
        );
        Ok(())
    }

    // ---- Transactions and views ----

    /// Sends a transaction, prints and records it; a refusal is a [`Revert`].
    pub(crate) fn send(
        &mut self,
        op: Op,
        call: &str,
        from: Address,
        to: Address,
        signature: &str,
        words: &[U256],
    ) -> Result<CallOutcome, Revert> {
        let outcome = self.world.call(from, to, &abi::call(signature, words));
        let revert = (!outcome.is_success()).then(|| Revert::from_outcome(call, &outcome));
        let op = match (op, &revert) {
            (Op::Settle, Some(_)) => Op::SettleRefused,
            (Op::Complete, Some(_)) => Op::CompleteRefused,
            (op, _) => op,
        };
        let tx = Tx {
            op,
            call: call.to_string(),
            from: self.name(from),
            result: revert
                .as_ref()
                .map_or_else(|| "ok".to_string(), |r| format!("revert {r}")),
            gas: outcome.gas_used,
            uncached_gas: outcome.uncached_gas_used(),
            breakdown: outcome.report.gas,
        };
        if op != Op::Setup {
            println!(
                "  tx  {:<42} {:<11} {:>9} gas  {}",
                tx.call,
                tx.from,
                table::gas(tx.gas),
                tx.result
            );
        }
        self.txs.push(tx);
        match revert {
            Some(revert) => Err(revert),
            None => Ok(outcome),
        }
    }

    /// A read-only call's output words.
    ///
    /// # Errors
    /// A [`Failure`] if the view does not succeed.
    pub fn view(
        &mut self,
        to: Address,
        signature: &str,
        words: &[U256],
    ) -> Result<Vec<U256>, Failure> {
        let outcome = self.world.view(to, &abi::call(signature, words));
        if !outcome.is_success() {
            return Err(Failure(format!(
                "view {signature} failed: {}",
                Revert::from_outcome(signature, &outcome)
            )));
        }
        Ok(outcome.words())
    }

    /// Output word `i` of a view, or a [`Failure`] if it is missing.
    pub(crate) fn word(
        &mut self,
        to: Address,
        signature: &str,
        words: &[U256],
        i: usize,
    ) -> Result<U256, Failure> {
        self.view(to, signature, words)?
            .get(i)
            .copied()
            .ok_or_else(|| Failure(format!("{signature} returned too few words")))
    }

    /// Moves the world's clock to `timestamp`, one block per 12 s.
    pub fn wait_until(&mut self, timestamp: u64) {
        const BLOCK_TIME: u64 = 12;
        let block = self.world.block();
        let seconds = timestamp.saturating_sub(block.timestamp);
        self.world.advance(seconds.div_ceil(BLOCK_TIME), seconds);
        println!(
            "\n  ... the clock moves {} s to {timestamp} (block {})",
            table::thousands(&seconds.to_string()),
            self.world.block().number
        );
    }

    /// Every transaction so far.
    #[must_use]
    pub fn txs(&self) -> &[Tx] {
        &self.txs
    }

    /// Every slot of the pool and both tokens: equal before and after a
    /// refused call means nothing moved.
    #[must_use]
    pub fn snapshot(&self) -> Vec<BTreeMap<B256, B256>> {
        [self.pool, self.eth, self.dai]
            .iter()
            .map(|&a| self.world.storage_slots(a))
            .collect()
    }

    // ---- Tokens ----

    /// `who`'s balance of `token` (a test token or the LP token).
    ///
    /// # Errors
    /// A [`Failure`] if the view fails.
    pub fn balance(&mut self, token: Address, who: Address) -> Result<U256, Failure> {
        self.word(token, "balanceOf(address)", &[who.word()], 0)
    }

    /// `who`'s ETH and DAI.
    ///
    /// # Errors
    /// A [`Failure`] if a view fails.
    pub fn tokens_of(&mut self, who: Address) -> Result<(U256, U256), Failure> {
        Ok((self.balance(self.eth, who)?, self.balance(self.dai, who)?))
    }
}

/// An amount for a call's label: whole tokens when whole, else 6 decimals.
#[must_use]
pub fn amount_label(value: U256) -> String {
    let one = U256::from(10u64.pow(18));
    if (value % one).is_zero() {
        table::fixed(value, 0)
    } else {
        table::amount(value)
    }
}
