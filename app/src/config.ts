// Where the app finds the chain and the pool. Query parameters come first
// (`?rpc=…&damm=0x…`, for built files served anywhere); otherwise
// deployment.json beside the page, the file damm-node writes (the dev and
// preview servers serve the local chain's).
import { createPublicClient, defineChain, http, isAddress, type Address, type Chain } from "viem";
import { dammNodeChain, type Deployment } from "@damm/sdk";

export interface AppConfig {
  rpcUrl: string;
  damm: Address;
  chain: Chain;
  /** The first block the pool's history is read from (`?from=`, default 0). */
  fromBlock: bigint;
  /** A block explorer, for links to transactions (`?explorer=`); a local chain has none. */
  explorer?: string;
}

/** damm-node (and nitro-devnode) and anvil: chains whose dev accounts are anvil's public keys. */
const LOCAL_CHAIN_IDS: readonly number[] = [412_346, 31_337];

export function isLocalChain(chain: Chain): boolean {
  return LOCAL_CHAIN_IDS.includes(chain.id);
}

export async function loadConfig(location: Location): Promise<AppConfig> {
  const query = new URLSearchParams(location.search);
  let rpcUrl = query.get("rpc");
  let damm = query.get("damm");
  if (!rpcUrl || !damm) {
    const response = await fetch(new URL("deployment.json", location.href));
    if (!response.ok) {
      throw new Error("No chain configured: open the page with ?rpc=…&damm=…, or serve deployment.json beside it (start the local chain with scripts/node.sh).");
    }
    const deployment = (await response.json()) as Deployment;
    rpcUrl ??= deployment.rpcUrl;
    damm ??= deployment.damm.address;
  }
  if (!isAddress(damm)) throw new Error(`The pool address ${damm} is not an address.`);
  const id = await createPublicClient({ transport: http(rpcUrl) }).getChainId();
  const chain =
    id === 412_346
      ? dammNodeChain(rpcUrl)
      : defineChain({
          id,
          name: `chain ${id}`,
          nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
          rpcUrls: { default: { http: [rpcUrl] } },
        });
  return {
    rpcUrl,
    damm,
    chain,
    fromBlock: BigInt(query.get("from") ?? "0"),
    explorer: query.get("explorer") ?? undefined,
  };
}
