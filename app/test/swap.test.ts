// Swaps through an injected wallet: the quote as you type against
// constant product with the contract's fee (docs/design.md §1, §9), the
// minimum out from the slippage setting, impact and fee, the swap paid; and
// one refused because another trade moved the price past the reviewed
// minimum, shown as a sentence with the numbers, never as hex.
import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import { dammAbi } from "@damm/sdk";
import { eventually, launch, openApp, raw, snap, type Browser } from "./browser.js";
import { startNode, type RunningNode } from "./node.js";
import { serveApp } from "./server.js";
import { E18, KEYS, SEED0, SEED1, address, ceilDiv, chainOf, cpOut, less, printed } from "./spec.js";

let node: RunningNode | undefined;
let app: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;

before(async () => {
  app = await serveApp();
  browser = await launch();
});

afterEach(async () => {
  await node?.stop();
  node = undefined;
});

after(async () => {
  await browser?.close();
  await app?.close();
});

/** A fresh chain, the page on it connected through the injected wallet, and test tokens minted from the page. */
async function connected() {
  node = await startNode();
  const { page } = await openApp(browser, app.url, node, { wallet: address(KEYS.lp) });
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByRole("button", { name: "Mint test tokens" }).click();
  await page.locator(".connect .status.done").waitFor();
  return { node, page, chain: chainOf(node) };
}

test("a swap: quote, minimum, impact and fee as the formulas give them, then paid", async () => {
  const { node, page, chain } = await connected();
  const amountIn = E18 / 10n;
  const fee = await chain.read.fee();
  await page.locator("input[name=swap-in]").fill("0.1");

  // §1 on the free balances with the fee on the input; 0.5 % less, floored; impact against the spot after the fee.
  const out = cpOut(amountIn, SEED0, SEED1, fee);
  await eventually(async () => assert.equal(await raw(page, ".swap-quote .amount-out"), out));
  assert.equal(await raw(page, ".swap-quote .min-out"), less(out, 50n));
  assert.equal(await raw(page, ".swap-quote .swap-fee"), fee);
  assert.equal(await raw(page, ".swap-quote .swap-fee .amount"), ceilDiv(amountIn * fee, E18));
  const impact = E18 - (out * SEED0 * E18 * E18) / (amountIn * (E18 - fee) * SEED1);
  assert.equal(await raw(page, ".swap-quote .impact"), impact);
  await snap(page, "swap-1-quote");

  const before1 = await chain.read.balance(node.token1, address(KEYS.lp));
  await page.getByRole("button", { name: "Review swap" }).click();
  await page.getByRole("button", { name: "Confirm swap" }).click();
  await page.locator(".swap .status.done", { hasText: `Swapped 0.100000 token0 for ${printed(out, 6)} token1.` }).waitFor();
  assert.equal(await chain.read.balance(node.token1, address(KEYS.lp)), before1 + out);
  await eventually(async () => {
    assert.equal(await raw(page, ".books [data-token=token0] .free"), SEED0 + amountIn);
    assert.equal(await raw(page, ".books [data-token=token1] .free"), SEED1 - out);
  });
  assert.deepEqual((await page.locator(".transactions .tx.confirmed .tx-label").allInnerTexts()).slice(0, 2), ["Swap", "Approve token0"]);
  await page.locator(".transactions .tx.confirmed").first().locator(".receipt summary").click();
  assert.match(await page.locator(".transactions .tx.confirmed").first().locator(".receipt").innerText(), /Pool events\s+Swap/);
  await snap(page, "swap-2-done");
});

test("a swap refused for slippage: another trade moved the price past the reviewed minimum", async () => {
  const { node, page, chain } = await connected();
  await page.locator("input[name=slippage]").fill("0.1");
  await page.locator("input[name=swap-in]").fill("1");
  const fee = await chain.read.fee();
  const out = cpOut(E18, SEED0, SEED1, fee);
  const minOut = less(out, 10n);
  await eventually(async () => assert.equal(await raw(page, ".swap-quote .min-out"), minOut));
  await page.getByRole("button", { name: "Review swap" }).click();

  // Someone else sells 5 token0 first.
  await chain.fund(KEYS.trader, 5n * E18, 0n);
  await chain.send(KEYS.trader, { address: node.damm, abi: dammAbi, functionName: "swapExactIn", args: [true, 5n * E18, 0n, address(KEYS.trader), 2n ** 63n] });
  const [free0] = await chain.read.reserves();

  await page.getByRole("button", { name: "Confirm swap" }).click();
  const alert = page.locator(".swap .status.error");
  await alert.waitFor();
  const [now] = await chain.read.quote(true, E18);
  assert.ok(now < minOut);
  assert.equal(
    await alert.innerText(),
    `Price moved beyond your slippage tolerance: the pool now gives ${printed(now, 6)} token1 against your limit of ${printed(minOut, 6)} token1.`,
  );
  assert.doesNotMatch(await page.locator(".swap").innerText(), /0x/);
  // Refused in simulation: nothing sent but the approval, nothing moved.
  assert.deepEqual(await page.locator(".transactions .tx .tx-label").allInnerTexts(), ["Approve token0", "Mint test token1", "Mint test token0"]);
  assert.equal((await chain.read.reserves())[0], free0);
  await snap(page, "swap-3-refused");
});
