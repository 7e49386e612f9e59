//! The ABI router: decodes calldata, calls the public method, encodes the
//! result.
//!
//! `#[public]` would generate a router too, but a generic decoder and encoder
//! per method signature is the largest single item in the WASM. Every
//! argument and result of this contract is a static ABI word (plus two
//! constant strings), so one small word reader and the shared word encoder
//! ([`crate::abi`]) serve all 36 methods. `#[public]` still runs on the same
//! methods under `export-abi`, so the exported interface is the SDK's own;
//! the tests check that this router answers every selector in it.
//!
//! Like the SDK's router it refuses ETH (no method is payable), reverts with
//! empty data on malformed arguments, and guards the constructor with the
//! SDK's own one-shot slot.

// The ABI printer (`export-abi`) uses `#[public]`'s router and only needs
// the dispatch for the timelock's replay.
#![cfg_attr(feature = "export-abi", allow(dead_code, unused_imports))]

use alloc::vec::Vec;

use alloy_primitives::{Address, FixedBytes, U256};
use damm_math::arith::{from_be_bytes, to_be_bytes};
use stylus_sdk::abi::Router;
use stylus_sdk::function_selector as sel;
use stylus_sdk::prelude::*;
use stylus_sdk::ArbResult;

use crate::abi::{encode, Word};
use crate::errors::Error;
use crate::Damm;

/// A method's selector as a number.
macro_rules! selector {
    ($($t:tt)*) => {
        u32::from_be_bytes(sel!($($t)*))
    };
}

/// Calldata after the selector, read as 32-byte words with the ABI's range
/// checks (an address or a small integer must be left-padded with zeros).
struct Args<'a>(&'a [u8]);

impl Args<'_> {
    fn word(&self, index: usize) -> Option<U256> {
        let start = index.checked_mul(32)?;
        let bytes: [u8; 32] = self.0.get(start..start.checked_add(32)?)?.try_into().ok()?;
        Some(from_be_bytes(&bytes))
    }

    fn u256(&self, index: usize) -> Option<U256> {
        self.word(index)
    }

    fn bits(&self, index: usize, bits: usize) -> Option<U256> {
        let word = self.word(index)?;
        (word.bit_len() <= bits).then_some(word)
    }

    fn address(&self, index: usize) -> Option<Address> {
        let word = self.bits(index, 160)?;
        Some(crate::store::address_of(&to_be_bytes(word)))
    }

    fn u64(&self, index: usize) -> Option<u64> {
        Some(self.bits(index, 64)?.to::<u64>())
    }

    fn u8(&self, index: usize) -> Option<u8> {
        Some(self.bits(index, 8)?.to::<u8>())
    }

    fn bool(&self, index: usize) -> Option<bool> {
        Some(!self.bits(index, 1)?.is_zero())
    }

    fn b32(&self, index: usize) -> Option<FixedBytes<32>> {
        Some(FixedBytes(to_be_bytes(self.word(index)?)))
    }
}

/// ABI words of a result.
fn words(values: &[U256]) -> Vec<u8> {
    encode(&[], values)
}

/// An ABI-encoded `string` return of up to 32 bytes.
fn string(text: &str) -> Vec<u8> {
    let mut padded = [0u8; 32];
    for (byte, &c) in padded.iter_mut().zip(text.as_bytes()) {
        *byte = c;
    }
    words(&[
        U256::from(32),
        U256::from(text.len()),
        from_be_bytes(&padded),
    ])
}

