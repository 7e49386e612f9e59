//! Compact ABI encoding of static words, shared by the errors and events.
//!
//! Every error and event of this contract has only static fields (address,
//! bool, uint, bytes32), so each encodes as a run of 32-byte words. One loop
//! here replaces a generic encoder per error and per event type, which is
//! most of what they would cost in the WASM.

use alloc::vec::Vec;

use alloy_primitives::{Address, FixedBytes, U256};
use damm_math::arith::{from_be_bytes, to_be_bytes};

/// A static ABI value as its 32-byte word.
pub(crate) trait Word {
    /// The value left-padded to 32 bytes, as a number.
    fn word(self) -> U256;
}

impl Word for U256 {
    fn word(self) -> U256 {
        self
    }
}

impl Word for Address {
    fn word(self) -> U256 {
        from_be_bytes(&crate::store::word_of(self))
    }
}

impl Word for FixedBytes<32> {
    fn word(self) -> U256 {
        from_be_bytes(&self.0)
    }
}

impl Word for u64 {
    fn word(self) -> U256 {
        U256::from(self)
    }
}

impl Word for u8 {
    fn word(self) -> U256 {
        U256::from(self)
    }
}

impl Word for bool {
    fn word(self) -> U256 {
        U256::from(u8::from(self))
    }
}

/// `prefix` followed by each word, big-endian.
pub(crate) fn encode(prefix: &[u8], words: &[U256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(prefix.len() + 32 * words.len());
    out.extend_from_slice(prefix);
    for word in words {
        out.extend_from_slice(&to_be_bytes(*word));
    }
    out
}

/// An event's signature hash as four big-endian 64-bit limbs, at compile
/// time.
pub(crate) const fn topic_limbs(hash: FixedBytes<32>) -> [u64; 4] {
    let b = hash.0;
    let mut out = [0u64; 4];
    let mut i = 0;
    while i < 32 {
        out[i / 8] = (out[i / 8] << 8) | b[i] as u64;
        i += 1;
    }
    out
}

/// Emits event `$event` (a `sol!` type) with its indexed and data words,
/// equal byte for byte to what `sol!`'s encoder emits.
macro_rules! emit {
    ($self:expr, $event:ty, $indexed:expr, $data:expr $(,)?) => {{
        const TOPIC: [u64; 4] =
            $crate::abi::topic_limbs(<$event as alloy_sol_types::SolEvent>::SIGNATURE_HASH);
        $self.emit_log_words(TOPIC[0], TOPIC[1], TOPIC[2], TOPIC[3], $indexed, $data)
    }};
}
pub(crate) use emit;

impl crate::Damm {
    /// Emits an event: its signature hash, its indexed fields (as words) and
    /// its data words. Equal, byte for byte, to what `sol!`'s encoder emits.
    /// Use [`emit!`]: the event's signature hash comes as four 64-bit
    /// immediates, so it costs code, not data (every byte of a data segment
    /// costs every call 0.75 gas to load; see `docs/stylus.md`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn emit_log_words(
        &self,
        s0: u64,
        s1: u64,
        s2: u64,
        s3: u64,
        indexed: &[U256],
        data: &[U256],
    ) {
        // The log's bytes as `emit_log` takes them: the topics, then the data.
        let mut bytes = Vec::with_capacity(32 * (1 + indexed.len() + data.len()));
        for limb in [s0, s1, s2, s3] {
            bytes.extend_from_slice(&limb.to_be_bytes());
        }
        for word in indexed.iter().chain(data) {
            bytes.extend_from_slice(&to_be_bytes(*word));
        }
        crate::hostio::emit_log(self, &bytes, 1 + indexed.len());
    }
}
