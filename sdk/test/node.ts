// Starts a throwaway damm-node on a free port for one test file, and
// stops it afterwards.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Deployment } from "../src/deployment.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** anvil's first key: the dAMM's owner on damm-node. */
export const OWNER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/** anvil's second key: an LP in the tests. */
export const LP_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
/** nitro-devnode's key: the operator of deploy/devnode.toml's markets. */
export const OPERATOR_KEY = "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";

export interface RunningNode {
  url: string;
  deployment: Deployment;
  repo: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
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
export async function startNode(extra: string[] = []): Promise<RunningNode> {
  const binary = process.env.DAMM_NODE ?? join(repo, "target", "release", "damm-node");
  const port = await freePort();
  const out = mkdtempSync(join(tmpdir(), "damm-node-"));
  const child: ChildProcess = spawn(binary, ["--port", String(port), "--out", out, ...extra], {
    cwd: repo,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`damm-node did not start in 180 s:\n${output}`)), 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Listening on")) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`damm-node exited with ${code}:\n${output}`));
    });
  });
  const deployment = JSON.parse(readFileSync(join(out, "deployment.json"), "utf8")) as Deployment;
  return {
    url: deployment.rpcUrl,
    deployment,
    repo,
    async stop() {
      child.removeAllListeners("exit");
      const exited = new Promise((ok) => child.once("exit", ok));
      child.kill("SIGTERM");
      await exited;
      rmSync(out, { recursive: true, force: true });
    },
  };
}

/** A raw JSON-RPC call (dev methods viem has no action for here). */
export async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}
