//! Governance: a two-step owner, bounded parameters and the global pause.
//!
//! Every parameter has hard bounds, so even the owner cannot set a value that
//! breaks the pool (a zero ACP, a fee of 100 %, a health floor of zero). Once
//! the pool is live, a change waits in the timelock ([`crate::timelock`]).
//! The pause stops deposits, swaps and settlements, never a withdrawal whose
//! ACP has passed.

use alloy_primitives::{Address, U256};

use crate::abi::Word as _;
use crate::store::{self, narrow64, wide, Admin, TokenSlot, Trend, Word, PAUSED};

use crate::errors::{Error, ParameterOutOfRange};
use crate::events::{OwnershipTransferStarted, OwnershipTransferred, ParameterSet, PausedSet};
use crate::Damm;

/// Parameter ids for `setParameter` (and the ids `ParameterOutOfRange` names).
pub mod param {
    /// Health floor `HF_min` (WAD), in [0.5, 1]. Default 0.9.
    pub const HF_MIN: u8 = 0;
    /// Health premium `φ` (WAD), in [0, 5 %]. Default 1 %.
    pub const PHI: u8 = 1;
    /// Fee cap `f_max` (WAD), in [0.1 %, 10 %]. Default 1 %.
    pub const FEE_MAX: u8 = 2;
    /// AMM Cooldown Period (seconds), in [1 minute, 30 days]. Default 1 day.
    pub const ACP: u8 = 3;
    /// Grace after the ACP before the fallback (seconds), in [1 hour, 30 days]. Default 3 days.
    pub const GRACE: u8 = 4;
    /// Security buffer (WAD fraction of a free balance a payout must leave), in [0, 50 %]. Default 5 %.
    pub const BUFFER: u8 = 5;
    /// Health floor for `External` markets (WAD), in [0.5, 1]. Default 0.95.
    /// Settlements use the larger of this and `HF_MIN`, so it is never laxer.
    pub const EXTERNAL_HF_MIN: u8 = 6;
    /// The most one `External` checkpoint may pay out of each token, as a
    /// WAD fraction of its free balance, in [0, 10 %]. Default 1 %.
    pub const EXTERNAL_MAX_OUT: u8 = 7;
    /// The most an `External` market may be paid out of each token in one
    /// day (UTC days of block time), as a WAD fraction of the free balance at
    /// each checkpoint, in [0, 25 %]. Default 5 %.
    pub const EXTERNAL_DAILY_OUT: u8 = 8;
    /// Reported for a bad curve kind at registration.
    pub const KIND: u8 = 100;
    /// Reported for bad curve parameters at registration.
    pub const CURVE: u8 = 101;
    /// Reported for a bad allocation weight at registration (0 < w ≤ 1).
    pub const WEIGHT: u8 = 102;
    /// Reported for a bad L2 fee scale at registration (λ ≤ 1).
    pub const FEE_SCALE: u8 = 103;
}

const DAY: u64 = 86_400;

/// Refuses a parameter id or value outside its bounds.
pub(crate) fn check_parameter(id: u8, value: U256) -> Result<(), Error> {
    match bounds(id) {
        Some((min, max, _)) if value >= U256::from(min) && value <= U256::from(max) => Ok(()),
        _ => Err(ParameterOutOfRange { id, value }.into()),
    }
}

/// One thousandth as a WAD.
const MILLI: u64 = 1_000_000_000_000_000;

/// `(min, max, default)` of each settable parameter, by id: WAD fractions in
/// thousandths, durations in seconds.
fn bounds(id: u8) -> Option<(u64, u64, u64)> {
    Some(match id {
        param::HF_MIN => (500 * MILLI, 1000 * MILLI, 900 * MILLI),
        param::PHI => (0, 50 * MILLI, 10 * MILLI),
        param::FEE_MAX => (MILLI, 100 * MILLI, 10 * MILLI),
        param::ACP => (60, 30 * DAY, DAY),
        param::GRACE => (3600, 30 * DAY, 3 * DAY),
        param::BUFFER => (0, 500 * MILLI, 50 * MILLI),
        param::EXTERNAL_HF_MIN => (500 * MILLI, 1000 * MILLI, 950 * MILLI),
        param::EXTERNAL_MAX_OUT => (0, 100 * MILLI, 10 * MILLI),
        param::EXTERNAL_DAILY_OUT => (0, 250 * MILLI, 50 * MILLI),
        _ => return None,
    })
}

