//! The gas schedule: what every instruction, hostio and state access costs.
//!
//! Stylus meters WASM execution in *ink* and everything the EVM also does
//! (storage, logs, calls, account access) in *gas*, at [`INK_PER_GAS`] ink
//! per gas. This module holds both schedules and the pure functions that
//! price one operation; the `exec` and `host` modules apply them.
//!
//! - **Execution** is metered as Stylus instruments it ([`crate::meter`]):
//!   each basic block pays its operators' ink (nitro's `pricing_v1`) plus
//!   [`BLOCK_HEADER_INK`] before it runs, and `memory.copy`/`memory.fill`
//!   pay 100 ink per byte.
//! - **Hostios** cost nitro's base ink ([`HOSTIO_INK`], [`PTR_INK`],
//!   [`EVM_API_INK`]) plus the per-byte prices of copying data in and out.
//! - **Storage** follows the EVM: EIP-2929 cold/warm access for a load that
//!   misses the per-call cache, EIP-2200/EIP-3529 for each slot written when
//!   the cache is flushed, with refunds capped at a fifth of the gas used.
//! - **Logs, keccak, calls, account access and memory** follow the EVM (and
//!   ArbOS's memory model for pages).

use alloy_primitives::B256;

/// Ink per unit of gas (Stylus's default ink price).
pub const INK_PER_GAS: u64 = 10_000;
/// Ink Stylus charges per basic block for checking the ink left.
pub const BLOCK_HEADER_INK: u64 = 2450;

/// Base ink of a hostio.
pub const HOSTIO_INK: u64 = 8400;
/// Extra ink per pointer a hostio reads or writes.
pub const PTR_INK: u64 = 13440 - HOSTIO_INK;
/// Extra ink of a hostio that goes through the EVM API.
pub const EVM_API_INK: u64 = 59673;
/// Extra ink of the 256-bit division hostios.
pub const DIV_INK: u64 = 20000;
/// Extra ink of `math_mul_mod`.
pub const MUL_MOD_INK: u64 = 24100;
/// Extra ink of `math_add_mod`.
pub const ADD_MOD_INK: u64 = 21000;

/// EIP-2929: first access to a storage slot in a transaction.
pub const COLD_SLOAD_GAS: u64 = 2100;
/// EIP-2929: any later access to a slot or account.
pub const WARM_ACCESS_GAS: u64 = 100;
/// EIP-2929: first access to an account in a transaction.
pub const COLD_ACCOUNT_GAS: u64 = 2600;
/// EIP-2200: writing a nonzero value to a slot that was zero.
pub const SSTORE_SET_GAS: u64 = 20000;
/// EIP-2200: changing a nonzero slot (before the EIP-2929 discount).
pub const SSTORE_RESET_GAS: u64 = 5000;
/// EIP-3529: refund for clearing a slot.
pub const SSTORE_CLEAR_REFUND: u64 = 4800;
/// EIP-2200: gas that must be left to write storage at all.
pub const SSTORE_SENTRY_GAS: u64 = 2300;
/// Base gas of a log.
pub const LOG_GAS: u64 = 375;
/// Gas per log topic.
pub const LOG_TOPIC_GAS: u64 = 375;
/// Gas per byte of log data.
pub const LOG_DATA_GAS: u64 = 8;
/// Ink of `native_keccak256` for up to two words.
pub const KECCAK_INK: u64 = 121_800;
/// Ink of `native_keccak256` per word beyond two.
pub const KECCAK_WORD_INK: u64 = 21_000;
/// Extra gas `account_code` and `account_code_size` pay to load code
/// (700 per 24 KiB of `MaxCodeSize`).
pub const CODE_LOAD_GAS: u64 = 700;
/// Gas of a call that transfers value.
pub const CALL_VALUE_GAS: u64 = 9000;
/// Gas of a value transfer that creates an account.
pub const CALL_NEW_ACCOUNT_GAS: u64 = 25000;
/// Free gas given to the callee of a value transfer.
pub const CALL_STIPEND: u64 = 2300;
/// EIP-1153 transient load or store.
pub const TRANSIENT_GAS: u64 = 100;
/// Base gas of a transaction.
pub const TX_GAS: u64 = 21000;
/// Extra base gas of a contract-creating transaction.
pub const TX_CREATE_GAS: u64 = 32000;
/// Calldata gas per zero byte.
pub const TX_DATA_ZERO_GAS: u64 = 4;
/// Calldata gas per nonzero byte.
pub const TX_DATA_NONZERO_GAS: u64 = 16;
/// EIP-3860: gas per 32-byte word of init code.
pub const INITCODE_WORD_GAS: u64 = 2;
/// Gas per byte of deployed code.
pub const CODE_DEPOSIT_GAS: u64 = 200;
/// EIP-3529: refunds are capped at gas used divided by this.
pub const MAX_REFUND_QUOTIENT: u64 = 5;
/// ArbOS memory model: pages open in a transaction that cost nothing.
pub const FREE_PAGES: u32 = 2;
/// ArbOS memory model: gas per page beyond the free ones.
pub const PAGE_GAS: u64 = 1000;
/// Most pages open at once in one transaction (ArbOS prices more as infinite).
pub const MAX_PAGES: u32 = 128;
/// Bytes in a WASM page.
pub const PAGE_BYTES: u64 = 65536;

