//! Guards every entry runs first: the reentrancy lock, access control, the
//! global pause, deadlines, and the clock.

use alloy_primitives::{Address, U256};
use stylus_sdk::prelude::*;

use crate::errors::{Error, Expired, InvalidAddress, Paused, Reentrancy, Unauthorized};
use crate::Damm;

/// Refuses the zero address (as a recipient, tokens sent there are lost; as
/// an owner, operator or spender, nobody could act for it).
pub(crate) fn not_zero(account: Address) -> Result<(), Error> {
    if account.is_zero() {
        return Err(InvalidAddress { account }.into());
    }
    Ok(())
}

impl Damm {
    /// Takes the reentrancy lock. Every state-changing entry takes it first and
    /// releases it last ([`Self::unlock`]); a revert releases it too, since
    /// the write is rolled back. The SDK's entrypoint also refuses re-entry;
    /// this lock does not rely on that.
    pub(crate) fn lock(&mut self) -> Result<(), Error> {
        if self.entered.get() {
            return Err(Reentrancy {}.into());
        }
        self.entered.set(true);
        Ok(())
    }

    /// Releases the reentrancy lock.
    pub(crate) fn unlock(&mut self) {
        self.entered.set(false);
    }

    /// Refuses while the global pause is on (deposits, swaps, settlements).
    pub(crate) fn when_live(&self) -> Result<(), Error> {
        if self.paused.get() {
            return Err(Paused {}.into());
        }
        Ok(())
    }

    /// Refuses any caller but the owner.
    pub(crate) fn only_owner(&self) -> Result<(), Error> {
        self.only(self.owner.get())
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

    pub(crate) fn get() -> Option<u64> {
        NOW.with(Cell::get)
    }
}
