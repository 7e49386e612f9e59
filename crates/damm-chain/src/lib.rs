//! The dAMM over Ethereum JSON-RPC, as the off-chain services use it.
//!
//! - Views are typed from the committed interface `abi/IDamm.sol` (a stale
//!   ABI fails the build); [`Chain::consistent`] runs several so that they
//!   read one block's state, so a service sees the pool and every market
//!   as of the same moment.
//! - Reverts come back as the contract's error by name.
//! - Transactions are EIP-1559, signed here with a nonce the caller chose,
//!   so a service can store the exact bytes before it broadcasts them and
//!   send the same bytes again after a crash.

pub mod amount;

use std::fmt;

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_eips::BlockId;
use alloy_primitives::{Address, Bytes, TxHash, TxKind, U256};
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use alloy_rpc_types_eth::{
    BlockNumberOrTag, BlockTransactionsKind, TransactionReceipt, TransactionRequest,
};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{SolCall, SolEvent, SolInterface};
use damm_math::checkpoint::Pool;

alloy_sol_types::sol!(
    #[sol(all_derives)]
    "../../abi/IDamm.sol"
);

alloy_sol_types::sol! {
    /// The ERC-20 calls a service makes on the pool's tokens.
    interface IErc20 {
        function allowance(address owner, address spender) external view returns (uint256);
        function approve(address spender, uint256 value) external returns (bool);
        function balanceOf(address account) external view returns (uint256);
    }
}

/// Why a chain call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// The contract refused: its error's name (`HealthTooLow`, ...), the
    /// decoded error with fields, and the raw revert data.
    Revert {
        /// The error's name.
        name: String,
        /// The error with its fields.
        description: String,
    },
    /// The endpoint did not answer, or answered something unexpected.
    Transport(String),
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Revert { description, .. } => write!(f, "reverted: {description}"),
            Self::Transport(e) => write!(f, "RPC: {e}"),
        }
    }
}

impl std::error::Error for ChainError {}

/// Names a revert: one of the contract's errors with its fields, or the raw bytes.
#[must_use]
pub fn decode_revert(data: &[u8]) -> ChainError {
    match IDamm::IDammErrors::abi_decode(data, true) {
        Ok(error) => {
            let description = format!("{error:?}");
            let name = description
                .split(['(', ' ', '{'])
                .next()
                .unwrap_or("")
                .to_owned();
            ChainError::Revert { name, description }
        }
        Err(_) => ChainError::Revert {
            name: "Unknown".into(),
            description: if data.is_empty() {
                "reverted without data".into()
            } else {
                format!("reverted with 0x{}", alloy_primitives::hex::encode(data))
            },
        },
    }
}

fn of_transport(context: &str, error: &alloy_transport::TransportError) -> ChainError {
    match error.as_error_resp().and_then(|e| e.as_revert_data()) {
        Some(data) => decode_revert(&data),
        None => ChainError::Transport(format!("{context}: {error}")),
    }
}

/// A market as `market(id)` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketView {
    /// Its operator, the only caller of its checkpoints.
    pub operator: Address,
    /// Curve kind (`damm_math::curve::kind`).
    pub kind: u8,
    /// 1 active, 2 paused, 3 retired.
    pub status: u8,
    /// First curve parameter.
    pub param_a: U256,
    /// Second curve parameter.
    pub param_b: U256,
    /// Allocation `w` (WAD).
    pub weight: U256,
    /// The L2 fee scale `λ` (WAD).
    pub fee_scale: U256,
    /// The last settled batch.
    pub batch_id: u64,
    /// Committed virtual state.
    pub x: U256,
    /// Committed virtual state.
    pub y: U256,
    /// When the last batch settled.
    pub settled_at: u64,
}

/// The pool and the governance limits that judge a checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolView {
    /// Balances, reservations and LP supply.
    pub pool: Pool,
    /// The health floor (WAD).
    pub hf_min: U256,
    /// The security buffer (WAD).
    pub buffer: U256,
    /// External markets' stricter floor (WAD).
    pub external_hf_min: U256,
    /// External markets' per-checkpoint payout cap (WAD).
    pub external_max_out: U256,
    /// Whether the pool is paused.
    pub paused: bool,
    /// The L1 swap fee now (WAD), which L2 fees scale by `λ`.
    pub fee: U256,
}