/// Ink to gas, rounded down (what a program sees as gas left).
#[must_use]
pub const fn ink_to_gas(ink: u64) -> u64 {
    ink / INK_PER_GAS
}

/// Ink to gas, rounded up (what a program is charged).
#[must_use]
pub const fn ink_to_gas_ceil(ink: u64) -> u64 {
    ink.div_ceil(INK_PER_GAS)
}

/// Gas to ink, saturating.
#[must_use]
pub const fn gas_to_ink(gas: u64) -> u64 {
    gas.saturating_mul(INK_PER_GAS)
}

/// Ink to copy `bytes` from the program into the host.
#[must_use]
pub fn read_ink(bytes: usize) -> u64 {
    16381u64.saturating_add(55u64.saturating_mul(extra_bytes(bytes)))
}

/// Ink to copy `bytes` from the host into the program.
#[must_use]
pub fn write_ink(bytes: usize) -> u64 {
    5040u64.saturating_add(30u64.saturating_mul(extra_bytes(bytes)))
}

fn extra_bytes(bytes: usize) -> u64 {
    u64::try_from(bytes.saturating_sub(32)).unwrap_or(u64::MAX)
}

/// 32-byte words covering `bytes`.
#[must_use]
pub fn words(bytes: usize) -> u64 {
    u64::try_from(bytes.div_ceil(32)).unwrap_or(u64::MAX)
}

/// EIP-2929 gas of a storage load that misses the call's cache.
#[must_use]
pub const fn sload_gas(cold: bool) -> u64 {
    if cold {
        COLD_SLOAD_GAS
    } else {
        WARM_ACCESS_GAS
    }
}

/// EIP-2929 gas of an account access (call target, code hash, balance).
#[must_use]
pub const fn account_gas(cold: bool) -> u64 {
    if cold {
        COLD_ACCOUNT_GAS
    } else {
        WARM_ACCESS_GAS
    }
}

/// What one slot write costs, and how it moves the refund counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SstoreGas {
    /// Gas charged.
    pub gas: u64,
    /// Change of the transaction's refund counter.
    pub refund: i64,
}

/// EIP-2200 with EIP-2929 access costs and EIP-3529 refunds (geth's
/// `gasSStoreEIP2929`, which ArbOS also applies to each flushed slot):
/// `original` is the slot's value before the transaction, `current` its
/// value now, `new` the value written, `cold` whether the slot is not yet in
/// the access list.
#[must_use]
pub fn sstore_gas(original: B256, current: B256, new: B256, cold: bool) -> SstoreGas {
    let access = if cold { COLD_SLOAD_GAS } else { 0 };
    let refund_clear = i64::try_from(SSTORE_CLEAR_REFUND).unwrap_or(0);
    if current == new {
        return SstoreGas {
            gas: access + WARM_ACCESS_GAS,
            refund: 0,
        };
    }
    if original == current {
        if original.is_zero() {
            return SstoreGas {
                gas: access + SSTORE_SET_GAS,
                refund: 0,
            };
        }
        return SstoreGas {
            gas: access + SSTORE_RESET_GAS - COLD_SLOAD_GAS,
            refund: if new.is_zero() { refund_clear } else { 0 },
        };
    }
    let mut refund = 0i64;
    if !original.is_zero() {
        if current.is_zero() {
            refund -= refund_clear;
        } else if new.is_zero() {
            refund += refund_clear;
        }
    }
    if original == new {
        let back = if original.is_zero() {
            SSTORE_SET_GAS - WARM_ACCESS_GAS
        } else {
            SSTORE_RESET_GAS - COLD_SLOAD_GAS - WARM_ACCESS_GAS
        };
        refund += i64::try_from(back).unwrap_or(0);
    }
    SstoreGas {
        gas: access + WARM_ACCESS_GAS,
        refund,
    }
}

