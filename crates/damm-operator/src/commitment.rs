//! The batch commitment the checkpoint carries (and the `Checkpoint` event
//! logs): a hash of exactly which trades the batch netted, in order, so an
//! L2 can prove a trade was (or was not) in a settled batch.
//!
//! `commitment = keccak256(abi.encode(chainId, damm, market, batchId, trades))`
//! with `trades` a `Trade[]` of `(uint64 id, address trader, bool
//! zeroForOne, uint256 amountIn, uint256 amountOut)` in batch order
//! (docs/operator.md). The chain id and the dAMM's address bind it to one
//! deployment. An empty batch commits to the empty array.

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolValue;

alloy_sol_types::sol! {
    /// One netted trade, as committed.
    struct Trade {
        uint64 id;
        address trader;
        bool zeroForOne;
        uint256 amountIn;
        uint256 amountOut;
    }
}

/// The commitment of `trades` settling as `batch_id` of `market`.
#[must_use]
pub fn commitment(
    chain_id: u64,
    damm: Address,
    market: u64,
    batch_id: u64,
    trades: &[Trade],
) -> B256 {
    keccak256(
        (
            U256::from(chain_id),
            damm,
            market,
            batch_id,
            trades.to_vec(),
        )
            .abi_encode_params(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_is_the_documented_abi_encoding() {
        // Built word by word from the ABI spec, independently of alloy's encoder.
        let trader = Address::repeat_byte(0x11);
        let trades = [Trade {
            id: 7,
            trader,
            zeroForOne: true,
            amountIn: U256::from(1000),
            amountOut: U256::from(990),
        }];
        let word = |v: u64| B256::from(U256::from(v)).0;
        let mut expected = Vec::new();
        expected.extend(word(412_346));
        expected.extend(B256::left_padding_from(Address::repeat_byte(0x22).as_slice()).0);
        expected.extend(word(3));
        expected.extend(word(9));
        expected.extend(word(5 * 32)); // offset of the array after the 5 head words
        expected.extend(word(1)); // length
        expected.extend(word(7));
        expected.extend(B256::left_padding_from(trader.as_slice()).0);
        expected.extend(word(1));
        expected.extend(word(1000));
        expected.extend(word(990));
        assert_eq!(
            commitment(412_346, Address::repeat_byte(0x22), 3, 9, &trades),
            keccak256(&expected)
        );
        let order_matters = [
            trades[0].clone(),
            Trade {
                id: 8,
                ..trades[0].clone()
            },
        ];
        let swapped = [order_matters[1].clone(), order_matters[0].clone()];
        assert_ne!(
            commitment(1, Address::ZERO, 0, 1, &order_matters),
            commitment(1, Address::ZERO, 0, 1, &swapped)
        );
    }
}
