//! The `vm_hooks` host: every hostio a Stylus program may import, with
//! nitro's semantics and prices.
//!
//! Each hostio first settles the ink the program spent since the last one
//! ([`Frame::settle`]), then buys its own ink (nitro's base prices and data
//! copies) and, for what the EVM also does, gas by EVM rules (see
//! [`crate::gas`]). Running out traps the program with out-of-ink.
//!
//! Semantics worth knowing:
//! - **Storage cache.** Loads fill a per-frame cache (a hit costs no EVM
//!   gas); `storage_cache_bytes32` only writes the cache; `storage_flush_cache`
//!   writes the dirty slots to the state, each priced by EIP-2200/2929/3529,
//!   and empties the cache if asked. Unflushed writes die with the frame. A
//!   revert (or trap) of the frame undoes its flushed writes too.
//! - **Calls** run the callee in a fresh instance with the 63/64 rule; the
//!   callee's status is 0 (success), 1 (revert) or 2 (other failure), its
//!   output is the return data. A failed callee's writes, logs, transfers
//!   and warm accesses are rolled back.
//! - **Static context** (a static call and everything below it): flushing a
//!   dirty slot, storing transient storage, emitting a log or sending value
//!   traps the program, as nitro's host refuses them.
//! - **`msg_reentrant`** is true when the acting address already has a frame
//!   on the call stack.
//! - **`create1`/`create2`** need EVM init code, which this runtime cannot
//!   run: they always fail (address zero, no revert data).

use std::fmt;

use crate::keccak256;
use alloy_primitives::{Address, B256, U256};
use wasmi::{Caller, Engine, Error, Linker};

use crate::exec::{self, CachedWord, Frame, Message};
use crate::gas::{
    self, gas_to_ink, ink_to_gas, read_ink, write_ink, Category, ADD_MOD_INK, CALL_NEW_ACCOUNT_GAS,
    CALL_STIPEND, CALL_VALUE_GAS, CODE_LOAD_GAS, COLD_ACCOUNT_GAS, COLD_SLOAD_GAS, DIV_INK,
    EVM_API_INK, HOSTIO_INK, INK_PER_GAS, MUL_MOD_INK, PTR_INK, SSTORE_SENTRY_GAS, TRANSIENT_GAS,
};
use crate::log::Log;
use crate::report::CallKind;

/// Why the host stopped a program.
#[derive(Debug)]
pub(crate) enum HostTrap {
    /// Not enough ink or gas left.
    OutOfInk,
    /// A state change in a static context.
    WriteProtection(&'static str),
    /// `exit_early` with this status.
    Exit(u32),
    /// A malformed hostio argument.
    Bad(String),
}

impl fmt::Display for HostTrap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutOfInk => write!(f, "out of ink"),
            Self::WriteProtection(what) => write!(f, "write protection: {what} in a static call"),
            Self::Exit(status) => write!(f, "exit_early({status})"),
            Self::Bad(what) => write!(f, "{what}"),
        }
    }
}

impl wasmi::errors::HostError for HostTrap {}

impl From<HostTrap> for Error {
    fn from(trap: HostTrap) -> Self {
        Error::host(trap)
    }
}

/// The names of every `vm_hooks` function (Nitro's list, which this
/// runtime implements in full).
pub fn vm_hooks() -> impl Iterator<Item = &'static str> {
    stylus_check::hostio::HOSTIOS
        .iter()
        .map(|(name, _, _)| *name)
}

type Ctx<'a> = Caller<'a, Frame>;

/// Settles the ink the program spent so far and buys `ink` for `category`.
fn buy(c: &mut Ctx, category: Category, ink: u64) -> Result<(), Error> {
    let global = c.data().ink_left;
    let ink_now = exec::read_ink(&*c, global);
    let pages = c.data().memory.map_or(0, |m| exec::pages_of(&*c, m));
    let frame = c.data_mut();
    frame.settle(ink_now, pages)?;
    let bought = frame.meter.charge(category, ink);
    let left = frame.ink_to_give();
    exec::write_ink(&mut *c, global, left)?;
    bought.map_err(Error::from)
}

fn buy_gas(c: &mut Ctx, category: Category, gas: u64) -> Result<(), Error> {
    buy(c, category, gas_to_ink(gas))
}

