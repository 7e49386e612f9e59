// Deposit through an injected wallet: the pool as deploy/devnode.toml seeds
// it, the second amount kept at the ratio as either is typed, the shares and
// minimum promised, the approvals and the deposit confirmed with receipts,
// and the position the formulas of docs/design.md §2 give.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eventually, launch, openApp, raw, snap, type Browser } from "./browser.js";
import { startNode, type RunningNode } from "./node.js";
import { serveApp } from "./server.js";
import { E18, KEYS, SEED0, SEED1, SUPPLY, address, ceilDiv, hf, less, printed } from "./spec.js";

let node: RunningNode;
let app: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;

before(async () => {
  node = await startNode();
  app = await serveApp({ "deployment.json": () => node.deployment });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await node?.stop();
});

test("deposit: amounts at the pool's ratio, approvals, shares as lp::mint gives them", async () => {
  const lp = address(KEYS.lp);
  // No query: the page finds the chain in the deployment.json beside it.
  const { page, asked } = await openApp(browser, app.url, node, { wallet: lp, fromDeploymentFile: true });

  // The pool as seeded: 100 : 178,000, supply ⌊√(a0·a1)⌋, nothing reserved, HF exactly 1.
  assert.equal(await raw(page, ".books [data-token=token0] .free"), SEED0);
  assert.equal(await raw(page, ".books [data-token=token1] .free"), SEED1);
  assert.equal(await raw(page, ".books [data-token=token0] .reserved"), 0n);
  assert.equal(await raw(page, ".lp-supply"), SUPPLY);
  assert.equal(await page.locator(".gauge svg").getAttribute("data-hf"), hf(SEED0, SEED1, SUPPLY).toString());
  assert.deepEqual(await page.locator(".markets tbody td.status").allInnerTexts(), ["active", "active", "active"]);
  await snap(page, "deposit-1-pool");

  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.locator(".connect .badge", { hasText: "Browser wallet" }).waitFor();
  assert.ok(asked.includes("eth_requestAccounts"));
  await page.getByRole("button", { name: "Mint test tokens" }).click();
  await page.locator(".connect .status.done", { hasText: "Minted" }).waitFor();

  // Typing token1 asks ⌊a1·X̄/Ȳ⌋ of token0; typing token0 asks ⌈a0·Ȳ/X̄⌉ of token1.
  await page.locator("input[name=deposit1]").fill("17.8");
  await eventually(async () => assert.equal(await page.inputValue("input[name=deposit0]"), "0.01"));
  await page.locator("input[name=deposit0]").fill("1");
  const amount1 = ceilDiv(E18 * SEED1, SEED0);
  await eventually(async () => assert.equal(await page.inputValue("input[name=deposit1]"), printed(amount1, 18).replace(/\.?0+$/, "").replace(/,/g, "")));

  // lp::mint: ℓ = min(⌊a0·T/X̄⌋, ⌊a1·T/Ȳ⌋); the minimum is 0.5 % less, floored.
  const shares = [E18 * SUPPLY / SEED0, amount1 * SUPPLY / SEED1].reduce((a, b) => (a < b ? a : b));
  assert.equal(await raw(page, ".deposit-quote .shares"), shares);
  assert.equal(await raw(page, ".deposit-quote .min-shares"), less(shares, 50n));
  assert.match(await page.locator(".deposit-quote .approvals").innerText(), /token0 and token1/);
  await snap(page, "deposit-2-quote");

  await page.getByRole("button", { name: "Approve and deposit" }).click();
  const pulled0 = ceilDiv(shares * SEED0, SUPPLY);
  const pulled1 = ceilDiv(shares * SEED1, SUPPLY);
  await page
    .locator(".deposit .status.done", { hasText: `Deposited ${printed(pulled0, 4)} token0 and ${printed(pulled1, 4)} token1 for ${printed(shares, 6)} shares.` })
    .waitFor();

  // Each transaction confirmed, in order, with its receipt.
  const labels = await page.locator(".transactions .tx.confirmed .tx-label").allInnerTexts();
  assert.deepEqual(labels.slice(0, 3), ["Deposit", "Approve token1", "Approve token0"]);
  const deposit = page.locator(".transactions .tx.confirmed").first();
  await deposit.locator(".receipt summary").click();
  assert.match(await deposit.locator(".receipt").innerText(), /Pool events\s+Transfer, Deposit/);
  assert.ok(asked.filter((m) => m === "eth_sendTransaction").length >= 5, "the page sent through the injected wallet");

  // The position and the books after: shares, their value ⌊ℓ·X̄/T⌋, their part of the supply.
  const [x, y, t] = [SEED0 + pulled0, SEED1 + pulled1, SUPPLY + shares];
  await eventually(async () => {
    assert.equal(await raw(page, ".position-shares"), shares);
    assert.equal(await raw(page, ".position-value .amount"), (shares * x) / t);
    assert.equal(await raw(page, ".position-share"), (shares * E18) / t);
    assert.equal(await raw(page, ".books [data-token=token0] .free"), x);
    assert.equal(await raw(page, ".books [data-token=token1] .free"), y);
    assert.equal(await raw(page, ".lp-supply"), t);
  });
  await page.locator(".transactions").scrollIntoViewIfNeeded();
  await snap(page, "deposit-3-done");
});
