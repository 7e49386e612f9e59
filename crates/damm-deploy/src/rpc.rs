//! The live chain: reading, checking the deployed code, and sending calls.
//!
//! A thin blocking wrapper over an alloy HTTP provider with a local key.
//! Every call is simulated (`eth_estimateGas`) before it is signed, so a
//! call the contract would refuse is reported with the contract's error and
//! costs nothing; a sent call must then succeed in its receipt.

use alloy_network::EthereumWallet;
use alloy_primitives::{Address, Bytes, TxHash};
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use alloy_rpc_types_eth::{BlockNumberOrTag, BlockTransactionsKind, TransactionRequest};
use alloy_signer_local::PrivateKeySigner;

use crate::chain::{describe_revert, Chain};
use crate::{fail, Error};

/// How long to wait for a sent call's receipt.
const RECEIPT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

/// A chain reached over JSON-RPC, with the key that signs.
pub struct Rpc {
    runtime: tokio::runtime::Runtime,
    provider: DynProvider,
    signer: Address,
}

/// A sent call's receipt, as far as the tool reports it.
#[derive(Debug, Clone, Copy)]
pub struct Sent {
    /// The transaction's hash.
    pub hash: TxHash,
    /// Gas the transaction used.
    pub gas_used: u64,
}

fn transport(context: &str, error: impl std::fmt::Display) -> Error {
    Error(format!("{context}: {error}"))
}

impl Rpc {
    /// Connects to `endpoint` (http or https) with the hex private `key`.
    ///
    /// # Errors
    /// [`Error`] for a malformed URL or key.
    pub fn connect(endpoint: &str, key: &str) -> Result<Self, Error> {
        let url = endpoint
            .parse()
            .map_err(|e| transport(&format!("endpoint {endpoint:?}"), e))?;
        let signer: PrivateKeySigner = key
            .trim()
            .trim_start_matches("0x")
            .parse()
            .map_err(|_| Error("the private key is not 32 bytes of hex".into()))?;
        let address = signer.address();
        // `new()` brings the recommended fillers: nonce, gas, chain id.
        let provider = ProviderBuilder::new()
            .wallet(EthereumWallet::from(signer))
            .on_http(url);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| transport("starting the async runtime", e))?;
        Ok(Self {
            runtime,
            provider: DynProvider::new(provider),
            signer: address,
        })
    }

    /// The signing key's address.
    #[must_use]
    pub fn signer(&self) -> Address {
        self.signer
    }

    /// The chain's id.
    ///
    /// # Errors
    /// [`Error`] if the endpoint does not answer.
    pub fn chain_id(&self) -> Result<u64, Error> {
        self.runtime
            .block_on(self.provider.get_chain_id())
            .map_err(|e| transport("eth_chainId", e))
    }

    /// The code at `address`.
    ///
    /// # Errors
    /// [`Error`] if the endpoint does not answer.
    pub fn code(&self, address: Address) -> Result<Vec<u8>, Error> {
        self.runtime
            .block_on(async { self.provider.get_code_at(address).await })
            .map(|code| code.to_vec())
            .map_err(|e| transport("eth_getCode", e))
    }

    /// The latest block's timestamp.
    ///
    /// # Errors
    /// [`Error`] if the endpoint does not answer.
    pub fn timestamp(&self) -> Result<u64, Error> {
        let block = self
            .runtime
            .block_on(
                self.provider
                    .get_block_by_number(BlockNumberOrTag::Latest, BlockTransactionsKind::Hashes),
            )
            .map_err(|e| transport("eth_getBlockByNumber", e))?;
        match block {
            Some(block) => Ok(block.header.timestamp),
            None => fail("the endpoint has no latest block"),
        }
    }

    /// Simulates, signs and sends a call to `to`, and waits for its receipt.
    ///
    /// # Errors
    /// [`Error`] with the contract's error if the simulation reverts, or if
    /// the mined transaction failed.
    pub fn send(&self, to: Address, calldata: Vec<u8>) -> Result<Sent, Error> {
        let tx = TransactionRequest::default()
            .from(self.signer)
            .to(to)
            .input(Bytes::from(calldata).into());
        self.runtime.block_on(async {
            if let Err(e) = self.provider.estimate_gas(&tx).await {
                return fail(revert_of(&e).unwrap_or_else(|| format!("eth_estimateGas: {e}")));
            }
            let pending = self
                .provider
                .send_transaction(tx)
                .await
                .map_err(|e| transport("eth_sendRawTransaction", e))?;
            let receipt = pending
                .with_timeout(Some(RECEIPT_TIMEOUT))
                .get_receipt()
                .await
                .map_err(|e| transport("waiting for the receipt", e))?;
            if !receipt.status() {
                return fail(format!(
                    "transaction {} failed on chain",
                    receipt.transaction_hash
                ));
            }
            Ok(Sent {
                hash: receipt.transaction_hash,
                gas_used: receipt.gas_used,
            })
        })
    }
}

/// The contract's error in an RPC error, if it carries revert data.
fn revert_of(error: &alloy_transport::TransportError) -> Option<String> {
    let data = error.as_error_resp()?.as_revert_data()?;
    Some(describe_revert(&data))
}

impl Chain for Rpc {
    fn read(&mut self, to: Address, calldata: Vec<u8>) -> Result<Vec<u8>, Error> {
        let tx = TransactionRequest::default()
            .to(to)
            .input(Bytes::from(calldata).into());
        self.runtime
            .block_on(async { self.provider.call(&tx).await })
            .map(|data| data.to_vec())
            .map_err(|e| Error(revert_of(&e).unwrap_or_else(|| format!("eth_call: {e}"))))
    }
}

/// Checks that the program at `address` is `tested` (the WASM the tests
/// ran), compared without custom sections: cargo-stylus strips names and
/// adds a project hash, neither of which runs.
///
/// # Errors
/// [`Error`] if the code is not a Stylus program or differs from `tested`.
pub fn verify_code(rpc: &Rpc, address: Address, tested: &[u8]) -> Result<(), Error> {
    use stylus_check::code::{decode, strip_custom_sections};
    let code = rpc.code(address)?;
    if code.is_empty() {
        return fail(format!("no code at {address}"));
    }
    let deployed = decode(&code, |fragment| {
        rpc.code(Address::from(fragment)).map_err(|e| e.0)
    })
    .map_err(|e| Error(format!("the code at {address}: {e}")))?;
    let deployed = strip_custom_sections(&deployed).map_err(Error)?;
    let tested = strip_custom_sections(tested).map_err(Error)?;
    if deployed != tested {
        return fail(format!(
            "the program at {address} ({} B) is not the tested WASM ({} B): \
             was it built by scripts/build-contract.sh with the same toolchain?",
            deployed.len(),
            tested.len()
        ));
    }
    Ok(())
}