impl Damm {
    /// Sets every parameter to its default (at construction).
    pub(crate) fn set_defaults(&mut self) -> Result<(), Error> {
        for id in param::HF_MIN..=param::EXTERNAL_DAILY_OUT {
            let (_, _, default) = bounds(id).ok_or(ParameterOutOfRange {
                id,
                value: U256::ZERO,
            })?;
            self.write_parameter(id, U256::from(default))?;
        }
        Ok(())
    }

    /// Writes a parameter already checked ([`check_parameter`]).
    pub(crate) fn write_parameter(&mut self, id: u8, value: U256) -> Result<(), Error> {
        // Each parameter lives in the slot its hot path reads anyway
        // (`crate::store`).
        let small = narrow64(value)?;
        match id {
            param::HF_MIN => {
                let slot = TokenSlot {
                    extra: small,
                    ..self.token1_slot()
                };
                self.set_global(store::TOKEN1, slot.into());
            }
            param::PHI | param::FEE_MAX => {
                let mut slot = self.supply_slot();
                if id == param::PHI {
                    slot.phi = small;
                } else {
                    slot.fee_max = small;
                }
                self.set_global(store::SUPPLY, slot.into());
            }
            param::ACP | param::GRACE => {
                let mut admin = self.admin();
                // Bounded by 30 days, so it fits.
                let seconds = u32::try_from(small).unwrap_or(u32::MAX);
                if id == param::ACP {
                    admin.acp = seconds;
                } else {
                    admin.grace = seconds;
                }
                self.set_global(store::ADMIN, admin.into());
            }
            param::BUFFER => {
                let slot = TokenSlot {
                    extra: small,
                    ..self.token0_slot()
                };
                self.set_global(store::TOKEN0, slot.into());
            }
            param::EXTERNAL_HF_MIN => {
                let trend = Trend {
                    external_hf_min: small,
                    ..self.trend()
                };
                self.set_global(store::TREND, trend.into());
            }
            _ => {
                let mut caps = self.global(store::EXTERNAL);
                caps.0[usize::from(id == param::EXTERNAL_DAILY_OUT)] = small;
                self.set_global(store::EXTERNAL, caps);
            }
        }
        crate::abi::emit!(self, ParameterSet, &[id.word()], &[value]);
        Ok(())
    }

    /// The External payout caps `(per checkpoint, per day)`, WAD.
    pub(crate) fn payout_caps(&self) -> (U256, U256) {
        let caps = self.global(store::EXTERNAL);
        (wide(caps.0[0]), wide(caps.0[1]))
    }

    /// The parameters, as `Damm::parameters` returns them.
    pub(crate) fn parameter_values(&self) -> [U256; 7] {
        let (token0, token1, supply, admin) = (
            self.token0_slot(),
            self.token1_slot(),
            self.supply_slot(),
            self.admin(),
        );
        [
            wide(token1.extra),
            wide(supply.phi),
            wide(supply.fee_max),
            wide(admin.acp),
            wide(admin.grace),
            wide(token0.extra),
            wide(self.trend().external_hf_min),
        ]
    }

    /// See [`Damm::set_paused`].
    pub(crate) fn do_set_paused(&mut self, paused: bool) {
        let mut slot = self.token0_slot();
        slot.flags = if paused {
            slot.flags | PAUSED
        } else {
            slot.flags & !PAUSED
        };
        self.set_global(store::TOKEN0, slot.into());
        crate::abi::emit!(self, PausedSet, &[], &[paused.word()]);
    }

    /// The proposed owner.
    pub(crate) fn pending_owner_value(&self) -> Address {
        self.global(store::PENDING_OWNER).address()
    }

    fn set_pending_owner(&mut self, owner: Address) {
        self.set_global(store::PENDING_OWNER, Word::with_address(0, 0, owner));
    }

    /// See [`Damm::transfer_ownership`].
    pub(crate) fn do_transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        crate::guard::not_zero(new_owner)?;
        self.set_pending_owner(new_owner);
        crate::abi::emit!(
            self,
            OwnershipTransferStarted,
            &[self.admin().owner.word(), new_owner.word()],
            &[],
        );
        Ok(())
    }

    /// See [`Damm::accept_ownership`].
    pub(crate) fn do_accept_ownership(&mut self) -> Result<(), Error> {
        let new_owner = self.pending_owner_value();
        self.only(new_owner)?;
        let admin = self.admin();
        let previous_owner = admin.owner;
        self.set_global(
            store::ADMIN,
            Admin {
                owner: new_owner,
                ..admin
            }
            .into(),
        );
        self.set_pending_owner(Address::ZERO);
        crate::abi::emit!(
            self,
            OwnershipTransferred,
            &[previous_owner.word(), new_owner.word()],
            &[],
        );
        Ok(())
    }
}
