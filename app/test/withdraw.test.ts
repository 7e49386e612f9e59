// Withdraw through the dev-account connector: deposit, lock with the amounts
// shown before confirming (lp::burn, docs/design.md §10.2), the countdowns and
// the market awaited, a completion refused as not ready, time moved past the
// fallback (§10.3), and the completion paying exactly what was locked.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eventually, launch, openApp, raw, snap, type Browser } from "./browser.js";
import { passTime, startNode, type RunningNode } from "./node.js";
import { serveApp } from "./server.js";
import { ACP, E18, GRACE, KEYS, SEED0, SEED1, SUPPLY, address, ceilDiv, chainOf, less, printed } from "./spec.js";

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

test("withdraw: lock shows its amounts first, counts down to readyAt and fallbackAt, completes after the fallback", async () => {
  const chain = chainOf(node);
  const { page } = await openApp(browser, app.url, node);

  // anvil's dev account #2, through the local chain's dev connector.
  await page.locator(".dev-connector select").selectOption("2");
  await page.getByRole("button", { name: "Use dev account" }).click();
  await page.locator(".connect .badge.dev", { hasText: "Dev account #2 (anvil's public key, local chain only)" }).waitFor();
  const me = address(KEYS.dev2);
  await page.getByRole("button", { name: "Mint test tokens" }).click();
  await page.locator(".connect .status.done").waitFor();

  await page.locator("input[name=deposit0]").fill("2");
  await page.getByRole("button", { name: "Approve and deposit" }).click();
  await page.locator(".deposit .status.done").waitFor();
  const shares = (2n * E18 * SUPPLY) / SEED0;
  const [x, y, t] = [SEED0 + ceilDiv(shares * SEED0, SUPPLY), SEED1 + ceilDiv(shares * SEED1, SUPPLY), SUPPLY + shares];
  await eventually(async () => assert.equal(await raw(page, ".position-shares"), shares));

  // Review: ⌊ℓ·X̄/T⌋ of each, and the minima 0.5 % below, before anything is sent.
  await page.getByRole("button", { name: "max" }).click();
  await page.getByRole("button", { name: "Review lock" }).click();
  const [owed0, owed1] = [(shares * x) / t, (shares * y) / t];
  assert.deepEqual(await page.locator(".lock-amounts .amount").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.raw)), [owed0.toString(), owed1.toString()]);
  assert.deepEqual(
    await page.locator(".lock-minima .amount").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.raw)),
    [less(owed0, 50n).toString(), less(owed1, 50n).toString()],
  );
  await snap(page, "withdraw-1-review");

  await page.getByRole("button", { name: "Confirm lock" }).click();
  await page.locator(".withdraw .status.done", { hasText: `Locked withdrawal 0: it pays ${printed(owed0, 6)} token0 and ${printed(owed1, 6)} token1.` }).waitFor();
  const item = page.locator(".withdrawal.pending[data-id='0']");
  await item.waitFor();
  // The books: the amounts moved from free to reserved, the shares burned.
  await eventually(async () => {
    assert.equal(await raw(page, ".books [data-token=token0] .reserved"), owed0);
    assert.equal(await raw(page, ".books [data-token=token1] .free"), y - owed1);
    assert.equal(await raw(page, ".lp-supply"), SUPPLY);
    assert.equal(await raw(page, ".position-shares"), 0n);
  });
  const times = await item.locator(".times").innerText();
  assert.match(times, /Cooldown \(ACP\) ends: in (59 min \d\d s|1 h 00 min)/);
  assert.match(times, /Fallback: in (2 h 59 min|3 h 00 min)/);
  // No market has settled since the lock: the first active one is awaited.
  assert.match(times, /Waits on market 0 \(constant product\) to settle/);
  assert.match(await item.locator(".readiness").innerText(), /Not ready yet/);
  await snap(page, "withdraw-2-locked");

  // Too early: the contract's refusal, as a sentence.
  await item.getByRole("button", { name: "Complete" }).click();
  const refusal = await item.locator(".status.error").innerText();
  assert.match(refusal, /^This withdrawal is still in its cooldown: it can complete from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\.$/);

  // Past the ACP and the grace: the fallback needs no market.
  await passTime(node.url, ACP + GRACE);
  await eventually(async () => {
    const text = await item.locator(".times").innerText();
    assert.match(text, /Cooldown \(ACP\) ends: passed/);
    assert.match(text, /Fallback: passed/);
    assert.match(await item.locator(".readiness").innerText(), /Ready to complete/);
    assert.match(text, /Market 0 has not settled since the lock, but the fallback has passed/);
    // The early refusal no longer applies, so it is gone.
    assert.equal(await item.locator(".status.error").count(), 0);
  });
  await snap(page, "withdraw-3-ready");

  const before0 = await chain.read.balance(node.token0, me);
  const before1 = await chain.read.balance(node.token1, me);
  await item.getByRole("button", { name: "Complete" }).click();
  await page.locator(".withdrawal.done[data-id='0']").waitFor();
  assert.equal(await chain.read.balance(node.token0, me), before0 + owed0);
  assert.equal(await chain.read.balance(node.token1, me), before1 + owed1);
  await eventually(async () => {
    assert.equal(await raw(page, ".books [data-token=token0] .reserved"), 0n);
    assert.equal(await raw(page, ".books [data-token=token0] .balance"), x - owed0);
  });
  assert.match(await page.locator(".withdrawal.done[data-id='0']").innerText(), new RegExp(`#0 paid ${printed(owed0, 6)} token0 \\+ ${printed(owed1, 6)} token1`));
  assert.equal(await page.locator(".transactions .tx.confirmed .tx-label").first().innerText(), "Complete withdrawal");
  await snap(page, "withdraw-4-complete");
});
