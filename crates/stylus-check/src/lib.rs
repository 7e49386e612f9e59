//! Offline check that a WASM file is a deployable Arbitrum Stylus contract.
//!
//! Before any node sees the code, this validates what the chain's validator
//! would (`../shared/STYLUS.md`):
//! - **features**: exactly what Stylus accepts (MVP plus mutable globals,
//!   saturating float-to-int, sign extension, bulk memory). Multi-value is
//!   refused, since ArbOS 61 removes it; reference types, SIMD, threads,
//!   tail calls, multi-memory, exceptions and memory64 are refused too;
//! - **shape**: one memory, an export `user_entrypoint: (i32) -> i32`, no
//!   start function, at most 4096 functions and 348 locals per function,
//!   imports only from `vm_hooks`;
//! - **size**: brotli (quality 11, window 22, as cargo-stylus) at most 96 KiB,
//!   uncompressed at most 128 KiB (ArbOS 60+ fragmented deployment), reported
//!   with the number of 24 KiB fragments; one fragment deploys on every chain.

use std::fmt;

pub mod code;

use wasmparser::{
    CompositeInnerType, ExternalKind, FuncType, Parser, Payload, TypeRef, ValType, Validator,
    WasmFeatures,
};

/// One fragment: what every Stylus chain accepts in one piece.
pub const FRAGMENT_BYTES: usize = 24 * 1024;
/// The most compressed code ArbOS 60+ deploys, as fragments.
pub const MAX_COMPRESSED_BYTES: usize = 96 * 1024;
/// The chain's `MaxWasmSize` for the uncompressed module.
pub const MAX_WASM_BYTES: usize = 128 * 1024;
/// Functions allowed in one module.
pub const MAX_FUNCTIONS: u32 = 4096;
/// Locals allowed in one function (parameters included).
pub const MAX_LOCALS: u32 = 348;

/// What a checked module measured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Uncompressed bytes.
    pub raw_bytes: usize,
    /// Brotli-compressed bytes (quality 11, window 22).
    pub compressed_bytes: usize,
    /// Functions, imported and defined.
    pub functions: u32,
    /// Every rule the module breaks; empty if it is deployable.
    pub violations: Vec<String>,
}

impl Report {
    /// Contracts of at most 24 KiB the code is deployed as: 1, or the
    /// fragments of [`code::Layout`] (each loses 3 bytes to its prefix).
    #[must_use]
    pub fn fragments(&self) -> usize {
        if self.compressed_bytes + code::EOF_PREFIX.len() <= FRAGMENT_BYTES {
            1
        } else {
            self.compressed_bytes
                .div_ceil(FRAGMENT_BYTES - code::FRAGMENT_PREFIX.len())
        }
    }

    /// Whether the module would deploy.
    #[must_use]
    pub fn is_deployable(&self) -> bool {
        self.violations.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} B uncompressed (limit {}), {} B brotli (limit {}), {} fragment(s) of 24 KiB, {} functions",
            self.raw_bytes,
            MAX_WASM_BYTES,
            self.compressed_bytes,
            MAX_COMPRESSED_BYTES,
            self.fragments(),
            self.functions
        )?;
        if self.violations.is_empty() {
            write!(f, ": deployable")
        } else {
            write!(f, ": NOT deployable")?;
            self.violations
                .iter()
                .try_for_each(|v| write!(f, "\n  - {v}"))
        }
    }
}

/// The WASM features Stylus accepts.
#[must_use]
pub fn stylus_features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::FLOATS
}

/// Brotli size as cargo-stylus measures it: quality 11, window 22.
#[must_use]
pub fn compressed_len(wasm: &[u8]) -> usize {
    code::compress(wasm).len()
}

/// Checks a module against Stylus's features, shape and size rules.
#[must_use]
pub fn check(wasm: &[u8]) -> Report {
    let mut violations = Vec::new();
    if let Err(error) = Validator::new_with_features(stylus_features()).validate_all(wasm) {
        violations.push(format!("invalid under Stylus's WASM features: {error}"));
    }
    let functions = match shape(wasm, &mut violations) {
        Ok(functions) => functions,
        Err(error) => {
            violations.push(format!("unreadable module: {error}"));
            0
        }
    };
    let (raw_bytes, compressed_bytes) = (wasm.len(), compressed_len(wasm));
    if raw_bytes > MAX_WASM_BYTES {
        violations.push(format!(
            "{raw_bytes} B uncompressed exceeds {MAX_WASM_BYTES} B"
        ));
    }
    if compressed_bytes > MAX_COMPRESSED_BYTES {
        violations.push(format!(
            "{compressed_bytes} B compressed exceeds {MAX_COMPRESSED_BYTES} B"
        ));
    }
    Report {
        raw_bytes,
        compressed_bytes,
        functions,
        violations,
    }
}

