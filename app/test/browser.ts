// Headless Chromium from the distribution's package, driven by
// playwright-core, with a test-only injected wallet: an EIP-1193 provider
// whose requests the test process answers, sending transactions through
// damm-node's eth_sendTransaction, which signs with anvil's dev key.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { Address } from "viem";
import { rpcRaw, type RunningNode } from "./node.js";
import { screenshots } from "./paths.js";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
/** Without the background-networking flags Chromium's own connections are refused on a closed network, and it stalls. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launch(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "damm-app-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1440, height: 1000 },
    timezoneId: "UTC",
    locale: "en-US",
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What the test wallet was asked, in order. */
export type WalletLog = string[];

/**
 * Opens the built app on `node`'s chain, named in the query unless
 * `fromDeploymentFile` (then the page reads the deployment.json served
 * beside it). With `wallet`, the page gets an injected provider for that
 * dev account: it shares the account, and forwards everything else
 * (eth_sendTransaction included) to the node.
 */
export async function openApp(
  browser: Browser,
  appUrl: string,
  node: RunningNode,
  { wallet, fromDeploymentFile = false }: { wallet?: Address; fromDeploymentFile?: boolean } = {},
): Promise<{ page: Page; asked: WalletLog }> {
  const page = await browser.context.newPage();
  const asked: WalletLog = [];
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  if (wallet) {
    await page.exposeFunction("__dammTestWallet", async (method: string, params: unknown[]) => {
      asked.push(method);
      if (method === "eth_requestAccounts" || method === "eth_accounts") return { result: [wallet] };
      return rpcRaw(node.url, method, params);
    });
    await page.addInitScript(() => {
      type Answer = { result?: unknown; error?: { code: number; message: string; data?: unknown } };
      const answer = (window as unknown as { __dammTestWallet(m: string, p: unknown[]): Promise<Answer> }).__dammTestWallet;
      (window as unknown as { ethereum: unknown }).ethereum = {
        isDammTestWallet: true,
        async request({ method, params }: { method: string; params?: unknown[] }) {
          const { result, error } = await answer(method, params ?? []);
          if (error) throw Object.assign(new Error(error.message), error);
          return result;
        },
        on() {},
        removeListener() {},
      };
    });
  }
  await page.goto(fromDeploymentFile ? appUrl : `${appUrl}?rpc=${encodeURIComponent(node.url)}&damm=${node.damm}`);
  await page.locator(".pool .lp-supply").waitFor();
  if (errors.length) throw new Error(`the page threw: ${errors.join("; ")}`);
  return { page, asked };
}

/** Saves a full-page screenshot as target/app-screenshots/NAME.png. */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** Retries `check` until it passes or `ms` run out (the page re-reads the chain every 3 s). */
export async function eventually(check: () => Promise<void>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((ok) => setTimeout(ok, 200));
    }
  }
}

/** The exact value behind a number on the page: the `data-raw` (base units) on or first inside `selector`. */
export async function raw(page: Page, selector: string): Promise<bigint> {
  const value = await page
    .locator(selector)
    .first()
    .evaluate((el) => (el as HTMLElement).dataset.raw ?? el.querySelector<HTMLElement>("[data-raw]")?.dataset.raw);
  if (value === undefined) throw new Error(`${selector} has no data-raw`);
  return BigInt(value);
}