/// Gas of a log with `topics` topics and `data_len` bytes of data.
#[must_use]
pub fn log_gas(topics: usize, data_len: usize) -> u64 {
    let topics = u64::try_from(topics).unwrap_or(u64::MAX);
    let data = u64::try_from(data_len).unwrap_or(u64::MAX);
    LOG_GAS
        .saturating_add(LOG_TOPIC_GAS.saturating_mul(topics))
        .saturating_add(LOG_DATA_GAS.saturating_mul(data))
}

/// Ink of `native_keccak256` over `len` bytes (nitro's `keccak_price`):
/// 121,800 for up to two words, 21,000 per word beyond; no hostio base.
#[must_use]
pub fn keccak_ink(len: usize) -> u64 {
    KECCAK_INK.saturating_add(KECCAK_WORD_INK.saturating_mul(words(len).saturating_sub(2)))
}

/// `MEMORY_EXPONENTS` of nitro's memory model
/// (`crates/prover/src/programs/memory.rs`): about `31,874,000^(p/128)`.
const MEMORY_EXPONENTS: [u32; 129] = [
    1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 11, 12, 14, 17, 19, 22, 25, 29, 33, 38,
    43, 50, 57, 65, 75, 85, 98, 112, 128, 147, 168, 193, 221, 253, 289, 331, 379, 434, 497, 569,
    651, 745, 853, 976, 1117, 1279, 1463, 1675, 1917, 2194, 2511, 2874, 3290, 3765, 4309, 4932,
    5645, 6461, 7395, 8464, 9687, 11087, 12689, 14523, 16621, 19024, 21773, 24919, 28521, 32642,
    37359, 42758, 48938, 56010, 64104, 73368, 83971, 96106, 109994, 125890, 144082, 164904, 188735,
    216010, 247226, 282953, 323844, 370643, 424206, 485509, 555672, 635973, 727880, 833067, 953456,
    1091243, 1248941, 1429429, 1636000, 1872423, 2143012, 2452704, 2807151, 3212820, 3677113,
    4208502, 4816684, 5512756, 6309419, 7221210, 8264766, 9459129, 10826093, 12390601, 14181199,
    16230562, 18576084, 21260563, 24332984, 27849408, 31873999,
];

/// Nitro's `MemoryModel::gas_cost` with ArbOS's defaults (2 free pages,
/// 1,000 gas a page): gas to open `pages` more while `open` are open and at
/// most `ever` were open at once in this transaction. Each page opened
/// beyond the free ones pays [`PAGE_GAS`], and a new high-water mark pays
/// the rise of the exponential table. `None` beyond [`MAX_PAGES`], which
/// nitro prices at `u64::MAX`.
#[must_use]
pub fn memory_gas(pages: u32, open: u32, ever: u32) -> Option<u64> {
    let new_open = open.saturating_add(pages);
    let new_ever = ever.max(new_open);
    if new_ever <= FREE_PAGES {
        return Some(0);
    }
    let exp = |p: u32| MEMORY_EXPONENTS.get(p as usize).map(|&x| u64::from(x));
    let expand = exp(new_ever)?.checked_sub(exp(ever)?)?;
    let credit = |p: u32| p.saturating_sub(FREE_PAGES);
    let adding = u64::from(credit(new_open).saturating_sub(credit(open)));
    Some(adding * PAGE_GAS + expand)
}

