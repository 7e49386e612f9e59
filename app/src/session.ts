// What every panel is handed: the pool to read, the latest snapshot, the
// trade settings, and, once connected, the pool to write through the
// connected wallet.
import type { Damm } from "@damm/sdk";
import type { Settings } from "./settings.js";
import type { Snapshot } from "./snapshot.js";
import type { Connection } from "./wallet.js";

export interface Session {
  reader: Damm;
  snapshot: Snapshot;
  settings: Settings;
  connection?: Connection;
  /** The pool with the connection's wallet. */
  writer?: Damm;
  /** Re-reads the chain now (the page also does every few seconds). */
  refresh(): Promise<void>;
}