const NAME: u32 = selector!("name");
const SYMBOL: u32 = selector!("symbol");
const DECIMALS: u32 = selector!("decimals");
const TOTAL_SUPPLY: u32 = selector!("totalSupply");
const BALANCE_OF: u32 = selector!("balanceOf", Address);
const ALLOWANCE: u32 = selector!("allowance", Address, Address);
const TRANSFER: u32 = selector!("transfer", Address, U256);
const APPROVE: u32 = selector!("approve", Address, U256);
const TRANSFER_FROM: u32 = selector!("transferFrom", Address, Address, U256);
const DEPOSIT: u32 = selector!("deposit", U256, U256, U256, Address, U256);
const LOCK_WITHDRAWAL: u32 = selector!("lockWithdrawal", U256, U256, U256, Address, U256);
const COMPLETE_WITHDRAWAL: u32 = selector!("completeWithdrawal", u64);
const WITHDRAWAL: u32 = selector!("withdrawal", u64);
const WITHDRAWAL_COUNT: u32 = selector!("withdrawalCount");
const SWAP_EXACT_IN: u32 = selector!("swapExactIn", bool, U256, U256, Address, U256);
const SWAP_EXACT_OUT: u32 = selector!("swapExactOut", bool, U256, U256, Address, U256);
const QUOTE_EXACT_IN: u32 = selector!("quoteExactIn", bool, U256);
const QUOTE_EXACT_OUT: u32 = selector!("quoteExactOut", bool, U256);
const CURRENT_FEE: u32 = selector!("currentFee");
use crate::timelock::{REGISTER_MARKET, SET_OPERATOR, SET_PARAMETER};
const SET_MARKET_ACTIVE: u32 = selector!("setMarketActive", u64, bool);
const RETIRE_MARKET: u32 = selector!("retireMarket", u64);
const CHECKPOINT: u32 = selector!(
    "checkpoint",
    u64,
    u64,
    U256,
    U256,
    U256,
    U256,
    U256,
    U256,
    U256,
    FixedBytes<32>
);
const MARKET: u32 = selector!("market", u64);
const MARKET_COUNT: u32 = selector!("marketCount");
const TOKENS: u32 = selector!("tokens");
const RESERVES: u32 = selector!("reserves");
const HEALTH_FACTOR: u32 = selector!("healthFactor");
const PARAMETERS: u32 = selector!("parameters");
const OWNER: u32 = selector!("owner");
const PENDING_OWNER: u32 = selector!("pendingOwner");
const TRANSFER_OWNERSHIP: u32 = selector!("transferOwnership", Address);
const ACCEPT_OWNERSHIP: u32 = selector!("acceptOwnership");
const SET_PAUSED: u32 = selector!("setPaused", bool);
const GO_LIVE: u32 = selector!("goLive");
const IS_LIVE: u32 = selector!("isLive");
const EXECUTE_CHANGE: u32 = selector!("executeChange", u64);
const CANCEL_CHANGE: u32 = selector!("cancelChange", u64);
const CHANGE: u32 = selector!("change", u64);
const CHANGE_COUNT: u32 = selector!("changeCount");
const LOCK_MARKET_SHARES: u32 = selector!("lockMarketShares", u64, U256, U256, U256);
const REDIRECT_WITHDRAWAL: u32 = selector!("redirectWithdrawal", u64, Address);
const EXTERNAL_CAPS: u32 = selector!("externalCaps");

/// Every selector this router answers, for the tests.
pub const SELECTORS: [u32; 45] = [
    NAME,
    SYMBOL,
    DECIMALS,
    TOTAL_SUPPLY,
    BALANCE_OF,
    ALLOWANCE,
    TRANSFER,
    APPROVE,
    TRANSFER_FROM,
    DEPOSIT,
    LOCK_WITHDRAWAL,
    COMPLETE_WITHDRAWAL,
    WITHDRAWAL,
    WITHDRAWAL_COUNT,
    SWAP_EXACT_IN,
    SWAP_EXACT_OUT,
    QUOTE_EXACT_IN,
    QUOTE_EXACT_OUT,
    CURRENT_FEE,
    REGISTER_MARKET,
    SET_MARKET_ACTIVE,
    SET_OPERATOR,
    RETIRE_MARKET,
    CHECKPOINT,
    MARKET,
    MARKET_COUNT,
    TOKENS,
    RESERVES,
    HEALTH_FACTOR,
    PARAMETERS,
    OWNER,
    PENDING_OWNER,
    TRANSFER_OWNERSHIP,
    ACCEPT_OWNERSHIP,
    SET_PARAMETER,
    SET_PAUSED,
    GO_LIVE,
    IS_LIVE,
    EXECUTE_CHANGE,
    CANCEL_CHANGE,
    CHANGE,
    CHANGE_COUNT,
    LOCK_MARKET_SHARES,
    REDIRECT_WITHDRAWAL,
    EXTERNAL_CAPS,
];

