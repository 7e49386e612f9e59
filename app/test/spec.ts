// What the page should show, computed here from docs/design.md's formulas
// and deploy/devnode.toml's numbers, not taken from the app's code.
import { createPublicClient, createWalletClient, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { dammAbi, dammNodeChain, testTokenAbi } from "@damm/sdk";
import type { RunningNode } from "./node.js";

export const E18 = 10n ** 18n;
/** deploy/devnode.toml's seed, and its supply ⌊√(a0·a1)⌋ (§2: the first deposit). */
export const SEED0 = 100n * E18;
export const SEED1 = 178_000n * E18;
/** deploy/devnode.toml's ACP and grace. */
export const ACP = 3600;
export const GRACE = 7200;
/** The contract's defaults (§4, §5): HF floor 0.9, φ = 1 %. */
export const HF_MIN = (9n * E18) / 10n;
export const PHI = E18 / 100n;

/** anvil's dev accounts #1..#3, and nitro-devnode's key: the devnode markets' operator. */
export const KEYS = {
  lp: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  dev2: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  trader: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  operator: "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659",
} as const satisfies Record<string, Hex>;

export const address = (key: Hex): Address => privateKeyToAccount(key).address;

export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = n;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + n / x) / 2n;
  }
  return x;
}

export const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;
export const SUPPLY = isqrt(SEED0 * SEED1);

/** §4: HF = ⌊√(X̄·Ȳ)·1e18/T⌋. */
export const hf = (x: bigint, y: bigint, t: bigint) => (isqrt(x * y) * E18) / t;

/** Less `bps` basis points, floored (a minimum out). */
export const less = (amount: bigint, bps: bigint) => (amount * (10_000n - bps)) / 10_000n;

/** §1: exact-in output of constant product with a fee `f` (WAD) on the input, floored. */
export const cpOut = (a: bigint, rIn: bigint, rOut: bigint, f: bigint) => (a * (E18 - f) * rOut) / (rIn * E18 + a * (E18 - f));

/** §5: the health part of the fee. */
export function premium(h: bigint): bigint {
  if (h >= E18) return 0n;
  if (E18 - h >= E18 - HF_MIN) return PHI;
  return ceilDiv(PHI * (E18 - h), E18 - HF_MIN);
}

/** `value / 1e18` to `places` decimals, truncated, grouped by thousands: how the page prints amounts. */
export function printed(value: bigint, places: number): string {
  const whole = (value / E18).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const fraction = (value % E18).toString().padStart(18, "0").slice(0, places);
  return places ? `${whole}.${fraction}` : whole;
}

/** The chain seen from the test process: reads, and writes from a dev key. */
export function chainOf(node: RunningNode) {
  const chain = dammNodeChain(node.url);
  const publicClient = createPublicClient({ chain, transport: http(node.url), pollingInterval: 50 });
  const read = {
    reserves: () => publicClient.readContract({ address: node.damm, abi: dammAbi, functionName: "reserves" }),
    supply: () => publicClient.readContract({ address: node.damm, abi: dammAbi, functionName: "totalSupply" }),
    fee: () => publicClient.readContract({ address: node.damm, abi: dammAbi, functionName: "currentFee" }),
    quote: (zeroForOne: boolean, amountIn: bigint) =>
      publicClient.readContract({ address: node.damm, abi: dammAbi, functionName: "quoteExactIn", args: [zeroForOne, amountIn] }),
    market: (id: bigint) => publicClient.readContract({ address: node.damm, abi: dammAbi, functionName: "market", args: [id] }),
    balance: (token: Address, who: Address) => publicClient.readContract({ address: token, abi: testTokenAbi, functionName: "balanceOf", args: [who] }),
  };
  /** Sends one call from `key` and waits for it to succeed. */
  async function send(key: Hex, request: { address: Address; abi: typeof dammAbi | typeof testTokenAbi; functionName: string; args: readonly unknown[] }) {
    const account = privateKeyToAccount(key);
    const wallet = createWalletClient({ account, chain, transport: http(node.url) });
    const hash = await wallet.writeContract({ ...request, account, chain } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`${request.functionName} failed`);
  }
  /** Mints `amount` of both tokens to `key`'s account and approves the pool for them. */
  async function fund(key: Hex, amount0: bigint, amount1: bigint) {
    for (const [token, amount] of [[node.token0, amount0], [node.token1, amount1]] as const) {
      await send(key, { address: token, abi: testTokenAbi, functionName: "mint", args: [address(key), amount] });
      await send(key, { address: token, abi: testTokenAbi, functionName: "approve", args: [node.damm, amount] });
    }
  }
  return { publicClient, read, send, fund };
}
