//! docs/design.md §13, Example 3 (corrected), through the real code, and its
//! generalisation to `n` markets and any price ratio (used by [`crate::il`]).
//!
//! 1. `n` independent virtual constant-product markets, each on the pool's
//!    committed state (full allocation, `w = 1`), are arbitraged fee-less to
//!    the new price: one exact-in quote in a [`Batch`] each.
//! 2. The L1 absorbs the nets one after another through
//!    [`checkpoint::settle`](settle) (no L1 `k` check, docs/design.md §7), which may
//!    reject one (data, not an error: e.g. [`Rejection::Insolvent`] past the
//!    drain point).
//! 3. One fee-less L1 arbitrage ([`cp::amount_out_with_fee`]) brings the pool
//!    to the new price, keeping its `X·Y`; the resulting HF is compared with
//!    the closed form of docs/design.md §4.

use damm_math::arith::WAD;
use damm_math::batch::{Batch, CurvePricing};
use damm_math::checkpoint::{settle, Pool, Rejection, Rules, Submission};
use damm_math::{cp, Curve, Direction, VirtualState, U256};

use crate::arb::arbitrage;
use crate::closed_form;
use crate::units::{fmt_tokens, tokens, wad_to_f64};
use crate::Result;

/// One market's batch and settlement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leg {
    /// Which token the arbitrageur paid in.
    pub direction: Direction,
    /// What it paid (token1 for a price rise).
    pub amount_in: U256,
    /// What it received.
    pub amount_out: U256,
    /// The market's virtual state after the move, `V^m`.
    pub end: VirtualState,
    /// The settlement's verdict: the pool after it and HF, or the rejection.
    pub settlement: core::result::Result<(Pool, U256), Rejection>,
}

/// `n` markets arbitraged to one price, settled in order, then one L1
/// arbitrage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sequential {
    /// Number of markets.
    pub n: u32,
    /// The new price (y per x, WAD); the start price is 1.
    pub price: U256,
    /// Every market's leg, in settlement order.
    pub legs: Vec<Leg>,
    /// The pool after every accepted settlement (before the L1 arbitrage).
    pub after_nets: Pool,
    /// The L1 arbitrage: `(direction, amount_in, amount_out)`, if any.
    pub l1_trade: Option<(Direction, U256, U256)>,
    /// Free balances after the L1 arbitrage.
    pub after_arbitrage: (U256, U256),
    /// HF after everything (WAD, from `damm_math::health`).
    pub hf: U256,
}

impl Sequential {
    /// How many settlements were accepted.
    #[must_use]
    pub fn settled(&self) -> usize {
        self.legs.iter().filter(|l| l.settlement.is_ok()).count()
    }

    /// The first rejection, if any: `(market index, reason)`.
    #[must_use]
    pub fn first_rejection(&self) -> Option<(usize, Rejection)> {
        self.legs
            .iter()
            .enumerate()
            .find_map(|(i, l)| l.settlement.err().map(|r| (i, r)))
    }

    /// HF as an `f64`.
    #[must_use]
    pub fn hf_f64(&self) -> f64 {
        wad_to_f64(self.hf)
    }
}

/// Runs `n` full-allocation markets on a pool of `liquidity`:`liquidity` with
/// supply `liquidity`, all arbitraged fee-less to `price` (WAD), settled in
/// order under `hf_min`, then a fee-less L1 arbitrage to `price`.
///
/// A market whose arbitrage cannot be quoted or whose settlement is rejected
/// is recorded and skipped; the next ones still try.
pub fn run_sequential(n: u32, liquidity: U256, price: U256, hf_min: U256) -> Result<Sequential> {
    let committed = VirtualState::new(liquidity, liquidity);
    let mut pool = Pool {
        balance0: liquidity,
        balance1: liquidity,
        total_supply: liquidity,
        ..Pool::default()
    };
    let rules = Rules {
        curve: Curve::ConstantProduct,
        weight: WAD,
        hf_min,
        buffer: U256::ZERO,
        payout_cap: WAD,
    };
    let fee_less = CurvePricing {
        curve: Curve::ConstantProduct,
        fee: U256::ZERO,
    };
    let mut legs = Vec::new();
    for _ in 0..n {
        let mut batch = Batch::open(committed, fee_less);
        let (direction, amount_in, amount_out) =
            match arbitrage(committed.x, committed.y, price, U256::ZERO)? {
                Some((direction, amount)) => {
                    let quote = batch.quote_exact_in(direction, amount)?;
                    (direction, quote.amount_in, quote.amount_out)
                }
                None => (Direction::ZeroForOne, U256::ZERO, U256::ZERO),
            };
        let end = batch.close().end;
        let submission = Submission {
            start: committed,
            end,
            ..Submission::default()
        };
        let settlement = settle(&rules, &submission, &pool).map(|o| (o.pool, o.hf_after));
        if let Ok((after, _)) = settlement {
            pool = after;
        }
        legs.push(Leg {
            direction,
            amount_in,
            amount_out,
            end,
            settlement,
        });
    }
    let after_nets = pool;
    let (free0, free1) = pool.free()?;
    let mut after_arbitrage = (free0, free1);
    let mut l1_trade = None;
    if let Some((direction, amount_in)) = arbitrage(free0, free1, price, U256::ZERO)? {
        let state = VirtualState::new(free0, free1);
        let (reserve_in, reserve_out) = direction.reserves(&state);
        let amount_out = cp::amount_out_with_fee(amount_in, reserve_in, reserve_out, U256::ZERO)?;
        let next = direction.apply(&state, amount_in, amount_out)?;
        after_arbitrage = (next.x, next.y);
        l1_trade = Some((direction, amount_in, amount_out));
    }
    let hf =
        damm_math::health::health_factor(after_arbitrage.0, after_arbitrage.1, pool.total_supply)?;
    Ok(Sequential {
        n,
        price,
        legs,
        after_nets,
        l1_trade,
        after_arbitrage,
        hf,
    })
}

