// SPDX-License-Identifier: MIT OR Apache-2.0
// The dAMM contract's events: the one source for the Rust `sol!` types and for
// the events in abi/IDamm.sol. Every state change emits one of these.
pragma solidity ^0.8.23;

interface IDammEvents {
    /// LP shares moved (ERC-20). Mints come from, burns go to, the zero address.
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// An allowance was set (ERC-20).
    event Approval(address indexed owner, address indexed spender, uint256 value);
    /// Liquidity was added at the pool's ratio.
    event Deposit(address indexed sender, address indexed recipient, uint256 shares, uint256 amount0, uint256 amount1);
    /// Shares were burned and their token amounts reserved until the ACP ends.
    event WithdrawalLocked(uint64 indexed id, address indexed owner, address indexed recipient, uint256 shares, uint256 amount0, uint256 amount1, uint64 readyAt);
    /// A withdrawal's payee pointed it at another.
    event WithdrawalRedirected(uint64 indexed id, address indexed payee);
    /// A locked withdrawal was paid out.
    event WithdrawalCompleted(uint64 indexed id, address indexed recipient, uint256 amount0, uint256 amount1);
    /// A direct L1 swap: what the pool received (positive) or paid (negative)
    /// of each token, and the fee (WAD) the trade paid.
    event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint256 fee);
    /// A market was registered; (x, y) is its first committed virtual state.
    event MarketRegistered(uint64 indexed id, address indexed operator, uint8 kind, uint256 paramA, uint256 paramB, uint256 weight, uint256 feeScale, uint256 x, uint256 y);
    /// A market was paused (2), resumed (1) or retired (3).
    event MarketStatusChanged(uint64 indexed id, uint8 status);
    /// A market's operator was rotated.
    event OperatorChanged(uint64 indexed id, address indexed operator);
    /// A market's batch settled: its net order, as what the pool received
    /// (positive) or paid (negative) of each token, the next committed state,
    /// HF after, the invariant growth (the fees the batch earned, in the
    /// curve's units) and the batch commitment.
    event Checkpoint(uint64 indexed market, uint64 indexed batchId, int256 amount0, int256 amount1, uint256 x, uint256 y, uint256 hfAfter, uint256 growth, bytes32 commitment);
    /// A checkpoint's L2 joins and exits: the shares minted to the market and
    /// those its L2 LPs exited with (locked through the ACP).
    event MarketShares(uint64 indexed market, uint256 minted, uint256 exited);
    /// A governed call was queued in the timelock, to run no earlier than
    /// `due`: `call` is its calldata (`setParameter`, `registerMarket`,
    /// `setOperator` or `setMarketActive`), exactly as `executeChange(id)`
    /// will replay it.
    event ChangeQueued(uint64 indexed id, uint256 due, bytes call);
    /// A queued change was applied (`due` and `call` as queued).
    event ChangeExecuted(uint64 indexed id, uint256 due, bytes call);
    /// A queued change was withdrawn by the owner (`due` and `call` as queued).
    event ChangeCancelled(uint64 indexed id, uint256 due, bytes call);
    /// Setup ended: anyone may deposit, and changes wait in the timelock.
    event WentLive();
    /// A governance parameter changed.
    event ParameterSet(uint8 indexed id, uint256 value);
    /// The global pause was switched.
    event PausedSet(bool paused);
    /// Ownership transfer proposed; the new owner must accept.
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    /// Ownership changed hands.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
}
