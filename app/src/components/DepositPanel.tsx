// Deposit: two amounts held at the pool's ratio as you type (the other side
// follows, docs/design.md §2), the shares that buys and the minimum the
// slippage setting accepts, and the approvals it will ask for first.
import { useState } from "preact/hooks";
import { lessSlippage, mulDiv, proRataDeposit } from "@damm/sdk";
import { callLabel, useAction } from "../actions.js";
import { formatAmount, formatInput, formatPercent, parseAmount } from "../format.js";
import type { Session } from "../session.js";
import { deadlineFrom } from "../settings.js";
import { transactions } from "../transactions.js";
import { ActionStatus } from "./ActionStatus.js";
import { Amount } from "./Amount.js";

export function DepositPanel({ session }: { session: Session }) {
  const { pool, decimals, account } = session.snapshot;
  const [text, setText] = useState(["", ""]);
  const [edited, setEdited] = useState<0 | 1>(0);
  const [state, run] = useAction(session.refresh);

  // The side typed leads; token0 sets the deposit (the SDK asks the ratio's token1 for it, ceiled).
  const typed = parseAmount(text[edited]!, decimals[edited]);
  const ready = pool.lpSupply > 0n && pool.free0 > 0n && pool.free1 > 0n;
  const amount0 = typed === undefined || !ready ? undefined : edited === 0 ? typed : mulDiv(typed, pool.free0, pool.free1);
  const quote = amount0 !== undefined && amount0 > 0n ? { amount0, ...proRataDeposit(amount0, pool.free0, pool.free1, pool.lpSupply) } : undefined;
  const shown = (side: 0 | 1) => (side === edited || !quote ? text[side]! : formatInput(side === 0 ? quote.amount0 : quote.amount1, decimals[side]));
  const minShares = quote && lessSlippage(quote.shares, session.settings.slippageBps);
  const short = quote && account ? (["token0", "token1"] as const).find((_, i) => (i === 0 ? quote.amount0 > account.balance0 : quote.amount1 > account.balance1)) : undefined;
  const approvals = quote && account ? (["token0", "token1"] as const).filter((_, i) => (i === 0 ? quote.amount0 > account.allowance0 : quote.amount1 > account.allowance1)) : [];

  const deposit = () =>
    run(async () => {
      if (!session.writer || !quote) throw new Error("Connect a wallet and enter an amount first.");
      const result = await session.writer.deposit(quote.amount0, {
        slippageBps: session.settings.slippageBps,
        deadline: deadlineFrom(session.settings, session.snapshot.clock),
        onTransaction: transactions.hook(callLabel(pool)),
      });
      setText(["", ""]);
      return `Deposited ${formatAmount(result.amount0, decimals[0])} token0 and ${formatAmount(result.amount1, decimals[1])} token1 for ${formatAmount(result.shares, 18, 6)} shares.`;
    }, (v) => `${formatAmount(v, 18, 6)} shares`);

  return (
    <section class="panel deposit" aria-labelledby="deposit-title">
      <h2 id="deposit-title">Deposit</h2>
      {([0, 1] as const).map((side) => (
        <label class="amount-field">
          <span>token{side}</span>
          <input
            name={`deposit${side}`}
            inputMode="decimal"
            placeholder="0.0"
            value={shown(side)}
            onInput={(e) => {
              const next = [...text];
              next[side] = e.currentTarget.value;
              setText(next);
              setEdited(side);
            }}
          />
          {account && (
            <small class="muted">
              balance {formatAmount(side === 0 ? account.balance0 : account.balance1, decimals[side])}
            </small>
          )}
        </label>
      ))}
      {quote && minShares !== undefined && (
        <dl class="quote deposit-quote">
          <dt>Pays at most</dt>
          <dd class="pays">
            <Amount value={quote.amount0} decimals={decimals[0]} places={6} unit="token0" /> + <Amount value={quote.amount1} decimals={decimals[1]} places={6} unit="token1" />
          </dd>
          <dt>You get</dt>
          <dd class="shares"><Amount value={quote.shares} places={6} unit="shares" /></dd>
          <dt>At least</dt>
          <dd class="min-shares"><Amount value={minShares} places={6} unit="shares" /></dd>
          <dt>Share of pool after</dt>
          <dd class="share-after">{formatPercent(mulDiv(quote.shares, 10n ** 18n, pool.lpSupply + quote.shares), 4)}</dd>
          <dt>Approvals</dt>
          <dd class="approvals">{approvals.length ? `exactly the amounts above, for ${approvals.join(" and ")}` : "none needed"}</dd>
        </dl>
      )}
      <button type="button" class="primary" disabled={!session.writer || !quote || short !== undefined || state.busy} onClick={deposit}>
        {!session.writer ? "Connect to deposit" : short ? `Not enough ${short}` : approvals.length ? "Approve and deposit" : "Deposit"}
      </button>
      <ActionStatus state={state} />
    </section>
  );
}
