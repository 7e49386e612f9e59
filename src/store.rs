//! The contract's storage layout, one 32-byte word per slot, packed by hand.
//!
//! Every slot a call touches costs 2,100 gas the first time in a
//! transaction, and every one it changes 2,900 more. So values read
//! together share a word, as Uniswap V2 packs its reserves, and words are
//! read and written through the storage hostios directly, without the SDK's
//! per-access conversions.
//!
//! | slot | word (high bytes first) |
//! |---|---|
//! | [`BOOKS`] | free balance of token0 `u128` · free balance of token1 `u128` |
//! | [`RESERVED`] | token0 reserved for locked withdrawals `u128` · token1 `u128` |
//! | [`SUPPLY`] | live LP shares `u128` · `φ` `u64` · `f_max` `u64` |
//! | [`EMA`] | short volume EMA `u128` · long volume EMA `u128` |
//! | [`TREND`] | volume of the last trade's block `u128` · that block `u64` · External `HF_min` `u64` |
//! | [`TOKEN0`] | buffer `u64` · flags `u32` (bit 0: paused) · token0 `address` |
//! | [`TOKEN1`] | `HF_min` `u64` · `u32` unused · token1 `address` |
//! | [`ADMIN`] | ACP `u32` · grace `u32` · `u32` unused · owner `address` |
//! | [`PENDING_OWNER`] | `u96` unused · pending owner `address` |
//! | [`COUNTS`] | markets ever `u64` · withdrawals `u64` · queued changes `u64` · live markets `u64` |
//! | [`EXTERNAL`] | External payout cap per checkpoint `u64` · per day `u64` · `u128` unused |
//! | [`LIVE_MARKETS`] | the ids of the markets not retired, one byte each, in order |
//! | `keccak(key ‖ BALANCES)` | an account's LP shares |
//! | `keccak(spender ‖ keccak(owner ‖ ALLOWANCES))` | an allowance |
//! | `keccak(MARKETS) + 5·id + field` | a market ([`market`]) |
//! | `keccak(WITHDRAWALS) + 2·id + field` | a withdrawal ([`withdrawal`]) |
//! | `keccak(CHANGES) + 8·id + field` | a queued call (`crate::timelock`): its head, then up to 7 argument words |
//!
//! Amounts are `u128` in storage: the health factor needs `X̄·Ȳ < 2^256`
//! anyway, and a value that does not fit is refused with
//! `ArithmeticOverflow` before anything is written. WAD parameters are at
//! most 1e18 and fit a `u64`.

use alloy_primitives::{Address, B256, U256};
use damm_math::arith::{from_be_bytes, to_be_bytes};
use stylus_sdk::prelude::*;

use crate::errors::{ArithmeticOverflow, Error};
use crate::Damm;

/// Free balances.
pub(crate) const BOOKS: u64 = 0;
/// Reserved amounts.
pub(crate) const RESERVED: u64 = 1;
/// LP supply and the fee's health part.
pub(crate) const SUPPLY: u64 = 2;
/// Kyber's two EMAs.
pub(crate) const EMA: u64 = 3;
/// Kyber's block accumulator, and the External markets' floor.
pub(crate) const TREND: u64 = 4;
/// Token0, the buffer and the pause.
pub(crate) const TOKEN0: u64 = 5;
/// Token1 and the health floor.
pub(crate) const TOKEN1: u64 = 6;
/// The owner and the withdrawal clock.
pub(crate) const ADMIN: u64 = 7;
/// The proposed owner.
pub(crate) const PENDING_OWNER: u64 = 8;
/// How many markets and withdrawals exist.
pub(crate) const COUNTS: u64 = 9;
/// Base of the LP share balances.
pub(crate) const BALANCES: u64 = 10;
/// Base of the LP share allowances.
pub(crate) const ALLOWANCES: u64 = 11;
/// Base of the markets.
pub(crate) const MARKETS: u64 = 12;
/// Base of the withdrawals.
pub(crate) const WITHDRAWALS: u64 = 13;
/// Base of the queued changes.
pub(crate) const CHANGES: u64 = 14;
/// The External markets' payout caps.
pub(crate) const EXTERNAL: u64 = 15;
/// The markets not retired.
pub(crate) const LIVE_MARKETS: u64 = 16;

