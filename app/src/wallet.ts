// The two ways to sign: an injected EIP-1193 wallet (MetaMask and the like),
// and, on a local chain only, anvil's dev accounts, whose keys are public.
import { createWalletClient, custom, http, numberToHex, type Address, type EIP1193Provider, type Hex, type WalletClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { AppConfig } from "./config.js";

declare global {
  interface Window {
    ethereum?: EIP1193Provider;
  }
}

export interface Connection {
  /** What the page says signs: the wallet's name, or which dev account. */
  label: string;
  account: Address;
  walletClient: WalletClient;
  /** Set for a dev account: the page marks it as such. */
  dev: boolean;
}

/**
 * anvil's first ten dev keys (mnemonic "test test … junk"), which damm-node
 * funds. Everyone knows them: they are for a local chain and nothing else.
 */
export const DEV_KEYS: readonly Hex[] = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
  "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
  "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
  "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
];

export const DEV_ADDRESSES: readonly Address[] = DEV_KEYS.map((key) => privateKeyToAccount(key).address);

/** Signs with anvil's dev key `index` locally, sending raw transactions to the chain's RPC. */
export function connectDev(config: AppConfig, index: number): Connection {
  const key = DEV_KEYS[index];
  if (!key) throw new Error(`no dev account ${index}`);
  const account = privateKeyToAccount(key);
  return {
    label: `Dev account #${index} (anvil's public key, local chain only)`,
    account: account.address,
    walletClient: createWalletClient({ account, chain: config.chain, transport: http(config.rpcUrl) }),
    dev: true,
  };
}

/**
 * Follows the injected wallet: another account there becomes the page's
 * account, and none, or another chain, disconnects (connect again to switch
 * back). Returns the unsubscribe.
 */
export function watchInjected(config: AppConfig, onChange: (connection?: Connection) => void): () => void {
  const provider = window.ethereum;
  if (!provider) return () => {};
  const accounts = (list: readonly Address[]) => {
    const [account] = list;
    onChange(account && { label: "Browser wallet", account, walletClient: createWalletClient({ account, chain: config.chain, transport: custom(provider) }), dev: false });
  };
  const chain = () => onChange(undefined);
  provider.on("accountsChanged", accounts);
  provider.on("chainChanged", chain);
  return () => {
    provider.removeListener("accountsChanged", accounts);
    provider.removeListener("chainChanged", chain);
  };
}

/** Asks the injected wallet for an account and for the pool's chain (adding the chain if it has not got it). */
export async function connectInjected(config: AppConfig): Promise<Connection> {
  const provider = window.ethereum;
  if (!provider) throw new Error("No browser wallet found: install one such as MetaMask, or use a dev account on the local chain.");
  const [account] = await provider.request({ method: "eth_requestAccounts" });
  if (!account) throw new Error("The wallet shared no account.");
  const chainId = numberToHex(config.chain.id);
  if ((await provider.request({ method: "eth_chainId" })) !== chainId) {
    try {
      await provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId }] });
    } catch (error) {
      // 4902: the wallet does not know the chain yet.
      if ((error as { code?: number }).code !== 4902) throw error;
      await provider.request({
        method: "wallet_addEthereumChain",
        params: [{ chainId, chainName: config.chain.name, nativeCurrency: config.chain.nativeCurrency, rpcUrls: [config.rpcUrl] }],
      });
    }
  }
  return {
    label: "Browser wallet",
    account,
    walletClient: createWalletClient({ account, chain: config.chain, transport: custom(provider) }),
    dev: false,
  };
}
