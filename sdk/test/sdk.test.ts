// The SDK against a damm-node: the LP lifecycle through the ACP, the
// fallback, swaps and a refused one, events read back. Expected amounts
// come from the spec's formulas (docs/design.md §13, `damm_math::lp`), computed
// here by hand, not by the SDK.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createPublicClient, createWalletClient, http, keccak256, toHex, type Address, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { Damm, DammRevertError, dammAbi, dammNodeChain, testTokenAbi } from "../src/index.js";
import { LP_KEY, OPERATOR_KEY, rpc, startNode, type RunningNode } from "./node.js";

const E18 = 10n ** 18n;
// deploy/devnode.toml's seed: 100 : 178,000, so the supply is ⌊√(100e18·178000e18)⌋.
const SEED0 = 100n * E18;
const SEED1 = 178_000n * E18;
const SUPPLY = 4_219_004_621_945_797_299_958n;
const ACP = 3600;
const GRACE = 7200;

let node: RunningNode;
let publicClient: PublicClient;
let lp: Damm;
let operator: Damm;
let lpAddress: Address;

async function balanceOf(token: Address, who: Address): Promise<bigint> {
  return (await publicClient.readContract({ address: token, abi: testTokenAbi, functionName: "balanceOf", args: [who] })) as bigint;
}

async function passTime(seconds: number) {
  await rpc(node.url, "evm_increaseTime", [seconds]);
  await rpc(node.url, "evm_mine");
}

