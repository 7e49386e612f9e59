//! A deployable program: the offline Stylus check, then Stylus's ink
//! instrumentation ([`crate::meter`]), wasmi's compiled module, its imports
//! checked against the host, and its code hash.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::keccak256;
use alloy_primitives::B256;
use wasmi::{Engine, ExternType, Module};

use crate::meter;

/// The prefix Stylus puts before a program's (compressed) WASM in an
/// account's code: `0xEF 0xF0 0x00` and a dictionary byte.
pub const STYLUS_CODE_PREFIX: [u8; 4] = stylus_check::code::EOF_PREFIX;

/// A compiled, checked program, shared by every account running it.
pub(crate) struct Program {
    pub module: Module,
    /// The account's code: [`STYLUS_CODE_PREFIX`] and the uncompressed WASM.
    pub code: Vec<u8>,
    /// `keccak256(code)`.
    pub code_hash: B256,
    /// What `stylus_check` measured.
    pub check: stylus_check::Report,
    /// Pages the module's memory starts with.
    pub initial_pages: u32,
    /// The WASM, kept for [`Program::profiled`].
    wasm: Vec<u8>,
    /// The module with per-function ink counters, and the functions' names,
    /// compiled on first use.
    profiled: OnceLock<Option<(Module, Vec<String>)>>,
}

impl fmt::Debug for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Program")
            .field("code_hash", &self.code_hash)
            .field("raw_bytes", &self.check.raw_bytes)
            .finish_non_exhaustive()
    }
}

/// Why a module cannot be deployed.
#[derive(Debug)]
pub enum DeployError {
    /// `stylus_check` refused it: the chain would not activate it.
    NotDeployable(stylus_check::Report),
    /// wasmi could not compile it.
    Compile(String),
    /// The constructor reverted or failed; nothing was deployed.
    ConstructorFailed(Box<crate::CallOutcome>),
}

impl fmt::Display for DeployError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotDeployable(report) => {
                write!(f, "not a deployable Stylus program: {report}")
            }
            Self::Compile(error) => write!(f, "wasmi could not compile the module: {error}"),
            Self::ConstructorFailed(outcome) => write!(
                f,
                "the constructor ended with {} (output 0x{})",
                outcome.status,
                alloy_primitives::hex::encode(&outcome.output)
            ),
        }
    }
}

impl std::error::Error for DeployError {}

/// [`stylus_check::check`], memoized per module for the process: the
/// brotli measurement at quality 11 takes seconds in a debug build.
fn checked(wasm: &[u8], chain: &stylus_check::Chain) -> stylus_check::Report {
    type Reports = HashMap<(B256, stylus_check::Chain), stylus_check::Report>;
    static REPORTS: OnceLock<Mutex<Reports>> = OnceLock::new();
    let reports = REPORTS.get_or_init(Mutex::default);
    let key = (keccak256(wasm), *chain);
    let known = reports
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
        .cloned();
    known.unwrap_or_else(|| {
        let report = stylus_check::check_for(wasm, chain);
        reports
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, report.clone());
        report
    })
}

/// The engine every world shares, so a module compiled once serves all.
pub(crate) fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = wasmi::Config::default();
        config
            // Ink is metered by the instrumented module itself.
            .consume_fuel(false)
            .compilation_mode(wasmi::CompilationMode::Eager)
            // Exactly Stylus's features (stylus-check already refused the rest).
            .wasm_mutable_global(true)
            .wasm_sign_extension(true)
            .wasm_saturating_float_to_int(true)
            .wasm_bulk_memory(true)
            .wasm_multi_value(false)
            .wasm_reference_types(false)
            .wasm_tail_call(false)
            .wasm_extended_const(false)
            .wasm_multi_memory(false)
            .wasm_wide_arithmetic(false)
            .wasm_custom_page_sizes(false);
        Engine::new(&config)
    })
}

impl Program {
    /// [`Program::compile`] on the shared [`engine`], memoized per module
    /// for the process.
    pub fn load(wasm: &[u8], chain: &stylus_check::Chain) -> Result<Arc<Self>, DeployError> {
        static PROGRAMS: OnceLock<Mutex<HashMap<B256, Arc<Program>>>> = OnceLock::new();
        let programs = PROGRAMS.get_or_init(Mutex::default);
        let hash = keccak256(wasm);
        let known = programs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&hash)
            .cloned();
        if let Some(program) = known {
            return Ok(program);
        }
        let program = Arc::new(Self::compile(engine(), wasm, chain)?);
        programs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(hash, Arc::clone(&program));
        Ok(program)
    }

    /// Checks `wasm` as the chain would ([`stylus_check::check`]) and only
    /// then instruments and compiles it. The check links the imports against
    /// Nitro's hostios, which this runtime implements every one of.
    pub fn compile(
        engine: &Engine,
        wasm: &[u8],
        chain: &stylus_check::Chain,
    ) -> Result<Self, DeployError> {
        let check = checked(wasm, chain);
        if !check.is_deployable() {
            return Err(DeployError::NotDeployable(check));
        }
        let metered = meter::instrument(wasm).map_err(|e| DeployError::Compile(e.to_string()))?;
        let module =
            Module::new(engine, &metered).map_err(|e| DeployError::Compile(e.to_string()))?;
        let initial_pages = module
            .exports()
            .find_map(|export| match export.ty() {
                ExternType::Memory(memory) if export.name() == "memory" => Some(memory.minimum()),
                _ => None,
            })
            .ok_or_else(|| DeployError::Compile("no memory exported as \"memory\"".into()))?;
        let mut code = STYLUS_CODE_PREFIX.to_vec();
        code.extend_from_slice(wasm);
        Ok(Self {
            module,
            code_hash: keccak256(&code),
            code,
            check,
            initial_pages: u32::try_from(initial_pages).unwrap_or(u32::MAX),
            wasm: wasm.to_vec(),
            profiled: OnceLock::new(),
        })
    }

    /// The module instrumented with an ink counter per function
    /// ([`meter::instrument_profiled`]) and the functions' names; `None` if
    /// it does not compile (it always does when the plain one did).
    pub fn profiled(&self) -> Option<&(Module, Vec<String>)> {
        self.profiled
            .get_or_init(|| {
                let (metered, names) = meter::instrument_profiled(&self.wasm).ok()?;
                let module = Module::new(self.module.engine(), &metered).ok()?;
                Some((module, names))
            })
            .as_ref()
    }
}
