// Amount math for writes, in bigint: amounts from the pool's ratio, and
// slippage bounds that round against the caller, as the contract rounds
// for the pool (out floored, in ceiled).

/** Basis points in one. */
export const BPS = 10_000n;

/** `⌈a·b/c⌉`. */
export function mulDivUp(a: bigint, b: bigint, c: bigint): bigint {
  if (c === 0n) throw new RangeError("division by zero");
  return (a * b + c - 1n) / c;
}

/** `⌊a·b/c⌋`. */
export function mulDiv(a: bigint, b: bigint, c: bigint): bigint {
  if (c === 0n) throw new RangeError("division by zero");
  return (a * b) / c;
}

/** At least `amount` less `bps` of it (a minimum out), floored. */
export function lessSlippage(amount: bigint, bps: number): bigint {
  return mulDiv(amount, BPS - checkBps(bps), BPS);
}

/** At most `amount` plus `bps` of it (a maximum in), ceiled. */
export function plusSlippage(amount: bigint, bps: number): bigint {
  return mulDivUp(amount, BPS + checkBps(bps), BPS);
}

function checkBps(bps: number): bigint {
  if (!Number.isInteger(bps) || bps < 0 || bps >= 10_000) {
    throw new RangeError(`slippage must be whole basis points in [0, 10000): ${bps}`);
  }
  return BigInt(bps);
}

/**
 * A pro-rata deposit of `amount0` into a pool with free balances
 * `free0:free1` and `supply` shares, as `damm_math::lp::mint` computes it:
 * the token1 it takes (ceiled) and the shares it mints (floored).
 */
export function proRataDeposit(
  amount0: bigint,
  free0: bigint,
  free1: bigint,
  supply: bigint,
): { amount1: bigint; shares: bigint } {
  if (free0 === 0n || free1 === 0n || supply === 0n) {
    throw new RangeError("the pool has no free balance or no shares: a pro-rata deposit is undefined");
  }
  const amount1 = mulDivUp(amount0, free1, free0);
  const shares0 = mulDiv(amount0, supply, free0);
  const shares1 = mulDiv(amount1, supply, free1);
  return { amount1, shares: shares0 < shares1 ? shares0 : shares1 };
}