/// A JSON-RPC endpoint and the dAMM on it.
#[derive(Clone)]
pub struct Chain {
    provider: DynProvider,
    damm: Address,
}

impl Chain {
    /// The dAMM at `damm` on the endpoint `url`.
    ///
    /// # Errors
    /// [`ChainError::Transport`] for a malformed URL.
    pub fn new(url: &str, damm: Address) -> Result<Self, ChainError> {
        let url = url
            .parse()
            .map_err(|e| ChainError::Transport(format!("RPC URL {url:?}: {e}")))?;
        let provider = ProviderBuilder::new()
            .disable_recommended_fillers()
            .on_http(url);
        Ok(Self {
            provider: DynProvider::new(provider),
            damm,
        })
    }

    /// The dAMM's address.
    #[must_use]
    pub fn damm(&self) -> Address {
        self.damm
    }

    /// A view of `to` at the latest block.
    ///
    /// # Errors
    /// [`ChainError`] with the revert or the transport's failure.
    pub async fn view<C: SolCall>(&self, to: Address, call: &C) -> Result<C::Return, ChainError> {
        let tx = TransactionRequest::default()
            .to(to)
            .input(Bytes::from(call.abi_encode()).into());
        let data = self
            .provider
            .call(&tx)
            .block(BlockId::latest())
            .await
            .map_err(|e| of_transport(C::SIGNATURE, &e))?;
        C::abi_decode_returns(&data, true).map_err(|e| {
            ChainError::Transport(format!("{}: unexpected return data: {e}", C::SIGNATURE))
        })
    }

    /// Runs `read` (latest-block views) until no block was mined while it
    /// ran, so everything it read is one block's state; returns that block.
    /// This needs no historical state, which a node may not keep.
    ///
    /// # Errors
    /// `read`'s error, or [`ChainError::Transport`] if the chain moved
    /// during each of five tries.
    pub async fn consistent<T, F, Fut>(&self, mut read: F) -> Result<(u64, T), ChainError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, ChainError>>,
    {
        for _ in 0..5 {
            let before = self.block_number().await?;
            let value = read().await?;
            if self.block_number().await? == before {
                return Ok((before, value));
            }
        }
        Err(ChainError::Transport(
            "the chain moved during each of five reads".into(),
        ))
    }

    /// The latest block's number.
    ///
    /// # Errors
    /// [`ChainError::Transport`] if the endpoint does not answer.
    pub async fn block_number(&self) -> Result<u64, ChainError> {
        self.provider
            .get_block_number()
            .await
            .map_err(|e| of_transport("eth_blockNumber", &e))
    }

    /// The chain's id.
    ///
    /// # Errors
    /// [`ChainError::Transport`] if the endpoint does not answer.
    pub async fn chain_id(&self) -> Result<u64, ChainError> {
        self.provider
            .get_chain_id()
            .await
            .map_err(|e| of_transport("eth_chainId", &e))
    }

    /// Market `id`.
    ///
    /// # Errors
    /// [`ChainError`] (`UnknownMarket` for an id never registered).
    pub async fn market(&self, id: u64) -> Result<MarketView, ChainError> {
        let m = self.view(self.damm, &IDamm::marketCall { id }).await?;
        Ok(MarketView {
            operator: m._0,
            kind: m._1,
            status: m._2,
            param_a: m._3,
            param_b: m._4,
            weight: m._5,
            fee_scale: m._6,
            batch_id: m._7,
            x: m._8,
            y: m._9,
            settled_at: m._10,
        })
    }

    /// How many markets were registered.
    ///
    /// # Errors
    /// [`ChainError`] from the endpoint.
    pub async fn market_count(&self) -> Result<u64, ChainError> {
        Ok(self.view(self.damm, &IDamm::marketCountCall {}).await?._0)
    }