/// Calls the method `selector` names; `None` for an unknown selector or
/// malformed arguments (both revert with empty data).
fn dispatch(d: &mut Damm, selector: u32, a: &Args) -> Option<Result<Vec<u8>, Error>> {
    let none = |r: Result<(), Error>| r.map(|()| Vec::new());
    let one = |v: U256| words(&[v]);
    Some(match selector {
        NAME => Ok(string(&d.name())),
        SYMBOL => Ok(string(&d.symbol())),
        DECIMALS => Ok(one(d.decimals().word())),
        TOTAL_SUPPLY => Ok(one(d.total_supply())),
        BALANCE_OF => Ok(one(d.balance_of(a.address(0)?))),
        ALLOWANCE => Ok(one(d.allowance(a.address(0)?, a.address(1)?))),
        TRANSFER => d
            .transfer(a.address(0)?, a.u256(1)?)
            .map(|ok| one(ok.word())),
        APPROVE => d
            .approve(a.address(0)?, a.u256(1)?)
            .map(|ok| one(ok.word())),
        TRANSFER_FROM => d
            .transfer_from(a.address(0)?, a.address(1)?, a.u256(2)?)
            .map(|ok| one(ok.word())),
        DEPOSIT => d
            .deposit(
                a.u256(0)?,
                a.u256(1)?,
                a.u256(2)?,
                a.address(3)?,
                a.u256(4)?,
            )
            .map(|(shares, used0, used1)| words(&[shares, used0, used1])),
        LOCK_WITHDRAWAL => d
            .lock_withdrawal(
                a.u256(0)?,
                a.u256(1)?,
                a.u256(2)?,
                a.address(3)?,
                a.u256(4)?,
            )
            .map(|id| one(id.word())),
        COMPLETE_WITHDRAWAL => d
            .complete_withdrawal(a.u64(0)?)
            .map(|(x, y)| words(&[x, y])),
        WITHDRAWAL => d
            .withdrawal(a.u64(0)?)
            .map(|(to, market, x, y, at, ready, done)| {
                words(&[
                    to.word(),
                    market.word(),
                    x,
                    y,
                    at.word(),
                    ready.word(),
                    done.word(),
                ])
            }),
        WITHDRAWAL_COUNT => Ok(one(d.withdrawal_count().word())),
        SWAP_EXACT_IN => d
            .swap_exact_in(
                a.bool(0)?,
                a.u256(1)?,
                a.u256(2)?,
                a.address(3)?,
                a.u256(4)?,
            )
            .map(one),
        SWAP_EXACT_OUT => d
            .swap_exact_out(
                a.bool(0)?,
                a.u256(1)?,
                a.u256(2)?,
                a.address(3)?,
                a.u256(4)?,
            )
            .map(one),
        QUOTE_EXACT_IN => d
            .quote_exact_in(a.bool(0)?, a.u256(1)?)
            .map(|(v, fee)| words(&[v, fee])),
        QUOTE_EXACT_OUT => d
            .quote_exact_out(a.bool(0)?, a.u256(1)?)
            .map(|(v, fee)| words(&[v, fee])),
        CURRENT_FEE => d.current_fee().map(one),
        REGISTER_MARKET => d
            .register_market(
                a.address(0)?,
                a.u8(1)?,
                a.u256(2)?,
                a.u256(3)?,
                a.u256(4)?,
                a.u256(5)?,
            )
            .map(|id| one(id.word())),
        SET_MARKET_ACTIVE => none(d.set_market_active(a.u64(0)?, a.bool(1)?)),
        SET_OPERATOR => none(d.set_operator(a.u64(0)?, a.address(1)?)),
        RETIRE_MARKET => none(d.retire_market(a.u64(0)?)),
        CHECKPOINT => none(d.checkpoint(
            a.u64(0)?,
            a.u64(1)?,
            a.u256(2)?,
            a.u256(3)?,
            a.u256(4)?,
            a.u256(5)?,
            a.u256(6)?,
            a.u256(7)?,
            a.u256(8)?,
            a.b32(9)?,
        )),
        MARKET => d.market(a.u64(0)?).map(|m| {
            words(&[
                m.0.word(),
                m.1.word(),
                m.2.word(),
                m.3,
                m.4,
                m.5,
                m.6,
                m.7.word(),
                m.8,
                m.9,
                m.10.word(),
                m.11,
                m.12,
            ])
        }),
        MARKET_COUNT => Ok(one(d.market_count().word())),
        TOKENS => {
            let (token0, token1) = d.tokens();
            Ok(words(&[token0.word(), token1.word()]))
        }
        RESERVES => {
            let (x, y, rx, ry) = d.reserves();
            Ok(words(&[x, y, rx, ry]))
        }
        HEALTH_FACTOR => Ok(one(d.health_factor())),
        PARAMETERS => {
            let p = d.parameters();
            Ok(words(&[
                p.0,
                p.1,
                p.2,
                p.3.word(),
                p.4.word(),
                p.5,
                p.6,
                p.7.word(),
            ]))
        }
        OWNER => Ok(one(d.owner().word())),
        PENDING_OWNER => Ok(one(d.pending_owner().word())),
        TRANSFER_OWNERSHIP => none(d.transfer_ownership(a.address(0)?)),
        ACCEPT_OWNERSHIP => none(d.accept_ownership()),
        SET_PARAMETER => none(d.set_parameter(a.u8(0)?, a.u256(1)?)),
        SET_PAUSED => none(d.set_paused(a.bool(0)?)),
        GO_LIVE => none(d.go_live()),
        IS_LIVE => Ok(one(d.is_live().word())),
        EXECUTE_CHANGE => d.execute_change(a.u64(0)?).map(one),
        CANCEL_CHANGE => none(d.cancel_change(a.u64(0)?)),
        CHANGE => d.change(a.u64(0)?).map(|(due, state, call)| {
            // (uint64, uint8, bytes): the bytes' offset, length and words.
            let mut out = vec![
                due.word(),
                state.word(),
                U256::from(96),
                U256::from(call.len()),
            ];
            out.extend(crate::timelock::args_words(&call));
            words(&out)
        }),
        CHANGE_COUNT => Ok(one(d.change_count().word())),
        LOCK_MARKET_SHARES => d
            .lock_market_shares(a.u64(0)?, a.u256(1)?, a.u256(2)?, a.u256(3)?)
            .map(|id| one(id.word())),
        REDIRECT_WITHDRAWAL => none(d.redirect_withdrawal(a.u64(0)?, a.address(1)?)),
        EXTERNAL_CAPS => {
            let (per_checkpoint, per_day) = d.external_caps();
            Ok(words(&[per_checkpoint, per_day]))
        }
        _ => return None,
    })
}