/// Fails unless `gas` is left (after settling), burning nothing.
fn require_gas(c: &mut Ctx, gas: u64) -> Result<(), Error> {
    buy(c, Category::Hostio, 0)?;
    if c.data().meter.left() < gas_to_ink(gas) {
        return Err(HostTrap::OutOfInk.into());
    }
    Ok(())
}

fn slice_err(what: &str) -> Error {
    HostTrap::Bad(format!("{what} out of bounds")).into()
}

fn read(c: &Ctx, ptr: u32, len: u32) -> Result<Vec<u8>, Error> {
    let memory = c.data().memory.ok_or_else(|| slice_err("no memory:"))?;
    let (start, len) = (ptr as usize, len as usize);
    let end = start.checked_add(len).ok_or_else(|| slice_err("read"))?;
    memory
        .data(c)
        .get(start..end)
        .map(<[u8]>::to_vec)
        .ok_or_else(|| slice_err("read"))
}

fn read_array<const N: usize>(c: &Ctx, ptr: u32) -> Result<[u8; N], Error> {
    let bytes = read(c, ptr, N as u32)?;
    bytes.try_into().map_err(|_| slice_err("read"))
}

fn read_b256(c: &Ctx, ptr: u32) -> Result<B256, Error> {
    read_array::<32>(c, ptr).map(B256::from)
}

fn read_u256(c: &Ctx, ptr: u32) -> Result<U256, Error> {
    read_array::<32>(c, ptr).map(U256::from_be_bytes)
}

fn read_address(c: &Ctx, ptr: u32) -> Result<Address, Error> {
    read_array::<20>(c, ptr).map(Address::from)
}

fn write(c: &mut Ctx, ptr: u32, data: &[u8]) -> Result<(), Error> {
    let memory = c.data().memory.ok_or_else(|| slice_err("no memory:"))?;
    let start = ptr as usize;
    let end = start
        .checked_add(data.len())
        .ok_or_else(|| slice_err("write"))?;
    memory
        .data_mut(c)
        .get_mut(start..end)
        .ok_or_else(|| slice_err("write"))?
        .copy_from_slice(data);
    Ok(())
}

fn write_u32(c: &mut Ctx, ptr: u32, value: u32) -> Result<(), Error> {
    write(c, ptr, &value.to_le_bytes())
}

fn len_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// `data[offset..offset + size]`, cut at the end of `data`.
fn slice_with_runoff(data: &[u8], offset: u32, size: u32) -> &[u8] {
    let start = (offset as usize).min(data.len());
    let end = (offset as usize)
        .saturating_add(size as usize)
        .min(data.len());
    &data[start..end]
}

/// Hostios that only write a fixed value into the program.
fn write_value(c: &mut Ctx, ptr: u32, value: &[u8]) -> Result<(), Error> {
    buy(c, Category::Hostio, HOSTIO_INK + PTR_INK)?;
    write(c, ptr, value)
}

fn u256_bytes(value: U256) -> [u8; 32] {
    value.to_be_bytes::<32>()
}

