// HF and price over time, rebuilt from the pool's events alone: the books
// (free balances X̄, Ȳ and the supply T, docs/design.md §0) are folded
// transaction by transaction, and HF (§4) and the price follow from them.
import { mulDivUp } from "@damm/sdk";
import type { TimedEvent } from "./events.js";
import { healthFactor, spotPrice } from "./poolMath.js";

export interface HistoryPoint {
  time: bigint;
  block: bigint;
  hf: bigint;
  /** token0 in token1, WAD. */
  price: bigint;
}

interface Books {
  free0: bigint;
  free1: bigint;
  supply: bigint;
}

const ZERO = "0x0000000000000000000000000000000000000000";

/**
 * In a checkpoint the contract applies the net trade, then mints the L2
 * joins at the ratio after it, then prices the exits (§7.5), but logs the
 * exit's lock first: the fold takes a transaction's events in that order.
 */
const ORDER: Record<string, number> = { Checkpoint: 0, MarketShares: 1 };

/** Applies one event to the books; returns whether the pool's books moved. */
function apply(books: Books, { event }: TimedEvent): boolean {
  switch (event.eventName) {
    case "Transfer":
      // Mints come from the zero address (MINIMUM_LIQUIDITY goes to it too), burns go to it.
      if (event.args.from === ZERO) books.supply += event.args.value;
      else if (event.args.to === ZERO) books.supply -= event.args.value;
      else return false;
      return true;
    case "Deposit":
      books.free0 += event.args.amount0;
      books.free1 += event.args.amount1;
      return true;
    case "WithdrawalLocked":
      books.free0 -= event.args.amount0;
      books.free1 -= event.args.amount1;
      return true;
    case "Swap":
    case "Checkpoint":
      books.free0 += event.args.amount0;
      books.free1 += event.args.amount1;
      return true;
    case "MarketShares": {
      // L2 joins pay ⌈ℓ·X̄/T⌉ and ⌈ℓ·Ȳ/T⌉ (lp::mint, §2); the exits' amounts are in their WithdrawalLocked.
      const { minted, exited } = event.args;
      if (minted > 0n && books.supply > 0n) {
        books.free0 += mulDivUp(minted, books.free0, books.supply);
        books.free1 += mulDivUp(minted, books.free1, books.supply);
      }
      books.supply += minted - exited;
      return true;
    }
    default:
      return false;
  }
}

/** One point per transaction that moved the books, in chain order. */
export function foldHistory(entries: readonly TimedEvent[], decimals0: number, decimals1: number): HistoryPoint[] {
  const books: Books = { free0: 0n, free1: 0n, supply: 0n };
  const points: HistoryPoint[] = [];
  for (let i = 0; i < entries.length; ) {
    const hash = entries[i]!.event.transactionHash;
    let end = i;
    while (end < entries.length && entries[end]!.event.transactionHash === hash) end++;
    const transaction = entries.slice(i, end).sort((a, b) => (ORDER[a.event.eventName] ?? 2) - (ORDER[b.event.eventName] ?? 2));
    const moved = transaction.map((entry) => apply(books, entry)).some(Boolean);
    const last = entries[end - 1]!;
    if (moved && books.supply > 0n) {
      points.push({
        time: last.time,
        block: last.event.blockNumber,
        hf: healthFactor(books.free0, books.free1, books.supply),
        price: spotPrice(books.free0, books.free1, decimals0, decimals1),
      });
    }
    i = end;
  }
  return points;
}
