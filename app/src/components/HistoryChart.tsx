// HF and price over time, one point per transaction that moved the pool's
// books (src/history.ts folds them from the contract's events). HF reads on
// the left axis, the price on the right; the floor is a dashed line.
import { formatAmount, formatTime, formatWad } from "../format.js";
import type { HistoryPoint } from "../history.js";

const W = 560;
const H = 200;
const PAD = { left: 56, right: 64, top: 12, bottom: 28 };

/** A WAD as a number: for drawing only. */
const num = (wad: bigint) => Number(wad) / 1e18;

function scale(values: number[], extra: number[] = []) {
  const all = [...values, ...extra];
  let min = Math.min(...all);
  let max = Math.max(...all);
  const margin = (max - min) * 0.1 || Math.abs(max) * 0.01 || 1;
  min -= margin;
  max += margin;
  return { min, max, y: (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - (v - min) / (max - min)) };
}

export function HistoryChart({ points, hfMin }: { points: readonly HistoryPoint[]; hfMin: bigint }) {
  if (points.length < 2) return <p class="muted">The chart starts once the pool has two moves.</p>;
  const t0 = Number(points[0]!.time);
  const t1 = Number(points[points.length - 1]!.time);
  const x = (t: bigint) => PAD.left + (W - PAD.left - PAD.right) * (t1 === t0 ? 1 : (Number(t) - t0) / (t1 - t0));
  const hf = scale(points.map((p) => num(p.hf)), [num(hfMin)]);
  const price = scale(points.map((p) => num(p.price)));
  const line = (y: (p: HistoryPoint) => number) => points.map((p) => `${x(p.time).toFixed(1)},${y(p).toFixed(1)}`).join(" ");
  const last = points[points.length - 1]!;
  return (
    <figure class="chart" data-points={points.length}>
      <svg viewBox={`0 0 ${W} ${H}`} aria-label="Health factor and price over time">
        <line x1={PAD.left} x2={W - PAD.right} y1={hf.y(num(hfMin))} y2={hf.y(num(hfMin))} class="floor" />
        <polyline points={line((p) => price.y(num(p.price)))} class="price" />
        <polyline points={line((p) => hf.y(num(p.hf)))} class="hf" />
        {points.map((p) => (
          <circle cx={x(p.time)} cy={hf.y(num(p.hf))} r={2.5} class="hf-dot" />
        ))}
        <text x={PAD.left - 6} y={PAD.top + 8} class="axis hf" text-anchor="end">{hf.max.toFixed(4)}</text>
        <text x={PAD.left - 6} y={H - PAD.bottom} class="axis hf" text-anchor="end">{hf.min.toFixed(4)}</text>
        <text x={W - PAD.right + 6} y={PAD.top + 8} class="axis price">{price.max.toFixed(2)}</text>
        <text x={W - PAD.right + 6} y={H - PAD.bottom} class="axis price">{price.min.toFixed(2)}</text>
        <text x={PAD.left} y={H - 8} class="axis">{formatTime(points[0]!.time)}</text>
        <text x={W - PAD.right} y={H - 8} class="axis" text-anchor="end">{formatTime(last.time)}</text>
      </svg>
      <figcaption>
        <span class="legend hf">HF</span> {formatWad(last.hf)} · <span class="legend price">price</span> {formatAmount(last.price, 18, 2)} token1 per token0 ·{" "}
        <span class="legend floor">floor</span> {formatWad(hfMin, 2)} · {points.length} moves
      </figcaption>
    </figure>
  );
}