/// Calldata gas: 4 per zero byte, 16 per nonzero byte.
#[must_use]
pub fn calldata_gas(data: &[u8]) -> u64 {
    data.iter()
        .map(|&b| {
            if b == 0 {
                TX_DATA_ZERO_GAS
            } else {
                TX_DATA_NONZERO_GAS
            }
        })
        .sum()
}

/// A transaction's intrinsic gas: base, calldata, and for a creation the
/// creation surcharge and the EIP-3860 init-code words.
#[must_use]
pub fn intrinsic_gas(data: &[u8], create: bool) -> u64 {
    let mut gas = TX_GAS + calldata_gas(data);
    if create {
        gas += TX_CREATE_GAS + INITCODE_WORD_GAS * words(data.len());
    }
    gas
}

/// Ink of `math_pow` for `exponent` (nitro's `pay_for_pow`).
#[must_use]
pub fn pow_ink(exponent: &B256) -> u64 {
    let leading = exponent.iter().take_while(|&&b| b == 0).count();
    let bytes = 33 - u64::try_from(leading).unwrap_or(32);
    3000 + bytes * 17500
}

/// Gas by category, for a report. Compute and hostio overheads are ink
/// rounded up to whole gas; everything else is whole gas by construction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GasBreakdown {
    /// Starting the program: nitro's init gas, cached or not.
    pub init: u64,
    /// WASM execution: the basic blocks the program paid for.
    pub compute: u64,
    /// Hostio base and data-copy costs.
    pub hostio: u64,
    /// Storage loads that missed the call's cache (EIP-2929), and cache reads.
    pub storage_read: u64,
    /// Storage writes: cache writes and flushed slots (EIP-2200/EIP-3529).
    pub storage_write: u64,
    /// Transient storage (EIP-1153).
    pub transient: u64,
    /// Logs: 375 + 375 per topic + 8 per byte.
    pub logs: u64,
    /// `native_keccak256`: nitro's ink price.
    pub keccak: u64,
    /// Account access for code hashes, code and balances (EIP-2929).
    pub account: u64,
    /// Calls' own costs: target access (EIP-2929) and value transfer.
    pub calls: u64,
    /// Gas used by the callees of this call.
    pub callees: u64,
    /// Memory pages (ArbOS's memory model).
    pub memory: u64,
}

impl GasBreakdown {
    /// The sum of every category.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.init
            + self.compute
            + self.hostio
            + self.storage_read
            + self.storage_write
            + self.transient
            + self.logs
            + self.keccak
            + self.account
            + self.calls
            + self.callees
            + self.memory
    }
}

/// Where one frame's ink went, exact (the report's [`GasBreakdown`] is this
/// rounded to gas).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct InkLedger {
    pub init: u64,
    pub compute: u64,
    pub hostio: u64,
    pub storage_read: u64,
    pub storage_write: u64,
    pub transient: u64,
    pub logs: u64,
    pub keccak: u64,
    pub account: u64,
    pub calls: u64,
    pub callees: u64,
    pub memory: u64,
}

/// A category of [`InkLedger`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Category {
    Init,
    Hostio,
    StorageRead,
    StorageWrite,
    Transient,
    Logs,
    Keccak,
    Account,
    Calls,
    Callees,
    Memory,
}

impl InkLedger {
    pub fn total(&self) -> u64 {
        self.init
            + self.compute
            + self.hostio
            + self.storage_read
            + self.storage_write
            + self.transient
            + self.logs
            + self.keccak
            + self.account
            + self.calls
            + self.callees
            + self.memory
    }

    pub fn add(&mut self, category: Category, ink: u64) {
        let slot = match category {
            Category::Init => &mut self.init,
            Category::Hostio => &mut self.hostio,
            Category::StorageRead => &mut self.storage_read,
            Category::StorageWrite => &mut self.storage_write,
            Category::Transient => &mut self.transient,
            Category::Logs => &mut self.logs,
            Category::Keccak => &mut self.keccak,
            Category::Account => &mut self.account,
            Category::Calls => &mut self.calls,
            Category::Callees => &mut self.callees,
            Category::Memory => &mut self.memory,
        };
        *slot = slot.saturating_add(ink);
    }

