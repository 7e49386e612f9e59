//! The dAMM's interface (`abi/IDamm.sol`) as typed calls on a [`Chain`]:
//! the views the demo reads (books, markets, withdrawals, parameters,
//! quotes) and the transactions it sends (deposit, market registration,
//! checkpoints, L1 swaps, withdrawals, governance). Every transaction is
//! recorded with its gas; a refusal comes back as the decoded [`Revert`].

use alloy_primitives::{Address, B256, U256};
use damm_math::VirtualState;
use stylus_runtime::abi::{self, Word};
use stylus_runtime::log::Log;
use stylus_runtime::CallOutcome;

use crate::chain::{amount_label, Chain, Failure, Op, Revert};

/// `Checkpoint(...)`: the event of a settled batch.
pub const CHECKPOINT_EVENT: &str =
    "Checkpoint(uint64,uint64,int256,int256,uint256,uint256,uint256,uint256,bytes32)";

/// `ChangeQueued(...)`: a governed call waiting in the timelock.
const CHANGE_QUEUED_EVENT: &str = "ChangeQueued(uint64,uint256,bytes)";

/// Far in the future: deadlines that must not bite.
const LATER: u64 = u64::MAX;

/// The pool's books as `reserves()`, `totalSupply()` and `healthFactor()` show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Books {
    /// Token0 held, `X`.
    pub x: U256,
    /// Token1 held, `Y`.
    pub y: U256,
    /// Token0 reserved for locked withdrawals, `R_x`.
    pub rx: U256,
    /// Token1 reserved, `R_y`.
    pub ry: U256,
    /// Live LP shares, `T`.
    pub supply: U256,
    /// The health factor (WAD).
    pub hf: U256,
}

impl Books {
    /// The books as damm-math's checkpoint judge takes them.
    #[must_use]
    pub fn pool(&self) -> damm_math::checkpoint::Pool {
        damm_math::checkpoint::Pool {
            balance0: self.x,
            balance1: self.y,
            reserved0: self.rx,
            reserved1: self.ry,
            total_supply: self.supply,
        }
    }

    /// Free balances `(X − R_x, Y − R_y)`.
    #[must_use]
    pub fn free(&self) -> (U256, U256) {
        (self.x - self.rx, self.y - self.ry)
    }
}

/// A market as `market(id)` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Market {
    /// Its operator.
    pub operator: Address,
    /// Its allocation weight `w` (WAD).
    pub weight: U256,
    /// The last settled batch.
    pub batch: u64,
    /// The committed virtual state.
    pub state: VirtualState,
    /// The invariant growth of all its batches.
    pub growth: U256,
}

/// A withdrawal as `withdrawal(id)` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Withdrawal {
    /// Token0 owed.
    pub amount0: U256,
    /// Token1 owed.
    pub amount1: U256,
    /// The end of its ACP.
    pub ready_at: u64,
    /// When it pays without waiting for markets.
    pub fallback_at: u64,
    /// Whether it was paid.
    pub done: bool,
}

/// The governance parameters as `parameters()` shows them (those the demo uses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parameters {
    /// `HF_min` (WAD).
    pub hf_min: U256,
    /// The ACP (seconds).
    pub acp: u64,
    /// The grace after the ACP (seconds).
    pub grace: u64,
    /// The security buffer (WAD).
    pub buffer: U256,
}

impl Chain {
    // ---- The dAMM: views ----

    /// `reserves()`, `totalSupply()` and `healthFactor()`.
    ///
    /// # Errors
    /// A [`Failure`] if a view fails.
    pub fn books(&mut self) -> Result<Books, Failure> {
        let r = self.view(self.pool, "reserves()", &[])?;
        if r.len() != 4 {
            return Err(Failure("reserves() did not return 4 words".into()));
        }
        Ok(Books {
            x: r[0],
            y: r[1],
            rx: r[2],
            ry: r[3],
            supply: self.word(self.pool, "totalSupply()", &[], 0)?,
            hf: self.word(self.pool, "healthFactor()", &[], 0)?,
        })
    }

    /// `market(id)`.
    ///
    /// # Errors
    /// A [`Failure`] if the view fails.
    pub fn market(&mut self, id: u64) -> Result<Market, Failure> {
        let m = self.view(self.pool, "market(uint64)", &[id.word()])?;
        if m.len() != 13 {
            return Err(Failure("market() did not return 13 words".into()));
        }
        Ok(Market {
            operator: abi::address(m[0]),
            weight: m[5],
            batch: m[7].to::<u64>(),
            state: VirtualState::new(m[8], m[9]),
            growth: m[12],
        })
    }

