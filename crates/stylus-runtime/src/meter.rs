//! Ink metering as Stylus instruments it: the module is rewritten before
//! compilation so that every basic block first pays its ink from a global.
//!
//! This is nitro's `Meter` and `DynamicMeter` middleware, rebuilt on
//! `wasmparser` + `wasm-encoder`:
//! - two exported globals, `stylus_ink_left` (i64) and `stylus_ink_status`
//!   (i32), plus two scratch globals;
//! - before each basic block (a block ends at `end`, `else`, `return`,
//!   `loop`, `br`, `br_if`, `br_table`, `if`, `call`, `call_indirect`), a
//!   header that traps with status 1 if the ink left is below the block's
//!   price, and otherwise subtracts it. A block's price is the sum of its
//!   operators' ink ([`operator_ink`], nitro's `pricing_v1`) plus
//!   [`BLOCK_HEADER_INK`];
//! - before each `memory.copy` and `memory.fill`, the same check for
//!   [`MEMORY_BYTE_INK`] per byte.
//!
//! With profiling on ([`instrument_profiled`]) each defined function also
//! gets an i64 global, `stylus_profile_{n}`, that every block header of the
//! function adds its price to. The additions cost no ink (only the ink global
//! is charged), so a profiled run spends exactly what a plain one does.
//!
//! wasmi then runs the rewritten module without fuel; the host reads and
//! writes the ink global around every hostio. Charging
//! per basic block, not per wasmi block, matters: wasmi's own fuel charges
//! straight-line code behind `block`/`br_if`/`br_table` even when a branch
//! skips it, which on a large dispatch function costs hundreds of gas per
//! call that Stylus never charges.

use wasm_encoder::reencode::Reencode;
use wasm_encoder::{ConstExpr, ExportKind, GlobalSection, GlobalType, Instruction, ValType};
use wasmparser::{Operator, Parser, Payload};

use crate::gas::BLOCK_HEADER_INK;

/// Name of the exported global holding the ink left.
pub const INK_LEFT: &str = "stylus_ink_left";
/// Name of the exported global set to 1 when the program ran out of ink.
pub const INK_STATUS: &str = "stylus_ink_status";
/// Prefix of the exported per-function ink counters of a profiled module.
pub const PROFILE_PREFIX: &str = "stylus_profile_";
/// Ink per byte of `memory.copy` and `memory.fill` (nitro's 800 / 8).
pub const MEMORY_BYTE_INK: u64 = 100;

