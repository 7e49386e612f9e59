// Every transaction the page sent: pending until mined, then confirmed or
// failed, with its receipt shown in place and linked as JSON (and on an
// explorer, for a chain that has one).
import { useEffect, useMemo } from "preact/hooks";
import type { TransactionReceipt } from "viem";
import type { Damm } from "@damm/sdk";
import type { AppConfig } from "../config.js";
import { useTransactions, type TrackedTransaction } from "../transactions.js";

/** The receipt as a JSON file in the browser's memory (bigints as decimal strings). */
function receiptUrl(receipt: TransactionReceipt): string {
  const json = JSON.stringify(receipt, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
  return URL.createObjectURL(new Blob([json], { type: "application/json" }));
}

function Receipt({ tx, reader }: { tx: TrackedTransaction & { receipt: TransactionReceipt }; reader: Damm }) {
  const { receipt } = tx;
  const url = useMemo(() => receiptUrl(receipt), [receipt]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  const events = reader.events(receipt.logs).map((e) => e.eventName);
  return (
    <details class="receipt">
      <summary>
        Receipt: block {receipt.blockNumber.toString()}, gas {receipt.gasUsed.toString()}
      </summary>
      <dl>
        <dt>Status</dt>
        <dd>{receipt.status}</dd>
        <dt>Transaction</dt>
        <dd><code>{receipt.transactionHash}</code></dd>
        <dt>From → to</dt>
        <dd><code>{receipt.from}</code> → <code>{receipt.to}</code></dd>
        <dt>Pool events</dt>
        <dd>{events.length ? events.join(", ") : "none"}</dd>
        <dt>Logs</dt>
        <dd>{receipt.logs.length}</dd>
      </dl>
      <a href={url} download={`receipt-${receipt.transactionHash}.json`} class="receipt-link">
        receipt JSON
      </a>
    </details>
  );
}

export function Transactions({ config, reader }: { config: AppConfig; reader: Damm }) {
  const list = useTransactions();
  if (list.length === 0) return null;
  return (
    <section class="panel transactions" aria-labelledby="tx-title">
      <h2 id="tx-title">Transactions</h2>
      <ol>
        {list.map((tx) => {
          const status = !tx.receipt ? "pending" : tx.receipt.status === "success" ? "confirmed" : "failed";
          return (
            <li class={`tx ${status}`} data-hash={tx.hash} key={tx.hash}>
              <span class="tx-label">{tx.label}</span> <span class={`badge ${status}`}>{status === "pending" ? "pending…" : status}</span>{" "}
              {config.explorer ? (
                <a href={`${config.explorer.replace(/\/$/, "")}/tx/${tx.hash}`} target="_blank" rel="noreferrer">
                  <code>{tx.hash.slice(0, 10)}…</code>
                </a>
              ) : (
                <code title={tx.hash}>{tx.hash.slice(0, 10)}…</code>
              )}
              {tx.receipt && <Receipt tx={{ ...tx, receipt: tx.receipt }} reader={reader} />}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