    /// The pool's books, limits and fee.
    ///
    /// # Errors
    /// [`ChainError`] from the endpoint.
    pub async fn pool(&self) -> Result<PoolView, ChainError> {
        let r = self.view(self.damm, &IDamm::reservesCall {}).await?;
        let supply = self.view(self.damm, &IDamm::totalSupplyCall {}).await?._0;
        let p = self.view(self.damm, &IDamm::parametersCall {}).await?;
        let caps = self.view(self.damm, &IDamm::externalCapsCall {}).await?;
        let fee = self.view(self.damm, &IDamm::currentFeeCall {}).await?._0;
        Ok(PoolView {
            pool: Pool {
                balance0: r._0,
                balance1: r._1,
                reserved0: r._2,
                reserved1: r._3,
                total_supply: supply,
            },
            hf_min: p._0,
            buffer: p._5,
            external_hf_min: p._6,
            external_max_out: caps._0,
            paused: p._7,
            fee,
        })
    }

    /// The pool's two tokens.
    ///
    /// # Errors
    /// [`ChainError`] from the endpoint.
    pub async fn tokens(&self) -> Result<(Address, Address), ChainError> {
        let t = self.view(self.damm, &IDamm::tokensCall {}).await?;
        Ok((t._0, t._1))
    }

    /// What `owner` lets the dAMM take of `token`.
    ///
    /// # Errors
    /// [`ChainError`] from the endpoint.
    pub async fn allowance(&self, token: Address, owner: Address) -> Result<U256, ChainError> {
        let call = IErc20::allowanceCall {
            owner,
            spender: self.damm,
        };
        Ok(self.view(token, &call).await?._0)
    }

    /// `account`'s balance of `token`.
    ///
    /// # Errors
    /// [`ChainError`] from the endpoint.
    pub async fn balance_of(&self, token: Address, account: Address) -> Result<U256, ChainError> {
        Ok(self
            .view(token, &IErc20::balanceOfCall { account })
            .await?
            ._0)
    }

    /// The next nonce of `account`, counting transactions not yet mined.
    ///
    /// # Errors
    /// [`ChainError::Transport`] if the endpoint does not answer.
    pub async fn pending_nonce(&self, account: Address) -> Result<u64, ChainError> {
        self.provider
            .get_transaction_count(account)
            .pending()
            .await
            .map_err(|e| of_transport("eth_getTransactionCount", &e))
    }

    /// The nonce of `account` counting only mined transactions.
    ///
    /// # Errors
    /// [`ChainError::Transport`] if the endpoint does not answer.
    pub async fn mined_nonce(&self, account: Address) -> Result<u64, ChainError> {
        self.provider
            .get_transaction_count(account)
            .latest()
            .await
            .map_err(|e| of_transport("eth_getTransactionCount", &e))
    }

    /// Fee caps for a transaction now: `(maxFeePerGas, maxPriorityFeePerGas)`,
    /// twice the latest base fee plus the suggested tip, so a few blocks of
    /// rising base fee do not strand it.
    ///
    /// # Errors
    /// [`ChainError::Transport`] if the endpoint does not answer.
    pub async fn fee_caps(&self) -> Result<(u128, u128), ChainError> {
        let block = self
            .provider
            .get_block_by_number(BlockNumberOrTag::Latest, BlockTransactionsKind::Hashes)
            .await
            .map_err(|e| of_transport("eth_getBlockByNumber", &e))?
            .ok_or_else(|| ChainError::Transport("no latest block".into()))?;
        let base = u128::from(block.header.base_fee_per_gas.unwrap_or(0));
        let tip = self
            .provider
            .get_max_priority_fee_per_gas()
            .await
            .map_err(|e| of_transport("eth_maxPriorityFeePerGas", &e))?;
        Ok((base.saturating_mul(2).saturating_add(tip), tip))
    }

    /// Gas for `from` calling `to` with `input`; the contract's error if it would revert.
    ///
    /// # Errors
    /// [`ChainError::Revert`] if the call would fail.
    pub async fn estimate_gas(
        &self,
        from: Address,
        to: Address,
        input: &[u8],
    ) -> Result<u64, ChainError> {
        let tx = TransactionRequest::default()
            .from(from)
            .to(to)
            .input(Bytes::copy_from_slice(input).into());
        self.provider
            .estimate_gas(&tx)
            .await
            .map_err(|e| of_transport("eth_estimateGas", &e))
    }

