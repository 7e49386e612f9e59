//! The owner's value-moving changes wait in an on-chain timelock (docs/design.md §14).
//!
//! The contract starts in **setup**: the owner configures it, and only the
//! owner may deposit. `goLive` ends setup for good. From then on every call
//! that could move LP value is queued, and only executes at least
//! `ACP + grace` later, so that an LP who disagrees can lock and leave
//! first. Those calls are `setParameter`, `registerMarket`, `setOperator`
//! and resuming a paused market (`setMarketActive(id, true)`). In setup
//! they apply at once, since only the owner's own liquidity is in the pool.
//!
//! Pauses stay immediate, because they only stop things; so does lifting
//! the global pause, which restores exactly the rules in force (docs/design.md §14
//! lists what may be immediate; the note on issue 10 explains this one).
//! Ownership moves in two steps, and a new owner holds no more power than
//! the old one.
//!
//! What is queued is the call itself: its selector and argument words. An
//! owner's call is checked before it is queued, and checked again when it
//! runs. Only the owner executes it, from when it is due until [`WINDOW`]
//! later, and may cancel it before. Queue, execute and cancel each emit an
//! event with the id, the due time and the calldata.
//!
//! Only the owner executes, because a registration or a resume opens the
//! market at the pool's price of that moment: anyone who could choose the
//! moment could swap the price away, execute and swap back in one
//! transaction. And a change that was not run stays out of the way: after
//! its window it can only be queued again, with a fresh delay.

use alloc::vec::Vec;

use alloy_primitives::U256;
use stylus_sdk::prelude::*;

use crate::abi::{encode, Word as _};
use crate::errors::{ChangeExpired, Error, NotLive, TimelockPending, UnknownChange};
use crate::events::{ChangeCancelled, ChangeExecuted, ChangeQueued, WentLive};
use crate::store::{self, Counts, TokenSlot, Word, LIVE};
use crate::Damm;

/// A selector as a number.
macro_rules! selector {
    ($($t:tt)*) => {
        u32::from_be_bytes(stylus_sdk::function_selector!($($t)*))
    };
}

/// `setParameter(uint8,uint256)`.
pub(crate) const SET_PARAMETER: u32 = selector!("setParameter", u8, U256);
/// `registerMarket(address,uint8,uint256,uint256,uint256,uint256)`.
pub(crate) const REGISTER_MARKET: u32 = selector!(
    "registerMarket",
    alloy_primitives::Address,
    u8,
    U256,
    U256,
    U256,
    U256
);
/// `setOperator(uint64,address)`.
pub(crate) const SET_OPERATOR: u32 = selector!("setOperator", u64, alloy_primitives::Address);
/// `setMarketActive(uint64,bool)`.
pub(crate) const SET_MARKET_ACTIVE: u32 = selector!("setMarketActive", u64, bool);

/// How long a due change may still be executed (Compound's timelock uses
/// the same 14 days).
pub const WINDOW: u64 = 14 * 86_400;

/// Words per queued call, at `keccak(CHANGES) + 8·id`: the head, then up to
/// seven argument words.
const WORDS: u64 = 8;
/// The most argument words a governed call has (`registerMarket`'s six).
const MAX_ARGS: usize = 7;

/// Where a queued call stands.
pub mod state {
    /// Waiting, or due.
    pub const QUEUED: u8 = 1;
    /// Applied.
    pub const EXECUTED: u8 = 2;
    /// Withdrawn by the owner.
    pub const CANCELLED: u8 = 3;
}

/// A queued call's head: due at `u64` · selector `u32` · state `u8` ·
/// argument words `u8`.
struct Head {
    due: u64,
    selector: u32,
    state: u8,
    args: u8,
}

impl From<Word> for Head {
    fn from(w: Word) -> Self {
        Self {
            due: w.0[0],
            selector: (w.0[1] >> 32) as u32,
            state: (w.0[1] >> 8) as u8,
            args: w.0[1] as u8,
        }
    }
}

impl From<Head> for Word {
    fn from(h: Head) -> Self {
        Word([
            h.due,
            (u64::from(h.selector) << 32) | (u64::from(h.state) << 8) | u64::from(h.args),
            0,
            0,
        ])
    }
}

/// The flag that says a queued call is running, so the governed function
/// applies instead of queueing again.
const EXECUTING: u64 = 1;

impl Damm {
    /// Whether setup has ended.
    pub(crate) fn live_now(&self) -> bool {
        self.token0_slot().flags & LIVE != 0
    }

    /// Refuses anyone but the owner during setup, given slot `TOKEN0`: a
    /// deposit, or an L2 join through a checkpoint, would put someone
    /// else's liquidity under changes that still apply at once.
    pub(crate) fn outside_setup(&self, token0_slot: &TokenSlot) -> Result<(), Error> {
        if token0_slot.flags & LIVE == 0 && self.vm().msg_sender() != self.admin().owner {
            return Err(NotLive {}.into());
        }
        Ok(())
    }

    /// See [`Damm::go_live`].
    pub(crate) fn do_go_live(&mut self) {
        let mut slot = self.token0_slot();
        if slot.flags & LIVE == 0 {
            slot.flags |= LIVE;
            self.set_global(store::TOKEN0, slot.into());
            crate::abi::emit!(self, WentLive, &[], &[]);
        }
    }