/// The shape rules; returns the function count.
fn shape(wasm: &[u8], violations: &mut Vec<String>) -> wasmparser::Result<u32> {
    let mut types: Vec<Option<FuncType>> = Vec::new();
    let mut function_types: Vec<u32> = Vec::new();
    let (mut memories, mut entrypoint) = (0u32, None);
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::TypeSection(reader) => {
                for group in reader {
                    for sub in group?.into_types() {
                        types.push(match &sub.composite_type.inner {
                            CompositeInnerType::Func(func) => Some(func.clone()),
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader {
                    let import = import?;
                    if import.module != "vm_hooks" {
                        violations.push(format!(
                            "import {}::{} is not from vm_hooks",
                            import.module, import.name
                        ));
                    }
                    match import.ty {
                        TypeRef::Func(ty) => function_types.push(ty),
                        TypeRef::Memory(_) => memories += 1,
                        _ => {}
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    function_types.push(ty?);
                }
            }
            Payload::MemorySection(reader) => memories += reader.count(),
            Payload::StartSection { .. } => violations.push("has a start function".into()),
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    if export.name == "user_entrypoint" && export.kind == ExternalKind::Func {
                        entrypoint = Some(export.index);
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut locals = 0u32;
                for local in body.get_locals_reader()? {
                    locals = locals.saturating_add(local?.0);
                }
                if locals > MAX_LOCALS {
                    violations.push(format!(
                        "a function has {locals} locals (limit {MAX_LOCALS})"
                    ));
                }
            }
            _ => {}
        }
    }
    if memories != 1 {
        violations.push(format!("{memories} memories (exactly one required)"));
    }
    let entry_type = entrypoint
        .and_then(|index| function_types.get(index as usize))
        .and_then(|ty| types.get(*ty as usize).cloned().flatten());
    match entry_type {
        Some(ty) if ty.params() == [ValType::I32] && ty.results() == [ValType::I32] => {}
        Some(ty) => violations.push(format!("user_entrypoint has type {ty}, not (i32) -> i32")),
        None => violations.push("no exported function user_entrypoint".into()),
    }
    let functions = u32::try_from(function_types.len()).unwrap_or(u32::MAX);
    if functions > MAX_FUNCTIONS {
        violations.push(format!("{functions} functions (limit {MAX_FUNCTIONS})"));
    }
    Ok(functions)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    /// One type `(i32) -> i32`.
    const TYPES: [u8; 8] = [0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f];
    /// One function of type 0.
    const FUNCTIONS: [u8; 4] = [0x03, 0x02, 0x01, 0x00];
    /// One memory of one page.
    const MEMORY: [u8; 5] = [0x05, 0x03, 0x01, 0x00, 0x01];
    /// `local.get 0; end`.
    const CODE: [u8; 8] = [0x0a, 0x06, 0x01, 0x04, 0x00, 0x20, 0x00, 0x0b];

    fn export(name: &str) -> Vec<u8> {
        let mut section = vec![
            0x07,
            u8::try_from(name.len() + 4).unwrap(),
            0x01,
            u8::try_from(name.len()).unwrap(),
        ];
        section.extend_from_slice(name.as_bytes());
        section.extend_from_slice(&[0x00, 0x00]);
        section
    }

    fn module(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    #[test]
    fn a_minimal_entrypoint_module_is_deployable() {
        let wasm = module(&[
            &HEADER,
            &TYPES,
            &FUNCTIONS,
            &MEMORY,
            &export("user_entrypoint"),
            &CODE,
        ]);
        let report = check(&wasm);
        assert!(report.is_deployable(), "{report}");
        assert_eq!((report.functions, report.fragments()), (1, 1));
    }

    #[test]
    fn a_module_without_memory_or_entrypoint_is_refused() {
        let wasm = module(&[&HEADER, &TYPES, &FUNCTIONS, &export("main"), &CODE]);
        let report = check(&wasm);
        assert!(
            report.violations.iter().any(|v| v.contains("memories")),
            "{report}"
        );
        assert!(
            report
                .violations
                .iter()
                .any(|v| v.contains("user_entrypoint")),
            "{report}"
        );
    }

    #[test]
    fn a_start_function_is_refused() {
        let start = [0x08, 0x01, 0x00];
        let wasm = module(&[
            &HEADER,
            &TYPES,
            &FUNCTIONS,
            &MEMORY,
            &export("user_entrypoint"),
            &start,
            &CODE,
        ]);
        assert!(check(&wasm).violations.iter().any(|v| v.contains("start")));
    }

    #[test]
    fn multi_value_is_refused() {
        // (i32) -> (i32, i32): needs the multi-value feature ArbOS 61 removes.
        let types = [0x01, 0x07, 0x01, 0x60, 0x01, 0x7f, 0x02, 0x7f, 0x7f];
        let code = [0x0a, 0x08, 0x01, 0x06, 0x00, 0x20, 0x00, 0x20, 0x00, 0x0b];
        let wasm = module(&[
            &HEADER,
            &types,
            &FUNCTIONS,
            &MEMORY,
            &export("user_entrypoint"),
            &code,
        ]);
        let report = check(&wasm);
        assert!(
            report.violations.iter().any(|v| v.contains("features")),
            "{report}"
        );
    }
}