    /// Why `from` calling `to` with `input` fails now (`None` if it would not).
    ///
    /// # Errors
    /// [`ChainError::Transport`] if the endpoint does not answer.
    pub async fn why_reverts(
        &self,
        from: Address,
        to: Address,
        input: &[u8],
    ) -> Result<Option<ChainError>, ChainError> {
        let tx = TransactionRequest::default()
            .from(from)
            .to(to)
            .input(Bytes::copy_from_slice(input).into());
        match self.provider.call(&tx).await {
            Ok(_) => Ok(None),
            Err(e) => match of_transport("eth_call", &e) {
                revert @ ChainError::Revert { .. } => Ok(Some(revert)),
                transport => Err(transport),
            },
        }
    }

    /// Broadcasts signed bytes. A node that already has them ("already
    /// known") or already mined their nonce ("nonce too low") is not an error
    /// here: the caller looks for the receipt.
    ///
    /// # Errors
    /// [`ChainError`] for any other refusal, or no answer.
    pub async fn send_raw(&self, raw: &[u8]) -> Result<(), ChainError> {
        match self.provider.send_raw_transaction(raw).await {
            Ok(_) => Ok(()),
            Err(e) => {
                let text = e.to_string();
                if text.contains("already known") || text.contains("nonce too low") {
                    Ok(())
                } else {
                    Err(of_transport("eth_sendRawTransaction", &e))
                }
            }
        }
    }

    /// The receipt of `hash`, if it was mined.
    ///
    /// # Errors
    /// [`ChainError::Transport`] if the endpoint does not answer.
    pub async fn receipt(&self, hash: TxHash) -> Result<Option<TransactionReceipt>, ChainError> {
        self.provider
            .get_transaction_receipt(hash)
            .await
            .map_err(|e| of_transport("eth_getTransactionReceipt", &e))
    }
}

/// The dAMM's `Checkpoint` event in `receipt`, if any.
#[must_use]
pub fn checkpoint_event(receipt: &TransactionReceipt, damm: Address) -> Option<IDamm::Checkpoint> {
    receipt.inner.logs().iter().find_map(|log| {
        if log.address() != damm {
            return None;
        }
        IDamm::Checkpoint::decode_log_data(log.data(), true).ok()
    })
}

/// A transaction ready to broadcast: its bytes and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTx {
    /// EIP-2718 bytes, for `eth_sendRawTransaction`.
    pub raw: Vec<u8>,
    /// Its hash.
    pub hash: TxHash,
    /// Its nonce.
    pub nonce: u64,
}

/// What to sign.
#[derive(Debug, Clone, Copy)]
pub struct TxParams<'a> {
    /// The chain's id (EIP-155 replay protection).
    pub chain_id: u64,
    /// The sender's nonce.
    pub nonce: u64,
    /// Callee.
    pub to: Address,
    /// Calldata.
    pub input: &'a [u8],
    /// Gas limit.
    pub gas: u64,
    /// `(maxFeePerGas, maxPriorityFeePerGas)`.
    pub fees: (u128, u128),
}

/// Signs an EIP-1559 call.
///
/// # Errors
/// [`ChainError::Transport`] if the key cannot sign.
pub fn sign(signer: &PrivateKeySigner, params: TxParams<'_>) -> Result<SignedTx, ChainError> {
    let tx = TxEip1559 {
        chain_id: params.chain_id,
        nonce: params.nonce,
        gas_limit: params.gas,
        max_fee_per_gas: params.fees.0,
        max_priority_fee_per_gas: params.fees.1,
        to: TxKind::Call(params.to),
        value: U256::ZERO,
        access_list: Default::default(),
        input: Bytes::copy_from_slice(params.input),
    };
    let signature = signer
        .sign_hash_sync(&tx.signature_hash())
        .map_err(|e| ChainError::Transport(format!("signing: {e}")))?;
    let envelope: TxEnvelope = tx.into_signed(signature).into();
    Ok(SignedTx {
        raw: envelope.encoded_2718(),
        hash: *envelope.tx_hash(),
        nonce: params.nonce,
    })
}

/// The calldata of `call`.
#[must_use]
pub fn calldata<C: SolCall>(call: &C) -> Vec<u8> {
    call.abi_encode()
}
