// The pool: what it holds, what is reserved for locked withdrawals, what is
// free to price against (docs/design.md §0), the LP supply, the health
// factor, the fee and its parts (§5), and the history chart.
import { formatPercent } from "../format.js";
import { feeParts, spotPrice } from "../poolMath.js";
import type { Snapshot } from "../snapshot.js";
import { Amount } from "./Amount.js";
import { HealthGauge } from "./HealthGauge.js";
import { HistoryChart } from "./HistoryChart.js";

export function PoolPanel({ snapshot }: { snapshot: Snapshot }) {
  const { pool, params, decimals } = snapshot;
  const parts = feeParts(pool.fee, pool.healthFactor, params.hfMin, params.phi, params.feeMax);
  const rows = [
    { name: "token0", balance: pool.balance0, reserved: pool.reserved0, free: pool.free0, decimals: decimals[0] },
    { name: "token1", balance: pool.balance1, reserved: pool.reserved1, free: pool.free1, decimals: decimals[1] },
  ];
  return (
    <section class="panel pool" aria-labelledby="pool-title">
      <h2 id="pool-title">Pool {pool.paused && <span class="badge error">paused</span>}</h2>
      <div class="pool-top">
        <div>
          <table class="books">
            <thead>
              <tr>
                <th />
                <th>Balance</th>
                <th>Reserved</th>
                <th>Free</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr data-token={r.name}>
                  <th>{r.name}</th>
                  <td class="balance"><Amount value={r.balance} decimals={r.decimals} /></td>
                  <td class="reserved"><Amount value={r.reserved} decimals={r.decimals} /></td>
                  <td class="free"><Amount value={r.free} decimals={r.decimals} /></td>
                </tr>
              ))}
            </tbody>
          </table>
          <dl class="facts">
            <dt>LP supply</dt>
            <dd class="lp-supply"><Amount value={pool.lpSupply} unit="shares" /></dd>
            <dt>Price</dt>
            <dd class="price"><Amount value={spotPrice(pool.free0, pool.free1, decimals[0], decimals[1])} places={2} unit="token1 per token0" /></dd>
            <dt>Swap fee now</dt>
            <dd class="fee" data-raw={pool.fee.toString()}>
              {formatPercent(pool.fee, 4)}
              {parts.capped && <span class="muted"> (capped at {formatPercent(params.feeMax)})</span>}
            </dd>
            <dt class="sub">volume part</dt>
            <dd class="fee-volume" data-raw={parts.volume.toString()}>{parts.capped ? "≥ " : ""}{formatPercent(parts.volume, 4)}</dd>
            <dt class="sub">health part</dt>
            <dd class="fee-health" data-raw={parts.health.toString()}>{formatPercent(parts.health, 4)}</dd>
          </dl>
        </div>
        <HealthGauge hf={pool.healthFactor} hfMin={params.hfMin} />
      </div>
      <HistoryChart points={snapshot.history} hfMin={params.hfMin} />
    </section>
  );
}
