//! # damm: the L1 contract of the distributed AMM
//!
//! One Stylus WASM contract that is the vault and the referee for every L2
//! market sharing one pool of two ERC-20 tokens (docs/design.md §3–§10):
//! - **vault**: holds the tokens; its own books, not token balances, price
//!   everything ([`pool`]);
//! - **LP token**: an ERC-20 of the pool's shares ([`erc20`]);
//! - **LP lifecycle**: atomic deposits, withdrawals through a lock plus the
//!   AMM Cooldown Period ([`liquidity`]);
//! - **markets**: one pricing state per L2, settled by checkpoints that must
//!   respect the market's curve, the reservations and the health factor
//!   ([`markets`]);
//! - **L1 swaps** with the dynamic fee, for arbitrage ([`swap`]);
//! - **governance**: two-step owner, bounded parameters, pause
//!   ([`governance`]); once live, every change that can move LP value waits
//!   `ACP + grace` in an on-chain timelock ([`timelock`]).
//!
//! All math comes from `damm-math`, the crate the operators run too, so both
//! sides compute the same numbers to the wei. Every entry that changes state
//! takes the reentrancy lock ([`guard`]), checks, writes its effects and
//! emits its event, and only then calls the tokens ([`token`]). Every
//! rejection is a custom error ([`errors`]) and moves nothing.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(target_arch = "wasm32", no_std)]
#[macro_use]
extern crate alloc;

/// On chain a panic can only abort: trap, which reverts the call. No path a
/// caller can reach panics; this only replaces std's handler, which would
/// drag formatting code into the WASM.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

mod abi;
mod erc20;
pub mod errors;
pub mod governance;
pub mod guard;
mod hostio;
mod liquidity;
pub mod markets;
#[cfg(target_arch = "wasm32")]
mod mem;
mod pool;
pub mod router;
mod store;
mod swap;
pub mod timelock;
mod token;

/// The contract's events, generated from `src/events.sol` (also the source
/// of the events in `abi/IDamm.sol`).
pub mod events {
    alloy_sol_types::sol!(
        #[sol(all_derives)]
        "src/events.sol"
    );
    pub use IDammEvents::*;
}

use alloc::string::String;
use alloc::vec::Vec;

use alloy_primitives::{Address, FixedBytes, B256, U256};
use damm_math::arith::WAD;
use damm_math::VirtualState;
use stylus_sdk::prelude::*;

use abi::Word as _;
use errors::{Error, InvalidAddress};