    pub fn gas(&self) -> GasBreakdown {
        GasBreakdown {
            init: ink_to_gas_ceil(self.init),
            compute: ink_to_gas_ceil(self.compute),
            hostio: ink_to_gas_ceil(self.hostio),
            storage_read: ink_to_gas_ceil(self.storage_read),
            storage_write: ink_to_gas_ceil(self.storage_write),
            transient: ink_to_gas_ceil(self.transient),
            logs: ink_to_gas_ceil(self.logs),
            keccak: ink_to_gas_ceil(self.keccak),
            account: ink_to_gas_ceil(self.account),
            calls: ink_to_gas_ceil(self.calls),
            callees: ink_to_gas_ceil(self.callees),
            memory: ink_to_gas_ceil(self.memory),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(n: u8) -> B256 {
        B256::with_last_byte(n)
    }

    #[test]
    fn a_cold_sload_costs_more_than_a_warm_one() {
        assert_eq!(sload_gas(true), 2100);
        assert_eq!(sload_gas(false), 100);
        assert!(sload_gas(true) > sload_gas(false));
    }

    #[test]
    fn sstore_follows_eip2200_with_eip2929_and_eip3529() {
        let (zero, one, two) = (B256::ZERO, word(1), word(2));
        // Fresh slot, cold: 2100 + 20000.
        assert_eq!(sstore_gas(zero, zero, one, true).gas, 22100);
        // Changing a clean nonzero slot, warm: 2900.
        assert_eq!(sstore_gas(one, one, two, false).gas, 2900);
        // Clearing a clean nonzero slot refunds 4800.
        assert_eq!(
            sstore_gas(one, one, zero, false),
            SstoreGas {
                gas: 2900,
                refund: 4800
            }
        );
        // No-op write: a warm read.
        assert_eq!(sstore_gas(one, one, one, false).gas, 100);
        // Dirty slot set back to its original zero: refund 19900.
        assert_eq!(
            sstore_gas(zero, one, zero, false),
            SstoreGas {
                gas: 100,
                refund: 19900
            }
        );
        // Dirty nonzero slot restored: refund 2800.
        assert_eq!(sstore_gas(one, two, one, false).refund, 2800);
        // Un-clearing a slot cleared earlier takes the refund back.
        assert_eq!(sstore_gas(one, zero, two, false).refund, -4800);
    }

    #[test]
    fn logs_keccak_and_calldata_follow_the_evm() {
        assert_eq!(log_gas(3, 96), 375 + 3 * 375 + 8 * 96);
        assert_eq!(keccak_ink(0), 121_800);
        assert_eq!(keccak_ink(64), 121_800);
        assert_eq!(keccak_ink(65), 142_800);
        assert_eq!(calldata_gas(&[0, 1, 0, 2]), 4 + 16 + 4 + 16);
        assert_eq!(intrinsic_gas(&[], false), 21000);
    }

    #[test]
    fn memory_pages_follow_nitros_model() {
        assert_eq!(memory_gas(2, 0, 0), Some(0));
        // One page beyond the free two: 1,000 plus exp(3) − exp(0) = 0.
        assert_eq!(memory_gas(3, 0, 0), Some(1000));
        // Reopening pages after a nested call closed them pays the linear
        // part again, but not the exponential one.
        assert_eq!(memory_gas(3, 0, 3), Some(1000));
        // 3 open, 2 more: 2,000 plus exp(5) − exp(3) = 0.
        assert_eq!(memory_gas(2, 3, 3), Some(2000));
        // The exponential part: from 10 to 20 pages ever, exp 3 → 14.
        assert_eq!(memory_gas(10, 10, 10), Some(10_000 + 14 - 3));
        assert_eq!(memory_gas(MAX_PAGES + 1, 0, 0), None);
    }

    #[test]
    fn ink_converts_at_ten_thousand_per_gas() {
        assert_eq!(gas_to_ink(3), 30_000);
        assert_eq!(ink_to_gas(19_999), 1);
        assert_eq!(ink_to_gas_ceil(10_001), 2);
    }
}
