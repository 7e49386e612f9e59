// Amounts in and out of text. Amounts stay bigints in base units: parsing
// and formatting work on decimal strings, so no value passes through a float.
import { parseUnits, type Address } from "viem";

const DECIMAL = /^(\d+\.?\d*|\.\d+)$/;

/** A decimal string typed by a person, in base units; undefined if it is not a number. */
export function parseAmount(text: string, decimals: number): bigint | undefined {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return undefined;
  const [, fraction = ""] = trimmed.split(".");
  if (fraction.length > decimals) return undefined;
  return parseUnits(trimmed, decimals);
}

/** `value / 10^decimals` to `places` decimals, truncated toward zero, with thousands separators. */
export function formatAmount(value: bigint, decimals = 18, places = 4, group = true): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const scale = 10n ** BigInt(decimals);
  const whole = (magnitude / scale).toString();
  const fraction = (magnitude % scale).toString().padStart(decimals, "0").slice(0, places);
  const grouped = group ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") : whole;
  return `${negative ? "-" : ""}${grouped}${places > 0 ? `.${fraction.padEnd(places, "0")}` : ""}`;
}

/** An amount as a person would type it back: no separators, no trailing zeros. */
export function formatInput(value: bigint, decimals: number): string {
  const text = formatAmount(value, decimals, decimals, false);
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/** A WAD (1e18 = 1) as a plain decimal, e.g. a health factor. */
export function formatWad(value: bigint, places = 6): string {
  return formatAmount(value, 18, places, false);
}

/** A WAD fraction as a percentage. */
export function formatPercent(value: bigint, places = 2): string {
  return `${formatAmount(value * 100n, 18, places, false)} %`;
}

/** Whole seconds as "2 h 05 min", "5 min 04 s" or "4 s". */
export function formatDuration(seconds: bigint): string {
  const s = seconds < 0n ? 0n : seconds;
  const h = s / 3600n;
  const m = (s % 3600n) / 60n;
  const rest = s % 60n;
  const two = (n: bigint) => n.toString().padStart(2, "0");
  if (h > 0n) return `${h} h ${two(m)} min`;
  if (m > 0n) return `${m} min ${two(rest)} s`;
  return `${rest} s`;
}

/** A unix time (the chain's clock) in UTC, to the second. */
export function formatTime(unix: bigint): string {
  return `${new Date(Number(unix) * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export function shortAddress(address: Address): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}
