//! One test per activation rule: a small module the chain would refuse, and
//! the reason `stylus-check` gives, beside a module that passes. The rules
//! and the Nitro code they mirror are in `docs/stylus.md`.

use stylus_check::{check, check_for, code, Chain, Report};
use wasm_encoder::{
    CodeSection, CustomSection, DataCountSection, DataSection, ExportKind, ExportSection, Function,
    FunctionSection, Instruction, MemorySection, MemoryType, Module, RawSection, Section,
    TypeSection, ValType,
};

/// A module that activates: the entrypoint and one exported page of memory
/// that cannot grow.
const MINIMAL: &str = r#"(module
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#;

fn wat(text: &str) -> Vec<u8> {
    wat::parse_str(text).unwrap_or_else(|e| panic!("bad test module: {e}"))
}

/// The refusals of `wasm` at ArbOS 60 with default limits.
///
/// With `STYLUS_CHECK_DUMP=DIR` every module checked is also written to DIR,
/// named by its verdict, so it can be run through Nitro's own activation
/// (`Module::activate`) and the two verdicts compared.
fn refusals(wasm: &[u8]) -> Report {
    let report = check(wasm);
    if let Ok(dir) = std::env::var("STYLUS_CHECK_DUMP") {
        let verdict = if report.is_deployable() {
            "ok"
        } else {
            "refused"
        };
        let hash = wasm.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        let name = format!("{dir}/{verdict}-{hash:016x}.wasm");
        std::fs::write(name, wasm).expect("writing the dump");
    }
    report
}

#[track_caller]
fn refused_for(report: &Report, reason: &str) {
    assert!(
        report.violations.iter().any(|v| v.contains(reason)),
        "expected a refusal naming {reason:?}, got: {report}"
    );
}

#[track_caller]
fn refused(text: &str, reason: &str) {
    refused_for(&refusals(&wat(text)), reason);
}

/// Appends a section: its id, then its size and contents.
fn append(wasm: &mut Vec<u8>, section: &dyn Section) {
    wasm.push(section.id());
    section.encode(wasm);
}

