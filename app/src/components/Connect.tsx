// Connect: a browser wallet, or on a local chain one of anvil's dev
// accounts, marked as such. Once connected, a local chain's test tokens can
// be minted to the account (they mint to anyone).
import { useState } from "preact/hooks";
import { testTokenAbi } from "@damm/sdk";
import { callLabel, useAction } from "../actions.js";
import { isLocalChain, type AppConfig } from "../config.js";
import { describeError } from "../errors.js";
import { formatAmount, shortAddress } from "../format.js";
import type { Session } from "../session.js";
import { transactions } from "../transactions.js";
import { DEV_ADDRESSES, connectDev, connectInjected, type Connection } from "../wallet.js";
import { ActionStatus } from "./ActionStatus.js";

/** What "Mint test tokens" gives, in whole tokens: enough to try every flow. */
const TEST_MINT = [1_000n, 2_000_000n] as const;

export function Connect({ config, session, onConnect }: { config: AppConfig; session?: Session; onConnect: (c?: Connection) => void }) {
  const [devIndex, setDevIndex] = useState(1);
  const [error, setError] = useState<string>();
  const [mint, runMint] = useAction(session?.refresh ?? (async () => {}));
  const local = isLocalChain(config.chain);
  const connection = session?.connection;

  const connect = (open: () => Promise<Connection>) => {
    setError(undefined);
    open().then(onConnect, (e: unknown) => setError(describeError(e)));
  };

  if (connection && session) {
    const mintTokens = () =>
      runMint(async () => {
        const { pool, decimals } = session.snapshot;
        const label = callLabel(pool);
        for (const [i, token] of [pool.token0, pool.token1].entries()) {
          const hash = await connection.walletClient.writeContract({
            address: token,
            abi: testTokenAbi,
            functionName: "mint",
            args: [connection.account, TEST_MINT[i]! * 10n ** BigInt(decimals[i]!)],
            account: connection.walletClient.account ?? connection.account,
            chain: config.chain,
          });
          transactions.update(hash, label(token, "mint"));
          transactions.update(hash, label(token, "mint"), await session.reader.publicClient.waitForTransactionReceipt({ hash }));
        }
        return `Minted ${formatAmount(TEST_MINT[0], 0, 0)} token0 and ${formatAmount(TEST_MINT[1], 0, 0)} token1.`;
      });
    return (
      <div class="connect connected">
        <span class={connection.dev ? "badge dev" : "badge"}>{connection.label}</span>
        <code class="address" title={connection.account}>{shortAddress(connection.account)}</code>
        {local && (
          <button type="button" disabled={mint.busy} onClick={mintTokens}>
            Mint test tokens
          </button>
        )}
        <button type="button" onClick={() => onConnect(undefined)}>
          Disconnect
        </button>
        <ActionStatus state={mint} />
      </div>
    );
  }
  return (
    <div class="connect">
      <button type="button" class="primary" onClick={() => connect(() => connectInjected(config))}>
        Connect wallet
      </button>
      {local && (
        <span class="dev-connector">
          <label>
            Dev account{" "}
            <select value={devIndex} onChange={(e) => setDevIndex(Number(e.currentTarget.value))}>
              {DEV_ADDRESSES.map((address, i) => (
                <option value={i}>
                  #{i} {shortAddress(address)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => connect(async () => connectDev(config, devIndex))}>
            Use dev account
          </button>
          <small class="warning">anvil's public keys: for the local chain only</small>
        </span>
      )}
      {error && (
        <p class="status error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
