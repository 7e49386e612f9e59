// Withdraw in two steps (docs/design.md §10.2–10.3). Lock: the shares' worth
// is fixed at the lock, so it is shown, with the minima the slippage setting
// allows, before you confirm. Complete: after the ACP once every active
// market has settled since the lock, or after the fallback regardless; each
// withdrawal counts down to both and names the market it waits on.
import { useEffect, useState } from "preact/hooks";
import { lessSlippage, mulDiv } from "@damm/sdk";
import { callLabel, useAction } from "../actions.js";
import { useChainNow } from "../clock.js";
import { curveName } from "../curves.js";
import { formatAmount, formatDuration, formatInput, formatTime, parseAmount } from "../format.js";
import type { Session } from "../session.js";
import { deadlineFrom } from "../settings.js";
import type { WithdrawalView } from "../snapshot.js";
import { transactions } from "../transactions.js";
import { ActionStatus } from "./ActionStatus.js";
import { Amount } from "./Amount.js";

interface Review {
  shares: bigint;
  amount0: bigint;
  amount1: bigint;
  min0: bigint;
  min1: bigint;
}

function Countdown({ label, at, now }: { label: string; at: bigint; now: bigint }) {
  return (
    <li>
      {label}: {at > now ? <strong>in {formatDuration(at - now)}</strong> : <strong>passed</strong>} <span class="muted">({formatTime(at)})</span>
    </li>
  );
}

function WithdrawalItem({ w, session, now }: { w: WithdrawalView; session: Session; now: bigint }) {
  const [state, run, clear] = useAction(session.refresh);
  const { decimals, pool } = session.snapshot;
  const fallback = w.pending !== undefined && now >= w.pending.fallbackAt;
  const ready = w.pending !== undefined && now >= w.pending.readyAt && (!w.waitingOn || fallback);
  // A refusal from before it was ready no longer applies.
  useEffect(() => {
    if (ready) clear();
  }, [ready]);
  const pays = (
    <>
      <Amount value={w.amount0} decimals={decimals[0]} places={6} unit="token0" /> + <Amount value={w.amount1} decimals={decimals[1]} places={6} unit="token1" />
    </>
  );
  if (!w.pending) {
    return (
      <li class="withdrawal done" data-id={w.id.toString()}>
        #{w.id.toString()} paid {pays}
      </li>
    );
  }
  const complete = () =>
    run(async () => {
      if (!session.writer) throw new Error("Connect a wallet first.");
      const done = await session.writer.complete(w.id, { onTransaction: transactions.hook(callLabel(pool)) });
      return `Withdrawal ${w.id} paid ${formatAmount(done.amount0, decimals[0], 6)} token0 and ${formatAmount(done.amount1, decimals[1], 6)} token1.`;
    });
  return (
    <li class="withdrawal pending" data-id={w.id.toString()}>
      <div>
        #{w.id.toString()} pays {pays} <span class="muted">· locked {formatTime(w.lockedAt)}</span>
      </div>
      <ul class="times">
        <Countdown label="Cooldown (ACP) ends" at={w.pending.readyAt} now={now} />
        <Countdown label="Fallback" at={w.pending.fallbackAt} now={now} />
        <li class="waits">
          {!w.waitingOn
            ? "Every active market has settled since the lock."
            : fallback
              ? `Market ${w.waitingOn.id} has not settled since the lock, but the fallback has passed.`
              : `Waits on market ${w.waitingOn.id} (${curveName(w.waitingOn)}) to settle, or for the fallback.`}
        </li>
      </ul>
      <p class={ready ? "readiness ready" : "readiness"}>{ready ? "Ready to complete." : "Not ready yet."}</p>
      <button type="button" disabled={!session.writer || state.busy} onClick={complete}>
        Complete
      </button>
      <ActionStatus state={state} />
    </li>
  );
}

export function WithdrawPanel({ session }: { session: Session }) {
  const { pool, decimals, account, clock } = session.snapshot;
  const now = useChainNow(clock);
  const [text, setText] = useState("");
  const [review, setReview] = useState<Review>();
  const [state, run] = useAction(session.refresh);
  if (!account) return null;

  const shares = parseAmount(text, 18);
  const valid = shares !== undefined && shares > 0n && shares <= account.position.shares && pool.lpSupply > 0n;
  const startReview = () => {
    if (!valid) return;
    // lp::burn: ⌊ℓ·X̄/T⌋ of each, from the books as they stand.
    const amount0 = mulDiv(shares, pool.free0, pool.lpSupply);
    const amount1 = mulDiv(shares, pool.free1, pool.lpSupply);
    const bps = session.settings.slippageBps;
    setReview({ shares, amount0, amount1, min0: lessSlippage(amount0, bps), min1: lessSlippage(amount1, bps) });
  };
  const confirm = () =>
    run(async () => {
      if (!session.writer || !review) throw new Error("Connect a wallet first.");
      const locked = await session.writer.lock(review.shares, {
        min0: review.min0,
        min1: review.min1,
        deadline: deadlineFrom(session.settings, clock),
        onTransaction: transactions.hook(callLabel(pool)),
      });
      setReview(undefined);
      setText("");
      return `Locked withdrawal ${locked.id}: it pays ${formatAmount(locked.withdrawal.amount0, decimals[0], 6)} token0 and ${formatAmount(locked.withdrawal.amount1, decimals[1], 6)} token1.`;
    });

  return (
    <section class="panel withdraw" aria-labelledby="withdraw-title">
      <h2 id="withdraw-title">Withdraw</h2>
      {!review ? (
        <div class="lock-form">
          <label class="amount-field">
            <span>shares</span>
            <input name="lock-shares" inputMode="decimal" placeholder="0.0" value={text} onInput={(e) => setText(e.currentTarget.value)} />
            <button type="button" class="link" onClick={() => setText(formatInput(account.position.shares, 18))}>
              max
            </button>
          </label>
          <button type="button" disabled={!valid || !session.writer} onClick={startReview}>
            Review lock
          </button>
        </div>
      ) : (
        <div class="lock-review">
          <p>
            Locking <Amount value={review.shares} places={6} unit="shares" /> fixes what they pay now:
          </p>
          <dl class="quote">
            <dt>You will receive</dt>
            <dd class="lock-amounts">
              <Amount value={review.amount0} decimals={decimals[0]} places={6} unit="token0" /> +{" "}
              <Amount value={review.amount1} decimals={decimals[1]} places={6} unit="token1" />
            </dd>
            <dt>At least (slippage)</dt>
            <dd class="lock-minima">
              <Amount value={review.min0} decimals={decimals[0]} places={6} unit="token0" /> +{" "}
              <Amount value={review.min1} decimals={decimals[1]} places={6} unit="token1" />
            </dd>
            <dt>Paid</dt>
            <dd>
              after the cooldown of {formatDuration(session.snapshot.params.acp)} once every market has settled, or after{" "}
              {formatDuration(session.snapshot.params.acp + session.snapshot.params.grace)} regardless. A lock cannot be undone.
            </dd>
          </dl>
          <button type="button" class="primary" disabled={state.busy} onClick={confirm}>
            Confirm lock
          </button>
          <button type="button" disabled={state.busy} onClick={() => setReview(undefined)}>
            Cancel
          </button>
        </div>
      )}
      <ActionStatus state={state} />
      {account.withdrawals.length > 0 && (
        <ul class="withdrawals">
          {account.withdrawals.map((w) => (
            <WithdrawalItem key={w.id.toString()} w={w} session={session} now={now} />
          ))}
        </ul>
      )}
    </section>
  );
}
