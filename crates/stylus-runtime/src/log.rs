//! EVM logs, as `emit_log` records them.

use alloy_primitives::{Address, B256, U256};

use crate::abi;

/// One log: the emitting contract, up to four topics, and the data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log {
    /// The contract whose code emitted it (the caller's, under a delegate call).
    pub address: Address,
    /// Topics; the first is the event's signature hash for non-anonymous events.
    pub topics: Vec<B256>,
    /// The ABI-encoded non-indexed fields.
    pub data: Vec<u8>,
}

impl Log {
    /// Whether this is the event `signature` (e.g.
    /// `"Transfer(address,address,uint256)"`) emitted by `address`.
    #[must_use]
    pub fn is(&self, address: Address, signature: &str) -> bool {
        self.address == address && self.topics.first() == Some(&abi::event_topic(signature))
    }

    /// Topic `index` as a number (an indexed `uint`, `address` or `bool`).
    #[must_use]
    pub fn topic(&self, index: usize) -> Option<U256> {
        self.topics.get(index).map(|t| U256::from_be_bytes(t.0))
    }

    /// Topic `index` as an address (an indexed `address`).
    #[must_use]
    pub fn topic_address(&self, index: usize) -> Option<Address> {
        self.topics.get(index).map(|t| Address::from_word(*t))
    }

    /// The data as 32-byte words (`None` if its length is not a multiple of 32).
    #[must_use]
    pub fn words(&self) -> Option<Vec<U256>> {
        abi::decode_words(&self.data).ok()
    }
}