/// Stylus's ink price of one WASM operator (nitro's `pricing_v1`);
/// `param_counts[t]` is the number of parameters of function type `t`.
/// Operators Stylus cannot execute (floats, SIMD, reference types, tables,
/// `memory.init`, `data.drop`, ...) cost `u64::MAX`: a block holding one
/// can never run.
#[must_use]
#[allow(clippy::match_same_arms)]
pub fn operator_ink(op: &Operator, param_counts: &[u32]) -> u64 {
    use Operator as O;
    match op {
        O::Unreachable | O::Return | O::Nop | O::I32Const { .. } | O::I64Const { .. } => 1,
        O::Drop => 9,
        O::Block { .. } | O::Loop { .. } | O::Else | O::End => 1,
        O::Br { .. } | O::BrIf { .. } | O::If { .. } => 765,
        O::Select => 1250,
        O::Call { .. } => 3800,
        O::LocalGet { .. } | O::LocalTee { .. } => 75,
        O::LocalSet { .. } => 210,
        O::GlobalGet { .. } => 225,
        O::GlobalSet { .. } => 575,
        O::I32Load { .. }
        | O::I32Load8S { .. }
        | O::I32Load8U { .. }
        | O::I32Load16S { .. }
        | O::I32Load16U { .. } => 670,
        O::I64Load { .. }
        | O::I64Load8S { .. }
        | O::I64Load8U { .. }
        | O::I64Load16S { .. }
        | O::I64Load16U { .. }
        | O::I64Load32S { .. }
        | O::I64Load32U { .. } => 680,
        O::I32Store { .. } | O::I32Store8 { .. } | O::I32Store16 { .. } => 825,
        O::I64Store { .. } | O::I64Store8 { .. } | O::I64Store16 { .. } | O::I64Store32 { .. } => {
            950
        }
        O::MemorySize { .. } => 3000,
        O::MemoryGrow { .. } => 1,
        O::I32Eqz
        | O::I32Eq
        | O::I32Ne
        | O::I32LtS
        | O::I32LtU
        | O::I32GtS
        | O::I32GtU
        | O::I32LeS
        | O::I32LeU
        | O::I32GeS
        | O::I32GeU => 170,
        O::I64Eqz
        | O::I64Eq
        | O::I64Ne
        | O::I64LtS
        | O::I64LtU
        | O::I64GtS
        | O::I64GtU
        | O::I64LeS
        | O::I64LeU
        | O::I64GeS
        | O::I64GeU => 225,
        O::I32Clz | O::I32Ctz => 210,
        O::I32Add | O::I32Sub => 70,
        O::I32Mul => 160,
        O::I32DivS | O::I32DivU | O::I32RemS | O::I32RemU => 1120,
        O::I32And
        | O::I32Or
        | O::I32Xor
        | O::I32Shl
        | O::I32ShrS
        | O::I32ShrU
        | O::I32Rotl
        | O::I32Rotr => 70,
        O::I64Clz | O::I64Ctz => 210,
        O::I64Add | O::I64Sub => 100,
        O::I64Mul => 160,
        O::I64DivS | O::I64DivU | O::I64RemS | O::I64RemU => 1270,
        O::I64And
        | O::I64Or
        | O::I64Xor
        | O::I64Shl
        | O::I64ShrS
        | O::I64ShrU
        | O::I64Rotl
        | O::I64Rotr => 100,
        O::I32Popcnt => 2650,
        O::I64Popcnt => 6000,
        O::I32WrapI64 | O::I64ExtendI32S | O::I64ExtendI32U => 100,
        O::I32Extend8S | O::I32Extend16S | O::I64Extend8S | O::I64Extend16S | O::I64Extend32S => {
            100
        }
        O::MemoryCopy { .. } | O::MemoryFill { .. } => 950,
        O::BrTable { targets } => 2400 + 325 * u64::from(targets.len()),
        O::CallIndirect { type_index, .. } => {
            let params = param_counts.get(*type_index as usize).copied().unwrap_or(0);
            13610 + 650 * u64::from(params)
        }
        _ => u64::MAX,
    }
}

pub use stylus_check::ends_basic_block;

/// Why a module could not be instrumented.
#[derive(Debug)]
pub struct MeterError(pub String);

impl std::fmt::Display for MeterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::error::Error for MeterError {}

/// The rewriter: a roundtrip re-encoder that adds the globals and exports
/// and meters every function body.
struct Meter {
    param_counts: Vec<u32>,
    /// Globals the module has (imported and defined): ours come after.
    globals: u32,
    added_globals: bool,
    /// Functions defined, if each gets an ink counter.
    profiled: Option<u32>,
    /// The defined function being rewritten.
    function: u32,
}

impl Meter {
    fn ink(&self) -> u32 {
        self.globals
    }

    fn status(&self) -> u32 {
        self.globals + 1
    }

    fn scratch32(&self) -> u32 {
        self.globals + 2
    }

    fn scratch64(&self) -> u32 {
        self.globals + 3
    }

    /// The ink counter of defined function `n`.
    fn counter(&self, n: u32) -> u32 {
        self.globals + 4 + n
    }

    fn add_globals(&mut self, section: &mut GlobalSection) {
        let global = |val_type| GlobalType {
            val_type,
            mutable: true,
            shared: false,
        };
        section.global(global(ValType::I64), &ConstExpr::i64_const(0));
        section.global(global(ValType::I32), &ConstExpr::i32_const(0));
        section.global(global(ValType::I32), &ConstExpr::i32_const(0));
        section.global(global(ValType::I64), &ConstExpr::i64_const(0));
        for _ in 0..self.profiled.unwrap_or(0) {
            section.global(global(ValType::I64), &ConstExpr::i64_const(0));
        }
        self.added_globals = true;
    }

