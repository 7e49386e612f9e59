//! A small ABI helper for tests: calldata from a selector and 32-byte words,
//! words from return data, and the selector of a revert.
//!
//! Only static types are covered (every argument and result is one word),
//! which is all the dAMM's ABI uses; dynamic types can be built by hand from
//! [`encode_words`].
//!
//! ```
//! use stylus_runtime::abi::{self, Word};
//! use alloy_primitives::{Address, U256};
//!
//! let to = Address::repeat_byte(7);
//! let data = abi::call("transfer(address,uint256)", &[to.word(), U256::from(5).word()]);
//! assert_eq!(&data[..4], &abi::selector("transfer(address,uint256)"));
//! assert_eq!(abi::decode_words(&data[4..]).unwrap(), vec![to.word(), U256::from(5)]);
//! ```

use std::fmt;

use crate::keccak256;
use alloy_primitives::{Address, B256, U256};

/// `keccak256("stylus_constructor()")[..4]`: the SDK routes calldata that
/// starts with it to the contract's constructor.
pub const CONSTRUCTOR_SELECTOR: [u8; 4] = [0x55, 0x85, 0x25, 0x8d];

/// A static ABI value as its 32-byte word.
pub trait Word {
    /// The value, left-padded (numbers, addresses, bools) to 32 bytes.
    fn word(self) -> U256;
}

impl Word for U256 {
    fn word(self) -> U256 {
        self
    }
}

impl Word for Address {
    fn word(self) -> U256 {
        U256::from_be_bytes(self.into_word().0)
    }
}

impl Word for B256 {
    fn word(self) -> U256 {
        U256::from_be_bytes(self.0)
    }
}

impl Word for bool {
    fn word(self) -> U256 {
        U256::from(u8::from(self))
    }
}

macro_rules! word_from_uint {
    ($($t:ty),*) => {$(
        impl Word for $t {
            fn word(self) -> U256 {
                U256::from(self)
            }
        }
    )*};
}
word_from_uint!(u8, u16, u32, u64, u128);

/// The 4-byte selector of a function or error signature, e.g.
/// `"deposit(uint256,uint256,uint256,address,uint256)"` or `"Expired(uint256)"`.
#[must_use]
pub fn selector(signature: &str) -> [u8; 4] {
    let hash = keccak256(signature.as_bytes());
    [hash[0], hash[1], hash[2], hash[3]]
}

/// The topic of an event signature, e.g. `"Transfer(address,address,uint256)"`.
#[must_use]
pub fn event_topic(signature: &str) -> B256 {
    keccak256(signature.as_bytes())
}

/// The words, big-endian, back to back.
#[must_use]
pub fn encode_words(words: &[U256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 * words.len());
    for word in words {
        out.extend_from_slice(&word.to_be_bytes::<32>());
    }
    out
}

/// Calldata: `selector` followed by `words`.
#[must_use]
pub fn encode(selector: [u8; 4], words: &[U256]) -> Vec<u8> {
    let mut out = selector.to_vec();
    out.extend(encode_words(words));
    out
}

/// The tail of a dynamic `bytes` value: its length word, then the data
/// right-padded to whole words. Its head is the offset word pointing here.
#[must_use]
pub fn bytes_tail(data: &[u8]) -> Vec<U256> {
    let mut words = vec![U256::from(data.len())];
    words.extend(data.chunks(32).map(|chunk| {
        let mut word = [0u8; 32];
        word[..chunk.len()].copy_from_slice(chunk);
        U256::from_be_bytes(word)
    }));
    words
}

/// Calldata for the function `signature` with `words` as arguments.
#[must_use]
pub fn call(signature: &str, words: &[U256]) -> Vec<u8> {
    encode(selector(signature), words)
}

/// Constructor calldata as the SDK expects it: [`CONSTRUCTOR_SELECTOR`]
/// followed by the ABI-encoded arguments.
#[must_use]
pub fn constructor(words: &[U256]) -> Vec<u8> {
    encode(CONSTRUCTOR_SELECTOR, words)
}

/// Data that is not a whole number of 32-byte words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AbiError {
    /// The data's length in bytes.
    pub len: usize,
}

impl fmt::Display for AbiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} bytes is not a whole number of 32-byte words",
            self.len
        )
    }
}

impl std::error::Error for AbiError {}

/// Return data (or a revert's data after its selector) as 32-byte words.
///
/// # Errors
/// [`AbiError`] if the length is not a multiple of 32.
pub fn decode_words(data: &[u8]) -> Result<Vec<U256>, AbiError> {
    if !data.len().is_multiple_of(32) {
        return Err(AbiError { len: data.len() });
    }
    Ok(data.chunks_exact(32).map(U256::from_be_slice).collect())
}

/// The selector of a custom-error revert (`None` for shorter data, e.g. the
/// empty revert of an unknown selector or a reentrant call).
#[must_use]
pub fn revert_selector(data: &[u8]) -> Option<[u8; 4]> {
    data.get(..4).map(|s| [s[0], s[1], s[2], s[3]])
}

/// A custom-error revert's selector and its static fields as words.
#[must_use]
pub fn decode_revert(data: &[u8]) -> Option<([u8; 4], Vec<U256>)> {
    let selector = revert_selector(data)?;
    Some((selector, decode_words(&data[4..]).ok()?))
}

/// The address in a word (its low 20 bytes).
#[must_use]
pub fn address(word: U256) -> Address {
    Address::from_word(B256::from(word.to_be_bytes::<32>()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_constructor_selector_is_the_sdks() {
        assert_eq!(selector("stylus_constructor()"), CONSTRUCTOR_SELECTOR);
    }

    #[test]
    fn known_selectors_and_topics() {
        assert_eq!(
            selector("transfer(address,uint256)"),
            [0xa9, 0x05, 0x9c, 0xbb]
        );
        assert_eq!(
            event_topic("Transfer(address,address,uint256)").to_string(),
            "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
        );
    }

    #[test]
    fn words_round_trip_and_reverts_decode() {
        let owner = Address::repeat_byte(0xab);
        let data = encode([1, 2, 3, 4], &[owner.word(), true.word(), 7u64.word()]);
        assert_eq!(revert_selector(&data), Some([1, 2, 3, 4]));
        let (sel, words) = decode_revert(&data).unwrap();
        assert_eq!(sel, [1, 2, 3, 4]);
        assert_eq!(address(words[0]), owner);
        assert_eq!(words[1..], [U256::from(1), U256::from(7)]);
        assert_eq!(decode_words(&[0; 31]), Err(AbiError { len: 31 }));
        assert_eq!(revert_selector(&[]), None);
    }

    #[test]
    fn bytes_tails_are_length_then_padded_words() {
        let tail = bytes_tail(&[0xff; 33]);
        assert_eq!(tail.len(), 3);
        assert_eq!(tail[0], U256::from(33));
        assert_eq!(tail[2], U256::from(0xff) << 248);
        assert_eq!(bytes_tail(&[]), vec![U256::ZERO]);
    }
}