    /// For a governed call the owner makes, already checked: `None` to apply
    /// it now (setup, or the timelock running it), else queues it and
    /// returns the queued call's id.
    pub(crate) fn defer(&mut self, selector: u32, args: &[U256]) -> Result<Option<u64>, Error> {
        if !self.live_now() || self.executing() {
            return Ok(None);
        }
        let admin = self.admin();
        let due = self
            .now()
            .saturating_add(u64::from(admin.acp))
            .saturating_add(u64::from(admin.grace));
        let counts = self.counts();
        let id = counts.changes;
        let head = Head {
            due,
            selector,
            state: state::QUEUED,
            args: args.len().min(MAX_ARGS) as u8,
        };
        self.set_call_word(id, 0, head.into());
        for (at, word) in (1..).zip(args.iter().take(MAX_ARGS)) {
            self.set_call_word(id, at, (*word).into());
        }
        self.set_global(
            store::COUNTS,
            Counts {
                changes: id + 1,
                ..counts
            }
            .into(),
        );
        let call = encode(&selector.to_be_bytes(), args);
        crate::abi::emit!(self, ChangeQueued, &[id.word()], &announcement(due, &call));
        Ok(Some(id))
    }

    fn call_word(&self, id: u64, field: u64) -> Word {
        self.read_word(self.element(store::CHANGES, WORDS, id, field))
    }

    fn set_call_word(&mut self, id: u64, field: u64, word: Word) {
        let key = self.element(store::CHANGES, WORDS, id, field);
        self.write_word(key, word);
    }

    fn head_of(&self, id: u64) -> Result<Head, Error> {
        if id >= self.counts().changes {
            return Err(UnknownChange { id }.into());
        }
        Ok(self.call_word(id, 0).into())
    }

    /// A queued call's calldata: its selector and argument words.
    fn calldata(&self, id: u64, head: &Head) -> Vec<u8> {
        let args: Vec<U256> = (1..=u64::from(head.args))
            .map(|at| self.call_word(id, at).into())
            .collect();
        encode(&head.selector.to_be_bytes(), &args)
    }

    fn set_state(&mut self, id: u64, mut head: Head, to: u8) {
        head.state = to;
        self.set_call_word(id, 0, head.into());
    }

    /// Whether a queued call is running.
    pub(crate) fn executing(&self) -> bool {
        self.flag(EXECUTING)
    }

    /// See [`Damm::execute_change`]: runs the queued call through the
    /// contract's own router.
    pub(crate) fn do_execute(&mut self, id: u64) -> Result<U256, Error> {
        self.only_owner()?;
        let head = self.head_of(id)?;
        if head.state != state::QUEUED {
            return Err(UnknownChange { id }.into());
        }
        let now = self.now();
        if now < head.due {
            return Err(TimelockPending {
                id,
                due: U256::from(head.due),
            }
            .into());
        }
        let expired_at = head.due.saturating_add(WINDOW);
        if now >= expired_at {
            return Err(ChangeExpired {
                id,
                expiredAt: U256::from(expired_at),
            }
            .into());
        }
        let (due, call) = (head.due, self.calldata(id, &head));
        self.set_state(id, head, state::EXECUTED);
        crate::abi::emit!(
            self,
            ChangeExecuted,
            &[id.word()],
            &announcement(due, &call)
        );
        self.set_flag(EXECUTING, true);
        let result = self.replay(&call);
        self.set_flag(EXECUTING, false);
        result
    }

    /// See [`Damm::cancel_change`].
    pub(crate) fn do_cancel(&mut self, id: u64) -> Result<(), Error> {
        self.only_owner()?;
        let head = self.head_of(id)?;
        if head.state != state::QUEUED {
            return Err(UnknownChange { id }.into());
        }
        let (due, call) = (head.due, self.calldata(id, &head));
        self.set_state(id, head, state::CANCELLED);
        crate::abi::emit!(
            self,
            ChangeCancelled,
            &[id.word()],
            &announcement(due, &call)
        );
        Ok(())
    }

    /// `(due, state, call)` of a queued call.
    pub(crate) fn change_view(&self, id: u64) -> Result<(u64, u8, Vec<u8>), Error> {
        let head = self.head_of(id)?;
        Ok((head.due, head.state, self.calldata(id, &head)))
    }
}

/// The data of a timelock event, `(uint256 due, bytes call)` ABI-encoded.
fn announcement(due: u64, call: &[u8]) -> Vec<U256> {
    let mut data = vec![due.word(), U256::from(64), U256::from(call.len())];
    data.extend(args_words(call));
    data
}

/// Bytes as ABI words, the last padded with zeros.
pub(crate) fn args_words(bytes: &[u8]) -> Vec<U256> {
    bytes
        .chunks(32)
        .map(|chunk| {
            let mut word = [0u8; 32];
            for (w, b) in word.iter_mut().zip(chunk) {
                *w = *b;
            }
            damm_math::arith::from_be_bytes(&word)
        })
        .collect()
}
