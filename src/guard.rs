//! Guards every entry runs first: the reentrancy lock, access control, the
//! global pause, deadlines, and the clock.

use alloy_primitives::{Address, U256};
use stylus_sdk::prelude::*;

use crate::errors::{Error, Expired, InvalidAddress, Paused, Reentrancy, Unauthorized};
use crate::store::{self, Admin, TokenSlot, PAUSED};
use crate::Damm;

/// Refuses the zero address (as a recipient, tokens sent there are lost; as
/// an owner, operator or spender, nobody could act for it).
pub(crate) fn not_zero(account: Address) -> Result<(), Error> {
    if account.is_zero() {
        return Err(InvalidAddress { account }.into());
    }
    Ok(())
}

/// The reentrancy lock's flag (see [`Damm::flag`]).
const LOCK: u64 = 0;

impl Damm {
    /// Takes the reentrancy lock. Every state-changing entry takes it first
    /// and releases it last ([`Self::unlock`]); a revert releases it too,
    /// since the write is rolled back. The SDK's entrypoint also refuses
    /// re-entry; this lock does not rely on that.
    ///
    /// In the contract the lock is transient storage. motsu has no
    /// transient storage, so native test builds keep it in a storage slot
    /// beyond the layout; the WASM's lock is tested in the runtime.
    pub(crate) fn lock(&mut self) -> Result<(), Error> {
        if self.locked() {
            return Err(Reentrancy {}.into());
        }
        self.set_locked(true);
        Ok(())
    }

    /// Releases the reentrancy lock.
    pub(crate) fn unlock(&mut self) {
        self.set_locked(false);
    }

    fn locked(&self) -> bool {
        self.flag(LOCK)
    }

    fn set_locked(&mut self, held: bool) {
        self.set_flag(LOCK, held);
    }

    /// Transaction-scoped flag `n`: transient storage slot `n` (EIP-1153),
    /// which lives for the transaction, reverts with its frame and costs 100
    /// gas an access, where a storage slot would cost 2,100 cold plus a
    /// write. motsu has no transient storage, so native test builds keep the
    /// flags in storage slots beyond the layout; the WASM's are tested in
    /// the runtime.
    pub(crate) fn flag(&self, n: u64) -> bool {
        #[cfg(target_arch = "wasm32")]
        return crate::hostio::transient_load(&store::slot(n).0)[31] != 0;
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.global(u64::MAX - n).0[3] != 0
        }
    }

    /// Sets transaction-scoped flag `n`.
    pub(crate) fn set_flag(&mut self, n: u64, on: bool) {
        #[cfg(target_arch = "wasm32")]
        crate::hostio::transient_store(&store::slot(n).0, &store::slot(u64::from(on)).0);
        #[cfg(not(target_arch = "wasm32"))]
        self.set_global(u64::MAX - n, store::Word([0, 0, 0, u64::from(on)]));
    }

    /// Slot `TOKEN0`, refusing while the global pause is on (deposits,
    /// swaps, settlements).
    pub(crate) fn unpaused(&self) -> Result<TokenSlot, Error> {
        let slot: TokenSlot = self.global(store::TOKEN0).into();
        if slot.flags & PAUSED != 0 {
            return Err(Paused {}.into());
        }
        Ok(slot)
    }

    /// Whether the global pause is on.
    pub(crate) fn is_paused(&self) -> bool {
        TokenSlot::from(self.global(store::TOKEN0)).flags & PAUSED != 0
    }

    /// Slot `ADMIN`.
    pub(crate) fn admin(&self) -> Admin {
        self.global(store::ADMIN).into()
    }

    /// Refuses any caller but the owner.
    pub(crate) fn only_owner(&self) -> Result<(), Error> {
        self.only(self.admin().owner)
    }

    /// Refuses any caller but `account`.
    pub(crate) fn only(&self, account: Address) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller != account {
            return Err(Unauthorized { caller }.into());
        }
        Ok(())
    }

    /// Refuses once `deadline` (a timestamp) has passed.
    pub(crate) fn before(&self, deadline: U256) -> Result<(), Error> {
        if U256::from(self.now()) > deadline {
            return Err(Expired { deadline }.into());
        }
        Ok(())
    }

    /// The block timestamp. Native test builds can move it with
    /// [`test_clock`]; the WASM always reads the chain's.
    pub(crate) fn now(&self) -> u64 {
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(now) = test_clock::get() {
            return now;
        }
        self.vm().block_timestamp()
    }
}

/// A per-thread clock override for native tests: motsu fixes the block
/// timestamp, and the ACP needs time to pass. Not compiled into the WASM.
#[cfg(not(target_arch = "wasm32"))]
pub mod test_clock {
    use std::cell::Cell;

    std::thread_local! {
        static NOW: Cell<Option<u64>> = const { Cell::new(None) };
    }

    /// Sets the timestamp the contract sees on this thread.
    pub fn set(now: u64) {
        NOW.with(|cell| cell.set(Some(now)));
    }

    /// The timestamp set on this thread, if any.
    pub fn get() -> Option<u64> {
        NOW.with(Cell::get)
    }
}
