//! What a program's every call pays to start, as Nitro predicts it at
//! activation and charges at each call.
//!
//! - Activation (`WasmBinary::instrument`, `crates/prover/src/binary.rs`)
//!   measures the instrumented module and stores two `u16`s, `init_cost`
//!   and `cached_init_cost`; either above 65,535 fails activation.
//! - Each call (`Program.initGas` / `cachedGas`, `arbos/programs/programs.go`)
//!   pays `MinCachedInitGas·32 + ⌈cached·CachedCostScalar·2/100⌉`, and, if
//!   the program is not cached, also `MinInitGas·128 +
//!   ⌈init·InitCostScalar·2/100⌉`. With the defaults (`params.go`: 11, 69,
//!   scalars 50) that is `352 + cached` and `8,832 + init` more uncached.

/// `MinCachedInitGas` (11) in units of 32 gas.
pub const MIN_CACHED_INIT_GAS: u64 = 11 * 32;
/// `MinInitGas` (69 from Stylus version 2, ArbOS 31) in units of 128 gas.
pub const MIN_INIT_GAS: u64 = 69 * 128;
/// `InitCostScalar` and `CachedCostScalar` (50), in percent after Nitro's
/// factor of two.
pub const COST_SCALAR_PERCENT: u64 = 50 * 2;

/// What activation measures of the instrumented module.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// Functions defined (not imported).
    pub funcs: u64,
    /// Parameters plus results over the defined functions' types.
    pub type_len: u64,
    /// Bytes of the uncompressed module.
    pub wasm_len: u64,
    /// Globals, with the four the instrumentation adds.
    pub globals: u64,
    /// Encoded bytes of every data and element segment.
    pub data_len: u64,
    /// The memory's initial pages.
    pub footprint: u64,
}

/// The two costs activation records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InitCost {
    /// `init_cost`: paid on top when the program is not cached.
    pub init: u64,
    /// `cached_init_cost`: paid on every call.
    pub cached: u64,
}

/// `x·num/den`, each term truncated as Nitro's (saturating products).
fn term(x: u64, num: u64, den: u64) -> u64 {
    x.saturating_mul(num) / den
}

impl InitCost {
    /// Nitro's prediction for a module of this shape (Stylus version 2,
    /// whose `init_cost` no longer includes the cached part).
    #[must_use]
    pub fn of(shape: &Shape) -> Self {
        let cached = [
            term(shape.funcs, 13_420, 100_000),
            term(shape.type_len, 89, 100_000),
            term(shape.wasm_len, 122, 100_000),
            term(shape.globals, 1_628, 1_000),
            term(shape.data_len, 75_244, 100_000),
            shape.footprint.saturating_mul(5),
        ]
        .into_iter()
        .fold(0u64, u64::saturating_add);
        let init = [
            term(shape.funcs, 8_252, 1_000),
            term(shape.type_len, 1_059, 1_000),
            term(shape.wasm_len, 1_286, 10_000),
        ]
        .into_iter()
        .fold(0u64, u64::saturating_add);
        Self { init, cached }
    }

    /// Gas a call pays to start the program when it is cached (in the
    /// CacheManager, or from ArbOS 60 among the 32 most recently run).
    #[must_use]
    pub fn cached_call_gas(&self) -> u64 {
        MIN_CACHED_INIT_GAS.saturating_add(
            self.cached
                .saturating_mul(COST_SCALAR_PERCENT)
                .div_ceil(100),
        )
    }

    /// Gas a call pays to start the program when it is not cached.
    #[must_use]
    pub fn uncached_call_gas(&self) -> u64 {
        self.cached_call_gas()
            .saturating_add(MIN_INIT_GAS)
            .saturating_add(self.init.saturating_mul(COST_SCALAR_PERCENT).div_ceil(100))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_call_gas_adds_nitros_minimums() {
        let cost = InitCost {
            init: 16_709,
            cached: 1_566,
        };
        // The figures Nitro's activation gave the dAMM at 55232d3.
        assert_eq!(cost.cached_call_gas(), 1_918);
        assert_eq!(cost.uncached_call_gas(), 27_459);
    }

    #[test]
    fn each_term_is_truncated_on_its_own() {
        let shape = Shape {
            funcs: 1,
            type_len: 1,
            wasm_len: 7,
            globals: 1,
            data_len: 1,
            footprint: 1,
        };
        // 0 + 0 + 0 + 1 + 0 + 5 and 8 + 1 + 0.
        assert_eq!(InitCost::of(&shape), InitCost { init: 9, cached: 6 });
    }
}
