// Swap on the L1 pool (docs/design.md §9): the contract's own quote as you
// type, the minimum out the slippage setting allows, the price impact and
// the fee. Review fixes the terms; a price that moves past the minimum
// before the swap lands is refused, and the page says so.
import { useEffect, useState } from "preact/hooks";
import { lessSlippage } from "@damm/sdk";
import { callLabel, useAction } from "../actions.js";
import { describeError } from "../errors.js";
import { formatAmount, formatPercent, parseAmount } from "../format.js";
import { feeAmount, priceImpact } from "../poolMath.js";
import type { Session } from "../session.js";
import { deadlineFrom } from "../settings.js";
import { transactions } from "../transactions.js";
import { ActionStatus } from "./ActionStatus.js";
import { Amount } from "./Amount.js";

interface Quote {
  zeroForOne: boolean;
  amountIn: bigint;
  amountOut: bigint;
  /** The fee rate, WAD. */
  fee: bigint;
  minOut: bigint;
  impact: bigint;
}

export function SwapPanel({ session }: { session: Session }) {
  const { pool, decimals, account } = session.snapshot;
  const [zeroForOne, setZeroForOne] = useState(true);
  const [text, setText] = useState("");
  const [quote, setQuote] = useState<Quote>();
  const [quoteError, setQuoteError] = useState<string>();
  const [review, setReview] = useState<Quote>();
  const [state, run, clear] = useAction(session.refresh);
  const [inSide, outSide] = zeroForOne ? ([0, 1] as const) : ([1, 0] as const);
  const amountIn = parseAmount(text, decimals[inSide]);
  const slippage = session.settings.slippageBps;

  // Re-quote when the amount, the direction, the tolerance or the pool changes.
  useEffect(() => {
    let stale = false;
    setQuoteError(undefined);
    if (amountIn === undefined || amountIn === 0n) {
      setQuote(undefined);
      return;
    }
    const timer = setTimeout(() => {
      session.reader.quoteExactIn(zeroForOne, amountIn).then(
        ({ amountOut, fee }) => {
          if (stale) return;
          const [reserveIn, reserveOut] = zeroForOne ? [pool.free0, pool.free1] : [pool.free1, pool.free0];
          setQuote({ zeroForOne, amountIn, amountOut, fee, minOut: lessSlippage(amountOut, slippage), impact: priceImpact(amountIn, amountOut, fee, reserveIn, reserveOut) });
        },
        (error: unknown) => {
          if (stale) return;
          setQuote(undefined);
          setQuoteError(describeError(error));
        },
      );
    }, 150);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [amountIn, zeroForOne, slippage, pool.free0, pool.free1, pool.fee]);

  const short = account && amountIn !== undefined && amountIn > (inSide === 0 ? account.balance0 : account.balance1);
  const shownQuote = review ?? (quote && quote.amountIn === amountIn && quote.zeroForOne === zeroForOne ? quote : undefined);
  const swap = () =>
    run(async () => {
      if (!session.writer || !review) throw new Error("Connect a wallet and review a quote first.");
      const result = await session.writer.swapExactIn(review.zeroForOne, review.amountIn, {
        minOut: review.minOut,
        deadline: deadlineFrom(session.settings, session.snapshot.clock),
        onTransaction: transactions.hook(callLabel(pool)),
      });
      setReview(undefined);
      setText("");
      return `Swapped ${formatAmount(review.amountIn, decimals[inSide], 6)} token${inSide} for ${formatAmount(result.amountOut, decimals[outSide], 6)} token${outSide}.`;
    }, (v) => `${formatAmount(v, decimals[outSide], 6)} token${outSide}`);

  return (
    <section class="panel swap" aria-labelledby="swap-title">
      <h2 id="swap-title">Swap</h2>
      <label class="amount-field">
        <span>token{inSide} in</span>
        <input
          name="swap-in"
          inputMode="decimal"
          placeholder="0.0"
          value={text}
          disabled={review !== undefined}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        {account && <small class="muted">balance {formatAmount(inSide === 0 ? account.balance0 : account.balance1, decimals[inSide])}</small>}
      </label>
      <button type="button" class="link flip" disabled={review !== undefined} onClick={() => setZeroForOne(!zeroForOne)}>
        ⇅ token{outSide} in instead
      </button>
      {quoteError && <p class="status error" role="alert">{quoteError}</p>}
      {shownQuote && (
        <dl class="quote swap-quote">
          <dt>You receive</dt>
          <dd class="amount-out"><Amount value={shownQuote.amountOut} decimals={decimals[outSide]} places={6} unit={`token${outSide}`} /></dd>
          <dt>Minimum received</dt>
          <dd class="min-out"><Amount value={shownQuote.minOut} decimals={decimals[outSide]} places={6} unit={`token${outSide}`} /></dd>
          <dt>Price impact</dt>
          <dd class="impact" data-raw={shownQuote.impact.toString()}>{formatPercent(shownQuote.impact, 4)}</dd>
          <dt>Fee</dt>
          <dd class="swap-fee" data-raw={shownQuote.fee.toString()}>
            {formatPercent(shownQuote.fee, 4)} · <Amount value={feeAmount(shownQuote.amountIn, shownQuote.fee)} decimals={decimals[inSide]} places={6} unit={`token${inSide}`} />
          </dd>
        </dl>
      )}
      {!review ? (
        <button type="button" class="primary" disabled={!session.writer || !shownQuote || short} onClick={() => setReview(shownQuote)}>
          {!session.writer ? "Connect to swap" : short ? `Not enough token${inSide}` : "Review swap"}
        </button>
      ) : (
        <div class="swap-review">
          <button type="button" class="primary" disabled={state.busy} onClick={swap}>
            Confirm swap
          </button>
          <button
            type="button"
            disabled={state.busy}
            onClick={() => {
              setReview(undefined);
              clear();
            }}
          >
            Cancel
          </button>
        </div>
      )}
      <ActionStatus state={state} />
    </section>
  );
}