    /// `if ink < cost { status = 1; trap } ink -= cost`, with the cost on
    /// the stack computed by `cost`.
    fn charge<'a>(&self, out: &mut Vec<Instruction<'a>>, cost: &[Instruction<'a>]) {
        out.push(Instruction::GlobalGet(self.ink()));
        out.extend(cost.iter().cloned());
        out.push(Instruction::I64LtU);
        out.push(Instruction::If(wasm_encoder::BlockType::Empty));
        out.push(Instruction::I32Const(1));
        out.push(Instruction::GlobalSet(self.status()));
        out.push(Instruction::Unreachable);
        out.push(Instruction::End);
        out.push(Instruction::GlobalGet(self.ink()));
        out.extend(cost.iter().cloned());
        out.push(Instruction::I64Sub);
        out.push(Instruction::GlobalSet(self.ink()));
    }

    /// The per-byte charge before `memory.copy`/`memory.fill`, whose byte
    /// count is on top of the stack.
    fn charge_bytes<'a>(&self, out: &mut Vec<Instruction<'a>>) {
        out.push(Instruction::GlobalSet(self.scratch32()));
        out.push(Instruction::GlobalGet(self.scratch32()));
        out.push(Instruction::I64ExtendI32U);
        out.push(Instruction::I64Const(MEMORY_BYTE_INK as i64));
        out.push(Instruction::I64Mul);
        out.push(Instruction::GlobalSet(self.scratch64()));
        self.charge(out, &[Instruction::GlobalGet(self.scratch64())]);
        out.push(Instruction::GlobalGet(self.scratch32()));
    }
}

type ReencodeError = wasm_encoder::reencode::Error<MeterError>;

impl Reencode for Meter {
    type Error = MeterError;

    fn parse_global_section(
        &mut self,
        globals: &mut GlobalSection,
        section: wasmparser::GlobalSectionReader<'_>,
    ) -> Result<(), ReencodeError> {
        wasm_encoder::reencode::utils::parse_global_section(self, globals, section)?;
        self.add_globals(globals);
        Ok(())
    }

    fn intersperse_section_hook(
        &mut self,
        module: &mut wasm_encoder::Module,
        _after: Option<wasm_encoder::SectionId>,
        before: Option<wasm_encoder::SectionId>,
    ) -> Result<(), ReencodeError> {
        // A module without a global section gets one where it would be.
        use wasm_encoder::SectionId as S;
        let past_globals = matches!(
            before,
            None | Some(S::Export | S::Start | S::Element | S::DataCount | S::Code | S::Data)
        );
        if !self.added_globals && past_globals {
            let mut section = GlobalSection::new();
            self.add_globals(&mut section);
            module.section(&section);
        }
        Ok(())
    }

    fn parse_export_section(
        &mut self,
        exports: &mut wasm_encoder::ExportSection,
        section: wasmparser::ExportSectionReader<'_>,
    ) -> Result<(), ReencodeError> {
        wasm_encoder::reencode::utils::parse_export_section(self, exports, section)?;
        exports.export(INK_LEFT, ExportKind::Global, self.ink());
        exports.export(INK_STATUS, ExportKind::Global, self.status());
        for n in 0..self.profiled.unwrap_or(0) {
            exports.export(
                &format!("{PROFILE_PREFIX}{n}"),
                ExportKind::Global,
                self.counter(n),
            );
        }
        Ok(())
    }

