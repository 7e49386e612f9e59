//! The simulator's error type.
//!
//! A rejected settlement or a refused quote is *data* (counted by reason in
//! the results), never an error. Errors are what stops a run: a math failure
//! outside any settlement, an I/O or plotting failure, or a bad parameter.

use core::fmt;

use damm_math::MathError;

/// Why a simulation run stopped.
#[derive(Debug)]
pub enum SimError {
    /// A `damm-math` computation failed where the simulator needed a value.
    Math(MathError),
    /// Writing an output file failed.
    Io(std::io::Error),
    /// Drawing a plot failed.
    Plot(String),
    /// A parameter is out of range.
    Invalid(String),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Math(e) => write!(f, "damm-math error: {e:?}"),
            Self::Io(e) => write!(f, "I/O error: {e}"),
            Self::Plot(e) => write!(f, "plot error: {e}"),
            Self::Invalid(e) => write!(f, "invalid parameter: {e}"),
        }
    }
}

impl std::error::Error for SimError {}

impl From<MathError> for SimError {
    fn from(e: MathError) -> Self {
        Self::Math(e)
    }
}

impl From<std::io::Error> for SimError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// The simulator's result type.
pub type Result<T> = core::result::Result<T, SimError>;
