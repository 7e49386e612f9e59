//! Every way a call can be refused, as custom Solidity errors.
//!
//! Each rejection names what was wrong and carries the figures a wallet needs
//! to explain it. A refused call moves nothing: the transaction reverts.
//!
//! The `errors!` table below is the one list: it declares each Solidity
//! error (`sol!`), the [`Error`] variant that wraps it, and its encoding
//! through the shared word encoder ([`crate::abi`]).

use alloc::vec::Vec;

use alloy_sol_types::{sol, SolError};
use damm_math::{checkpoint::Rejection, MathError};

use crate::abi::{encode, Word};

macro_rules! errors {
    ($($(#[doc = $doc:literal])* $name:ident($($field:ident: $sol:ident),*);)*) => {
        sol! {
            $(
                $(#[doc = $doc])*
                #[derive(Debug, PartialEq)]
                error $name($($sol $field),*);
            )*
        }

        /// The contract's error: one variant per Solidity error. The fields
        /// are boxed so that every `Result` stays a few words: results are
        /// moved on every `?`, and the WASM copies them byte by byte.
        #[derive(Debug, PartialEq)]
        pub enum Error {
            $(
                $(#[doc = $doc])*
                $name(alloc::boxed::Box<$name>),
            )*
        }

        $(
            impl From<$name> for Error {
                fn from(error: $name) -> Self {
                    Self::$name(alloc::boxed::Box::new(error))
                }
            }
        )*

        impl From<Error> for Vec<u8> {
            fn from(error: Error) -> Vec<u8> {
                match error {
                    $(
                        #[allow(unused_variables)]
                        Error::$name(e) => encode(&<$name as SolError>::SELECTOR, &[$(e.$field.word()),*]),
                    )*
                }
            }
        }

        #[cfg(feature = "export-abi")]
        impl stylus_sdk::abi::export::internal::InnerTypes for Error {
            fn inner_types() -> Vec<stylus_sdk::abi::export::internal::InnerType> {
                // Declared with their field names, so that wallets and
                // decoders show what each figure is.
                alloc::vec![$(
                    stylus_sdk::abi::export::internal::InnerType {
                        name: {
                            let fields: &[&str] = &[$(concat!(stringify!($sol), " ", stringify!($field))),*];
                            alloc::format!("error {}({});", stringify!($name), fields.join(", "))
                        },
                        id: core::any::TypeId::of::<$name>(),
                    },
                )*]
            }
        }
    };
}

errors! {
    /// The caller may not do this (not the owner, the pending owner or the market's operator).
    Unauthorized(caller: address);
    /// A state-changing call re-entered the contract.
    Reentrancy();
    /// Deposits, swaps and settlements are paused.
    Paused();
    /// The deadline has passed.
    Expired(deadline: uint256);
    /// An amount that must be positive is zero.
    ZeroAmount();
    /// The zero address, or a token address without code, was given.
    InvalidAddress(account: address);
    /// Not enough LP shares.
    InsufficientBalance(balance: uint256, needed: uint256);
    /// Not enough allowance for `transferFrom`.
    InsufficientAllowance(allowance: uint256, needed: uint256);
    /// The result crossed the caller's limit (min shares, min out, max in, min amounts).
    SlippageExceeded(amount: uint256, limit: uint256);
    /// The pool cannot serve this: an output at or above a free balance, or a deposit worth no share.
    InsufficientLiquidity();
    /// A token transfer reverted or returned `false`.
    TransferFailed(token: address);
    /// A token delivered less than was sent (fee-on-transfer tokens are not supported).
    TransferShortfall(token: address, expected: uint256, received: uint256);
    /// A governance or market parameter is out of its bounds.
    ParameterOutOfRange(id: uint8, value: uint256);
    /// No market has this id.
    UnknownMarket(id: uint64);
    /// The market is paused or retired.
    MarketNotActive(id: uint64);
    /// The market cap is reached: 32 markets not retired, or 255 ever registered.
    TooManyMarkets();
    /// A market still holds L2 shares or unpaid exits, so it cannot retire.
    MarketNotEmpty(id: uint64);
    /// A checkpoint's batch id is not the next one (a replay or a skipped batch).
    BadBatchId(expected: uint64, got: uint64);
    /// A checkpoint's start state is not the state the contract committed (x, y).
    StaleStartState(x: uint256, y: uint256);
    /// The market's invariant decreased from the start to the end state.
    CurveViolated();
    /// The payout would dip into amounts reserved for locked withdrawals.
    Insolvent();
    /// The payout would take a free balance under the security buffer.
    BufferBreached();
    /// A checkpoint would pay out more of a token than its market's cap: its
    /// weight's share of the free balance, or an External market's cap per
    /// checkpoint.
    AllocationExceeded(amount: uint256, limit: uint256);
    /// An External market would be paid more of a token today than its daily cap.
    DailyCapExceeded(amount: uint256, limit: uint256);
    /// Until the pool goes live only the owner may deposit, and no L2 LP may join.
    NotLive();
    /// The queued change is not due until `due`.
    TimelockPending(id: uint64, due: uint256);
    /// No queued change has this id, or it was executed or cancelled.
    UnknownChange(id: uint64);
    /// The queued change was not executed within its window, which ended at
    /// `expiredAt`: queue it again.
    ChangeExpired(id: uint64, expiredAt: uint256);
    /// Only the withdrawal's payee may do this.
    NotPayee(id: uint64);
    /// HF after would be under the floor and below HF before.
    HealthTooLow(hfBefore: uint256, hfAfter: uint256, hfMin: uint256);
    /// No withdrawal has this id, or it was already paid.
    UnknownWithdrawal(id: uint64);
    /// The withdrawal can complete at `readyAt`: the end of the ACP, or the
    /// fallback while `market` has not settled since the lock.
    WithdrawalNotReady(market: uint64, readyAt: uint256);
    /// A value exceeded what the math supports (free balances stay below 2^128).
    ArithmeticOverflow();
    /// Another math failure, by `damm_math::MathError`: 1 underflow,
    /// 2 division by zero, 4 invalid parameter, 5 no convergence, 6 unsupported.
    MathFailure(code: uint8);
}

impl From<MathError> for Error {
    fn from(error: MathError) -> Self {
        match error {
            MathError::Overflow => ArithmeticOverflow {}.into(),
            MathError::InsufficientLiquidity => InsufficientLiquidity {}.into(),
            MathError::Underflow => MathFailure { code: 1 }.into(),
            MathError::DivisionByZero => MathFailure { code: 2 }.into(),
            MathError::InvalidParameter => MathFailure { code: 4 }.into(),
            MathError::NoConvergence => MathFailure { code: 5 }.into(),
            MathError::Unsupported => MathFailure { code: 6 }.into(),
        }
    }
}

impl Error {
    /// A checkpoint rejection from `damm_math::checkpoint::settle`, with the
    /// floor that applied.
    pub(crate) fn from_rejection(rejection: Rejection, hf_min: alloy_primitives::U256) -> Self {
        match rejection {
            Rejection::CurveViolated => CurveViolated {}.into(),
            Rejection::Insolvent => Insolvent {}.into(),
            Rejection::BufferBreached => BufferBreached {}.into(),
            Rejection::AllocationExceeded { amount, limit } => {
                AllocationExceeded { amount, limit }.into()
            }
            Rejection::HealthTooLow {
                hf_before,
                hf_after,
            } => HealthTooLow {
                hfBefore: hf_before,
                hfAfter: hf_after,
                hfMin: hf_min,
            }
            .into(),
            Rejection::Math(error) => error.into(),
        }
    }
}
