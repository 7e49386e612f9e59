//! The one error type of the crate.
//!
//! Every fallible function returns `Result<_, MathError>`. Nothing in the crate
//! panics: an overflow, an empty pool or an out-of-range parameter comes back as
//! one of these values, so the contract can turn it into a revert and an
//! operator can refuse the quote.

/// Why a computation could not produce a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MathError {
    /// A result or an intermediate value does not fit the integer type, or a
    /// balance exceeds the domain the function documents (usually `2^128`).
    Overflow,
    /// A subtraction would go below zero: more was asked than exists.
    Underflow,
    /// A divisor was zero (an empty reserve, an empty supply, a zero price).
    DivisionByZero,
    /// The pool cannot serve the request: an output at or above the reserve,
    /// or a deposit too small to mint a share.
    InsufficientLiquidity,
    /// A parameter is outside its documented range (a fee of 100 % or more,
    /// an amplification of zero, a bAMM weight of 0 or 1, ...).
    InvalidParameter,
    /// A Newton iteration or a bounded search did not settle within its cap.
    NoConvergence,
    /// The curve kind cannot quote on chain (an `External` market).
    Unsupported,
}

/// The crate's result type.
pub type Result<T> = core::result::Result<T, MathError>;