/// A market's words, at `keccak(MARKETS) + 5·id`.
pub(crate) mod market {
    /// Words per market.
    pub const WORDS: u64 = 5;
    /// Allocation weight `u64` · kind `u8` · status `u8` · `u16` unused ·
    /// operator `address`.
    pub const HEAD: u64 = 0;
    /// The committed virtual state: `x` `u128` · `y` `u128`.
    pub const STATE: u64 = 1;
    /// Last batch id `u64` · last settled at `u64` · invariant growth `u128`.
    pub const PROGRESS: u64 = 2;
    /// Curve parameters: `paramA` `u128` · `paramB` `u128`. An External
    /// market has none, and keeps its payouts of the day here instead: day
    /// `u32` · token0 paid `u112` · token1 paid `u112`.
    pub const CURVE: u64 = 3;
    /// L2 LP shares `u128` · L2 fee scale `u64` · unpaid exits `u64`.
    pub const SHARES: u64 = 4;
}

/// A withdrawal's words, at `keccak(WITHDRAWALS) + 2·id`.
pub(crate) mod withdrawal {
    /// Words per withdrawal.
    pub const WORDS: u64 = 2;
    /// Locked at `u40` · its ACP `u24` · its grace `u24` · market `u8`
    /// (`0xff`: none) · payee `address`.
    pub const HEAD: u64 = 0;
    /// Owed token0 `u128` · owed token1 `u128`; zero once paid.
    pub const AMOUNTS: u64 = 1;
}

/// A storage word as four big-endian 64-bit lanes: lane 0 holds bytes
/// 0..8. Fields are read and written lane-wise, never byte by byte.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Word(pub [u64; 4]);

impl From<U256> for Word {
    fn from(x: U256) -> Self {
        let l = x.as_limbs();
        Self([l[3], l[2], l[1], l[0]])
    }
}

impl From<Word> for U256 {
    fn from(w: Word) -> Self {
        U256::from_limbs([w.0[3], w.0[2], w.0[1], w.0[0]])
    }
}

impl Word {
    fn from_bytes(bytes: &[u8; 32]) -> Self {
        from_be_bytes(bytes).into()
    }

    fn to_bytes(self) -> [u8; 32] {
        to_be_bytes(self.into())
    }

    /// Two `u128` halves.
    pub fn halves(hi: u128, lo: u128) -> Self {
        Self([(hi >> 64) as u64, hi as u64, (lo >> 64) as u64, lo as u64])
    }

    /// The high `u128` (bytes 0..16).
    pub fn hi(self) -> u128 {
        (u128::from(self.0[0]) << 64) | u128::from(self.0[1])
    }

    /// The low `u128` (bytes 16..32).
    pub fn lo(self) -> u128 {
        (u128::from(self.0[2]) << 64) | u128::from(self.0[3])
    }

    /// An address in bytes 12..32 with `lane0` and a `u32` in bytes 8..12.
    pub fn with_address(lane0: u64, mid: u32, address: Address) -> Self {
        let (top, middle, low) = address_lanes(address);
        Self([lane0, (u64::from(mid) << 32) | top, middle, low])
    }

    /// The address in bytes 12..32.
    pub fn address(self) -> Address {
        address_from_lanes(self.0[1] & 0xffff_ffff, self.0[2], self.0[3])
    }

    /// The `u32` in bytes 8..12.
    pub fn mid(self) -> u32 {
        (self.0[1] >> 32) as u32
    }
}

/// Slot [`SUPPLY`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Supply {
    pub total: u128,
    pub phi: u64,
    pub fee_max: u64,
}

impl From<Word> for Supply {
    fn from(w: Word) -> Self {
        Self {
            total: w.hi(),
            phi: w.0[2],
            fee_max: w.0[3],
        }
    }
}

impl From<Supply> for Word {
    fn from(s: Supply) -> Self {
        let mut w = Word::halves(s.total, 0);
        w.0[2] = s.phi;
        w.0[3] = s.fee_max;
        w
    }
}

/// Slot [`TREND`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Trend {
    pub block_volume: u128,
    pub last_block: u64,
    pub external_hf_min: u64,
}

impl From<Word> for Trend {
    fn from(w: Word) -> Self {
        Self {
            block_volume: w.hi(),
            last_block: w.0[2],
            external_hf_min: w.0[3],
        }
    }
}

