// damm-node as a viem chain.
import { defineChain, type Chain } from "viem";

/** damm-node's chain: nitro-devnode's id and port. */
export const dammNodeChain = (rpcUrl = "http://127.0.0.1:8547"): Chain =>
  defineChain({
    id: 412_346,
    name: "damm-node",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
