// damm-node's target/devnode/deployment.json.
import { readFileSync } from "node:fs";
import type { Address } from "viem";

export interface Deployment {
  chainId: number;
  rpcUrl: string;
  damm: { address: Address; abi: string };
  token0: { address: Address; abi: string };
  token1: { address: Address; abi: string };
  owner: Address;
}

/** Reads a deployment file (Node only: import it from `@damm/sdk/node`). */
export function loadDeployment(path: string): Deployment {
  return JSON.parse(readFileSync(path, "utf8")) as Deployment;
}