/// A nested call of `kind`.
#[allow(clippy::too_many_arguments)]
fn do_call(
    mut c: Ctx,
    kind: CallKind,
    contract: u32,
    calldata: u32,
    calldata_len: u32,
    value: Option<u32>,
    gas: u64,
    return_data_len: u32,
) -> Result<u32, Error> {
    let len = calldata_len as usize;
    buy(
        &mut c,
        Category::Hostio,
        HOSTIO_INK + 3 * PTR_INK + EVM_API_INK + 2 * read_ink(len),
    )?;
    let gas_left = ink_to_gas(c.data().meter.left());
    let gas_requested = gas.min(gas_left);
    let contract = read_address(&c, contract)?;
    let input = read(&c, calldata, calldata_len)?;
    let value = match value {
        Some(ptr) => read_u256(&c, ptr)?,
        None => U256::ZERO,
    };
    let frame = c.data();
    if frame.msg.is_static && !value.is_zero() {
        return Err(HostTrap::WriteProtection("a value transfer").into());
    }
    let base = {
        let mut tx = frame.tx.borrow_mut();
        let mut base = tx.access_account(contract);
        if !value.is_zero() {
            base += CALL_VALUE_GAS;
            if tx.state.is_empty(contract) {
                base += CALL_NEW_ACCOUNT_GAS;
            }
        }
        base
    };
    buy_gas(&mut c, Category::Calls, base)?;
    let available = gas_left.saturating_sub(base);
    let stipend = if value.is_zero() { 0 } else { CALL_STIPEND };
    let callee_gas = gas_requested.min(available - available / 64) + stipend;

    let frame = c.data();
    let msg = match kind {
        CallKind::Delegate => Message {
            kind,
            caller: frame.msg.caller,
            address: frame.msg.address,
            code_address: contract,
            value: frame.msg.value,
            input,
            is_static: frame.msg.is_static,
            depth: frame.msg.depth + 1,
        },
        _ => Message {
            kind,
            caller: frame.msg.address,
            address: contract,
            code_address: contract,
            value,
            input,
            is_static: frame.msg.is_static || kind == CallKind::Static,
            depth: frame.msg.depth + 1,
        },
    };
    let (runtime, tx) = (frame.runtime.clone(), frame.tx.clone());
    let child = exec::execute(&runtime, &tx, msg, callee_gas);
    let spent = child.report.gas_used.saturating_sub(stipend);
    buy_gas(&mut c, Category::Callees, spent)?;
    let status = child.report.status.code();
    let out_len = len_u32(child.output.len());
    let frame = c.data_mut();
    frame.return_data = child.output;
    frame.calls.push(child.report);
    write_u32(&mut c, return_data_len, out_len)?;
    Ok(u32::from(status))
}

/// `create1`/`create2`: unsupported, they fail without running anything.
fn do_create(
    mut c: Ctx,
    code_len: u32,
    pointers: u64,
    contract: u32,
    revert_data_len: u32,
) -> Result<(), Error> {
    let len = code_len as usize;
    buy(
        &mut c,
        Category::Hostio,
        HOSTIO_INK + pointers * PTR_INK + EVM_API_INK + 2 * read_ink(len),
    )?;
    c.data_mut().return_data.clear();
    write(&mut c, contract, &[0; 20])?;
    write_u32(&mut c, revert_data_len, 0)
}

/// 256-bit arithmetic on words in the program's memory; the result
/// replaces the first operand.
fn math(c: &mut Ctx, ptrs: &[u32], ink: u64, op: impl Fn(&[U256]) -> U256) -> Result<(), Error> {
    buy(c, Category::Hostio, ink)?;
    let values = ptrs
        .iter()
        .map(|&ptr| read_u256(c, ptr))
        .collect::<Result<Vec<_>, _>>()?;
    write(c, ptrs[0], &u256_bytes(op(&values)))
}