/// The minimal module, built with wasm-encoder, with `before_code` sections
/// before its code section and `after` ones after it.
fn encoded(before_code: &[&dyn Section], after: &[&dyn Section]) -> Vec<u8> {
    let mut bytes = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([ValType::I32], [ValType::I32]);
    bytes.section(&types);
    let mut functions = FunctionSection::new();
    functions.function(0);
    bytes.section(&functions);
    let mut memory = MemorySection::new();
    memory.memory(MemoryType {
        minimum: 1,
        maximum: Some(1),
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    bytes.section(&memory);
    let mut exports = ExportSection::new();
    exports.export("memory", ExportKind::Memory, 0);
    exports.export("user_entrypoint", ExportKind::Func, 0);
    bytes.section(&exports);
    let mut raw = bytes.finish();
    for &section in before_code {
        append(&mut raw, section);
    }
    let mut code = CodeSection::new();
    let mut body = Function::new([]);
    body.instruction(&Instruction::LocalGet(0));
    body.instruction(&Instruction::End);
    code.function(&body);
    append(&mut raw, &code);
    for &section in after {
        append(&mut raw, section);
    }
    raw
}

#[test]
fn a_minimal_module_activates_and_costs_what_nitro_predicts() {
    let wasm = wat(MINIMAL);
    let report = refusals(&wasm);
    assert!(report.is_deployable(), "{report}");
    assert_eq!((report.functions, report.fragments()), (1, 1));
    // One function of type (i32) -> i32 (type_len 2), 4 instrumentation
    // globals, no data, one page: cached = 0 + 0 + 0 + 6 + 0 + 5, init = 8 + 2 + w·0.1286.
    assert_eq!(report.init.cached, 6 + 5);
    assert_eq!(report.init.init, 8 + 2 + wasm.len() as u64 * 1286 / 10_000);
}

#[test]
fn the_wasm_of_55232d3_is_refused_for_its_data_count_section() {
    let compressed = include_bytes!("fixtures/damm-55232d3.wasm.br");
    let wasm = code::decode(&[&code::EOF_PREFIX[..], compressed].concat(), |_| {
        Err("no fragments".into())
    })
    .expect("the fixture decompresses");
    let report = refusals(&wasm);
    refused_for(
        &report,
        "unsupported section type DataCountSection { count: 26, range: 981..982 }",
    );
    // The costs Nitro's activation reported for it once the section was removed.
    assert_eq!((report.init.init, report.init.cached), (16_709, 1_566));
}

#[test]
fn a_data_count_section_is_refused() {
    let wasm = encoded(&[&DataCountSection { count: 0 }], &[]);
    refused_for(
        &refusals(&wasm),
        "unsupported section type DataCountSection",
    );
}

#[test]
fn an_unknown_section_is_refused() {
    let raw = RawSection { id: 14, data: &[0] };
    let wasm = encoded(&[], &[&raw]);
    refused_for(&refusals(&wasm), "unsupported unknown section type 14");
}

#[test]
fn custom_sections_other_than_name_are_ignored() {
    let producers = CustomSection {
        name: "producers".into(),
        data: b"anything at all".into(),
    };
    let report = refusals(&encoded(&[], &[&producers]));
    assert!(report.is_deployable(), "{report}");
}

#[test]
fn a_start_function_is_refused() {
    refused(
        r#"(module (memory (export "memory") 1 1)
             (func $s) (start $s)
             (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
        "start functions not allowed",
    );
}

#[test]
fn an_import_with_a_wrong_signature_is_refused() {
    refused(
        r#"(module (import "vm_hooks" "read_args" (func (param i64)))
             (memory (export "memory") 1 1)
             (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
        "Import read_args for user has different function signature",
    );
}

#[test]
fn an_unknown_hostio_is_refused() {
    refused(
        r#"(module (import "vm_hooks" "math_sqrt" (func (param i32 i32)))
             (memory (export "memory") 1 1)
             (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
        "No such import math_sqrt in vm_hooks",
    );
}

#[test]
fn an_import_from_another_module_is_refused() {
    refused(
        r#"(module (import "env" "read_args" (func (param i32)))
             (memory (export "memory") 1 1)
             (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
        "No such import read_args in env",
    );
}

#[test]
fn every_hostio_with_its_signature_links() {
    let imports: String = stylus_check::hostio::HOSTIOS
        .iter()
        .map(|(name, params, results)| {
            let list = |types: &[wasmparser::ValType]| {
                types
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            format!(
                "(import \"vm_hooks\" \"{name}\" (func (param {}) (result {})))\n",
                list(params),
                list(results)
            )
        })
        .collect();
    let report = refusals(&wat(&format!(
        r#"(module {imports}
             (memory (export "memory") 1)
             (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#
    )));
    assert!(report.is_deployable(), "{report}");
}

#[test]
fn a_memory_import_is_refused() {
    refused(
        r#"(module (import "vm_hooks" "memory" (memory 1))
             (export "memory" (memory 0))
             (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
        "unsupported import kind",
    );
}

#[test]
fn the_same_import_twice_with_two_types_is_refused() {
    refused(
        r#"(module (import "vm_hooks" "read_args" (func (param i32)))
             (import "vm_hooks" "read_args" (func (param i32) (result i32)))
             (memory (export "memory") 1 1)
             (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
        "inconsistent imports for vm_hooks read_args",
    );
}

#[test]
fn reserved_names_are_refused() {
    refused(
        r#"(module (memory (export "memory") 1 1)
             (func (export "stylus_ink_left") (param i32) (result i32) local.get 0)
             (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
        "binary exports reserved symbol stylus_ink_left",
    );
    refused(
        r#"(module (import "vm_hooks" "read_args" (func (param i32)))
             (memory (export "memory") 1 1)
             (func (export "x__read_args") (param i32) (result i32) local.get 0)
             (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
        "binary exports an import with the same name read_args",
    );
}

#[test]
fn multi_value_is_refused_from_arbos_60_and_accepted_before() {
    let wasm = wat(r#"(module (memory (export "memory") 1 1)
             (func $pair (result i32 i32) i32.const 1 i32.const 2)
             (func (export "user_entrypoint") (param i32) (result i32) call $pair drop))"#);
    refused_for(&refusals(&wasm), "failed to validate user");
    let before = Chain {
        arbos: 59,
        ..Chain::default()
    };
    assert!(check_for(&wasm, &before).is_deployable());
}

#[test]
fn a_block_typed_by_a_type_index_needs_multi_value() {
    // Nitro's own test: a block with a type index, even of one result, is
    // multi-value.
    refused(
        r#"(module (memory (export "memory") 1 1)
             (type $t (func (param i32) (result i32)))
             (func (export "user_entrypoint") (param i32) (result i32)
               local.get 0 (block (type $t))))"#,
        "failed to validate user",
    );
}

#[test]
fn the_memory_rules() {
    refused(
        r#"(module (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
        "missing memory export with name memory",
    );
    refused(
        r#"(module (memory 1 1)
             (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
        "missing memory with export name memory",
    );
    refused(
        r#"(module (memory (export "memory") 129 129)
             (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
        "memory exceeds limit: 129 > 128",
    );
    // A memory that can grow needs the hook that charges for it.
    refused(
        r#"(module (memory (export "memory") 1)
             (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
        "missing import pay_for_memory_grow",
    );
}

#[test]
fn the_entrypoint_rules() {
    refused(
        r#"(module (memory (export "memory") 1 1)
             (func (export "main") (param i32) (result i32) local.get 0))"#,
        "missing export with name user_entrypoint",
    );
    refused(
        r#"(module (memory (export "memory") 1 1)
             (func (export "user_entrypoint") (param i64) (result i32) i32.const 0))"#,
        "wrong type for user_entrypoint",
    );
}

#[test]
fn one_hundred_and_twenty_nine_data_segments_are_refused() {
    let mut data = DataSection::new();
    for i in 0..129 {
        data.active(0, &wasm_encoder::ConstExpr::i32_const(i * 8), [1u8]);
    }
    let wasm = encoded(&[], &[&data]);
    refused_for(&refusals(&wasm), "too many wasm datas: 129 > 128");
    let mut data = DataSection::new();
    for i in 0..128 {
        data.active(0, &wasm_encoder::ConstExpr::i32_const(i * 8), [1u8]);
    }
    assert!(refusals(&encoded(&[], &[&data])).is_deployable());
}

#[test]
fn a_data_segment_outside_memory_is_refused() {
    let mut data = DataSection::new();
    data.active(0, &wasm_encoder::ConstExpr::i32_const(65_535), [1u8, 2]);
    let wasm = encoded(&[], &[&data]);
    refused_for(
        &refusals(&wasm),
        "Out-of-bounds data memory init with offset 65535 and size 2",
    );
}

#[test]
fn data_segments_cost_every_call() {
    // 100 payload bytes at offset 0: flags 1 + i32.const 0 end 3 + length 1
    // + 100 = 105 encoded bytes, at 0.75244 gas each.
    let mut data = DataSection::new();
    data.active(0, &wasm_encoder::ConstExpr::i32_const(0), [7u8; 100]);
    let with = refusals(&encoded(&[], &[&data]));
    let without = refusals(&encoded(&[], &[]));
    assert_eq!(
        with.init.cached - without.init.cached,
        105 * 75_244 / 100_000
    );
}

#[test]
fn too_many_locals_are_refused() {
    refused(
        &format!(
            r#"(module (memory (export "memory") 1 1)
                 (func (export "user_entrypoint") (param i32) (result i32) {} local.get 0))"#,
            "(local i32) ".repeat(349)
        ),
        "too many wasm locals: 349 > 348",
    );
}

#[test]
fn too_many_functions_are_refused() {
    refused(
        &format!(
            r#"(module (memory (export "memory") 1 1) {}
                 (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
            "(func) ".repeat(4096)
        ),
        "too many wasm functions: 4097 > 4096",
    );
}

#[test]
fn too_many_globals_are_refused() {
    // With the instrumentation's four, 32,765 are one too many.
    refused(
        &format!(
            r#"(module (memory (export "memory") 1 1) {}
                 (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
            "(global i32 (i32.const 0)) ".repeat(32_765)
        ),
        "too many wasm globals: 32769 > 32768",
    );
}

#[test]
fn too_many_imports_are_refused() {
    // The same import with the same type may repeat; the count still binds.
    refused(
        &format!(
            r#"(module {} (memory (export "memory") 1 1)
                 (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
            r#"(import "vm_hooks" "read_args" (func (param i32))) "#.repeat(514)
        ),
        "too many wasm imports: 514 > 513",
    );
}

#[test]
fn too_many_table_entries_are_refused() {
    refused(
        r#"(module (memory (export "memory") 1 1) (table 4097 funcref)
             (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
        "too many wasm table entries: 4097 > 4096",
    );
}

#[test]
fn too_many_element_segments_are_refused() {
    refused(
        &format!(
            r#"(module (memory (export "memory") 1 1) (table 1 funcref) {}
                 (func $f (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
            "(elem (i32.const 0) $f) ".repeat(129)
        ),
        "too many wasm elements: 129 > 128",
    );
}

#[test]
fn too_many_opcodes_after_instrumentation_are_refused() {
    // 21,000 `i32.const; drop`s need no instrumentation of their own, but
    // 2,000 calls add a 12-op header each.
    let body = "i32.const 0 drop ".repeat(21_000) + &"call $n ".repeat(2_000);
    refused(
        &format!(
            r#"(module (memory (export "memory") 1 1) (func $n)
                 (func (export "user_entrypoint") (param i32) (result i32) {body} local.get 0))"#
        ),
        "too many wasm opcodes in func body",
    );
}

#[test]
fn a_long_module_name_is_refused() {
    refused(
        &format!(
            r#"(module ${} (memory (export "memory") 1 1)
                 (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
            "m".repeat(513)
        ),
        "wasm module name too long: 513 > 512",
    );
}

#[test]
fn float_arithmetic_is_refused_but_float_constants_pass() {
    refused(
        r#"(module (memory (export "memory") 1 1)
             (func (export "user_entrypoint") (param i32) (result i32)
               f64.const 1 f64.const 2 f64.add drop local.get 0))"#,
        "No implementation for floating point operation F64Add",
    );
    let report = refusals(&wat(r#"(module (memory (export "memory") 1 1)
             (func (export "user_entrypoint") (param i32) (result i32)
               f64.const 1 drop local.get 0))"#));
    assert!(report.is_deployable(), "{report}");
}

#[test]
fn bulk_memory_beyond_copy_and_fill_is_refused() {
    refused(
        r#"(module (memory (export "memory") 1 1) (table 2 funcref)
             (func (export "user_entrypoint") (param i32) (result i32)
               i32.const 0 i32.const 1 i32.const 1 table.copy local.get 0))"#,
        "bulk-memory-operations extension not fully supported",
    );
    let report = refusals(&wat(r#"(module (memory (export "memory") 1 1)
             (func (export "user_entrypoint") (param i32) (result i32)
               i32.const 0 i32.const 8 i32.const 8 memory.copy local.get 0))"#));
    assert!(report.is_deployable(), "{report}");
}

/// A module with `bytes` of data that brotli cannot shrink.
fn incompressible(bytes: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let data: Vec<u8> = (0..bytes)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let pages = (bytes as u64).div_ceil(65_536);
    let mut module = wat(&format!(
        r#"(module (memory (export "memory") {pages} {pages})
             (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#
    ));
    let mut section = DataSection::new();
    section.active(0, &wasm_encoder::ConstExpr::i32_const(0), data);
    append(&mut module, &section);
    module
}

#[test]
fn fragments_need_arbos_60_and_stay_within_max_fragment_count() {
    // About 30 KB compressed: two fragments.
    let two = incompressible(30_000);
    let report = check(&two);
    assert_eq!(report.fragments(), 2);
    assert!(report.is_deployable(), "{report}");
    let before = Chain {
        arbos: 59,
        ..Chain::default()
    };
    refused_for(
        &check_for(&two, &before),
        "before ArbOS 60 a program is one contract",
    );
    // About 60 KB: three fragments, one more than ArbOS 60's default.
    let three = incompressible(60_000);
    refused_for(&check(&three), "above MaxFragmentCount 2");
    let raised = Chain {
        max_fragments: 4,
        ..Chain::default()
    };
    assert!(check_for(&three, &raised).is_deployable());
}

#[test]
fn a_module_above_max_wasm_size_is_refused() {
    // Zeros compress to nothing; the decompressed size still binds.
    let mut module = wat(r#"(module (memory (export "memory") 3 3)
             (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#);
    let mut section = DataSection::new();
    section.active(
        0,
        &wasm_encoder::ConstExpr::i32_const(0),
        vec![0u8; 132_000],
    );
    append(&mut module, &section);
    refused_for(&check(&module), "above MaxWasmSize");
}

#[test]
fn a_growable_memory_with_its_hook_activates() {
    let report = refusals(&wat(
        r#"(module (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
             (memory (export "memory") 1)
             (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
    ));
    assert!(report.is_deployable(), "{report}");
}
