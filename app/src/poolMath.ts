// The figures the page shows beside the contract's own reads, computed the
// way docs/design.md states them, in bigint: health factor (§4), the fee's
// parts (§5), amplification (§3), spot price and price impact (§1, §9).
import { WAD, mulDiv, mulDivUp } from "@damm/sdk";

/** ⌊√n⌋. */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError("square root of a negative number");
  if (n < 2n) return n;
  // Newton's method from a power of two above the root decreases to its floor.
  let x = 1n << BigInt((n.toString(2).length >> 1) + 1);
  for (;;) {
    const next = (x + n / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}

/** HF = ⌊√(X̄·Ȳ)·1e18 / T⌋ (§4); 0 for an empty pool, as the contract's view. */
export function healthFactor(free0: bigint, free1: bigint, supply: bigint): bigint {
  return supply === 0n ? 0n : mulDiv(isqrt(free0 * free1), WAD, supply);
}

/** token0's price in token1 (y per x, §0), WAD, for tokens of these decimals. */
export function spotPrice(free0: bigint, free1: bigint, decimals0: number, decimals1: number): bigint {
  if (free0 === 0n) return 0n;
  return mulDiv(free1 * 10n ** BigInt(decimals0), WAD, free0 * 10n ** BigInt(decimals1));
}

/** A market's amplification AF = √(x_v·y_v) / √(X̄·Ȳ) (§3), WAD. */
export function amplification(x: bigint, y: bigint, free0: bigint, free1: bigint): bigint {
  if (free0 === 0n || free1 === 0n) return 0n;
  return isqrt(mulDiv(x * y, WAD * WAD, free0 * free1));
}

/** The fee's health part (§5): 0 at HF ≥ 1, φ at or below the floor, linear between (ceiled). */
export function healthPremium(hf: bigint, hfMin: bigint, phi: bigint): bigint {
  if (hf >= WAD) return 0n;
  const shortfall = WAD - hf;
  const room = WAD - hfMin;
  if (shortfall >= room) return phi;
  return mulDivUp(phi, shortfall, room);
}

export interface FeeParts {
  /** Kyber's volume part, `fee − premium` (a lower bound when the total is capped). */
  volume: bigint;
  health: bigint;
  /** The total reached `f_max`, so the parts are cut. */
  capped: boolean;
}

/** Splits the contract's current fee (§5: `min(f_max, f_vol + premium)`) into its parts. */
export function feeParts(fee: bigint, hf: bigint, hfMin: bigint, phi: bigint, feeMax: bigint): FeeParts {
  const health = healthPremium(hf, hfMin, phi);
  return { volume: fee > health ? fee - health : 0n, health, capped: fee >= feeMax };
}

/** What a fee rate (WAD) takes of an input, ceiled as the contract charges it. */
export function feeAmount(amountIn: bigint, fee: bigint): bigint {
  return mulDivUp(amountIn, fee, WAD);
}

/**
 * A swap's price impact, WAD: how far its price after the fee falls short of
 * the spot `reserveOut/reserveIn`, i.e. `1 − out·R_in / (in·(1 − fee)·R_out)`.
 */
export function priceImpact(amountIn: bigint, amountOut: bigint, fee: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  const fair = amountIn * (WAD - fee) * reserveOut;
  if (fair === 0n) return 0n;
  const ratio = mulDiv(amountOut * reserveIn, WAD * WAD, fair);
  return ratio >= WAD ? 0n : WAD - ratio;
}
