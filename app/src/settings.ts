// The trader's tolerances, shared by deposits, locks and swaps: slippage
// (Uniswap's 0.5 % by default) and a deadline (30 minutes).
import { DEFAULT_DEADLINE_SECONDS, DEFAULT_SLIPPAGE_BPS } from "@damm/sdk";
import { parseAmount } from "./format.js";
import { chainNow, type Clock } from "./snapshot.js";

export interface Settings {
  slippageBps: number;
  deadlineSeconds: bigint;
}

export const DEFAULT_SETTINGS: Settings = { slippageBps: DEFAULT_SLIPPAGE_BPS, deadlineSeconds: DEFAULT_DEADLINE_SECONDS };

/** "0.5" (percent) as 50 basis points; undefined unless whole basis points below 100 %. */
export function parseSlippage(text: string): number | undefined {
  const bps = parseAmount(text, 2);
  return bps !== undefined && bps < 10_000n ? Number(bps) : undefined;
}

/** Whole minutes, at least one, as seconds. */
export function parseDeadline(text: string): bigint | undefined {
  return /^\d+$/.test(text.trim()) && BigInt(text.trim()) > 0n ? BigInt(text.trim()) * 60n : undefined;
}

/** The deadline a write sends: the chain's time now plus the setting. */
export function deadlineFrom(settings: Settings, clock: Clock): bigint {
  return chainNow(clock) + settings.deadlineSeconds;
}
