// The line under a form: progress while a write runs, then its outcome.
import type { ActionState } from "../actions.js";

export function ActionStatus({ state }: { state: ActionState }) {
  if (state.busy) return <p class="status busy" role="status">Waiting for the wallet and the chain… (see Transactions)</p>;
  if (state.error) return <p class="status error" role="alert">{state.error}</p>;
  if (state.done) return <p class="status done" role="status">{state.done}</p>;
  return null;
}