    /// `withdrawal(id)`.
    ///
    /// # Errors
    /// A [`Failure`] if the view fails.
    pub fn withdrawal(&mut self, id: u64) -> Result<Withdrawal, Failure> {
        let w = self.view(self.pool, "withdrawal(uint64)", &[id.word()])?;
        if w.len() != 7 {
            return Err(Failure("withdrawal() did not return 7 words".into()));
        }
        Ok(Withdrawal {
            amount0: w[2],
            amount1: w[3],
            ready_at: w[4].to::<u64>(),
            fallback_at: w[5].to::<u64>(),
            done: !w[6].is_zero(),
        })
    }

    /// `parameters()`.
    ///
    /// # Errors
    /// A [`Failure`] if the view fails.
    pub fn parameters(&mut self) -> Result<Parameters, Failure> {
        let p = self.view(self.pool, "parameters()", &[])?;
        if p.len() != 8 {
            return Err(Failure("parameters() did not return 8 words".into()));
        }
        Ok(Parameters {
            hf_min: p[0],
            acp: p[3].to::<u64>(),
            grace: p[4].to::<u64>(),
            buffer: p[5],
        })
    }

    /// `quoteExactIn(zeroForOne, amount)`: `(amount_out, fee)`.
    ///
    /// # Errors
    /// A [`Failure`] if the view fails.
    pub fn quote_exact_in(
        &mut self,
        zero_for_one: bool,
        amount: U256,
    ) -> Result<(U256, U256), Failure> {
        let q = self.view(
            self.pool,
            "quoteExactIn(bool,uint256)",
            &[zero_for_one.word(), amount],
        )?;
        match q.as_slice() {
            [out, fee] => Ok((*out, *fee)),
            _ => Err(Failure("quoteExactIn() did not return 2 words".into())),
        }
    }

    // ---- The dAMM: transactions ----

    /// `deposit(max0, max1, 0, from, later)`: `(shares, amount0, amount1)`.
    ///
    /// # Errors
    /// The [`Revert`] if refused.
    pub fn deposit(
        &mut self,
        from: Address,
        max0: U256,
        max1: U256,
    ) -> Result<(U256, U256, U256), Revert> {
        let call = format!(
            "deposit({} ETH, {} DAI)",
            amount_label(max0),
            amount_label(max1)
        );
        let words = [max0, max1, U256::ZERO, from.word(), U256::from(LATER)];
        let out = self
            .send(
                Op::Deposit,
                &call,
                from,
                self.pool,
                "deposit(uint256,uint256,uint256,address,uint256)",
                &words,
            )?
            .words();
        Ok((word_at(&out, 0), word_at(&out, 1), word_at(&out, 2)))
    }

    /// `registerMarket(operator, constant product, 0, 0, weight, fee_scale)`
    /// from the owner, through the timelock ([`Self::govern`]): the
    /// market's id.
    ///
    /// # Errors
    /// A [`Failure`] if refused.
    pub fn register_constant_product(
        &mut self,
        operator: Address,
        weight: U256,
        fee_scale: U256,
    ) -> Result<u64, Failure> {
        let call = format!(
            "registerMarket({}, x·y = k, w = 1, λ = 1)",
            self.name(operator)
        );
        let words = [
            operator.word(),
            0u8.word(),
            U256::ZERO,
            U256::ZERO,
            weight,
            fee_scale,
        ];
        let market = self.govern(
            Op::Register,
            &call,
            "registerMarket(address,uint8,uint256,uint256,uint256,uint256)",
            &words,
        )?;
        Ok(market.to::<u64>())
    }

    /// `checkpoint(market, batch, V⁰, V^m, 0, 0, 0, commitment)` from
    /// `operator` (no L2 joins or exits).
    ///
    /// # Errors
    /// The [`Revert`] if refused.
    #[allow(clippy::too_many_arguments)]
    pub fn checkpoint(
        &mut self,
        call: &str,
        operator: Address,
        market: u64,
        batch: u64,
        start: VirtualState,
        end: VirtualState,
        commitment: B256,
    ) -> Result<CallOutcome, Revert> {
        let words = [
            market.word(),
            batch.word(),
            start.x,
            start.y,
            end.x,
            end.y,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            commitment.word(),
        ];
        self.send(
            Op::Settle,
            call,
            operator,
            self.pool,
            "checkpoint(uint64,uint64,uint256,uint256,uint256,uint256,uint256,uint256,uint256,bytes32)",
            &words,
        )
    }