impl From<Trend> for Word {
    fn from(t: Trend) -> Self {
        let mut w = Word::halves(t.block_volume, 0);
        w.0[2] = t.last_block;
        w.0[3] = t.external_hf_min;
        w
    }
}

/// Slot [`TOKEN0`] (`extra` is the buffer) or [`TOKEN1`] (`extra` is
/// `HF_min`): a token, a `u64` parameter and, in [`TOKEN0`], the pause flag.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TokenSlot {
    pub token: Address,
    pub extra: u64,
    pub flags: u32,
}

/// [`TokenSlot::flags`]: the global pause.
pub(crate) const PAUSED: u32 = 1;
/// [`TokenSlot::flags`]: setup is over (`crate::timelock`).
pub(crate) const LIVE: u32 = 2;

impl From<Word> for TokenSlot {
    fn from(w: Word) -> Self {
        Self {
            token: w.address(),
            extra: w.0[0],
            flags: w.mid(),
        }
    }
}

impl From<TokenSlot> for Word {
    fn from(t: TokenSlot) -> Self {
        Word::with_address(t.extra, t.flags, t.token)
    }
}

/// Slot [`ADMIN`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Admin {
    pub owner: Address,
    pub acp: u32,
    pub grace: u32,
}

impl From<Word> for Admin {
    fn from(w: Word) -> Self {
        Self {
            owner: w.address(),
            acp: (w.0[0] >> 32) as u32,
            grace: w.0[0] as u32,
        }
    }
}

impl From<Admin> for Word {
    fn from(a: Admin) -> Self {
        Word::with_address((u64::from(a.acp) << 32) | u64::from(a.grace), 0, a.owner)
    }
}

/// Slot [`COUNTS`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Counts {
    pub markets: u64,
    pub withdrawals: u64,
    pub changes: u64,
    pub live: u64,
}

impl From<Word> for Counts {
    fn from(w: Word) -> Self {
        Self {
            markets: w.0[0],
            withdrawals: w.0[1],
            changes: w.0[2],
            live: w.0[3],
        }
    }
}

impl From<Counts> for Word {
    fn from(c: Counts) -> Self {
        Word([c.markets, c.withdrawals, c.changes, c.live])
    }
}

/// An address as the low 160 bits of a number: `(bits 128..160, 64..128,
/// 0..64)`. Built from fixed indices, so no loop or panic path reaches the
/// WASM (alloy's `into_word` keeps one).
fn address_lanes(address: Address) -> (u64, u64, u64) {
    let b = address.0 .0;
    (
        u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])),
        u64::from_be_bytes([b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11]]),
        u64::from_be_bytes([b[12], b[13], b[14], b[15], b[16], b[17], b[18], b[19]]),
    )
}

/// The address whose lanes [`address_lanes`] gives.
fn address_from_lanes(top: u64, mid: u64, low: u64) -> Address {
    let (t, m, l) = (
        (top as u32).to_be_bytes(),
        mid.to_be_bytes(),
        low.to_be_bytes(),
    );
    Address::from([
        t[0], t[1], t[2], t[3], m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], l[0], l[1], l[2],
        l[3], l[4], l[5], l[6], l[7],
    ])
}

/// `address` left-padded to a word, as the EVM holds one.
pub(crate) fn word_of(address: Address) -> [u8; 32] {
    let (top, mid, low) = address_lanes(address);
    to_be_bytes(U256::from_limbs([low, mid, top, 0]))
}

/// The address in a left-padded word (bytes 12..32).
pub(crate) fn address_of(word: &[u8; 32]) -> Address {
    let limbs = from_be_bytes(word).into_limbs();
    address_from_lanes(limbs[2] & 0xffff_ffff, limbs[1], limbs[0])
}

/// A WAD parameter as a `u64` (all are at most 1e18), or [`ArithmeticOverflow`].
pub(crate) fn narrow64(value: U256) -> Result<u64, Error> {
    let limbs = value.as_limbs();
    if limbs[1] != 0 || limbs[2] != 0 || limbs[3] != 0 {
        return Err(ArithmeticOverflow {}.into());
    }
    Ok(limbs[0])
}

