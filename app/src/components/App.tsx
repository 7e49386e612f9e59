// The page: the chain configured, a reader of the pool, the connection, and
// a snapshot re-read every few seconds and after every write.
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { createPublicClient, http } from "viem";
import { Damm } from "@damm/sdk";
import type { AppConfig } from "../config.js";
import { describeError } from "../errors.js";
import { EventLog } from "../events.js";
import type { Session } from "../session.js";
import { DEFAULT_SETTINGS, type Settings } from "../settings.js";
import { readSnapshot, type Snapshot } from "../snapshot.js";
import { watchInjected, type Connection } from "../wallet.js";
import { Connect } from "./Connect.js";
import { DepositPanel } from "./DepositPanel.js";
import { MarketsTable } from "./MarketsTable.js";
import { PoolPanel } from "./PoolPanel.js";
import { PositionPanel } from "./PositionPanel.js";
import { SettingsBar } from "./SettingsBar.js";
import { SwapPanel } from "./SwapPanel.js";
import { Transactions } from "./Transactions.js";
import { WithdrawPanel } from "./WithdrawPanel.js";

/** How often the page re-reads the chain when nothing happens. */
const REFRESH_MS = 3000;

export function App({ config }: { config: AppConfig }) {
  const { reader, log } = useMemo(() => {
    // A fast poll: damm-node mines at once, and Arbitrum every quarter second.
    const publicClient = createPublicClient({ chain: config.chain, transport: http(config.rpcUrl), pollingInterval: 250 });
    const reader = new Damm({ address: config.damm, publicClient });
    return { reader, log: new EventLog(reader, config.fromBlock) };
  }, [config]);
  const [connection, setConnection] = useState<Connection>();
  const [snapshot, setSnapshot] = useState<Snapshot>();
  const [readError, setReadError] = useState<string>();
  const [settings, setSettings] = useState<Settings>(DEFAULT_SETTINGS);
  const writer = useMemo(
    () => connection && new Damm({ address: config.damm, publicClient: reader.publicClient, walletClient: connection.walletClient }),
    [connection, reader],
  );

  // Reads may overlap (the timer and a write's end): only the latest started lands.
  const started = useRef(0);
  const refresh = useCallback(async () => {
    const read = ++started.current;
    try {
      const next = await readSnapshot(reader, log, connection?.account);
      if (read !== started.current) return;
      setSnapshot(next);
      setReadError(undefined);
    } catch (error) {
      if (read === started.current) setReadError(`Cannot read the pool: ${describeError(error)}`);
    }
  }, [reader, log, connection]);

  useEffect(() => (connection && !connection.dev ? watchInjected(config, setConnection) : undefined), [connection, config]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const session: Session | undefined = snapshot && { reader, snapshot, settings, connection, writer, refresh };
  return (
    <>
      <header>
        <h1>
          dAMM <span class="muted">on {config.chain.name}</span>
        </h1>
        <Connect config={config} session={session} onConnect={setConnection} />
      </header>
      {readError && <p class="status error" role="alert">{readError}</p>}
      {session ? (
        <main>
          <div class="column">
            <PoolPanel snapshot={session.snapshot} />
            <MarketsTable snapshot={session.snapshot} />
          </div>
          <div class="column">
            <SettingsBar settings={settings} onChange={setSettings} />
            <SwapPanel session={session} />
            <DepositPanel session={session} />
            <PositionPanel snapshot={session.snapshot} />
            <WithdrawPanel session={session} />
          </div>
        </main>
      ) : (
        !readError && <p class="muted">Reading the pool…</p>
      )}
      <Transactions config={config} reader={reader} />
    </>
  );
}