    fn parse_function_body(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<(), ReencodeError> {
        let mut function = self.new_function_with_parsed_locals(&func)?;
        let mut reader = func.get_operators_reader()?;
        let mut block: Vec<Instruction> = Vec::new();
        let mut cost = 0u64;
        while !reader.eof() {
            let op = reader.read()?;
            cost = cost.saturating_add(operator_ink(&op, &self.param_counts));
            let ends = ends_basic_block(&op);
            if matches!(
                op,
                Operator::MemoryCopy { .. } | Operator::MemoryFill { .. }
            ) {
                self.charge_bytes(&mut block);
            }
            block.push(self.instruction(op)?);
            if ends {
                let price = cost.saturating_add(BLOCK_HEADER_INK);
                let mut header = Vec::new();
                // As nitro: the price as an i64 immediate, compared unsigned.
                self.charge(&mut header, &[Instruction::I64Const(price as i64)]);
                if self.profiled.is_some() {
                    let counter = self.counter(self.function);
                    header.extend([
                        Instruction::GlobalGet(counter),
                        Instruction::I64Const(price as i64),
                        Instruction::I64Add,
                        Instruction::GlobalSet(counter),
                    ]);
                }
                for instruction in header.iter().chain(&block) {
                    function.instruction(instruction);
                }
                block.clear();
                cost = 0;
            }
        }
        for instruction in &block {
            function.instruction(instruction);
        }
        code.function(&function);
        self.function += 1;
        Ok(())
    }
}

/// Rewrites `wasm` with Stylus's ink metering.
///
/// # Errors
/// [`MeterError`] if the module cannot be parsed or re-encoded.
pub fn instrument(wasm: &[u8]) -> Result<Vec<u8>, MeterError> {
    rewrite(wasm, false).map(|(module, _)| module)
}

/// [`instrument`] with an ink counter per defined function; also returns
/// the functions' names (from the name section, else `func{index}`).
///
/// # Errors
/// [`MeterError`] if the module cannot be parsed or re-encoded.
pub fn instrument_profiled(wasm: &[u8]) -> Result<(Vec<u8>, Vec<String>), MeterError> {
    rewrite(wasm, true)
}

fn rewrite(wasm: &[u8], profile: bool) -> Result<(Vec<u8>, Vec<String>), MeterError> {
    let error = |e: wasmparser::BinaryReaderError| MeterError(e.to_string());
    let mut param_counts = Vec::new();
    let (mut globals, mut imported, mut defined) = (0u32, 0u32, 0u32);
    let mut names = std::collections::HashMap::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(error)? {
            Payload::TypeSection(reader) => {
                for group in reader {
                    for sub in group.map_err(error)?.into_types() {
                        let params = match &sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(func) => func.params().len(),
                            _ => 0,
                        };
                        param_counts.push(u32::try_from(params).unwrap_or(u32::MAX));
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    match import.map_err(error)?.ty {
                        wasmparser::TypeRef::Global(_) => globals += 1,
                        wasmparser::TypeRef::Func(_) => imported += 1,
                        _ => {}
                    }
                }
            }
            Payload::GlobalSection(reader) => globals += reader.count(),
            Payload::FunctionSection(reader) => defined = reader.count(),
            Payload::CustomSection(reader) if profile => {
                if let wasmparser::KnownCustom::Name(section) = reader.as_known() {
                    for name in section {
                        if let Ok(wasmparser::Name::Function(map)) = name {
                            for naming in map.into_iter().flatten() {
                                names.insert(naming.index, naming.name.to_string());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut meter = Meter {
        param_counts,
        globals,
        added_globals: false,
        profiled: profile.then_some(defined),
        function: 0,
    };
    let mut module = wasm_encoder::Module::new();
    meter
        .parse_core_module(&mut module, Parser::new(0), wasm)
        .map_err(|e| MeterError(format!("{e:?}")))?;
    let names = (0..if profile { defined } else { 0 })
        .map(|n| {
            let index = imported + n;
            names
                .remove(&index)
                .unwrap_or_else(|| format!("func{index}"))
        })
        .collect();
    Ok((module.finish(), names))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_nitros() {
        assert_eq!(operator_ink(&Operator::I32Add, &[]), 70);
        assert_eq!(
            operator_ink(&Operator::Call { function_index: 0 }, &[]),
            3800
        );
        assert_eq!(
            operator_ink(
                &Operator::CallIndirect {
                    type_index: 0,
                    table_index: 0
                },
                &[3]
            ),
            13610 + 3 * 650
        );
        assert_eq!(operator_ink(&Operator::F64Add, &[]), u64::MAX);
        assert!(ends_basic_block(&Operator::BrIf { relative_depth: 0 }));
        assert!(!ends_basic_block(&Operator::Block {
            blockty: wasmparser::BlockType::Empty
        }));
    }
}