/** The operator settles every market with an empty batch: end state = start state. */
async function settleEmptyBatches() {
  const wallet = operator.walletClient!;
  for (const market of await operator.markets()) {
    const hash = await wallet.writeContract({
      address: node.deployment.damm.address,
      abi: dammAbi,
      functionName: "checkpoint",
      args: [market.id, market.batchId + 1n, market.x, market.y, market.x, market.y, 0n, 0n, 0n, keccak256(toHex("empty batch"))],
      account: wallet.account!,
      chain: wallet.chain,
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");
  }
}

before(async () => {
  node = await startNode();
  const chain = dammNodeChain(node.url);
  publicClient = createPublicClient({ chain, transport: http(node.url), pollingInterval: 50 });
  const account = privateKeyToAccount(LP_KEY);
  lpAddress = account.address;
  const wallet = createWalletClient({ account, chain, transport: http(node.url), pollingInterval: 50 });
  lp = new Damm({ address: node.deployment.damm.address, publicClient, walletClient: wallet });
  const operatorWallet = createWalletClient({ account: privateKeyToAccount(OPERATOR_KEY), chain, transport: http(node.url), pollingInterval: 50 });
  operator = new Damm({ address: node.deployment.damm.address, publicClient, walletClient: operatorWallet });
  // The test tokens mint to anyone.
  for (const token of [node.deployment.token0.address, node.deployment.token1.address]) {
    const hash = await wallet.writeContract({ address: token, abi: testTokenAbi, functionName: "mint", args: [lpAddress, 1_000_000n * E18], chain, account });
    await publicClient.waitForTransactionReceipt({ hash });
  }
});

after(async () => {
  await node?.stop();
});

describe("the dAMM from the SDK", () => {
  test("the pool reads as deploy/devnode.toml left it", async () => {
    const pool = await lp.pool();
    assert.equal(pool.free0, SEED0);
    assert.equal(pool.free1, SEED1);
    assert.equal(pool.lpSupply, SUPPLY);
    assert.equal(pool.live, true);
    const markets = await lp.markets();
    assert.deepEqual(markets.map((m) => m.curve), ["constant-product", "stable-swap", "bamm"]);
    assert.deepEqual(markets.map((m) => m.weight), [E18 / 2n, E18 / 4n, E18 / 4n]);
  });

  test("deposit, lock, the ACP, settled markets, complete: paid exactly what was locked", async () => {
    const [t0, t1] = [node.deployment.token0.address, node.deployment.token1.address];
    const before0 = await balanceOf(t0, lpAddress);
    const before1 = await balanceOf(t1, lpAddress);

    const deposit = await lp.deposit(E18);
    // lp::mint: shares = min(⌊a0·T/X⌋, ⌊a1·T/Y⌋), pulled ⌈shares·X/T⌉ and ⌈shares·Y/T⌉.
    const shares = (E18 * SUPPLY) / SEED0;
    assert.equal(deposit.shares, shares);
    assert.equal(deposit.amount0, (shares * SEED0 + SUPPLY - 1n) / SUPPLY);
    assert.equal(deposit.amount1, (shares * SEED1 + SUPPLY - 1n) / SUPPLY);
    assert.equal(await balanceOf(t0, lpAddress), before0 - deposit.amount0);

    const position = await lp.position(lpAddress);
    assert.equal(position.shares, shares);

    const [x, y, t] = [SEED0 + deposit.amount0, SEED1 + deposit.amount1, SUPPLY + shares];
    const locked = await lp.lock(shares);
    // lp::burn: ⌊ℓ·X̄/T⌋ each, fixed at the lock.
    assert.equal(locked.withdrawal.amount0, (shares * x) / t);
    assert.equal(locked.withdrawal.amount1, (shares * y) / t);
    assert.equal(locked.withdrawal.payee, lpAddress);
    assert.equal((await lp.position(lpAddress)).shares, 0n);

    // Before the ACP ends it is not ready.
    await assert.rejects(lp.complete(locked.id), (e: unknown) => e instanceof DammRevertError && e.error.name === "WithdrawalNotReady");
    await passTime(ACP);
    // After it, still not while a market has not settled since the lock.
    await assert.rejects(lp.complete(locked.id), (e: unknown) => e instanceof DammRevertError && e.error.name === "WithdrawalNotReady");
    await settleEmptyBatches();
    const done = await lp.complete(locked.id);
    assert.equal(done.amount0, locked.withdrawal.amount0);
    assert.equal(done.amount1, locked.withdrawal.amount1);
    assert.equal(await balanceOf(t0, lpAddress), before0 - deposit.amount0 + done.amount0);
    assert.equal(await balanceOf(t1, lpAddress), before1 - deposit.amount1 + done.amount1);
    assert.equal((await lp.withdrawal(locked.id)).done, true);

    // The events read back from the chain, in order.
    const mine = (e: { args?: unknown }) => {
      const args = (e.args ?? {}) as { recipient?: string; owner?: string };
      return args.recipient === lpAddress || args.owner === lpAddress;
    };
    const names = (await lp.getEvents()).filter(mine).map((e) => e.eventName);
    assert.deepEqual(
      names.filter((n) => ["Deposit", "WithdrawalLocked", "WithdrawalCompleted"].includes(n)),
      ["Deposit", "WithdrawalLocked", "WithdrawalCompleted"],
    );
  });

  test("a withdrawal completes through the fallback when no market settles", async () => {
    const deposit = await lp.deposit(E18 / 10n);
    const locked = await lp.lock(deposit.shares);
    await passTime(ACP);
    await assert.rejects(lp.complete(locked.id), (e: unknown) => e instanceof DammRevertError && e.error.name === "WithdrawalNotReady");
    await passTime(GRACE);
    const done = await lp.complete(locked.id);
    assert.equal(done.amount0, locked.withdrawal.amount0);
    assert.equal(done.amount1, locked.withdrawal.amount1);
  });

  test("a swap pays its quote; one refused for slippage moves nothing and names SlippageExceeded", async () => {
    const t1 = node.deployment.token1.address;
    const amountIn = E18 / 10n;
    const quote = await lp.quoteExactIn(true, amountIn);
    assert.ok(quote.amountOut > 0n);
    const before1 = await balanceOf(t1, lpAddress);
    const swap = await lp.swapExactIn(true, amountIn);
    assert.equal(swap.amountOut, quote.amountOut);
    assert.equal(await balanceOf(t1, lpAddress), before1 + quote.amountOut);

    const next = await lp.quoteExactIn(true, amountIn);
    const pool = await lp.pool();
    const error = await lp.swapExactIn(true, amountIn, { minOut: next.amountOut + 1n }).then(
      () => assert.fail("the swap should be refused"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof DammRevertError, String(error));
    assert.equal(error.error.name, "SlippageExceeded");
    assert.deepEqual(error.error.args, { amount: next.amountOut, limit: next.amountOut + 1n });
    assert.deepEqual(await lp.pool(), pool);

    const exactOut = await lp.quoteExactOut(false, E18 / 100n);
    const bought = await lp.swapExactOut(false, E18 / 100n);
    assert.equal(bought.amountIn, exactOut.amountIn);
  });

  test("an expired deadline is refused with Expired", async () => {
    const error = await lp.swapExactIn(true, E18, { deadline: 1n }).catch((e: unknown) => e);
    assert.ok(error instanceof DammRevertError);
    assert.equal(error.error.name, "Expired");
    assert.equal(error.error.args.deadline, 1n);
  });
});
