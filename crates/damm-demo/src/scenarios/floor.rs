//! (d) The health floor (docs/design.md §4, §7.5): governance raises `HF_min` above
//! the pool's HF. A settlement is then accepted only if it does not lower
//! HF. After Example 3, market 0's committed state (from before the other
//! markets settled) is larger than the pool's free balances, so any trade on
//! it amplifies impermanent loss; market 1's is smaller, so the same trade
//! there rebalances the pool. The same L2 move (+20 % on the price) is
//! refused on market 0 with `HealthTooLow` and accepted on market 1.

use alloy_primitives::U256;
use damm_math::arith::{isqrt, WAD};
use damm_math::batch::Batch;
use damm_math::checkpoint::Rejection;
use damm_math::Direction;

use super::{amplification, fee_less, heading, print_books, print_markets, settle_batch};
use crate::chain::{Chain, Failure};
use crate::checks::Checks;
use crate::table;

/// `setParameter` id of `HF_min`.
const HF_MIN: u8 = 0;

/// Runs step (d) on Example 3's pool and markets.
///
/// # Errors
/// A [`Failure`] if a call that must succeed does not.
pub fn run(chain: &mut Chain, checks: &mut Checks, markets: &[u64]) -> Result<(), Failure> {
    heading("d. The health floor: HF_min raised above HF; a draining settlement is refused, an improving one accepted");
    let (drainer, improver) = (markets[0], markets[1]);
    let hf = chain.books()?.hf;
    let default = chain.parameters()?.hf_min;
    let floor = WAD * U256::from(98) / U256::from(100);
    chain.set_parameter("setParameter(HF_MIN, 0.98)", HF_MIN, floor)?;
    let params = chain.parameters()?;
    checks.check(
        default == WAD * U256::from(9) / U256::from(10) && params.hf_min == floor && hf < floor,
        format!(
            "HF_min went from the default {} to {}, above HF {}",
            table::wad(default),
            table::wad(floor),
            table::wad(hf)
        ),
    );
    print_markets(chain, markets)?;
    let free = chain.books()?.free();

    // On both L2s the price rises another 20 %: users pay DAI until y/x is 1.2 times higher.
    let submit = |chain: &mut Chain, checks: &mut Checks, id: u64| {
        let start = chain.market(id)?.state;
        let paid = isqrt(start.y * start.y * U256::from(6) / U256::from(5)) - start.y;
        let mut batch = Batch::open(start, fee_less());
        let quote = batch
            .quote_exact_in(Direction::OneForZero, paid)
            .map_err(|e| Failure(format!("quote: {e:?}")))?;
        println!(
            "\n  market {id} (AF {}): its users pay {} DAI for {} ETH, y/x {} -> {}",
            table::ratio(amplification(&start, free)),
            table::amount(quote.amount_in),
            table::amount(quote.amount_out),
            table::ratio(super::price(&start)),
            table::ratio(super::price(&batch.state()))
        );
        settle_batch(chain, checks, id, start, batch.close().end, &[quote])
    };

    let refused = submit(chain, checks, drainer)?;
    let hf_after = match refused.outcome {
        Err(Rejection::HealthTooLow { hf_after, .. }) => hf_after,
        _ => U256::MAX,
    };
    let named = refused
        .revert
        .as_ref()
        .is_some_and(|r| r.is("HealthTooLow", &[hf, hf_after, floor]));
    checks.check(
        named && hf_after < hf,
        format!(
            "market {drainer} refused: HealthTooLow(hfBefore {}, hfAfter {}, hfMin {})",
            table::wad(hf),
            table::wad(hf_after),
            table::wad(floor)
        ),
    );

    let accepted = submit(chain, checks, improver)?;
    let books = chain.books()?;
    checks.check(
        accepted.revert.is_none() && books.hf > hf && books.hf < floor,
        format!(
            "market {improver} accepted: HF rose from {} to {}, still under the floor, so allowed only because it improves",
            table::wad(hf),
            table::wad(books.hf)
        ),
    );
    chain.set_parameter("setParameter(HF_MIN, 0.9)", HF_MIN, default)?;
    print_books(chain)?;
    print_markets(chain, markets)?;
    checks.check(
        chain.parameters()?.hf_min == default,
        "HF_min is back at its default 0.9",
    );
    Ok(())
}