    /// `swapExactIn(zeroForOne, amount, min_out, from, later)`: the amount out.
    ///
    /// # Errors
    /// The [`Revert`] if refused.
    pub fn swap_exact_in(
        &mut self,
        from: Address,
        zero_for_one: bool,
        amount: U256,
        min_out: U256,
    ) -> Result<U256, Revert> {
        let (sell, buy) = if zero_for_one {
            ("ETH", "DAI")
        } else {
            ("DAI", "ETH")
        };
        let call = format!("swapExactIn({} {sell} for {buy})", amount_label(amount));
        let words = [
            zero_for_one.word(),
            amount,
            min_out,
            from.word(),
            U256::from(LATER),
        ];
        let outcome = self.send(
            Op::Swap,
            &call,
            from,
            self.pool,
            "swapExactIn(bool,uint256,uint256,address,uint256)",
            &words,
        )?;
        Ok(outcome.word(0))
    }

    /// `lockWithdrawal(shares, 0, 0, from, later)`: the withdrawal's id.
    ///
    /// # Errors
    /// The [`Revert`] if refused.
    pub fn lock_withdrawal(&mut self, from: Address, shares: U256) -> Result<u64, Revert> {
        let call = format!("lockWithdrawal({} shares)", amount_label(shares));
        let words = [
            shares,
            U256::ZERO,
            U256::ZERO,
            from.word(),
            U256::from(LATER),
        ];
        let outcome = self.send(
            Op::Lock,
            &call,
            from,
            self.pool,
            "lockWithdrawal(uint256,uint256,uint256,address,uint256)",
            &words,
        )?;
        Ok(outcome.word(0).to::<u64>())
    }

    /// `completeWithdrawal(id)` from `from`: `(amount0, amount1)` paid.
    ///
    /// # Errors
    /// The [`Revert`] if refused.
    pub fn complete_withdrawal(&mut self, from: Address, id: u64) -> Result<(U256, U256), Revert> {
        let call = format!("completeWithdrawal({id})");
        let outcome = self.send(
            Op::Complete,
            &call,
            from,
            self.pool,
            "completeWithdrawal(uint64)",
            &[id.word()],
        )?;
        Ok((outcome.word(0), outcome.word(1)))
    }

    /// `setParameter(id, value)` from the owner, through the timelock
    /// ([`Self::govern`]).
    ///
    /// # Errors
    /// A [`Failure`] if refused.
    pub fn set_parameter(&mut self, call: &str, id: u8, value: U256) -> Result<(), Failure> {
        self.govern(
            Op::Governance,
            call,
            "setParameter(uint8,uint256)",
            &[id.word(), value],
        )?;
        Ok(())
    }

    /// `goLive()` from the owner: setup ends, anyone may deposit, and
    /// governed calls wait in the timelock from now on.
    ///
    /// # Errors
    /// A [`Failure`] if refused.
    pub fn go_live(&mut self) -> Result<(), Failure> {
        let owner = self.owner;
        self.send(
            Op::Governance,
            "goLive()",
            owner,
            self.pool,
            "goLive()",
            &[],
        )?;
        Ok(())
    }

    /// Sends a governed call from the owner (docs/design.md §14). Once live it is
    /// queued, so the clock moves on to the change's due time, `ACP + grace`
    /// later, and anyone executes it: here the owner. Returns the applied
    /// call's first result word.
    ///
    /// # Errors
    /// A [`Failure`] if the call or its execution is refused.
    fn govern(
        &mut self,
        op: Op,
        call: &str,
        signature: &str,
        words: &[U256],
    ) -> Result<U256, Failure> {
        let (owner, pool) = (self.owner, self.pool);
        let outcome = self.send(op, call, owner, pool, signature, words)?;
        let Some(queued) = outcome
            .logs
            .iter()
            .find(|log| log.is(pool, CHANGE_QUEUED_EVENT))
        else {
            return Ok(outcome.word(0));
        };
        let id = queued.topic(1).unwrap_or_default();
        let due = queued
            .words()
            .and_then(|data| data.first().copied())
            .unwrap_or_default()
            .to::<u64>();
        println!("      queued in the timelock as change {id}, due at {due}");
        self.wait_until(due);
        let executed = self.send(
            op,
            &format!("executeChange({id})"),
            owner,
            pool,
            "executeChange(uint64)",
            &[id],
        )?;
        Ok(executed.word(0))
    }
}

/// Word `i`, or zero.
fn word_at(words: &[U256], i: usize) -> U256 {
    words.get(i).copied().unwrap_or_default()
}

/// The pool's `Checkpoint` event in `logs`, as its 7 data words.
#[must_use]
pub fn checkpoint_event(logs: &[Log], pool: Address) -> Option<Vec<U256>> {
    logs.iter()
        .find(|log| log.is(pool, CHECKPOINT_EVENT))
        .and_then(Log::words)
}