/// `keccak256("")`: the code hash of an account without code.
const EMPTY_CODE_HASH: B256 =
    alloy_primitives::b256!("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

/// What [`Damm::market`] returns: `(operator, kind, status, paramA, paramB,
/// weight, feeScale, batchId, x, y, settledAt, shares, growth)`.
pub type MarketView = (
    Address,
    u8,
    u8,
    U256,
    U256,
    U256,
    U256,
    u64,
    U256,
    U256,
    u64,
    U256,
    U256,
);

/// The contract. Its storage is laid out by hand in [`store`], so the SDK
/// sees no fields.
#[storage]
#[cfg_attr(not(target_arch = "wasm32"), entrypoint)]
pub struct Damm {}

// What `#[entrypoint]` on the struct provides natively; the WASM enters
// through `router::entry` instead.
#[cfg(target_arch = "wasm32")]
// SAFETY: `Damm` is the contract's whole storage.
unsafe impl stylus_sdk::stylus_core::storage::TopLevelStorage for Damm {}

/// The public methods. The ABI router ([`router`]) dispatches calldata to
/// them; under `export-abi`, `#[public]` reads them to print the interface.
#[cfg_attr(feature = "export-abi", public)]
impl Damm {
    /// The constructor as the exported interface shows it; see
    /// [`Damm::constructor`].
    #[cfg(feature = "export-abi")]
    #[constructor]
    pub fn init(&mut self, token0: Address, token1: Address, owner: Address) -> Result<(), Error> {
        self.constructor(token0, token1, owner)
    }

    // ---- LP token (ERC-20) ----

    /// "dAMM LP".
    pub fn name(&self) -> String {
        String::from("dAMM LP")
    }

    /// "DAMM-LP".
    pub fn symbol(&self) -> String {
        String::from("DAMM-LP")
    }

    /// 18.
    pub fn decimals(&self) -> u8 {
        18
    }

    /// Live shares, including the markets' and the locked minimum.
    pub fn total_supply(&self) -> U256 {
        self.total_supply_value()
    }

    /// `account`'s shares.
    pub fn balance_of(&self, account: Address) -> U256 {
        self.shares_of(account)
    }

    /// What `spender` may move of `owner`'s shares.
    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.allowance_of(owner, spender)
    }

    /// Moves `value` shares to `to`.
    ///
    /// # Errors
    /// [`errors::InsufficientBalance`], [`errors::InvalidAddress`] for the zero address.
    ///
    /// # Events
    /// `Transfer`.
    pub fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Error> {
        self.transfer_shares(self.vm().msg_sender(), to, value)?;
        Ok(true)
    }

    /// Lets `spender` move up to `value` of the caller's shares.
    ///
    /// # Errors
    /// [`errors::InvalidAddress`] for the zero address.
    ///
    /// # Events
    /// `Approval`.
    pub fn approve(&mut self, spender: Address, value: U256) -> Result<bool, Error> {
        self.set_allowance(self.vm().msg_sender(), spender, value)?;
        Ok(true)
    }

    /// Moves `value` of `from`'s shares to `to` on its allowance.
    ///
    /// # Errors
    /// [`errors::InsufficientAllowance`], [`errors::InsufficientBalance`],
    /// [`errors::InvalidAddress`].
    ///
    /// # Events
    /// `Approval` (the reduced allowance), `Transfer`.
    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, Error> {
        self.spend_allowance(from, self.vm().msg_sender(), value)?;
        self.transfer_shares(from, to, value)?;
        Ok(true)
    }

    // ---- Liquidity ----

    /// Adds liquidity at the pool's free-balance ratio (docs/design.md §2): mints
    /// `shares` to `recipient` and pulls exactly `(amount0, amount1)` used,
    /// never more than the maxima. The first deposit sets the price and locks
    /// `MINIMUM_LIQUIDITY` shares at the zero address. Returns
    /// `(shares, amount0, amount1)`. The maxima are limits: any value works,
    /// `type(uint256).max` included. During setup only the owner deposits.
    ///
    /// # Errors
    /// [`errors::Paused`], [`errors::NotLive`], [`errors::Expired`],
    /// [`errors::SlippageExceeded`]
    /// (below `min_shares`), [`errors::InsufficientLiquidity`] (worth no share
    /// or a first deposit of √(a0·a1) ≤ 1000), [`errors::TransferFailed`],
    /// [`errors::TransferShortfall`], [`errors::Reentrancy`].
    ///
    /// # Events
    /// `Transfer` (mint), `Deposit`.
    pub fn deposit(
        &mut self,
        amount0_max: U256,
        amount1_max: U256,
        min_shares: U256,
        recipient: Address,
        deadline: U256,
    ) -> Result<(U256, U256, U256), Error> {
        self.lock()?;
        self.before(deadline)?;
        let result = self.do_deposit(amount0_max, amount1_max, min_shares, recipient)?;
        self.unlock();
        Ok(result)
    }

    /// Starts a withdrawal (docs/design.md §10): burns `shares` now and reserves the
    /// amounts they are worth at this moment, `(⌊ℓ·X̄/T⌋, ⌊ℓ·Ȳ/T⌋)`, for
    /// `recipient`. Returns the withdrawal id. Allowed while paused. Cannot be
    /// cancelled.
    ///
    /// # Errors
    /// [`errors::ZeroAmount`], [`errors::InsufficientBalance`],
    /// [`errors::SlippageExceeded`] (below `min0`/`min1`),
    /// [`errors::InsufficientLiquidity`] (worth nothing), [`errors::Expired`].
    ///
    /// # Events
    /// `Transfer` (burn), `WithdrawalLocked`.
    pub fn lock_withdrawal(
        &mut self,
        shares: U256,
        min0: U256,
        min1: U256,
        recipient: Address,
        deadline: U256,
    ) -> Result<u64, Error> {
        self.lock()?;
        self.before(deadline)?;
        let id = self.do_lock(shares, min0, min1, recipient)?;
        self.unlock();
        Ok(id)
    }

    /// Pays a locked withdrawal: once the ACP has passed and every active
    /// market has settled since the lock, or after ACP + grace regardless.
    /// Anyone may call it; the tokens go to the claim's payee. Works while
    /// paused.
    ///
    /// # Errors
    /// [`errors::UnknownWithdrawal`] (no such id or already paid),
    /// [`errors::WithdrawalNotReady`] (with the market awaited and when it
    /// can complete), [`errors::TransferFailed`].
    ///
    /// # Events
    /// `WithdrawalCompleted`.
    pub fn complete_withdrawal(&mut self, id: u64) -> Result<(U256, U256), Error> {
        self.lock()?;
        let paid = self.do_complete(id)?;
        self.unlock();
        Ok(paid)
    }

    /// A withdrawal: `(payee, market or 2^64−1, amount0, amount1, readyAt,
    /// fallbackAt, done)`. The payee was fixed when the claim was locked (a
    /// market's L2 exit: its operator then, who pays the L2 LPs) and only it
    /// may redirect the claim. `readyAt` ends the ACP; from `fallbackAt` it
    /// pays without waiting for markets. Once paid the amounts are zero and
    /// `done` is true; `WithdrawalCompleted` recorded what was paid.
    ///
    /// # Errors
    /// [`errors::UnknownWithdrawal`].
    #[allow(clippy::type_complexity)]
    pub fn withdrawal(&self, id: u64) -> Result<(Address, u64, U256, U256, u64, u64, bool), Error> {
        let (claim, amount0, amount1) = self.withdrawal_record(id)?;
        Ok((
            claim.payee,
            claim.market.unwrap_or(liquidity::NO_MARKET),
            amount0,
            amount1,
            claim.ready_at(),
            claim.fallback_at(),
            amount0.is_zero() && amount1.is_zero(),
        ))
    }

    /// Points an unpaid withdrawal at another payee (its payee only), for a
    /// payee a token refuses to pay.
    ///
    /// # Errors
    /// [`errors::UnknownWithdrawal`], [`errors::NotPayee`],
    /// [`errors::InvalidAddress`].
    ///
    /// # Events
    /// `WithdrawalRedirected`.
    pub fn redirect_withdrawal(&mut self, id: u64, to: Address) -> Result<(), Error> {
        self.do_redirect(id, to)
    }

    /// How many withdrawals were ever locked (ids are `0..count`).
    pub fn withdrawal_count(&self) -> u64 {
        self.counts().withdrawals
    }

    // ---- Direct L1 swaps ----

    /// Sells exactly `amount_in` for at least `min_out`, sent to `recipient`.
    /// Constant product on the free balances with the dynamic fee (docs/design.md §9).
    ///
    /// # Errors
    /// [`errors::Paused`], [`errors::Expired`], [`errors::ZeroAmount`],
    /// [`errors::SlippageExceeded`], [`errors::InsufficientLiquidity`],
    /// [`errors::TransferFailed`], [`errors::TransferShortfall`].
    ///
    /// # Events
    /// `Swap`.
    pub fn swap_exact_in(
        &mut self,
        zero_for_one: bool,
        amount_in: U256,
        min_out: U256,
        recipient: Address,
        deadline: U256,
    ) -> Result<U256, Error> {
        self.lock()?;
        self.before(deadline)?;
        let out = self.do_swap(zero_for_one, amount_in, min_out, true, recipient)?;
        self.unlock();
        Ok(out)
    }

    /// Buys exactly `amount_out` for at most `max_in`, sent to `recipient`.
    ///
    /// # Errors
    /// As [`Self::swap_exact_in`].
    ///
    /// # Events
    /// `Swap`.
    pub fn swap_exact_out(
        &mut self,
        zero_for_one: bool,
        amount_out: U256,
        max_in: U256,
        recipient: Address,
        deadline: U256,
    ) -> Result<U256, Error> {
        self.lock()?;
        self.before(deadline)?;
        let paid = self.do_swap(zero_for_one, amount_out, max_in, false, recipient)?;
        self.unlock();
        Ok(paid)
    }

    /// Previews [`Self::swap_exact_in`]: `(amount_out, fee)` in this block.
    ///
    /// # Errors
    /// [`errors::ZeroAmount`], [`errors::InsufficientLiquidity`].
    pub fn quote_exact_in(
        &self,
        zero_for_one: bool,
        amount_in: U256,
    ) -> Result<(U256, U256), Error> {
        let (_, amount_out, fee) = self.quote(zero_for_one, amount_in, true)?;
        Ok((amount_out, fee))
    }

    /// Previews [`Self::swap_exact_out`]: `(amount_in, fee)` in this block.
    ///
    /// # Errors
    /// [`errors::ZeroAmount`], [`errors::InsufficientLiquidity`].
    pub fn quote_exact_out(
        &self,
        zero_for_one: bool,
        amount_out: U256,
    ) -> Result<(U256, U256), Error> {
        let (amount_in, _, fee) = self.quote(zero_for_one, amount_out, false)?;
        Ok((amount_in, fee))
    }

    /// The fee (WAD) an L1 swap pays in this block.
    ///
    /// # Errors
    /// [`errors::MathFailure`] while the pool is empty.
    pub fn current_fee(&self) -> Result<U256, Error> {
        self.fee_now()
    }

    // ---- Markets ----

    /// Registers a market (owner only): its operator, curve kind
    /// ([`markets::kind`]) with parameters, allocation weight `0 < w ≤ 1` and
    /// L2 fee scale `λ ≤ 1` (both WAD). Its first committed state quotes the
    /// pool's price on its own curve, scaled into its allocation (docs/design.md §8).
    /// During setup it applies at once and returns the market's id; once
    /// live it is queued ([`timelock`]) and returns the change's id.
    ///
    /// # Errors
    /// [`errors::Unauthorized`], [`errors::InvalidAddress`],
    /// [`errors::ParameterOutOfRange`] (also when the pool is empty or the
    /// curve cannot quote its price), [`errors::TooManyMarkets`].
    ///
    /// # Events
    /// `MarketRegistered`, or `ChangeQueued`.
    pub fn register_market(
        &mut self,
        operator: Address,
        kind: u8,
        param_a: U256,
        param_b: U256,
        weight: U256,
        fee_scale: U256,
    ) -> Result<u64, Error> {
        self.only_owner()?;
        self.check_registration(operator, kind, param_a, param_b, weight, fee_scale)?;
        let args = [
            operator.word(),
            kind.word(),
            param_a,
            param_b,
            weight,
            fee_scale,
        ];
        if let Some(queued) = self.defer(timelock::REGISTER_MARKET, &args)? {
            return Ok(queued);
        }
        self.do_register(operator, kind, param_a, param_b, weight, fee_scale)
    }

    /// Pauses (`false`) or resumes (`true`) a market (owner only). A pause
    /// applies at once, since it only stops things: a paused market cannot
    /// settle and does not hold up withdrawals. A resume gives the market's
    /// operator its power back, so once live it waits in the timelock; the
    /// market then opens afresh at the pool's price.
    ///
    /// A resume counts as a settlement for the locks made before it: the
    /// fresh state already sees them. A constant-sum bAMM (`t = 0`), or a
    /// StableSwap that cannot reach the pool's price, resumes only at its
    /// own price; until then its L2 LPs leave by [`Self::lock_market_shares`].
    ///
    /// # Errors
    /// [`errors::Unauthorized`], [`errors::UnknownMarket`],
    /// [`errors::MarketNotActive`] (retired); for a resume, what opening
    /// the market at the pool's price can raise:
    /// [`errors::InsufficientLiquidity`], [`errors::MathFailure`],
    /// [`errors::ArithmeticOverflow`].
    ///
    /// # Events
    /// `MarketStatusChanged`, or `ChangeQueued` (a resume once live).
    pub fn set_market_active(&mut self, id: u64, active: bool) -> Result<(), Error> {
        self.only_owner()?;
        if active {
            let head = self.head(id)?;
            if head.status == markets::status::RETIRED {
                return Err(errors::MarketNotActive { id }.into());
            }
            if self
                .defer(timelock::SET_MARKET_ACTIVE, &[id.word(), true.word()])?
                .is_some()
            {
                return Ok(());
            }
        }
        self.do_set_status(id, active)
    }

    /// Rotates a market's operator (owner only): at once during setup,
    /// through the timelock once live. Exits already locked keep the payee
    /// they were locked for.
    ///
    /// # Errors
    /// [`errors::Unauthorized`], [`errors::UnknownMarket`], [`errors::InvalidAddress`].
    ///
    /// # Events
    /// `OperatorChanged`, or `ChangeQueued`.
    pub fn set_operator(&mut self, id: u64, operator: Address) -> Result<(), Error> {
        self.only_owner()?;
        guard::not_zero(operator)?;
        self.head(id)?;
        if self
            .defer(timelock::SET_OPERATOR, &[id.word(), operator.word()])?
            .is_some()
        {
            return Ok(());
        }
        self.do_set_operator(id, operator)
    }

    /// Locks `shares` of a market's L2 LP shares into a withdrawal paid to
    /// the market's operator, who pays the L2 LPs, without a checkpoint:
    /// the exit for a market that cannot settle, paused or not. Only the
    /// operator may call it, since only it can pay the L2 LPs; the claim is
    /// its own and stays its own if the operator rotates later. The amounts
    /// are fixed at the pool's ratio, as for any lock (docs/design.md §10).
    ///
    /// # Errors
    /// [`errors::UnknownMarket`], [`errors::Unauthorized`] (not the
    /// market's operator), [`errors::ZeroAmount`],
    /// [`errors::InsufficientBalance`], [`errors::SlippageExceeded`],
    /// [`errors::InsufficientLiquidity`].
    ///
    /// # Events
    /// `MarketShares`, `WithdrawalLocked`.
    pub fn lock_market_shares(
        &mut self,
        id: u64,
        shares: U256,
        min0: U256,
        min1: U256,
    ) -> Result<u64, Error> {
        self.lock()?;
        let claim = self.do_lock_market_shares(id, shares, min0, min1)?;
        self.unlock();
        Ok(claim)
    }

    /// Retires a market for good (owner only), once it holds no L2 shares
    /// and none of its exits is unpaid.
    ///
    /// # Errors
    /// [`errors::Unauthorized`], [`errors::UnknownMarket`], [`errors::MarketNotEmpty`].
    ///
    /// # Events
    /// `MarketStatusChanged`.
    pub fn retire_market(&mut self, id: u64) -> Result<(), Error> {
        self.only_owner()?;
        self.do_retire(id)
    }

    /// Settles a market's batch (docs/design.md §7), called by its operator with the
    /// next batch id, the committed start state, the end state, the L2 joins
    /// (token maxima, used at the pool ratio) and exits (shares, locked
    /// through the ACP) and the batch commitment. Pulls the net in (plus what
    /// the joins used) from the operator and pays it the net out. What it
    /// pays of each token is at most the market's weight of the free
    /// balance, and for an `External` market at most its caps per checkpoint
    /// and per day (docs/design.md §8, §14).
    ///
    /// # Errors
    /// [`errors::Paused`], [`errors::UnknownMarket`],
    /// [`errors::MarketNotActive`], [`errors::Unauthorized`],
    /// [`errors::BadBatchId`], [`errors::StaleStartState`],
    /// [`errors::NotLive`] (joins during setup),
    /// [`errors::InsufficientBalance`] (exits above the market's shares),
    /// [`errors::CurveViolated`], [`errors::Insolvent`],
    /// [`errors::BufferBreached`], [`errors::AllocationExceeded`],
    /// [`errors::DailyCapExceeded`], [`errors::HealthTooLow`],
    /// [`errors::ArithmeticOverflow`], [`errors::TransferFailed`],
    /// [`errors::TransferShortfall`].
    ///
    /// # Events
    /// `Checkpoint`.
    #[allow(clippy::too_many_arguments)]
    pub fn checkpoint(
        &mut self,
        market: u64,
        batch_id: u64,
        start_x: U256,
        start_y: U256,
        end_x: U256,
        end_y: U256,
        join0: U256,
        join1: U256,
        exit_shares: U256,
        commitment: FixedBytes<32>,
    ) -> Result<(), Error> {
        self.lock()?;
        let (start, end) = (
            VirtualState::new(start_x, start_y),
            VirtualState::new(end_x, end_y),
        );
        self.do_checkpoint(
            market,
            batch_id,
            start,
            end,
            join0,
            join1,
            exit_shares,
            commitment,
        )?;
        self.unlock();
        Ok(())
    }

    /// A market: `(operator, kind, status, paramA, paramB, weight, feeScale,
    /// batchId, x, y, settledAt, shares, growth)`; `batchId` is the last
    /// settled, `growth` the invariant growth of all its batches (the fees it
    /// earned, in its curve's units; see `damm_math::Curve::growth`).
    ///
    /// # Errors
    /// [`errors::UnknownMarket`].
    pub fn market(&self, id: u64) -> Result<MarketView, Error> {
        let head = self.head(id)?;
        let (param_a, param_b) = self.curve_params(id, head.kind);
        let state = self.committed(id);
        let progress = self.progress(id);
        let shares = self.market_shares(id);
        Ok((
            head.operator,
            head.kind,
            head.status,
            param_a,
            param_b,
            store::wide(head.weight),
            store::wide(shares.fee_scale),
            progress.batch_id,
            state.x,
            state.y,
            progress.settled_at,
            store::wide(shares.shares),
            store::wide(progress.growth),
        ))
    }

    /// How many markets were registered (ids are `0..count`).
    pub fn market_count(&self) -> u64 {
        self.counts().markets
    }

    // ---- Pool views ----

    /// `(token0, token1)`.
    pub fn tokens(&self) -> (Address, Address) {
        (self.token0_slot().token, self.token1_slot().token)
    }

    /// The books: `(X, Y, R_x, R_y)`, balances held and amounts reserved for
    /// locked withdrawals. Free balances are `X − R_x` and `Y − R_y`.
    pub fn reserves(&self) -> (U256, U256, U256, U256) {
        let ((free0, free1), (reserved0, reserved1)) = (self.free(), self.reserved());
        // Each is below 2^128, so the sums cannot overflow.
        (
            free0.saturating_add(reserved0),
            free1.saturating_add(reserved1),
            reserved0,
            reserved1,
        )
    }

    /// The health factor `√(X̄·Ȳ)/T` (WAD); zero while the pool is empty.
    pub fn health_factor(&self) -> U256 {
        self.books().health_factor().unwrap_or(U256::ZERO)
    }

    /// `(hfMin, phi, feeMax, acp, grace, buffer, externalHfMin, paused)`.
    #[allow(clippy::type_complexity)]
    pub fn parameters(&self) -> (U256, U256, U256, u64, u64, U256, U256, bool) {
        let [hf_min, phi, fee_max, acp, grace, buffer, external_hf_min] = self.parameter_values();
        (
            hf_min,
            phi,
            fee_max,
            acp.to::<u64>(),
            grace.to::<u64>(),
            buffer,
            external_hf_min,
            self.is_paused(),
        )
    }

    /// The External markets' payout caps, WAD fractions of a free balance:
    /// `(per checkpoint, per day)`.
    pub fn external_caps(&self) -> (U256, U256) {
        self.payout_caps()
    }

    // ---- Governance ----

    /// The owner.
    pub fn owner(&self) -> Address {
        self.admin().owner
    }

    /// The proposed owner, until it accepts.
    pub fn pending_owner(&self) -> Address {
        self.pending_owner_value()
    }

    /// Proposes a new owner (owner only); it takes over on
    /// [`Self::accept_ownership`].
    ///
    /// # Errors
    /// [`errors::Unauthorized`], [`errors::InvalidAddress`].
    ///
    /// # Events
    /// `OwnershipTransferStarted`.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        self.only_owner()?;
        self.do_transfer_ownership(new_owner)
    }

    /// Completes an ownership transfer (the pending owner only).
    ///
    /// # Errors
    /// [`errors::Unauthorized`].
    ///
    /// # Events
    /// `OwnershipTransferred`.
    pub fn accept_ownership(&mut self) -> Result<(), Error> {
        self.do_accept_ownership()
    }

    /// Sets a bounded parameter (owner only); ids and bounds in
    /// [`governance::param`]. At once during setup, through the timelock
    /// once live.
    ///
    /// # Errors
    /// [`errors::Unauthorized`], [`errors::ParameterOutOfRange`].
    ///
    /// # Events
    /// `ParameterSet`, or `ChangeQueued`.
    pub fn set_parameter(&mut self, id: u8, value: U256) -> Result<(), Error> {
        self.only_owner()?;
        governance::check_parameter(id, value)?;
        if self
            .defer(timelock::SET_PARAMETER, &[id.word(), value])?
            .is_some()
        {
            return Ok(());
        }
        self.write_parameter(id, value)
    }

    /// Ends setup for good (owner only): anyone may deposit, and every
    /// change that can move LP value waits `ACP + grace` in the timelock.
    ///
    /// # Errors
    /// [`errors::Unauthorized`].
    ///
    /// # Events
    /// `WentLive` (once).
    pub fn go_live(&mut self) -> Result<(), Error> {
        self.only_owner()?;
        self.do_go_live();
        Ok(())
    }

    /// Whether setup has ended ([`Self::go_live`]).
    pub fn is_live(&self) -> bool {
        self.live_now()
    }

    /// Runs a queued call (owner only) once it is due, and at the latest
    /// [`timelock::WINDOW`] later. Returns the call's first result word: a
    /// new market's id, else 0. A registration or a resume opens the market
    /// at the pool's price of this transaction, so run it where nobody can
    /// put a swap just before it (Arbitrum's sequencer orders transactions
    /// as they arrive).
    ///
    /// # Errors
    /// [`errors::Unauthorized`], [`errors::UnknownChange`] (none, executed
    /// or cancelled), [`errors::TimelockPending`], [`errors::ChangeExpired`],
    /// and any error the change itself would raise now.
    ///
    /// # Events
    /// `ChangeExecuted`, then the change's own.
    pub fn execute_change(&mut self, id: u64) -> Result<U256, Error> {
        self.lock()?;
        let result = self.do_execute(id)?;
        self.unlock();
        Ok(result)
    }

    /// Withdraws a queued call before it runs (owner only).
    ///
    /// # Errors
    /// [`errors::Unauthorized`], [`errors::UnknownChange`].
    ///
    /// # Events
    /// `ChangeCancelled`.
    pub fn cancel_change(&mut self, id: u64) -> Result<(), Error> {
        self.do_cancel(id)
    }

    /// A queued call: `(due, state, call)`, its state by
    /// [`timelock::state`] and `call` the calldata it will run. One still
    /// queued at `due + timelock::WINDOW` has expired and can never run.
    ///
    /// # Errors
    /// [`errors::UnknownChange`].
    pub fn change(&self, id: u64) -> Result<(u64, u8, stylus_sdk::abi::Bytes), Error> {
        let (due, state, call) = self.change_view(id)?;
        Ok((due, state, call.into()))
    }

    /// How many changes were ever queued (ids are `0..count`).
    pub fn change_count(&self) -> u64 {
        self.counts().changes
    }

    /// Switches the global pause (owner only): stops deposits, swaps and
    /// settlements; never locks or completions.
    ///
    /// # Errors
    /// [`errors::Unauthorized`].
    ///
    /// # Events
    /// `PausedSet`.
    pub fn set_paused(&mut self, paused: bool) -> Result<(), Error> {
        self.only_owner()?;
        self.do_set_paused(paused);
        Ok(())
    }
}

