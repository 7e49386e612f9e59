//! Nitro's activation rules, in the order `WasmBinary::parse_user`
//! (`crates/prover/src/binary.rs`) and `Module::from_binary`
//! (`crates/prover/src/machine.rs`) apply them. Each rule names the Nitro
//! function it mirrors and words its refusal as Nitro does.

use std::collections::HashMap;

use wasmparser::{
    ConstExpr, DataKind, ElementItems, ElementKind, ExternalKind, FuncType, KnownCustom, Name,
    Operator, Parser, Payload, RefType, TypeRef, ValType, Validator, WasmFeatures,
};

use crate::cost::{InitCost, Shape};
use crate::hostio;
use crate::{Chain, ARBOS_60};

/// `parse_user`'s count limits.
pub(crate) mod limit {
    /// `"datas"`.
    pub const DATA_SEGMENTS: usize = 128;
    /// `"elements"`.
    pub const ELEMENT_SEGMENTS: usize = 128;
    /// `"exports"` (counted after the whitelist drop, plus the four
    /// instrumentation globals).
    pub const EXPORTS: usize = 1024;
    /// `"functions"` (defined ones).
    pub const FUNCTIONS: usize = 4096;
    /// `"globals"` (with the four instrumentation globals).
    pub const GLOBALS: usize = 32_768;
    /// `"locals"` per function (declared ones, not parameters).
    pub const LOCALS: usize = 348;
    /// `"opcodes in func body"`, after instrumentation.
    pub const OPCODES: usize = 65_536;
    /// `"imports"`, from ArbOS 32.
    pub const IMPORTS: usize = 513;
    /// `"table entries"`: the tables' initial sizes.
    pub const TABLE_ENTRIES: u64 = 4096;
    /// `"element entries"`: the element segments' encoded bytes.
    pub const ELEMENT_ENTRIES: usize = 4096;
    /// Names (`max_len`).
    pub const NAME_BYTES: usize = 512;
    /// `PageLimit` (`params.go`) and the heap bound (`config.rs`).
    pub const PAGES: u64 = 128;
}

/// Globals the instrumentation adds: ink left, ink status, the dynamic
/// meter's scratch and the stack left.
const INSTRUMENTATION_GLOBALS: usize = 4;
/// `ARBOS_VERSION_STYLUS_CHARGING_FIXES`, from which imports are counted.
const ARBOS_32: u64 = 32;
/// The exports `StartMover` keeps (`EXPORT_WHITELIST`), with their kinds.
const EXPORT_WHITELIST: [(&str, ExternalKind); 3] = [
    ("user_entrypoint", ExternalKind::Func),
    ("stylus_start", ExternalKind::Func),
    ("memory", ExternalKind::Memory),
];

/// What activation concluded.
pub(crate) struct Activation {
    pub functions: u32,
    pub init: InitCost,
    pub violations: Vec<String>,
}

/// The `WasmFeatures` of `parse_with_version`: Nitro starts from none and
/// turns these on; multi-value only before ArbOS 60.
pub(crate) fn features(arbos: u64) -> WasmFeatures {
    let mut features = WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::FLOATS
        | WasmFeatures::GC_TYPES;
    if arbos < ARBOS_60 {
        features |= WasmFeatures::MULTI_VALUE;
    }
    features
}

/// Everything the walk collects before the module-level checks.
#[derive(Default)]
struct Module<'a> {
    types: Vec<Option<FuncType>>,
    imports: Vec<(&'a str, &'a str, u32)>,
    functions: Vec<u32>,
    tables: Vec<u64>,
    memories: Vec<(u64, Option<u64>)>,
    globals: usize,
    exports: Vec<(&'a str, ExternalKind, u32)>,
    start: bool,
    data_segments: usize,
    element_segments: usize,
    element_bytes: usize,
    data_len: usize,
    /// Active data segments: offset and length.
    data_ranges: Vec<(Option<i64>, usize)>,
    /// Active element segments: offset and item count.
    element_ranges: Vec<(Option<i64>, usize)>,
    module_name: Option<&'a str>,
}

