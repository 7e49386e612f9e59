// The HF gauge after a market settles. An L1 swap moves the pool's price
// while market 0 (constant product, weight ½) still quotes the old one; its
// operator then settles a batch that sold token0 there at the stale price.
// The pool pays more token1 than its own curve would, so √(X̄·Ȳ) falls and
// HF with it (docs/design.md §4), within the floor, and the fee's health
// part appears (§5). An LP's withdrawal locked before then stops waiting on
// market 0 and waits on market 1 (§10.3). Expected values from those
// formulas and the chain.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { keccak256, toHex } from "viem";
import { dammAbi } from "@damm/sdk";
import { eventually, launch, openApp, raw, snap, type Browser } from "./browser.js";
import { passTime, startNode, type RunningNode } from "./node.js";
import { serveApp } from "./server.js";
import { E18, HF_MIN, KEYS, SEED0, SEED1, SUPPLY, address, chainOf, hf, premium, printed } from "./spec.js";

let node: RunningNode;
let app: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;

before(async () => {
  node = await startNode();
  app = await serveApp();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await node?.stop();
});

const gaugeHf = async (page: Awaited<ReturnType<typeof openApp>>["page"]) => BigInt((await page.locator(".gauge svg").getAttribute("data-hf"))!);

test("the HF gauge moves when a market settles a batch", async () => {
  const chain = chainOf(node);
  const { page } = await openApp(browser, app.url, node);
  assert.equal(await gaugeHf(page), hf(SEED0, SEED1, SUPPLY));
  assert.equal(await page.locator(".gauge .zone-name").innerText(), "healthy");

  // An LP (dev account #1) deposits and locks half its shares: the withdrawal waits on market 0.
  await page.getByRole("button", { name: "Use dev account" }).click();
  await page.getByRole("button", { name: "Mint test tokens" }).click();
  await page.locator(".connect .status.done").waitFor();
  await page.locator("input[name=deposit0]").fill("4");
  await page.getByRole("button", { name: "Approve and deposit" }).click();
  await page.locator(".deposit .status.done").waitFor();
  const shares = (4n * E18 * SUPPLY) / SEED0;
  await page.locator("input[name=lock-shares]").fill(printed(shares / 2n, 18).replace(/,/g, ""));
  await page.getByRole("button", { name: "Review lock" }).click();
  await page.getByRole("button", { name: "Confirm lock" }).click();
  const withdrawal = page.locator(".withdrawal.pending[data-id='0'] .waits");
  await withdrawal.filter({ hasText: "Waits on market 0" }).waitFor();
  // A settlement in the lock's own second would not count (§10.3).
  await passTime(node.url, 10);

  // Someone sells 30 token0 on the L1: the pool's price falls, market 0's does not.
  await chain.fund(KEYS.trader, 30n * E18, 0n);
  await chain.send(KEYS.trader, { address: node.damm, abi: dammAbi, functionName: "swapExactIn", args: [true, 30n * E18, 0n, address(KEYS.trader), 2n ** 63n] });
  const [balance0, balance1, reserved0, reserved1] = await chain.read.reserves();
  const [free0, free1, supply] = [balance0 - reserved0, balance1 - reserved1, await chain.read.supply()];
  const before = hf(free0, free1, supply);
  await eventually(async () => assert.equal(await gaugeHf(page), before));
  const points = Number(await page.locator(".chart").getAttribute("data-points"));
  const batchBefore = await page.locator(".markets [data-market='0'] .batch").innerText();
  await snap(page, "health-1-before");

  // The operator's batch on market 0: 15 token0 in, the constant-product output of its virtual state out.
  const market = await chain.read.market(0n);
  const [x, y, batchId] = [market[8], market[9], market[7]];
  const sold = 15n * E18;
  const bought = (y * sold) / (x + sold);
  await chain.fund(KEYS.operator, sold, 0n);
  await chain.send(KEYS.operator, {
    address: node.damm,
    abi: dammAbi,
    functionName: "checkpoint",
    args: [0n, batchId + 1n, x, y, x + sold, y - bought, 0n, 0n, 0n, keccak256(toHex("test batch"))],
  });

  // The books after the net order: X̄ + 15, Ȳ − bought, the same supply.
  const after = hf(free0 + sold, free1 - bought, supply);
  assert.ok(after < before && after >= HF_MIN && after < E18, `HF ${after} should fall below 1 and stay above the floor`);
  await eventually(async () => assert.equal(await gaugeHf(page), after));
  await withdrawal.filter({ hasText: "Waits on market 1 (StableSwap (amp 100))" }).waitFor();
  assert.equal(Number(await page.locator(".gauge svg").getAttribute("aria-valuenow")), Number(after) / 1e18);
  assert.equal(await page.locator(".gauge .hf-value").innerText(), printed(after, 6));
  assert.equal(await page.locator(".gauge .zone-name").innerText(), "below 1");
  assert.equal(await raw(page, ".fee-health"), premium(after));
  assert.ok(premium(after) > 0n);
  assert.equal(batchBefore, "0");
  assert.equal(await page.locator(".markets [data-market='0'] .batch").innerText(), "1");
  // The chart, folded from the events, gained the checkpoint's point, at the chain's HF.
  assert.equal(Number(await page.locator(".chart").getAttribute("data-points")), points + 1);
  assert.match(await page.locator(".chart figcaption").innerText(), new RegExp(`^HF ${printed(after, 6)} `));
  await snap(page, "health-2-after");
});
