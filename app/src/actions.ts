// A button's write from click to result: busy while the wallet and the chain
// work, then the outcome as a sentence, and the page re-read either way.
import { useState } from "preact/hooks";
import type { Address } from "viem";
import type { Pool } from "@damm/sdk";
import { describeError, type AmountFormat } from "./errors.js";

export interface ActionState {
  busy: boolean;
  /** What went wrong, as a sentence. */
  error?: string;
  /** What happened, as a sentence. */
  done?: string;
}

export function useAction(refresh: () => Promise<void>) {
  const [state, setState] = useState<ActionState>({ busy: false });
  /** Runs `work`, which resolves to the sentence shown on success. */
  const run = async (work: () => Promise<string>, amounts?: AmountFormat) => {
    setState({ busy: true });
    try {
      setState({ busy: false, done: await work() });
    } catch (error) {
      setState({ busy: false, error: describeError(error, amounts) });
    }
    await refresh();
  };
  /** Forgets the outcome, once it no longer applies. */
  const clear = () => setState({ busy: false });
  return [state, run, clear] as const;
}

const CALLS: Record<string, string> = {
  deposit: "Deposit",
  lockWithdrawal: "Lock withdrawal",
  completeWithdrawal: "Complete withdrawal",
  swapExactIn: "Swap",
};

/** Words for a call the page sends, for the transactions list. */
export function callLabel(pool: Pool): (to: Address, call: string) => string {
  return (to, call) => {
    if (call === "approve" || call === "mint") {
      const token = to.toLowerCase() === pool.token0.toLowerCase() ? "token0" : "token1";
      return `${call === "approve" ? "Approve" : "Mint test"} ${token}`;
    }
    return CALLS[call] ?? call;
  };
}