/// A call: refuses ETH (no method is payable), then dispatches.
fn call(storage: &mut Damm, selector: u32, input: &[u8]) -> ArbResult {
    if storage.deny_value("").is_err() {
        return Err(Vec::new());
    }
    match dispatch(storage, selector, &Args(input)) {
        Some(result) => result.map_err(Into::into),
        None => Err(Vec::new()),
    }
}

impl Damm {
    /// Runs a governed call the timelock kept, through the same dispatch as
    /// any call (so the same checks run again), and returns its first result
    /// word.
    pub(crate) fn replay(&mut self, call: &[u8]) -> Result<U256, Error> {
        let (Some(selector), Some(args)) = (call.get(..4), call.get(4..)) else {
            return Ok(U256::ZERO);
        };
        let selector = u32::from_be_bytes([selector[0], selector[1], selector[2], selector[3]]);
        match dispatch(self, selector, &Args(args)) {
            Some(result) => Ok(Args(&result?).word(0).unwrap_or_default()),
            None => Ok(U256::ZERO),
        }
    }
}

/// The constructor: refuses ETH and a second run, then constructs. The
/// one-shot guard is the SDK's own slot (`CONSTRUCTOR_EXECUTED_SLOT`), read
/// and written as one word.
fn construct(storage: &mut Damm, input: &[u8]) -> ArbResult {
    if storage.deny_value("").is_err() {
        return Err(Vec::new());
    }
    let guard = alloy_primitives::B256::from(to_be_bytes(
        stylus_sdk::abi::internal::CONSTRUCTOR_EXECUTED_SLOT,
    ));
    if storage.read_word(guard) != crate::store::Word::default() {
        return Err(Vec::new());
    }
    storage.write_word(guard, crate::store::Word([0, 0, 0, 1]));
    let a = Args(input);
    match (a.address(0), a.address(1), a.address(2)) {
        (Some(token0), Some(token1), Some(owner)) => storage
            .constructor(token0, token1, owner)
            .map(|()| Vec::new())
            .map_err(Into::into),
        _ => Err(Vec::new()),
    }
}

/// The contract's entry in the WASM, through the SDK's function entrypoint
/// (which refuses re-entry, reads the calldata, flushes the storage cache
/// and writes the result): the constructor's selector constructs, any
/// other is a call. The SDK's struct router would add its own checks and
/// their panic data, which every call pays to load.
#[cfg(target_arch = "wasm32")]
#[stylus_sdk::prelude::entrypoint]
fn entry(input: Vec<u8>, host: stylus_sdk::host::VM) -> ArbResult {
    use stylus_sdk::storage::StorageType;
    // SAFETY: the contract's storage is its own; the SDK's routers build it
    // the same way.
    let mut storage = unsafe { Damm::new(U256::ZERO, 0, host) };
    let (Some(selector), Some(args)) = (input.get(..4), input.get(4..)) else {
        return Err(Vec::new());
    };
    let selector = u32::from_be_bytes([selector[0], selector[1], selector[2], selector[3]]);
    if selector == stylus_sdk::abi::CONSTRUCTOR_SELECTOR {
        construct(&mut storage, args)
    } else {
        call(&mut storage, selector, args)
    }
}

/// The SDK's router for native builds (motsu), over the same two paths.
/// (Under `export-abi`, `#[public]` generates the router instead.)
#[cfg(not(feature = "export-abi"))]
impl Router<Damm> for Damm {
    type Storage = Damm;

    fn route(storage: &mut Damm, selector: u32, input: &[u8]) -> Option<ArbResult> {
        Some(call(storage, selector, input))
    }

    fn receive(_storage: &mut Damm) -> Option<Result<(), Vec<u8>>> {
        None
    }

    fn fallback(_storage: &mut Damm, _calldata: &[u8]) -> Option<ArbResult> {
        None
    }

    fn constructor(storage: &mut Damm, input: &[u8]) -> Option<ArbResult> {
        Some(construct(storage, input))
    }
}