impl Damm {
    /// Sets the pool's two tokens and its owner, once, at deployment
    /// (cargo-stylus deploys, activates and constructs in one transaction, so
    /// this cannot be front-run; the SDK refuses a second call). Parameters
    /// start at their defaults (see [`governance::param`]).
    ///
    /// # Errors
    /// [`errors::InvalidAddress`] if a token has no code, the tokens are
    /// equal, or the owner is zero.
    pub fn constructor(
        &mut self,
        token0: Address,
        token1: Address,
        owner: Address,
    ) -> Result<(), Error> {
        for token in [token0, token1] {
            let code = self.vm().code_hash(token);
            if code.is_zero() || code == EMPTY_CODE_HASH || token0 == token1 {
                return Err(InvalidAddress { account: token }.into());
            }
        }
        crate::guard::not_zero(owner)?;
        let token = |token| store::TokenSlot {
            token,
            ..store::TokenSlot::default()
        };
        self.set_global(store::TOKEN0, token(token0).into());
        self.set_global(store::TOKEN1, token(token1).into());
        self.set_global(
            store::ADMIN,
            store::Admin {
                owner,
                ..store::Admin::default()
            }
            .into(),
        );
        self.set_defaults()
    }
}

/// One in WAD, for callers building parameters.
pub const ONE: U256 = WAD;

#[cfg(not(feature = "export-abi"))]
impl Damm {
    /// What `#[entrypoint]` expects of a contract whose router is not
    /// generated by `#[public]`: there are no inherited methods to check.
    pub const fn __stylus_assert_overrides() {}
}