/// Registers every hostio in a new linker.
#[allow(clippy::too_many_lines)]
pub(crate) fn linker(engine: &Engine) -> Linker<Frame> {
    let mut l = Linker::new(engine);
    let m = "vm_hooks";
    let defined = l
        .func_wrap(
            m,
            "read_args",
            |mut c: Ctx, dest: u32| -> Result<(), Error> {
                let len = c.data().msg.input.len();
                buy(&mut c, Category::Hostio, HOSTIO_INK + write_ink(len))?;
                let input = std::mem::take(&mut c.data_mut().msg.input);
                let written = write(&mut c, dest, &input);
                c.data_mut().msg.input = input;
                written
            },
        )
        .and_then(|l| {
            l.func_wrap(m, "write_result", |mut c: Ctx, ptr: u32, len: u32| {
                buy(
                    &mut c,
                    Category::Hostio,
                    HOSTIO_INK + 2 * read_ink(len as usize),
                )?;
                let output = read(&c, ptr, len)?;
                c.data_mut().output = output;
                Ok(())
            })
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "exit_early",
                |_: Ctx, status: u32| -> Result<(), Error> { Err(HostTrap::Exit(status).into()) },
            )
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "storage_load_bytes32",
                |mut c: Ctx, key: u32, dest: u32| {
                    buy(&mut c, Category::Hostio, HOSTIO_INK + 2 * PTR_INK)?;
                    let api_gas = ink_to_gas(EVM_API_INK);
                    require_gas(&mut c, COLD_SLOAD_GAS + 10 + api_gas)?;
                    let key = read_b256(&c, key)?;
                    let frame = c.data_mut();
                    let mut gas = frame.cache.read_gas();
                    let value = if let Some(word) = frame.cache.slots.get(&key) {
                        frame.storage.cached_reads += 1;
                        word.value
                    } else {
                        let (value, cold) = frame.tx.borrow_mut().sload(frame.msg.address, key);
                        if cold {
                            frame.storage.cold_reads += 1;
                        } else {
                            frame.storage.warm_reads += 1;
                        }
                        gas += gas::sload_gas(cold) + api_gas;
                        frame.cache.slots.insert(
                            key,
                            CachedWord {
                                value,
                                known: Some(value),
                            },
                        );
                        value
                    };
                    buy_gas(&mut c, Category::StorageRead, gas)?;
                    write(&mut c, dest, value.as_slice())
                },
            )
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "storage_cache_bytes32",
                |mut c: Ctx, key: u32, value: u32| {
                    buy(&mut c, Category::Hostio, HOSTIO_INK + 2 * PTR_INK)?;
                    require_gas(&mut c, SSTORE_SENTRY_GAS + 10)?;
                    let (key, value) = (read_b256(&c, key)?, read_b256(&c, value)?);
                    let frame = c.data_mut();
                    let gas = frame.cache.write_gas();
                    frame.storage.cache_writes += 1;
                    frame
                        .cache
                        .slots
                        .entry(key)
                        .and_modify(|word| word.value = value)
                        .or_insert(CachedWord { value, known: None });
                    buy_gas(&mut c, Category::StorageWrite, gas)
                },
            )
        })
        .and_then(|l| {
            l.func_wrap(m, "storage_flush_cache", |mut c: Ctx, clear: u32| {
                buy(&mut c, Category::Hostio, HOSTIO_INK + EVM_API_INK)?;
                require_gas(&mut c, SSTORE_SENTRY_GAS)?;
                c.data_mut().storage.flushes += 1;
                let dirty: Vec<(B256, B256)> = c
                    .data()
                    .cache
                    .slots
                    .iter()
                    .filter(|(_, word)| word.dirty())
                    .map(|(key, word)| (*key, word.value))
                    .collect();
                if !dirty.is_empty() && c.data().msg.is_static {
                    return Err(HostTrap::WriteProtection("a storage write").into());
                }
                for (key, value) in dirty {
                    let frame = c.data();
                    let address = frame.msg.address;
                    let cost = frame.tx.borrow().sstore_cost(address, key, value);
                    buy_gas(&mut c, Category::StorageWrite, cost.gas)?;
                    let frame = c.data_mut();
                    frame.tx.borrow_mut().sstore(address, key, value);
                    frame.storage.slots_written += 1;
                    if let Some(word) = frame.cache.slots.get_mut(&key) {
                        word.known = Some(value);
                    }
                }
                if clear != 0 {
                    c.data_mut().cache.slots.clear();
                }
                Ok(())
            })
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "transient_load_bytes32",
                |mut c: Ctx, key: u32, dest: u32| {
                    buy(
                        &mut c,
                        Category::Hostio,
                        HOSTIO_INK + 2 * PTR_INK + EVM_API_INK,
                    )?;
                    buy_gas(&mut c, Category::Transient, TRANSIENT_GAS)?;
                    let key = read_b256(&c, key)?;
                    let frame = c.data();
                    let value = frame.tx.borrow().tload(frame.msg.address, key);
                    write(&mut c, dest, value.as_slice())
                },
            )
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "transient_store_bytes32",
                |mut c: Ctx, key: u32, value: u32| {
                    buy(
                        &mut c,
                        Category::Hostio,
                        HOSTIO_INK + 2 * PTR_INK + EVM_API_INK,
                    )?;
                    buy_gas(&mut c, Category::Transient, TRANSIENT_GAS)?;
                    let (key, value) = (read_b256(&c, key)?, read_b256(&c, value)?);
                    let frame = c.data();
                    if frame.msg.is_static {
                        return Err(HostTrap::WriteProtection("a transient store").into());
                    }
                    frame.tx.borrow_mut().tstore(frame.msg.address, key, value);
                    Ok(())
                },
            )
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "call_contract",
                |c: Ctx, contract: u32, data: u32, len: u32, value: u32, gas: u64, ret: u32| {
                    do_call(
                        c,
                        CallKind::Call,
                        contract,
                        data,
                        len,
                        Some(value),
                        gas,
                        ret,
                    )
                },
            )
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "delegate_call_contract",
                |c: Ctx, contract: u32, data: u32, len: u32, gas: u64, ret: u32| {
                    do_call(c, CallKind::Delegate, contract, data, len, None, gas, ret)
                },
            )
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "static_call_contract",
                |c: Ctx, contract: u32, data: u32, len: u32, gas: u64, ret: u32| {
                    do_call(c, CallKind::Static, contract, data, len, None, gas, ret)
                },
            )
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "create1",
                |c: Ctx, _code: u32, len: u32, _endowment: u32, contract: u32, ret: u32| {
                    do_create(c, len, 3, contract, ret)
                },
            )
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "create2",
                |c: Ctx,
                 _code: u32,
                 len: u32,
                 _endowment: u32,
                 _salt: u32,
                 contract: u32,
                 ret: u32| { do_create(c, len, 4, contract, ret) },
            )
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "read_return_data",
                |mut c: Ctx, dest: u32, offset: u32, size: u32| -> Result<u32, Error> {
                    let available = len_u32(c.data().return_data.len()).saturating_sub(offset);
                    buy(
                        &mut c,
                        Category::Hostio,
                        HOSTIO_INK + EVM_API_INK + write_ink(size.min(available) as usize),
                    )?;
                    let data = std::mem::take(&mut c.data_mut().return_data);
                    let out = slice_with_runoff(&data, offset, size);
                    let written = len_u32(out.len());
                    let result = if out.is_empty() {
                        Ok(())
                    } else {
                        write(&mut c, dest, out)
                    };
                    c.data_mut().return_data = data;
                    result.map(|()| written)
                },
            )
        })
        .and_then(|l| {
            l.func_wrap(m, "return_data_size", |mut c: Ctx| -> Result<u32, Error> {
                buy(&mut c, Category::Hostio, HOSTIO_INK)?;
                Ok(len_u32(c.data().return_data.len()))
            })
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "emit_log",
                |mut c: Ctx, data: u32, len: u32, topics: u32| {
                    buy(&mut c, Category::Hostio, HOSTIO_INK + EVM_API_INK)?;
                    if topics > 4 || u64::from(len) < 32 * u64::from(topics) {
                        return Err(HostTrap::Bad("emit_log: bad topic data".into()).into());
                    }
                    buy(&mut c, Category::Hostio, read_ink(len as usize))?;
                    if c.data().msg.is_static {
                        return Err(HostTrap::WriteProtection("a log").into());
                    }
                    let topics = topics as usize;
                    let data_len = len as usize - 32 * topics;
                    buy_gas(&mut c, Category::Logs, gas::log_gas(topics, data_len))?;
                    let bytes = read(&c, data, len)?;
                    let (topic_bytes, data) = bytes.split_at(32 * topics);
                    let frame = c.data_mut();
                    frame.logs += 1;
                    frame.tx.borrow_mut().logs.push(Log {
                        address: frame.msg.address,
                        topics: topic_bytes.chunks_exact(32).map(B256::from_slice).collect(),
                        data: data.to_vec(),
                    });
                    Ok(())
                },
            )
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "account_balance",
                |mut c: Ctx, address: u32, dest: u32| {
                    buy(
                        &mut c,
                        Category::Hostio,
                        HOSTIO_INK + 2 * PTR_INK + EVM_API_INK,
                    )?;
                    require_gas(&mut c, COLD_ACCOUNT_GAS)?;
                    let address = read_address(&c, address)?;
                    let (gas, balance) = {
                        let mut tx = c.data().tx.borrow_mut();
                        (tx.access_account(address), tx.state.balance(address))
                    };
                    buy_gas(&mut c, Category::Account, gas)?;
                    write(&mut c, dest, &u256_bytes(balance))
                },
            )
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "account_code",
                |mut c: Ctx,
                 address: u32,
                 offset: u32,
                 size: u32,
                 dest: u32|
                 -> Result<u32, Error> {
                    buy(&mut c, Category::Hostio, HOSTIO_INK + EVM_API_INK)?;
                    require_gas(&mut c, COLD_ACCOUNT_GAS)?;
                    let address = read_address(&c, address)?;
                    let (gas, code) = {
                        let mut tx = c.data().tx.borrow_mut();
                        (
                            tx.access_account(address) + CODE_LOAD_GAS,
                            tx.state.code_bytes(address).to_vec(),
                        )
                    };
                    buy_gas(&mut c, Category::Account, gas)?;
                    buy(&mut c, Category::Hostio, write_ink(code.len()))?;
                    let out = slice_with_runoff(&code, offset, size);
                    write(&mut c, dest, out)?;
                    Ok(len_u32(out.len()))
                },
            )
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "account_code_size",
                |mut c: Ctx, address: u32| -> Result<u32, Error> {
                    buy(&mut c, Category::Hostio, HOSTIO_INK + EVM_API_INK)?;
                    require_gas(&mut c, COLD_ACCOUNT_GAS)?;
                    let address = read_address(&c, address)?;
                    let (gas, len) = {
                        let mut tx = c.data().tx.borrow_mut();
                        (
                            tx.access_account(address) + CODE_LOAD_GAS,
                            tx.state.code_bytes(address).len(),
                        )
                    };
                    buy_gas(&mut c, Category::Account, gas)?;
                    Ok(len_u32(len))
                },
            )
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "account_codehash",
                |mut c: Ctx, address: u32, dest: u32| {
                    buy(
                        &mut c,
                        Category::Hostio,
                        HOSTIO_INK + 2 * PTR_INK + EVM_API_INK,
                    )?;
                    require_gas(&mut c, COLD_ACCOUNT_GAS)?;
                    let address = read_address(&c, address)?;
                    let (gas, hash) = {
                        let mut tx = c.data().tx.borrow_mut();
                        (tx.access_account(address), tx.state.code_hash(address))
                    };
                    buy_gas(&mut c, Category::Account, gas)?;
                    write(&mut c, dest, hash.as_slice())
                },
            )
        })
        .and_then(|l| {
            l.func_wrap(m, "block_basefee", |mut c: Ctx, dest: u32| {
                let basefee = c.data().tx.borrow().env.basefee;
                write_value(&mut c, dest, &u256_bytes(basefee))
            })
        })
        .and_then(|l| {
            l.func_wrap(m, "block_coinbase", |mut c: Ctx, dest: u32| {
                let coinbase = c.data().tx.borrow().env.coinbase;
                write_value(&mut c, dest, coinbase.as_slice())
            })
        })
        .and_then(|l| {
            l.func_wrap(m, "block_gas_limit", |mut c: Ctx| -> Result<u64, Error> {
                buy(&mut c, Category::Hostio, HOSTIO_INK)?;
                Ok(c.data().tx.borrow().env.gas_limit)
            })
        })
        .and_then(|l| {
            l.func_wrap(m, "block_number", |mut c: Ctx| -> Result<u64, Error> {
                buy(&mut c, Category::Hostio, HOSTIO_INK)?;
                Ok(c.data().tx.borrow().env.number)
            })
        })
        .and_then(|l| {
            l.func_wrap(m, "block_timestamp", |mut c: Ctx| -> Result<u64, Error> {
                buy(&mut c, Category::Hostio, HOSTIO_INK)?;
                Ok(c.data().tx.borrow().env.timestamp)
            })
        })
        .and_then(|l| {
            l.func_wrap(m, "chainid", |mut c: Ctx| -> Result<u64, Error> {
                buy(&mut c, Category::Hostio, HOSTIO_INK)?;
                Ok(c.data().tx.borrow().env.chain_id)
            })
        })
        .and_then(|l| {
            l.func_wrap(m, "contract_address", |mut c: Ctx, dest: u32| {
                let address = c.data().msg.address;
                write_value(&mut c, dest, address.as_slice())
            })
        })
        .and_then(|l| {
            l.func_wrap(m, "evm_gas_left", |mut c: Ctx| -> Result<u64, Error> {
                buy(&mut c, Category::Hostio, HOSTIO_INK)?;
                Ok(ink_to_gas(c.data().meter.left()))
            })
        })
        .and_then(|l| {
            l.func_wrap(m, "evm_ink_left", |mut c: Ctx| -> Result<u64, Error> {
                buy(&mut c, Category::Hostio, HOSTIO_INK)?;
                Ok(c.data().meter.left())
            })
        })
        .and_then(|l| {
            l.func_wrap(m, "math_div", |mut c: Ctx, value: u32, divisor: u32| {
                let ink = HOSTIO_INK + 3 * PTR_INK + DIV_INK;
                math(&mut c, &[value, divisor], ink, |v| {
                    v[0].checked_div(v[1]).unwrap_or_default()
                })
            })
        })
        .and_then(|l| {
            l.func_wrap(m, "math_mod", |mut c: Ctx, value: u32, modulus: u32| {
                let ink = HOSTIO_INK + 3 * PTR_INK + DIV_INK;
                math(&mut c, &[value, modulus], ink, |v| {
                    v[0].checked_rem(v[1]).unwrap_or_default()
                })
            })
        })
        .and_then(|l| {
            l.func_wrap(m, "math_pow", |mut c: Ctx, value: u32, exponent: u32| {
                let exp = read_b256(&c, exponent)?;
                let ink = HOSTIO_INK + 3 * PTR_INK + gas::pow_ink(&exp);
                math(&mut c, &[value, exponent], ink, |v| v[0].wrapping_pow(v[1]))
            })
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "math_add_mod",
                |mut c: Ctx, value: u32, addend: u32, modulus: u32| {
                    let ink = HOSTIO_INK + 4 * PTR_INK + ADD_MOD_INK;
                    math(&mut c, &[value, addend, modulus], ink, |v| {
                        v[0].add_mod(v[1], v[2])
                    })
                },
            )
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "math_mul_mod",
                |mut c: Ctx, value: u32, multiplier: u32, modulus: u32| {
                    let ink = HOSTIO_INK + 4 * PTR_INK + MUL_MOD_INK;
                    math(&mut c, &[value, multiplier, modulus], ink, |v| {
                        v[0].mul_mod(v[1], v[2])
                    })
                },
            )
        })
        .and_then(|l| {
            l.func_wrap(m, "msg_reentrant", |mut c: Ctx| -> Result<u32, Error> {
                buy(&mut c, Category::Hostio, HOSTIO_INK)?;
                Ok(u32::from(c.data().reentrant))
            })
        })
        .and_then(|l| {
            l.func_wrap(m, "msg_sender", |mut c: Ctx, dest: u32| {
                let sender = c.data().msg.caller;
                write_value(&mut c, dest, sender.as_slice())
            })
        })
        .and_then(|l| {
            l.func_wrap(m, "msg_value", |mut c: Ctx, dest: u32| {
                let value = c.data().msg.value;
                write_value(&mut c, dest, &u256_bytes(value))
            })
        })
        .and_then(|l| {
            l.func_wrap(
                m,
                "native_keccak256",
                |mut c: Ctx, bytes: u32, len: u32, output: u32| {
                    buy(&mut c, Category::Keccak, gas::keccak_ink(len as usize))?;
                    let preimage = read(&c, bytes, len)?;
                    write(&mut c, output, keccak256(preimage).as_slice())
                },
            )
        })
        .and_then(|l| {
            l.func_wrap(m, "pay_for_memory_grow", |mut c: Ctx, pages: u32| {
                if pages == 0 {
                    return buy(&mut c, Category::Hostio, HOSTIO_INK);
                }
                let pages = pages & 0xffff; // a u16 in the ABI
                let gas = c.data().open_pages(pages).ok_or(HostTrap::OutOfInk)?;
                buy_gas(&mut c, Category::Memory, gas)
            })
        })
        .and_then(|l| {
            l.func_wrap(m, "tx_gas_price", |mut c: Ctx, dest: u32| {
                let price = c.data().tx.borrow().env.basefee;
                write_value(&mut c, dest, &u256_bytes(price))
            })
        })
        .and_then(|l| {
            l.func_wrap(m, "tx_ink_price", |mut c: Ctx| -> Result<u32, Error> {
                buy(&mut c, Category::Hostio, HOSTIO_INK)?;
                Ok(u32::try_from(INK_PER_GAS).unwrap_or(u32::MAX))
            })
        })
        .and_then(|l| {
            l.func_wrap(m, "tx_origin", |mut c: Ctx, dest: u32| {
                let origin = c.data().tx.borrow().origin;
                write_value(&mut c, dest, origin.as_slice())
            })
        })
        .map(|_| ());
    if let Err(error) = defined {
        unreachable!("the host's own definitions cannot clash: {error}");
    }
    l
}