/// Runs every rule over `wasm`.
pub(crate) fn activate(wasm: &[u8], chain: &Chain) -> Activation {
    let mut violations = Vec::new();
    // `parse_with_version`: validation first.
    if let Err(error) = Validator::new_with_features(features(chain.arbos)).validate_all(wasm) {
        violations.push(format!("failed to validate user: {error}"));
    }
    let mut module = Module::default();
    if let Err(error) = walk(wasm, &mut module, &mut violations) {
        violations.push(format!("failed to parse wasm: {error}"));
    }
    check_imports_and_exports(&module, &mut violations);
    let footprint = check_memory(&module, chain, &mut violations);
    check_entrypoint(&module, &mut violations);
    check_limits(&module, chain, &mut violations);
    check_segments(&module, footprint, &mut violations);
    let type_len = module
        .functions
        .iter()
        .filter_map(|&ty| module.types.get(ty as usize).cloned().flatten())
        .map(|ty| (ty.params().len() + ty.results().len()) as u64)
        .sum();
    let shape = Shape {
        funcs: module.functions.len() as u64,
        type_len,
        wasm_len: wasm.len() as u64,
        globals: (module.globals + INSTRUMENTATION_GLOBALS) as u64,
        data_len: module.data_len as u64,
        footprint,
    };
    let init = InitCost::of(&shape);
    // `instrument`: both costs are stored as `u16`.
    if init.init > u64::from(u16::MAX) {
        violations.push("init cost too high".into());
    }
    if init.cached > u64::from(u16::MAX) {
        violations.push("cached cost too high".into());
    }
    Activation {
        functions: u32::try_from(module.functions.len()).unwrap_or(u32::MAX),
        init,
        violations,
    }
}

