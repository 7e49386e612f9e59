// The health factor as a gauge: red below the floor (where every settlement
// must keep or raise HF, docs/design.md §4), amber between the floor and 1,
// green from 1, where LPs hold what a fee-less V2 pool would give them.
import { WAD } from "@damm/sdk";
import { formatWad } from "../format.js";

const R = 90;
const CX = 110;
const CY = 105;

/** A WAD as a number: for drawing only. */
const num = (wad: bigint) => Number(wad) / 1e18;

export function HealthGauge({ hf, hfMin }: { hf: bigint; hfMin: bigint }) {
  const floor = num(hfMin);
  const value = num(hf);
  // The dial spans the floor's distance from 1 twice below it and half above 1.
  const low = Math.max(0, Math.min(floor - (1 - floor), value - 0.01));
  const high = Math.max(1 + (1 - floor) / 2, value + 0.01);
  const angle = (v: number) => Math.PI * (1 - (Math.min(Math.max(v, low), high) - low) / (high - low));
  const at = (v: number, r = R) => [CX + r * Math.cos(angle(v)), CY - r * Math.sin(angle(v))] as const;
  const arc = (from: number, to: number) => {
    const [x0, y0] = at(from);
    const [x1, y1] = at(to);
    return `M ${x0} ${y0} A ${R} ${R} 0 0 1 ${x1} ${y1}`;
  };
  const [nx, ny] = at(value, R - 12);
  const [fx0, fy0] = at(floor, R - 14);
  const [fx1, fy1] = at(floor, R + 14);
  const [lx, ly] = at(floor, R + 24);
  const zone = hf < hfMin ? "below the floor" : hf < WAD ? "below 1" : "healthy";
  return (
    <figure class="gauge">
      <svg
        viewBox="-10 -24 240 152"
        role="meter"
        aria-label="Health factor"
        aria-valuemin={low}
        aria-valuemax={high}
        aria-valuenow={value}
        data-hf={hf.toString()}
        data-floor={hfMin.toString()}
      >
        <path d={arc(low, floor)} class="zone red" />
        <path d={arc(floor, 1)} class="zone amber" />
        <path d={arc(1, high)} class="zone green" />
        <line x1={fx0} y1={fy0} x2={fx1} y2={fy1} class="floor" />
        <text x={lx} y={ly} class="floor-label" text-anchor="middle">
          floor {formatWad(hfMin, 2)}
        </text>
        <line x1={CX} y1={CY} x2={nx} y2={ny} class="needle" />
        <circle cx={CX} cy={CY} r={4} class="hub" />
      </svg>
      <figcaption>
        HF <strong class="hf-value">{formatWad(hf)}</strong> <span class={`zone-name ${zone.replace(/ /g, "-")}`}>{zone}</span>
      </figcaption>
    </figure>
  );
}