/// `value` as a `u128`, or [`ArithmeticOverflow`].
pub(crate) fn narrow(value: U256) -> Result<u128, Error> {
    let limbs = value.as_limbs();
    if limbs[2] != 0 || limbs[3] != 0 {
        return Err(ArithmeticOverflow {}.into());
    }
    Ok((u128::from(limbs[1]) << 64) | u128::from(limbs[0]))
}

/// A `u128` or `u64` as a `U256`.
pub(crate) fn wide(value: impl Into<u128>) -> U256 {
    let value: u128 = value.into();
    U256::from_limbs([value as u64, (value >> 64) as u64, 0, 0])
}

/// The key of slot number `n`.
pub(crate) fn slot(n: u64) -> B256 {
    B256::from(to_be_bytes(U256::from(n)))
}

/// `key + offset`, as a slot key.
fn offset(key: B256, by: u64) -> B256 {
    B256::from(to_be_bytes(
        from_be_bytes(&key.0).wrapping_add(U256::from(by)),
    ))
}

impl Damm {
    /// The word at `key`.
    pub(crate) fn read_word(&self, key: B256) -> Word {
        #[cfg(target_arch = "wasm32")]
        return Word::from_bytes(&crate::hostio::load(&key.0));
        #[cfg(not(target_arch = "wasm32"))]
        Word::from_bytes(&self.vm().storage_load_bytes32(U256::from_be_bytes(key.0)).0)
    }

    /// Writes the word at `key` (into the host's cache, which the
    /// entrypoint flushes when the call succeeds).
    pub(crate) fn write_word(&mut self, key: B256, word: Word) {
        let value = word.to_bytes();
        #[cfg(target_arch = "wasm32")]
        crate::hostio::cache(&key.0, &value);
        #[cfg(not(target_arch = "wasm32"))]
        // SAFETY: the native host only records the write.
        unsafe {
            self.vm()
                .storage_cache_bytes32(U256::from_be_bytes(key.0), B256::from(value));
        }
    }

    /// Slot [`TOKEN0`].
    pub(crate) fn token0_slot(&self) -> TokenSlot {
        self.global(TOKEN0).into()
    }

    /// Slot [`TOKEN1`].
    pub(crate) fn token1_slot(&self) -> TokenSlot {
        self.global(TOKEN1).into()
    }

    /// Slot [`COUNTS`].
    pub(crate) fn counts(&self) -> Counts {
        self.global(COUNTS).into()
    }

    /// Global slot `n`.
    pub(crate) fn global(&self, n: u64) -> Word {
        self.read_word(slot(n))
    }

    /// Writes global slot `n`.
    pub(crate) fn set_global(&mut self, n: u64, word: Word) {
        self.write_word(slot(n), word);
    }

    /// `keccak256(key ‖ base)`: a mapping's entry, as Solidity lays it out.
    pub(crate) fn entry(&self, base: B256, key: B256) -> B256 {
        self.vm().native_keccak256([key.0, base.0].as_flattened())
    }

    /// Word `field` of element `index` of an array of `words`-word elements
    /// at slot `base`: `keccak256(base) + words·index + field`.
    pub(crate) fn element(&self, base: u64, words: u64, index: u64, field: u64) -> B256 {
        let start = self.vm().native_keccak256(slot(base).as_slice());
        offset(start, words.saturating_mul(index).saturating_add(field))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_their_fields() {
        let word = Word::halves(u128::MAX - 5, 7);
        assert_eq!((word.hi(), word.lo()), (u128::MAX - 5, 7));
        assert_eq!(Word::from_bytes(&word.to_bytes()), word);
        let account = Address::repeat_byte(0xab);
        let packed = Word::with_address(42, 9, account);
        assert_eq!(
            (packed.0[0], packed.mid(), packed.address()),
            (42, 9, account)
        );
        // The address sits in the low 20 bytes, as the EVM keeps one.
        assert_eq!(&packed.to_bytes()[12..], account.as_slice());
    }

    #[test]
    fn amounts_beyond_u128_are_refused() {
        assert_eq!(narrow(U256::from(u128::MAX)), Ok(u128::MAX));
        assert!(narrow(U256::from(u128::MAX) + U256::from(1)).is_err());
        assert_eq!(wide(u128::MAX), U256::from(u128::MAX));
    }
}
