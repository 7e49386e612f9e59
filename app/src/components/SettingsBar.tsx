// Slippage tolerance and deadline, as typed; the parsed values go up to the
// page, and a value that does not parse keeps the last good one.
import { useState } from "preact/hooks";
import { parseDeadline, parseSlippage, type Settings } from "../settings.js";

export function SettingsBar({ settings, onChange }: { settings: Settings; onChange: (s: Settings) => void }) {
  const [slippage, setSlippage] = useState((settings.slippageBps / 100).toString());
  const [deadline, setDeadline] = useState((settings.deadlineSeconds / 60n).toString());
  const slippageBps = parseSlippage(slippage);
  const deadlineSeconds = parseDeadline(deadline);
  return (
    <section class="panel settings" aria-label="Settings">
      <label>
        Slippage tolerance{" "}
        <input
          name="slippage"
          inputMode="decimal"
          value={slippage}
          aria-invalid={slippageBps === undefined}
          onInput={(e) => {
            const text = e.currentTarget.value;
            setSlippage(text);
            const bps = parseSlippage(text);
            if (bps !== undefined) onChange({ ...settings, slippageBps: bps });
          }}
        />{" "}
        %
      </label>
      <label>
        Deadline{" "}
        <input
          name="deadline"
          inputMode="numeric"
          value={deadline}
          aria-invalid={deadlineSeconds === undefined}
          onInput={(e) => {
            const text = e.currentTarget.value;
            setDeadline(text);
            const seconds = parseDeadline(text);
            if (seconds !== undefined) onChange({ ...settings, deadlineSeconds: seconds });
          }}
        />{" "}
        min
      </label>
      {(slippageBps === undefined || deadlineSeconds === undefined) && (
        <span class="status error">Slippage is a percentage below 100 with at most two decimals; the deadline is whole minutes.</span>
      )}
    </section>
  );
}
