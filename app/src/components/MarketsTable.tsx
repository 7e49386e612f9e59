// The markets sharing the pool (docs/design.md §3): who settles each, on
// which curve, its allocation weight, its last batch and when it settled,
// its amplification √(x_v·y_v)/√(X̄·Ȳ), and the fee growth of its batches.
import { curveName } from "../curves.js";
import { formatAmount, formatDuration, formatPercent, formatWad, shortAddress } from "../format.js";
import { amplification } from "../poolMath.js";
import { chainNow, type Snapshot } from "../snapshot.js";

export function MarketsTable({ snapshot }: { snapshot: Snapshot }) {
  const { markets, pool } = snapshot;
  const now = chainNow(snapshot.clock);
  const afs = markets.map((m) => amplification(m.x, m.y, pool.free0, pool.free1));
  const total = afs.reduce((a, b) => a + b, 0n);
  return (
    <section class="panel markets" aria-labelledby="markets-title">
      <h2 id="markets-title">Markets</h2>
      <table>
        <thead>
          <tr>
            <th>#</th>
            <th>Operator</th>
            <th>Curve</th>
            <th>Status</th>
            <th>Weight</th>
            <th>Batch</th>
            <th>Last settled</th>
            <th>Amplification</th>
            <th>Growth</th>
          </tr>
        </thead>
        <tbody>
          {markets.map((m, i) => (
            <tr data-market={m.id.toString()}>
              <td>{m.id.toString()}</td>
              <td><code title={m.operator}>{shortAddress(m.operator)}</code></td>
              <td>{curveName(m)}</td>
              <td class="status">{String(m.status)}</td>
              <td class="weight">{formatPercent(m.weight, 0)}</td>
              <td class="batch">{m.batchId.toString()}</td>
              <td class="settled">{formatDuration(now - m.settledAt)} ago</td>
              <td class="af" data-raw={afs[i]!.toString()}>{formatWad(afs[i]!, 4)}</td>
              <td class="growth" data-raw={m.growth.toString()}>{formatAmount(m.growth, 18, 6)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={7}>Pool amplification (sum)</td>
            <td class="af-total">{formatWad(total, 4)}</td>
            <td />
          </tr>
        </tfoot>
      </table>
    </section>
  );
}