/// The section walk of `parse_with_version`, and the per-function checks
/// (locals, opcodes, and the operators lowering refuses).
fn walk<'a>(
    wasm: &'a [u8],
    module: &mut Module<'a>,
    violations: &mut Vec<String>,
) -> wasmparser::Result<()> {
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::Version { num, .. } => {
                if num != 1 {
                    violations.push(format!("wasm format version not supported {num}"));
                }
            }
            Payload::TypeSection(reader) => {
                for group in reader {
                    for sub in group?.into_types() {
                        module.types.push(match &sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(func) => Some(func.clone()),
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(reader) => {
                // Nitro takes single imports only; compact import groups
                // need a feature it leaves off, so validation refuses them.
                for import in reader.into_imports() {
                    let import = import?;
                    match import.ty {
                        TypeRef::Func(ty) => {
                            module.imports.push((import.module, import.name, ty));
                        }
                        other => violations.push(format!(
                            "unsupported import kind {other:?} ({}::{})",
                            import.module, import.name
                        )),
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    module.functions.push(ty?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table?;
                    // `from_binary`: tables must hold functions.
                    if table.ty.element_type != RefType::FUNCREF {
                        violations.push(format!("unsupported table type {:?}", table.ty));
                    }
                    module.tables.push(table.ty.initial);
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    let memory = memory?;
                    module.memories.push((memory.initial, memory.maximum));
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global?;
                    module.globals += 1;
                    if !is_constant(&global.init_expr) {
                        violations.push("Non-constant global initializer".into());
                    }
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    module
                        .exports
                        .push((export.name, export.kind, export.index));
                }
            }
            Payload::StartSection { .. } => module.start = true,
            Payload::ElementSection(reader) => {
                for element in reader {
                    let element = element?;
                    module.element_segments += 1;
                    module.element_bytes += element.range.len();
                    module.data_len += element.range.len();
                    let items = match &element.items {
                        ElementItems::Functions(functions) => functions.count() as usize,
                        ElementItems::Expressions(..) => {
                            if matches!(element.kind, ElementKind::Active { .. }) {
                                violations.push(
                                    "Non-constant element initializers are not supported".into(),
                                );
                            }
                            0
                        }
                    };
                    if let ElementKind::Active { offset_expr, .. } = &element.kind {
                        module.element_ranges.push((i32_offset(offset_expr), items));
                    }
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data?;
                    module.data_segments += 1;
                    module.data_len += data.range.len();
                    if let DataKind::Active { offset_expr, .. } = &data.kind {
                        module
                            .data_ranges
                            .push((i32_offset(offset_expr), data.data.len()));
                    }
                }
            }
            Payload::CodeSectionStart { .. } | Payload::End(_) => {}
            Payload::CodeSectionEntry(body) => function_body(&body, module, violations)?,
            Payload::CustomSection(reader) => {
                // Only `name` is read; a malformed one fails the parse.
                if let KnownCustom::Name(names) = reader.as_known() {
                    for name in names {
                        if let Name::Module { name, .. } = name? {
                            module.module_name = Some(name);
                        }
                    }
                }
            }
            Payload::UnknownSection { id, .. } => {
                violations.push(format!(
                    "failed to parse wasm: unsupported unknown section type {id}"
                ));
            }
            other => violations.push(format!(
                "failed to parse wasm: unsupported section type {}",
                section_name(&other)
            )),
        }
    }
    Ok(())
}

/// How Nitro's error names a payload it refuses: its `Debug` form.
fn section_name(payload: &Payload) -> String {
    match payload {
        Payload::DataCountSection { count, range } => {
            format!("DataCountSection {{ count: {count}, range: {range:?} }}")
        }
        Payload::TagSection(_) => "TagSection".into(),
        _ => "(a component-model section)".into(),
    }
}

/// `op_as_const`: one constant and `end`.
fn is_constant(expr: &ConstExpr) -> bool {
    let mut reader = expr.get_operators_reader();
    let first = reader.read();
    let last = reader.read();
    matches!(
        first,
        Ok(Operator::I32Const { .. }
            | Operator::I64Const { .. }
            | Operator::F32Const { .. }
            | Operator::F64Const { .. })
    ) && matches!(last, Ok(Operator::End))
        && reader.eof()
}

/// A segment offset that is `i32.const; end`, as `from_binary` requires.
fn i32_offset(expr: &ConstExpr) -> Option<i64> {
    let mut reader = expr.get_operators_reader();
    match (reader.read(), reader.read()) {
        (Ok(Operator::I32Const { value }), Ok(Operator::End)) if reader.eof() => {
            Some(i64::from(value as u32))
        }
        _ => None,
    }
}

/// One function: its declared locals, its opcode count after the meter,
/// dynamic meter, depth checker and heap bound add theirs (`meter.rs`,
/// `dynamic.rs`, `depth.rs`, `heap.rs`), and the operators lowering or the
/// dynamic meter refuse (`wavm.rs`, `dynamic.rs`).
fn function_body(
    body: &wasmparser::FunctionBody,
    module: &Module,
    violations: &mut Vec<String>,
) -> wasmparser::Result<()> {
    let mut locals = 0usize;
    for local in body.get_locals_reader()? {
        locals = locals.saturating_add(local?.0 as usize);
    }
    if locals > limit::LOCALS {
        violations.push(format!(
            "too many wasm locals: {locals} > {}",
            limit::LOCALS
        ));
    }
    let growable = module
        .memories
        .first()
        .is_some_and(|(min, max)| *max != Some(*min));
    let (mut ops, mut blocks, mut bulk, mut returns, mut grows) = (0usize, 0, 0, 0, 0);
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        let op = reader.read()?;
        ops += 1;
        if ends_basic_block(&op) {
            blocks += 1;
        }
        match op {
            Operator::MemoryCopy { .. } | Operator::MemoryFill { .. } => bulk += 1,
            Operator::Return => returns += 1,
            Operator::MemoryGrow { .. } => grows += 1,
            Operator::MemoryInit { .. }
            | Operator::DataDrop { .. }
            | Operator::TableInit { .. }
            | Operator::ElemDrop { .. }
            | Operator::TableCopy { .. } => violations.push(format!(
                "bulk-memory-operations extension not fully supported {op:?}"
            )),
            _ if is_float_arithmetic(&op) => violations.push(format!(
                "No implementation for floating point operation {op:?} in user"
            )),
            _ => {}
        }
    }
    // Meter: a 12-op header per basic block; dynamic meter: 17 ops per
    // copy or fill; depth checker: a 12-op prologue, a final `return`, and
    // 4 ops before every `return`; heap bound: 4 before each `memory.grow`.
    let instrumented = ops
        + 12 * blocks
        + 17 * bulk
        + 12
        + 1
        + 4 * (returns + 1)
        + if growable { 4 * grows } else { 0 };
    if instrumented > limit::OPCODES {
        violations.push(format!(
            "too many wasm opcodes in func body: {instrumented} > {}",
            limit::OPCODES
        ));
    }
    Ok(())
}

/// Whether `op` ends a basic block, where the meter puts its charge:
/// `ends_basic_block` (`crates/arbutil/src/operator.rs`).
#[must_use]
pub fn ends_basic_block(op: &Operator) -> bool {
    matches!(
        op,
        Operator::End
            | Operator::Else
            | Operator::Return
            | Operator::Loop { .. }
            | Operator::Br { .. }
            | Operator::BrTable { .. }
            | Operator::BrIf { .. }
            | Operator::If { .. }
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
    )
}

/// The float operators that user modules have no implementation of: every
/// float operator but constants, loads, stores and reinterpretations
/// (`floating_point_impls` is empty for user code, `wavm.rs`).
fn is_float_arithmetic(op: &Operator) -> bool {
    let name = format!("{op:?}");
    let name = name.split([' ', '{', '(']).next().unwrap_or_default();
    let kept = [
        "F32Const",
        "F64Const",
        "F32Load",
        "F64Load",
        "F32Store",
        "F64Store",
        "I32ReinterpretF32",
        "I64ReinterpretF64",
        "F32ReinterpretI32",
        "F64ReinterpretI64",
    ];
    (name.contains("F32") || name.contains("F64")) && !kept.contains(&name)
}

/// The import and export rules after parsing (`parse_with_version`) and
/// the link against the host (`from_binary`'s `USER_IMPORTS`).
fn check_imports_and_exports(module: &Module, violations: &mut Vec<String>) {
    let mut seen: HashMap<(&str, &str), u32> = HashMap::new();
    for &(from, name, ty) in &module.imports {
        if let Some(&other) = seen.get(&(from, name)) {
            if other != ty {
                violations.push(format!("inconsistent imports for {from} {name}"));
            }
        }
        seen.insert((from, name), ty);
        if name.starts_with("stylus") {
            violations.push(format!("binary imports reserved symbol {name}"));
        }
        let have = module.types.get(ty as usize).cloned().flatten();
        match (from == hostio::MODULE, hostio::signature(name)) {
            (true, Some((params, results))) => {
                let matches = have
                    .as_ref()
                    .is_some_and(|have| have.params() == params && have.results() == results);
                if !matches {
                    violations.push(format!(
                        "Import {name} for user has different function signature than export: expected {} but have {}",
                        signature(params, results),
                        have.map_or_else(|| "no function type".into(), |t| t.to_string())
                    ));
                }
            }
            _ => violations.push(format!("No such import {name} in {from} for user")),
        }
    }
    for &(export, _, _) in &module.exports {
        // Export names are reduced to what follows their last "__".
        let reduced = export.rsplit("__").next().unwrap_or(export);
        if module.imports.iter().any(|&(_, name, _)| name == reduced) {
            violations.push(format!(
                "binary exports an import with the same name {reduced}"
            ));
        }
        if reduced.starts_with("stylus") {
            violations.push(format!("binary exports reserved symbol {reduced}"));
        }
    }
}

fn signature(params: &[ValType], results: &[ValType]) -> String {
    let list = |types: &[ValType]| {
        types
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("({}) -> ({})", list(params), list(results))
}

/// The memory rules (`memory_info`, `parse_user`, `HeapBound`); returns the
/// footprint, the initial pages.
fn check_memory(module: &Module, chain: &Chain, violations: &mut Vec<String>) -> u64 {
    let Some(&(initial, maximum)) = module.memories.first() else {
        violations.push("missing memory export with name memory".into());
        return 0;
    };
    if module.memories.len() > 1 {
        violations.push("only one memory is allowed".into());
    }
    if !module
        .exports
        .iter()
        .any(|&(name, kind, index)| name == "memory" && kind == ExternalKind::Memory && index == 0)
    {
        violations.push("missing memory with export name memory".into());
    }
    let page_limit = limit::PAGES.saturating_sub(u64::from(chain.pages_open));
    if initial > page_limit {
        violations.push(format!("memory exceeds limit: {initial} > {page_limit}"));
    }
    if maximum.is_some_and(|max| initial > max) {
        violations.push("Memory inits to a size larger than its max".into());
    }
    // A memory that can grow must pay through the hook.
    if maximum != Some(initial) {
        // Its signature is checked with the other imports.
        let hooked = module
            .imports
            .iter()
            .any(|&(from, name, _)| from == hostio::MODULE && name == "pay_for_memory_grow");
        if !hooked {
            violations.push("missing import pay_for_memory_grow".into());
        }
    }
    initial
}

/// `check_func("user_entrypoint", (i32) -> i32)` in `instrument`, and no
/// start function (`StartMover`).
fn check_entrypoint(module: &Module, violations: &mut Vec<String>) {
    if module.start {
        violations.push("start functions not allowed".into());
    }
    match module
        .exports
        .iter()
        .find(|&&(name, _, _)| name == "user_entrypoint")
    {
        None => violations.push("missing export with name user_entrypoint".into()),
        Some(&(_, kind, _)) if kind != ExternalKind::Func => violations.push(format!(
            "export user_entrypoint must be a function but is a {kind:?}"
        )),
        Some(&(_, _, index)) => {
            let ty = function_type(module, index);
            let right = ty
                .as_ref()
                .is_some_and(|ty| ty.params() == [ValType::I32] && ty.results() == [ValType::I32]);
            if !right {
                violations.push(format!(
                    "wrong type for user_entrypoint: {}",
                    ty.map_or_else(|| "none".into(), |t| t.to_string())
                ));
            }
        }
    }
}

/// The type of function `index`, imports first.
fn function_type(module: &Module, index: u32) -> Option<FuncType> {
    let index = index as usize;
    let ty = if index < module.imports.len() {
        module.imports[index].2
    } else {
        *module.functions.get(index - module.imports.len())?
    };
    module.types.get(ty as usize).cloned().flatten()
}

/// `parse_user`'s `limit!` checks.
fn check_limits(module: &Module, chain: &Chain, violations: &mut Vec<String>) {
    let mut limit = |name: &str, count: usize, max: usize| {
        if count > max {
            violations.push(format!("too many wasm {name}: {count} > {max}"));
        }
    };
    limit("datas", module.data_segments, limit::DATA_SEGMENTS);
    limit("elements", module.element_segments, limit::ELEMENT_SEGMENTS);
    let kept = module
        .exports
        .iter()
        .filter(|&&(name, kind, _)| EXPORT_WHITELIST.contains(&(name, kind)))
        .count();
    limit("exports", kept + INSTRUMENTATION_GLOBALS, limit::EXPORTS);
    limit("functions", module.functions.len(), limit::FUNCTIONS);
    limit(
        "globals",
        module.globals + INSTRUMENTATION_GLOBALS,
        limit::GLOBALS,
    );
    if chain.arbos >= ARBOS_32 {
        limit("imports", module.imports.len(), limit::IMPORTS);
    }
    limit(
        "element entries",
        module.element_bytes,
        limit::ELEMENT_ENTRIES,
    );
    let table_entries = module
        .tables
        .iter()
        .fold(0u64, |sum, &t| sum.saturating_add(t));
    if table_entries > limit::TABLE_ENTRIES {
        violations.push(format!(
            "too many wasm table entries: {table_entries} > {}",
            limit::TABLE_ENTRIES
        ));
    }
    if let Some(name) = module.module_name {
        if name.len() > limit::NAME_BYTES {
            violations.push(format!(
                "wasm module name too long: {} > {}",
                name.len(),
                limit::NAME_BYTES
            ));
        }
    }
}

/// Active segments must start at a constant and fit their memory or table
/// (`from_binary`).
fn check_segments(module: &Module, pages: u64, violations: &mut Vec<String>) {
    let memory_bytes = pages.saturating_mul(65_536);
    for &(offset, len) in &module.data_ranges {
        match offset {
            None => violations.push("Non-constant element segment offset expression".into()),
            Some(offset) if offset as u64 + len as u64 > memory_bytes => violations.push(format!(
                "Out-of-bounds data memory init with offset {offset} and size {len}"
            )),
            Some(_) => {}
        }
    }
    let table = module.tables.first().copied().unwrap_or(0);
    for &(offset, len) in &module.element_ranges {
        match offset {
            None => violations.push("Non-constant element segment offset expression".into()),
            Some(offset) if offset as u64 + len as u64 > table => violations.push(format!(
                "Out of bounds element segment at offset {offset} and length {len} for table of length {table}"
            )),
            Some(_) => {}
        }
    }
}
