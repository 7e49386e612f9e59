// A throwaway damm-node on a free port with its own deployment.json, as
// sdk/test/node.ts starts one, stopped (and its files removed) afterwards.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Address } from "viem";
import { repo } from "./paths.js";

export interface RunningNode {
  url: string;
  /** Its deployment.json, as written. */
  deployment: string;
  damm: Address;
  token0: Address;
  token1: Address;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

/** Runs `$DAMM_NODE` (default target/release/damm-node) and waits until it serves. */
export async function startNode(): Promise<RunningNode> {
  const binary = process.env.DAMM_NODE ?? join(repo, "target", "release", "damm-node");
  const out = mkdtempSync(join(tmpdir(), "damm-app-node-"));
  const child = spawn(binary, ["--port", String(await freePort()), "--out", out], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`damm-node did not start in 120 s:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Listening on")) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`damm-node exited with ${code}:\n${output}`));
    });
  });
  const text = readFileSync(join(out, "deployment.json"), "utf8");
  const deployment = JSON.parse(text) as {
    rpcUrl: string;
    damm: { address: Address };
    token0: { address: Address };
    token1: { address: Address };
  };
  return {
    url: deployment.rpcUrl,
    deployment: text,
    damm: deployment.damm.address,
    token0: deployment.token0.address,
    token1: deployment.token1.address,
    async stop() {
      child.removeAllListeners("exit");
      const exited = new Promise((ok) => child.once("exit", ok));
      child.kill("SIGTERM");
      await exited;
      rmSync(out, { recursive: true, force: true });
    },
  };
}

/** A raw JSON-RPC call; the answer's `error`, if any, is returned, not thrown (the test wallet forwards it). */
export async function rpcRaw(url: string, method: string, params: unknown[] = []): Promise<{ result?: unknown; error?: { code: number; message: string; data?: unknown } }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return (await response.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
}

/** Moves the chain's clock on and mines a block at the new time. */
export async function passTime(url: string, seconds: number): Promise<void> {
  for (const [method, params] of [["evm_increaseTime", [seconds]], ["evm_mine", []]] as const) {
    const { error } = await rpcRaw(url, method, [...params]);
    if (error) throw new Error(`${method}: ${error.message}`);
  }
}
