//! Governance: a two-step owner, bounded parameters and the global pause.
//!
//! Every parameter has hard bounds, so even the owner cannot set a value that
//! breaks the pool (a zero ACP, a fee of 100 %, a health floor of zero). The
//! pause stops deposits, swaps and settlements, never a withdrawal whose ACP
//! has passed.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolEvent;
use damm_math::arith::WAD;

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

/// `per_mille / 1000` as a WAD, at compile time (no division in the WASM).
const fn wad(per_mille: u64) -> U256 {
    U256::from_limbs([per_mille * 1_000_000_000_000_000, 0, 0, 0])
}

const fn secs(seconds: u64) -> U256 {
    U256::from_limbs([seconds, 0, 0, 0])
}

/// `(min, max, default)` of each settable parameter, by id.
fn bounds(id: u8) -> Option<(U256, U256, U256)> {
    Some(match id {
        param::HF_MIN => (wad(500), WAD, wad(900)),
        param::PHI => (U256::ZERO, wad(50), wad(10)),
        param::FEE_MAX => (wad(1), wad(100), wad(10)),
        param::ACP => (secs(60), secs(30 * DAY), secs(DAY)),
        param::GRACE => (secs(3600), secs(30 * DAY), secs(3 * DAY)),
        param::BUFFER => (U256::ZERO, wad(500), wad(50)),
        param::EXTERNAL_HF_MIN => (wad(500), WAD, wad(950)),
        _ => return None,
    })
}

impl Damm {
    /// Sets every parameter to its default (at construction).
    pub(crate) fn set_defaults(&mut self) -> Result<(), Error> {
        for id in param::HF_MIN..=param::EXTERNAL_HF_MIN {
            let (_, _, default) = bounds(id).ok_or(ParameterOutOfRange {
                id,
                value: U256::ZERO,
            })?;
            self.write_parameter(id, default)?;
        }
        Ok(())
    }

    /// See [`Damm::set_parameter`].
    pub(crate) fn do_set_parameter(&mut self, id: u8, value: U256) -> Result<(), Error> {
        match bounds(id) {
            Some((min, max, _)) if value >= min && value <= max => self.write_parameter(id, value),
            _ => Err(ParameterOutOfRange { id, value }.into()),
        }
    }

    fn write_parameter(&mut self, id: u8, value: U256) -> Result<(), Error> {
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
            _ => {
                let trend = Trend {
                    external_hf_min: small,
                    ..self.trend()
                };
                self.set_global(store::TREND, trend.into());
            }
        }
        self.emit(ParameterSet::SIGNATURE_HASH, &[id.word()], &[value]);
        Ok(())
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
        self.emit(PausedSet::SIGNATURE_HASH, &[], &[paused.word()]);
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
        self.emit(
            OwnershipTransferStarted::SIGNATURE_HASH,
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
        self.emit(
            OwnershipTransferred::SIGNATURE_HASH,
            &[previous_owner.word(), new_owner.word()],
            &[],
        );
        Ok(())
    }
}