/// Example 3 and its comparison with the closed form.
#[derive(Clone, Debug, PartialEq)]
pub struct Example3 {
    /// The run through the real code.
    pub run: Sequential,
    /// The price ratio `r` (1.2).
    pub ratio: f64,
    /// HF from the code.
    pub hf: f64,
    /// `√(1 − n(n−1)(r^¼ − r^−¼)²)`.
    pub closed_form: f64,
    /// `|hf − closed_form| / closed_form`.
    pub relative_difference: f64,
}

/// The tolerance the brief sets for Example 3: `1e-12` relative.
pub const TOLERANCE: f64 = 1e-12;

/// Example 3: three markets, a 1000:1000 pool with `T = 1000`, `p = 1.2`.
///
/// ```
/// let ex = damm_sim::example3::run().unwrap();
/// assert!(ex.relative_difference <= damm_sim::example3::TOLERANCE);
/// ```
pub fn run() -> Result<Example3> {
    let price = U256::from(1_200_000_000_000_000_000u128); // exactly 1.2 WAD
    let ratio = 1.2;
    let run = run_sequential(3, tokens(1000), price, damm_math::health::DEFAULT_HF_MIN)?;
    let hf = run.hf_f64();
    let closed = closed_form::health_factor(3, ratio).unwrap_or(f64::NAN);
    Ok(Example3 {
        run,
        ratio,
        hf,
        closed_form: closed,
        relative_difference: (hf - closed).abs() / closed,
    })
}

impl Example3 {
    /// Whether the code agrees with the closed form to [`TOLERANCE`] and all
    /// three settlements were accepted.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.relative_difference <= TOLERANCE && self.run.settled() == self.run.legs.len()
    }

    /// The report, as printed by `damm-sim example3` (18 decimals, exact).
    #[must_use]
    pub fn render(&self) -> String {
        let d = 18;
        let mut s = String::new();
        s.push_str(
            "Example 3, corrected (docs/design.md §13): three L2 markets with full allocation (w = 1)\n",
        );
        s.push_str("on one L1 pool 1000:1000 (T = 1000), each arbitraged fee-less from p = 1 to p = y/x = 1.2.\n");
        s.push_str(
            "All amounts in tokens (18 decimals, exact); every step runs through damm-math.\n\n",
        );
        s.push_str(
            "1. Each L2 after its move (Batch + CurvePricing, one exact-in quote on 1000:1000):\n",
        );
        for (i, leg) in self.run.legs.iter().enumerate() {
            s.push_str(&format!(
                "   L2 #{}: pays {} y, receives {} x -> state x = {}, y = {}\n",
                i + 1,
                fmt_tokens(leg.amount_in, d),
                fmt_tokens(leg.amount_out, d),
                fmt_tokens(leg.end.x, d),
                fmt_tokens(leg.end.y, d),
            ));
        }
        s.push_str("\n2. The L1 absorbs the three nets (checkpoint::settle, no L1 k check):\n");
        for (i, leg) in self.run.legs.iter().enumerate() {
            match leg.settlement {
                Ok((pool, hf)) => s.push_str(&format!(
                    "   after settlement #{}: X = {}, Y = {}, HF = {}\n",
                    i + 1,
                    fmt_tokens(pool.balance0, d),
                    fmt_tokens(pool.balance1, d),
                    fmt_tokens(hf, d),
                )),
                Err(rejection) => s.push_str(&format!(
                    "   settlement #{} REJECTED: {rejection:?}\n",
                    i + 1
                )),
            }
        }
        let pool = self.run.after_nets;
        s.push_str(&format!(
            "   L1 after the three nets: X = {}, Y = {}\n   (the seed's X = 739 agrees; its Y = 1162 and final 846 : 1015 follow from its unreachable 913 : 1054 per-L2 state)\n",
            fmt_tokens(pool.balance0, d),
            fmt_tokens(pool.balance1, d),
        ));
        s.push_str("\n3. One fee-less L1 arbitrage back to p = 1.2 (cp::amount_out_with_fee):\n");
        if let Some((direction, amount_in, amount_out)) = self.run.l1_trade {
            let (paid, got) = match direction {
                Direction::ZeroForOne => ("x", "y"),
                Direction::OneForZero => ("y", "x"),
            };
            s.push_str(&format!(
                "   arbitrageur sells {} {paid} for {} {got}\n",
                fmt_tokens(amount_in, d),
                fmt_tokens(amount_out, d),
            ));
        }
        s.push_str(&format!(
            "   L1 after arbitrage: X = {}, Y = {}\n",
            fmt_tokens(self.run.after_arbitrage.0, d),
            fmt_tokens(self.run.after_arbitrage.1, d),
        ));
        s.push_str(&format!(
            "\nHF (damm-math, WAD)         = {}\n",
            fmt_tokens(self.run.hf, d)
        ));
        s.push_str(&format!(
            "HF closed form sqrt(1 - n(n-1)(r^(1/4) - r^(-1/4))^2), n = 3, r = 1.2\n                            = {:.16}\n",
            self.closed_form
        ));
        s.push_str(&format!(
            "relative difference         = {:.3e} (tolerance {TOLERANCE:.0e}): {}\n",
            self.relative_difference,
            if self.passed() { "OK" } else { "FAILED" }
        ));
        s
    }
}
